//! Image filters as the libraries Flojoy's vision blocks call compute them: OpenCV's border
//! rules, box, Gaussian, median and bilateral blurs, and scikit-image's bilinear warps with its
//! edge modes. Channels are f64 matrices; an 8-bit image holds whole numbers 0–255.

use super::array::is_u8;
use crate::value::Matrix;

/// Pillow's `convert("L")` of 8-bit RGB: (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16 (ITU-R 601-2
/// luma in fixed point). Values outside 0–255 are clamped first.
pub fn pil_luma(r: &Matrix, g: &Matrix, b: &Matrix) -> Matrix {
    let byte = |v: f64| v.clamp(0.0, 255.0) as u32;
    let data = r
        .data
        .iter()
        .zip(&g.data)
        .zip(&b.data)
        .map(|((r, g), b)| f64::from((19595 * byte(*r) + 38470 * byte(*g) + 7471 * byte(*b) + 0x8000) >> 16))
        .collect();
    Matrix { rows: r.rows, cols: r.cols, data }
}

/// `f` applied to every value of a channel.
pub fn map_channel(m: &Matrix, f: impl Fn(f64) -> f64) -> Matrix {
    Matrix { rows: m.rows, cols: m.cols, data: m.data.iter().map(|&v| f(v)).collect() }
}

/// OpenCV's `borderInterpolate` for BORDER_REFLECT_101 (`gfedcb|abcdefgh|gfedcba`) and
/// BORDER_REPLICATE (`aaaaaa|abcdefgh|hhhhhhh`).
fn border(p: i64, len: usize, reflect: bool) -> usize {
    let n = len as i64;
    if (0..n).contains(&p) {
        return p as usize;
    }
    if !reflect {
        return p.clamp(0, n - 1) as usize;
    }
    if n == 1 {
        return 0;
    }
    let mut p = p;
    loop {
        if p < 0 {
            p = -p;
        } else {
            p = n - 1 - (p - n) - 1;
        }
        if (0..n).contains(&p) {
            return p as usize;
        }
    }
}

/// cvRound: to nearest, ties to even (the FPU's default mode).
fn cv_round(x: f64) -> f64 {
    x.round_ties_even()
}

/// A separable filter with OpenCV's anchor at `k/2`: rows with `kx`, then columns with `ky`,
/// borders reflected (101). Exact in f64 for the dyadic kernels below.
pub fn separable(m: &Matrix, kernel: &[f64]) -> Matrix {
    let (h, w, k) = (m.rows, m.cols, kernel.len());
    let anchor = (k / 2) as i64;
    let mut rows = vec![0.0; h * w];
    for r in 0..h {
        for c in 0..w {
            let mut s = 0.0;
            for (i, kv) in kernel.iter().enumerate() {
                s += kv * m.data[r * w + border(c as i64 + i as i64 - anchor, w, true)];
            }
            rows[r * w + c] = s;
        }
    }
    let mut out = vec![0.0; h * w];
    for r in 0..h {
        for c in 0..w {
            let mut s = 0.0;
            for (i, kv) in kernel.iter().enumerate() {
                s += kv * rows[border(r as i64 + i as i64 - anchor, h, true) * w + c];
            }
            out[r * w + c] = s;
        }
    }
    Matrix { rows: h, cols: w, data: out }
}

/// `cv2.blur(img, (k, k))`: the mean over a k×k box (anchor k/2), borders reflected (101); 8-bit
/// images round the mean to the nearest level (ties to even).
pub fn box_blur(m: &Matrix, k: usize, uint8: bool) -> Matrix {
    let (h, w) = (m.rows, m.cols);
    let anchor = (k / 2) as i64;
    let mut out = vec![0.0; h * w];
    for r in 0..h {
        for c in 0..w {
            let mut s = 0.0;
            for i in 0..k as i64 {
                let rr = border(r as i64 + i - anchor, h, true);
                for j in 0..k as i64 {
                    s += m.data[rr * w + border(c as i64 + j - anchor, w, true)];
                }
            }
            let mean = s / (k * k) as f64;
            out[r * w + c] = if uint8 { cv_round(mean) } else { mean };
        }
    }
    Matrix { rows: h, cols: w, data: out }
}

