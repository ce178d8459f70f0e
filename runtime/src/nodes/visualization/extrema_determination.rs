//! EXTREMA_DETERMINATION: Flojoy's peak finder for images (COMPUTER_VISION), its three
//! algorithms computed as the block computes them (numeric/extrema.rs), drawn as the block
//! draws them: the grey image with a green marker on each peak, and the blob mask.
//!
//! Where it differs from Flojoy:
//! - "log" with min_dist > 0 merges the blobs pair by pair in sorted order; the block walks
//!   them in the order of Python sets, so where one blob is in several close pairs its result
//!   depends on hash order (see `merge_blobs`).
//! - The LoG responses and the high-symmetry correlation come from our FFTs; they equal scipy's
//!   up to rounding, so a LoG window whose largest values tie exactly (a flat patch of the
//!   image) may pick another of the tied places than scipy's rounding picks.
//! - Values the block cannot use are refused with a message rather than left to fail later or
//!   return nothing: σ or k ≤ 0, max_power < 1, NaN for "persistence", an empty image.
//!
//! As in the block (not its docs): the mask keeps the peaks where it is non-zero (persistence)
//! or bounds the regions (high_symmetry), and "log" ignores it; "persistence" returns a blob
//! mask of zeros; high_symmetry's min_dist compares a peak with the earlier peaks' coordinates
//! swapped; and with min_dist > 0 "log" fails where the block fails (no candidate, or no pair
//! close enough, where the block returns without outputs).

use super::PLOTLY;
use super::image::imshow;
use super::traces::plot_layout;
use crate::nodes::{Ctx, NodeDef, NodeError, Outputs};
use crate::numeric::MAX_COUNT;
use crate::numeric::array::{is_u8, np_extreme, np_sum, np_u8};
use crate::numeric::extrema::{
    autocenter, cross_correlate_masked, divide_background, log_candidates, log_kernel, merge_blobs, persistence,
    threshold_triangle,
};
use crate::numeric::image::{nd_laplace, nd_shift_linear, pil_luma};
use crate::numeric::regions::{area_convex, binary_erosion_disk, ellipse_in, label, region_pixels, weighted_centroid};
use crate::numeric::signal::fft::fftconvolve_same;
use crate::spec::{ListItem, NodeSpec, ParamKind};
use crate::value::{DataType as T, Figure, Matrix, Trace, TypeSet, Value};

