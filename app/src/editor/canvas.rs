//! The canvas: nodes as boxes and wires as SVG curves, in one transformed "world" layer.

use leptos::prelude::*;

use crate::Editor;
use crate::editor::node::NodeBox;
use crate::state::layout::{input_pos, output_pos, wire_path};

#[component]
pub fn Canvas() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let ids = Memo::new(move |_| ed.flow.with(|f| f.node_ids()));
    let wires = move || {
        ed.flow.with(|f| {
            f.edges()
                .filter_map(|e| {
                    let (a, b) = (f.node(e.from.node)?, f.node(e.to.node)?);
                    let t = a.spec().outputs.get(usize::from(e.from.port))?.types.first().map_or("Any", |t| t.name());
                    let d = wire_path(output_pos(a, usize::from(e.from.port)), input_pos(b, usize::from(e.to.port)));
                    Some(view! { <path class="wire" data-type=t d=d></path> })
                })
                .collect_view()
        })
    };
    view! {
        <main class="canvas" data-testid="canvas">
            <div class="world">
                <svg class="wires" width="4000" height="4000">{wires}</svg>
                <For each=move || ids.get() key=|id| *id let(id)>
                    <NodeBox id=id/>
                </For>
            </div>
        </main>
    }
}
