//! Commands on a wire's reroute points: add one, move one, remove one (each one undo step).

use leptos::prelude::*;
use runtime::{Edge, Edit};

use crate::Editor;
use crate::state::layout::{input_pos, output_pos, reroute_insert_at};

impl Editor {
    /// Sets the points of `edge` to what `change` makes of them.
    fn change_reroute(&self, edge: Edge, change: impl FnOnce(&mut Vec<(f64, f64)>)) {
        let Some((wire, mut points)) =
            self.doc.with_untracked(|d| Some((d.flow.wire_key(edge)?, d.flow.reroute_points(edge).to_vec())))
        else {
            return;
        };
        change(&mut points);
        self.apply(Edit::SetReroute { wire, points });
    }

    /// A new point at `at` (canvas coordinates), in the stretch of the wire nearest to it.
    pub fn add_reroute(&self, edge: Edge, at: (f64, f64)) {
        let ends = self.doc.with_untracked(|d| {
            let (a, b) = (d.flow.node(edge.from.node)?, d.flow.node(edge.to.node)?);
            Some((output_pos(a, usize::from(edge.from.port)), input_pos(b, usize::from(edge.to.port))))
        });
        let Some((a, b)) = ends else { return };
        self.change_reroute(edge, |points| {
            let i = reroute_insert_at(a, points, b, at);
            points.insert(i, at);
        });
    }

    pub fn move_reroute(&self, edge: Edge, i: usize, (dx, dy): (f64, f64)) {
        self.change_reroute(edge, |points| {
            if let Some(p) = points.get_mut(i) {
                *p = (p.0 + dx, p.1 + dy);
            }
        });
    }

    pub fn remove_reroute(&self, edge: Edge, i: usize) {
        self.change_reroute(edge, |points| {
            if i < points.len() {
                points.remove(i);
            }
        });
    }
}
