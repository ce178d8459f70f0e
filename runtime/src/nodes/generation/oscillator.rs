//! BASIC_OSCILLATOR: a sine or square wave sampled over time.

use super::sine::sine_wave;
use super::{OP, SIMULATIONS};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::numeric::array::linspace;
use crate::numeric::signal::waveform::{sawtooth, square};
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn basic_oscillator() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "BASIC_OSCILLATOR",
            SIMULATIONS,
            "Generate a waveform sampled over time: LINSPACE and SINE in one node. Unlike SINE, the square, \
             triangle and sawtooth shapes use the frequency as given.",
        )
        .output("default", OP, "x = time (numpy.linspace(0, time, sample_rate·time)), y = the waveform")
        .int("sample_rate", 100, "Samples per second")
        .int("time", 10, "Length of the signal in seconds")
        .select("waveform", &["sine", "square", "triangle", "sawtooth"], "sine", "The waveform type")
        .float("amplitude", 1.0, "The amplitude of the wave")
        .float("frequency", 1.0, "The wave frequency in radians/2pi")
        .float("offset", 0.0, "The y axis offset of the function")
        .float("phase", 0.0, "The x axis offset of the function"),
        |ctx| {
            let (rate, time) = (ctx.int("sample_rate")?, ctx.int("time")?);
            let samples = rate.checked_mul(time).unwrap_or(i64::MAX);
            if samples < 0 {
                return Err(NodeError(format!("Number of samples, {samples}, must be non-negative.")));
            }
            let n = usize::try_from(samples).unwrap_or(usize::MAX);
            if n > crate::nodes::ctx::MAX_COUNT {
                return Err(NodeError(format!(
                    "sample_rate × time is too large: {samples} samples (at most {})",
                    crate::nodes::ctx::MAX_COUNT
                )));
            }
            let x = linspace(0.0, time as f64, n);
            let (a, f, off, ph) = (ctx.f64("amplitude")?, ctx.f64("frequency")?, ctx.f64("offset")?, ctx.f64("phase")?);
            let tau = std::f64::consts::TAU;
            let y: Vec<f64> = match ctx.text("waveform") {
                "sine" => sine_wave(&x, a, f, off, ph),
                "square" => x.iter().map(|&t| off + a * square(tau * f * t + ph)).collect(),
                "triangle" => x.iter().map(|&t| off + a * sawtooth(tau * f * t + ph, 0.5)).collect(),
                _ => x.iter().map(|&t| off + a * sawtooth(tau * f * t + ph, 1.0)).collect(),
            };
            Ok(Outputs::one(Value::pair(x, y)))
        },
    )
}
