//! BUTTER: a causal Butterworth filter (scipy's butter as sections, applied by sosfilt).

use super::{FILTER_TYPES, OP};
use crate::nodes::{Ctx, NodeDef, NodeResult, Outputs};
use crate::numeric::signal::iir::{butter_sos, sosfilt};
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn butter() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "BUTTER",
            "DSP",
            "Causal Butterworth filter (scipy butter as second-order sections, applied once by sosfilt from a \
             zero state). critical_frequency is a single whole number of Hz, as in Flojoy, so only lowpass and \
             highpass can be designed.",
        )
        .input("default", OP, "The signal to filter")
        .output("default", OP, "x = the input's x, y = the filtered signal")
        .int("filter_order", 1, "The order of the filter")
        .int("critical_frequency", 1, "The cutoff frequency (Hz)")
        .select("btype", FILTER_TYPES, "lowpass", "The type of the filter")
        .int("sample_rate", 10, "Samples per second"),
        run_butter,
    )
}

fn run_butter(ctx: &mut Ctx<'_>) -> NodeResult {
    let (x, y) = ctx.pair("default")?;
    let sos = butter_sos(
        ctx.int("filter_order")?,
        ctx.int("critical_frequency")? as f64,
        ctx.text("btype"),
        ctx.int("sample_rate")? as f64,
    )?;
    Ok(Outputs::one(Value::pair(x.to_vec(), sosfilt(&sos, y))))
}
