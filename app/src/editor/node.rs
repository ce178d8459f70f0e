//! One node on the canvas: header, typed ports, its parameters inline, its result (a plot for
//! visualization nodes), and what is wrong with it, if anything.

use leptos::prelude::*;
use runtime::NodeId;
use runtime::validate::Severity;

use crate::Editor;
use crate::editor::plot_view::PlotView;
use crate::editor::wire::shown_at;
use crate::state::layout::{node_size, param_lines, shows_plot};
use crate::state::run::Status;

/// A parameter's value as one short line.
pub fn show_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) if s.is_empty() => "—".into(),
        serde_json::Value::String(s) => s.lines().next().unwrap_or_default().chars().take(24).collect(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    }
}

#[component]
pub fn NodeBox(id: NodeId) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let node = Memo::new(move |_| ed.doc.with(|d| d.flow.node(id).cloned()));
    let run = Memo::new(move |_| ed.runner().nodes.with(|m| m.get(&id).cloned().unwrap_or_default()));
    let figure = Signal::derive(move || run.with(|r| r.first()));
    let selected = Memo::new(move |_| ed.selection.with(|s| s.nodes.contains(&id)));
    let problem = Memo::new(move |_| {
        ed.diagnostics.with(|ds| {
            let mine: Vec<_> = ds.iter().filter(|d| d.node == Some(id)).collect();
            let worst = mine.iter().find(|d| d.severity == Severity::Error).or(mine.first())?;
            Some((worst.severity == Severity::Error, worst.message.clone()))
        })
    });
    let wired =
        Memo::new(move |_| ed.doc.with(|d| d.flow.edges_into(id).iter().map(|e| e.to.port).collect::<Vec<u16>>()));
    let position = Memo::new(move |_| node.with(|n| n.as_ref().map(|n| shown_at(&ed, n))));

    move || {
        let n = node.get()?;
        let spec = n.spec();
        let (w, h) = node_size(&n);
        let label = n.label.clone();
        let plot = shows_plot(spec);
        let inputs = spec
            .inputs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let t = p.types.first().map_or("Any", |t| t.name());
                let connected = move || wired.with(|w| w.contains(&(i as u16)));
                let title = format!("{}: {}{}", p.name, p.types, if p.multiple { " (several wires)" } else { "" });
                view! {
                    <div class="port in" data-in-port=format!("{}:{i}", id.0) title=title>
                        <span class="dot" data-type=t class:open=move || !connected()></span>
                        <span class="pname">{p.name.clone()}</span>
                        <span class="ptype">{short_type(&p.types)}</span>
                    </div>
                }
            })
            .collect_view();
        let outputs = spec
            .outputs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let t = p.types.first().map_or("Any", |t| t.name());
                view! {
                    <div class="port out" data-out-port=format!("{}:{i}", id.0) title=format!("{}: {}", p.name, p.types)>
                        <span class="ptype">{short_type(&p.types)}</span>
                        <span class="pname">{p.name.clone()}</span>
                        <span class="dot" data-type=t></span>
                    </div>
                }
            })
            .collect_view();
        let params = spec
            .params
            .iter()
            .take(param_lines(spec))
            .map(|p| {
                let v = show_value(n.params.get(&p.name).unwrap_or(&p.default));
                view! { <div class="param-line"><span>{p.name.clone()}</span><b>{v}</b></div> }
            })
            .collect_view();
        let rows = spec.inputs.len().max(spec.outputs.len()).max(1);
        let footer = move || {
            let r = run.get();
            match (r.status, problem.get()) {
                (Status::Failed | Status::Skipped, _) => {
                    ("bad", r.error.unwrap_or_default().lines().next().unwrap_or_default().to_owned())
                }
                (_, Some((true, msg))) if r.status == Status::Idle => ("bad", msg),
                (_, Some((false, msg))) if r.status == Status::Idle => ("warn", msg),
                (Status::Running, _) => ("", "running…".into()),
                (Status::Queued, _) => ("", "queued".into()),
                // a node without an output (a TIMER with nothing wired in) still says it ran
                (Status::Done, _) => ("", format!("{} · {:.1} ms", r.summary.unwrap_or_else(|| "done".into()), r.ms)),
                _ => ("", r.summary.map(|s| format!("{s} · {:.1} ms", r.ms)).unwrap_or_default()),
            }
        };
        let streaming = runtime::nodes::lookup(n.func()).is_some_and(|d| d.streaming);
        let stream_key = n.key.clone();
        let devices = ed.runner().devices().clone();
        let stream_line = move || {
            devices
                .view
                .with(|v| v.streams.iter().find(|(k, _)| *k == stream_key).map(|(_, s)| crate::devices::stats_line(s)))
        };
        let category = spec.category.clone();
        let python = matches!(n.kind, runtime::NodeKind::Python(_));
        Some(view! {
            <div
                class="node"
                class:selected=selected
                class:python=python
                class:invalid=move || problem.with(|p| p.as_ref().is_some_and(|(e, _)| *e))
                data-node=id.0
                data-category=category
                data-status=move || run.with(|r| r.status.as_str())
                data-testid=format!("node-{label}")
                title=move || problem.get().map(|(_, m)| m).unwrap_or_default()
                style:left=move || format!("{}px", position.get().unwrap_or_default().0)
                style:top=move || format!("{}px", position.get().unwrap_or_default().1)
                style:width=format!("{w}px")
                style:height=format!("{h}px")
            >
                <div class="node-header">
                    <span class="label">{label.clone()}</span>
                    <span class="status-dot"></span>
                </div>
                <div class="ports" style:height=format!("{}px", rows as f64 * crate::state::layout::ROW)>
                    <div class="ins">{inputs}</div>
                    <div class="outs">{outputs}</div>
                </div>
                <div class="params">{params}</div>
                {plot.then(|| view! { <PlotView figure=figure testid=format!("plot-{label}")/> })}
                {streaming.then(|| view! { <div class="node-stream" data-testid=format!("stream-{label}")>{stream_line}</div> })}
                <div class="node-result" data-kind=move || footer().0 data-testid=format!("result-{label}")>{move || footer().1}</div>
            </div>
        }.into_any())
    }
}

/// A port's type as its label shows it: the type, or the first of several and how many more
/// (the whole union is in the port's tooltip and in the node view).
fn short_type(types: &runtime::value::TypeSet) -> String {
    let all: Vec<&str> = types.iter().map(|t| t.name()).collect();
    match all.as_slice() {
        _ if types.is_any() => "any".into(),
        [] => "any".into(),
        [one] => (*one).into(),
        [first, rest @ ..] => format!("{first}+{}", rest.len()),
    }
}

#[cfg(test)]
mod tests {
    use runtime::value::{DataType as T, TypeSet};

    use super::short_type;

    #[test]
    fn port_labels_name_the_type_or_the_first_of_a_union() {
        assert_eq!(short_type(&TypeSet::of(T::Vector)), "Vector");
        assert_eq!(short_type(&TypeSet::union(&[T::OrderedPair, T::Vector])), "OrderedPair+1");
        assert_eq!(short_type(&TypeSet::ANY), "any");
    }
}
