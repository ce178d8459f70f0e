//! ROTATE_IMAGE: scikit-image's rotate (bilinear, about the centre).

use super::{IMAGE, PATH, channels, image_of};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::numeric::image::{as_float, bilinear, clip_warp, mat3, rotation, translation};
use crate::spec::NodeSpec;
use crate::value::Matrix;

pub(super) fn rotate_image() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "ROTATE_IMAGE",
            PATH,
            "Rotate an image counter-clockwise about its centre (skimage.transform.rotate, bilinear). With \
             resize the output grows to hold the whole rotated image. The result has values 0–1 (an 8-bit \
             image is divided by 255).",
        )
        .input("default", IMAGE, "The image")
        .output("default", IMAGE, "The rotated image (values 0–1)")
        .float("degrees", 0.0, "The angle, counter-clockwise")
        .bool("resize", true, "Grow the output to fit the rotated image")
        .select(
            "mode",
            &["constant", "edge", "symmetric", "reflect", "wrap"],
            "constant",
            "How to fill outside the image",
        ),
        |ctx| {
            let (ch, _) = channels(ctx)?;
            let img = as_float(&ch);
            let (rows, cols) = (img[0].rows, img[0].cols);
            let mode = match ctx.text("mode") {
                "edge" => b'E',
                "symmetric" => b'S',
                "reflect" => b'R',
                "wrap" => b'W',
                _ => b'C',
            };
            let (cx, cy) = (cols as f64 / 2.0 - 0.5, rows as f64 / 2.0 - 0.5);
            let theta = ctx.f64("degrees")? * (std::f64::consts::PI / 180.0);
            // tform3 + tform2 + tform1 = T(center) · R · T(−center)
            let mut m = mat3(&translation(cx, cy), &mat3(&rotation(theta), &translation(-cx, -cy)));
            let (mut out_rows, mut out_cols) = (rows, cols);
            if ctx.bool("resize") {
                // the corners through the inverse transform, T(center) · R(−θ) · T(−center)
                let inv = mat3(&translation(cx, cy), &mat3(&rotation(-theta), &translation(-cx, -cy)));
                let corners = [
                    (0.0, 0.0),
                    (0.0, rows as f64 - 1.0),
                    (cols as f64 - 1.0, rows as f64 - 1.0),
                    (cols as f64 - 1.0, 0.0),
                ];
                let pts: Vec<(f64, f64)> = corners
                    .iter()
                    .map(|&(x, y)| {
                        (inv[0][0] * x + inv[0][1] * y + inv[0][2], inv[1][0] * x + inv[1][1] * y + inv[1][2])
                    })
                    .collect();
                let minc = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
                let maxc = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
                let minr = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
                let maxr = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
                // np.around: half to even
                out_rows = (maxr - minr + 1.0).round_ties_even().max(0.0) as usize;
                out_cols = (maxc - minc + 1.0).round_ties_even().max(0.0) as usize;
                if out_rows.saturating_mul(out_cols) > crate::nodes::ctx::MAX_COUNT {
                    return Err(NodeError::new("the rotated image is too large"));
                }
                m = mat3(&m, &translation(minc, minr));
            }
            let mut out: Vec<Matrix> = img
                .iter()
                .map(|chan| {
                    let mut data = Vec::with_capacity(out_rows * out_cols);
                    for r in 0..out_rows {
                        for c in 0..out_cols {
                            let (x, y) = (c as f64, r as f64);
                            let sc = m[0][0] * x + m[0][1] * y + m[0][2];
                            let sr = m[1][0] * x + m[1][1] * y + m[1][2];
                            data.push(bilinear(chan, sr, sc, mode));
                        }
                    }
                    Matrix { rows: out_rows, cols: out_cols, data }
                })
                .collect();
            clip_warp(&img, &mut out, mode == b'C');
            Ok(Outputs::one(image_of(out)))
        },
    )
}
