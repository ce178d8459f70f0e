//! What the pointer is doing on the canvas: the drag in progress and what a move carries.

use std::collections::BTreeSet;

use runtime::{Edge, InPort, NodeId, OutPort};

use crate::state::viewport::Viewport;

/// What the pointer is doing on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub enum Drag {
    /// Dragging the background: the view follows.
    Pan { from: (f64, f64), origin: Viewport, moved: bool },
    /// Moving the selected nodes and notes ([`Editor::moving`]) from a world point; the offset
    /// is [`Editor::move_offset`], committed as one edit on release.
    Move { from: (f64, f64) },
    /// Drawing a wire from an output; `hover` is the input under the pointer and whether the
    /// wire may go there (with the reason if not).
    Wire { from: OutPort, at: (f64, f64), hover: Option<(InPort, Result<(), String>)> },
    /// Shift-dragging a selection box (world coordinates).
    Select { from: (f64, f64), to: (f64, f64), additive: bool },
    /// Two fingers on the canvas (touch): where they were when the second went down (canvas
    /// pixels, in the order they went down) and the view then.
    Pinch { from: [(f64, f64); 2], origin: Viewport },
}

/// The nodes and notes (or the one reroute point of a wire) a move drag carries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Moving {
    pub nodes: BTreeSet<NodeId>,
    pub texts: BTreeSet<String>,
    /// A wire's reroute point: the wire and the point's index.
    pub reroute: Option<(Edge, usize)>,
}
