//! The flow being edited, with its undo history: every change is an `Edit`, applied here.

use runtime::flow::{Consent, Node};
use runtime::{Edit, EditError, Flow, NodeId, file, nodes};

use super::history::History;
use super::layout::node_size;
use super::selection::Selection;

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum DocError {
    Edit(EditError),
    /// An embedded, read-only view: only parameters may change (dashboard widgets).
    ReadOnly,
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocError::Edit(e) => e.fmt(f),
            DocError::ReadOnly => f.write_str("this embedded flow is read-only: open it in the editor to change it"),
        }
    }
}

impl From<EditError> for DocError {
    fn from(e: EditError) -> Self {
        DocError::Edit(e)
    }
}

/// Edits a read-only document still takes: parameter values (dashboard widgets, sliders).
fn allowed_read_only(edit: &Edit) -> bool {
    match edit {
        Edit::SetParam { .. } | Edit::RestoreParam { .. } => true,
        Edit::Batch(edits) => edits.iter().all(allowed_read_only),
        _ => false,
    }
}

#[derive(Clone, Debug, Default)]
pub struct Document {
    pub flow: Flow,
    history: History,
    /// Only parameters may change (an embed without `edit=1`).
    pub read_only: bool,
    /// Changed since it was last saved to a file.
    pub dirty: bool,
    /// Bumped by every change (autosave and caches watch it).
    pub version: u64,
    /// Where the flow came from when that was outside the site ("this link", "the file
    /// a.json", "a message from https://…"): until the user consents, its Python code,
    /// hardware nodes and file exports do not run. None: the user's own flow or the site's.
    pub outside: Option<String>,
}

impl Document {
    pub fn new(flow: Flow) -> Document {
        Document { flow, ..Document::default() }
    }

    /// Applies an edit (one undo step); false when it changed nothing.
    pub fn apply(&mut self, edit: Edit) -> Result<bool, DocError> {
        if self.read_only && !allowed_read_only(&edit) {
            return Err(DocError::ReadOnly);
        }
        let changed = self.history.apply(&mut self.flow, edit)?;
        if changed {
            self.changed();
        }
        Ok(changed)
    }

    /// Applies an edit of a gesture (a slider drag): one undo step for the whole gesture.
    pub fn apply_in_gesture(&mut self, edit: Edit, gesture: &str) -> Result<bool, DocError> {
        if self.read_only && !allowed_read_only(&edit) {
            return Err(DocError::ReadOnly);
        }
        self.history.apply_in_gesture(&mut self.flow, edit, gesture)?;
        self.changed();
        Ok(true)
    }

    pub fn end_gesture(&mut self) {
        self.history.end_gesture();
    }

    pub fn undo(&mut self) -> Result<bool, EditError> {
        let done = self.history.undo(&mut self.flow)?;
        if done {
            self.changed();
        }
        Ok(done)
    }

