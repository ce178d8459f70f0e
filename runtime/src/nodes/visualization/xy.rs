//! LINE and SCATTER.

use super::traces::{Kind, add_traces, axis_log, axis_title, plot_layout};
use super::{PLOTLY, PLOTTABLE};
use crate::nodes::{Ctx, NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{Figure, Value};

pub(super) fn line() -> NodeDef {
    let spec = plot_spec("LINE", "Plot the input as lines.")
        .str("xaxis_title", "", "Title of the x axis")
        .str("yaxis_title", "", "Title of the y axis")
        .bool("x_log_scale", false, "Logarithmic x axis")
        .bool("y_log_scale", false, "Logarithmic y axis");
    NodeDef::sync(spec, |ctx| {
        let mut fig = xy_figure(ctx, Kind::Line)?;
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
        Ok(Outputs::one(Value::Plotly { fig }))
    })
}

pub(super) fn scatter() -> NodeDef {
    NodeDef::sync(plot_spec("SCATTER", "Plot the input as points."), |ctx| {
        Ok(Outputs::one(Value::Plotly { fig: xy_figure(ctx, Kind::Scatter)? }))
    })
}

fn plot_spec(func: &str, doc: &str) -> NodeSpec {
    NodeSpec::new(func, "DATA/VISUALIZATION/PLOTLY", doc).input("default", PLOTTABLE, "The data to plot").output(
        "default",
        PLOTLY,
        "The figure",
    )
}

/// The figure of the input drawn as `kind`, titled with the node's name.
fn xy_figure(ctx: &mut Ctx<'_>, kind: Kind) -> Result<Figure, NodeError> {
    let v = ctx.need("default")?;
    let mut fig = plot_layout(Vec::new(), &ctx.spec.func);
    if !add_traces(&mut fig, kind, v, true) {
        ctx.cannot_draw("default", v);
    }
    Ok(fig)
}
