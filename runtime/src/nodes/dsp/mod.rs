//! DSP: spectra, filters and control systems, with scipy's exact definitions (the ports of
//! scipy.signal are in `numeric::signal`).
//!
//! SECOND_ORDER_SYSTEM and WAVEPACKET live in Flojoy's DATA/GENERATION/SIMULATIONS folder but are
//! simulations of the same kind as PID, so they are here.

use super::{Ctx, NodeDef, NodeError};
use crate::value::{DataType as T, TypeSet, Value};

mod butter;
mod fft;
mod fir;
mod peak_detection;
mod pid;
mod savgol;
mod second_order_system;
mod two_dimensional_fft;
mod volt_to_db;
mod wavepacket;

const OP: TypeSet = TypeSet::of(T::OrderedPair);
const SCALAR: TypeSet = TypeSet::of(T::Scalar);
const OP_VEC: TypeSet = TypeSet::union(&[T::OrderedPair, T::Vector]);

/// The windows FFT offers (`none` = no window); FIR offers the same without `none`.
const WINDOWS: &[&str] = &[
    "none",
    "boxcar",
    "triang",
    "blackman",
    "hamming",
    "hann",
    "bartlett",
    "flattop",
    "parzen",
    "bohman",
    "blackmanharris",
    "nuttall",
    "barthann",
    "cosine",
    "exponential",
    "tukey",
    "taylor",
    "lanczos",
];

/// Multiply-adds a filter may take (tens of seconds natively); numpy would crawl there too.
const WORK_LIMIT: f64 = 2e10;

const FILTER_TYPES: &[&str] = &["lowpass", "highpass", "bandpass", "bandstop"];

pub fn nodes() -> Vec<NodeDef> {
    vec![
        fft::fft(),
        fft::ifft(),
        two_dimensional_fft::two_dimensional_fft(),
        fir::fir(),
        butter::butter(),
        savgol::savgol(),
        peak_detection::peak_detection(),
        volt_to_db::volt_to_db(),
        pid::pid(),
        second_order_system::second_order_system(),
        wavepacket::wavepacket(),
    ]
}

fn err(msg: impl Into<String>) -> NodeError {
    NodeError(msg.into())
}

/// The number of a Scalar input (Flojoy reads `.c`, which only a Scalar has).
fn scalar_input(ctx: &Ctx<'_>, name: &str) -> Result<f64, NodeError> {
    match ctx.need(name)? {
        Value::Scalar { c } => Ok(*c),
        other => Err(err(format!(
            "input '{name}' got {}, but {} reads a Scalar's value (c)",
            other.data_type(),
            ctx.spec.func
        ))),
    }
}
