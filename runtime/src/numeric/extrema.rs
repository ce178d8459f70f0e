//! The peak finders of Flojoy's EXTREMA_DETERMINATION block (COMPUTER_VISION), ported from the
//! block's code: its Laplacian-of-Gaussian scan with the `min_dist` merge of blobs, the
//! 0-dimensional persistence of the pixels (its union-find over 8-neighbours), and the
//! pieces of its high-symmetry search that come from scikit-image: the masked normalised
//! cross-correlation, the masked phase registration, the triangle threshold, and the block's
//! own `autocenter`.

use std::cmp::Ordering;

use super::array::{np_extreme, np_sum};
use super::histogram::histogram_n;
use super::image::{nan_to_num, nd_gaussian_filter};
use super::signal::fft::{fast_len, irfft2, rfft2_padded};
use crate::error::NodeError;
use crate::value::Matrix;

// ---- Laplacian of Gaussian ----

/// The block's `laplacian_of_gaussian(sigma)`: with n = ⌈6σ⌉, the grid ⌊−n/2⌋ … ⌊n/2⌋ on both
/// axes (one sample longer below 0 than above when n is odd, as Python's `//` floors) and on
/// it `(x² + y² − 2σ²) · e^(−x²/2σ²) · e^(−y²/2σ²) / (2πσ⁴)`.
pub fn log_kernel(sigma: f64) -> Matrix {
    let n = (sigma * 6.0).ceil();
    let (lo, hi) = ((-n / 2.0).floor(), (n / 2.0).floor() + 1.0);
    let len = if hi > lo { (hi - lo) as usize } else { 0 };
    let axis: Vec<f64> = (0..len).map(|i| lo + i as f64).collect();
    let filter: Vec<f64> = axis.iter().map(|v| (-(v * v / (2.0 * sigma * sigma))).exp()).collect();
    let scale = 1.0 / (2.0 * std::f64::consts::PI * sigma.powf(4.0));
    let mut data = Vec::with_capacity(len * len);
    for (y, fy) in axis.iter().zip(&filter) {
        for (x, fx) in axis.iter().zip(&filter) {
            data.push((-(2.0 * sigma.powf(2.0)) + (x * x + y * y)) * (fx * fy) * scale);
        }
    }
    Matrix { rows: len, cols: len, data }
}

/// A candidate blob of the LoG scan: its pixel and the σ of the response that won there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Blob {
    pub row: i64,
    pub col: i64,
    pub radius: f64,
}

