//! Output panels: a node's last result as a plot (updated in place), a seven-segment display
//! or big number, a table, an image or text.

use leptos::prelude::*;
use runtime::value::Value;

use crate::Editor;
use crate::editor::plot_view::PlotView;
use crate::editor::value_view::ValueView;
use crate::state::dashboard::Panel;
use crate::state::run::Same;

/// A number for a display: a Scalar, or the last value of an array.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Scalar { c } => Some(*c),
        Value::OrderedPair { y, .. } => y.last().copied(),
        Value::Vector { v } => v.last().copied(),
        Value::Boolean { b } => Some(f64::from(u8::from(*b))),
        Value::Plotly { fig } => fig.traces.first().and_then(|t| t.attrs.get("value")).and_then(|v| v.as_f64()),
        _ => None,
    }
}

#[component]
pub fn PanelView(node: String, output: String, panel: Panel) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let key = node.clone();
    let id = Memo::new(move |_| ed.doc.with(|d| d.flow.find_key(&key)));
    let out_name = output.clone();
    let index = Memo::new(move |_| {
        let id = id.get()?;
        ed.doc.with(|d| d.flow.node(id).and_then(|n| n.spec().output_index(&out_name)))
    });
    // the output's last value, compared by identity (a new run gives a new value)
    let value = Memo::new(move |_| {
        let (id, i) = (id.get()?, index.get()?);
        ed.runner()
            .nodes
            .with(|m| m.get(&id).and_then(|r| r.outputs.as_ref()).map(|o| o.0.get(i).cloned().flatten()))?
            .map(Same)
    });
    let figure = Signal::derive(move || value.get());
    let testid = format!("panel-{node}-{output}");
    let waiting = || view! { <p class="muted">"No result yet: run the flow."</p> };
    match panel {
        Panel::Mirror => view! {
            <div class="panel-plot" data-testid=testid.clone()>
                <PlotView figure=figure testid=format!("{testid}-plot")/>
                {move || value.get().is_none().then(waiting)}
            </div>
        }
        .into_any(),
        Panel::SevenSegment | Panel::BigNumber => {
            let class = if panel == Panel::SevenSegment { "seven-segment" } else { "big-number" };
            view! {
                <div class=class data-testid=testid.clone()>
                    {move || match value.get().as_ref().and_then(|v| number(&v.0)) {
                        Some(x) => crate::editor::node::show_value(&serde_json::Value::from(x)),
                        None => "----".into(),
                    }}
                </div>
            }
            .into_any()
        }
        Panel::Table | Panel::Image | Panel::Text => view! {
            <div class="panel-value" data-testid=testid.clone()>
                {let testid = testid.clone(); move || match value.get() {
                    Some(Same(v)) => view! { <ValueView value=v testid=format!("{testid}-value")/> }.into_any(),
                    None => waiting().into_any(),
                }}
            </div>
        }
        .into_any(),
    }
}
