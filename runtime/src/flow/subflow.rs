//! Subflows: some nodes drawn as one node whose ports are their open ports, entered (double-
//! click) to see and edit them. A subflow is a [`Group`] of kind [`GroupKind::Subflow`]: it
//! names its nodes by key, and the nodes stay in the flow as they were. So a flow runs exactly
//! as it would without its subflows (the scheduler never sees them), a wire to a subflow's port
//! is a wire to the inner node's port, and a saved file holds every node as a plain Flojoy node:
//! Flojoy Studio opens it as the same flow, flat (the subflows are under `flojoyWeb.groups`,
//! which it does not read).
//!
//! Subflows nest: each has a parent (another subflow, or the top level). A node is directly in
//! at most one subflow; a subflow's members are its nodes and those of the subflows inside it.

use std::collections::{HashMap, HashSet};

/// How deep subflows nest at most: a file's deeper chain is cut there (its subflow goes to the
/// top level), so no walk up the parents is ever long.
pub const MAX_DEPTH: usize = 32;

use super::{Edge, Flow, Group, GroupKind, InPort, NodeId, OutPort};
use crate::Edit;

/// Where a node is drawn when the canvas shows one level (the top, or inside a subflow).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// As itself.
    Itself,
    /// Inside this subflow, which is drawn at the level as one node.
    In(String),
    /// Not at this level (outside the subflow shown).
    Elsewhere,
}

/// A flow's subflows, indexed: the subflow each node is directly in, and each subflow's parent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subflows {
    of: HashMap<NodeId, String>,
    parent: HashMap<String, Option<String>>,
}

impl Subflows {
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The subflow `node` is directly in.
    pub fn subflow_of(&self, node: NodeId) -> Option<&str> {
        self.of.get(&node).map(String::as_str)
    }

    pub fn exists(&self, subflow: &str) -> bool {
        self.parent.contains_key(subflow)
    }

    /// The subflow `subflow` is drawn in (`None`: the top level).
    pub fn parent(&self, subflow: &str) -> Option<&str> {
        self.parent.get(subflow)?.as_deref()
    }

    /// The subflows holding `start` and their parents, innermost first (at most [`MAX_DEPTH`];
    /// a cycle of parents, which a mended flow has not, stops there too).
    fn ancestors<'a>(&'a self, start: Option<&'a str>) -> Vec<&'a str> {
        let mut chain: Vec<&str> = Vec::new();
        let mut at = start;
        while let Some(s) = at {
            if chain.len() >= MAX_DEPTH || chain.contains(&s) || !self.exists(s) {
                break;
            }
            chain.push(s);
            at = self.parent(s);
        }
        chain
    }

    /// Every subflow's members (its nodes and those of the subflows inside it), in one pass
    /// over the nodes, in flow order.
    pub fn members(&self, node_ids: &[NodeId]) -> HashMap<String, Vec<NodeId>> {
        let mut m: HashMap<String, Vec<NodeId>> = HashMap::new();
        for id in node_ids {
            for s in self.ancestors(self.subflow_of(*id)) {
                m.entry(s.to_owned()).or_default().push(*id);
            }
        }
        m
    }

    /// Where `node` is drawn when the canvas shows `level`.
    pub fn place(&self, node: NodeId, level: Option<&str>) -> Place {
        let chain = self.ancestors(self.subflow_of(node));
        match level {
            None => chain.last().map_or(Place::Itself, |top| Place::In((*top).to_owned())),
            Some(l) => match chain.iter().position(|s| *s == l) {
                Some(0) => Place::Itself,
                Some(i) => Place::In(chain[i - 1].to_owned()),
                None => Place::Elsewhere,
            },
        }
    }

    /// Where subflow `s` is drawn (as one node) when the canvas shows `level`: like [`place`].
    pub fn place_of_subflow(&self, s: &str, level: Option<&str>) -> Place {
        let chain = self.ancestors(Some(s));
        match level {
            None => match chain.as_slice() {
                [_] => Place::Itself,
                [.., top] => Place::In((*top).to_owned()),
                [] => Place::Elsewhere,
            },
            Some(l) => match chain.iter().position(|x| *x == l) {
                Some(1) => Place::Itself,
                Some(i) if i > 1 => Place::In(chain[i - 1].to_owned()),
                _ => Place::Elsewhere,
            },
        }
    }

    /// Whether `node` is inside `subflow`, directly or in a subflow inside it.
    pub fn holds(&self, subflow: &str, node: NodeId) -> bool {
        self.ancestors(self.subflow_of(node)).contains(&subflow)
    }

