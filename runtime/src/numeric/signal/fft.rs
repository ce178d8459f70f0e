//! Fourier transforms as scipy.fft computes them (`realfft`/`rustfft`, plans cached per size),
//! and numpy's frequency axes.

use std::cell::RefCell;
use std::sync::Arc;

use realfft::{ComplexToReal, RealToComplex};
use rustfft::Fft;
use rustfft::num_complex::Complex64 as C;

use crate::error::NodeError;
use crate::value::Matrix;

/// `fftshift`, in place: the last ⌊n/2⌋ elements move to the front.
pub fn fftshift<X>(mut v: Vec<X>) -> Vec<X> {
    let s = v.len() / 2;
    v.rotate_right(s);
    v
}

pub fn rfftfreq(n: usize, d: f64) -> Vec<f64> {
    let val = 1.0 / (n as f64 * d);
    (0..=n / 2).map(|i| i as f64 * val).collect()
}

pub fn fftfreq(n: usize, d: f64) -> Vec<f64> {
    let val = 1.0 / (n as f64 * d);
    let half = (n - 1) / 2 + 1;
    let neg = n / 2;
    (0..half).map(|i| i as f64).chain((0..neg).map(|i| -((neg - i) as f64))).map(|k| k * val).collect()
}

/// The plans of the last few transform sizes, most recent last. Making a plan computes about
/// n twiddle factors (for a million points that costs as much as the transform), so a flow run
/// again, or a LOOP, reuses them; scipy.fft keeps a small LRU cache of plans for the same reason.
struct Plans<P>(Vec<(usize, P)>);

impl<P: Clone> Plans<P> {
    const KEEP: usize = 4;

    fn get(&mut self, n: usize, make: impl FnOnce(usize) -> P) -> P {
        let plan = match self.0.iter().position(|(len, _)| *len == n) {
            Some(i) => self.0.remove(i).1,
            None => make(n),
        };
        if self.0.len() >= Self::KEEP {
            self.0.remove(0);
        }
        self.0.push((n, plan.clone()));
        plan
    }
}

thread_local! {
    static FORWARD: RefCell<Plans<Arc<dyn RealToComplex<f64>>>> = const { RefCell::new(Plans(Vec::new())) };
    static INVERSE: RefCell<Plans<Arc<dyn ComplexToReal<f64>>>> = const { RefCell::new(Plans(Vec::new())) };
    static INVERSE_COMPLEX: RefCell<Plans<Arc<dyn Fft<f64>>>> = const { RefCell::new(Plans(Vec::new())) };
}

/// The real-to-complex plan for `n` samples (the planner picks the same algorithm every time).
fn forward_plan(n: usize) -> Arc<dyn RealToComplex<f64>> {
    FORWARD.with(|p| p.borrow_mut().get(n, |n| realfft::RealFftPlanner::<f64>::new().plan_fft_forward(n)))
}

pub fn inverse_plan(n: usize) -> Arc<dyn ComplexToReal<f64>> {
    INVERSE.with(|p| p.borrow_mut().get(n, |n| realfft::RealFftPlanner::<f64>::new().plan_fft_inverse(n)))
}

pub fn inverse_complex_plan(n: usize) -> Arc<dyn Fft<f64>> {
    INVERSE_COMPLEX.with(|p| p.borrow_mut().get(n, |n| rustfft::FftPlanner::<f64>::new().plan_fft_inverse(n)))
}

/// The one-sided spectrum of real samples (`scipy.fft.rfft`).
pub fn rfft(mut sig: Vec<f64>) -> Result<Vec<C>, NodeError> {
    let r2c = forward_plan(sig.len());
    let mut out = r2c.make_output_vec();
    r2c.process(&mut sig, &mut out).map_err(|e| NodeError::new(format!("FFT failed: {e}")))?;
    Ok(out)
}

/// The full spectrum of real samples (`scipy.fft.fft`), from the one-sided one by symmetry.
pub fn fft_of_real(sig: Vec<f64>) -> Result<Vec<C>, NodeError> {
    let n = sig.len();
    let mut full = rfft(sig)?;
    full.reserve(n - full.len());
    for k in full.len()..n {
        let c = full[n - k].conj();
        full.push(c);
    }
    Ok(full)
}

