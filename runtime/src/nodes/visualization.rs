//! DATA/VISUALIZATION: nodes that turn data into plotly figures (or text) for the canvas and
//! the dashboard. Traces and layouts follow Flojoy's blocks attribute by attribute, so a
//! figure saved by Flojoy and one made here look the same.

use serde_json::json;

use super::numeric::arange;
use super::{NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{Column, ColumnData, DataFrame, DataType as T, Figure, Trace, TypeSet, Value};

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

/// Flojoy's `plot_layout(title)`: title, autosize, margins t30 r0 b0 l0, `xaxis.type "-"`, empty template.
pub(crate) fn plot_layout(traces: Vec<Trace>, title: &str) -> Figure {
    Figure::new(traces)
        .layout("title", json!({"text": title}))
        .layout("autosize", true)
        .layout("margin", json!({"t": 30, "r": 0, "b": 0, "l": 0}))
        .layout("xaxis", json!({"type": "-"}))
        .layout("template", json!({}))
}

/// `fig.update_layout(xaxis_title=…)`: merges a title into an axis.
pub(crate) fn axis_title(mut fig: Figure, axis: &str, title: &str) -> Figure {
    let a = fig.layout.entry(axis).or_insert_with(|| json!({}));
    if let Some(o) = a.as_object_mut() {
        o.insert("title".into(), json!({"text": title}));
    }
    fig
}

fn axis_log(mut fig: Figure, axis: &str) -> Figure {
    let a = fig.layout.entry(axis).or_insert_with(|| json!({}));
    if let Some(o) = a.as_object_mut() {
        o.insert("type".into(), json!("log"));
    }
    fig
}

/// A text column that holds dates (pandas' `is_datetime64_any_dtype` for our string dates).
pub(crate) fn is_date_column(c: &Column) -> bool {
    match &c.data {
        ColumnData::Text(v) => {
            !v.is_empty()
                && v.iter().all(|s| {
                    let b = s.as_bytes();
                    b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
                })
        }
        ColumnData::Num(_) => false,
    }
}

/// Plotly traces for a DataFrame, one per column, as LINE/SCATTER/BAR draw it: a date first
/// column becomes the x axis of the others, otherwise the row index is.
fn frame_traces(df: &DataFrame, kind: &str, mode: Option<&str>) -> Vec<Trace> {
    let dated = df.columns.first().is_some_and(is_date_column);
    let x_dates = dated.then(|| match &df.columns[0].data {
        ColumnData::Text(v) => json!(v),
        ColumnData::Num(_) => json!([]),
    });
    df.columns
        .iter()
        .skip(usize::from(dated))
        .map(|c| {
            let mut t = Trace::new(kind).attr("name", c.name.clone());
            if let Some(m) = mode {
                t = t.attr("mode", m);
            }
            t = match &x_dates {
                Some(x) => t.attr("x", x.clone()),
                None => t.array("x", arange(df.rows())),
            };
            match &c.data {
                ColumnData::Num(v) => t.array("y", v.clone()),
                ColumnData::Text(v) => t.attr("y", json!(v)),
            }
        })
        .collect()
}

fn xy_plot(func: &'static str, doc: &str) -> NodeDef {
    let mut spec = NodeSpec::new(func, "DATA/VISUALIZATION/PLOTLY", doc)
        .input("default", PLOTTABLE, "The data to plot")
        .output("default", PLOTLY, "The figure");
    if func == "LINE" {
        spec = spec
            .str("xaxis_title", "", "Title of the x axis")
            .str("yaxis_title", "", "Title of the y axis")
            .bool("x_log_scale", false, "Logarithmic x axis")
            .bool("y_log_scale", false, "Logarithmic y axis");
    }
    NodeDef::sync(spec, |ctx| {
        let line = ctx.spec.func == "LINE";
        let mode = if line { "lines" } else { "markers" };
        let small = |t: Trace| if line { t } else { t.attr("marker", json!({"size": 4})) };
        let v = ctx.need("default")?;
        let mut fig = match v {
            Value::OrderedPair { x, y } => plot_layout(
                vec![small(Trace::new("scatter").attr("mode", mode).array("x", x.clone()).array("y", y.clone()))],
                &ctx.spec.func,
            ),
            Value::Vector { v } => plot_layout(
                vec![small(Trace::new("scatter").attr("mode", mode).array("x", arange(v.len())).array("y", v.clone()))],
                &ctx.spec.func,
            ),
            Value::Matrix { m } => {
                let traces = (0..m.rows)
                    .map(|r| {
                        Trace::new("scatter")
                            .attr("name", format!("Row {}", r + 1))
                            .attr("mode", mode)
                            .array("x", arange(m.cols))
                            .array("y", m.row(r).to_vec())
                    })
                    .collect();
                axis_title(axis_title(plot_layout(traces, &ctx.spec.func), "xaxis", "Column"), "yaxis", "Value")
            }
            Value::DataFrame { m } => plot_layout(frame_traces(m, "scatter", Some(mode)), &ctx.spec.func),
            other => return Err(ctx.wrong_type("default", other)),
        };
        if line {
            for (param, axis) in [("xaxis_title", "xaxis"), ("yaxis_title", "yaxis")] {
                if !ctx.text(param).is_empty() {
                    fig = axis_title(fig, axis, ctx.text(param));
                }
            }
            if ctx.bool("x_log_scale") {
                fig = axis_log(fig, "xaxis");
            }
            if ctx.bool("y_log_scale") {
                fig = axis_log(fig, "yaxis");
            }
        }
        Ok(Outputs::one(Value::Plotly { fig }))
    })
}

fn histogram() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "HISTOGRAM",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot how the values are distributed (plotly bins them).",
        )
        .input("default", PLOTTABLE, "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let hist = |v: &[f64]| Trace::new("histogram").array("x", v.to_vec());
            let fig = match ctx.need("default")? {
                Value::OrderedPair { y, .. } => plot_layout(vec![hist(y)], "HISTOGRAM"),
                Value::Vector { v } => plot_layout(vec![hist(v)], "HISTOGRAM"),
                Value::Matrix { m } => plot_layout(vec![hist(&m.data)], "HISTOGRAM"),
                Value::DataFrame { m } => {
                    let traces = m
                        .columns
                        .iter()
                        .map(|c| match &c.data {
                            ColumnData::Num(v) => hist(v).attr("name", c.name.clone()),
                            ColumnData::Text(v) => {
                                Trace::new("histogram").attr("x", json!(v)).attr("name", c.name.clone())
                            }
                        })
                        .collect();
                    axis_title(axis_title(plot_layout(traces, "HISTOGRAM"), "xaxis", "Value"), "yaxis", "Frequency")
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}

/// BIG_NUMBER remembers the previous number of this run for its delta.
#[derive(Default)]
struct Previous(Option<f64>);

fn big_number() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "BIG_NUMBER",
            "DATA/VISUALIZATION/PLOTLY",
            "Show a number large, with its change since the previous value in this run.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Scalar, T::Vector]), "The number (the last y or element)")
        .output("default", PLOTLY, "The figure")
        .str("suffix", "", "Text after the number")
        .str("prefix", "", "Text before the number")
        .str("title", "", "Title (BIG_NUMBER when empty)")
        .int_range(
            "dec_places",
            0,
            Some(0),
            Some(15),
            "Decimal places (Flojoy 2023 files); unused with scientific notation",
        )
        .bool("relative_delta", true, "Show the change as a percentage")
        .bool("scientific_notation", false, "Use scientific notation"),
        |ctx| {
            let big = match ctx.need("default")? {
                Value::OrderedPair { y, .. } => y.last().copied(),
                Value::Scalar { c } => Some(*c),
                Value::Vector { v } => v.last().copied(),
                other => return Err(ctx.wrong_type("default", other)),
            }
            .ok_or_else(|| NodeError::new("the input is empty: there is no number to show"))?;
            let relative = ctx.bool("relative_delta");
            // Flojoy: "%g" (here: the decimal places a 2023 file asks for) or ".4e"
            let format = if ctx.bool("scientific_notation") {
                ".4e".to_owned()
            } else if ctx.opt_f64("dec_places").is_some_and(|d| d > 0.0) {
                format!(".{}f", ctx.count("dec_places")?)
            } else {
                "%g".to_owned()
            };
            let title = match ctx.text("title") {
                "" => "BIG_NUMBER".to_owned(),
                t => t.to_owned(),
            };
            let (prefix, suffix) = (ctx.text("prefix").to_owned(), ctx.text("suffix").to_owned());
            let prev = ctx.memory::<Previous>().0.replace(big);
            let mut trace = Trace::new("indicator")
                .attr("mode", "number+delta")
                .attr("value", big)
                .attr("domain", json!({"y": [0, 1], "x": [0, 1]}))
                .attr("number", json!({"prefix": prefix, "suffix": suffix, "valueformat": format}));
            if let Some(p) = prev {
                let f = if relative { ".1%" } else { ".1f" };
                trace = trace.attr("delta", json!({"reference": p, "relative": relative, "valueformat": f}));
            }
            Ok(Outputs::one(Value::Plotly { fig: plot_layout(vec![trace], &title) }))
        },
    )
    .stateful()
}

