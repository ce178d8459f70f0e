//! The overview: zoomed out below `DETAIL_ZOOM` (45 %) the canvas draws every node as a
//! rectangle (its category's colour, or its run status's; outlined red when it has an error, as
//! the node's red border in full detail) and every wire as a curve on ONE
//! `<canvas>`, and puts no node or wire in the DOM. At 45 % a node's 13 px label is under 6 px
//! tall and its port names 5 px: nothing on a node is readable, so boxes lose nothing; and a
//! 10,000-node flow in view as DOM cost seconds of style, layout and paint per change.
//!
//! Drawing happens in an animation frame after the flow, the view, the selection, a drag, the
//! flow's problems or the run statuses change (one draw per frame however many changes). The canvas itself takes
//! no pointer events: the canvas component's handlers see them and ask [`node_at`] which node
//! a press is on, so a press and drag moves it through the same move (one undo step) as in
//! full detail; panning and the wheel are the canvas component's own. A double-click zooms back
//! in to 100 % around the pointer ([`zoom_in`]). Group frames and notes stay in the DOM (a few
//! elements, drawn above).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use runtime::NodeId;
use runtime::validate::Severity;
use wasm_bindgen::JsCast;

use crate::editor::group::Collapsed;
use crate::editor::subflow::Scope;
use crate::state::layout::{input_at, node_size, output_at};
use crate::state::run::Status;
use crate::{Editor, js};

/// The page's `--panel`, what node colours are mixed with.
const PANEL: (u8, u8, u8) = (0x1c, 0x1f, 0x26);
const ACCENT: &str = "#6a4ff0";
const SELECTED: &str = "#9a86ff";
/// `--bad` in `style.css`: a node with an error (an unknown node, a required input unwired).
const INVALID: &str = "#ff5c6c";

/// A category's colour, as `style.css` gives it (`[data-category=…] { --cat }`).
fn category_rgb(category: &str) -> (u8, u8, u8) {
    match category {
        "DATA" => (0x3b, 0x82, 0xf6),
        "MATH" => (0xf5, 0x9e, 0x0b),
        "DSP" => (0x06, 0xb6, 0xd4),
        "ETL" => (0x10, 0xb9, 0x81),
        "CONTROL_FLOW" => (0xec, 0x48, 0x99),
        "VISUALIZATION" => (0xea, 0xb3, 0x08),
        "PYTHON" => (0x8b, 0x5c, 0xf6),
        "AI_ML" => (0xf9, 0x73, 0x16),
        "COMPUTER_VISION" => (0xe8, 0x79, 0xf9),
        "HARDWARE" => (0xef, 0x44, 0x44),
        "DEBUGGING" => (0x94, 0xa3, 0xb8),
        _ => (0x6a, 0x4f, 0xf0),
    }
}

/// A node's fill: its category's colour, 45 % over the panel colour (strong enough that a box
/// a few pixels wide still shows its colour).
pub fn node_fill(category: &str) -> String {
    let (r, g, b) = category_rgb(category);
    let mix = |c: u8, p: u8| (f64::from(c) * 0.45 + f64::from(p) * 0.55).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(r, PANEL.0), mix(g, PANEL.1), mix(b, PANEL.2))
}

/// A run status's fill (`None`: idle, the category's colour shows).
fn status_fill(s: Status) -> Option<&'static str> {
    match s {
        Status::Idle => None,
        Status::Queued => Some("#4b5261"),
        Status::Running => Some(ACCENT),
        Status::Done => Some("#2b8a63"),
        Status::Failed => Some("#ff5c6c"),
        Status::Skipped => Some("#2a2e37"),
    }
}

/// A wire's colour by the type it carries (`--t-…` in `style.css`).
fn type_colour(t: &str) -> &'static str {
    match t {
        "OrderedPair" => "#60a5fa",
        "OrderedTriple" => "#38bdf8",
        "Surface" => "#22d3ee",
        "Scalar" => "#f59e0b",
        "Vector" => "#a78bfa",
        "Matrix" => "#f472b6",
        "DataFrame" => "#34d399",
        "Grayscale" => "#cbd5e1",
        "Image" => "#fb7185",
        "Plotly" => "#facc15",
        "String" => "#4ade80",
        "Bytes" => "#94a3b8",
        "Boolean" => "#fb923c",
        _ => "#9ca3af",
    }
}

/// A node as the overview draws it (world units).
#[derive(Clone, PartialEq)]
struct Rect {
    id: NodeId,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    fill: String,
    label: String,
}