pub(super) fn extrema_determination() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "EXTREMA_DETERMINATION",
            "COMPUTER_VISION",
            "Find the peaks (local maxima) of an image and draw them on it. Three algorithms: \"log\" \
             (Laplacian of Gaussian: the squared responses of LoG filters of σ·kⁱ for i < max_power, \
             each pixel's 3 × 3 neighbourhood across all σ giving its strongest place when that reaches \
             'prominence'; discs of half that σ around them, and each connected patch's centre is a \
             peak), \"persistence\" (pixels from the brightest down grow regions; a region's peak \
             counts when it stood out by more than 'prominence' before merging into a brighter one) \
             and \"high_symmetry\" (for diffraction-like images symmetric about 'center': the masked \
             autocorrelation, its Laplacian thresholded by the triangle method, and the centre of \
             each eroded patch; with no center, it is found by registering the image with itself \
             turned by 180°). 'min_dist' merges peaks closer than it. An 8-bit Image is turned grey \
             first (Pillow's L); a Grayscale or Matrix is used as it is.",
        )
        .input(
            "default",
            TypeSet::union(&[T::Image, T::Grayscale, T::Matrix]),
            "The image: an 8-bit RGB(A) Image, a Grayscale or a Matrix",
        )
        .optional_input(
            "image_mask",
            TypeSet::union(&[T::Grayscale, T::Matrix]),
            "Where peaks may be (non-zero; persistence and high_symmetry), the image's shape; none: everywhere",
        )
        .output("fig", PLOTLY, "The image with a marker on each peak")
        .output("blobs", TypeSet::of(T::Grayscale), "1 on the regions around the peaks (log, high_symmetry), else 0")
        .param(
            "center",
            ParamKind::List { item: ListItem::Int },
            serde_json::Value::Null,
            "high_symmetry: the centre of symmetry as row,column; empty: found by autocenter",
        )
        .float("min_dist", 0.0, "Peaks closer than this (pixels) count as one; 0 keeps all")
        .select("algorithm", &["persistence", "high_symmetry", "log"], "log", "The peak finder")
        .float("prominence", 0.0, "log and persistence: how strong a peak must be")
        .float("k", 1.41, "log: the ratio between successive Gaussian widths")
        .float("sigma", 1.0, "log: the first Gaussian width (pixels)")
        .int("max_power", 9, "log: how many Gaussian widths"),
        |ctx| {
            let image = grey_image(ctx)?;
            let mask = match ctx.input("image_mask") {
                None => Matrix { rows: image.rows, cols: image.cols, data: vec![1.0; image.data.len()] },
                Some(Value::Grayscale { m } | Value::Matrix { m }) if m.same_shape(&image) => m.clone(),
                Some(Value::Grayscale { .. } | Value::Matrix { .. }) => {
                    return Err(NodeError::new("Provided mask is not the same shape as the input image."));
                }
                Some(other) => return Err(ctx.wrong_type("image_mask", other)),
            };
            let min_dist = ctx.f64("min_dist")?;
            let (peaks, blobs) = match ctx.text("algorithm") {
                "log" => log(ctx, &image, min_dist)?,
                "persistence" => by_persistence(&image, &mask, min_dist, ctx.f64("prominence")?)?,
                "high_symmetry" => high_symmetry(ctx, &image, &mask, min_dist)?,
                other => {
                    return Err(NodeError(format!(
                        "parameter 'algorithm' must be persistence, high_symmetry or log, got '{other}'"
                    )));
                }
            };
            Ok(Outputs::none()
                .with("fig", Value::Plotly { fig: figure(&image, &peaks) })
                .with("blobs", Value::Grayscale { m: blobs }))
        },
    )
}

/// The block's grey image: an 8-bit Image through Pillow's `convert("L")`; a Grayscale or
/// Matrix as it is.
fn grey_image(ctx: &Ctx) -> Result<Matrix, NodeError> {
    let m = match ctx.need("default")? {
        Value::Image { r, g, b, a } => {
            let mut ch = vec![r, g, b];
            ch.extend(a.as_ref());
            if !ch.iter().all(|m| is_u8(m)) {
                return Err(NodeError::new(
                    "EXTREMA_DETERMINATION needs an 8-bit Image (whole numbers 0–255), as Pillow's fromarray does; \
                     a Grayscale or Matrix may hold any numbers",
                ));
            }
            pil_luma(r, g, b)
        }
        Value::Grayscale { m } | Value::Matrix { m } => m.clone(),
        other => return Err(ctx.wrong_type("default", other)),
    };
    if m.data.is_empty() {
        return Err(NodeError(format!(
            "input 'default' is an empty image ({} × {}): there is nothing to search",
            m.rows, m.cols
        )));
    }
    Ok(m)
}

type Peaks = Vec<(f64, f64)>;

