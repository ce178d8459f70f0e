//! The flow graph: nodes, typed ports and wires, over a private petgraph graph.
//!
//! Ids are ours (`NodeId`), not petgraph's, so they stay valid across removals and undo.
//! Every change goes through [`edit::apply`], which returns the inverse edit.

pub mod edit;
mod group;
mod needs;
mod reroute;
mod set;
mod subflow;
pub use group::{COLORS as GROUP_COLORS, Group, GroupKind};
pub use needs::Consent;
pub use reroute::{Reroute, WireKey};
pub use set::{set_param, set_param_arg};
pub use subflow::{Place, Subflows};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use petgraph::Direction;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use serde_json::{Map, Value as Json};

use crate::nodes::{self, NodeDef};
use crate::spec::NodeSpec;

/// A node's identity inside one flow. Stable for the flow's lifetime (never reused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// An input port: node + index into its spec's inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InPort {
    pub node: NodeId,
    pub port: u16,
}

/// An output port: node + index into its spec's outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutPort {
    pub node: NodeId,
    pub port: u16,
}

/// A wire from an output to an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edge {
    pub from: OutPort,
    pub to: InPort,
}

/// A user-written Python node: its source and the spec derived from its signature.
#[derive(Clone, Debug, PartialEq)]
pub struct PythonNode {
    pub code: String,
    pub spec: NodeSpec,
}

/// What runs when the node runs.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// One of the built-in Rust nodes.
    Builtin(&'static NodeDef),
    /// Python source run in Pyodide (the file's `data.code`).
    Python(Arc<PythonNode>),
    /// A `func` we do not know. Kept with the ports the file gave it, so its wires survive;
    /// it blocks Run with a clear message.
    Unknown(Arc<NodeSpec>),
}

impl PartialEq for NodeKind {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (NodeKind::Builtin(a), NodeKind::Builtin(b)) => a.spec.func == b.spec.func,
            (NodeKind::Python(a), NodeKind::Python(b)) => a == b,
            (NodeKind::Unknown(a), NodeKind::Unknown(b)) => a == b,
            _ => false,
        }
    }
}

/// A node on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: NodeId,
    /// Flojoy's node id, `FUNC-uuid`; node references and files use it.
    pub key: String,
    pub label: String,
    pub kind: NodeKind,
    /// Parameter values by name, in spec order (Flojoy's `ctrls.<name>.value`).
    pub params: Map<String, Json>,
    pub position: (f64, f64),
    /// Canvas size when the user resized the node (visualization nodes).
    pub size: Option<(f64, f64)>,
}

impl Node {
    pub fn spec(&self) -> &NodeSpec {
        match &self.kind {
            NodeKind::Builtin(def) => &def.spec,
            NodeKind::Python(p) => &p.spec,
            NodeKind::Unknown(spec) => spec,
        }
    }

    pub fn func(&self) -> &str {
        &self.spec().func
    }

    /// A node of a built-in kind with default parameters, positioned at `position`.
    pub fn builtin(def: &'static NodeDef, key: String, label: String, position: (f64, f64)) -> Node {
        let params = def.spec.params.iter().map(|p| (p.name.clone(), p.default.clone())).collect();
        Node { id: NodeId(u32::MAX), key, label, kind: NodeKind::Builtin(def), params, position, size: None }
    }

