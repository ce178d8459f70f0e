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

/// A group's frame: this much around its nodes, with a title bar of GROUP_TITLE above them.
pub const GROUP_PAD: f64 = 20.0;
pub const GROUP_TITLE: f64 = 34.0;
/// A collapsed group: its title bar and a line saying how many nodes it holds.
pub const COLLAPSED_SIZE: (f64, f64) = (240.0, 62.0);

/// A group's frame (x, y, width, height) around nodes drawn at `at` of size `size`, each given
/// as (top-left, (width, height)); `None` for no nodes. Collapsed, only its top-left counts.
pub fn group_rect(
    nodes: impl IntoIterator<Item = ((f64, f64), (f64, f64))>,
    collapsed: bool,
) -> Option<(f64, f64, f64, f64)> {
    let (x0, y0, x1, y1) = nodes.into_iter().fold(None, |acc: Option<(f64, f64, f64, f64)>, ((x, y), (w, h))| {
        Some(acc.map_or((x, y, x + w, y + h), |a| (a.0.min(x), a.1.min(y), a.2.max(x + w), a.3.max(y + h))))
    })?;
    let (x, y) = (x0 - GROUP_PAD, y0 - GROUP_PAD - GROUP_TITLE);
    Some(if collapsed {
        (x, y, COLLAPSED_SIZE.0, COLLAPSED_SIZE.1)
    } else {
        (x, y, x1 - x0 + 2.0 * GROUP_PAD, y1 - y0 + 2.0 * GROUP_PAD + GROUP_TITLE)
    })
}

/// Where wires end on a collapsed group drawn at `r`: its left side (inputs), right (outputs).
pub fn collapsed_ports(r: (f64, f64, f64, f64)) -> ((f64, f64), (f64, f64)) {
    let y = r.1 + r.3 * 0.5;
    ((r.0, y), (r.0 + r.2, y))
}

/// A wire from `a` through `points` to `b`: one S-curve per stretch.
pub fn wire_path_through(a: (f64, f64), points: &[(f64, f64)], b: (f64, f64)) -> String {
    if points.is_empty() {
        return wire_path(a, b);
    }
    let mut d = format!("M{:.1},{:.1}", a.0, a.1);
    let stops: Vec<(f64, f64)> = std::iter::once(a).chain(points.iter().copied()).chain(std::iter::once(b)).collect();
    for w in stops.windows(2) {
        let (s, t) = (w[0], w[1]);
        let dx = ((t.0 - s.0).abs() * 0.5).max(20.0);
        d.push_str(&format!(" C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", s.0 + dx, s.1, t.0 - dx, t.1, t.0, t.1));
    }
    d
}

/// Where a new point at `p` goes among a wire's `points` (from `a` to `b`): before the stop
/// that ends the stretch nearest to it.
pub fn reroute_insert_at(a: (f64, f64), points: &[(f64, f64)], b: (f64, f64), p: (f64, f64)) -> usize {
    let stops: Vec<(f64, f64)> = std::iter::once(a).chain(points.iter().copied()).chain(std::iter::once(b)).collect();
    let dist = |s: (f64, f64), t: (f64, f64)| {
        let (vx, vy) = (t.0 - s.0, t.1 - s.1);
        let len2 = vx * vx + vy * vy;
        let k = if len2 > 0.0 { (((p.0 - s.0) * vx + (p.1 - s.1) * vy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        (p.0 - s.0 - k * vx).hypot(p.1 - s.1 - k * vy)
    };
    stops
        .windows(2)
        .enumerate()
        .min_by(|x, y| dist(x.1[0], x.1[1]).total_cmp(&dist(y.1[0], y.1[1])))
        .map_or(0, |(i, _)| i)
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
    fn a_group_frames_its_nodes_or_collapses_to_a_bar() {
        let nodes = [((0.0, 0.0), (200.0, 100.0)), ((300.0, 50.0), (200.0, 100.0))];
        let (x, y, w, h) = group_rect(nodes, false).unwrap();
        assert_eq!((x, y), (-GROUP_PAD, -GROUP_PAD - GROUP_TITLE));
        assert_eq!((w, h), (500.0 + 2.0 * GROUP_PAD, 150.0 + 2.0 * GROUP_PAD + GROUP_TITLE));
        let c = group_rect(nodes, true).unwrap();
        assert_eq!((c.0, c.1, c.2, c.3), (x, y, COLLAPSED_SIZE.0, COLLAPSED_SIZE.1));
        assert_eq!(collapsed_ports(c).1, (x + COLLAPSED_SIZE.0, y + COLLAPSED_SIZE.1 / 2.0));
        assert!(group_rect([], false).is_none());
    }

    #[test]
    fn a_wire_goes_through_its_points_and_a_new_point_joins_the_nearest_stretch() {
        let d = wire_path_through((0.0, 0.0), &[(100.0, 50.0), (200.0, 0.0)], (300.0, 50.0));
        assert!(d.starts_with("M0.0,0.0 C"));
        assert_eq!(d.matches(" C").count(), 3);
        assert!(d.contains(" 100.0,50.0 C") && d.contains(" 200.0,0.0 C") && d.ends_with(" 300.0,50.0"));
        assert_eq!(wire_path_through((0.0, 0.0), &[], (10.0, 0.0)), wire_path((0.0, 0.0), (10.0, 0.0)));
        let pts = [(100.0, 0.0), (200.0, 0.0)];
        assert_eq!(reroute_insert_at((0.0, 0.0), &pts, (300.0, 0.0), (50.0, 5.0)), 0);
        assert_eq!(reroute_insert_at((0.0, 0.0), &pts, (300.0, 0.0), (150.0, -5.0)), 1);
        assert_eq!(reroute_insert_at((0.0, 0.0), &pts, (300.0, 0.0), (290.0, 0.0)), 2);
        assert_eq!(reroute_insert_at((0.0, 0.0), &[], (300.0, 0.0), (150.0, 40.0)), 0);
    }

    #[test]
    fn rectangles() {
        assert!(intersects((0.0, 0.0, 10.0, 10.0), (5.0, 5.0, 20.0, 20.0)));
        assert!(!intersects((0.0, 0.0, 10.0, 10.0), (11.0, 0.0, 20.0, 10.0)));
    }
}
