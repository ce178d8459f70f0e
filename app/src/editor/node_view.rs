//! The node view (double-click or Enter): the node's last result, its documentation, its
//! Python source for Python nodes, its last error and its log.

use std::sync::Arc;

use leptos::prelude::*;
use runtime::NodeKind;

use crate::Editor;
use crate::editor::value_view::ValueView;

#[component]
pub fn NodeView() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let close = move || ed.viewing.set(None);
    move || {
        let id = ed.viewing.get()?;
        let node = ed.doc.with(|d| d.flow.node(id).cloned())?;
        let run = ed.runner().nodes.with(|m| m.get(&id).cloned()).unwrap_or_default();
        let spec = node.spec().clone();
        let results = run.outputs.as_ref().map(|o| {
            o.0.iter()
                .enumerate()
                .filter_map(|(i, d)| Some((spec.outputs.get(i)?.name.clone(), d.clone()?)))
                .map(|(name, d)| {
                    let value: Arc<runtime::Value> = d;
                    view! {
                        <div class="result-block">
                            {(spec.outputs.len() > 1).then(|| view! { <h4>{name.clone()}</h4> })}
                            <ValueView value=value testid=format!("view-plot-{name}")/>
                        </div>
                    }
                })
                .collect_view()
        });
        let no_result = results.is_none().then(|| {
            let why = match run.status {
                crate::state::run::Status::Idle => "Not run yet: press Run.",
                crate::state::run::Status::Failed => "The last run of this node failed (see the error below).",
                crate::state::run::Status::Skipped => "This node did not run last time (see below).",
                _ => "No result.",
            };
            view! { <p class="muted">{why}</p> }
        });
        let code = match &node.kind {
            NodeKind::Python(p) => Some(p.code.clone()),
            _ => None,
        };
        let params = spec
            .params
            .iter()
            .map(|p| view! { <li><b>{p.name.clone()}</b>" (" {p.kind.flojoy_type()} ", default " {p.default.to_string()} "): " {p.doc.clone()}</li> })
            .collect_view();
        let inputs = spec
            .inputs
            .iter()
            .map(
                |p| view! { <li><b>{p.name.clone()}</b>": "<code>{p.types.to_string()}</code>" " {p.doc.clone()}</li> },
            )
            .collect_view();
        let outputs = spec
            .outputs
            .iter()
            .map(
                |p| view! { <li><b>{p.name.clone()}</b>": "<code>{p.types.to_string()}</code>" " {p.doc.clone()}</li> },
            )
            .collect_view();
        let diagnostics = ed
            .diagnostics
            .with(|ds| ds.iter().filter(|d| d.node == Some(id)).map(|d| d.message.clone()).collect::<Vec<_>>());
        Some(view! {
            <div class="modal-backdrop" on:click=move |_| close()>
                <div
                    class="node-view"
                    data-testid="node-view"
                    on:click=|ev| ev.stop_propagation()
                    on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Escape" { close() }
                >
                    <header>
                        <h2>{node.label.clone()} <small>{spec.func.clone()}</small></h2>
                        <button class="close" data-testid="close-node-view" on:click=move |_| close()>"✕"</button>
                    </header>
                    <section class="result" data-testid="node-view-result">
                        <h3>"Result"</h3>
                        {run.summary.clone().map(|s| view! { <p class="muted">{format!("{s} · {} run(s), {:.1} ms", run.runs, run.ms)}</p> })}
                        {results}
                        {no_result}
                    </section>
                    {run.error.clone().map(|e| view! {
                        <section class="error" data-testid="node-view-error"><h3>"Error"</h3><pre>{e}</pre></section>
                    })}
                    {(!diagnostics.is_empty()).then(|| view! {
                        <section class="error"><h3>"Problems"</h3><ul>{diagnostics.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul></section>
                    })}
                    {(!run.log.is_empty()).then(|| view! {
                        <section class="log-section"><h3>"Log"</h3><pre data-testid="node-view-log">{run.log.join("\n")}</pre></section>
                    })}
                    <section class="docs" data-testid="node-view-docs">
                        <h3>"Documentation"</h3>
                        <p>{spec.doc.clone()}</p>
                        <h4>"Inputs"</h4><ul>{inputs}</ul>
                        <h4>"Outputs"</h4><ul>{outputs}</ul>
                        <h4>"Parameters"</h4><ul>{params}</ul>
                    </section>
                    {code.map(|c| view! {
                        <section class="code" data-testid="node-view-code">
                            <h3>"Python source"</h3>
                            <button data-testid="edit-code" on:click=move |_| { ed.viewing.set(None); ed.editing_code.set(Some(id)); }>"Edit code"</button>
                            <pre><code>{c}</code></pre>
                        </section>
                    })}
                </div>
            </div>
        })
    }
}
