//! Node geometry on the canvas, computed (not measured): sizes and port positions follow from
//! a node's spec, so wires are drawn without touching the DOM.

use runtime::flow::Node;
use runtime::spec::NodeSpec;

pub const NODE_WIDTH: f64 = 190.0;
pub const HEADER: f64 = 30.0;
pub const ROW: f64 = 22.0;
pub const FOOTER: f64 = 26.0;
/// Visualization nodes show their plot inside.
pub const PLOT_WIDTH: f64 = 300.0;
pub const PLOT_HEIGHT: f64 = 200.0;

/// Whether a node draws its figure inside itself.
pub fn shows_plot(spec: &NodeSpec) -> bool {
    spec.category == "VISUALIZATION" && spec.outputs.iter().any(|o| o.types.contains(runtime::DataType::Plotly))
}

/// The node's size on the canvas.
pub fn node_size(node: &Node) -> (f64, f64) {
    let spec = node.spec();
    let rows = spec.inputs.len().max(spec.outputs.len()) as f64;
    if shows_plot(spec) {
        let (w, h) = node
            .size
            .filter(|(w, h)| *w >= 160.0 && *h >= 120.0 && spec.category == "VISUALIZATION")
            .unwrap_or((PLOT_WIDTH, PLOT_HEIGHT));
        (w, HEADER + rows * ROW + h)
    } else {
        (NODE_WIDTH, HEADER + rows * ROW + FOOTER)
    }
}

/// Where input port `i` sits (canvas coordinates).
pub fn input_pos(node: &Node, i: usize) -> (f64, f64) {
    (node.position.0, node.position.1 + HEADER + (i as f64 + 0.5) * ROW)
}

/// Where output port `i` sits (canvas coordinates).
pub fn output_pos(node: &Node, i: usize) -> (f64, f64) {
    let (w, _) = node_size(node);
    (node.position.0 + w, node.position.1 + HEADER + (i as f64 + 0.5) * ROW)
}

/// An SVG path for a wire: a horizontal S-curve from `a` to `b`.
pub fn wire_path(a: (f64, f64), b: (f64, f64)) -> String {
    let dx = ((b.0 - a.0).abs() * 0.5).max(40.0);
    format!("M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", a.0, a.1, a.0 + dx, a.1, b.0 - dx, b.1, b.0, b.1)
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
}