/// The block's scan of the squared LoG responses (`responses[z]`, one per σ_z = `radii[z]`):
/// for every pixel (i, j) with i, j ≥ 1, the window of rows i−1…i+1 and columns j−1…j+1 (cut
/// at the far edges) across all σ; when its largest value is at least `prominence` (a NaN in
/// the window never is), the first place holding it (σ first, then row, then column) is a
/// candidate. The block keeps them in a Python set; here they are distinct and sorted by
/// (row, column, σ).
pub fn log_candidates(responses: &[Matrix], radii: &[f64], prominence: f64) -> Vec<Blob> {
    let Some(first) = responses.first() else { return Vec::new() };
    let (h, w) = (first.rows, first.cols);
    let mut found: Vec<(i64, i64, usize)> = Vec::new();
    for i in 1..h {
        for j in 1..w {
            let mut best: Option<(f64, usize, usize, usize)> = None;
            let mut nan = false;
            for (z, m) in responses.iter().enumerate() {
                for r in i - 1..(i + 2).min(h) {
                    for c in j - 1..(j + 2).min(w) {
                        let v = m.data[r * w + c];
                        nan |= v.is_nan();
                        if best.is_none_or(|b| v > b.0) {
                            best = Some((v, z, r, c));
                        }
                    }
                }
            }
            if let Some((_, z, r, c)) = best.filter(|b| !nan && b.0 >= prominence) {
                found.push((r as i64, c as i64, z));
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found.into_iter().map(|(row, col, z)| Blob { row, col, radius: radii[z] }).collect()
}

/// The block's `min_dist` merge of LoG blobs: the pairs no farther apart than 2√2 times the
/// largest σ (scipy's `cKDTree.query_pairs`), and of each pair closer than `min_dist` the one
/// with the smaller σ (on a tie the first) gets σ 0 and is dropped. The block walks the pairs in
/// the order of a Python set of index pairs over candidates in a set's order; here the pairs
/// go in sorted order over the sorted candidates, which gives the block's result whenever no
/// blob is in two pairs that drop something (where it is, the block's own result depends on
/// Python's hash order).
///
/// Errors as the block fails: no candidate (`IndexError`), or no pair within reach (its
/// `return candidates` leaves the function without outputs).
pub fn merge_blobs(mut blobs: Vec<Blob>, min_dist: f64) -> Result<Vec<Blob>, NodeError> {
    let Some(largest) = blobs.iter().map(|b| b.radius).reduce(f64::max) else {
        return Err(NodeError::new(
            "no candidate peak reaches 'prominence', and with min_dist > 0 Flojoy's block then fails \
             (IndexError: too many indices for array); lower 'prominence' or set min_dist to 0",
        ));
    };
    let reach = 2.0 * largest * 2f64.sqrt();
    let d2 = |a: &Blob, b: &Blob| ((a.row - b.row).pow(2) + (a.col - b.col).pow(2)) as f64;
    let mut pairs = Vec::new();
    for i in 0..blobs.len() {
        for j in i + 1..blobs.len() {
            if d2(&blobs[i], &blobs[j]) <= reach * reach {
                pairs.push((i, j));
            }
        }
    }
    if pairs.is_empty() {
        return Err(NodeError(format!(
            "no two candidate peaks are within {reach} pixels (2√2 × the largest σ), and then Flojoy's \
             block returns its candidates instead of its outputs (a bug in the block), so it fails; \
             set min_dist to 0: no peaks are close enough to merge"
        )));
    }
    for (i, j) in pairs {
        if d2(&blobs[i], &blobs[j]).sqrt() < min_dist {
            if blobs[i].radius > blobs[j].radius {
                blobs[j].radius = 0.0;
            } else {
                blobs[i].radius = 0.0;
            }
        }
    }
    blobs.retain(|b| b.radius > 0.0);
    Ok(blobs)
}

// ---- persistence ----

/// One homology class of the block's `Persistence`: where it was born, the value there, its
/// persistence, and the pixel where it merged into an older class (none for the oldest).
#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub birth: (usize, usize),
    pub level: f64,
    pub persistence: f64,
    pub death: Option<(usize, usize)>,
}

/// The block's `Persistence(image).persistence`: pixels from the highest value down (a stable
/// sort, so equal values in raster order) join the classes of their processed 8-neighbours
/// (union-find, the earliest-born root heading each merged set); when a pixel joins several,
/// all but the one with the highest birth value (ties: the larger (row, column)) die there
/// with persistence `birth value − pixel value`. The oldest class keeps its own value as its
/// persistence. Sorted by persistence, highest first, ties in order of death.
///
/// Needs finite values (Python's sort has no order for NaN).
pub fn persistence(m: &Matrix) -> Vec<Class> {
    let (h, w) = (m.rows, m.cols);
    // Python's comparisons (−0.0 equals 0.0); the values are finite
    let cmp = |a: f64, b: f64| a.partial_cmp(&b).unwrap_or(Ordering::Equal);
    let mut order: Vec<usize> = (0..h * w).collect();
    order.sort_by(|&a, &b| cmp(m.data[b], m.data[a]));
    let mut parent: Vec<usize> = (0..h * w).collect();
    let mut weight = vec![i64::MIN; h * w];
    let mut added = vec![false; h * w];
    let mut class_of: Vec<Option<usize>> = vec![None; h * w];
    let mut classes: Vec<Class> = Vec::new();
    fn find(parent: &mut [usize], p: usize) -> usize {
        let mut root = p;
        while parent[root] != root {
            root = parent[root];
        }
        let mut q = p;
        while parent[q] != root {
            let next = parent[q];
            parent[q] = root;
            q = next;
        }
        root
    }
    let pos = |p: usize| (p / w, p % w);
    for (i, &p) in order.iter().enumerate() {
        let v = m.data[p];
        let (y, x) = (p / w, p % w);
        let mut roots: Vec<usize> = Vec::new();
        for dx in [-1i64, 0, 1] {
            for dy in [-1i64, 0, 1] {
                let (ny, nx) = (y as i64 + dy, x as i64 + dx);
                if ny < 0 || nx < 0 || ny >= h as i64 || nx >= w as i64 || (dy == 0 && dx == 0) {
                    continue;
                }
                let q = ny as usize * w + nx as usize;
                if added[q] {
                    let r = find(&mut parent, q);
                    if !roots.contains(&r) {
                        roots.push(r);
                    }
                }
            }
        }
        // by (birth value, (row, column)), highest first
        roots.sort_by(|&a, &b| cmp(m.data[b], m.data[a]).then(pos(b).cmp(&pos(a))));
        if i == 0 {
            class_of[p] = Some(classes.len());
            classes.push(Class { birth: pos(p), level: v, persistence: v, death: None });
        }
        added[p] = true;
        weight[p] = -(i as i64);
        let union = |parent: &mut [usize], a: usize, b: usize| {
            let (ra, rb) = (find(parent, a), find(parent, b));
            let heaviest = if (weight[ra], ra) >= (weight[rb], rb) { ra } else { rb };
            for r in [ra, rb] {
                if r != heaviest {
                    parent[r] = heaviest;
                }
            }
        };
        if let Some(&oldp) = roots.first() {
            union(&mut parent, oldp, p);
            for &q in &roots[1..] {
                let root = find(&mut parent, q);
                if class_of[root].is_none() {
                    let bl = m.data[q];
                    class_of[root] = Some(classes.len());
                    classes.push(Class { birth: pos(root), level: bl, persistence: bl - v, death: Some(pos(p)) });
                }
                union(&mut parent, oldp, q);
            }
        }
    }
    // Python's sort(reverse=True) is stable: equal persistences keep their order
    classes.sort_by(|a, b| cmp(b.persistence, a.persistence));
    classes
}

// ---- high symmetry (scikit-image's registration and thresholds) ----

/// `skimage.registration._masked_phase_cross_correlation.cross_correlate_masked(fixed, moving,
/// fixed_mask, moving_mask, mode, overlap_ratio=0.3)` on 2-D arrays: the masked normalised
/// cross-correlation (Padfield's), by FFT. `same` cuts the full result to `fixed`'s shape
/// about its centre. Masks are "non-zero".
pub fn cross_correlate_masked(
    fixed: &Matrix,
    moving: &Matrix,
    fixed_mask: &[bool],
    moving_mask: &[bool],
    same: bool,
) -> Result<Matrix, NodeError> {
    let (h1, w1, h2, w2) = (fixed.rows, fixed.cols, moving.rows, moving.cols);
    if h1 == 0 || w1 == 0 || h2 == 0 || w2 == 0 {
        return Err(NodeError::new("the masked cross-correlation needs images of at least 1 × 1 pixels"));
    }
    let (fh, fw) = (h1 + h2 - 1, w1 + w2 - 1);
    let (ph, pw) = (fast_len(fh), fast_len(fw));
    let masked = |m: &Matrix, mask: &[bool]| -> Vec<f64> {
        m.data.iter().zip(mask).map(|(&v, &k)| if k { v } else { 0.0 }).collect()
    };
    let fixed_image = masked(fixed, fixed_mask);
    let mut rotated_moving = masked(moving, moving_mask);
    rotated_moving.reverse();
    let fixed_mask_f: Vec<f64> = fixed_mask.iter().map(|&k| f64::from(u8::from(k))).collect();
    let rotated_mask_f: Vec<f64> = moving_mask.iter().rev().map(|&k| f64::from(u8::from(k))).collect();
    let fft = |d: &[f64], h: usize, w: usize| rfft2_padded(d, h, w, ph, pw);
    let product = |a: &[rustfft::num_complex::Complex64], b: &[rustfft::num_complex::Complex64]| {
        irfft2(a.iter().zip(b).map(|(x, y)| x * y).collect(), ph, pw)
    };
    let fixed_fft = fft(&fixed_image, h1, w1)?;
    let rotated_moving_fft = fft(&rotated_moving, h2, w2)?;
    let fixed_mask_fft = fft(&fixed_mask_f, h1, w1)?;
    let rotated_mask_fft = fft(&rotated_mask_f, h2, w2)?;
    let eps = f64::EPSILON;
    let overlap: Vec<f64> =
        product(&rotated_mask_fft, &fixed_mask_fft)?.into_iter().map(|v| v.round_ties_even().max(eps)).collect();
    let mcf = product(&rotated_mask_fft, &fixed_fft)?;
    let mcm = product(&fixed_mask_fft, &rotated_moving_fft)?;
    let numerator = product(&rotated_moving_fft, &fixed_fft)?;
    let square = |d: &[f64]| d.iter().map(|v| v * v).collect::<Vec<f64>>();
    let fixed_sq = product(&rotated_mask_fft, &fft(&square(&fixed_image), h1, w1)?)?;
    let moving_sq = product(&fixed_mask_fft, &fft(&square(&rotated_moving), h2, w2)?)?;
    // the full result's window (or its centre, for "same")
    let (oh, ow, r0, c0) = if same { (h1, w1, (fh - h1) / 2, (fw - w1) / 2) } else { (fh, fw, 0, 0) };
    let n = oh * ow;
    let (mut num, mut den, mut ovl) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for r in r0..r0 + oh {
        for c in c0..c0 + ow {
            let k = r * pw + c;
            let o = overlap[k];
            num.push(numerator[k] - mcf[k] * mcm[k] / o);
            let fd = (fixed_sq[k] - mcf[k] * mcf[k] / o).max(0.0);
            let md = (moving_sq[k] - mcm[k] * mcm[k] / o).max(0.0);
            den.push((fd * md).sqrt());
            ovl.push(o);
        }
    }
    let tol = 1e3 * eps * np_extreme(&den.iter().map(|d| d.abs()).collect::<Vec<f64>>(), true)?;
    let threshold = 0.3 * np_extreme(&ovl, true)?;
    let data = (0..n)
        .map(|k| {
            let v = if den[k] > tol { (num[k] / den[k]).clamp(-1.0, 1.0) } else { 0.0 };
            if ovl[k] < threshold { 0.0 } else { v }
        })
        .collect();
    Ok(Matrix { rows: oh, cols: ow, data })
}

/// `skimage.registration.phase_cross_correlation(reference, moving, reference_mask=…,
/// moving_mask=…)` (the masked path): the full masked cross-correlation of `moving` against
/// `reference`, the mean position of its largest values, as the shift (rows, columns) that
/// registers `moving` onto `reference`.
pub fn masked_phase_shift(
    reference: &Matrix,
    moving: &Matrix,
    reference_mask: &[bool],
    moving_mask: &[bool],
) -> Result<(f64, f64), NodeError> {
    let xcorr = cross_correlate_masked(moving, reference, moving_mask, reference_mask, false)?;
    let max = np_extreme(&xcorr.data, true)?;
    let (mut n, mut sr, mut sc) = (0.0, 0.0, 0.0);
    for (k, &v) in xcorr.data.iter().enumerate() {
        if v == max {
            n += 1.0;
            sr += (k / xcorr.cols) as f64;
            sc += (k % xcorr.cols) as f64;
        }
    }
    let center = (sr / n, sc / n);
    let shifts = (center.0 - reference.rows as f64 + 1.0, center.1 - reference.cols as f64 + 1.0);
    let mismatch =
        ((moving.rows as f64 - reference.rows as f64) / 2.0, (moving.cols as f64 - reference.cols as f64) / 2.0);
    Ok((-shifts.0 + mismatch.0, -shifts.1 + mismatch.1))
}

/// `skimage.filters.threshold_triangle(values)` (256 bins over the values' range): the level
/// farthest below the line from the histogram's peak to the end of its longer tail.
pub fn threshold_triangle(values: &[f64]) -> Result<f64, NodeError> {
    const NBINS: usize = 256;
    let (mut hist, edges) = histogram_n(values, NBINS)?;
    let centers: Vec<f64> = edges.windows(2).map(|e| (e[0] + e[1]) / 2.0).collect();
    let mut peak = 0;
    for (i, &v) in hist.iter().enumerate() {
        if v > hist[peak] {
            peak = i;
        }
    }
    let peak_height = hist[peak];
    let low = hist.iter().position(|&v| v != 0.0).unwrap_or(0);
    let high = hist.iter().rposition(|&v| v != 0.0).unwrap_or(0);
    if low == high {
        return Ok(values.first().copied().unwrap_or(f64::NAN));
    }
    let flip = (peak as i64 - low as i64) < (high as i64 - peak as i64);
    let (low, peak) = if flip {
        hist.reverse();
        (NBINS - high - 1, NBINS - peak - 1)
    } else {
        (low, peak)
    };
    let width = (peak - low) as f64;
    let norm = (peak_height * peak_height + width * width).sqrt();
    let (ph, wd) = (peak_height / norm, width / norm);
    let mut best: Option<(f64, usize)> = None;
    for x in 0..peak - low {
        let length = ph * x as f64 - wd * hist[x + low];
        if best.is_none_or(|b| length > b.0) {
            best = Some((length, x));
        }
    }
    let mut level = best.map_or(0, |b| b.1) + low;
    if flip {
        level = NBINS - level - 1;
    }
    Ok(centers[level])
}

/// `im / gaussian_filter(im, sigma=min(shape)/divisor, truncate=2)` with `np.nan_to_num`: the
/// block's flattening of a slowly varying background.
pub fn divide_background(im: &Matrix, divisor: f64) -> Matrix {
    let sigma = im.rows.min(im.cols) as f64 / divisor;
    let blurred = nd_gaussian_filter(im, sigma, 2.0);
    let data = im.data.iter().zip(&blurred.data).map(|(v, b)| nan_to_num(v / b)).collect();
    Matrix { rows: im.rows, cols: im.cols, data }
}

/// The block's `autocenter(im, mask)`: the centre of intensity (above the minimum, inside the
/// mask; each coordinate cut to a whole number), a square around it as large as the image
/// allows, its background flattened, and the masked phase registration of it with itself
/// turned by 180° (every second pixel when the square is over 1024 wide); the centre moves by
/// half the shift found. Returns (row, column).
pub fn autocenter(image: &Matrix, mask: &Matrix) -> Result<(f64, f64), NodeError> {
    let (h, w) = (image.rows, image.cols);
    let min = np_extreme(&image.data, false)?;
    let im: Vec<f64> = image.data.iter().map(|v| v - min).collect();
    let weights: Vec<f64> = im.iter().zip(&mask.data).map(|(v, m)| v * m).collect();
    let total = np_sum(&weights);
    if total == 0.0 || total.is_nan() {
        return Err(NodeError::new(
            "autocenter needs an image brighter somewhere than its minimum inside the mask (its weights \
             sum to zero, so it has no centre of intensity): give the centre in 'center' (row,column)",
        ));
    }
    let by = |f: &dyn Fn(usize) -> usize| {
        let prod: Vec<f64> = weights.iter().enumerate().map(|(k, wt)| f(k) as f64 * wt).collect();
        (np_sum(&prod) / total).trunc()
    };
    let (r_, c_) = (by(&|k| k / w.max(1)), by(&|k| k % w.max(1)));
    if !(r_.is_finite() && c_.is_finite()) {
        return Err(NodeError::new("autocenter: the centre of intensity is not a number; give 'center' (row,column)"));
    }
    let (r_, c_) = (r_ as i64, c_ as i64);
    let side = [r_, (r_ - h as i64).abs(), c_, (c_ - w as i64).abs()].into_iter().min().unwrap_or(0);
    if side <= 0 {
        return Err(NodeError(format!(
            "autocenter: the centre of intensity ({r_}, {c_}) lies on the image's edge, which leaves no \
             square around it to compare (Flojoy's block fails here too); give 'center' (row,column)"
        )));
    }
    let n = 2 * side as usize;
    let (top, left) = ((r_ - side) as usize, (c_ - side) as usize);
    let crop = |d: &[f64]| -> Matrix {
        let data = (0..n).flat_map(|r| (0..n).map(move |c| (r, c))).map(|(r, c)| d[(top + r) * w + left + c]).collect();
        Matrix { rows: n, cols: n, data }
    };
    let square = divide_background(&crop(&im), 25.0);
    let square_mask = crop(&mask.data);
    let step = if n > 1024 { 2 } else { 1 };
    let sample = |m: &Matrix, turned: bool| -> Matrix {
        let k = n.div_ceil(step);
        let at = |i: usize| if turned { n - 1 - i * step } else { i * step };
        let data = (0..k).flat_map(|r| (0..k).map(move |c| (r, c))).map(|(r, c)| m.data[at(r) * n + at(c)]).collect();
        Matrix { rows: k, cols: k, data }
    };
    let nonzero = |m: &Matrix| m.data.iter().map(|&v| v != 0.0).collect::<Vec<bool>>();
    let (reference, moving) = (sample(&square, false), sample(&square, true));
    let (ref_mask, mov_mask) = (nonzero(&sample(&square_mask, false)), nonzero(&sample(&square_mask, true)));
    let (sr, sc) = masked_phase_shift(&reference, &moving, &ref_mask, &mov_mask)?;
    if !(sr.is_finite() && sc.is_finite()) {
        return Err(NodeError::new(
            "autocenter could not register the image with itself turned by 180° (its cross-correlation has no \
             finite maximum); give the centre in 'center' (row,column)",
        ));
    }
    let d = step as f64;
    Ok((r_ as f64 + sr * d / 2.0, c_ as f64 + sc * d / 2.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: usize, cols: usize, data: &[f64]) -> Matrix {
        Matrix { rows, cols, data: data.to_vec() }
    }

    #[test]
    fn log_kernel_is_the_blocks() {
        // the block's laplacian_of_gaussian(1.5): n = 9, the grid -5 … 4
        let k = log_kernel(1.5);
        assert_eq!((k.rows, k.cols), (10, 10));
        let at = |y: f64, x: f64| {
            let s: f64 = 1.5;
            (-(2.0 * s * s) + (x * x + y * y)) * ((-(x * x) / (2.0 * s * s)).exp() * (-(y * y) / (2.0 * s * s)).exp())
                / (2.0 * std::f64::consts::PI * s.powi(4))
        };
        for (i, y) in (-5..5).enumerate() {
            for (j, x) in (-5..5).enumerate() {
                let want = at(f64::from(y), f64::from(x));
                assert!((k.data[i * 10 + j] - want).abs() < 1e-15, "{i} {j}");
            }
        }
        // σ = 1: n = 6, the grid -3 … 3; centre -1/(πσ²)·… = -2σ²/(2πσ⁴)
        let k = log_kernel(1.0);
        assert_eq!(k.rows, 7);
        assert!((k.data[24] + 1.0 / std::f64::consts::PI).abs() < 1e-15);
    }

    #[test]
    fn log_scan_takes_the_first_largest_in_each_window() {
        // two σ on a 3 × 3 image; the windows of (1,1), (1,2), (2,1), (2,2)
        let a = m(3, 3, &[0.0, 1.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 5.0]);
        let b = m(3, 3, &[0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0]);
        let got = log_candidates(&[a.clone(), b.clone()], &[1.0, 1.41], 0.0);
        assert_eq!(got, [Blob { row: 2, col: 2, radius: 1.0 }]);
        // a tie across σ goes to the smaller σ; a 4 × 4 image has windows that miss a corner
        let c = m(3, 3, &[0.0, 1.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        assert_eq!(log_candidates(&[c, b], &[1.0, 1.41], 0.0), [Blob { row: 2, col: 2, radius: 1.41 }]);
        let d = m(4, 4, &[9.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0]);
        let at: Vec<(i64, i64)> = log_candidates(&[d], &[1.0], 0.0).iter().map(|b| (b.row, b.col)).collect();
        assert_eq!(at, [(0, 0), (0, 1), (0, 2), (1, 0), (2, 0), (3, 3)]);
        // a NaN in a window, or a prominence above everything, makes no candidate
        let n = m(2, 2, &[f64::NAN, 1.0, 1.0, 1.0]);
        assert!(log_candidates(&[n], &[1.0], 0.0).is_empty());
        assert!(log_candidates(&[a], &[1.0], 6.0).is_empty());
    }

    #[test]
    fn merge_drops_the_smaller_of_close_blobs() {
        let b = |row, col, radius| Blob { row, col, radius };
        let got = merge_blobs(vec![b(0, 0, 2.0), b(1, 1, 1.0), b(9, 9, 1.0)], 2.0).unwrap();
        assert_eq!(got, [b(0, 0, 2.0), b(9, 9, 1.0)]);
        // equal σ: the first of the pair goes
        assert_eq!(merge_blobs(vec![b(0, 0, 1.0), b(0, 1, 1.0)], 2.0).unwrap(), [b(0, 1, 1.0)]);
        // beyond 2√2·σ the block never compares (even when min_dist is larger)
        assert_eq!(
            merge_blobs(vec![b(0, 0, 1.0), b(0, 2, 1.0), b(0, 5, 1.0)], 9.0).unwrap(),
            [b(0, 2, 1.0), b(0, 5, 1.0)]
        );
        assert!(merge_blobs(vec![], 1.0).unwrap_err().0.contains("IndexError"));
        assert!(merge_blobs(vec![b(0, 0, 1.0), b(9, 9, 1.0)], 1.0).unwrap_err().0.contains("set min_dist to 0"));
    }

    #[test]
    fn persistence_follows_the_blocks_union_find() {
        // the block's Persistence(np.array([[1, 5, 2, 0], [0, 1, 3, 7], [4, 0, 0, 1]])).persistence
        let img = m(3, 4, &[1.0, 5.0, 2.0, 0.0, 0.0, 1.0, 3.0, 7.0, 4.0, 0.0, 0.0, 1.0]);
        let got: Vec<_> = persistence(&img).into_iter().map(|c| (c.birth, c.level, c.persistence, c.death)).collect();
        assert_eq!(got, [((1, 3), 7.0, 7.0, None), ((2, 0), 4.0, 3.0, Some((1, 1))), ((0, 1), 5.0, 2.0, Some((1, 2)))]);
    }

    #[test]
    fn triangle_threshold_matches_scikit_image() {
        // skimage.filters.threshold_triangle(v) for v = [0, 0, 0, 0, 1, 1, 2, 3, 5, 8, 13, 0.5]
        let v = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 0.5];
        assert!((threshold_triangle(&v).unwrap() - 0.076_171_875).abs() < 1e-15);
        assert_eq!(threshold_triangle(&[2.0, 2.0]).unwrap(), 2.0);
    }

    #[test]
    fn masked_correlation_and_registration_match_scikit_image() {
        // a = [[3, 1, 4, 1, 5], [9, 2, 6, 5, 3], [5, 8, 9, 7, 9], [3, 2, 3, 8, 4]] without (0, 4),
        // b = [[2, 7, 1], [8, 2, 8], [1, 8, 2]] without its centre:
        // cross_correlate_masked(a, b, ma, mb, mode="full", axes=(0, 1)) and (a, a, ma, ma, "same")
        let a = m(4, 5, &[3., 1., 4., 1., 5., 9., 2., 6., 5., 3., 5., 8., 9., 7., 9., 3., 2., 3., 8., 4.]);
        let b = m(3, 3, &[2., 7., 1., 8., 2., 8., 1., 8., 2.]);
        let ma: Vec<bool> = (0..20).map(|i| i != 4).collect();
        let mb: Vec<bool> = (0..9).map(|i| i != 4).collect();
        let close = |got: &Matrix, want: &[f64]| {
            assert_eq!(got.data.len(), want.len());
            for (g, w) in got.data.iter().zip(want) {
                assert!((g - w).abs() < 1e-12, "{:?}", got.data);
            }
        };
        let full = cross_correlate_masked(&a, &b, &ma, &mb, false).unwrap();
        assert_eq!((full.rows, full.cols), (6, 7));
        close(
            &full,
            &[
                0.0,
                0.0,
                -0.8934051474415625,
                0.9912407071619292,
                0.0,
                0.0,
                0.0,
                0.0,
                0.39735970711951324,
                -0.9216600151040278,
                -0.14897852956962426,
                -0.10259783520851642,
                -0.8660254037844403,
                0.0,
                0.9798637100971984,
                -0.1264279082482027,
                0.22955435434110713,
                0.13218152505412323,
                -0.5085732851812911,
                0.42656170388121273,
                0.0,
                -0.31701472973732886,
                0.6880341880341885,
                -0.07838041758680575,
                0.39043069440182787,
                0.8622881111655348,
                -0.47229967678889323,
                0.9586343124133612,
                0.0,
                -0.9244734516419051,
                -0.5914366259284162,
                -0.2844627935584545,
                -0.9002398199972332,
                0.7777137710478282,
                0.0,
                0.0,
                0.0,
                -0.9878291611472465,
                -0.5000000000000004,
                0.9406341620035439,
                0.0,
                0.0,
            ],
        );
        close(
            &cross_correlate_masked(&a, &a, &ma, &ma, true).unwrap(),
            &[
                -0.7851243426763904,
                -0.5861004406178595,
                -0.3360889038772836,
                -0.48735814322745774,
                0.0,
                0.29631137690290615,
                0.1876776355394357,
                -0.26232506796153476,
                -0.33366020669686697,
                -0.3676686556132105,
                0.517738756344875,
                0.2962353487904999,
                0.9999999999999992,
                0.2962353487904999,
                0.5177387563448741,
                -0.36766865561321027,
                -0.3336602066968666,
                -0.262325067961535,
                0.18767763553943498,
                0.2963113769029048,
            ],
        );
        // phase_cross_correlation(a, a[::-1, ::-1], reference_mask=ma, moving_mask=ma[::-1, ::-1])
        let turned = m(4, 5, &a.data.iter().rev().copied().collect::<Vec<_>>());
        let mt: Vec<bool> = ma.iter().rev().copied().collect();
        assert_eq!(masked_phase_shift(&a, &turned, &ma, &mt).unwrap(), (1.0, 1.0));
        // the block's autocenter(img, ones) of two spots on a 12 × 12 background
        let img = m(
            12,
            12,
            &[
                0.009, 0.024, 0.08, 0.059, 0.01, 0.045, 0.05, 0.018, 0.075, 0.012, 0.039, 0.052, 0.043, 0.059, 0.074,
                0.098, 0.036, 0.08, 0.089, 0.046, 0.009, 0.1, 0.031, 0.031, 0.089, 0.059, 0.05, 0.089, 0.042, 0.149,
                0.14, 0.095, 0.112, 0.109, 0.024, 0.064, 0.03, 0.075, 0.08, 0.062, 0.211, 0.326, 0.409, 0.367, 0.196,
                0.129, 0.099, 0.012, 0.085, 0.042, 0.065, 0.101, 0.342, 0.584, 0.812, 0.634, 0.382, 0.152, 0.086,
                0.023, 0.018, 0.078, 0.101, 0.177, 0.466, 0.779, 1.074, 0.845, 0.541, 0.215, 0.094, 0.102, 0.079,
                0.087, 0.053, 0.189, 0.367, 0.69, 0.888, 0.81, 0.402, 0.164, 0.079, 0.089, 0.099, 0.105, 0.197, 0.411,
                0.454, 0.427, 0.558, 0.444, 0.277, 0.142, 0.083, 0.055, 0.061, 0.094, 0.419, 0.699, 0.56, 0.298, 0.262,
                0.186, 0.08, 0.08, 0.026, 0.075, 0.043, 0.099, 0.391, 0.589, 0.415, 0.156, 0.097, 0.043, 0.073, 0.098,
                0.058, 0.075, 0.096, 0.102, 0.165, 0.246, 0.194, 0.057, 0.057, 0.039, 0.029, 0.058, 0.032, 0.062,
                0.058, 0.012, 0.054, 0.057, 0.083, 0.012, 0.018, 0.052, 0.041, 0.067, 0.033, 0.02,
            ],
        );
        assert_eq!(autocenter(&img, &m(12, 12, &[1.0; 144])).unwrap(), (8.0, 5.0));
        assert!(autocenter(&m(2, 2, &[3.0; 4]), &m(2, 2, &[1.0; 4])).unwrap_err().0.contains("give the centre"));
    }
}
