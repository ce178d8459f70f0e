//! HISTOGRAM: plotly bins the values.

use super::traces::{Kind, add_traces, plot_layout};
use super::{PLOTLY, PLOTTABLE};
use crate::nodes::{NodeDef, Outputs};
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn histogram() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "HISTOGRAM",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot how the values are distributed (plotly bins them).",
        )
        .input("default", PLOTTABLE, "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let v = ctx.need("default")?;
            let mut fig = plot_layout(Vec::new(), "HISTOGRAM");
            if !add_traces(&mut fig, Kind::Histogram, v, true) {
                ctx.cannot_draw("default", v);
            }
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}