/// The 2-D spectrum of a real `rows` × `cols` array, row-major (`scipy.fft.fft2`, or `rfft2`
/// when `onesided`: the first cols/2 + 1 columns). Returns the spectrum and its column count.
pub fn fft2_of_real(data: &[f64], rows: usize, cols: usize, onesided: bool) -> Result<(Vec<C>, usize), NodeError> {
    if rows == 0 || cols == 0 {
        return Err(NodeError(format!("Invalid number of FFT data points ({})", rows.min(cols))));
    }
    // along each row (the last axis), then along each column
    let mut out: Vec<C> = Vec::new();
    let mut width = 0;
    for row in data.chunks(cols) {
        let spec = if onesided { rfft(row.to_vec())? } else { fft_of_real(row.to_vec())? };
        width = spec.len();
        out.extend(spec);
    }
    let plan = rustfft::FftPlanner::<f64>::new().plan_fft_forward(rows);
    let mut column = vec![C::new(0.0, 0.0); rows];
    for c in 0..width {
        for (r, z) in column.iter_mut().enumerate() {
            *z = out[r * width + c];
        }
        plan.process(&mut column);
        for (r, z) in column.iter().enumerate() {
            out[r * width + c] = *z;
        }
    }
    Ok((out, width))
}

/// The smallest 2^a·3^b·5^c ≥ `n` (scipy's `next_fast_len` for real transforms): zero padding
/// to it keeps a convolution's transforms on rustfft's fast radices.
pub fn fast_len(n: usize) -> usize {
    let mut m = n.max(1);
    loop {
        let mut k = m;
        for p in [2, 3, 5] {
            while k.is_multiple_of(p) {
                k /= p;
            }
        }
        if k == 1 {
            return m;
        }
        m += 1;
    }
}

/// `scipy.fft.rfftn(a, s=(prows, pcols))` of a real `rows` × `cols` array (row-major): zero
/// padded to `prows` × `pcols`, the first `pcols/2 + 1` columns of its spectrum, row-major.
pub fn rfft2_padded(data: &[f64], rows: usize, cols: usize, prows: usize, pcols: usize) -> Result<Vec<C>, NodeError> {
    let width = pcols / 2 + 1;
    let mut out = vec![C::new(0.0, 0.0); prows * width];
    let mut line = vec![0.0; pcols];
    for r in 0..rows.min(prows) {
        line.iter_mut().for_each(|v| *v = 0.0);
        let n = cols.min(pcols);
        line[..n].copy_from_slice(&data[r * cols..r * cols + n]);
        let spec = rfft(line.clone())?;
        out[r * width..(r + 1) * width].copy_from_slice(&spec);
    }
    let plan = rustfft::FftPlanner::<f64>::new().plan_fft_forward(prows);
    let mut column = vec![C::new(0.0, 0.0); prows];
    for c in 0..width {
        for (r, z) in column.iter_mut().enumerate() {
            *z = out[r * width + c];
        }
        plan.process(&mut column);
        for (r, z) in column.iter().enumerate() {
            out[r * width + c] = *z;
        }
    }
    Ok(out)
}

/// `scipy.fft.irfftn(spec, s=(prows, pcols))`: the real array (row-major) whose one-sided
/// spectrum [`rfft2_padded`] gave.
pub fn irfft2(mut spec: Vec<C>, prows: usize, pcols: usize) -> Result<Vec<f64>, NodeError> {
    let width = pcols / 2 + 1;
    let plan = inverse_complex_plan(prows);
    let mut column = vec![C::new(0.0, 0.0); prows];
    for c in 0..width {
        for (r, z) in column.iter_mut().enumerate() {
            *z = spec[r * width + c];
        }
        plan.process(&mut column);
        for (r, z) in column.iter().enumerate() {
            spec[r * width + c] = *z;
        }
    }
    let c2r = inverse_plan(pcols);
    let scale = 1.0 / (prows * pcols) as f64;
    let mut out = Vec::with_capacity(prows * pcols);
    let mut line = c2r.make_output_vec();
    for row in spec.chunks_mut(width) {
        // a real signal's spectrum: the DC (and Nyquist) terms are real; what the column
        // transforms left there is rounding
        row[0].im = 0.0;
        if pcols.is_multiple_of(2) {
            row[width - 1].im = 0.0;
        }
        c2r.process(row, &mut line).map_err(|e| NodeError::new(format!("inverse FFT failed: {e}")))?;
        out.extend(line.iter().map(|v| v * scale));
    }
    Ok(out)
}

