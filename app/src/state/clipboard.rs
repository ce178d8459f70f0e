//! Copy and paste as Flojoy JSON text, so a snippet from the docs, another tab or Flojoy
//! itself pastes in: nodes get fresh ids and free labels; references among the pasted nodes,
//! their groups and their wires' reroute points follow them.

use std::collections::HashMap;

use runtime::file::{self, FileError, IdSource};
use runtime::spec::ParamKind;
use runtime::{Edit, Flow, NodeId, apply};
use serde_json::Value as Json;

/// The selected nodes and the wires among them, as a Flojoy file.
pub fn copy(flow: &Flow, ids: &[NodeId]) -> String {
    file::save_nodes(flow, ids)
}

/// What pasting produced: the edit (one undo step), the keys of the new nodes, and whether
/// the snippet holds what must not run unseen when it comes from outside (Python code,
/// hardware nodes, file exports: [`Flow::consent`]).
pub struct Pasted {
    pub edit: Edit,
    pub keys: Vec<String>,
    pub needs_consent: bool,
}

/// Builds the edit that pastes `text` into `flow`, with the snippet's top-left corner moved to
/// `at` (world coordinates), at the canvas's `level` (inside that subflow: the pasted nodes and
/// subflows join it). `seed` makes the fresh ids.
pub fn paste(flow: &Flow, text: &str, at: (f64, f64), seed: u64, level: Option<&str>) -> Result<Pasted, FileError> {
    let snippet = file::load(text, seed)?.flow;
    if snippet.is_empty() {
        return Err(FileError::NotAFlow("the clipboard holds no nodes".into()));
    }
    let mut ids = IdSource::new(seed ^ 0x5EED);
    let (x0, y0) = snippet.nodes().fold((f64::MAX, f64::MAX), |(x, y), n| (x.min(n.position.0), y.min(n.position.1)));
    // new keys first, so references among pasted nodes can be rewritten
    let renamed: HashMap<String, String> =
        snippet.nodes().map(|n| (n.key.clone(), file::node_key(n.func(), ids.next_id()))).collect();
    let mut scratch = flow.clone();
    let mut edits = Vec::new();
    let mut keys = Vec::new();
    let mut new_id: HashMap<NodeId, NodeId> = HashMap::new();
    for n in snippet.nodes() {
        let mut node = n.clone();
        node.key = renamed[&n.key].clone();
        if scratch.find_label(&node.label).is_some() {
            node.label = scratch.unique_label(n.func());
        }
        node.position = (at.0 + n.position.0 - x0, at.1 + n.position.1 - y0);
        for p in &n.spec().params {
            if p.kind == ParamKind::NodeRef
                && let Some(Json::String(target)) = node.params.get(&p.name)
                && let Some(fresh) = renamed.get(target)
            {
                node.params.insert(p.name.clone(), Json::String(fresh.clone()));
            }
        }
        node.id = NodeId(u32::MAX);
        if apply(&mut scratch, Edit::AddNode(Box::new(node.clone()))).is_err() {
            continue;
        }
        let Some(id) = scratch.find_key(&node.key) else { continue };
        // the id `scratch` gave is free in `flow` too (scratch is its copy): keep it, so the
        // wires below point at the right nodes when the edit is applied for real
        node.id = id;
        new_id.insert(n.id, id);
        keys.push(node.key.clone());
        edits.push(Edit::AddNode(Box::new(node)));
    }
    for e in snippet.edges() {
        if let (Some(a), Some(b)) = (new_id.get(&e.from.node), new_id.get(&e.to.node)) {
            let mut e = e;
            e.from.node = *a;
            e.to.node = *b;
            edits.push(Edit::Reconnect { edge: e, order: None });
        }
    }
    // the snippet's groups (fresh ids) and reroute points, following their nodes
    let added: std::collections::HashSet<&String> = keys.iter().collect();
    let pasted = |k: &String| renamed.get(k).filter(|k| added.contains(k)).cloned();
    // subflows keep their nesting (by their new ids); the outermost join the level
    let mut free = (1..).map(|i| format!("group-{i}")).filter(|id| flow.group(id).is_none());
    let group_ids: HashMap<String, String> =
        snippet.groups.iter().map(|g| (g.id.clone(), free.next().unwrap_or_default())).collect();
    for g in &snippet.groups {
        let mut g = g.clone();
        g.nodes = g.nodes.iter().filter_map(pasted).collect();
        g.id = group_ids[&g.id].clone();
        if g.is_subflow() {
            let parent = g.parent().and_then(|p| group_ids.get(p)).cloned().or_else(|| level.map(str::to_owned));
            g.kind = runtime::flow::GroupKind::Subflow { parent };
        }
        if (!g.nodes.is_empty() || g.is_subflow()) && apply(&mut scratch, Edit::AddGroup(g.clone())).is_ok() {
            edits.push(Edit::AddGroup(g));
        }
    }
    // pasted nodes in no pasted subflow join the level's
    let in_subflow: std::collections::HashSet<String> =
        snippet.groups.iter().filter(|g| g.is_subflow()).flat_map(|g| g.nodes.iter().filter_map(pasted)).collect();
    let loose: Vec<String> = keys.iter().filter(|k| !in_subflow.contains(*k)).cloned().collect();
    if let Some(join) = scratch.join_subflow_edit(&loose, level) {
        edits.push(join);
    }
    for r in &snippet.reroutes {
        let (Some(source), Some(target)) = (pasted(&r.wire.source), pasted(&r.wire.target)) else { continue };
        let wire = runtime::flow::WireKey { source, target, ..r.wire.clone() };
        let points = r.points.iter().map(|(x, y)| (at.0 + x - x0, at.1 + y - y0)).collect();
        edits.push(Edit::SetReroute { wire, points });
    }
    Ok(Pasted { edit: Edit::Batch(edits), keys, needs_consent: !snippet.consent().is_empty() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use runtime::{Edit, apply};

    fn loop_flow() -> Flow {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/flojoy/apps/gallery/loop.json"))
                .unwrap();
        file::load(&text, 1).unwrap().flow
    }

    #[test]
    fn copy_then_paste_adds_fresh_nodes_with_their_wires_and_references() {
        let mut f = loop_flow();
        let ids: Vec<NodeId> = ["LOOP", "LOOP INDEX", "BIG NUMBER"].iter().map(|l| f.find_label(l).unwrap()).collect();
        let text = copy(&f, &ids);
        let before = (f.len(), f.edge_count());
        let p = paste(&f, &text, (1000.0, 500.0), 42, None).unwrap();
        apply(&mut f, p.edit).unwrap();
        assert_eq!(f.len(), before.0 + 3);
        assert_eq!(f.edge_count(), before.1 + 2, "LOOP→LOOP_INDEX→BIG_NUMBER come along");
        assert_eq!(p.keys.len(), 3);
        let new_loop = f.find_key(&p.keys[0]).unwrap();
        let new_index = f.node(f.find_key(&p.keys[1]).unwrap()).unwrap();
        // the pasted LOOP_INDEX follows the pasted LOOP, not the original
        assert_eq!(new_index.params["loop_node"], serde_json::json!(f.node(new_loop).unwrap().key));
        assert_eq!(new_index.label, "LOOP INDEX 1");
        assert_eq!(
            f.node(new_loop).unwrap().position,
            (1000.0, 500.0 + (f.node(new_loop).unwrap().position.1 - 500.0))
        );
        // the whole paste is one undo step
        let r = runtime::validate::validate(&f);
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn groups_and_reroute_points_among_the_copied_nodes_come_along() {
        let mut f = loop_flow();
        let id = |f: &Flow, l: &str| f.find_label(l).unwrap();
        let (lp, idx, big) = (id(&f, "LOOP"), id(&f, "LOOP INDEX"), id(&f, "BIG NUMBER"));
        let key = |f: &Flow, n: NodeId| f.node(n).unwrap().key.clone();
        let g = runtime::flow::Group {
            id: "g".into(),
            title: "Counter".into(),
            color: "#2fb37a".into(),
            nodes: vec![key(&f, lp), key(&f, idx)],
            collapsed: true,
            kind: Default::default(),
        };
        // a group reaching outside the copy stays behind
        let outside = runtime::flow::Group {
            id: "h".into(),
            nodes: vec![key(&f, idx), key(&f, id(&f, "END TEXT"))],
            ..g.clone()
        };
        apply(&mut f, Edit::AddGroup(g)).unwrap();
        apply(&mut f, Edit::AddGroup(outside)).unwrap();
        let e = f.edges_from(idx).into_iter().find(|e| e.to.node == big).unwrap();
        let (x0, y0) = [lp, idx, big]
            .iter()
            .map(|n| f.node(*n).unwrap().position)
            .fold((f64::MAX, f64::MAX), |a, p| (a.0.min(p.0), a.1.min(p.1)));
        let wire = f.wire_key(e).unwrap();
        apply(&mut f, Edit::SetReroute { wire, points: vec![(x0 + 10.0, y0 + 20.0)] }).unwrap();
        let text = copy(&f, &[lp, idx, big]);
        let p = paste(&f, &text, (1000.0, 500.0), 42, None).unwrap();
        apply(&mut f, p.edit).unwrap();
        assert_eq!(f.groups.len(), 3, "the whole group came along, not the one reaching outside");
        let new = f.groups.last().unwrap();
        assert_eq!((new.title.as_str(), new.collapsed, new.nodes.as_slice()), ("Counter", true, &p.keys[..2]));
        assert_ne!(new.id, "g");
        let (ni, nb) = (f.find_key(&p.keys[1]).unwrap(), f.find_key(&p.keys[2]).unwrap());
        let ne = f.edges_from(ni).into_iter().find(|e| e.to.node == nb).unwrap();
        assert_eq!(f.reroute_points(ne), [(1010.0, 520.0)], "the point moved with its wire");
    }

    #[test]
    fn pasted_subflows_keep_their_nesting_and_join_the_level_pasted_into() {
        let mut f = loop_flow();
        let id = |f: &Flow, l: &str| f.find_label(l).unwrap();
        let (lp, idx, big) = (id(&f, "LOOP"), id(&f, "LOOP INDEX"), id(&f, "BIG NUMBER"));
        let (edit, outer) = f.make_subflow_edit(&[idx, big], None).unwrap();
        apply(&mut f, edit).unwrap();
        let (edit, _) = f.make_subflow_edit(&[big], Some(&outer)).unwrap();
        apply(&mut f, edit).unwrap();
        // copied with LOOP, pasted inside the outer subflow: LOOP joins it, the copied outer
        // subflow sits in it, and the copied inner one in the copied outer one
        let text = copy(&f, &[lp, idx, big]);
        let p = paste(&f, &text, (1000.0, 500.0), 42, Some(&outer)).unwrap();
        apply(&mut f, p.edit).unwrap();
        let s = f.subflows();
        let [new_loop, new_idx, new_big] = [0, 1, 2].map(|i| f.find_key(&p.keys[i]).unwrap());
        assert_eq!(s.subflow_of(new_loop), Some(outer.as_str()));
        let copied_outer = s.subflow_of(new_idx).unwrap().to_owned();
        assert_ne!(copied_outer, outer);
        assert_eq!(s.parent(&copied_outer), Some(outer.as_str()));
        let copied_inner = s.subflow_of(new_big).unwrap();
        assert_eq!(s.parent(copied_inner), Some(copied_outer.as_str()));
        assert_eq!(f.groups.len(), 4);
    }

    #[test]
    fn a_snippet_with_python_code_needs_consent_one_of_built_in_nodes_does_not() {
        let f = Flow::new();
        let built_in = r#"{"rfInstance":{"nodes":[{"id":"SINE-1","data":{"func":"SINE","label":"SINE"},"position":{"x":0,"y":0}}],"edges":[]}}"#;
        assert!(!paste(&f, built_in, (0.0, 0.0), 1, None).unwrap().needs_consent);
        let code = "from flojoy import flojoy, Scalar\n\n@flojoy\ndef ONE() -> Scalar:\n    return Scalar(c=1)\n";
        let python = serde_json::json!({"rfInstance": {"nodes": [
            {"id": "ONE-1", "data": {"func": "ONE", "label": "ONE", "code": code}, "position": {"x": 0, "y": 0}}
        ], "edges": []}});
        assert!(paste(&f, &python.to_string(), (0.0, 0.0), 1, None).unwrap().needs_consent);
    }

    #[test]
    fn pasting_text_that_is_not_a_flow_says_so() {
        let f = Flow::new();
        assert!(paste(&f, "hello", (0.0, 0.0), 1, None).is_err());
        assert!(paste(&f, r#"{"rfInstance":{"nodes":[],"edges":[]}}"#, (0.0, 0.0), 1, None).is_err());
        let _ = Edit::Batch(vec![]);
    }
}
