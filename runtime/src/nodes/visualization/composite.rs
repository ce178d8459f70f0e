//! COMPOSITE: two plots overlaid in one figure.

use super::traces::{Kind, add_traces, plot_layout};
use super::{PLOTLY, PLOTTABLE};
use crate::nodes::{NodeDef, Outputs};
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn composite() -> NodeDef {
    let kinds = &["bar", "line", "histogram", "scatter"];
    NodeDef::sync(
        NodeSpec::new(
            "COMPOSITE",
            "DATA/VISUALIZATION/PLOTLY",
            "Overlay two plots in one figure: the primary input drawn as the first figure type, the \
             secondary as the second (bar, line, histogram or scatter, as those nodes draw them; bars of a \
             DataFrame never use a date column as x).",
        )
        .input("primary_trace", PLOTTABLE, "The data of the first figure")
        .input("secondary_trace", PLOTTABLE, "The data of the second figure")
        .output("default", PLOTLY, "The figure")
        .select("first_figure", kinds, "scatter", "How to draw the primary data")
        .select("second_figure", kinds, "line", "How to draw the secondary data"),
        |ctx| {
            let kind = |name: &str| match name {
                "bar" => Kind::Bar,
                "line" => Kind::Line,
                "histogram" => Kind::Histogram,
                _ => Kind::Scatter,
            };
            let mut fig = plot_layout(Vec::new(), "COMPOSITE");
            for (input, param) in [("primary_trace", "first_figure"), ("secondary_trace", "second_figure")] {
                let v = ctx.need(input)?;
                let k = kind(ctx.text(param));
                // Flojoy's match_figure adds nothing for a type it does not handle
                if !add_traces(&mut fig, k, v, false) {
                    ctx.cannot_draw(input, v);
                }
            }
            // fig.update_layout(autosize=True, height=None, width=None) leaves this layout as it is
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}
