//! LINE and SCATTER.

use super::traces::{Kind, add_traces, axis_log, axis_title, plot_layout};
use super::{PLOTLY, PLOTTABLE};
use crate::nodes::{NodeDef, Outputs};
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn xy_plot(func: &'static str, doc: &str) -> NodeDef {
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
        let v = ctx.need("default")?;
        let mut fig = plot_layout(Vec::new(), &ctx.spec.func);
        let kind = if line { Kind::Line } else { Kind::Scatter };
        if !add_traces(&mut fig, kind, v, true) {
            return Err(ctx.wrong_type("default", v));
        }
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