/// A wire as the overview draws it: its ends (world units) and the nodes they belong to
/// (whose move moves them), the points it goes through, its colour.
#[derive(Clone, PartialEq)]
struct Line {
    from: NodeId,
    to: NodeId,
    a: (f64, f64),
    b: (f64, f64),
    /// An end on a collapsed group's bar or a subflow node's port: already where the drag
    /// shows it (not moved again with its node).
    fixed: (bool, bool),
    points: Vec<(f64, f64)>,
    colour: &'static str,
}

/// Everything drawn, computed once per change of the flow (not per frame): rectangles and
/// wires sorted by colour, so a frame strokes and fills once per colour.
#[derive(Clone, PartialEq, Default)]
struct Scene {
    rects: Vec<Rect>,
    lines: Vec<Line>,
}

fn scene(ed: Editor, collapsed: Option<Collapsed>, scope: Option<Scope>) -> Scene {
    // at the canvas's level (a subflow drawn here is a DOM node above the canvas)
    let no_away = HashMap::new();
    match scope {
        Some(s) => s.away.with(|away| scene_at(ed, collapsed, scope, away)),
        None => scene_at(ed, collapsed, scope, &no_away),
    }
}

fn scene_at(
    ed: Editor,
    collapsed: Option<Collapsed>,
    scope: Option<Scope>,
    away: &HashMap<NodeId, Option<String>>,
) -> Scene {
    let hidden = |id: &NodeId| away.contains_key(id) || collapsed.is_some_and(|c| c.of.with(|of| of.contains_key(id)));
    ed.doc.with(|d| {
        let mut rects: Vec<Rect> = d
            .flow
            .nodes()
            .filter(|n| !hidden(&n.id))
            .map(|n| {
                let (w, h) = node_size(n);
                Rect {
                    id: n.id,
                    x: n.position.0,
                    y: n.position.1,
                    w,
                    h,
                    fill: node_fill(&n.spec().category),
                    label: n.label.clone(),
                }
            })
            .collect();
        rects.sort_by(|a, b| a.fill.cmp(&b.fill));
        let bar = |id: NodeId| collapsed.and_then(|c| c.ports(id));
        let group_of = |id: &NodeId| collapsed.and_then(|c| c.of.with(|of| of.get(id).cloned()));
        let mut lines: Vec<Line> = d
            .flow
            .edges()
            .filter_map(|e| {
                // a wire inside one collapsed group is not drawn
                if let (Some(g1), Some(g2)) = (group_of(&e.from.node), group_of(&e.to.node))
                    && g1 == g2
                {
                    return None;
                }
                // nor one with an end at another level, or inside one subflow
                match (away.get(&e.from.node), away.get(&e.to.node)) {
                    (Some(None), _) | (_, Some(None)) => return None,
                    (Some(Some(a)), Some(Some(b))) if a == b => return None,
                    _ => {}
                }
                let (na, nb) = (d.flow.node(e.from.node)?, d.flow.node(e.to.node)?);
                let t = na.spec().outputs.get(usize::from(e.from.port))?.types.first().map_or("Any", |t| t.name());
                let a_on = scope.and_then(|s| s.output_at(e.from)).or_else(|| bar(e.from.node).map(|(_, out)| out));
                let b_on = scope.and_then(|s| s.input_at(e.to)).or_else(|| bar(e.to.node).map(|(inp, _)| inp));
                let fixed = (a_on.is_some(), b_on.is_some());
                let a = a_on.unwrap_or_else(|| output_at(na, na.position, usize::from(e.from.port)));
                let b = b_on.unwrap_or_else(|| input_at(nb.position, usize::from(e.to.port)));
                Some(Line {
                    from: e.from.node,
                    to: e.to.node,
                    a,
                    b,
                    fixed,
                    points: d.flow.reroute_points(e).to_vec(),
                    colour: type_colour(t),
                })
            })
            .collect();
        lines.sort_by(|a, b| a.colour.cmp(b.colour));
        Scene { rects, lines }
    })
}

/// The node under world point `w` while the overview is showing (`None` in full detail, where
/// nodes are elements and the press finds them itself). A box a few pixels wide is hard to hit,
/// so a press within 4 screen pixels of one counts; the nearest wins.
/// `hidden`: nodes not drawn (in a collapsed group, at another level or in a subflow node).
pub fn node_at(ed: Editor, w: (f64, f64), hidden: impl Fn(&NodeId) -> bool) -> Option<NodeId> {
    if ed.detail.get_untracked() {
        return None;
    }
    let slack = 4.0 / ed.viewport.with_untracked(|v| v.zoom).max(1e-6);
    ed.doc.with_untracked(|d| {
        d.flow
            .nodes()
            .filter(|n| !hidden(&n.id))
            .filter_map(|n| {
                let (nw, nh) = node_size(n);
                let (x, y) = n.position;
                let dx = (x - w.0).max(w.0 - (x + nw)).max(0.0);
                let dy = (y - w.1).max(w.1 - (y + nh)).max(0.0);
                let d = dx.hypot(dy);
                (d <= slack).then_some((d, n.id))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, id)| id)
    })
}

