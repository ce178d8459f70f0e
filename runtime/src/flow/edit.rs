//! Edits are values. [`apply`] performs one and returns its inverse; undo is a stack of
//! inverses, redo the inverses of those.

use std::sync::Arc;

use serde_json::Value as Json;

use super::{
    Dashboard, Edge, Flow, Group, InPort, Node, NodeId, NodeKind, OutPort, PythonNode, Reroute, TextNode, WireKey,
};
use crate::param;
use crate::value::TypeSet;

#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Adds a node. Its `id` is kept if free (undo restores the same id), else a new one is given.
    AddNode(Box<Node>),
    /// Removes a node and every wire touching it.
    RemoveNode(NodeId),
    /// Makes a wire after checking it ([`Flow::check_wire`]).
    Connect(Edge),
    Disconnect(Edge),
    /// Puts back a wire that existed, unchecked, at its old place in the wire order when
    /// known: the inverse of Disconnect and RemoveNode (a file may hold wires the editor would
    /// refuse; undo must restore them exactly as they were).
    Reconnect {
        edge: Edge,
        order: Option<u64>,
    },
    /// Sets a parameter after checking and normalising the value.
    SetParam {
        node: NodeId,
        name: String,
        value: Json,
    },
    /// Puts back a parameter's previous raw value (`None`: it had none): the inverse of SetParam.
    RestoreParam {
        node: NodeId,
        name: String,
        value: Option<Json>,
    },
    Move {
        node: NodeId,
        to: (f64, f64),
    },
    Resize {
        node: NodeId,
        size: Option<(f64, f64)>,
    },
    Rename {
        node: NodeId,
        label: String,
    },
    /// Replaces a Python node's code and spec (after its signature was re-parsed).
    SetPython {
        node: NodeId,
        python: Arc<PythonNode>,
    },
    AddText(TextNode),
    RemoveText(String),
    SetText {
        id: String,
        text: String,
    },
    MoveText {
        id: String,
        to: (f64, f64),
    },
    SetDashboard(Dashboard),
    /// Adds a group (its id must be new).
    AddGroup(Group),
    RemoveGroup(String),
    /// Puts a removed group back at its place in the list (the inverse of RemoveGroup: the
    /// first of overlapping collapsed groups is the one wires end on).
    RestoreGroup {
        group: Group,
        at: usize,
    },
    /// Replaces the group of the same id (title, colour, nodes, collapsed).
    SetGroup(Group),
    /// Sets the points a wire is drawn through (none: a plain wire again).
    SetReroute {
        wire: WireKey,
        points: Vec<(f64, f64)>,
    },
    /// Several edits as one undo step.
    Batch(Vec<Edit>),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("there is no node {0:?} in this flow")]
    NoSuchNode(NodeId),
    #[error("there is no note '{0}' on the canvas")]
    NoSuchText(String),
    #[error("there is no group '{0}' on the canvas")]
    NoSuchGroup(String),
    #[error("a group with id '{0}' is already on the canvas")]
    DuplicateGroup(String),
    #[error("{0}")]
    Wire(#[from] WireError),
    #[error("{node}: {message}")]
    Param { node: String, message: String },
    #[error("{node} has no parameter '{name}'")]
    NoSuchParam { node: String, name: String },
    #[error("a label cannot be empty")]
    EmptyLabel,
    #[error("another node is already labelled '{0}'")]
    DuplicateLabel(String),
    #[error("a node with id '{0}' is already in the flow")]
    DuplicateKey(String),
    #[error("only Python nodes have code")]
    NotPython,
}

/// Why a wire cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WireError {
    #[error("no such port")]
    NoSuchPort,
    #[error("{to_node} expects {expects} on '{to_port}', {from_node} gives {gives}")]
    Incompatible { from_node: String, gives: TypeSet, to_node: String, to_port: String, expects: TypeSet },
    #[error("a node cannot feed itself: loops go through LOOP and FEEDBACK")]
    SelfLoop,
    #[error("this wire would close a cycle; flows run once through, loops go through LOOP and FEEDBACK")]
    Cycle,
    #[error("these ports are already wired")]
    Duplicate,
}