/// OpenCV's `getGaussianKernel(k, 0)`: the fixed binomial kernels for k ≤ 7, else sampled with
/// σ = 0.3·((k−1)·0.5 − 1) + 0.8 and normalised.
pub fn gaussian_kernel(k: usize) -> Vec<f64> {
    match k {
        1 => vec![1.0],
        3 => vec![0.25, 0.5, 0.25],
        5 => vec![0.0625, 0.25, 0.375, 0.25, 0.0625],
        7 => vec![0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
        _ => {
            let sigma = 0.3 * ((k as f64 - 1.0) * 0.5 - 1.0) + 0.8;
            let scale2x = -0.5 / (sigma * sigma);
            let t: Vec<f64> = (0..k)
                .map(|i| {
                    let x = i as f64 - (k as f64 - 1.0) * 0.5;
                    (scale2x * x * x).exp()
                })
                .collect();
            let sum = 1.0 / t.iter().sum::<f64>();
            t.iter().map(|v| v * sum).collect()
        }
    }
}

/// `cv2.medianBlur(img, k)` on an 8-bit channel: the median of the k×k box, borders replicated.
pub fn median_blur(m: &Matrix, k: usize) -> Matrix {
    let (h, w) = (m.rows, m.cols);
    let anchor = (k / 2) as i64;
    let mut out = vec![0.0; h * w];
    let mut window = Vec::with_capacity(k * k);
    for r in 0..h {
        for c in 0..w {
            window.clear();
            for i in 0..k as i64 {
                let rr = border(r as i64 + i - anchor, h, false);
                for j in 0..k as i64 {
                    window.push(m.data[rr * w + border(c as i64 + j - anchor, w, false)]);
                }
            }
            window.sort_by(f64::total_cmp);
            out[r * w + c] = window[window.len() / 2];
        }
    }
    Matrix { rows: h, cols: w, data: out }
}

/// `cv2.bilateralFilter(img, d=k, sigmaColor=5k, sigmaSpace=5k)` on three 8-bit channels, as
/// OpenCV's scalar code computes it (float weights and sums, colour distance = the sum of the
/// three absolute differences, a circular window of radius k/2, borders reflected (101)).
pub fn bilateral(ch: &[&Matrix], k: usize) -> Vec<Matrix> {
    let (h, w) = (ch[0].rows, ch[0].cols);
    let sigma = (k as f64 * 5.0).max(1.0);
    let color_coeff = -0.5 / (sigma * sigma);
    let space_coeff = color_coeff;
    let radius = (k as i64 / 2).max(1);
    let color_weight: Vec<f32> = (0..256 * 3).map(|i| ((i * i) as f64 * color_coeff).exp() as f32).collect();
    let mut offsets = Vec::new();
    for i in -radius..=radius {
        for j in -radius..=radius {
            let r = ((i * i + j * j) as f64).sqrt();
            if r > radius as f64 {
                continue;
            }
            offsets.push((i, j, (r * r * space_coeff).exp() as f32));
        }
    }
    let mut out: Vec<Matrix> = ch.iter().map(|_| Matrix { rows: h, cols: w, data: vec![0.0; h * w] }).collect();
    for r in 0..h {
        for c in 0..w {
            let center: Vec<i64> = ch.iter().map(|m| m.data[r * w + c] as i64).collect();
            let (mut sums, mut wsum) = ([0f32; 3], 0f32);
            for &(i, j, sw) in &offsets {
                let idx = border(r as i64 + i, h, true) * w + border(c as i64 + j, w, true);
                let vals: Vec<i64> = ch.iter().map(|m| m.data[idx] as i64).collect();
                let diff: i64 = vals.iter().zip(&center).map(|(v, c0)| (v - c0).abs()).sum();
                let wt = sw * color_weight[diff as usize];
                for (s, v) in sums.iter_mut().zip(&vals) {
                    *s += *v as f32 * wt;
                }
                wsum += wt;
            }
            let inv = 1f32 / wsum;
            for (o, s) in out.iter_mut().zip(sums) {
                o.data[r * w + c] = cv_round(f64::from(s * inv));
            }
        }
    }
    out
}

/// skimage's `img_as_float`: a uint8 image (here: whole numbers 0–255) × 1/255; floats unchanged.
pub fn as_float(ch: &[&Matrix]) -> Vec<Matrix> {
    let uint8 = ch.iter().all(|m| is_u8(m));
    ch.iter().map(|m| if uint8 { map_channel(m, |v| v * (1.0 / 255.0)) } else { (*m).clone() }).collect()
}

/// skimage's `coord_map` for the edge modes (numpy.pad's names).
fn coord_map(dim: usize, coord: i64, mode: u8) -> usize {
    let dim_i = dim as i64;
    let cmax = dim_i - 1;
    let c = match mode {
        b'S' => {
            let mut c = coord;
            if c < 0 {
                c = -c - 1;
            }
            if c > cmax { if (c / dim_i) % 2 != 0 { cmax - (c % dim_i) } else { c % dim_i } } else { c }
        }
        b'W' => {
            if coord < 0 {
                cmax - ((-coord - 1) % dim_i)
            } else if coord > cmax {
                coord % dim_i
            } else {
                coord
            }
        }
        b'E' => coord.clamp(0, cmax),
        b'R' => {
            if dim == 1 {
                0
            } else if coord < 0 {
                if (-coord / cmax) % 2 != 0 { cmax - (-coord % cmax) } else { -coord % cmax }
            } else if coord > cmax {
                if (coord / cmax) % 2 != 0 { cmax - (coord % cmax) } else { coord % cmax }
            } else {
                coord
            }
        }
        _ => coord,
    };
    c.clamp(0, cmax) as usize
}

/// skimage's `bilinear_interpolation` at (r, c), with its edge modes ('C' = constant 0).
pub fn bilinear(m: &Matrix, r: f64, c: f64, mode: u8) -> f64 {
    let (rows, cols) = (m.rows, m.cols);
    let px = |rr: i64, cc: i64| -> f64 {
        if mode == b'C' {
            if rr < 0 || rr >= rows as i64 || cc < 0 || cc >= cols as i64 {
                0.0
            } else {
                m.data[rr as usize * cols + cc as usize]
            }
        } else {
            m.data[coord_map(rows, rr, mode) * cols + coord_map(cols, cc, mode)]
        }
    };
    let (minr, minc, maxr, maxc) = (r.floor() as i64, c.floor() as i64, r.ceil() as i64, c.ceil() as i64);
    let (dr, dc) = (r - minr as f64, c - minc as f64);
    let top = (1.0 - dc) * px(minr, minc) + dc * px(minr, maxc);
    let bottom = (1.0 - dc) * px(maxr, minc) + dc * px(maxr, maxc);
    (1.0 - dr) * top + dr * bottom
}

/// skimage's `_clip_warp_output` (clip=True, cval 0): the output is clipped to the input's range,
/// widened to 0 when constant padding brought zeros in.
pub fn clip_warp(input: &[Matrix], output: &mut [Matrix], constant: bool) {
    let all_in = || input.iter().flat_map(|m| m.data.iter().copied());
    let (mut lo, mut hi) = (all_in().fold(f64::INFINITY, f64::min), all_in().fold(f64::NEG_INFINITY, f64::max));
    let out_lo = output.iter().flat_map(|m| m.data.iter().copied()).fold(f64::INFINITY, f64::min);
    let out_hi = output.iter().flat_map(|m| m.data.iter().copied()).fold(f64::NEG_INFINITY, f64::max);
    if constant && !(lo <= 0.0 && 0.0 <= hi) && out_lo <= 0.0 && 0.0 <= out_hi {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    for m in output.iter_mut() {
        for v in &mut m.data {
            *v = v.clamp(lo, hi);
        }
    }
}

pub type Mat3 = [[f64; 3]; 3];

pub fn mat3(a: &Mat3, b: &Mat3) -> Mat3 {
    let mut o = [[0.0; 3]; 3];
    for (i, row) in o.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
        }
    }
    o
}

