//! Wires: curves from an output to an input, coloured by the data type they carry; the wire
//! being drawn follows the pointer and shows whether it may connect where it is. A wire may go
//! through reroute points (double-click a wire to add one, drag it, double-click it to remove it).

use leptos::prelude::*;
use runtime::Edge;

use crate::Editor;
use crate::editor::canvas::edge_attr;
use crate::editor::group::Collapsed;
use crate::editor::subflow::Scope;
use crate::state::layout::{input_at, input_pos, output_at, output_pos, wire_path, wire_path_through};
use crate::state::pointer::Drag;

/// Where a node is drawn right now: its position plus the move being dragged, if it moves.
/// Only moving nodes read the offset (so only they and their wires follow the pointer).
pub fn shown_at(ed: &Editor, node: &runtime::flow::Node) -> (f64, f64) {
    if ed.moving.with(|m| m.nodes.contains(&node.id)) {
        let (dx, dy) = ed.move_offset.get();
        (node.position.0 + dx, node.position.1 + dy)
    } else {
        node.position
    }
}

#[component]
pub fn Wire(edge: Edge) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let collapsed = use_context::<Collapsed>();
    let scope = use_context::<Scope>();
    let geometry = Memo::new(move |_| {
        ed.doc.with(|d| {
            let (a, b) = (d.flow.node(edge.from.node)?, d.flow.node(edge.to.node)?);
            let t = a.spec().outputs.get(usize::from(edge.from.port))?.types.first().map_or("Any", |t| t.name());
            // an end in a collapsed group is on the group's bar
            let bar = |id| collapsed.and_then(|c| c.ports(id));
            // and one inside a subflow drawn here is on the subflow's port
            let start = scope.and_then(|s| s.output_at(edge.from)).or_else(|| bar(edge.from.node).map(|(_, out)| out));
            let start = start.unwrap_or_else(|| output_at(a, shown_at(&ed, a), usize::from(edge.from.port)));
            let end = scope.and_then(|s| s.input_at(edge.to)).or_else(|| bar(edge.to.node).map(|(inp, _)| inp));
            let end = end.unwrap_or_else(|| input_at(shown_at(&ed, b), usize::from(edge.to.port)));
            // inside a subflow, a wire from (or to) outside is a stub naming the node out there
            let elsewhere = |id| scope.is_some_and(|s| s.away.with(|a| matches!(a.get(&id), Some(None))));
            if elsewhere(edge.from.node) {
                let from = (end.0 - STUB, end.1);
                return Some(Shape::Stub { d: wire_path(from, end), t, at: from, says: format!("from {}", a.label) });
            }
            if elsewhere(edge.to.node) {
                let to = (start.0 + STUB, start.1);
                return Some(Shape::Stub { d: wire_path(start, to), t, at: to, says: format!("to {}", b.label) });
            }
            let points = reroute_points(&ed, &d.flow, edge);
            Some(Shape::Wire { d: wire_path_through(start, &points, end), t, points })
        })
    });
    let selected = Memo::new(move |_| ed.selection.with(|s| s.edges.contains(&edge)));
    move || {
        geometry.get().map(|shape| {
            let (d, t, points) = match shape {
                Shape::Wire { d, t, points } => (d, t, points),
                Shape::Stub { d, t, at, says } => {
                    // right of a stub into an input the text would cover the node: it ends there
                    let anchor = if says.starts_with("from") { "end" } else { "start" };
                    // selectable (and so deletable) like any wire; no reroute points: its
                    // path is drawn at the other level
                    return view! {
                        <g
                            class="wire-group wire-stub"
                            class:selected=selected
                            data-edge=edge_attr(&edge)
                            data-stub=""
                            data-testid="wire-stub"
                        >
                            <path class="wire-hit" d=d.clone()></path>
                            <path class="wire stub" data-type=t d=d></path>
                            <text class="wire-stub-label" x=at.0 y=at.1 - 6.0 text-anchor=anchor>{says}</text>
                        </g>
                    }
                    .into_any();
                }
            };
            let handles = points
                .iter()
                .enumerate()
                .map(|(i, (x, y))| {
                    view! {
                        <circle class="reroute" data-reroute=format!("{}/{i}", edge_attr(&edge)) data-testid="reroute" cx=*x cy=*y r="6">
                            <title>"Drag to move; double-click to remove"</title>
                        </circle>
                    }
                })
                .collect_view();
            view! {
                <g class="wire-group" class:selected=selected data-edge=edge_attr(&edge) data-testid="wire">
                    <path class="wire-hit" d=d.clone()></path>
                    <path class="wire" data-type=t d=d></path>
                    {handles}
                </g>
            }
            .into_any()
        })
    }
}

/// How long a stub (a wire from or to another level) is drawn.
const STUB: f64 = 70.0;

/// What a wire is drawn as.
#[derive(Clone, PartialEq)]
enum Shape {
    /// From its output to its input, through its reroute points.
    Wire { d: String, t: &'static str, points: Vec<(f64, f64)> },
    /// Inside a subflow, the end at this level and a label naming the node outside.
    Stub { d: String, t: &'static str, at: (f64, f64), says: String },
}

/// The points a wire is drawn through now (the one being dragged moved by the drag).
fn reroute_points(ed: &Editor, flow: &runtime::Flow, edge: Edge) -> Vec<(f64, f64)> {
    let mut points = flow.reroute_points(edge).to_vec();
    if points.is_empty() {
        return points;
    }
    // the point being dragged, or all of them when both ends move
    let (one, all) = ed.moving.with(|m| {
        (
            m.reroute.filter(|(e, _)| *e == edge).map(|(_, i)| i),
            m.nodes.contains(&edge.from.node) && m.nodes.contains(&edge.to.node),
        )
    });
    if one.is_some() || all {
        let (dx, dy) = ed.move_offset.get();
        for (i, p) in points.iter_mut().enumerate() {
            if all || one == Some(i) {
                *p = (p.0 + dx, p.1 + dy);
            }
        }
    }
    points
}

/// The wire being drawn.
#[component]
pub fn TempWire() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let scope = use_context::<Scope>();
    move || {
        let Some(Drag::Wire { from, at, hover }) = ed.drag.get() else { return None };
        // from (or to) a subflow's port: where the subflow draws it
        let start = match scope.and_then(|s| s.output_at(from)) {
            Some(p) => p,
            None => ed.doc.with(|d| d.flow.node(from.node).map(|n| output_pos(n, usize::from(from.port))))?,
        };
        let (end, state) = match &hover {
            Some((to, ok)) => (
                scope
                    .and_then(|s| s.input_at(*to))
                    .or_else(|| ed.doc.with(|d| d.flow.node(to.node).map(|n| input_pos(n, usize::from(to.port)))))
                    .unwrap_or(at),
                if ok.is_ok() { "ok" } else { "refused" },
            ),
            None => (at, "open"),
        };
        // what the wire carries, in full, beside the pointer (a port's label may abbreviate it)
        let carries = ed.doc.with(|d| {
            d.flow
                .node(from.node)
                .and_then(|n| n.spec().outputs.get(usize::from(from.port)))
                .map(|p| p.types.to_string())
        });
        Some(view! {
            <path class="wire temp" data-state=state d=wire_path(start, end)></path>
            <text class="wire-type" data-testid="wire-type" x=at.0 + 14.0 y=at.1 - 10.0>{carries}</text>
        })
    }
}