/// Applies `edit` and returns the edit that undoes it. On error nothing has changed.
pub fn apply(flow: &mut Flow, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::AddNode(node) => {
            if flow.find_key(&node.key).is_some() {
                return Err(EditError::DuplicateKey(node.key));
            }
            // labels are unique, as Rename keeps them (found by ./dev fuzz: a batch added two
            // nodes labelled 'NOT'; renaming one away and undoing then failed on the other)
            if flow.find_label(&node.label).is_some() {
                return Err(EditError::DuplicateLabel(node.label));
            }
            let id = flow.insert_node(*node);
            Ok(Edit::RemoveNode(id))
        }
        Edit::RemoveNode(id) => {
            let edges: Vec<Edit> = flow
                .edges_into(id)
                .into_iter()
                .chain(flow.edges_from(id))
                .map(|edge| Edit::Reconnect { edge, order: flow.edge_order(edge) })
                .collect();
            let node = flow.remove_node(id).ok_or(EditError::NoSuchNode(id))?;
            let mut inverse = vec![Edit::AddNode(Box::new(node))];
            inverse.extend(edges);
            Ok(Edit::Batch(inverse))
        }
        Edit::Reconnect { edge, order } => {
            if !flow.insert_edge_at(edge, order) {
                return Err(WireError::NoSuchPort.into());
            }
            Ok(Edit::Disconnect(edge))
        }
        Edit::Connect(e) => {
            flow.check_wire(e.from, e.to)?;
            flow.insert_edge(e);
            Ok(Edit::Disconnect(e))
        }
        Edit::Disconnect(edge) => {
            let order = flow.remove_edge(edge).ok_or(WireError::NoSuchPort)?;
            Ok(Edit::Reconnect { edge, order: Some(order) })
        }
        Edit::SetParam { node, name, value } => {
            let n = flow.node(node).ok_or(EditError::NoSuchNode(node))?;
            let spec = n
                .spec()
                .param_spec(&name)
                .ok_or_else(|| EditError::NoSuchParam { node: n.label.clone(), name: name.clone() })?;
            let value = param::normalize(spec, &value)
                .map_err(|message| EditError::Param { node: n.label.clone(), message })?;
            let n = flow.node_mut(node).ok_or(EditError::NoSuchNode(node))?;
            let old = n.params.insert(name.clone(), value);
            Ok(Edit::RestoreParam { node, name, value: old })
        }
        Edit::RestoreParam { node, name, value } => {
            let n = flow.node_mut(node).ok_or(EditError::NoSuchNode(node))?;
            let old = match value {
                Some(v) => n.params.insert(name.clone(), v),
                None => n.params.shift_remove(&name),
            };
            Ok(Edit::RestoreParam { node, name, value: old })
        }
        Edit::Move { node, to } => {
            let n = flow.node_mut(node).ok_or(EditError::NoSuchNode(node))?;
            let old = std::mem::replace(&mut n.position, to);
            Ok(Edit::Move { node, to: old })
        }
        Edit::Resize { node, size } => {
            let n = flow.node_mut(node).ok_or(EditError::NoSuchNode(node))?;
            let old = std::mem::replace(&mut n.size, size);
            Ok(Edit::Resize { node, size: old })
        }
        Edit::Rename { node, label } => {
            let label = label.trim().to_owned();
            if label.is_empty() {
                return Err(EditError::EmptyLabel);
            }
            if flow.find_label(&label).is_some_and(|other| other != node) {
                return Err(EditError::DuplicateLabel(label));
            }
            let old = flow.set_label(node, label).ok_or(EditError::NoSuchNode(node))?;
            Ok(Edit::Rename { node, label: old })
        }
        Edit::SetPython { node, python } => {
            let n = flow.node(node).ok_or(EditError::NoSuchNode(node))?;
            let NodeKind::Python(old) = &n.kind else {
                return Err(EditError::NotPython);
            };
            let old = old.clone();
            // wires whose port vanished (or changed type) go; the inverse brings them back
            let mut dropped = Vec::new();
            for e in flow.edges_into(node) {
                let name = &old.spec.inputs[usize::from(e.to.port)].name;
                match python.spec.input_index(name) {
                    Some(i) if i == usize::from(e.to.port) => {}
                    _ => dropped.push(e),
                }
            }
            for e in flow.edges_from(node) {
                let name = &old.spec.outputs[usize::from(e.from.port)].name;
                match python.spec.output_index(name) {
                    Some(i) if i == usize::from(e.from.port) => {}
                    _ => dropped.push(e),
                }
            }
            let dropped: Vec<Edit> =
                dropped.into_iter().map(|edge| Edit::Reconnect { order: flow.remove_edge(edge), edge }).collect();
            let n = flow.node_mut(node).ok_or(EditError::NoSuchNode(node))?;
            let old_params = n.params.clone();
            // parameters merge by name, as Flojoy does when a manifest changes
            n.params = python
                .spec
                .params
                .iter()
                .map(|p| (p.name.clone(), old_params.get(&p.name).cloned().unwrap_or_else(|| p.default.clone())))
                .collect();
            n.kind = NodeKind::Python(python);
            let mut inverse = vec![Edit::SetPython { node, python: old }];
            inverse.extend(old_params.into_iter().map(|(name, value)| Edit::RestoreParam {
                node,
                name,
                value: Some(value),
            }));
            inverse.extend(dropped);
            Ok(Edit::Batch(inverse))
        }
        Edit::AddText(t) => {
            let id = t.id.clone();
            flow.texts.push(t);
            Ok(Edit::RemoveText(id))
        }
        Edit::RemoveText(id) => {
            let i = flow.texts.iter().position(|t| t.id == id).ok_or(EditError::NoSuchText(id))?;
            Ok(Edit::AddText(flow.texts.remove(i)))
        }
        Edit::SetText { id, text } => {
            let t = flow.texts.iter_mut().find(|t| t.id == id).ok_or_else(|| EditError::NoSuchText(id.clone()))?;
            let old = std::mem::replace(&mut t.text, text);
            Ok(Edit::SetText { id, text: old })
        }
        Edit::MoveText { id, to } => {
            let t = flow.texts.iter_mut().find(|t| t.id == id).ok_or_else(|| EditError::NoSuchText(id.clone()))?;
            let old = std::mem::replace(&mut t.position, to);
            Ok(Edit::MoveText { id, to: old })
        }
        Edit::SetDashboard(d) => Ok(Edit::SetDashboard(std::mem::replace(&mut flow.dashboard, d))),
        Edit::AddGroup(g) => {
            if flow.group(&g.id).is_some() {
                return Err(EditError::DuplicateGroup(g.id));
            }
            let id = g.id.clone();
            flow.groups.push(g);
            Ok(Edit::RemoveGroup(id))
        }
        Edit::RemoveGroup(id) => {
            let at = flow.groups.iter().position(|g| g.id == id).ok_or(EditError::NoSuchGroup(id))?;
            Ok(Edit::RestoreGroup { group: flow.groups.remove(at), at })
        }
        Edit::RestoreGroup { group, at } => {
            if flow.group(&group.id).is_some() {
                return Err(EditError::DuplicateGroup(group.id));
            }
            let id = group.id.clone();
            flow.groups.insert(at.min(flow.groups.len()), group);
            Ok(Edit::RemoveGroup(id))
        }
        Edit::SetReroute { wire, points } => {
            let i = flow.reroutes.iter().position(|r| r.wire == wire);
            let old = match (i, points.is_empty()) {
                (Some(i), true) => flow.reroutes.remove(i).points,
                (Some(i), false) => std::mem::replace(&mut flow.reroutes[i].points, points),
                (None, true) => Vec::new(),
                (None, false) => {
                    flow.reroutes.push(Reroute { wire: wire.clone(), points });
                    Vec::new()
                }
            };
            Ok(Edit::SetReroute { wire, points: old })
        }
        Edit::SetGroup(g) => {
            let slot =
                flow.groups.iter_mut().find(|x| x.id == g.id).ok_or_else(|| EditError::NoSuchGroup(g.id.clone()))?;
            Ok(Edit::SetGroup(std::mem::replace(slot, g)))
        }
        Edit::Batch(edits) => {
            let mut inverses = Vec::with_capacity(edits.len());
            for e in edits {
                match apply(flow, e) {
                    Ok(inv) => inverses.push(inv),
                    Err(err) => {
                        for inv in inverses.into_iter().rev() {
                            let _ = apply(flow, inv);
                        }
                        return Err(err);
                    }
                }
            }
            inverses.reverse();
            Ok(Edit::Batch(inverses))
        }
    }
}