pub fn translation(x: f64, y: f64) -> Mat3 {
    [[1.0, 0.0, x], [0.0, 1.0, y], [0.0, 0.0, 1.0]]
}

pub fn rotation(theta: f64) -> Mat3 {
    [[theta.cos(), -theta.sin(), 0.0], [theta.sin(), theta.cos(), 0.0], [0.0, 0.0, 1.0]]
}

/// scipy.ndimage's mirror mode for a coordinate (`map_coordinate`, NI_EXTEND_MIRROR).
fn mirror_coord(x: f64, len: usize) -> f64 {
    let n = len as f64;
    if len <= 1 {
        return if x < 0.0 || x > n - 1.0 { 0.0 } else { x };
    }
    let sz2 = 2.0 * n - 2.0;
    if x < 0.0 {
        let x = sz2 * ((-x / sz2).trunc()) + x;
        if x <= 1.0 - n { x + sz2 } else { -x }
    } else if x > n - 1.0 {
        let x = x - sz2 * (x / sz2).trunc();
        if x >= n { sz2 - x } else { x }
    } else {
        x
    }
}

/// scipy.ndimage.map_coordinates(order=1, mode="mirror") at (r, c) of one channel.
pub fn linear_mirror(m: &Matrix, r: f64, c: f64) -> f64 {
    let (rows, cols) = (m.rows, m.cols);
    let (r, c) = (mirror_coord(r, rows), mirror_coord(c, cols));
    let idx = |i: i64, len: usize| -> usize {
        if len <= 1 {
            return 0;
        }
        let s2 = 2 * len as i64 - 2;
        let mut i = i;
        if i < 0 {
            i = s2 * (-i / s2) + i;
            i = if i <= 1 - len as i64 { i + s2 } else { -i };
        } else if i >= len as i64 {
            i -= s2 * (i / s2);
            if i >= len as i64 {
                i = s2 - i;
            }
        }
        i.clamp(0, len as i64 - 1) as usize
    };
    let (r0, c0) = (r.floor(), c.floor());
    let (tr, tc) = (r - r0, c - c0);
    let (r0, c0) = (r0 as i64, c0 as i64);
    let mut v = 0.0;
    for (dr, wr) in [(0, 1.0 - tr), (1, tr)] {
        let rr = idx(r0 + dr, rows);
        let mut row = 0.0;
        for (dc, wc) in [(0, 1.0 - tc), (1, tc)] {
            row += wc * m.data[rr * cols + idx(c0 + dc, cols)];
        }
        v += wr * row;
    }
    v
}

