//! TWO_DIMENSIONAL_FFT: the 2-D spectrum of a matrix or an image.

use crate::nodes::{Ctx, NodeDef, NodeError, Outputs};
use crate::numeric::image::pil_luma;
use crate::numeric::signal::fft::fft2_of_real;
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Matrix, TypeSet, Value};

pub(super) fn two_dimensional_fft() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "TWO_DIMENSIONAL_FFT",
            "DSP",
            "The 2-D Fourier transform (scipy.fft.rfft2, or fft2 when real_signal is off). A Matrix gives \
             the Matrix of the spectrum's real part; a Grayscale or an Image channel (or its grayscale, \
             PIL's L) gives an Image of log10|spectrum| scaled to 0..1 in all three channels.",
        )
        .input("default", TypeSet::union(&[T::Grayscale, T::DataFrame, T::Image, T::Matrix]), "The 2-D data")
        .output("default", TypeSet::union(&[T::Matrix, T::DataFrame, T::Image]), "The spectrum")
        .bool("real_signal", true, "The input is real: keep the one-sided spectrum (rfft2)")
        .select(
            "color",
            &["red", "green", "blue", "grayscale"],
            "red",
            "Which channel of an Image to transform",
        ),
        run,
    )
}

fn run(ctx: &mut Ctx<'_>) -> Result<Outputs, NodeError> {
    let onesided = ctx.bool("real_signal");
    let spectrum = |m: &Matrix| fft2_of_real(&m.data, m.rows, m.cols, onesided);
    let plane = match ctx.need("default")? {
        Value::Matrix { m } => {
            let (z, cols) = spectrum(m)?;
            let data = z.iter().map(|c| c.re).collect();
            return Ok(Outputs::one(Value::Matrix { m: Matrix { rows: m.rows, cols, data } }));
        }
        Value::Grayscale { m } => spectrum(m)?,
        Value::Image { r, g, b, .. } => match ctx.text("color") {
            "green" => spectrum(g)?,
            "blue" => spectrum(b)?,
            "grayscale" => spectrum(&pil_luma(r, g, b))?,
            _ => spectrum(r)?,
        },
        // Flojoy's block builds its result from `fourier.columns`, which the numpy array rfft2
        // returns does not have, so a DataFrame always fails there; here it says so
        Value::DataFrame { .. } => {
            return Err(NodeError::new(
                "TWO_DIMENSIONAL_FFT cannot transform a DataFrame (Flojoy's block fails on one too): convert it \
                 to a Matrix first (DF_2_NP)",
            ));
        }
        other => return Err(ctx.wrong_type("default", other)),
    };
    let (z, cols) = plane;
    // log10|F|, then (x - min) / (max - min) as the block's `extrapolate` does (numpy's min/max)
    let logs: Vec<f64> = z.iter().map(|c| c.norm().log10()).collect();
    let lo = logs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let data: Vec<f64> = logs.iter().map(|x| (x - lo) / (hi - lo)).collect();
    let rows = data.len() / cols;
    let m = Matrix { rows, cols, data };
    Ok(Outputs::one(Value::Image { r: m.clone(), g: m.clone(), b: m, a: None }))
}
