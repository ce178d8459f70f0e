//! GAMMA_ADJUSTMENT and LOGARITHMIC_ADJUSTMENT: skimage.exposure's curves on uint8 images.

use super::{IMAGE, PATH, channels, image_of};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::numeric::array::{is_u8, linspace, np_u8};
use crate::numeric::image::map_channel;
use crate::spec::NodeSpec;
use crate::value::Matrix;

fn need_u8(ch: &[&Matrix]) -> Result<(), NodeError> {
    if ch.iter().all(|m| is_u8(m)) { Ok(()) } else { Err(NodeError::new("Image must be in uint8 format")) }
}

pub(super) fn gamma_adjustment() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "GAMMA_ADJUSTMENT",
            PATH,
            "Gamma correction of an 8-bit image (skimage.exposure.adjust_gamma): out = 255 · gain · \
             (in/255)^gamma, rounded, at most 255. Alpha is adjusted too.",
        )
        .input("default", IMAGE, "The image (8-bit)")
        .output("default", IMAGE, "The adjusted image")
        .float("gain", 1.0, "The constant multiplier")
        .float("gamma", 1.0, "The exponent (0 or more)"),
        |ctx| {
            let (ch, _) = channels(ctx)?;
            need_u8(&ch)?;
            let (gain, gamma) = (ctx.f64("gain")?, ctx.f64("gamma")?);
            if gamma < 0.0 {
                return Err(NodeError::new("Gamma should be a non-negative real number."));
            }
            // lut = min(rint(255 · gain · linspace(0, 1, 256) ** gamma), 255).astype(uint8)
            let lut: Vec<f64> = linspace(0.0, 1.0, 256)
                .into_iter()
                .map(|x| np_u8((255.0 * gain * x.powf(gamma)).round_ties_even().min(255.0)))
                .collect();
            let out = ch.iter().map(|m| map_channel(m, |v| lut[v as usize])).collect();
            Ok(Outputs::one(image_of(out)))
        },
    )
}

pub(super) fn logarithmic_adjustment() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "LOGARITHMIC_ADJUSTMENT",
            PATH,
            "Logarithmic correction of an 8-bit image (skimage.exposure.adjust_log): out = 255 · gain · \
             log2(1 + in/255), or with inv 255 · gain · (2^(in/255) − 1), cut to whole numbers as numpy \
             casts to uint8. Alpha is adjusted too.",
        )
        .input("default", IMAGE, "The image (8-bit)")
        .output("default", IMAGE, "The adjusted image")
        .float("gain", 1.0, "The constant multiplier")
        .bool("inv", false, "Inverse logarithmic correction"),
        |ctx| {
            let (ch, _) = channels(ctx)?;
            need_u8(&ch)?;
            let (gain, inv) = (ctx.f64("gain")?, ctx.bool("inv"));
            let f = |v: f64| {
                let x = v / 255.0;
                np_u8(if inv { (2f64.powf(x) - 1.0) * 255.0 * gain } else { (1.0 + x).log2() * 255.0 * gain })
            };
            let out = ch.iter().map(|m| map_channel(m, f)).collect();
            Ok(Outputs::one(image_of(out)))
        },
    )
}
