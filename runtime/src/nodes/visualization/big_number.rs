//! BIG_NUMBER: a number shown large, with its change since the previous value in the run.

use serde_json::json;

use super::PLOTLY;
use super::traces::plot_layout;
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Trace, TypeSet, Value};

/// BIG_NUMBER remembers the previous number of this run for its delta.
#[derive(Default)]
struct Previous(Option<f64>);

pub(super) fn big_number() -> NodeDef {
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
