//! IMAGE_SWIRL: scikit-image's swirl.

use super::{IMAGE, PATH, channels, image_of};
use crate::nodes::{NodeDef, Outputs};
use crate::numeric::image::{as_float, clip_warp, linear_mirror};
use crate::spec::NodeSpec;
use crate::value::Matrix;

pub(super) fn image_swirl() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "IMAGE_SWIRL",
            PATH,
            "Swirl an image about its centre (skimage.transform.swirl: bilinear, edges mirrored). The \
             result has values 0–1 (an 8-bit image is divided by 255).",
        )
        .input("default", IMAGE, "The image")
        .output("default", IMAGE, "The swirled image (values 0–1)")
        .float("rotation", 0.0, "Additional rotation (radians)")
        .float("strength", 10.0, "The amount of swirling")
        .float("radius", 120.0, "The extent of the swirl in pixels (it fades to 1/1000 within it)"),
        |ctx| {
            let (ch, _) = channels(ctx)?;
            let img = as_float(&ch);
            let (rows, cols) = (img[0].rows, img[0].cols);
            let (rot, strength) = (ctx.f64("rotation")?, ctx.f64("strength")?);
            let radius = ctx.f64("radius")? / 5.0 * std::f64::consts::LN_2;
            let (x0, y0) = (cols as f64 / 2.0, rows as f64 / 2.0);
            // the source position of each output pixel (_swirl_mapping over (col, row) pairs)
            let src: Vec<(f64, f64)> = (0..rows * cols)
                .map(|i| {
                    let (x, y) = ((i % cols) as f64, (i / cols) as f64);
                    let rho = ((x - x0).powi(2) + (y - y0).powi(2)).sqrt();
                    let theta = rot + strength * (-rho / radius).exp() + (y - y0).atan2(x - x0);
                    (y0 + rho * theta.sin(), x0 + rho * theta.cos())
                })
                .collect();
            let mut out: Vec<Matrix> = img
                .iter()
                .map(|m| Matrix { rows, cols, data: src.iter().map(|&(r, c)| linear_mirror(m, r, c)).collect() })
                .collect();
            clip_warp(&img, &mut out, false);
            Ok(Outputs::one(image_of(out)))
        },
    )
}