    pub fn redo(&mut self) -> Result<bool, EditError> {
        let done = self.history.redo(&mut self.flow)?;
        if done {
            self.changed();
        }
        Ok(done)
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Replaces the whole flow (New, Open): history starts over. `outside` says where it came
    /// from when that was outside the site.
    pub fn replace(&mut self, flow: Flow, outside: Option<String>) {
        self.flow = flow;
        self.outside = outside;
        self.history.clear();
        self.dirty = false;
        self.version += 1;
    }

    /// What the user must see and accept before this flow runs: it came from outside the site
    /// and has Python code, hardware nodes or file exports ([`Flow::consent`]). The text says
    /// what and from where: "2 Python nodes; code from this link".
    pub fn pending_consent(&self) -> Option<(Consent, String)> {
        let from = self.outside.as_ref()?;
        let consent = self.flow.consent();
        if consent.is_empty() {
            return None;
        }
        let what = if consent.python.is_empty() { "flow" } else { "code" };
        let text = format!("{}; {what} from {from}", consent.summary());
        Some((consent, text))
    }

    /// Part of the flow came from outside (pasted text): the whole flow waits for the user's
    /// review, as one from a link does. A flow already from outside keeps where it came from.
    pub fn mark_outside(&mut self, from: &str) {
        if self.outside.is_none() {
            self.outside = Some(from.to_owned());
        }
    }

    /// The user has seen the flow and clicked Run: it runs as their own from now on.
    pub fn consent(&mut self) {
        self.outside = None;
    }

    fn changed(&mut self) {
        self.dirty = true;
        self.version += 1;
    }

    /// A new built-in node `func` at `at` (its top-left), with a fresh id and label.
    pub fn new_node(&self, func: &str, at: (f64, f64), random: u128) -> Option<Node> {
        let def = nodes::lookup(func)?;
        Some(Node::builtin(def, file::node_key(func, random), self.flow.unique_label(func), at))
    }

    /// Deleting the selection: nodes (with their wires), wires, notes.
    pub fn delete_edit(&self, sel: &Selection) -> Option<Edit> {
        let mut edits: Vec<Edit> = sel
            .edges
            .iter()
            .filter(|e| !sel.nodes.contains(&e.from.node) && !sel.nodes.contains(&e.to.node) && self.flow.has_edge(**e))
            .map(|e| Edit::Disconnect(*e))
            .collect();
        edits.extend(sel.nodes.iter().filter(|id| self.flow.node(**id).is_some()).map(|id| Edit::RemoveNode(*id)));
        // a subflow left with no node goes too (undo brings it back with them)
        if self.flow.groups.iter().any(|g| g.is_subflow()) {
            let members = self.flow.all_subflow_members();
            for g in self.flow.groups.iter().filter(|g| g.is_subflow()) {
                if members.get(&g.id).is_some_and(|m| m.iter().all(|n| sel.nodes.contains(n))) {
                    edits.push(Edit::RemoveGroup(g.id.clone()));
                }
            }
        }
        edits.extend(sel.texts.iter().map(|t| Edit::RemoveText(t.clone())));
        (!edits.is_empty()).then_some(Edit::Batch(edits))
    }

    /// Moving nodes by (dx, dy), one undo step.
    pub fn move_edit(&self, ids: &[NodeId], dx: f64, dy: f64) -> Option<Edit> {
        if dx == 0.0 && dy == 0.0 {
            return None;
        }
        let mut edits: Vec<Edit> = ids
            .iter()
            .filter_map(|id| self.flow.node(*id))
            .map(|n| Edit::Move { node: n.id, to: (n.position.0 + dx, n.position.1 + dy) })
            .collect();
        // a wire whose two ends move takes its reroute points along
        if !self.flow.reroutes.is_empty() {
            let moving: std::collections::HashSet<NodeId> = ids.iter().copied().collect();
            for e in ids.iter().flat_map(|id| self.flow.edges_from(*id)).filter(|e| moving.contains(&e.to.node)) {
                let points = self.flow.reroute_points(e);
                if let (false, Some(wire)) = (points.is_empty(), self.flow.wire_key(e)) {
                    let points = points.iter().map(|(x, y)| (x + dx, y + dy)).collect();
                    edits.push(Edit::SetReroute { wire, points });
                }
            }
        }
        (!edits.is_empty()).then_some(Edit::Batch(edits))
    }

    /// The canvas rectangle that holds every node (x0, y0, x1, y1), if any.
    pub fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        self.bounds_of(|_| true)
    }