    pub fn param(&self, name: &str) -> Option<&Json> {
        self.params.get(name)
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// A markdown note on the canvas (Flojoy's `textNodes`).
#[derive(Clone, Debug, PartialEq)]
pub struct TextNode {
    pub id: String,
    pub text: String,
    pub position: (f64, f64),
    pub size: Option<(f64, f64)>,
}

/// The dashboard of a flow, kept as Flojoy 2024's JSON (`controlNodes`, ...).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Dashboard {
    pub controls: Vec<Json>,
    pub visualizations: Vec<Json>,
    pub texts: Vec<Json>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Wire {
    from_port: u16,
    to_port: u16,
    /// Insertion order: Flojoy feeds `list[...]` inputs in edge order, and a single input
    /// wired twice keeps the last wire.
    seq: u64,
}

/// A flow chart: nodes, wires, canvas notes, groups and the dashboard.
#[derive(Clone, Debug, Default)]
pub struct Flow {
    pub name: Option<String>,
    pub texts: Vec<TextNode>,
    /// Frames around nodes on the canvas ([`Group`]).
    pub groups: Vec<Group>,
    /// Points wires are drawn through ([`Reroute`]), one entry per wire that has some.
    pub reroutes: Vec<Reroute>,
    pub dashboard: Dashboard,
    /// Top-level keys of the file that we do not interpret, kept so a save loses nothing
    /// (and where the app keeps its own settings, under `flojoyWeb`).
    pub extra: Map<String, Json>,
    graph: StableDiGraph<NodeId, Wire>,
    /// Ordered by id = creation order, the order Flojoy's scheduler considers nodes in.
    nodes: BTreeMap<NodeId, (Node, NodeIndex)>,
    keys: HashMap<String, NodeId>,
    labels: HashMap<String, BTreeSet<NodeId>>,
    next_id: u32,
    next_seq: u64,
}

/// What makes two nodes the same for [`Flow`]'s equality (everything but the internal id).
type NodeFacts<'a> =
    (&'a str, &'a str, &'a Map<String, Json>, (f64, f64), Option<(f64, f64)>, (String, Option<String>));

impl PartialEq for Flow {
    /// Same nodes (all fields), same wires, same notes and dashboard; ids may differ.
    fn eq(&self, other: &Self) -> bool {
        fn nodes(f: &Flow) -> Vec<NodeFacts<'_>> {
            let mut v: Vec<NodeFacts<'_>> = f
                .nodes()
                .map(|n| (n.key.as_str(), n.label.as_str(), &n.params, n.position, n.size, kind_key(&n.kind)))
                .collect();
            v.sort_by(|a, b| a.0.cmp(b.0));
            v
        }
        // in any order (a wire's points are drawn the same wherever they are listed)
        fn reroutes(f: &Flow) -> Vec<&Reroute> {
            let mut v: Vec<&Reroute> = f.reroutes.iter().collect();
            v.sort_by(|a, b| a.wire.cmp(&b.wire));
            v
        }

        let edges = |f: &Flow| {
            let mut v: Vec<(String, String, String, String)> = f
                .edges()
                .filter_map(|e| {
                    let a = f.node(e.from.node)?;
                    let b = f.node(e.to.node)?;
                    Some((
                        a.key.clone(),
                        a.spec().outputs.get(usize::from(e.from.port))?.name.clone(),
                        b.key.clone(),
                        b.spec().inputs.get(usize::from(e.to.port))?.name.clone(),
                    ))
                })
                .collect();
            v.sort();
            v
        };
        self.name == other.name
            && self.extra == other.extra
            && self.texts == other.texts
            && self.groups == other.groups
            && reroutes(self) == reroutes(other)
            && self.dashboard == other.dashboard
            && nodes(self) == nodes(other)
            && edges(self) == edges(other)
    }
}

fn unindex(labels: &mut HashMap<String, BTreeSet<NodeId>>, label: &str, id: NodeId) {
    if let Some(ids) = labels.get_mut(label) {
        ids.remove(&id);
        if ids.is_empty() {
            labels.remove(label);
        }
    }
}

fn kind_key(k: &NodeKind) -> (String, Option<String>) {
    match k {
        NodeKind::Builtin(d) => (d.spec.func.clone(), None),
        NodeKind::Python(p) => (p.spec.func.clone(), Some(p.code.clone())),
        NodeKind::Unknown(s) => (s.func.clone(), Some("unknown".into())),
    }
}

impl Flow {
    pub fn new() -> Flow {
        Flow::default()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Whether a node reads a running stream (the app then re-runs the flow every frame).
    pub fn has_streaming_node(&self) -> bool {
        self.nodes().any(Node::is_streaming)
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(&id).map(|(n, _)| n)
    }

    pub(crate) fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.get_mut(&id).map(|(n, _)| n)
    }

    /// Nodes in creation order (the order Flojoy's scheduler considers them).
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values().map(|(n, _)| n)
    }

    pub fn node_ids(&self) -> Vec<NodeId> {
        self.nodes.keys().copied().collect()
    }

    /// The node with Flojoy id `key` (`SINE-e305…`).
    pub fn find_key(&self, key: &str) -> Option<NodeId> {
        self.keys.get(key).copied()
    }

    pub fn find_label(&self, label: &str) -> Option<NodeId> {
        self.labels.get(label).and_then(|ids| ids.first().copied())
    }

    /// All wires, in the order they were made.
    pub fn edges(&self) -> impl Iterator<Item = Edge> + '_ {
        let mut v: Vec<(u64, Edge)> = self.graph.edge_references().map(|e| (e.weight().seq, self.edge_of(e))).collect();
        v.sort_unstable_by_key(|(s, _)| *s);
        v.into_iter().map(|(_, e)| e)
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Wires into `node`, in the order they were made.
    pub fn edges_into(&self, node: NodeId) -> Vec<Edge> {
        self.edges_dir(node, Direction::Incoming)
    }

    /// Wires out of `node`, in the order they were made.
    pub fn edges_from(&self, node: NodeId) -> Vec<Edge> {
        self.edges_dir(node, Direction::Outgoing)
    }

    fn edges_dir(&self, node: NodeId, dir: Direction) -> Vec<Edge> {
        let Some((_, ix)) = self.nodes.get(&node) else {
            return Vec::new();
        };
        let mut v: Vec<(u64, Edge)> =
            self.graph.edges_directed(*ix, dir).map(|e| (e.weight().seq, self.edge_of(e))).collect();
        v.sort_unstable_by_key(|(s, _)| *s);
        v.into_iter().map(|(_, e)| e).collect()
    }

    pub fn has_edge(&self, e: Edge) -> bool {
        self.find_edge(e).is_some()
    }

    fn edge_of(&self, e: petgraph::stable_graph::EdgeReference<'_, Wire>) -> Edge {
        let w = e.weight();
        Edge {
            from: OutPort { node: self.graph[e.source()], port: w.from_port },
            to: InPort { node: self.graph[e.target()], port: w.to_port },
        }
    }

    fn find_edge(&self, e: Edge) -> Option<petgraph::stable_graph::EdgeIndex> {
        let (_, a) = self.nodes.get(&e.from.node)?;
        let (_, b) = self.nodes.get(&e.to.node)?;
        self.graph
            .edges_connecting(*a, *b)
            .find(|x| x.weight().from_port == e.from.port && x.weight().to_port == e.to.port)
            .map(|x| x.id())
    }

    /// Nodes reachable downstream of `node` (not including it).
    pub fn descendants(&self, node: NodeId) -> Vec<NodeId> {
        let Some((_, start)) = self.nodes.get(&node) else {
            return Vec::new();
        };
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![*start];
        while let Some(ix) = stack.pop() {
            for n in self.graph.neighbors_directed(ix, Direction::Outgoing) {
                if seen.insert(n) {
                    stack.push(n);
                }
            }
        }
        let mut v: Vec<NodeId> = seen.into_iter().map(|ix| self.graph[ix]).filter(|id| *id != node).collect();
        v.sort_unstable();
        v
    }

    /// Groups of nodes that form cycles of plain wires (Flojoy never runs them).
    pub fn cycles(&self) -> Vec<Vec<NodeId>> {
        petgraph::algo::tarjan_scc(&self.graph)
            .into_iter()
            .filter(|scc| scc.len() > 1 || scc.first().is_some_and(|ix| self.graph.contains_edge(*ix, *ix)))
            .map(|scc| {
                let mut v: Vec<NodeId> = scc.into_iter().map(|ix| self.graph[ix]).collect();
                v.sort_unstable();
                v
            })
            .collect()
    }

    /// Flojoy's label for a new node of `func`: `FUNC` with `_` → space, then `FUNC 1`, `FUNC 2`…
    pub fn unique_label(&self, func: &str) -> String {
        let base = func.replace('_', " ");
        if self.find_label(&base).is_none() {
            return base;
        }
        (1..).map(|i| format!("{base} {i}")).find(|l| self.find_label(l).is_none()).unwrap_or(base)
    }

    // ---- structural changes: only `edit::apply` and the importer call these ----

    pub(crate) fn insert_node(&mut self, mut node: Node) -> NodeId {
        if node.id.0 == u32::MAX || self.nodes.contains_key(&node.id) {
            node.id = NodeId(self.next_id);
        }
        self.next_id = self.next_id.max(node.id.0 + 1);
        let id = node.id;
        let ix = self.graph.add_node(id);
        self.keys.insert(node.key.clone(), id);
        self.labels.entry(node.label.clone()).or_default().insert(id);
        self.nodes.insert(id, (node, ix));
        id
    }

    /// Renames a node, keeping the label index true; returns the old label.
    pub(crate) fn set_label(&mut self, id: NodeId, label: String) -> Option<String> {
        let (node, _) = self.nodes.get_mut(&id)?;
        let old = std::mem::replace(&mut node.label, label.clone());
        unindex(&mut self.labels, &old, id);
        self.labels.entry(label).or_default().insert(id);
        Some(old)
    }

    pub(crate) fn remove_node(&mut self, id: NodeId) -> Option<Node> {
        let (node, ix) = self.nodes.remove(&id)?;
        self.graph.remove_node(ix);
        if self.keys.get(&node.key) == Some(&id) {
            self.keys.remove(&node.key);
        }
        unindex(&mut self.labels, &node.label, id);
        Some(node)
    }

    pub(crate) fn insert_edge(&mut self, e: Edge) -> bool {
        self.insert_edge_at(e, None)
    }

    /// Inserts a wire at a given place in the wire order (undo puts a wire back where it was:
    /// the order of `list[...]` inputs depends on it), or last.
    pub(crate) fn insert_edge_at(&mut self, e: Edge, order: Option<u64>) -> bool {
        let (Some((_, a)), Some((_, b))) = (self.nodes.get(&e.from.node), self.nodes.get(&e.to.node)) else {
            return false;
        };
        let (a, b) = (*a, *b);
        if self.find_edge(e).is_some() {
            return false;
        }
        let seq = match order {
            Some(s) => s,
            None => {
                self.next_seq += 1;
                self.next_seq
            }
        };
        self.graph.add_edge(a, b, Wire { from_port: e.from.port, to_port: e.to.port, seq });
        true
    }

    /// Removes a wire; returns its place in the wire order.
    pub(crate) fn remove_edge(&mut self, e: Edge) -> Option<u64> {
        let ix = self.find_edge(e)?;
        self.graph.remove_edge(ix).map(|w| w.seq)
    }

    /// A wire's place in the wire order.
    pub(crate) fn edge_order(&self, e: Edge) -> Option<u64> {
        self.find_edge(e).map(|ix| self.graph[ix].seq)
    }

    /// The registry entry for `func`, if it is a built-in.
    pub fn builtin(func: &str) -> Option<&'static NodeDef> {
        nodes::lookup(func)
    }
}
