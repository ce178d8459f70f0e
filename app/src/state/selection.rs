//! What is selected on the canvas.

use std::collections::BTreeSet;

use runtime::{Edge, NodeId};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub nodes: BTreeSet<NodeId>,
    pub edges: BTreeSet<Edge>,
    pub texts: BTreeSet<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty() && self.texts.is_empty()
    }

    pub fn node(id: NodeId) -> Selection {
        Selection { nodes: [id].into(), ..Selection::default() }
    }

    pub fn edge(e: Edge) -> Selection {
        Selection { edges: [e].into(), ..Selection::default() }
    }

    pub fn text(id: String) -> Selection {
        Selection { texts: [id].into(), ..Selection::default() }
    }

    /// The only selected node, if exactly one node (and nothing else) is selected.
    pub fn single_node(&self) -> Option<NodeId> {
        (self.nodes.len() == 1 && self.edges.is_empty() && self.texts.is_empty())
            .then(|| self.nodes.first().copied())
            .flatten()
    }

    /// Shift-click: adds or removes a node.
    pub fn toggle_node(&mut self, id: NodeId) {
        if !self.nodes.remove(&id) {
            self.nodes.insert(id);
        }
    }
}
