//! DATA/VISUALIZATION: nodes that turn data into plotly figures (or text) for the canvas and
//! the dashboard.

use serde_json::json;

use super::numeric::arange;
use super::{Ctx, NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{ColumnData, DataType as T, Figure, Trace, TypeSet, Value};

const PLOTLY: TypeSet = TypeSet::of(T::Plotly);
const PLOTTABLE: TypeSet = TypeSet::union(&[T::OrderedPair, T::DataFrame, T::Matrix, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        xy_plot("LINE", "Plot the input as lines."),
        xy_plot("SCATTER", "Plot the input as points."),
        histogram(),
        big_number(),
        text_view(),
    ]
}

/// The layout Flojoy's plots share: a title and tight margins.
pub(crate) fn layout(fig: Figure, title: &str) -> Figure {
    fig.layout("title", json!({"text": title}))
        .layout("margin", json!({"t": 40, "l": 40, "r": 20, "b": 40}))
        .layout("autosize", true)
}

/// A named x/y series.
type Series = (Option<String>, Vec<f64>, Vec<f64>);

/// The series of an input, as LINE and SCATTER draw it.
fn series(ctx: &Ctx<'_>, v: &Value) -> Result<Vec<Series>, NodeError> {
    Ok(match v {
        Value::OrderedPair { x, y } => {
            // plotly_utils: if the lengths differ x becomes arange
            let x = if x.len() == y.len() {
                x.clone()
            } else {
                arange(y.len())
            };
            vec![(None, x, y.clone())]
        }
        Value::Vector { v } => vec![(None, arange(v.len()), v.clone())],
        Value::Matrix { m } => (0..m.rows)
            .map(|r| (Some(format!("row {r}")), arange(m.cols), m.row(r).to_vec()))
            .collect(),
        Value::DataFrame { m } => m
            .columns
            .iter()
            .filter_map(|c| match &c.data {
                ColumnData::Num(v) => Some((Some(c.name.clone()), arange(v.len()), v.clone())),
                ColumnData::Text(_) => None,
            })
            .collect(),
        other => return Err(ctx.wrong_type("default", other)),
    })
}

fn xy_plot(func: &'static str, doc: &str) -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(func, "DATA/VISUALIZATION/PLOTLY", doc)
            .input("default", PLOTTABLE, "The data to plot")
            .output("default", PLOTLY, "The figure")
            .str("xaxis_title", "", "Title of the x axis")
            .str("yaxis_title", "", "Title of the y axis")
            .bool("x_log_scale", false, "Logarithmic x axis")
            .bool("y_log_scale", false, "Logarithmic y axis"),
        |ctx| {
            let v = ctx.need("default")?;
            let lines = ctx.spec.func == "LINE";
            let traces = series(ctx, v)?
                .into_iter()
                .map(|(name, x, y)| {
                    let mut t = Trace::new("scatter")
                        .attr("mode", if lines { "lines" } else { "markers" })
                        .array("x", x)
                        .array("y", y);
                    if !lines {
                        t = t.attr("marker", json!({"size": 4}));
                    }
                    if let Some(n) = name {
                        t = t.attr("name", n);
                    }
                    t
                })
                .collect();
            let axis = |title: &str, log: bool| {
                let mut a = json!({"title": {"text": title}});
                if log {
                    a["type"] = json!("log");
                }
                a
            };
            let fig = layout(Figure::new(traces), ctx.label())
                .layout(
                    "xaxis",
                    axis(ctx.text("xaxis_title"), ctx.bool("x_log_scale")),
                )
                .layout(
                    "yaxis",
                    axis(ctx.text("yaxis_title"), ctx.bool("y_log_scale")),
                );
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}

fn histogram() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "HISTOGRAM",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot how the values are distributed.",
        )
        .input("default", PLOTTABLE, "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let v = ctx.need("default")?;
            let traces = match v {
                Value::OrderedPair { y, .. } => vec![Trace::new("histogram").array("x", y.clone())],
                Value::Vector { v } => vec![Trace::new("histogram").array("x", v.clone())],
                Value::Matrix { m } => vec![Trace::new("histogram").array("x", m.data.clone())],
                Value::DataFrame { m } => m
                    .columns
                    .iter()
                    .filter_map(|c| {
                        c.data.as_num().map(|v| {
                            Trace::new("histogram")
                                .attr("name", c.name.clone())
                                .array("x", v.to_vec())
                        })
                    })
                    .collect(),
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::Plotly {
                fig: layout(Figure::new(traces), ctx.label()),
            }))
        },
    )
}