/// A double-click while the overview shows: back to 100 % around screen point `s` (true), or
/// nothing in full detail (false).
pub fn zoom_in(ed: Editor, s: (f64, f64)) -> bool {
    if ed.detail.get_untracked() {
        return false;
    }
    ed.viewport.update(|v| *v = v.zoom_at(s.0, s.1, 1.0 / v.zoom));
    true
}

/// The `<canvas>` of the overview, in the page only while zoomed out.
#[component]
pub fn Overview() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let collapsed = use_context::<Collapsed>();
    let scope = use_context::<Scope>();
    let overview = move || !ed.detail.get();
    view! {
        <Show when=overview>
            <OverviewCanvas ed=ed collapsed=collapsed scope=scope/>
        </Show>
    }
}

#[component]
fn OverviewCanvas(ed: Editor, collapsed: Option<Collapsed>, scope: Option<Scope>) -> impl IntoView {
    let el = NodeRef::<leptos::html::Canvas>::new();
    let scene = Memo::new(move |_| scene(ed, collapsed, scope));
    // one draw per animation frame, however many changes come before it; a frame that comes
    // after the canvas has gone (zoomed back in) draws nothing (its signals are disposed)
    let pending = Arc::new(AtomicBool::new(false));
    let alive = Arc::new(AtomicBool::new(true));
    on_cleanup({
        let alive = alive.clone();
        move || alive.store(false, Ordering::Relaxed)
    });
    Effect::new(move |_| {
        // what a frame shows: read here so that a change schedules a draw
        scene.track();
        ed.viewport.track();
        ed.canvas_size.track();
        ed.moving.track();
        ed.move_offset.track();
        ed.selection.track();
        ed.diagnostics.track();
        ed.runner().nodes.track();
        if el.get().is_none() || pending.swap(true, Ordering::Relaxed) {
            return;
        }
        let (pending, alive) = (pending.clone(), alive.clone());
        leptos::task::spawn_local(async move {
            js::next_frame().await;
            pending.store(false, Ordering::Relaxed);
            if !alive.load(Ordering::Relaxed) {
                return;
            }
            if let Some(c) = el.try_get_untracked().flatten() {
                draw(ed, &c, scene);
            }
        });
    });
    view! { <canvas class="overview" data-testid="overview" node_ref=el aria-hidden="true"></canvas> }
}

