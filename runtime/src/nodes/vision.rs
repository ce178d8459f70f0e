//! COMPUTER_VISION: image filters, following the libraries Flojoy's blocks call: OpenCV's
//! smoothing filters, Pillow's FIND_EDGES, scikit-image's rotate, swirl and exposure curves.
//!
//! Our channels are f64. Where Flojoy's behaviour depends on numpy's dtype, an image whose values
//! are all whole numbers in 0..=255 stands for a uint8 image (what SKIMAGE and LOCAL_FILE give),
//! any other for a float64 image.

use super::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::array::{is_u8, linspace, np_u8};
use crate::numeric::image::{
    as_float, bilateral, bilinear, box_blur, clip_warp, gaussian_kernel, linear_mirror, map_channel, mat3, median_blur,
    rotation, separable, translation,
};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Matrix, TypeSet, Value};

const PATH: &str = "COMPUTER_VISION";
const IMAGE: TypeSet = TypeSet::of(T::Image);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        image_smoothing(),
        edge_detection(),
        rotate_image(),
        image_swirl(),
        gamma_adjustment(),
        logarithmic_adjustment(),
        channel_split(),
        channel_merge(),
    ]
}

/// The input image's channels: r, g, b and the alpha channel if any.
fn channels<'a>(ctx: &Ctx<'a>) -> Result<(Vec<&'a Matrix>, bool), NodeError> {
    match ctx.need("default")? {
        Value::Image { r, g, b, a } => {
            let mut ch = vec![r, g, b];
            ch.extend(a.as_ref());
            if r.data.is_empty() {
                return Err(NodeError::new("the image is empty"));
            }
            Ok((ch, a.is_some()))
        }
        other => Err(ctx.wrong_type("default", other)),
    }
}

/// An Image from 3 or 4 channels.
fn image_of(mut ch: Vec<Matrix>) -> Value {
    let a = if ch.len() > 3 { ch.pop() } else { None };
    let b = ch.pop().unwrap_or_default();
    let g = ch.pop().unwrap_or_default();
    let r = ch.pop().unwrap_or_default();
    Value::Image { r, g, b, a }
}

// ---------------------------------------------------------------------------------------------
// IMAGE_SMOOTHING (OpenCV)