    /// The subflows from the top level down to `level`, outermost first (the breadcrumb).
    pub fn path(&self, level: Option<&str>) -> Vec<String> {
        let mut p: Vec<String> = self.ancestors(level).into_iter().map(str::to_owned).collect();
        p.reverse();
        p
    }
}

impl Flow {
    /// The subflows, indexed ([`Subflows`]).
    pub fn subflows(&self) -> Subflows {
        let mut s = Subflows::default();
        for g in self.groups.iter().filter(|g| g.is_subflow()) {
            s.parent.insert(g.id.clone(), g.parent().map(str::to_owned));
            for id in self.group_members(g) {
                s.of.entry(id).or_insert_with(|| g.id.clone());
            }
        }
        s
    }

    /// Every node inside subflow `id`, those of subflows inside it included, in flow order.
    pub fn subflow_members(&self, id: &str) -> Vec<NodeId> {
        let s = self.subflows();
        self.node_ids().into_iter().filter(|n| s.holds(id, *n)).collect()
    }

    /// Every subflow's members ([`Subflows::members`]).
    pub fn all_subflow_members(&self) -> HashMap<String, Vec<NodeId>> {
        self.subflows().members(&self.node_ids())
    }

    /// The ports subflow `id` shows, as its inner nodes' ports, nodes from top to bottom (then
    /// left to right): inputs no inner node feeds, and outputs no inner node reads or that a
    /// node outside reads.
    pub fn subflow_ports(&self, id: &str) -> (Vec<InPort>, Vec<OutPort>) {
        self.ports_of(&self.subflow_members(id))
    }

    /// The open ports of the nodes `members` (a subflow's), as [`Flow::subflow_ports`].
    pub fn ports_of(&self, members: &[NodeId]) -> (Vec<InPort>, Vec<OutPort>) {
        let inside: HashSet<NodeId> = members.iter().copied().collect();
        let mut nodes: Vec<_> = members.iter().filter_map(|m| self.node(*m)).collect();
        nodes.sort_by(|a, b| a.position.1.total_cmp(&b.position.1).then(a.position.0.total_cmp(&b.position.0)));
        let (mut ins, mut outs) = (Vec::new(), Vec::new());
        for n in nodes {
            let into = self.edges_into(n.id);
            let from = self.edges_from(n.id);
            for port in 0..n.spec().inputs.len() as u16 {
                if !into.iter().any(|e| e.to.port == port && inside.contains(&e.from.node)) {
                    ins.push(InPort { node: n.id, port });
                }
            }
            for port in 0..n.spec().outputs.len() as u16 {
                let wires: Vec<&Edge> = from.iter().filter(|e| e.from.port == port).collect();
                if wires.is_empty() || wires.iter().any(|e| !inside.contains(&e.to.node)) {
                    outs.push(OutPort { node: n.id, port });
                }
            }
        }
        (ins, outs)
    }

    /// The edit that makes the nodes `ids` shown at `level` one subflow there, with its id:
    /// the selected nodes drawn as themselves move into it, and so do the subflows drawn at the
    /// level whose members are all selected. `None` when nothing selected is at the level.
    pub fn make_subflow_edit(&self, ids: &[NodeId], level: Option<&str>) -> Option<(Edit, String)> {
        let s = self.subflows();
        let chosen: HashSet<NodeId> = ids.iter().copied().collect();
        let direct: Vec<NodeId> =
            self.node_ids().into_iter().filter(|n| chosen.contains(n) && s.place(*n, level) == Place::Itself).collect();
        let inner: Vec<&Group> = self
            .groups
            .iter()
            .filter(|g| g.is_subflow() && s.place_of_subflow(&g.id, level) == Place::Itself)
            .filter(|g| {
                let m = self.subflow_members(&g.id);
                !m.is_empty() && m.iter().all(|n| chosen.contains(n))
            })
            .collect();
        if direct.is_empty() && inner.is_empty() {
            return None;
        }
        let id = self.fresh_group_id();
        let keys: Vec<String> = direct.iter().filter_map(|n| Some(self.node(*n)?.key.clone())).collect();
        let taken: HashSet<&String> = keys.iter().collect();
        let mut edits = vec![Edit::AddGroup(Group {
            id: id.clone(),
            title: self.fresh_title("Subflow"),
            color: super::GROUP_COLORS[0].to_owned(),
            nodes: keys.clone(),
            collapsed: false,
            kind: GroupKind::Subflow { parent: level.map(str::to_owned) },
        })];
        for g in inner {
            edits.push(Edit::SetGroup(Group { kind: GroupKind::Subflow { parent: Some(id.clone()) }, ..g.clone() }));
        }
        // a node is directly in one subflow: those taken from the level's subflow leave it
        if let Some(g) = level.and_then(|l| self.group(l)) {
            let nodes = g.nodes.iter().filter(|k| !taken.contains(k)).cloned().collect();
            edits.push(Edit::SetGroup(Group { nodes, ..g.clone() }));
        }
        Some((Edit::Batch(edits), id))
    }

