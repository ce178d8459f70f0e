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

    /// The subflows holding `start` and their parents, innermost first (a file's cycle of
    /// parents stops after each subflow was seen once).
    fn ancestors<'a>(&'a self, start: Option<&'a str>) -> Vec<&'a str> {
        let mut chain: Vec<&str> = Vec::new();
        let mut at = start;
        while let Some(s) = at {
            if chain.contains(&s) || !self.exists(s) {
                break;
            }
            chain.push(s);
            at = self.parent(s);
        }
        chain
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
                Some(i) if i > 1 => Place::In(chain[i - 2].to_owned()),
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

    /// The ports subflow `id` shows, as its inner nodes' ports, nodes from top to bottom (then
    /// left to right): inputs no inner node feeds, and outputs no inner node reads or that a
    /// node outside reads.
    pub fn subflow_ports(&self, id: &str) -> (Vec<InPort>, Vec<OutPort>) {
        let members = self.subflow_members(id);
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
            let nodes = g.nodes.iter().filter(|k| !keys.contains(k)).cloned().collect();
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
        let mut nodes = g.nodes.clone();
        nodes.extend(keys.iter().filter(|k| !g.nodes.contains(k)).cloned());
        Some(Edit::SetGroup(Group { nodes, ..g.clone() }))
    }

    /// A file's subflows made sound: a parent that is not a subflow, or that closes a cycle of
    /// parents, becomes the top level; a node in several subflows stays in the first. Returns
    /// what was changed, for the warnings.
    pub(crate) fn mend_subflows(&mut self) -> Vec<String> {
        let mut said = Vec::new();
        let subflow_ids: HashSet<String> =
            self.groups.iter().filter(|g| g.is_subflow()).map(|g| g.id.clone()).collect();
        for i in 0..self.groups.len() {
            let Some(p) = self.groups[i].parent().map(str::to_owned) else { continue };
            let mut seen = vec![self.groups[i].id.clone()];
            let mut at = Some(p.clone());
            let mut sound = true;
            while let Some(a) = at {
                if seen.contains(&a) || !subflow_ids.contains(&a) {
                    sound = false;
                    break;
                }
                seen.push(a.clone());
                at = self.group(&a).and_then(|g| g.parent().map(str::to_owned));
            }
            if !sound {
                said.push(format!(
                    "subflow '{}' was put at the top level: its parent '{p}' is not one",
                    self.groups[i].title
                ));
                self.groups[i].kind = GroupKind::Subflow { parent: None };
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

    #[test]
    fn subflows_nest_and_dissolve_back_into_their_parent() {
        let mut f = chain();
        let (a, m) = (id(&f, "A"), id(&f, "M"));
        let (edit, outer) = f.make_subflow_edit(&[a, m], None).unwrap();
        apply(&mut f, edit).unwrap();
        // inside the outer one, ADD alone becomes an inner subflow
        let (edit, inner) = f.make_subflow_edit(&[a], Some(&outer)).unwrap();
        apply(&mut f, edit).unwrap();
        let s = f.subflows();
        assert_eq!(s.subflow_of(a), Some(inner.as_str()));
        assert_eq!(s.subflow_of(m), Some(outer.as_str()));
        assert_eq!(s.place(a, None), Place::In(outer.clone()));
        assert_eq!(s.place(a, Some(&outer)), Place::In(inner.clone()));
        assert_eq!(s.place_of_subflow(&inner, Some(&outer)), Place::Itself);
        assert_eq!(s.place_of_subflow(&inner, None), Place::In(outer.clone()));
        assert_eq!(s.path(Some(&inner)), [outer.clone(), inner.clone()]);
        assert_eq!(f.subflow_members(&outer), [a, m]);
        // making the outer one again from the top takes the inner along whole
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
            {"id": "x", "nodes": ["A"], "subflow": {"parent": "y"}},
            {"id": "y", "nodes": ["M", "A"], "subflow": {"parent": "x"}},
            {"id": "z", "nodes": ["E"], "subflow": {"parent": "nowhere"}},
        ]});
        let loaded = file::load(&j.to_string(), 1).unwrap();
        let s = loaded.flow.subflows();
        assert_eq!(loaded.flow.group("z").unwrap().parent(), None);
        // the cycle x ↔ y is broken: one of them is at the top, the other inside it
        let tops = ["x", "y"].iter().filter(|g| loaded.flow.group(g).unwrap().parent().is_none()).count();
        assert_eq!(tops, 1);
        assert_eq!(loaded.flow.group("y").unwrap().nodes, ["M"], "A stays in x, the first to name it");
        assert_eq!(s.place(id(&loaded.flow, "E"), None), Place::In("z".into()));
        assert!(loaded.warnings.len() >= 2, "{:?}", loaded.warnings);
    }
}
