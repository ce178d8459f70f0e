//! IMAGE_SMOOTHING: OpenCV's average, Gaussian, median and bilateral blurs.

use super::{IMAGE, PATH, channels, image_of};
use crate::nodes::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::array::is_u8;
use crate::numeric::image::{bilateral, box_blur, gaussian_kernel, map_channel, median_blur, separable};
use crate::spec::NodeSpec;
use crate::value::Matrix;

pub(super) fn image_smoothing() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "IMAGE_SMOOTHING",
            PATH,
            "Smooth an image with OpenCV's filters: average (cv2.blur), gaussian (cv2.GaussianBlur, σ from \
             the kernel size), median (cv2.medianBlur) or bilateral (cv2.bilateralFilter, d = kernel, both \
             sigmas 5·kernel, alpha kept). Gaussian and median need an odd kernel.",
        )
        .input("default", IMAGE, "The image")
        .output("default", IMAGE, "The smoothed image")
        .int("kernel", 5, "The size of the filter (larger = stronger smoothing)")
        .select("smoothing_type", &["average", "gaussian", "median", "bilateral"], "average", "The filter"),
        run_smoothing,
    )
}

fn run_smoothing(ctx: &mut Ctx<'_>) -> NodeResult {
    let (ch, _) = channels(ctx)?;
    let kind = ctx.text("smoothing_type");
    let k = ctx.int("kernel")?;
    if kind != "average" && k % 2 == 0 {
        return Err(NodeError(format!("Kernel must be odd for '{kind}' smoothing.")));
    }
    if k < 1 {
        return Err(NodeError(format!("parameter 'kernel' must be 1 or more, got {k}")));
    }
    let (h, w) = (ch[0].rows, ch[0].cols);
    let k = usize::try_from(k).unwrap_or(usize::MAX);
    if k > 10_000 || (k * k).saturating_mul(h * w) > 4_000_000_000 {
        return Err(NodeError(format!("parameter 'kernel' is too large for this image: {k}")));
    }
    let uint8 = ch.iter().all(|m| is_u8(m));
    let out: Vec<Matrix> = match kind {
        "gaussian" => {
            let kernel = gaussian_kernel(k);
            ch.iter()
                .map(|m| {
                    let s = separable(m, &kernel);
                    // OpenCV's 8-bit Gaussian is fixed point: the exact binomial sum, rounded half up
                    if uint8 { map_channel(&s, |v| (v + 0.5).floor().clamp(0.0, 255.0)) } else { s }
                })
                .collect()
        }
        "median" => {
            if !uint8 && k > 5 {
                return Err(NodeError::new(
                    "median smoothing of a non-8-bit image works only with kernel 3 or 5 (OpenCV's medianBlur)",
                ));
            }
            ch.iter().map(|m| median_blur(m, k)).collect()
        }
        "bilateral" => {
            if !uint8 {
                return Err(NodeError::new(
                    "bilateral smoothing needs an 8-bit image (whole numbers 0–255), as OpenCV's bilateralFilter",
                ));
            }
            // cvtColor(BGRA2BGR) drops the alpha channel, which keeps its input value. (Flojoy fails on
            // an RGB image there, as cvtColor wants four channels; here its three channels are filtered.)
            let mut out = bilateral(&ch[..3], k);
            out.extend(ch.get(3).map(|a| (*a).clone()));
            out
        }
        _ => ch.iter().map(|m| box_blur(m, k, uint8)).collect(),
    };
    Ok(Outputs::one(image_of(out)))
}