// ---- scipy.ndimage's filters with mode "reflect" and its linear shift with mode "nearest" ----

/// scipy.ndimage's "reflect" extension (`d c b a | a b c d | d c b a`) of index `i` on `n`
/// samples, repeated as far as it reaches.
fn nd_reflect(i: i64, n: usize) -> usize {
    let period = 2 * n as i64;
    let m = i.rem_euclid(period);
    (if m < n as i64 { m } else { period - 1 - m }) as usize
}

/// `scipy.ndimage.correlate1d(m, weights, axis, mode="reflect")` for an odd symmetric kernel
/// given by its centre and right half (`half[0]` is the centre): scipy's symmetric loop, the
/// centre term first, then each pair of samples from the outermost in.
fn correlate1d_symmetric(m: &Matrix, half: &[f64], axis: usize) -> Matrix {
    let (h, w) = (m.rows, m.cols);
    let mut out = vec![0.0; h * w];
    let (len, lines) = if axis == 0 { (h, w) } else { (w, h) };
    let at = |line: usize, i: usize| if axis == 0 { i * w + line } else { line * w + i };
    for line in 0..lines {
        for i in 0..len {
            let mut s = m.data[at(line, i)] * half[0];
            for j in (1..half.len()).rev() {
                let (a, b) = (nd_reflect(i as i64 - j as i64, len), nd_reflect((i + j) as i64, len));
                s += (m.data[at(line, a)] + m.data[at(line, b)]) * half[j];
            }
            out[at(line, i)] = s;
        }
    }
    Matrix { rows: h, cols: w, data: out }
}

/// `scipy.ndimage.gaussian_filter(m, sigma, truncate=truncate)` (mode "reflect"): along the rows
/// axis, then the columns, with the sampled Gaussian of radius `int(truncate·σ + 0.5)`
/// normalised to sum 1. A σ of 1e-15 or less leaves the image as it is, as scipy skips the axis.
pub fn nd_gaussian_filter(m: &Matrix, sigma: f64, truncate: f64) -> Matrix {
    if sigma.is_nan() || sigma <= 1e-15 || m.data.is_empty() {
        return m.clone();
    }
    let radius = (truncate * sigma + 0.5) as usize;
    let scale = -0.5 / (sigma * sigma);
    let phi: Vec<f64> = (-(radius as i64)..=radius as i64).map(|x| (scale * (x * x) as f64).exp()).collect();
    let sum = super::array::np_sum(&phi);
    let half: Vec<f64> = phi[radius..].iter().map(|v| v / sum).collect();
    correlate1d_symmetric(&correlate1d_symmetric(m, &half, 0), &half, 1)
}