fn text_view() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("TEXT_VIEW", "DATA/VISUALIZATION/DATA_STRUCTURE", "Show text (a Boolean shows as True/False).")
            .input("default", TypeSet::union(&[T::String, T::Boolean]), "The text")
            .output("default", TypeSet::of(T::String), "The same text")
            .bool("prettify", false, "Show the text as Python's pprint would (quoted, wrapped at 80 columns)"),
        |ctx| {
            let s = match ctx.need("default")? {
                Value::String { s } if ctx.bool("prettify") => pformat(s),
                Value::String { s } => s.clone(),
                Value::Boolean { b } => if *b { "True" } else { "False" }.to_owned(),
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::string(s)))
        },
    )
}

/// Python's `pprint.pformat` of a string: its repr, split into 80-column chunks when long.
fn pformat(s: &str) -> String {
    let repr = |t: &str| {
        let q = if t.contains('\'') && !t.contains('"') { '"' } else { '\'' };
        let mut out = String::from(q);
        for ch in t.chars() {
            match ch {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c == q => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
        out.push(q);
        out
    };
    let whole = repr(s);
    if whole.chars().count() <= 80 {
        return whole;
    }
    // pprint splits on whitespace boundaries into chunks that fit in 78 columns
    let mut chunks = Vec::new();
    let mut cur = String::new();
    for word in s.split_inclusive(char::is_whitespace) {
        if !cur.is_empty() && repr(&(cur.clone() + word)).chars().count() > 78 {
            chunks.push(repr(&cur));
            cur.clear();
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        chunks.push(repr(&cur));
    }
    format!("({})", chunks.join("\n "))
}
