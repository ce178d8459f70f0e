//! `scipy.signal.savgol_filter` (mode "interp"): the convolution coefficients and the
//! polynomial fits at the edges.

use crate::error::NodeError;
use crate::numeric::linalg::lstsq;
use crate::value::Matrix;

/// `scipy.signal.savgol_filter(x, w, p)` with deriv 0 and mode "interp".
pub fn savgol_filter(x: &[f64], w: usize, p: usize) -> Result<Vec<f64>, NodeError> {
    let coeffs = savgol_coeffs(w, p)?;
    let mut y = convolve1d_constant(x, &coeffs);
    let half = w / 2;
    let n = x.len();
    fit_edge(x, 0, w, 0, half, p, &mut y)?;
    fit_edge(x, n - w, n, n - half, n, p, &mut y)?;
    Ok(y)
}

/// `savgol_coeffs(w, p)` (use="conv"): the minimum-norm solution of A c = e₀ with
/// A[k][j] = x_j^k, x = the window positions reversed. Scaling x to [-1, 1] and each power row
/// to unit norm scales the equations only, so the solution is the same; our `lstsq` (QR of Aᵀ)
/// then solves it more accurately than scipy's SVD lstsq (which is off by up to ~1e-10 for
/// high orders, checked against exact rational arithmetic).
fn savgol_coeffs(w: usize, p: usize) -> Result<Vec<f64>, NodeError> {
    let pos = if w.is_multiple_of(2) { (w / 2) as f64 - 0.5 } else { (w / 2) as f64 };
    let span = pos.max(w as f64 - 1.0 - pos).max(1.0);
    let xs: Vec<f64> = (0..w).map(|i| (-pos + i as f64) / span).rev().collect();
    let rows = p + 1;
    // A (row k = powers k), each row scaled to unit norm
    let mut a = Matrix::zeros(rows, w);
    let mut rhs = Matrix::zeros(rows, 1);
    for k in 0..rows {
        let row: Vec<f64> = xs.iter().map(|x| x.powf(k as f64)).collect();
        let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
        for (j, v) in row.iter().enumerate() {
            a.data[k * w + j] = v / norm;
        }
        rhs.data[k] = if k == 0 { 1.0 / norm } else { 0.0 };
    }
    lstsq(&a, &rhs).map(|c| c.data).ok_or_else(singular)
}

/// `scipy.ndimage.convolve1d(x, c, mode="constant")`, summed as ndimage sums (odd symmetric
/// filters pair up the samples around the centre).
fn convolve1d_constant(x: &[f64], c: &[f64]) -> Vec<f64> {
    let fs = c.len();
    let wr: Vec<f64> = c.iter().rev().copied().collect();
    let size1 = fs / 2;
    let size2 = fs - size1 - 1;
    // convolve1d flips the weights and, for even lengths, moves the origin by one
    let origin: isize = if fs.is_multiple_of(2) { -1 } else { 0 };
    let symmetric = fs % 2 == 1 && (1..=size1).all(|i| (wr[size1 + i] - wr[size1 - i]).abs() <= f64::EPSILON);
    let n = x.len() as isize;
    let at = |i: isize| if (0..n).contains(&i) { x[i as usize] } else { 0.0 };
    (0..n)
        .map(|l| {
            let base = l - origin;
            if symmetric {
                let mut s = at(base) * wr[size1];
                for jj in -(size1 as isize)..0 {
                    s += (at(base + jj) + at(base - jj)) * wr[(size1 as isize + jj) as usize];
                }
                s
            } else {
                let mut s = at(base + size2 as isize) * wr[size1 + size2];
                for jj in -(size1 as isize)..size2 as isize {
                    s += at(base + jj) * wr[(size1 as isize + jj) as usize];
                }
                s
            }
        })
        .collect()
}

/// savgol's `_fit_edge`: `np.polyfit` of the window, evaluated (Horner) at the edge points.
fn fit_edge(
    x: &[f64],
    start: usize,
    stop: usize,
    from: usize,
    to: usize,
    order: usize,
    y: &mut [f64],
) -> Result<(), NodeError> {
    let m = stop - start;
    let cols = order + 1;
    // lhs = vander(arange(m), cols), each column scaled to unit norm (polyfit's scaling)
    let mut lhs = Matrix::zeros(m, cols);
    for i in 0..m {
        for j in 0..cols {
            lhs.data[i * cols + j] = (i as f64).powf((cols - 1 - j) as f64);
        }
    }
    let mut scale = vec![0.0; cols];
    for row in lhs.data.chunks(cols) {
        for (s, v) in scale.iter_mut().zip(row) {
            *s += v * v;
        }
    }
    for s in &mut scale {
        *s = s.sqrt();
    }
    for row in lhs.data.chunks_mut(cols) {
        for (v, s) in row.iter_mut().zip(&scale) {
            *v /= s;
        }
    }
    let window = Matrix { rows: m, cols: 1, data: x[start..stop].to_vec() };
    let c = lstsq(&lhs, &window).ok_or_else(singular)?.data;
    let c: Vec<f64> = c.iter().zip(&scale).map(|(c, s)| c / s).collect();
    for (i, yi) in y[from..to].iter_mut().enumerate() {
        let t = (from - start + i) as f64;
        *yi = c.iter().fold(0.0, |acc, ci| acc * t + ci);
    }
    Ok(())
}

/// What a fit whose powers overflow (a very high poly_order) fails with.
fn singular() -> NodeError {
    NodeError::new("the polynomial fit is singular (too high a poly_order for the window)")
}
