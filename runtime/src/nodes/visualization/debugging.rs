//! DEBUGGING: DATACONTAINER_TYPE, PRINT_DATACONTAINER (Python's pprint of the container's fields, arrays as numpy prints them) and DC_CONTENT_TYPE.

use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::numeric::array_repr::{np_array_repr, np_object_text_repr};
use crate::numeric::python;
use crate::spec::NodeSpec;
use crate::value::{ColumnData, DataFrame, DataType as T, Matrix, TypeSet, Value};

pub(super) fn datacontainer_type() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("DATACONTAINER_TYPE", "DEBUGGING", "The type of the input DataContainer, as text (e.g. Vector).")
            .input("default", TypeSet::ANY, "Any value")
            .output("default", TypeSet::of(T::String), "The type name"),
        |ctx| Ok(Outputs::one(Value::string(ctx.need("default")?.data_type().name()))),
    )
}

/// One value of the dict as pprint writes it: (repr, is a string to wrap).
enum Item {
    Repr(String),
    Str(String),
}

fn matrix_repr(m: &Matrix) -> String {
    np_array_repr(&m.data, (m.rows, Some(m.cols)))
}

fn vec_repr(v: &[f64]) -> String {
    np_array_repr(v, (v.len(), None))
}

/// An OrderedTriple's or Surface's axis: a float array, or text as an object array.
fn axis_repr(c: &ColumnData) -> String {
    match c {
        ColumnData::Num(v) => vec_repr(v),
        ColumnData::Text(t) => np_object_text_repr(t),
    }
}

/// A short pandas-like text of a DataFrame (pandas' own layout is not reproduced exactly).
fn frame_repr(df: &DataFrame) -> String {
    let n = df.rows();
    let index: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let iw = index.iter().map(String::len).max().unwrap_or(0);
    let cols: Vec<(String, Vec<String>)> =
        df.columns.iter().map(|c| (c.name.clone(), (0..n).map(|i| c.data.cell_text(i)).collect())).collect();
    let widths: Vec<usize> =
        cols.iter().map(|(h, v)| v.iter().map(String::len).chain([h.len()]).max().unwrap_or(0)).collect();
    let mut lines = vec![format!(
        "{}{}",
        " ".repeat(iw),
        cols.iter().zip(&widths).map(|((h, _), w)| format!("  {h:>w$}")).collect::<String>()
    )];
    for (i, idx) in index.iter().enumerate() {
        lines.push(format!(
            "{idx:<iw$}{}",
            cols.iter().zip(&widths).map(|((_, v), w)| format!("  {:>w$}", v[i])).collect::<String>()
        ));
    }
    if df.columns.is_empty() {
        return format!("Empty DataFrame\nColumns: []\nIndex: [{}]", index.join(", "));
    }
    lines.join("\n")
}

fn dc_items(v: &Value) -> Vec<(&'static str, Item)> {
    let none = || Item::Repr("None".into());
    let r = |s: String| Item::Repr(s);
    let mut items = match v {
        Value::OrderedPair { x, y } => vec![("extra", none()), ("x", r(vec_repr(x))), ("y", r(vec_repr(y)))],
        Value::OrderedTriple { x, y, z } => {
            vec![("extra", none()), ("x", r(axis_repr(x))), ("y", r(axis_repr(y))), ("z", r(axis_repr(z)))]
        }
        Value::Surface { x, y, z } => {
            vec![("extra", none()), ("x", r(axis_repr(x))), ("y", r(axis_repr(y))), ("z", r(matrix_repr(z)))]
        }
        Value::Scalar { c } => vec![("c", r(python::float_repr(*c))), ("extra", none())],
        Value::Vector { v } => vec![("extra", none()), ("v", r(vec_repr(v)))],
        Value::Matrix { m } | Value::Grayscale { m } => vec![("extra", none()), ("m", r(matrix_repr(m)))],
        Value::DataFrame { m } => vec![("extra", none()), ("m", r(frame_repr(m)))],
        Value::Image { r: red, g, b, a } => vec![
            ("a", a.as_ref().map_or_else(none, |a| r(matrix_repr(a)))),
            ("b", r(matrix_repr(b))),
            ("extra", none()),
            ("g", r(matrix_repr(g))),
            ("r", r(matrix_repr(red))),
        ],
        Value::Plotly { fig } => vec![("extra", none()), ("fig", r(format!("Figure({})", fig.to_json())))],
        Value::String { s } => vec![("s", Item::Str(s.clone()))],
        Value::Bytes { b } => vec![("b", r(python::bytes_repr(b)))],
        Value::Boolean { b } => vec![("b", r(if *b { "True" } else { "False" }.into()))],
    };
    items.push(("type", Item::Str(v.data_type().name().into())));
    items.sort_by_key(|(k, _)| *k);
    items
}

