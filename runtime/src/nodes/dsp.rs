//! DSP: spectra, filters and control systems, with scipy's exact definitions (the ports of
//! scipy.signal are in `numeric::signal`).
//!
//! SECOND_ORDER_SYSTEM and WAVEPACKET live in Flojoy's DATA/GENERATION/SIMULATIONS folder but are
//! simulations of the same kind as PID, so they are here.

use std::f64::consts::PI;

use rustfft::num_complex::Complex64 as C;
use serde_json::Value as Json;

use super::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::array::linspace;
use crate::numeric::complex::{cabs, cdiv};
use crate::numeric::python::parse_float;
use crate::numeric::signal::fft::{fft_of_real, fftfreq, fftshift, inverse_complex_plan, inverse_plan, rfft, rfftfreq};
use crate::numeric::signal::fir::{filtfilt_fir, firwin};
use crate::numeric::signal::iir::{butter_sos, sosfilt};
use crate::numeric::signal::peaks::{PeakConditions, find_peaks};
use crate::numeric::signal::savgol::savgol_filter;
use crate::numeric::signal::window::get_window;
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataFrame, DataType as T, TypeSet, Value};

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
        fft(),
        ifft(),
        fir(),
        butter(),
        savgol(),
        peak_detection(),
        volt_to_db(),
        pid(),
        second_order_system(),
        wavepacket(),
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

// ---------------------------------------------------------------------------------------------
// numpy arithmetic

// ---------------------------------------------------------------------------------------------
// windows: scipy.signal.get_window

// ---------------------------------------------------------------------------------------------
// FFT / IFFT

fn fft() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "FFT",
            "DSP",
            "Discrete Fourier transform of the input's y values. As in Flojoy, the one-sided frequency axis is \
             fftshift-ed too, so with real_signal on x is not monotonic (it starts at the upper half of the \
             frequencies). With display off, the unwindowed full FFT is returned as a DataFrame {x, frequency, real, imag}.",
        )
        .input("default", OP, "The signal: y over time x")
        .output("default", TypeSet::union(&[T::OrderedPair, T::DataFrame]), "x = frequency, y = |spectrum| (or a DataFrame)")
        .select("window", WINDOWS, "hann", "The window applied before the transform, against spectral leakage")
        .bool("real_signal", true, "Whether the signal is real (one-sided rfft) or complex (full fft)")
        .int("sample_rate", 1, "Samples per second, for the frequency axis")
        .bool("display", true, "True: |spectrum| as an OrderedPair for plotting; false: the raw FFT as a DataFrame"),
        run_fft,
    )
}

fn run_fft(ctx: &mut Ctx<'_>) -> NodeResult {
    let (x, y) = ctx.pair("default")?;
    let sample_rate = ctx.int("sample_rate")?;
    if sample_rate <= 0 {
        return Err(err(format!("Sample rate must be greater than 0 (parameter 'sample_rate' is {sample_rate})")));
    }
    if x.is_empty() || y.is_empty() {
        return Err(err("FFT needs at least one sample (input 'default' is empty)"));
    }
    let real_signal = ctx.bool("real_signal");
    let display = ctx.bool("display");
    let d = 1.0 / sample_rate as f64;
    let n = x.len();
    let frequency = fftshift(if real_signal && display { rfftfreq(n, d) } else { fftfreq(n, d) });
    if display {
        let window = ctx.text("window");
        let sig: Vec<f64> = if window == "none" {
            y.to_vec()
        } else {
            // the windowed signal is y·w, written over the window
            let mut w = get_window(window, y.len(), false)?;
            w.iter_mut().zip(y).for_each(|(w, a)| *w *= a);
            w
        };
        let spectrum = if real_signal { rfft(sig)? } else { fft_of_real(sig)? };
        // |fftshift(spectrum)|, without the shifted copy
        let (back, front) = spectrum.split_at(spectrum.len() - spectrum.len() / 2);
        let mut magnitude = Vec::with_capacity(spectrum.len());
        magnitude.extend(front.iter().map(|c| cabs(*c)));
        magnitude.extend(back.iter().map(|c| cabs(*c)));
        return Ok(Outputs::one(Value::pair(frequency, magnitude)));
    }
    let fourier = fft_of_real(y.to_vec())?;
    if fourier.len() != n {
        return Err(err(format!(
            "with display off, x and y must have the same length to make a DataFrame (got {} x and {} y values)",
            n,
            fourier.len()
        )));
    }
    let df = DataFrame::new(vec![
        DataFrame::num("x", x.to_vec()),
        DataFrame::num("frequency", frequency),
        DataFrame::num("real", fourier.iter().map(|c| c.re).collect()),
        DataFrame::num("imag", fourier.iter().map(|c| c.im).collect()),
    ]);
    Ok(Outputs::one(Value::DataFrame { m: df }))
}

