//! Pan and zoom: the map between screen pixels and canvas (world) coordinates.

/// `screen = world * zoom + (x, y)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

/// Low enough that `fit` shows all of a 10,000-node flow (the overview draws it on a canvas).
pub const MIN_ZOOM: f64 = 0.01;
pub const MAX_ZOOM: f64 = 3.0;

/// Below this zoom no node text is readable (a 13 px label is under 6 px): nodes and wires are
/// drawn on one canvas instead of the DOM (`editor/overview.rs`).
pub const DETAIL_ZOOM: f64 = 0.45;

impl Default for Viewport {
    fn default() -> Self {
        Viewport { x: 40.0, y: 40.0, zoom: 1.0 }
    }
}

impl Viewport {
    pub fn to_world(&self, sx: f64, sy: f64) -> (f64, f64) {
        ((sx - self.x) / self.zoom, (sy - self.y) / self.zoom)
    }

    pub fn to_screen(&self, wx: f64, wy: f64) -> (f64, f64) {
        (wx * self.zoom + self.x, wy * self.zoom + self.y)
    }

    pub fn pan(self, dx: f64, dy: f64) -> Viewport {
        Viewport { x: self.x + dx, y: self.y + dy, ..self }
    }

    /// Zooms by `factor`, keeping the world point under screen point (sx, sy) where it is.
    pub fn zoom_at(self, sx: f64, sy: f64, factor: f64) -> Viewport {
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let (wx, wy) = self.to_world(sx, sy);
        Viewport { x: sx - wx * zoom, y: sy - wy * zoom, zoom }
    }

    /// Two fingers moved from `from` to `to` (screen points): zooms by how much their distance
    /// changed and keeps the world point that was under their midpoint under the new midpoint
    /// (pinch to zoom, and pan with both fingers at once).
    pub fn pinch(self, from: [(f64, f64); 2], to: [(f64, f64); 2]) -> Viewport {
        let distance = |p: [(f64, f64); 2]| (p[0].0 - p[1].0).hypot(p[0].1 - p[1].1).max(1.0);
        let middle = |p: [(f64, f64); 2]| ((p[0].0 + p[1].0) / 2.0, (p[0].1 + p[1].1) / 2.0);
        let (m0, m1) = (middle(from), middle(to));
        let zoom = (self.zoom * distance(to) / distance(from)).clamp(MIN_ZOOM, MAX_ZOOM);
        let (wx, wy) = self.to_world(m0.0, m0.1);
        Viewport { x: m1.0 - wx * zoom, y: m1.1 - wy * zoom, zoom }
    }

    /// The viewport that shows `bounds` (x0, y0, x1, y1 in world units) in a `w`×`h` screen, with a margin.
    pub fn fit(bounds: (f64, f64, f64, f64), w: f64, h: f64) -> Viewport {
        let (x0, y0, x1, y1) = bounds;
        let (bw, bh) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
        let margin = 40.0;
        let zoom = ((w - 2.0 * margin) / bw).min((h - 2.0 * margin) / bh).clamp(MIN_ZOOM, 1.0);
        Viewport { x: (w - bw * zoom) / 2.0 - x0 * zoom, y: (h - bh * zoom) / 2.0 - y0 * zoom, zoom }
    }

    /// The world rectangle visible in a `w`×`h` screen.
    pub fn visible(&self, w: f64, h: f64) -> (f64, f64, f64, f64) {
        let (x0, y0) = self.to_world(0.0, 0.0);
        let (x1, y1) = self.to_world(w, h);
        (x0, y0, x1, y1)
    }

    /// The CSS transform of the world layer.
    pub fn css(&self) -> String {
        format!("translate({:.2}px,{:.2}px) scale({:.4})", self.x, self.y, self.zoom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zooming_keeps_the_point_under_the_cursor() {
        let v = Viewport { x: 10.0, y: -5.0, zoom: 1.2 };
        let before = v.to_world(300.0, 200.0);
        let z = v.zoom_at(300.0, 200.0, 1.5);
        let after = z.to_world(300.0, 200.0);
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
        assert_eq!(v.zoom_at(0.0, 0.0, 1000.0).zoom, MAX_ZOOM);
    }

    #[test]
    fn a_pinch_zooms_by_the_fingers_spread_around_their_midpoint() {
        let v = Viewport { x: 10.0, y: -5.0, zoom: 1.0 };
        let from = [(100.0, 100.0), (200.0, 100.0)];
        let under = v.to_world(150.0, 100.0);
        // spread to twice the distance, and both fingers 30 px down
        let p = v.pinch(from, [(50.0, 130.0), (250.0, 130.0)]);
        assert!((p.zoom - 2.0).abs() < 1e-12);
        let now = p.to_world(150.0, 130.0);
        assert!((now.0 - under.0).abs() < 1e-9 && (now.1 - under.1).abs() < 1e-9, "{now:?} {under:?}");
        // fingers on one spot do not divide by zero
        assert!(v.pinch([(5.0, 5.0); 2], [(5.0, 5.0), (400.0, 5.0)]).zoom <= MAX_ZOOM);
    }

    #[test]
    fn fit_shows_everything() {
        let v = Viewport::fit((100.0, 50.0, 2100.0, 1050.0), 1000.0, 600.0);
        let (a, b) = (v.to_screen(100.0, 50.0), v.to_screen(2100.0, 1050.0));
        assert!(a.0 >= 0.0 && a.1 >= 0.0 && b.0 <= 1000.0 && b.1 <= 600.0, "{a:?} {b:?}");
    }
}
