//! FIR filters: `scipy.signal.firwin`, and `filtfilt` of an FIR filter (odd padding,
//! `lfilter_zi` start, forwards and backwards).

use std::f64::consts::PI;

use super::waveform::sinc;
use super::window::get_window;
use crate::error::NodeError;
use crate::numeric::array::np_sum;
use crate::numeric::python::float_repr;

/// `scipy.signal.firwin(numtaps, cutoff, window=window, pass_zero=filter_type, fs=fs)` (scale=True).
pub fn firwin(numtaps: usize, cutoff: &[f64], pass_zero: &str, window: &str, fs: f64) -> Result<Vec<f64>, NodeError> {
    let nyq = 0.5 * fs;
    let cutoff: Vec<f64> = cutoff.iter().map(|c| c / nyq).collect();
    if cutoff.iter().any(|c| *c <= 0.0 || *c >= 1.0) {
        return Err(NodeError::new(format!(
            "Invalid cutoff frequency: frequencies must be greater than 0 and less than fs/2 (fs/2 = {})",
            float_repr(nyq)
        )));
    }
    if cutoff.windows(2).any(|w| w[1] - w[0] <= 0.0) {
        return Err(NodeError::new(
            "Invalid cutoff frequencies: the frequencies must be strictly increasing (cutoff_low must be below cutoff_high)",
        ));
    }
    let pass_zero = matches!(pass_zero, "lowpass" | "bandstop");
    let pass_nyquist = cutoff.len().is_multiple_of(2) == pass_zero;
    if pass_nyquist && numtaps.is_multiple_of(2) {
        return Err(NodeError::new(
            "A filter with an even number of coefficients must have zero response at the Nyquist frequency.",
        ));
    }
    let mut edges = Vec::with_capacity(cutoff.len() + 2);
    if pass_zero {
        edges.push(0.0);
    }
    edges.extend_from_slice(&cutoff);
    if pass_nyquist {
        edges.push(1.0);
    }
    let alpha = 0.5 * (numtaps as f64 - 1.0);
    let m: Vec<f64> = (0..numtaps).map(|i| i as f64 - alpha).collect();
    let mut h = vec![0.0; numtaps];
    for band in edges.chunks_exact(2) {
        let (left, right) = (band[0], band[1]);
        for (hi, mi) in h.iter_mut().zip(&m) {
            *hi += right * sinc(right * mi);
        }
        for (hi, mi) in h.iter_mut().zip(&m) {
            *hi -= left * sinc(left * mi);
        }
    }
    let win = get_window(window, numtaps, true)?;
    for (hi, wi) in h.iter_mut().zip(&win) {
        *hi *= wi;
    }
    let (left, right) = (edges[0], edges[1]);
    let scale_frequency = if left == 0.0 {
        0.0
    } else if right == 1.0 {
        1.0
    } else {
        0.5 * (left + right)
    };
    let hc: Vec<f64> = h.iter().zip(&m).map(|(hi, mi)| hi * (PI * mi * scale_frequency).cos()).collect();
    let s = np_sum(&hc);
    for hi in &mut h {
        *hi /= s;
    }
    Ok(h)
}

/// `scipy.signal.filtfilt(b, 1.0, x)`: odd extension by 3·len(b) samples, `lfilter` forwards
/// and backwards, each started from `lfilter_zi` scaled by the first sample.
pub fn filtfilt_fir(b: &[f64], x: &[f64]) -> Result<Vec<f64>, NodeError> {
    let nb = b.len();
    let edge = 3 * nb;
    if x.len() <= edge {
        return Err(NodeError::new(format!(
            "The length of the input vector x must be greater than padlen, which is {edge} (use fewer taps or more points)"
        )));
    }
    // lfilter_zi for a = [1]: (I − A) zi = b[1:] is upper bidiagonal; LAPACK's back substitution
    // gives the suffix sums, accumulated from the end.
    let mut zi = vec![0.0; nb - 1];
    let mut acc = 0.0;
    for i in (0..nb - 1).rev() {
        acc = if i == nb - 2 { b[i + 1] } else { b[i + 1] + acc };
        zi[i] = acc;
    }
    let n = x.len();
    let mut ext = Vec::with_capacity(n + 2 * edge);
    let (first, last) = (x[0], x[n - 1]);
    ext.extend((1..=edge).rev().map(|k| 2.0 * first - x[k]));
    ext.extend_from_slice(x);
    ext.extend((2..edge + 2).map(|k| 2.0 * last - x[n - k]));
    let forward = lfilter_fir(b, &ext, &zi, ext[0]);
    let y0 = forward[forward.len() - 1];
    let reversed: Vec<f64> = forward.into_iter().rev().collect();
    let backward = lfilter_fir(b, &reversed, &zi, y0);
    Ok(backward[edge..backward.len() - edge].iter().rev().copied().collect())
}

/// `lfilter(b, [1], x, zi=zi*x0)`: the direct convolution (numpy's path for FIR filters), with
/// the initial state added to the first len(b)−1 outputs. O(len(x)·len(b)), no allocation inside.
fn lfilter_fir(b: &[f64], x: &[f64], zi: &[f64], x0: f64) -> Vec<f64> {
    let nb = b.len();
    let rev: Vec<f64> = b.iter().rev().copied().collect();
    let mut out = Vec::with_capacity(x.len());
    for j in 0..x.len() {
        let k = j.min(nb - 1);
        let mut v = dot(&rev[nb - 1 - k..], &x[j - k..=j]);
        if let Some(z) = zi.get(j) {
            v += z * x0;
        }
        out.push(v);
    }
    out
}

/// A dot product with four accumulators (numpy hands this to BLAS `ddot`, which also splits the sum).
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (p, q) in ca.zip(cb) {
        acc[0] += p[0] * q[0];
        acc[1] += p[1] * q[1];
        acc[2] += p[2] * q[2];
        acc[3] += p[3] * q[3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (p, q) in ra.iter().zip(rb) {
        s += p * q;
    }
    s
}