fn ifft() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "IFFT",
            "DSP",
            "Inverse Fourier transform of a DataFrame {x, real, imag} (what FFT gives with display off). \
             With real_signal on this is irfft, whose output has 2·(n−1) points (as in Flojoy, so y may be \
             longer than x); otherwise the real part of the full inverse FFT.",
        )
        .input("default", TypeSet::of(T::DataFrame), "The spectrum: columns x, real and imag")
        .output("default", OP, "x = the DataFrame's x, y = the reconstructed signal")
        .bool("real_signal", true, "Whether the original signal was real (irfft) or complex (ifft)"),
        run_ifft,
    )
}

fn run_ifft(ctx: &mut Ctx<'_>) -> NodeResult {
    let df = match ctx.need("default")? {
        Value::DataFrame { m } => m,
        other => return Err(ctx.wrong_type("default", other)),
    };
    let column = |name: &str| -> Result<&[f64], NodeError> {
        let c = df.column(name).ok_or_else(|| {
            err(format!("the input DataFrame has no column '{name}' (IFFT needs x, real and imag, as FFT gives with display off)"))
        })?;
        c.data.as_num().ok_or_else(|| err(format!("column '{name}' of the input DataFrame must hold numbers")))
    };
    let (x, re, im) = (column("x")?, column("real")?, column("imag")?);
    let spectrum: Vec<C> = re.iter().zip(im).map(|(r, i)| C::new(*r, *i)).collect();
    let y = if ctx.bool("real_signal") {
        let n = 2 * spectrum.len().saturating_sub(1);
        if n == 0 {
            return Err(err(format!(
                "Invalid number of FFT data points ({n}) specified (irfft needs at least 2 frequencies, got {})",
                spectrum.len()
            )));
        }
        let mut input = spectrum;
        let last = input.len() - 1;
        input[0].im = 0.0;
        input[last].im = 0.0;
        let c2r = inverse_plan(n);
        let mut out = c2r.make_output_vec();
        c2r.process(&mut input, &mut out).map_err(|e| err(format!("inverse FFT failed: {e}")))?;
        let fct = 1.0 / n as f64;
        out.iter().map(|v| v * fct).collect()
    } else {
        let n = x.len();
        if n == 0 {
            return Err(err("Invalid number of FFT data points (0) specified (the DataFrame has no rows)"));
        }
        let mut buf: Vec<C> = spectrum.into_iter().chain(std::iter::repeat(C::new(0.0, 0.0))).take(n).collect();
        inverse_complex_plan(n).process(&mut buf);
        let fct = 1.0 / n as f64;
        buf.iter().map(|c| c.re * fct).collect()
    };
    Ok(Outputs::one(Value::pair(x.to_vec(), y)))
}

// ---------------------------------------------------------------------------------------------
// FIR: firwin + filtfilt

fn fir() -> NodeDef {
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

// ---------------------------------------------------------------------------------------------
// BUTTER: butter(output="sos") + sosfilt

fn butter() -> NodeDef {
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

// ---------------------------------------------------------------------------------------------
// SAVGOL

fn savgol() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SAVGOL",
            "DSP",
            "Savitzky-Golay smoothing (scipy savgol_filter, mode 'interp': the ends are fitted with a polynomial). \
             As in Flojoy, a window as long as the input lowers poly_order to len−1, and a poly_order not below \
             the window is lowered to window_length−1.",
        )
        .input("default", OP, "The signal to smooth")
        .output("default", OP, "x = the input's x, y = the smoothed signal")
        .int("window_length", 50, "The length of the filter window (at most the input's length)")
        .int("poly_order", 1, "The order of the fitted polynomial"),
        run_savgol,
    )
}

