//! BAR: bars, with text columns counted (pandas' value_counts).

use super::traces::{Kind, add_traces, plot_layout};
use super::{PLOTLY, PLOTTABLE};
use crate::nodes::{NodeDef, Outputs};
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn bar() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "BAR",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot the input as bars. A DataFrame gives one bar series per column (a date first column \
             becomes the x axis); text columns are counted (pandas value_counts).",
        )
        .input("default", PLOTTABLE, "The data to plot")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let v = ctx.need("default")?;
            let mut fig = plot_layout(Vec::new(), "BAR");
            if !add_traces(&mut fig, Kind::Bar, v, true) {
                ctx.cannot_draw("default", v);
            }
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}
