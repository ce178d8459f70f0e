//! FFT and IFFT: scipy.fft's transforms of an OrderedPair's y, and back from FFT's DataFrame.

use rustfft::num_complex::Complex64 as C;

use super::{OP, WINDOWS, err};
use crate::nodes::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::complex::cabs;
use crate::numeric::signal::fft::{fft_of_real, fftfreq, fftshift, inverse_complex_plan, inverse_plan, rfft, rfftfreq};
use crate::numeric::signal::window::get_window;
use crate::spec::NodeSpec;
use crate::value::{DataFrame, DataType as T, TypeSet, Value};

pub(super) fn fft() -> NodeDef {
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

pub(super) fn ifft() -> NodeDef {
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