impl Flow {
    /// Whether a wire `from → to` may be made, with the reason if not: port types must be
    /// compatible (Flojoy's rule), no self-loops, no cycles, no duplicates.
    pub fn check_wire(&self, from: OutPort, to: InPort) -> Result<(), WireError> {
        let a = self.node(from.node).ok_or(WireError::NoSuchPort)?;
        let b = self.node(to.node).ok_or(WireError::NoSuchPort)?;
        let out = a.spec().outputs.get(usize::from(from.port)).ok_or(WireError::NoSuchPort)?;
        let inp = b.spec().inputs.get(usize::from(to.port)).ok_or(WireError::NoSuchPort)?;
        if from.node == to.node {
            return Err(WireError::SelfLoop);
        }
        if !TypeSet::compatible(out.types, inp.types) {
            return Err(WireError::Incompatible {
                from_node: a.label.clone(),
                gives: out.types,
                to_node: b.label.clone(),
                to_port: inp.name.clone(),
                expects: inp.types,
            });
        }
        if self.has_edge(Edge { from, to }) {
            return Err(WireError::Duplicate);
        }
        if self.descendants(to.node).contains(&from.node) {
            return Err(WireError::Cycle);
        }
        Ok(())
    }

    /// The edit that wires `from → to` as the editor does it: a second wire into a single
    /// input replaces the first (one undo step).
    pub fn connect_edit(&self, from: OutPort, to: InPort) -> Result<Edit, WireError> {
        self.check_wire(from, to)?;
        let node = self.node(to.node).ok_or(WireError::NoSuchPort)?;
        let multiple = node.spec().inputs.get(usize::from(to.port)).is_some_and(|p| p.multiple);
        let mut edits: Vec<Edit> = if multiple {
            Vec::new()
        } else {
            self.edges_into(to.node).into_iter().filter(|e| e.to == to).map(Edit::Disconnect).collect()
        };
        if edits.is_empty() {
            return Ok(Edit::Connect(Edge { from, to }));
        }
        edits.push(Edit::Connect(Edge { from, to }));
        Ok(Edit::Batch(edits))
    }
}
