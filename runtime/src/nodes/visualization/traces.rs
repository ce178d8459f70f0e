//! The traces and layouts LINE, SCATTER, HISTOGRAM, BAR and COMPOSITE share: Flojoy's `plot_layout`, axis titles, and the traces each kind of data becomes.

use std::collections::HashMap;

use serde_json::{Value as Json, json};

use crate::numeric::array::arange;
use crate::value::{Column, ColumnData, DataFrame, Figure, Trace, Value};

/// Flojoy's `plot_layout(title)`: title, autosize, margins t30 r0 b0 l0, `xaxis.type "-"`, empty template.
pub(super) fn plot_layout(traces: Vec<Trace>, title: &str) -> Figure {
    Figure::new(traces)
        .layout("title", json!({"text": title}))
        .layout("autosize", true)
        .layout("margin", json!({"t": 30, "r": 0, "b": 0, "l": 0}))
        .layout("xaxis", json!({"type": "-"}))
        .layout("template", json!({}))
}

/// `fig.update_layout(xaxis_title=…)`: merges a title into an axis.
pub(super) fn axis_title(mut fig: Figure, axis: &str, title: &str) -> Figure {
    let a = fig.layout.entry(axis).or_insert_with(|| json!({}));
    if let Some(o) = a.as_object_mut() {
        o.insert("title".into(), json!({"text": title}));
    }
    fig
}

pub(super) fn axis_log(mut fig: Figure, axis: &str) -> Figure {
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

/// A trace kind of LINE/SCATTER/HISTOGRAM/BAR (COMPOSITE's `first_figure`/`second_figure`).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Line,
    Scatter,
    Histogram,
    Bar,
}

fn set_axis_title(fig: &mut Figure, axis: &str, title: &str) {
    let f = std::mem::take(fig);
    *fig = axis_title(f, axis, title);
}

/// A JSON array of numbers (NaN and ±Inf become null, as plotly's encoder writes them).
pub(super) fn nums(v: &[f64]) -> Json {
    Json::Array(v.iter().map(|&x| serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)).collect())
}

pub(super) fn column_json(c: &Column) -> Json {
    cells_json(&c.data)
}

/// A column's or an axis' cells as plotly JSON: numbers (NaN as null) or strings.
pub(super) fn cells_json(c: &ColumnData) -> Json {
    match c {
        ColumnData::Num(v) => nums(v),
        ColumnData::Text(v) => json!(v),
    }
}

/// An array attribute of a trace from an axis: numbers stay a buffer, text is a JSON array of
/// strings, which plotly draws as categories.
pub(super) fn axis_array(t: Trace, key: &str, axis: &ColumnData) -> Trace {
    match axis {
        ColumnData::Num(v) => t.array(key, v.clone()),
        ColumnData::Text(v) => t.attr(key, json!(v)),
    }
}

/// pandas' `value_counts()` of a text column: most frequent first, ties in order of first
/// appearance; missing cells ("" here) are left out, as pandas drops NaN.
pub(super) fn value_counts(cells: &[String]) -> (Vec<String>, Vec<f64>) {
    let mut order: Vec<(&str, usize)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for c in cells.iter().filter(|c| !c.is_empty()) {
        match index.get(c.as_str()) {
            Some(&i) => order[i].1 += 1,
            None => {
                index.insert(c, order.len());
                order.push((c, 1));
            }
        }
    }
    order.sort_by_key(|o| std::cmp::Reverse(o.1));
    (order.iter().map(|(s, _)| (*s).to_owned()).collect(), order.iter().map(|(_, n)| *n as f64).collect())
}

/// Adds the traces Flojoy's block (or COMPOSITE's helper) adds for `v`, with their axis titles.
/// `dated_bars`: BAR looks for a date first column; COMPOSITE's bar helper never does.
/// Returns false for a type the kind cannot draw.
pub(super) fn add_traces(fig: &mut Figure, kind: Kind, v: &Value, dated_bars: bool) -> bool {
    let mode = match kind {
        Kind::Line => "lines",
        _ => "markers",
    };
    let xy = |x: Vec<f64>, y: Vec<f64>| match kind {
        Kind::Line => Trace::new("scatter").array("x", x).array("y", y).attr("mode", "lines"),
        Kind::Scatter => {
            Trace::new("scatter").array("x", x).array("y", y).attr("mode", "markers").attr("marker", json!({"size": 4}))
        }
        Kind::Bar => Trace::new("bar").array("x", x).array("y", y),
        Kind::Histogram => Trace::new("histogram").array("x", y),
    };
    match v {
        Value::OrderedPair { x, y } => fig.traces.push(xy(x.clone(), y.clone())),
        Value::Vector { v } => fig.traces.push(xy(arange(v.len()), v.clone())),
        Value::Matrix { m } => {
            if kind == Kind::Histogram {
                fig.traces.push(Trace::new("histogram").array("x", m.data.clone()));
                return true;
            }
            for r in 0..m.rows {
                let t = match kind {
                    Kind::Bar => Trace::new("bar"),
                    _ => Trace::new("scatter").attr("mode", mode),
                };
                fig.traces.push(
                    t.attr("name", format!("Row {}", r + 1)).array("x", arange(m.cols)).array("y", m.row(r).to_vec()),
                );
            }
            set_axis_title(fig, "xaxis", "Column");
            set_axis_title(fig, "yaxis", "Value");
        }
        Value::DataFrame { m } => match kind {
            Kind::Line | Kind::Scatter => fig.traces.extend(frame_traces(m, "scatter", Some(mode))),
            Kind::Histogram => {
                for c in &m.columns {
                    fig.traces.push(match &c.data {
                        ColumnData::Num(v) => {
                            Trace::new("histogram").array("x", v.clone()).attr("name", c.name.clone())
                        }
                        ColumnData::Text(v) => Trace::new("histogram").attr("x", json!(v)).attr("name", c.name.clone()),
                    });
                }
                set_axis_title(fig, "xaxis", "Value");
                set_axis_title(fig, "yaxis", "Frequency");
            }
            Kind::Bar => {
                if dated_bars && m.columns.first().is_some_and(is_date_column) {
                    fig.traces.extend(frame_traces(m, "bar", None));
                    let first = m.columns[0].name.clone();
                    set_axis_title(fig, "xaxis", &first);
                } else {
                    for c in &m.columns {
                        fig.traces.push(match &c.data {
                            // an object (text) column is counted
                            ColumnData::Text(cells) => {
                                let (labels, counts) = value_counts(cells);
                                Trace::new("bar")
                                    .attr("x", json!(labels))
                                    .array("y", counts)
                                    .attr("name", c.name.clone())
                            }
                            ColumnData::Num(y) => Trace::new("bar")
                                .array("x", arange(m.rows()))
                                .array("y", y.clone())
                                .attr("name", c.name.clone()),
                        });
                    }
                    set_axis_title(fig, "xaxis", "DF index");
                    set_axis_title(fig, "yaxis", "Y Axis");
                }
            }
        },
        _ => return false,
    }
    true
}
