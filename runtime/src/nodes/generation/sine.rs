//! SINE: a sine, square, triangle or sawtooth wave over the input's values.

use super::{OP, OP_VEC};
use crate::nodes::{Ctx, NodeDef, NodeResult, Outputs};
use crate::numeric::signal::waveform::{sawtooth, sin_all, square};
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn sine() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SINE",
            "DATA/GENERATION/SIMULATIONS",
            "Generate a waveform (sine, square, triangle or sawtooth) over the input's values. \
             As in Flojoy, an OrderedPair input is read from its y values, and the non-sine shapes divide the frequency by 10.",
        )
        .input("default", OP_VEC, "The time axis: a Vector, or an OrderedPair (its y is used)")
        .output("default", OP, "x = the input axis, y = the waveform")
        .float("amplitude", 1.0, "The amplitude of the wave")
        .float("frequency", 1.0, "The wave frequency in radians/2pi")
        .float("offset", 0.0, "The y axis offset of the function")
        .float("phase", 0.0, "The x axis offset of the function")
        .select("waveform", &["sine", "square", "triangle", "sawtooth"], "sine", "The waveform type"),
        run_sine,
    )
}

fn run_sine(ctx: &mut Ctx<'_>) -> NodeResult {
    let x: Vec<f64> = match ctx.need("default")? {
        Value::OrderedPair { y, .. } => y.clone(),
        Value::Vector { v } => v.clone(),
        other => return Err(ctx.wrong_type("default", other)),
    };
    let (a, f, off, ph) = (ctx.f64("amplitude")?, ctx.f64("frequency")?, ctx.f64("offset")?, ctx.f64("phase")?);
    let tau = std::f64::consts::TAU;
    let y: Vec<f64> = match ctx.text("waveform") {
        "square" => x.iter().map(|&t| off + a * square(tau * f * t / 10.0 + ph)).collect(),
        "triangle" => x.iter().map(|&t| off + a * sawtooth(tau * f * t / 10.0 + ph, 0.5)).collect(),
        "sawtooth" => x.iter().map(|&t| off + a * sawtooth(tau * f / 10.0 * t + ph, 1.0)).collect(),
        _ => sine_wave(&x, a, f, off, ph),
    };
    Ok(Outputs::one(Value::pair(x, y)))
}

/// `offset + amplitude · sin(2π · frequency · t + phase)` for every t (vectorised `sin_all`).
pub(super) fn sine_wave(t: &[f64], a: f64, f: f64, off: f64, ph: f64) -> Vec<f64> {
    let tau = std::f64::consts::TAU;
    let mut y: Vec<f64> = t.iter().map(|&t| tau * f * t + ph).collect();
    sin_all(&mut y);
    y.iter_mut().for_each(|v| *v = off + a * *v);
    y
}