#[derive(Default)]
struct Previous(Option<f64>);

fn big_number() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("BIG_NUMBER", "DATA/VISUALIZATION/PLOTLY", "Show a number large, with its change since the previous value in this run.")
            .input("default", TypeSet::union(&[T::OrderedPair, T::Scalar, T::Vector]), "The number (the last y or element)")
            .output("default", PLOTLY, "The figure")
            .str("suffix", "", "Text after the number")
            .str("prefix", "", "Text before the number")
            .str("title", "", "Title (defaults to the node's label)")
            .int_range("dec_places", 0, Some(0), Some(15), "Decimal places")
            .bool("relative_delta", true, "Show the change as a percentage")
            .bool("scientific_notation", false, "Use scientific notation"),
        |ctx| {
            let v = ctx.need("default")?;
            let value = match v {
                Value::OrderedPair { y, .. } => y.last().copied(),
                Value::Scalar { c } => Some(*c),
                Value::Vector { v } => v.last().copied(),
                other => return Err(ctx.wrong_type("default", other)),
            }
            .ok_or_else(|| NodeError::new("the input is empty: there is no number to show"))?;
            let dec = ctx.count("dec_places")?;
            let fmt = if ctx.bool("scientific_notation") { format!(".{dec}e") } else { format!(".{dec}f") };
            let relative = ctx.bool("relative_delta");
            let title = match ctx.text("title") {
                "" => ctx.label().to_owned(),
                t => t.to_owned(),
            };
            let (prefix, suffix) = (ctx.text("prefix").to_owned(), ctx.text("suffix").to_owned());
            let prev = ctx.memory::<Previous>().0.replace(value);
            let mut trace = Trace::new("indicator")
                .attr("mode", "number+delta")
                .attr("value", value)
                .attr("number", json!({"prefix": prefix, "suffix": suffix, "valueformat": fmt}))
                .attr("title", json!({"text": title}));
            if let Some(p) = prev {
                trace = trace.attr("delta", json!({"reference": p, "relative": relative, "valueformat": if relative { ".1%".to_owned() } else { fmt }}));
            }
            Ok(Outputs::one(Value::Plotly { fig: Figure::new(vec![trace]).layout("margin", json!({"t": 30, "l": 10, "r": 10, "b": 10})) }))
        },
    )
    .stateful()
}

fn text_view() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "TEXT_VIEW",
            "DATA/VISUALIZATION/DATA_STRUCTURE",
            "Show text (a Boolean shows as True/False).",
        )
        .input(
            "default",
            TypeSet::union(&[T::String, T::Boolean]),
            "The text",
        )
        .output("default", TypeSet::of(T::String), "The same text")
        .bool("prettify", false, "Pretty-print JSON text"),
        |ctx| {
            let s = match ctx.need("default")? {
                Value::String { s } => s.clone(),
                Value::Boolean { b } => if *b { "True" } else { "False" }.to_owned(),
                other => return Err(ctx.wrong_type("default", other)),
            };
            let s = if ctx.bool("prettify") {
                serde_json::from_str::<serde_json::Value>(&s)
                    .ok()
                    .and_then(|j| serde_json::to_string_pretty(&j).ok())
                    .unwrap_or(s)
            } else {
                s
            };
            Ok(Outputs::one(Value::string(s)))
        },
    )
}
