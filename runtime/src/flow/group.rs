//! Groups: titled, coloured frames around nodes on the canvas. A group names its nodes by
//! their Flojoy ids (keys), so it survives saving and loading, and a node that was removed
//! (and may come back by undo) is simply not drawn in it. Groups change nothing about how a
//! flow runs; "run this group" runs the group's nodes and what feeds them.
//!
//! Saved under the file's `flojoyWeb` key (`"flojoyWeb": {"groups": [...]}`), which Flojoy
//! Studio does not read: a file with groups opens in Studio as the same flow without frames.

use std::collections::BTreeSet;

use petgraph::Direction;
use serde_json::{Value as Json, json};

use super::{Flow, NodeId};
use crate::spec::ParamKind;

/// A frame around some nodes, or a subflow ([`GroupKind`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub id: String,
    pub title: String,
    /// A CSS colour (`#4f7cff`).
    pub color: String,
    /// The nodes' keys, in the order they were grouped.
    pub nodes: Vec<String>,
    /// Drawn as its title bar only, its nodes hidden.
    pub collapsed: bool,
    pub kind: GroupKind,
}

/// What a group is drawn as.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum GroupKind {
    /// A frame around its nodes.
    #[default]
    Frame,
    /// A subflow: one node on the canvas of its parent (another subflow's inside, or the top
    /// level when `None`), entered to see and edit its nodes ([`super::subflow`]).
    Subflow { parent: Option<String> },
}

/// The colours new groups take in turn.
pub const COLORS: [&str; 6] = ["#4f7cff", "#2fb37a", "#e0a030", "#c65bd6", "#e05a5a", "#3fb6c6"];

impl Group {
    pub fn to_json(&self) -> Json {
        let mut j = json!({"id": self.id, "title": self.title, "color": self.color, "nodes": self.nodes, "collapsed": self.collapsed});
        if let (GroupKind::Subflow { parent }, Some(o)) = (&self.kind, j.as_object_mut()) {
            o.insert("subflow".into(), json!({ "parent": parent }));
        }
        j
    }

    pub fn is_subflow(&self) -> bool {
        matches!(self.kind, GroupKind::Subflow { .. })
    }

    /// The subflow this subflow is drawn in (`None`: the top level, or not a subflow).
    pub fn parent(&self) -> Option<&str> {
        match &self.kind {
            GroupKind::Subflow { parent } => parent.as_deref(),
            GroupKind::Frame => None,
        }
    }

    /// A group as a file holds it; `None` when it is not one (no id, nodes not a list of text).
    pub fn from_json(j: &Json) -> Option<Group> {
        let id = j.get("id")?.as_str().filter(|s| !s.is_empty())?.to_owned();
        let nodes = j.get("nodes")?.as_array()?.iter().map(|k| k.as_str().map(str::to_owned)).collect::<Option<_>>()?;
        let color = j.get("color").and_then(Json::as_str).filter(|c| is_css_hex(c)).unwrap_or(COLORS[0]).to_owned();
        let fallback = if j.get("subflow").is_some() { "Subflow" } else { "Group" };
        Some(Group {
            // a title names it (in the breadcrumb, to a screen reader): never empty
            title: j
                .get("title")
                .and_then(Json::as_str)
                .filter(|t| !t.trim().is_empty())
                .unwrap_or(fallback)
                .to_owned(),
            color,
            nodes,
            collapsed: j.get("collapsed").and_then(Json::as_bool).unwrap_or(false),
            kind: match j.get("subflow") {
                Some(sub) => GroupKind::Subflow {
                    parent: sub.get("parent").and_then(Json::as_str).filter(|p| *p != id).map(str::to_owned),
                },
                None => GroupKind::Frame,
            },
            id,
        })
    }
}

/// `#rgb` or `#rrggbb`: a colour a file may set (it goes into a style attribute).
fn is_css_hex(c: &str) -> bool {
    c.strip_prefix('#').is_some_and(|h| matches!(h.len(), 3 | 6) && h.chars().all(|ch| ch.is_ascii_hexdigit()))
}

impl Flow {
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The nodes of a group that are in the flow.
    pub fn group_members(&self, g: &Group) -> Vec<NodeId> {
        g.nodes.iter().filter_map(|k| self.find_key(k)).collect()
    }

    /// A group id no group has.
    pub fn fresh_group_id(&self) -> String {
        (1..).map(|i| format!("group-{i}")).find(|id| self.group(id).is_none()).unwrap_or_default()
    }

    /// A title no group has: "Group 1", "Group 2"…
    pub fn fresh_group_title(&self) -> String {
        self.fresh_title("Group")
    }

    /// `"{stem} 1"`, `"{stem} 2"`…: the first no group (or subflow) has.
    pub(crate) fn fresh_title(&self, stem: &str) -> String {
        (1..).map(|i| format!("{stem} {i}")).find(|t| !self.groups.iter().any(|g| &g.title == t)).unwrap_or_default()
    }

    /// The frames (groups that are not subflows).
    pub fn frames(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(|g| !g.is_subflow())
    }

    /// `ids` and every node upstream of them (what "run this group" runs): the rest is removed.
    /// Upstream is through wires and through node references (a LOOP_INDEX's LOOP).
    pub fn with_upstream(&self, ids: &[NodeId]) -> Flow {
        let mut keep: BTreeSet<NodeId> = BTreeSet::new();
        let mut stack: Vec<NodeId> = ids.iter().copied().filter(|id| self.node(*id).is_some()).collect();
        while let Some(id) = stack.pop() {
            if !keep.insert(id) {
                continue;
            }
            if let Some((node, ix)) = self.nodes.get(&id) {
                stack.extend(self.graph.neighbors_directed(*ix, Direction::Incoming).map(|n| self.graph[n]));
                let refs = node.spec().params.iter().filter(|p| p.kind == ParamKind::NodeRef);
                stack.extend(refs.filter_map(|p| self.find_key(node.params.get(&p.name)?.as_str()?)));
            }
        }
        let mut flow = self.clone();
        for id in self.node_ids().into_iter().filter(|id| !keep.contains(id)) {
            flow.remove_node(id);
        }
        flow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_may_not_put_anything_but_a_colour_in_the_style() {
        let g = Group::from_json(&json!({"id": "g", "nodes": ["A"], "color": "red;background:url(x)"})).unwrap();
        assert_eq!(g.color, COLORS[0]);
        let g = Group::from_json(&json!({"id": "g", "nodes": ["A"], "color": "#a0B"})).unwrap();
        assert_eq!(g.color, "#a0B");
        assert!(Group::from_json(&json!({"id": "g", "nodes": [1]})).is_none());
        assert!(Group::from_json(&json!({"nodes": ["A"]})).is_none());
    }
}