fn image_smoothing() -> NodeDef {
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

// ---------------------------------------------------------------------------------------------
// EDGE_DETECTION (Pillow)

fn edge_detection() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "EDGE_DETECTION",
            PATH,
            "Find edges: the image in grey (Pillow's L: 0.299 R + 0.587 G + 0.114 B) through Pillow's \
             FIND_EDGES filter (8 × centre − the 8 neighbours, clipped to 0–255; the one-pixel border is \
             kept). Edges are white on r, g and b; alpha is kept.",
        )
        .input("default", IMAGE, "The image (8-bit)")
        .output("default", IMAGE, "The edges"),
        |ctx| {
            let (ch, _) = channels(ctx)?;
            if !ch.iter().all(|m| is_u8(m)) {
                return Err(NodeError::new(
                    "EDGE_DETECTION needs an 8-bit image (whole numbers 0–255), as Pillow's fromarray",
                ));
            }
            let (h, w) = (ch[0].rows, ch[0].cols);
            // Image.convert("L"): (R·19595 + G·38470 + B·7471 + 0x8000) >> 16
            let l: Vec<i64> = (0..h * w)
                .map(|i| {
                    let (r, g, b) = (ch[0].data[i] as i64, ch[1].data[i] as i64, ch[2].data[i] as i64);
                    (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16
                })
                .collect();
            let mut e: Vec<f64> = l.iter().map(|&v| v as f64).collect();
            if h >= 3 && w >= 3 {
                for r in 1..h - 1 {
                    for c in 1..w - 1 {
                        let mut s = 8 * l[r * w + c];
                        for (dr, dc) in [(-1i64, -1i64), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)] {
                            s -= l[(r as i64 + dr) as usize * w + (c as i64 + dc) as usize];
                        }
                        e[r * w + c] = s.clamp(0, 255) as f64;
                    }
                }
            }
            let m = Matrix { rows: h, cols: w, data: e };
            // the RGB result does not split into four channels, so Flojoy's `a` stays the input's
            let mut out = vec![m.clone(), m.clone(), m];
            out.extend(ch.get(3).map(|a| (*a).clone()));
            Ok(Outputs::one(image_of(out)))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// ROTATE_IMAGE and IMAGE_SWIRL (scikit-image warps, bilinear)

fn rotate_image() -> NodeDef {
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
                if out_rows.saturating_mul(out_cols) > super::ctx::MAX_COUNT {
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

fn image_swirl() -> NodeDef {
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

// ---------------------------------------------------------------------------------------------
// GAMMA_ADJUSTMENT and LOGARITHMIC_ADJUSTMENT (skimage.exposure, uint8 images)

fn need_u8(ch: &[&Matrix]) -> Result<(), NodeError> {
    if ch.iter().all(|m| is_u8(m)) { Ok(()) } else { Err(NodeError::new("Image must be in uint8 format")) }
}

fn gamma_adjustment() -> NodeDef {
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

fn logarithmic_adjustment() -> NodeDef {
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

// ---------------------------------------------------------------------------------------------
// CHANNEL_SPLIT and CHANNEL_MERGE

fn channel_split() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "CHANNEL_SPLIT",
            PATH,
            "Split an image into four images, one per channel: r, g and b each alone (the others 0, alpha \
             255), and a with only the alpha channel.",
        )
        .input("default", TypeSet::union(&[T::Image, T::Matrix]), "The image")
        .output("r", IMAGE, "The red channel")
        .output("g", IMAGE, "The green channel")
        .output("b", IMAGE, "The blue channel")
        .output("a", IMAGE, "The alpha channel"),
        |ctx| {
            let (r, g, b, a) = match ctx.need("default")? {
                Value::Image { r, g, b, a } => (r, g, b, a),
                // Flojoy's Matrix branch always ends in this error (its shape test can never pass)
                Value::Matrix { .. } => {
                    return Err(NodeError::new("Input array is not of sensible size to split channels"));
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            let zeros = Matrix::zeros(r.rows, r.cols);
            let ones = Matrix { rows: r.rows, cols: r.cols, data: vec![255.0; r.rows * r.cols] };
            let img = |r: &Matrix, g: &Matrix, b: &Matrix, a: Option<&Matrix>| Value::Image {
                r: r.clone(),
                g: g.clone(),
                b: b.clone(),
                a: a.cloned(),
            };
            Ok(Outputs::none()
                .with("r", img(r, &zeros, &zeros, Some(&ones)))
                .with("g", img(&zeros, g, &zeros, Some(&ones)))
                .with("b", img(&zeros, &zeros, b, Some(&ones)))
                .with("a", img(&zeros, &zeros, &zeros, a.as_ref())))
        },
    )
}

fn channel_merge() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "CHANNEL_MERGE",
            PATH,
            "Merge four single-channel images (as CHANNEL_SPLIT makes them) into one: red's r, green's g, \
             blue's b and alpha's a. Each input must hold only its channel (the others 0, alpha 255).",
        )
        .input("red", IMAGE, "The red channel")
        .input("green", IMAGE, "The green channel")
        .input("blue", IMAGE, "The blue channel")
        .input("alpha", IMAGE, "The alpha channel")
        .output("default", IMAGE, "The merged image"),
        |ctx| {
            let get = |name: &str| -> Result<(&Matrix, &Matrix, &Matrix, Option<&Matrix>), NodeError> {
                match ctx.need(name)? {
                    Value::Image { r, g, b, a } => Ok((r, g, b, a.as_ref())),
                    other => Err(ctx.wrong_type(name, other)),
                }
            };
            let (red, green, blue, alpha) = (get("red")?, get("green")?, get("blue")?, get("alpha")?);
            let shape = (red.0.rows, red.0.cols);
            let is = |m: Option<&Matrix>, v: f64| {
                m.is_some_and(|m| (m.rows, m.cols) == shape && m.data.iter().all(|x| *x == v))
            };
            if !(is(Some(red.1), 0.0) && is(Some(red.2), 0.0) && is(red.3, 255.0)) {
                return Err(NodeError::new("Red input had nonzero values for the other channels."));
            }
            if !(is(Some(blue.0), 0.0) && is(Some(blue.1), 0.0) && is(blue.3, 255.0)) {
                return Err(NodeError::new("Blue input had nonzero values for the other channels."));
            }
            if !(is(Some(green.0), 0.0) && is(Some(green.2), 0.0) && is(green.3, 255.0)) {
                return Err(NodeError::new("Green input had nonzero values for the other channels."));
            }
            // Flojoy checks alpha's r and b (b twice), not its g
            if !(is(Some(alpha.0), 0.0) && is(Some(alpha.2), 0.0)) {
                return Err(NodeError::new("Alpha input had nonzero values for the other channels."));
            }
            Ok(Outputs::one(Value::Image {
                r: red.0.clone(),
                g: green.1.clone(),
                b: blue.2.clone(),
                a: alpha.3.cloned(),
            }))
        },
    )
}