fn run_savgol(ctx: &mut Ctx<'_>) -> NodeResult {
    let (x, y) = ctx.pair("default")?;
    let window = ctx.int("window_length")?;
    let mut order = ctx.int("poly_order")?;
    let len = y.len() as i64;
    if window >= len {
        ctx.log("Polynomial order is greater than the window size. Using p=w-1...");
        order = len - 1;
    }
    if order >= window {
        ctx.log("Polynomial order is greater than the window size. Using p=w-1...");
        order = window - 1;
    }
    if window < 1 {
        return Err(err(format!("parameter 'window_length' must be at least 1, got {window}")));
    }
    if window > len {
        return Err(err(format!(
            "If mode is 'interp', window_length must be less than or equal to the size of x (window_length {window}, {len} points)"
        )));
    }
    if order < 0 {
        return Err(err(format!("parameter 'poly_order' must be 0 or more, got {order}")));
    }
    let (w, p) = (window as usize, order as usize);
    if ((p + 1) as f64).powi(2) * w as f64 > WORK_LIMIT || w as f64 * len as f64 > WORK_LIMIT {
        return Err(err(format!("window_length {w} with poly_order {p} is too large to fit (lower one of them)")));
    }
    Ok(Outputs::one(Value::pair(x.to_vec(), savgol_filter(y, w, p)?)))
}

// ---------------------------------------------------------------------------------------------
// PEAK_DETECTION: scipy.signal.find_peaks

fn peak_detection() -> NodeDef {
    let text = |spec: NodeSpec, name: &str, doc: &str| spec.param(name, ParamKind::Str, Json::Null, doc);
    let spec = NodeSpec::new(
        "PEAK_DETECTION",
        "DSP",
        "Find the peaks of the input's y (scipy find_peaks). Each condition is a number, or empty for none. \
         As in Flojoy, an empty rel_height is passed to scipy as None, so width needs rel_height set (e.g. 0.5).",
    )
    .input("default", OP, "The data to search")
    .output("default", OP, "x and y of the peaks");
    let spec = text(spec, "height", "Minimal height of a peak");
    let spec = text(spec, "threshold", "Minimal vertical distance of a peak to both its neighbours");
    let spec = text(spec, "distance", "Minimal distance (≥ 1) in samples between peaks; smaller peaks go first");
    let spec = text(spec, "prominence", "Minimal prominence of a peak");
    let spec = text(spec, "width", "Minimal width of a peak in samples");
    let spec = text(spec, "wlen", "Window length (whole number) for the prominences");
    let spec = text(spec, "rel_height", "Relative height at which the width is measured");
    let spec = text(spec, "plateau_size", "Minimal size of the flat top of a peak in samples");
    NodeDef::sync(spec, run_peak_detection)
}

/// A text parameter read as Python's `float(text)`, or None when empty.
fn opt_number(ctx: &Ctx<'_>, name: &str) -> Result<Option<f64>, NodeError> {
    let s = ctx.text(name).trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse_float(s).map(Some).ok_or_else(|| err(format!("parameter '{name}' must be a number or empty, got {s:?}")))
}

fn run_peak_detection(ctx: &mut Ctx<'_>) -> NodeResult {
    let (x, y) = ctx.pair("default")?;
    let wlen = {
        let s = ctx.text("wlen").trim();
        if s.is_empty() {
            None
        } else {
            Some(
                s.parse::<i64>()
                    .map_err(|_| err(format!("parameter 'wlen' must be a whole number or empty, got {s:?}")))?,
            )
        }
    };
    let conditions = PeakConditions {
        height: opt_number(ctx, "height")?,
        threshold: opt_number(ctx, "threshold")?,
        distance: opt_number(ctx, "distance")?,
        prominence: opt_number(ctx, "prominence")?,
        width: opt_number(ctx, "width")?,
        wlen,
        rel_height: opt_number(ctx, "rel_height")?,
        plateau_size: opt_number(ctx, "plateau_size")?,
    };
    let peaks = find_peaks(y, &conditions)?;
    if let Some(&last) = peaks.last()
        && last >= x.len()
    {
        return Err(err(format!("index {last} is out of bounds for x of size {} (x is shorter than y)", x.len())));
    }
    Ok(Outputs::one(Value::pair(peaks.iter().map(|&i| x[i]).collect(), peaks.iter().map(|&i| y[i]).collect())))
}

// ---------------------------------------------------------------------------------------------
// VOLT_TO_DB

