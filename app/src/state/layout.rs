//! Node geometry on the canvas, computed (not measured): sizes and port positions follow from
//! a node's spec, so wires are drawn and hits tested without touching the DOM.

use runtime::flow::Node;
use runtime::spec::NodeSpec;

pub const NODE_WIDTH: f64 = 200.0;
pub const HEADER: f64 = 30.0;
pub const ROW: f64 = 22.0;
/// Parameters shown on the node itself (at most this many lines).
pub const PARAM_LINES: usize = 3;
pub const PARAM_ROW: f64 = 18.0;
pub const FOOTER: f64 = 26.0;
/// Visualization nodes show their plot inside.
pub const PLOT_WIDTH: f64 = 320.0;
pub const PLOT_HEIGHT: f64 = 210.0;

/// Whether a node draws its figure inside itself.
pub fn shows_plot(spec: &NodeSpec) -> bool {
    spec.category == "VISUALIZATION" && spec.outputs.iter().any(|o| o.types.contains(runtime::DataType::Plotly))
}

/// How many parameter lines the node shows.
pub fn param_lines(spec: &NodeSpec) -> usize {
    if shows_plot(spec) { 0 } else { spec.params.len().min(PARAM_LINES) }
}

/// The node's size on the canvas.
pub fn node_size(node: &Node) -> (f64, f64) {
    let spec = node.spec();
    let rows = spec.inputs.len().max(spec.outputs.len()).max(1) as f64;
    let top = HEADER + rows * ROW;
    if shows_plot(spec) {
        let (w, h) = node
            .size
            .filter(|(w, h)| *w >= 200.0 && *h >= 150.0)
            .map(|(w, h)| (w, h - top - FOOTER))
            .unwrap_or((PLOT_WIDTH, PLOT_HEIGHT));
        (w, top + h.max(120.0) + FOOTER)
    } else {
        (NODE_WIDTH, top + param_lines(spec) as f64 * PARAM_ROW + FOOTER)
    }
}

/// Where input port `i` sits (canvas coordinates).
pub fn input_pos(node: &Node, i: usize) -> (f64, f64) {
    input_at(node.position, i)
}

/// Where output port `i` sits (canvas coordinates).
pub fn output_pos(node: &Node, i: usize) -> (f64, f64) {
    output_at(node, node.position, i)
}

/// Input port `i` of a node drawn with its top-left corner at `at`.
pub fn input_at(at: (f64, f64), i: usize) -> (f64, f64) {
    (at.0, at.1 + HEADER + (i as f64 + 0.5) * ROW)
}

/// Output port `i` of `node` drawn with its top-left corner at `at`.
pub fn output_at(node: &Node, at: (f64, f64), i: usize) -> (f64, f64) {
    (at.0 + node_size(node).0, at.1 + HEADER + (i as f64 + 0.5) * ROW)
}

/// An SVG path for a wire: a horizontal S-curve from `a` to `b`.
pub fn wire_path(a: (f64, f64), b: (f64, f64)) -> String {
    let dx = ((b.0 - a.0).abs() * 0.5).max(40.0);
    format!("M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", a.0, a.1, a.0 + dx, a.1, b.0 - dx, b.1, b.0, b.1)
}

/// Whether rectangles (x0, y0, x1, y1) overlap.
pub fn intersects(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wires_start_and_end_at_the_ports() {
        let p = wire_path((0.0, 0.0), (100.0, 50.0));
        assert!(p.starts_with("M0.0,0.0"));
        assert!(p.ends_with("100.0,50.0"));
    }

    #[test]
    fn rectangles() {
        assert!(intersects((0.0, 0.0, 10.0, 10.0), (5.0, 5.0, 20.0, 20.0)));
        assert!(!intersects((0.0, 0.0, 10.0, 10.0), (11.0, 0.0, 20.0, 10.0)));
    }
}