/// "log": the squared LoG responses, the block's scan and merge, a disc of radius σ/2 per
/// blob (drawn, as the block draws it, at (column, row)), and the centroid of each patch of
/// discs as a peak (row, column).
fn log(ctx: &Ctx, image: &Matrix, min_dist: f64) -> Result<(Peaks, Matrix), NodeError> {
    let (k, sigma, prominence) = (ctx.f64("k")?, ctx.f64("sigma")?, ctx.f64("prominence")?);
    let powers = ctx.int("max_power")?;
    if !(sigma.is_finite() && sigma > 0.0 && k.is_finite() && k > 0.0) {
        return Err(NodeError(format!(
            "the log algorithm needs sigma and k above 0 (got sigma {sigma}, k {k}): they set the Gaussians' widths"
        )));
    }
    if powers < 1 {
        return Err(NodeError(format!("parameter 'max_power' must be at least 1 (one Gaussian width), got {powers}")));
    }
    let (h, w) = (image.rows as f64, image.cols as f64);
    if powers as f64 * h * w > MAX_COUNT as f64 {
        return Err(NodeError(format!(
            "max_power {powers} responses of a {} × {} image are too many to hold; lower max_power",
            image.rows, image.cols
        )));
    }
    let radii: Vec<f64> = (0..powers).map(|i| sigma * k.powf(i as f64)).collect();
    let widest = radii.iter().copied().fold(0.0, f64::max);
    let side = (widest * 6.0).ceil() + 2.0;
    if (h + side) * (w + side) > MAX_COUNT as f64 / 4.0 || side.is_nan() {
        return Err(NodeError(format!(
            "the widest Gaussian (σ·k^(max_power−1) = {widest}) needs a filter of {side} × {side} pixels, too \
             large to convolve with a {} × {} image; lower sigma, k or max_power",
            image.rows, image.cols
        )));
    }
    // scipy's FFT convolution spreads a NaN or ∞ anywhere in the image to every response
    let finite = image.data.iter().all(|v| v.is_finite());
    let mut responses = Vec::with_capacity(radii.len());
    for &s in &radii {
        let mut r = if finite {
            fftconvolve_same(image, &log_kernel(s))?
        } else {
            Matrix { rows: image.rows, cols: image.cols, data: vec![f64::NAN; image.data.len()] }
        };
        r.data.iter_mut().for_each(|v| *v *= *v);
        responses.push(r);
    }
    let mut blobs = log_candidates(&responses, &radii, prominence);
    if min_dist > 0.0 {
        blobs = merge_blobs(blobs, min_dist)?;
    }
    let (rows, cols) = (image.rows, image.cols);
    let mut mask = vec![0i64; rows * cols];
    for b in &blobs {
        for (r, c) in ellipse_in(b.col as f64, b.row as f64, b.radius / 2.0, b.radius / 2.0, rows, cols) {
            mask[r * cols + c] = 1;
        }
    }
    let blob_mask: Vec<f64> = mask.iter().map(|&v| v as f64).collect();
    let peaks = region_pixels(&label(&mask, rows, cols))
        .iter()
        .map(|px| weighted_centroid(px, &blob_mask, cols))
        .filter(|p| !(p.0.is_nan() || p.1.is_nan()))
        .collect();
    Ok((peaks, Matrix { rows, cols, data: blob_mask }))
}

/// "persistence": the birth pixels (column, row) of the classes more persistent than
/// `prominence`, each dropped when an earlier one (kept or not) is closer than `min_dist`, and,
/// when the mask is not all ones (its sum differs from the pixel count), those where the mask
/// is zero. The blob mask stays 0.
fn by_persistence(image: &Matrix, mask: &Matrix, min_dist: f64, prominence: f64) -> Result<(Peaks, Matrix), NodeError> {
    if let Some(bad) = image.data.iter().find(|v| !v.is_finite()) {
        return Err(NodeError(format!(
            "input 'default' holds {bad}: the persistence algorithm ranks pixels by value, so every value must be finite"
        )));
    }
    let mut found: Vec<(i64, i64)> = persistence(image)
        .into_iter()
        .filter(|c| c.persistence > prominence)
        .map(|c| (c.birth.1 as i64, c.birth.0 as i64))
        .collect();
    if min_dist > 0.0 {
        let close = |a: (i64, i64), b: (i64, i64)| (((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2)) as f64).sqrt() < min_dist;
        let dropped: Vec<bool> = (0..found.len()).map(|j| (0..j).any(|i| close(found[i], found[j]))).collect();
        found = found.into_iter().zip(dropped).filter(|(_, d)| !d).map(|(p, _)| p).collect();
    }
    if np_sum(&mask.data) != (mask.rows * mask.cols) as f64 {
        found.retain(|&(x, y)| mask.data[y as usize * mask.cols + x as usize] != 0.0);
    }
    let blobs = Matrix { rows: image.rows, cols: image.cols, data: vec![0.0; image.data.len()] };
    Ok((found.into_iter().map(|(x, y)| (x as f64, y as f64)).collect(), blobs))
}