/// `scipy.signal.fftconvolve(a, kernel, mode="same")` of two real 2-D arrays: the full
/// convolution by FFT, cut to `a`'s shape about its centre. Agrees with a direct convolution up
/// to the transforms' rounding (about 1e-16 of the largest |a|·Σ|kernel|); an empty input gives
/// an empty result, as scipy's does.
pub fn fftconvolve_same(a: &Matrix, kernel: &Matrix) -> Result<Matrix, NodeError> {
    let (h, w, kh, kw) = (a.rows, a.cols, kernel.rows, kernel.cols);
    if h == 0 || w == 0 || kh == 0 || kw == 0 {
        return Ok(Matrix { rows: h, cols: w, data: vec![0.0; h * w] });
    }
    let (fh, fw) = (h + kh - 1, w + kw - 1);
    let (ph, pw) = (fast_len(fh), fast_len(fw));
    let sa = rfft2_padded(&a.data, h, w, ph, pw)?;
    let sk = rfft2_padded(&kernel.data, kh, kw, ph, pw)?;
    let product = sa.iter().zip(&sk).map(|(x, y)| x * y).collect();
    let full = irfft2(product, ph, pw)?;
    let (r0, c0) = ((kh - 1) / 2, (kw - 1) / 2);
    let mut data = Vec::with_capacity(h * w);
    for r in 0..h {
        data.extend_from_slice(&full[(r + r0) * pw + c0..(r + r0) * pw + c0 + w]);
    }
    Ok(Matrix { rows: h, cols: w, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fft2_matches_numpy() {
        // numpy.fft.fft2([[1, 2, 3], [4, 5, 7]]) and rfft2
        let (z, w) = fft2_of_real(&[1.0, 2.0, 3.0, 4.0, 5.0, 7.0], 2, 3, false).unwrap();
        assert_eq!(w, 3);
        let want = [
            (22.0, 0.0),
            (-3.5, 2.598076211353316),
            (-3.5, -2.598076211353316),
            (-10.0, 0.0),
            (0.5, -0.8660254037844386),
            (0.5, 0.8660254037844386),
        ];
        for (got, (re, im)) in z.iter().zip(want) {
            assert!((got.re - re).abs() < 1e-12 && (got.im - im).abs() < 1e-12, "{got} vs {re}+{im}i");
        }
        let (h, w) = fft2_of_real(&[1.0, 2.0, 3.0, 4.0, 5.0, 7.0], 2, 3, true).unwrap();
        assert_eq!((h.len(), w), (4, 2));
        assert!((h[3].re - 0.5).abs() < 1e-12 && (h[3].im + 0.8660254037844386).abs() < 1e-12);
        assert!(fft2_of_real(&[], 0, 3, true).is_err());
    }

    #[test]
    fn fft_axes_follow_numpy() {
        assert_eq!(fftfreq(5, 1.0), vec![0.0, 0.2, 0.4, -0.4, -0.2]);
        assert_eq!(fftshift(vec![0, 1, 2, 3, 4]), vec![3, 4, 0, 1, 2]);
        assert_eq!(fftshift(vec![0, 1, 2, 3]), vec![2, 3, 0, 1]);
        assert_eq!(rfftfreq(4, 0.5), vec![0.0, 0.5, 1.0]);
    }

    #[test]
    fn fftconvolve_same_matches_scipy() {
        // scipy.signal.fftconvolve(np.arange(12.).reshape(3, 4), [[1, 2], [0, -1], [3, 1]], mode="same")
        let a = Matrix { rows: 3, cols: 4, data: (0..12).map(f64::from).collect() };
        let k = Matrix { rows: 3, cols: 2, data: vec![1.0, 2.0, 0.0, -1.0, 3.0, 1.0] };
        let got = fftconvolve_same(&a, &k).unwrap();
        let want = [4.0, 13.0, 15.0, 17.0, 8.0, 24.0, 30.0, 36.0, 12.0, 11.0, 14.0, 17.0];
        assert_eq!((got.rows, got.cols), (3, 4));
        for (g, w) in got.data.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{:?}", got.data);
        }
        assert_eq!(fast_len(97), 100);
        assert_eq!(fast_len(1), 1);
        assert!(fftconvolve_same(&Matrix { rows: 0, cols: 0, data: vec![] }, &k).unwrap().data.is_empty());
    }
}