    /// The bounds of the nodes `keep` accepts (those shown at a subflow's level).
    pub fn bounds_of(&self, keep: impl Fn(runtime::NodeId) -> bool) -> Option<(f64, f64, f64, f64)> {
        let mut it = self.flow.nodes().filter(|n| keep(n.id)).map(|n| {
            let (w, h) = node_size(n);
            (n.position.0, n.position.1, n.position.0 + w, n.position.1 + h)
        });
        let first = it.next()?;
        Some(it.fold(first, |a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3))))
    }

    /// A free spot for a new node near `want`: not on top of another node.
    pub fn free_spot(&self, want: (f64, f64), size: (f64, f64)) -> (f64, f64) {
        let overlaps = |(x, y): (f64, f64)| {
            self.flow.nodes().any(|n| {
                let (w, h) = node_size(n);
                x < n.position.0 + w + 10.0
                    && n.position.0 < x + size.0 + 10.0
                    && y < n.position.1 + h + 10.0
                    && n.position.1 < y + size.1 + 10.0
            })
        };
        // walk outwards on a grid of 30 px until a free place is found
        for ring in 0i32..60 {
            for dy in -ring..=ring {
                for dx in -ring..=ring {
                    if dx.abs() != ring && dy.abs() != ring {
                        continue;
                    }
                    let p = (want.0 + f64::from(dx) * 30.0, want.1 + f64::from(dy) * 30.0);
                    if !overlaps(p) {
                        return p;
                    }
                }
            }
        }
        want
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        Document::new(crate::state::welcome_flow())
    }

    #[test]
    fn pasted_text_marks_the_flow_as_from_outside_unless_it_already_is() {
        let mut d = doc();
        d.mark_outside("pasted text");
        assert_eq!(d.outside.as_deref(), Some("pasted text"));
        d.replace(crate::state::welcome_flow(), Some("this link".into()));
        d.mark_outside("pasted text");
        assert_eq!(d.outside.as_deref(), Some("this link"));
        d.consent();
        assert_eq!(d.outside, None);
    }

    #[test]
    fn moving_both_ends_of_a_wire_moves_its_reroute_points_and_one_end_does_not() {
        let mut d = doc();
        let (sine, plot) = (d.flow.find_label("SINE").unwrap(), d.flow.find_label("LINE").unwrap());
        let e = d.flow.edges_from(sine).into_iter().find(|e| e.to.node == plot).unwrap();
        let wire = d.flow.wire_key(e).unwrap();
        d.apply(Edit::SetReroute { wire, points: vec![(1.0, 2.0)] }).unwrap();
        let one = d.move_edit(&[sine], 10.0, 5.0).unwrap();
        d.apply(one).unwrap();
        assert_eq!(d.flow.reroute_points(e), [(1.0, 2.0)]);
        let both = d.move_edit(&[sine, plot], 10.0, 5.0).unwrap();
        d.apply(both).unwrap();
        assert_eq!(d.flow.reroute_points(e), [(11.0, 7.0)]);
        d.undo().unwrap();
        assert_eq!(d.flow.reroute_points(e), [(1.0, 2.0)], "one undo step");
    }

    #[test]
    fn read_only_takes_parameters_only() {
        let mut d = doc();
        d.read_only = true;
        let sine = d.flow.find_label("SINE").unwrap();
        d.apply(Edit::SetParam { node: sine, name: "frequency".into(), value: 3.into() }).unwrap();
        let moved = d.move_edit(&[sine], 10.0, 5.0).unwrap();
        assert_eq!(d.apply(moved), Err(DocError::ReadOnly));
        assert!(DocError::ReadOnly.to_string().contains("open it in the editor"));
    }

    #[test]
    fn undo_and_redo_walk_the_history() {
        let mut d = doc();
        let start = d.flow.clone();
        let sine = d.flow.find_label("SINE").unwrap();
        d.apply(Edit::SetParam { node: sine, name: "frequency".into(), value: 3.into() }).unwrap();
        d.apply(d.move_edit(&[sine], 10.0, 5.0).unwrap()).unwrap();
        let edited = d.flow.clone();
        assert!(d.undo().unwrap() && d.undo().unwrap());
        assert_eq!(d.flow, start);
        assert!(!d.undo().unwrap(), "nothing left to undo");
        assert!(d.redo().unwrap() && d.redo().unwrap());
        assert_eq!(d.flow, edited);
        assert!(d.dirty);
    }

    #[test]
    fn deleting_a_selection_is_one_undo_step() {
        let mut d = doc();
        let start = d.flow.clone();
        let sel = Selection { nodes: [d.flow.find_label("SINE").unwrap()].into(), ..Selection::default() };
        d.apply(d.delete_edit(&sel).unwrap()).unwrap();
        assert_eq!(d.flow.len(), start.len() - 1);
        assert_eq!(d.flow.edge_count(), start.edge_count() - 2);
        d.undo().unwrap();
        assert_eq!(d.flow, start);
    }

    #[test]
    fn new_nodes_are_placed_off_other_nodes() {
        let d = doc();
        let lin = d.flow.node(d.flow.find_label("LINSPACE").unwrap()).unwrap().position;
        let spot = d.free_spot(lin, (190.0, 100.0));
        assert_ne!(spot, lin);
        let n = d.new_node("SINE", spot, 7).unwrap();
        assert_eq!(n.label, "SINE 1");
    }
}