/// "high_symmetry": the block's masked autocorrelation of the flattened image, moved so that
/// `center` (or autocenter's) sits where the image's centre was, its negated Laplacian
/// thresholded (triangle) inside the mask and eroded by a disc of radius 2; each patch's
/// intensity-weighted centre is a peak (column, row) unless closer than `min_dist` to an
/// earlier one (compared, as the block does, with the earlier one's coordinates swapped), and
/// patches smaller than a fifth of the image (convex area) are marked in the blob mask.
fn high_symmetry(ctx: &Ctx, image: &Matrix, mask: &Matrix, min_dist: f64) -> Result<(Peaks, Matrix), NodeError> {
    let center = ctx.int_list("center")?;
    let (cr, cc) = match center[..] {
        [] => autocenter(image, mask)?,
        [r, c] => (r as f64, c as f64),
        _ => {
            return Err(NodeError(format!(
                "parameter 'center' must be two whole numbers, row,column (got {}); leave it empty to find the centre",
                center.len()
            )));
        }
    };
    let (rows, cols) = (image.rows, image.cols);
    let min = np_extreme(&image.data, false)?;
    let im = divide_background(&Matrix { rows, cols, data: image.data.iter().map(|v| v - min).collect() }, 20.0);
    let inside: Vec<bool> = mask.data.iter().map(|&v| v != 0.0).collect();
    let mut autocorr = cross_correlate_masked(&im, &im, &inside, &inside, true)?;
    autocorr.data.iter_mut().for_each(|v| *v = v.abs());
    let moved = nd_shift_linear(&autocorr, cr - rows as f64 / 2.0, cc - cols as f64 / 2.0);
    let laplacian: Vec<f64> = nd_laplace(&moved).data.iter().map(|v| -v).collect();
    let threshold = threshold_triangle(&laplacian)?;
    let regions: Vec<bool> =
        laplacian.iter().zip(&mask.data).map(|(&l, &m)| f64::from(u8::from(l > threshold)) * m != 0.0).collect();
    let eroded = binary_erosion_disk(&regions, rows, cols, 2);
    let labels = label(&eroded.iter().map(|&b| i64::from(b)).collect::<Vec<_>>(), rows, cols);
    let mut blobs = vec![0.0; rows * cols];
    let mut peaks: Peaks = Vec::new();
    for px in region_pixels(&labels) {
        let pos = weighted_centroid(&px, &im.data, cols);
        if pos.0.is_nan() || pos.1.is_nan() {
            continue;
        }
        if peaks.iter().any(|p| ((p.0 - pos.0).powi(2) + (p.1 - pos.1).powi(2)).sqrt() < min_dist) {
            continue;
        }
        if (area_convex(&px) as f64) < 0.2 * (rows * cols) as f64 {
            for &(r, c) in &px {
                blobs[r * cols + c] = 1.0;
            }
        }
        peaks.push((pos.1, pos.0));
    }
    Ok((peaks, Matrix { rows, cols, data: blobs }))
}

/// The block's figure: imshow of `image * 255` as uint8 (numpy wraps and truncates), one green
/// marker per peak at x = its first coordinate, y = its second, the axes' ranges reversed from
/// the row count (x) and the column count (y), as the block sets them.
fn figure(image: &Matrix, peaks: &Peaks) -> Figure {
    let grey =
        Matrix { rows: image.rows, cols: image.cols, data: image.data.iter().map(|v| np_u8(v * 255.0)).collect() };
    let markers = Trace::new("scatter")
        .array("x", peaks.iter().map(|p| p.0).collect())
        .array("y", peaks.iter().map(|p| p.1).collect())
        .attr("mode", "markers")
        .attr("marker", serde_json::json!({"color": "green", "size": 15}))
        .attr("showlegend", false);
    let mut fig =
        plot_layout(vec![imshow(&[&grey, &grey, &grey]), markers], &format!("IMAGE with {} objects", peaks.len()));
    if let Some(x) = fig.layout.get_mut("xaxis").and_then(|a| a.as_object_mut()) {
        x.insert("range".into(), serde_json::json!([image.rows, 0]));
    }
    fig.layout("yaxis", serde_json::json!({"range": [image.cols, 0]}))
}
