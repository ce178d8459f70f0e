//! FIR: a zero-phase FIR filter (scipy's firwin, applied by filtfilt).

use super::{FILTER_TYPES, OP, WINDOWS, WORK_LIMIT, err};
use crate::nodes::{Ctx, NodeDef, NodeResult, Outputs};
use crate::numeric::signal::fir::{filtfilt_fir, firwin};
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn fir() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "FIR",
            "DSP",
            "Zero-phase FIR filter (scipy firwin with a window, applied forwards and backwards by filtfilt). \
             Lowpass uses cutoff_high, highpass cutoff_low, the band types both. The input needs at least \
             3×taps points; an even number of taps is made odd.",
        )
        .input("default", OP, "The signal to filter")
        .output("default", OP, "x = the input's x, y = the filtered signal")
        .int("sample_rate", 100, "Samples per second")
        .select("filter_type", FILTER_TYPES, "lowpass", "How the filter behaves")
        .select("window", &WINDOWS[1..], "hann", "The window used to design the filter")
        .float("cutoff_low", 10.0, "The lower cutoff frequency (Hz): highpass, bandpass, bandstop")
        .float("cutoff_high", 15.0, "The upper cutoff frequency (Hz): lowpass, bandpass, bandstop")
        .int("taps", 200, "The length of the filter"),
        run_fir,
    )
}

fn run_fir(ctx: &mut Ctx<'_>) -> NodeResult {
    let (x, y) = ctx.pair("default")?;
    let fs = ctx.int("sample_rate")? as f64;
    let filter_type = ctx.text("filter_type");
    let (low, high) = (ctx.f64("cutoff_low")?, ctx.f64("cutoff_high")?);
    let taps = ctx.int("taps")?;
    if (y.len() as i128) < i128::from(taps) * 3 {
        return Err(err(format!(
            "length of the data should be three times longer than taps (got {} points for {taps} taps)",
            y.len()
        )));
    }
    let numtaps = if taps.rem_euclid(2) == 0 { taps + 1 } else { taps };
    if numtaps < 2 {
        return Err(err(format!(
            "parameter 'taps' must be at least 2, got {taps} (scipy's filtfilt needs a filter of 2 or more coefficients)"
        )));
    }
    let numtaps = numtaps as usize;
    if numtaps as f64 * (y.len() + 6 * numtaps) as f64 > WORK_LIMIT {
        return Err(err(format!("{numtaps} taps on {} points is too much work (lower 'taps')", y.len())));
    }
    let cutoff = match filter_type {
        "bandpass" | "bandstop" => vec![low, high],
        "lowpass" => vec![high],
        _ => vec![low],
    };
    let h = firwin(numtaps, &cutoff, filter_type, ctx.text("window"), fs)?;
    Ok(Outputs::one(Value::pair(x.to_vec(), filtfilt_fir(&h, y)?)))
}