    /// The edit that undoes subflow `id`: its nodes and subflows go back to its parent's level.
    pub fn dissolve_subflow_edit(&self, id: &str) -> Option<Edit> {
        let g = self.group(id).filter(|g| g.is_subflow())?;
        let parent = g.parent().map(str::to_owned);
        let mut edits = vec![Edit::RemoveGroup(id.to_owned())];
        for child in self.groups.iter().filter(|c| c.is_subflow() && c.parent() == Some(id)) {
            edits.push(Edit::SetGroup(Group { kind: GroupKind::Subflow { parent: parent.clone() }, ..child.clone() }));
        }
        if let Some(p) = parent.as_deref().and_then(|p| self.group(p)) {
            let mut nodes = p.nodes.clone();
            nodes.extend(g.nodes.iter().cloned());
            edits.push(Edit::SetGroup(Group { nodes, ..p.clone() }));
        }
        Some(Edit::Batch(edits))
    }

    /// The edit that puts the nodes `keys` (just added) into subflow `level`, where the canvas
    /// shows them; `None` at the top level.
    pub fn join_subflow_edit(&self, keys: &[String], level: Option<&str>) -> Option<Edit> {
        let g = self.group(level?).filter(|g| g.is_subflow())?;
        let have: HashSet<&String> = g.nodes.iter().collect();
        let mut nodes = g.nodes.clone();
        nodes.extend(keys.iter().filter(|k| !have.contains(k)).cloned());
        Some(Edit::SetGroup(Group { nodes, ..g.clone() }))
    }