fn volt_to_db() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("VOLT_TO_DB", "DSP", "Convert voltages to decibels: 20·log10(v / ref_value).")
            .input("data", OP_VEC, "The voltages (an OrderedPair's y, or a Vector)")
            .output("default", OP_VEC, "The same kind as the input, in dB")
            .param("ref_value", ParamKind::Float { min: None, max: None }, Json::Null, "The reference voltage (0 dB)"),
        |ctx| {
            let r = ctx.f64("ref_value")?;
            let db = |v: &[f64]| -> Vec<f64> { v.iter().map(|v| 20.0 * (v / r).log10()).collect() };
            Ok(Outputs::one(match ctx.need("data")? {
                Value::OrderedPair { x, y } => Value::pair(x.clone(), db(y)),
                Value::Vector { v } => Value::vector(db(v)),
                other => return Err(ctx.wrong_type("data", other)),
            }))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// PID, SECOND_ORDER_SYSTEM, WAVEPACKET: stateful simulations

/// PID's memory ("pid-info"): the running integral and the last three errors.
#[derive(Default)]
struct PidState {
    started: bool,
    integral: f64,
    errors: [f64; 3],
}

fn pid() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "PID",
            "DSP",
            "A discrete PID controller: each run takes the regulation error and returns the control output \
             −(Kp·e + I + 0.1667·Kd·(e − e₃ + 3(e₁ − e₂))), where I accumulates 0.5·Ki·(e + e₁). Keeps its \
             state for the rest of the run (use it in a LOOP).",
        )
        .input("single_input", SCALAR, "The regulation error")
        .output("default", SCALAR, "The control output")
        .float("Kp", 5.0, "The proportional gain")
        .float("Ki", 0.0143, "The integral gain")
        .float("Kd", 356.25, "The derivative gain"),
        |ctx| {
            let e = scalar_input(ctx, "single_input")?;
            let (kp, ki, kd) = (ctx.f64("Kp")?, ctx.f64("Ki")?, ctx.f64("Kd")?);
            let s = ctx.memory::<PidState>();
            let (integral, ep) = if s.started { (s.integral, s.errors) } else { (0.0, [0.0; 3]) };
            let integral = integral + 0.5 * ki * (e + ep[0]);
            let output = -(kp * e + integral + 0.1667 * kd * (e - ep[2] + 3.0 * (ep[0] - ep[1])));
            *s = PidState { started: true, integral, errors: [e, ep[0], ep[1]] };
            Ok(Outputs::one(Value::scalar(output)))
        },
    )
    .stateful()
}

/// SECOND_ORDER_SYSTEM's memory: the last two outputs.
#[derive(Default)]
struct SecondOrderState {
    y1: f64,
    y2: f64,
}

fn second_order_system() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SECOND_ORDER_SYSTEM",
            "DATA/GENERATION/SIMULATIONS",
            "A second-order system driven by the input: y[n] = (1−x₁)(1−x₂)·u + (x₁+x₂)·y[n−1] − x₁x₂·y[n−2], \
             x = e^(−1/d). Keeps its last outputs for the rest of the run (use it in a LOOP with PID). \
             Flojoy declares its output an OrderedPair but returns a Scalar.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Vector, T::Scalar]), "The drive u (a Scalar)")
        .output("default", TypeSet::union(&[T::OrderedPair, T::Scalar]), "The latest response, a Scalar")
        .float("d1", 250.0, "The first time constant")
        .float("d2", 100.0, "The second time constant"),
        |ctx| {
            let u = scalar_input(ctx, "default")?;
            let (d1, d2) = (ctx.f64("d1")?, ctx.f64("d2")?);
            let x1 = if d1 > 0.0 { (-1.0 / d1).exp() } else { 0.0 };
            let x2 = if d2 > 0.0 { (-1.0 / d2).exp() } else { 0.0 };
            let (ac, bpd, bd) = ((1.0 - x1) * (1.0 - x2), x1 + x2, x1 * x2);
            let s = ctx.memory::<SecondOrderState>();
            let response = ac * u + bpd * s.y1 - bd * s.y2;
            *s = SecondOrderState { y1: response, y2: s.y1 };
            Ok(Outputs::one(Value::scalar(response)))
        },
    )
    .stateful()
}

