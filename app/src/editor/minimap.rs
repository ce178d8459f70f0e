//! The minimap: every node as a small rectangle and the part in view; click to go there.

use leptos::prelude::*;

use crate::Editor;
use crate::state::layout::node_size;

const W: f64 = 180.0;
const H: f64 = 120.0;

#[component]
pub fn Minimap() -> impl IntoView {
    let ed = expect_context::<Editor>();
    // nodes as world rectangles, and the world bounds of nodes plus view
    let rects = Memo::new(move |_| {
        ed.doc.with(|d| {
            d.flow
                .nodes()
                .map(|n| {
                    let (w, h) = node_size(n);
                    (n.position.0, n.position.1, w, h, n.spec().category.clone())
                })
                .collect::<Vec<_>>()
        })
    });
    let frame = move || {
        let (cw, ch) = ed.canvas_size.get();
        let v = ed.viewport.get();
        let view = v.visible(cw, ch);
        let (mut x0, mut y0, mut x1, mut y1) = view;
        rects.with(|r| {
            for (x, y, w, h, _) in r {
                x0 = x0.min(*x);
                y0 = y0.min(*y);
                x1 = x1.max(x + w);
                y1 = y1.max(y + h);
            }
        });
        let scale = (W / (x1 - x0).max(1.0)).min(H / (y1 - y0).max(1.0));
        (x0, y0, scale, view)
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        let (x0, y0, scale, _) = frame();
        let (wx, wy) = (x0 + ev.offset_x() / scale, y0 + ev.offset_y() / scale);
        let (cw, ch) = ed.canvas_size.get_untracked();
        ed.viewport.update(|v| {
            v.x = cw / 2.0 - wx * v.zoom;
            v.y = ch / 2.0 - wy * v.zoom;
        });
        ev.stop_propagation();
    };
    // node rectangles are drawn in world units once; panning only changes the transform
    let nodes = move || {
        rects.with(|r| {
            r.iter()
                .map(|(x, y, w, h, c)| view! { <rect class="mini-node" data-category=c.clone() x=*x y=*y width=*w height=*h></rect> })
                .collect_view()
        })
    };
    let transform = move || {
        let (x0, y0, s, _) = frame();
        format!("scale({s}) translate({},{})", -x0, -y0)
    };
    let view_rect = move || {
        let (_, _, _, (vx0, vy0, vx1, vy1)) = frame();
        (vx0, vy0, vx1 - vx0, vy1 - vy0)
    };
    view! {
        <svg class="minimap" data-testid="minimap" width=W height=H on:pointerdown=|ev| ev.stop_propagation() on:click=on_click>
            <g transform=transform>
                {nodes}
                <rect
                    class="mini-view"
                    vector-effect="non-scaling-stroke"
                    x=move || view_rect().0
                    y=move || view_rect().1
                    width=move || view_rect().2
                    height=move || view_rect().3
                ></rect>
            </g>
        </svg>
    }
}