    /// A file's subflows made sound: a parent that is not a subflow, that closes a cycle of
    /// parents or that nests deeper than [`MAX_DEPTH`] becomes the top level; a node in
    /// several subflows stays in the first; a subflow with no node in the flow (its own or
    /// its subflows') goes. Returns what was changed, for the warnings. Linear in the groups
    /// and nodes (times [`MAX_DEPTH`]): a file cannot make it slow.
    pub(crate) fn mend_subflows(&mut self) -> Vec<String> {
        let mut said = Vec::new();
        let mut parent: HashMap<String, Option<String>> = self
            .groups
            .iter()
            .filter(|g| g.is_subflow())
            .map(|g| (g.id.clone(), g.parent().map(str::to_owned)))
            .collect();
        let ids: Vec<String> = self.groups.iter().filter(|g| g.is_subflow()).map(|g| g.id.clone()).collect();
        for id in &ids {
            let mut seen: HashSet<String> = HashSet::from([id.clone()]);
            let mut at = parent.get(id).cloned().flatten();
            let mut sound = true;
            while let Some(a) = at {
                if seen.len() >= MAX_DEPTH || seen.contains(&a) || !parent.contains_key(&a) {
                    sound = false;
                    break;
                }
                at = parent.get(&a).cloned().flatten();
                seen.insert(a);
            }
            if !sound {
                parent.insert(id.clone(), None);
            }
        }
        for g in self.groups.iter_mut().filter(|g| g.is_subflow()) {
            let fixed = parent.get(&g.id).cloned().flatten();
            if g.parent().map(str::to_owned) != fixed {
                said.push(format!("subflow '{}' was put at the top level: its parent is not a subflow, closes a loop or nests too deep", g.title));
                g.kind = GroupKind::Subflow { parent: fixed };
            }
        }
        let mut taken: HashSet<String> = HashSet::new();
        for g in self.groups.iter_mut().filter(|g| g.is_subflow()) {
            let before = g.nodes.len();
            g.nodes.retain(|k| taken.insert(k.clone()));
            if g.nodes.len() < before {
                said.push(format!("subflow '{}' gave up nodes already in another subflow", g.title));
            }
        }
        let members = self.all_subflow_members();
        let empty: HashSet<String> = self
            .groups
            .iter()
            .filter(|g| g.is_subflow() && !members.contains_key(&g.id))
            .map(|g| g.id.clone())
            .collect();
        for g in self.groups.iter().filter(|g| empty.contains(&g.id)) {
            said.push(format!("subflow '{}' was skipped: none of its nodes is in the file", g.title));
        }
        self.groups.retain(|g| !empty.contains(&g.id));
        said
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply;
    use crate::file;

    /// SCALAR → ADD.a, SCALAR → ADD.b, ADD → MULTIPLY.a (MULTIPLY.b open), MULTIPLY → END.
    fn chain() -> Flow {
        let node = |id: &str, func: &str, x: f64, y: f64| serde_json::json!({"id": id, "data": {"func": func, "label": id}, "position": {"x": x, "y": y}});
        let wire = |s: &str, t: &str, th: &str| serde_json::json!({"source": s, "sourceHandle": "default", "target": t, "targetHandle": th});
        let j = serde_json::json!({"rfInstance": {
            "nodes": [node("S", "CONSTANT", 0.0, 0.0), node("A", "ADD", 300.0, 0.0), node("M", "MULTIPLY", 600.0, 0.0), node("E", "END", 900.0, 0.0)],
            "edges": [wire("S", "A", "a"), wire("S", "A", "b"), wire("A", "M", "a"), wire("M", "E", "default")],
        }});
        file::load(&j.to_string(), 1).unwrap().flow
    }

    fn id(f: &Flow, key: &str) -> NodeId {
        f.find_key(key).unwrap()
    }

    #[test]
    fn a_subflow_shows_its_open_ports_and_its_nodes_are_drawn_in_it() {
        let mut f = chain();
        let (edit, sub) = f.make_subflow_edit(&[id(&f, "A"), id(&f, "M")], None).unwrap();
        apply(&mut f, edit).unwrap();
        let (ins, outs) = f.subflow_ports(&sub);
        let (a, m) = (id(&f, "A"), id(&f, "M"));
        // ADD's a and b are fed from outside; MULTIPLY's b is fed by nothing; MULTIPLY's output
        // goes outside; ADD's output only feeds MULTIPLY
        assert_eq!(ins, [InPort { node: a, port: 0 }, InPort { node: a, port: 1 }, InPort { node: m, port: 1 }]);
        assert_eq!(outs, [OutPort { node: m, port: 0 }]);
        let s = f.subflows();
        assert_eq!(s.place(a, None), Place::In(sub.clone()));
        assert_eq!(s.place(id(&f, "S"), None), Place::Itself);
        assert_eq!(s.place(a, Some(&sub)), Place::Itself);
        assert_eq!(s.place(id(&f, "S"), Some(&sub)), Place::Elsewhere);
    }

    /// The chain with ADD and MULTIPLY in an outer subflow, and ADD alone in an inner one
    /// (made inside the outer one): the flow, ADD, MULTIPLY, outer, inner.
    fn nested() -> (Flow, NodeId, NodeId, String, String) {
        let mut f = chain();
        let (a, m) = (id(&f, "A"), id(&f, "M"));
        let (edit, outer) = f.make_subflow_edit(&[a, m], None).unwrap();
        apply(&mut f, edit).unwrap();
        let (edit, inner) = f.make_subflow_edit(&[a], Some(&outer)).unwrap();
        apply(&mut f, edit).unwrap();
        (f, a, m, outer, inner)
    }

    #[test]
    fn subflows_nest_and_dissolve_back_into_their_parent() {
        let (mut f, a, m, outer, inner) = nested();
        let s = f.subflows();
        assert_eq!(s.subflow_of(a), Some(inner.as_str()));
        assert_eq!(s.subflow_of(m), Some(outer.as_str()));
        assert_eq!(s.place(a, None), Place::In(outer.clone()));
        assert_eq!(s.place(a, Some(&outer)), Place::In(inner.clone()));
        assert_eq!(s.place_of_subflow(&inner, Some(&outer)), Place::Itself);
        assert_eq!(s.place_of_subflow(&inner, None), Place::In(outer.clone()));
        assert_eq!(s.path(Some(&inner)), [outer.clone(), inner.clone()]);
        assert_eq!(f.subflow_members(&outer), [a, m]);
        // dissolving the outer one puts the inner one at the top
        let before = f.clone();
        let dissolve = f.dissolve_subflow_edit(&outer).unwrap();
        let undo = apply(&mut f, dissolve).unwrap();
        let s = f.subflows();
        assert_eq!(s.place(a, None), Place::In(inner.clone()), "the inner subflow is now at the top");
        assert_eq!(s.place(m, None), Place::Itself);
        apply(&mut f, undo).unwrap();
        assert_eq!(f, before, "undo puts both back as they were");
    }

    #[test]
    fn a_subflow_changes_nothing_about_how_the_flow_runs_or_what_flojoy_reads() {
        let mut f = chain();
        let plain = file::to_json(&f);
        let (edit, _) = f.make_subflow_edit(&[id(&f, "A"), id(&f, "M")], None).unwrap();
        apply(&mut f, edit).unwrap();
        let saved = file::to_json(&f);
        // Flojoy reads rfInstance: the same nodes and wires as without the subflow
        assert_eq!(saved["rfInstance"], plain["rfInstance"]);
        assert_eq!(saved["flojoyWeb"]["groups"][0]["subflow"], serde_json::json!({"parent": null}));
        let back = file::load(&saved.to_string(), 2).unwrap();
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        assert_eq!(back.flow, f, "our own files round-trip the subflow");
    }

    #[test]
    fn a_files_unsound_subflows_are_mended_with_a_warning() {
        let f = chain();
        let mut j = file::to_json(&f);
        j["flojoyWeb"] = serde_json::json!({"groups": [
            {"id": "x", "title": "x", "nodes": ["A"], "subflow": {"parent": "y"}},
            {"id": "y", "title": "y", "nodes": ["M", "A"], "subflow": {"parent": "x"}},
            {"id": "z", "title": "z", "nodes": ["E"], "subflow": {"parent": "nowhere"}},
        ]});
        let loaded = file::load(&j.to_string(), 1).unwrap();
        let s = loaded.flow.subflows();
        assert_eq!(loaded.flow.group("z").unwrap().parent(), None);
        // the cycle x ↔ y is broken: one of them is at the top, the other inside it
        let tops = ["x", "y"].iter().filter(|g| loaded.flow.group(g).unwrap().parent().is_none()).count();
        assert_eq!(tops, 1);
        assert_eq!(loaded.flow.group("y").unwrap().nodes, ["M"], "A stays in x, the first to name it");
        assert_eq!(s.place(id(&loaded.flow, "E"), None), Place::In("z".into()));
        let said = loaded.warnings.join("\n");
        assert_eq!(loaded.warnings.len(), 3, "{said}");
        assert!(said.contains("subflow 'x' was put at the top level"), "{said}");
        assert!(said.contains("subflow 'z' was put at the top level"), "{said}");
        assert!(said.contains("subflow 'y' gave up nodes already in another subflow"), "{said}");
    }

    #[test]
    fn a_files_deep_or_empty_subflows_are_cut_quickly() {
        // 5,000 subflows, each inside the next: cut at MAX_DEPTH, in well under a second
        let f = chain();
        let mut j = file::to_json(&f);
        let n = 5000;
        let groups: Vec<_> = (0..n)
            .map(|i| serde_json::json!({"id": format!("s{i}"), "nodes": if i == 0 { vec!["A"] } else { vec![] }, "subflow": {"parent": if i + 1 < n { Some(format!("s{}", i + 1)) } else { None }}}))
            .chain(std::iter::once(serde_json::json!({"id": "nothing", "nodes": ["GONE"], "subflow": {}})))
            .collect();
        j["flojoyWeb"] = serde_json::json!({ "groups": groups });
        let t = std::time::Instant::now();
        let loaded = file::load(&j.to_string(), 1).unwrap();
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
        let s = loaded.flow.subflows();
        let a = id(&loaded.flow, "A");
        assert!(s.path(s.subflow_of(a)).len() <= MAX_DEPTH);
        assert!(loaded.flow.group("nothing").is_none(), "a subflow of nodes the file lacks goes");
        // subflows holding no node at all (the cut chain's upper part) go too
        assert!(loaded.flow.groups.len() <= MAX_DEPTH, "{}", loaded.flow.groups.len());
        assert_eq!(loaded.flow.subflow_members(&loaded.flow.groups[0].id), [a]);
    }

    #[test]
    fn a_nested_subflow_dissolves_into_its_parent() {
        let (mut f, a, _, outer, inner) = nested();
        let before = f.clone();
        let dissolve = f.dissolve_subflow_edit(&inner).unwrap();
        let undo = apply(&mut f, dissolve).unwrap();
        assert!(f.group(&inner).is_none());
        assert_eq!(f.subflows().subflow_of(a), Some(outer.as_str()), "A is back in the outer subflow");
        assert_eq!(f.group(&outer).unwrap().nodes.len(), 2);
        apply(&mut f, undo).unwrap();
        assert_eq!(f, before);
    }
}