/// `scipy.ndimage.laplace(m)` (mode "reflect"): the second differences `[1, -2, 1]` along the
/// rows axis plus those along the columns axis.
pub fn nd_laplace(m: &Matrix) -> Matrix {
    let mut out = correlate1d_symmetric(m, &[-2.0, 1.0], 0);
    let cols = correlate1d_symmetric(m, &[-2.0, 1.0], 1);
    for (o, c) in out.data.iter_mut().zip(&cols.data) {
        *o += c;
    }
    out
}

/// `scipy.ndimage.shift(m, (dr, dc), order=1, mode="nearest")`: each output pixel is the input
/// read at (r − dr, c − dc), coordinates clamped to the image, linearly interpolated.
pub fn nd_shift_linear(m: &Matrix, dr: f64, dc: f64) -> Matrix {
    let (h, w) = (m.rows, m.cols);
    // per axis: the two samples and their weights (scipy's order-1 spline weights)
    let taps = |i: usize, shift: f64, len: usize| -> [(usize, f64); 2] {
        let x = (i as f64 - shift).clamp(0.0, len as f64 - 1.0);
        let start = x.floor();
        let s = start as usize;
        [(s, 1.0 - (start - x).abs()), ((s + 1).min(len - 1), 1.0 - (start + 1.0 - x).abs())]
    };
    let mut out = vec![0.0; h * w];
    for r in 0..h {
        let tr = taps(r, dr, h);
        for c in 0..w {
            let tc = taps(c, dc, w);
            let mut t = 0.0;
            for (ri, wr) in tr {
                for (ci, wc) in tc {
                    t += m.data[ri * w + ci] * wr * wc;
                }
            }
            out[r * w + c] = t;
        }
    }
    Matrix { rows: h, cols: w, data: out }
}

/// `np.nan_to_num`: NaN → 0, ±∞ → ± the largest float.
pub fn nan_to_num(v: f64) -> f64 {
    if v.is_nan() { 0.0 } else { v.clamp(f64::MIN, f64::MAX) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{got:?}\nvs {want:?}");
        }
    }

    // a = np.array([[3., 1, 4, 1, 5], [9, 2, 6, 5, 3], [5, 8, 9, 7, 9], [3, 2, 3, 8, 4]])

    fn a() -> Matrix {
        let data = vec![3., 1., 4., 1., 5., 9., 2., 6., 5., 3., 5., 8., 9., 7., 9., 3., 2., 3., 8., 4.];
        Matrix { rows: 4, cols: 5, data }
    }

    #[test]
    fn ndimage_filters_match_scipy() {
        // scipy.ndimage.gaussian_filter(a, 1.3, truncate=2): radius 3, reaching past the edge
        close(
            &nd_gaussian_filter(&a(), 1.3, 2.0).data,
            &[
                4.158103508228244,
                3.986571905876834,
                3.9817550994502744,
                4.103092567831858,
                4.25043618573093,
                4.675975112293139,
                4.6158498007527395,
                4.722066153694298,
                4.869001784277599,
                4.956333924499274,
                4.7690346416440255,
                4.940134963241066,
                5.3171667768811695,
                5.634108501123258,
                5.734856988875302,
                4.381577384296648,
                4.721343621891595,
                5.334711774749843,
                5.845708395735052,
                6.00217090892685,
            ],
        );
        // scipy.ndimage.laplace(a)
        close(
            &nd_laplace(&a()).data,
            &[
                4.0, 6.0, -4.0, 11.0, -6.0, -17.0, 16.0, -4.0, -3.0, 10.0, 5.0, -14.0, -12.0, 3.0, -13.0, 1.0, 8.0,
                10.0, -10.0, 9.0,
            ],
        );
        // scipy.ndimage.shift(a, (0.75, -1.4), order=1, mode="nearest")
        close(
            &nd_shift_linear(&a(), 0.75, -1.4).data,
            &[
                2.1999999999999997,
                2.8000000000000003,
                2.5999999999999996,
                5.0,
                5.0,
                2.55,
                3.5,
                2.9999999999999996,
                4.5,
                4.5,
                4.8,
                6.249999999999999,
                5.1000000000000005,
                4.5,
                4.5,
                6.8999999999999995,
                7.4,
                7.449999999999999,
                7.75,
                7.75,
            ],
        );
        assert!(nd_gaussian_filter(&a(), 0.0, 2.0) == a());
        assert_eq!((nan_to_num(f64::NAN), nan_to_num(f64::INFINITY)), (0.0, f64::MAX));
    }
}
