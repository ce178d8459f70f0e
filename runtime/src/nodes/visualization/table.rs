//! TABLE: the data as a plotly table.

use serde_json::{Value as Json, json};

use super::PLOTLY;
use super::traces::{cells_json, column_json, nums, plot_layout};
use crate::nodes::{NodeDef, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Trace, TypeSet, Value};

pub(super) fn table() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "TABLE",
            "DATA/VISUALIZATION/PLOTLY",
            "Show the data as a table: columns x, y (and z), v, or a DataFrame's columns.",
        )
        .input("default", TypeSet::union(&[T::OrderedTriple, T::OrderedPair, T::DataFrame, T::Vector]), "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let center = |headers: Json, cells: Json| {
                Trace::new("table")
                    .attr("header", json!({"values": headers, "align": "center"}))
                    .attr("cells", json!({"values": cells, "align": "center"}))
            };
            let trace = match ctx.need("default")? {
                Value::OrderedPair { x, y } => center(json!(["x", "y"]), json!([nums(x), nums(y)])),
                Value::OrderedTriple { x, y, z } => {
                    center(json!(["x", "y", "z"]), json!([cells_json(x), cells_json(y), cells_json(z)]))
                }
                Value::Vector { v } => center(json!(["v"]), json!([nums(v)])),
                // Flojoy's block also draws a Scalar (its port does not list it)
                Value::Scalar { c } => Trace::new("table")
                    .attr("header", json!({"values": ["Scalar"], "align": "center", "font": {"size": 1}, "height": 0}))
                    .attr("cells", json!({"values": [nums(&[*c])], "align": "center", "font": {"size": 25}})),
                Value::DataFrame { m } => {
                    let names: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
                    center(json!(names), Json::Array(m.columns.iter().map(column_json).collect()))
                }
                other => {
                    ctx.cannot_draw("default", other);
                    return Ok(Outputs::one(Value::Plotly { fig: plot_layout(Vec::new(), "TABLE") }));
                }
            };
            Ok(Outputs::one(Value::Plotly { fig: plot_layout(vec![trace], "TABLE") }))
        },
    )
}
