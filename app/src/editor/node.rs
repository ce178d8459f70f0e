//! One node on the canvas: its ports, its status and result, and its plot if it draws one.

use leptos::prelude::*;
use runtime::NodeId;

use crate::Editor;
use crate::editor::plot_view::PlotView;
use crate::run::{NodeRun, Status};
use crate::state::layout::{node_size, shows_plot};

#[component]
pub fn NodeBox(id: NodeId) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let node = Memo::new(move |_| ed.flow.with(|f| f.node(id).cloned()));
    let run = Memo::new(move |_| ed.runner().nodes.with(|m| m.get(&id).cloned().unwrap_or_default()));
    let figure = Signal::derive(move || run.with(|r| r.figure.clone()));
    move || {
        let n = node.get()?;
        let spec = n.spec();
        let (w, h) = node_size(&n);
        let label = n.label.clone();
        let category = spec.category.clone();
        let plot = shows_plot(spec);
        let inputs = spec.inputs.iter().map(|p| view! { <div class="port in" title=p.types.to_string()><span class="dot"></span>{p.name.clone()}</div> }).collect_view();
        let outputs = spec.outputs.iter().map(|p| view! { <div class="port out" title=p.types.to_string()>{p.name.clone()}<span class="dot"></span></div> }).collect_view();
        let status = move || run.with(|r: &NodeRun| r.status.as_str());
        let result = move || {
            run.with(|r| match r.status {
                Status::Failed | Status::Skipped => {
                    r.error.clone().unwrap_or_default().lines().next().unwrap_or_default().to_owned()
                }
                _ => r.summary.clone().map(|s| format!("{s} · {:.1} ms", r.ms)).unwrap_or_default(),
            })
        };
        Some(view! {
            <div
                class="node"
                data-category=category
                data-status=status
                data-testid=format!("node-{label}")
                style=format!("left:{}px;top:{}px;width:{}px;height:{}px", n.position.0, n.position.1, w, h)
            >
                <div class="node-header">{label.clone()}</div>
                <div class="ports">
                    <div class="ins">{inputs}</div>
                    <div class="outs">{outputs}</div>
                </div>
                {plot.then(|| view! { <PlotView figure=figure testid=format!("plot-{label}")/> })}
                <div class="node-result" data-testid=format!("result-{label}")>{result}</div>
            </div>
        })
    }
}