/// WAVEPACKET's memory: the wave function after the last step.
#[derive(Default)]
struct WavepacketState {
    psi: Option<Vec<C>>,
}

fn wavepacket() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "WAVEPACKET",
            "DATA/GENERATION/SIMULATIONS",
            "A 1D Gaussian wave packet in a box (1000 grid points), advanced by one Crank-Nicolson step of the \
             Schrödinger equation per run; the state is kept for the rest of the run (use it in a LOOP).",
        )
        .optional_input("default", OP, "Optional: only triggers the node")
        .output("default", OP, "x = the grid, y = |ψ|")
        .float("L_box", 20.0, "The width of the box in Bohr lengths")
        .float("center", 0.0, "The center of the initial wave packet")
        .float("momentum", 5.0, "The momentum of the initial wave packet")
        .float("sigma", 1.0, "The width of the initial wave packet")
        .float("dt", 0.2, "The time step in atomic units (1 a.u. = 24.188 as)"),
        run_wavepacket,
    )
    .stateful()
}

fn run_wavepacket(ctx: &mut Ctx<'_>) -> NodeResult {
    let (l_box, center, momentum, sigma, dt) =
        (ctx.f64("L_box")?, ctx.f64("center")?, ctx.f64("momentum")?, ctx.f64("sigma")?, ctx.f64("dt")?);
    let xmin = -l_box / 2.0;
    let x = linspace(xmin, xmin + l_box, 1000);
    let state = ctx.memory::<WavepacketState>();
    let psi = match state.psi.take() {
        Some(psi) => psi,
        None => {
            let norm = (1.0 / PI.sqrt() / sigma).sqrt();
            x.iter()
                .map(|xi| {
                    let d = xi - center;
                    let g = norm * (-(d * d) / 2.0 / (sigma * sigma)).exp();
                    let phase = momentum * d;
                    C::new(phase.cos() * g, phase.sin() * g)
                })
                .collect()
        }
    };
    let next = crank_nicolson(&psi, x[1] - x[0], dt);
    let y = next.iter().map(|c| c.norm()).collect();
    state.psi = Some(next);
    Ok(Outputs::one(Value::pair(x, y)))
}

/// One Crank-Nicolson step with zero potential: (I + iΔt/2·T) ψ' = (I − iΔt/2·T) ψ, T the
/// kinetic operator −½ d²/dx² (tridiagonal). scipy factors U2 with SuperLU; U2 is strictly
/// diagonally dominant, so the Thomas algorithm (no pivoting) solves the same system.
fn crank_nicolson(psi: &[C], dx: f64, dt: f64) -> Vec<C> {
    let n = psi.len();
    let tc = -1.0 / 2.0 / (dx * dx);
    let h = 0.5 * dt;
    let (hd, ho) = (tc * -2.0 * h, tc * h);
    let (d2, o2) = (C::new(1.0, hd), C::new(0.0, ho));
    let (d1, o1) = (C::new(1.0, -hd), C::new(0.0, -ho));
    let mut b: Vec<C> = (0..n)
        .map(|i| {
            let mut s = C::new(0.0, 0.0);
            if i > 0 {
                s += o1 * psi[i - 1];
            }
            s += d1 * psi[i];
            if i + 1 < n {
                s += o1 * psi[i + 1];
            }
            s
        })
        .collect();
    let mut cp = vec![C::new(0.0, 0.0); n];
    let mut m = d2;
    for i in 0..n {
        if i > 0 {
            m = d2 - o2 * cp[i - 1];
            let prev = b[i - 1];
            b[i] -= o2 * prev;
        }
        cp[i] = cdiv(o2, m);
        b[i] = cdiv(b[i], m);
    }
    for i in (0..n.saturating_sub(1)).rev() {
        let next = b[i + 1];
        b[i] -= cp[i] * next;
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_machines_recur() {
        let mut s = SecondOrderState::default();
        let (x1, x2) = ((-1.0f64 / 250.0).exp(), (-1.0f64 / 100.0).exp());
        let ac = (1.0 - x1) * (1.0 - x2);
        for _ in 0..3 {
            let r = ac * 1.0 + (x1 + x2) * s.y1 - x1 * x2 * s.y2;
            s = SecondOrderState { y1: r, y2: s.y1 };
        }
        assert!(s.y1 > 0.0 && s.y1 < 1.0);
    }
}
