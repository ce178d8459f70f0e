//! The minimap: every node as a small rectangle and the part in view; click to go there.

use leptos::prelude::*;

use crate::Editor;
use crate::editor::subflow::Scope;
use crate::state::layout::node_size;

const W: f64 = 180.0;
const H: f64 = 120.0;
/// Up to this many nodes the map has an element per node; above, a path per category.
const MAX_RECTS: usize = 1000;

#[component]
pub fn Minimap() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let scope = use_context::<Scope>();
    // nodes (at the canvas's level) as world rectangles, and the world bounds of nodes plus view
    let rects = Memo::new(move |_| {
        let no_away = std::collections::HashMap::new();
        let read = |away: &std::collections::HashMap<runtime::NodeId, Option<String>>| {
            ed.doc.with(|d| {
                d.flow
                    .nodes()
                    .filter(|n| !matches!(away.get(&n.id), Some(None)))
                    .map(|n| {
                        let (w, h) = node_size(n);
                        (n.position.0, n.position.1, w, h, n.spec().category.clone())
                    })
                    .collect::<Vec<_>>()
            })
        };
        match scope {
            Some(s) => s.away.with(read),
            None => read(&no_away),
        }
    });
    // the map's frame comes from the nodes alone, so panning never re-scales it (re-drawing a
    // thousand rectangles every frame cost 100+ ms per frame in a 1,000-node flow); only
    // the view's rectangle moves, clipped to the map
    let bounds = Memo::new(move |_| {
        rects.with(|r| {
            if r.is_empty() {
                return None;
            }
            let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for (x, y, w, h, _) in r {
                x0 = x0.min(*x);
                y0 = y0.min(*y);
                x1 = x1.max(x + w);
                y1 = y1.max(y + h);
            }
            let pad = 0.05 * (x1 - x0).max(y1 - y0);
            Some((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        })
    });
    let map = Memo::new(move |_| {
        let (cw, ch) = ed.canvas_size.get();
        let (x0, y0, x1, y1) = bounds.get().unwrap_or_else(|| ed.viewport.with(|v| v.visible(cw, ch)));
        let scale = (W / (x1 - x0).max(1.0)).min(H / (y1 - y0).max(1.0));
        (x0, y0, scale)
    });
    let on_click = move |ev: web_sys::MouseEvent| {
        let (x0, y0, scale) = map.get_untracked();
        let (wx, wy) = (x0 + ev.offset_x() / scale, y0 + ev.offset_y() / scale);
        let (cw, ch) = ed.canvas_size.get_untracked();
        ed.viewport.update(|v| {
            v.x = cw / 2.0 - wx * v.zoom;
            v.y = ch / 2.0 - wy * v.zoom;
        });
        ev.stop_propagation();
    };
    // node rectangles in world units, scaled by the map's transform; a big flow's as one path
    // per category (ten thousand elements cost a second to create, style and paint)
    let nodes = move || {
        rects.with(|r| {
            if r.len() <= MAX_RECTS {
                return r
                    .iter()
                    .map(|(x, y, w, h, c)| view! { <rect class="mini-node" data-category=c.clone() x=*x y=*y width=*w height=*h></rect> })
                    .collect_view()
                    .into_any();
            }
            let mut paths: std::collections::BTreeMap<&str, String> = std::collections::BTreeMap::new();
            for (x, y, w, h, c) in r {
                let d = paths.entry(c.as_str()).or_default();
                d.push_str(&format!("M{x:.0} {y:.0}h{w:.0}v{h:.0}h{:.0}z", -w));
            }
            paths
                .into_iter()
                .map(|(c, d)| view! { <path class="mini-node" data-category=c.to_owned() d=d></path> })
                .collect_view()
                .into_any()
        })
    };
    let transform = move || {
        let (x0, y0, s) = map.get();
        format!("scale({s}) translate({},{})", -x0, -y0)
    };
    // the view's rectangle in map pixels: panning changes only its translation, which the
    // compositor applies without repainting or re-layering anything
    let view_rect = Memo::new(move |_| {
        let (cw, ch) = ed.canvas_size.get();
        let (vx0, vy0, vx1, vy1) = ed.viewport.with(|v| v.visible(cw, ch));
        let (x0, y0, s) = map.get();
        ((vx0 - x0) * s, (vy0 - y0) * s, (vx1 - vx0) * s, (vy1 - vy0) * s)
    });
    // two layers: the nodes (repainted only when the flow changes) and the view's rectangle
    // above them; in one layer, moving the view repainted a thousand rectangles every frame,
    // and any repaint re-layers the whole page (18 ms a frame with 1,000 nodes)
    view! {
        <div class="minimap" data-testid="minimap" style=format!("width:{W}px;height:{H}px") on:pointerdown=|ev| ev.stop_propagation() on:click=on_click>
            <svg class="mini-nodes" width=W height=H>
                <g transform=transform>{nodes}</g>
            </svg>
            <div
                class="mini-view"
                style:transform=move || { let (x, y, _, _) = view_rect.get(); format!("translate({x:.1}px,{y:.1}px)") }
                style:width=move || format!("{:.1}px", view_rect.get().2)
                style:height=move || format!("{:.1}px", view_rect.get().3)
            ></div>
        </div>
    }
}