/// `pprint.pformat(dc.to_dict())`.
fn pformat_dc(v: &Value) -> String {
    let items = dc_items(v);
    let rep = |i: &Item| match i {
        Item::Repr(s) => s.clone(),
        Item::Str(s) => python::str_repr(s),
    };
    let one_line =
        format!("{{{}}}", items.iter().map(|(k, i)| format!("'{k}': {}", rep(i))).collect::<Vec<_>>().join(", "));
    if one_line.chars().count() <= 80 {
        return one_line;
    }
    let last = items.len() - 1;
    let mut out = String::from("{");
    for (n, (k, item)) in items.iter().enumerate() {
        let key = format!("'{k}'");
        out.push_str(&key);
        out.push_str(": ");
        // pprint passes the dict's allowance (1) to its last value and 1 to the others
        let allowance = 1;
        let indent = 1 + key.len() + 2;
        match item {
            Item::Str(s) => out.push_str(&python::pformat_nested_str(s, indent, allowance)),
            Item::Repr(s) => out.push_str(s),
        }
        if n != last {
            out.push_str(",\n ");
        }
    }
    out.push('}');
    out
}

pub(super) fn print_datacontainer() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "PRINT_DATACONTAINER",
            "DEBUGGING",
            "The input DataContainer as text (Python's pprint of its fields, arrays as numpy prints \
             them), in a ``` block; show it with TEXT_VIEW.",
        )
        .input("default", TypeSet::ANY, "Any value")
        .output("default", TypeSet::of(T::String), "The text"),
        |ctx| Ok(Outputs::one(Value::string(format!("```\n{}\n```", pformat_dc(ctx.need("default")?))))),
    )
}

pub(super) fn dc_content_type() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "DC_CONTENT_TYPE",
            "DEBUGGING",
            "The Python types of the input DataContainer's fields, as text (e.g. v: <class 'numpy.ndarray'>).",
        )
        .input("default", TypeSet::ANY, "Any value")
        .output("default", TypeSet::of(T::String), "The field types"),
        |ctx| {
            const ARRAY: &str = "<class 'numpy.ndarray'>";
            let v = ctx.need("default")?;
            let s = match v {
                Value::OrderedPair { .. } => format!("x: {ARRAY}, \ny: {ARRAY}"),
                Value::OrderedTriple { .. } | Value::Surface { .. } => {
                    format!("x: {ARRAY}, \ny: {ARRAY}, \nz: {ARRAY}")
                }
                Value::Vector { .. } => format!("v: {ARRAY}"),
                Value::Matrix { .. } | Value::Grayscale { .. } => format!("m: {ARRAY}"),
                Value::DataFrame { .. } => "m: <class 'pandas.core.frame.DataFrame'>".to_owned(),
                // a Scalar's c is kept as the Python number it was made from (SCALAR gives a float)
                Value::Scalar { .. } => "c: <class 'float'>".to_owned(),
                Value::Image { .. } => format!("r: {ARRAY}, \ng: {ARRAY}, \nb: {ARRAY}"),
                Value::String { .. } => "s: <class 'str'>".to_owned(),
                other => {
                    return Err(NodeError(format!(
                        "Unsupported DC type {}. Please add it to the node.",
                        other.data_type().name()
                    )));
                }
            };
            Ok(Outputs::one(Value::string(s)))
        },
    )
}