fn draw(ed: Editor, c: &web_sys::HtmlCanvasElement, scene: Memo<Scene>) {
    let Some(ctx) =
        c.get_context("2d").ok().flatten().and_then(|x| x.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let dpr = js::window().map_or(1.0, |w| w.device_pixel_ratio()).max(0.5);
    // the element's own size now (the run log below the canvas grows without a window resize)
    let (cw, ch) = (f64::from(c.client_width()), f64::from(c.client_height()));
    let (cw, ch) = if cw > 0.0 && ch > 0.0 { (cw, ch) } else { ed.canvas_size.get_untracked() };
    let (pw, ph) = ((cw * dpr).round().max(1.0) as u32, (ch * dpr).round().max(1.0) as u32);
    if c.width() != pw || c.height() != ph {
        // (resizing clears it too)
        c.set_width(pw);
        c.set_height(ph);
    }
    let v = ed.viewport.get_untracked();
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, f64::from(pw), f64::from(ph));
    // world coordinates from here on
    let _ = ctx.set_transform(dpr * v.zoom, 0.0, 0.0, dpr * v.zoom, dpr * v.x, dpr * v.y);
    let px = 1.0 / v.zoom; // one screen pixel in world units
    let (x0, y0, x1, y1) = v.visible(cw, ch);
    let in_view = |ax: f64, ay: f64, bx: f64, by: f64| ax < x1 && bx > x0 && ay < y1 && by > y0;
    let (moving, offset) = (ed.moving.get_untracked().nodes, ed.move_offset.get_untracked());
    let moved = |id: &NodeId, p: (f64, f64)| if moving.contains(id) { (p.0 + offset.0, p.1 + offset.1) } else { p };
    scene.try_with_untracked(|s| {
        // wires under the nodes, one stroke per colour
        ctx.set_line_width((2.2_f64).max(1.0 * px));
        ctx.set_global_alpha(0.9);
        let mut colour = "";
        for l in &s.lines {
            let a = if l.fixed.0 { l.a } else { moved(&l.from, l.a) };
            let b = if l.fixed.1 { l.b } else { moved(&l.to, l.b) };
            let both = moving.contains(&l.from) && moving.contains(&l.to);
            let points: Vec<(f64, f64)> = if both {
                l.points.iter().map(|p| (p.0 + offset.0, p.1 + offset.1)).collect()
            } else {
                l.points.clone()
            };
            // the wire's bounding box, with its curves' reach
            let (mut lx0, mut ly0, mut lx1, mut ly1) = (a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1));
            for p in &points {
                (lx0, ly0, lx1, ly1) = (lx0.min(p.0), ly0.min(p.1), lx1.max(p.0), ly1.max(p.1));
            }
            let reach = ((b.0 - a.0).abs() * 0.5).max(40.0);
            if !in_view(lx0 - reach, ly0, lx1 + reach, ly1) {
                continue;
            }
            if l.colour != colour {
                if !colour.is_empty() {
                    ctx.stroke();
                }
                colour = l.colour;
                ctx.set_stroke_style_str(colour);
                ctx.begin_path();
            }
            ctx.move_to(a.0, a.1);
            let mut s = a;
            for t in points.iter().copied().chain(std::iter::once(b)) {
                let min = if points.is_empty() { 40.0 } else { 20.0 };
                let dx = ((t.0 - s.0).abs() * 0.5).max(min);
                ctx.bezier_curve_to(s.0 + dx, s.1, t.0 - dx, t.1, t.0, t.1);
                s = t;
            }
        }
        if !colour.is_empty() {
            ctx.stroke();
        }
        ctx.set_global_alpha(1.0);
        // nodes, one fill per colour; a run's statuses over them
        let statuses = ed.runner().nodes.with_untracked(|runs| {
            runs.iter().filter_map(|(id, r)| Some((*id, status_fill(r.status)?))).collect::<HashMap<_, _>>()
        });
        let mut fill = "";
        let mut shown: Vec<&Rect> = Vec::new();
        for r in &s.rects {
            let (x, y) = moved(&r.id, (r.x, r.y));
            if !in_view(x, y, x + r.w, y + r.h) {
                continue;
            }
            shown.push(r);
            let f = statuses.get(&r.id).copied().unwrap_or(r.fill.as_str());
            if f != fill {
                if !fill.is_empty() {
                    ctx.fill();
                }
                fill = f;
                ctx.set_fill_style_str(fill);
                ctx.begin_path();
            }
            // at least a pixel, so a node never vanishes however far out
            ctx.rect(x, y, r.w.max(px), r.h.max(px));
        }
        if !fill.is_empty() {
            ctx.fill();
        }
        // nodes with an error, outlined (under the selection's outline)
        let invalid: HashSet<NodeId> = ed
            .diagnostics
            .with_untracked(|ds| ds.iter().filter(|d| d.severity == Severity::Error).filter_map(|d| d.node).collect());
        outline(&ctx, &shown, &invalid, INVALID, px, &moved);
        // the selection, outlined
        let selected: HashSet<NodeId> = ed.selection.with_untracked(|sel| sel.nodes.iter().copied().collect());
        outline(&ctx, &shown, &selected, SELECTED, px, &moved);
        // labels while they are still big enough to read (30 world units: 9 px at 30 %), and
        // only for a screenful of nodes
        if v.zoom >= 0.3 && shown.len() <= 2000 {
            ctx.set_fill_style_str("#e6e8ee");
            ctx.set_font("600 30px system-ui, sans-serif");
            ctx.set_text_baseline("top");
            for r in &shown {
                let (x, y) = moved(&r.id, (r.x, r.y));
                let _ = ctx.fill_text_with_max_width(&r.label, x + 12.0, y + 8.0, (r.w - 24.0).max(1.0));
            }
        }
    });
}

/// Outlines the shown boxes of `nodes` in `colour` (4 world units, at least 2 screen pixels).
fn outline(
    ctx: &web_sys::CanvasRenderingContext2d,
    shown: &[&Rect],
    nodes: &HashSet<NodeId>,
    colour: &str,
    px: f64,
    moved: &impl Fn(&NodeId, (f64, f64)) -> (f64, f64),
) {
    if nodes.is_empty() {
        return;
    }
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(4.0_f64.max(2.0 * px));
    ctx.begin_path();
    for r in shown.iter().filter(|r| nodes.contains(&r.id)) {
        let (x, y) = moved(&r.id, (r.x, r.y));
        ctx.rect(x, y, r.w, r.h);
    }
    ctx.stroke();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_colours_mix_the_category_into_the_panel() {
        assert_eq!(node_fill("DATA"), "#2a4c84");
        assert_ne!(node_fill("MATH"), node_fill("DATA"));
        // an unknown category falls back to the accent
        assert_eq!(node_fill("?"), node_fill("ANYTHING"));
    }
}
