//! `scipy.signal.get_window` for the windows Flojoy offers.

use std::f64::consts::PI;

use super::waveform::sinc;
use crate::error::NodeError;
use crate::numeric::array::linspace;

/// `scipy.signal.get_window(name, m, fftbins=!sym)` for the windows Flojoy offers, with scipy's
/// default parameters (tukey α = 0.5, taylor nbar = 4 / sll = 30 / norm, exponential τ = 1).
pub fn get_window(name: &str, m: usize, sym: bool) -> Result<Vec<f64>, NodeError> {
    if m == 0 {
        return Err(NodeError::new(format!(
            "Parameter Nx={m} is not a positive integer (the {name} window needs at least one sample)"
        )));
    }
    if m == 1 {
        return Ok(vec![1.0]);
    }
    let mx = if sym { m } else { m + 1 };
    let mut w = match name {
        "boxcar" => vec![1.0; mx],
        "triang" => triang(mx),
        "blackman" => general_cosine(mx, &[0.42, 0.50, 0.08]),
        "hamming" => general_cosine(mx, &[0.54, 1.0 - 0.54]),
        "hann" => general_cosine(mx, &[0.5, 1.0 - 0.5]),
        "bartlett" => {
            let half = (mx - 1) as f64 / 2.0;
            let d = (mx - 1) as f64;
            (0..mx).map(|i| i as f64).map(|n| if n <= half { 2.0 * n / d } else { 2.0 - 2.0 * n / d }).collect()
        }
        "flattop" => general_cosine(mx, &[0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368]),
        "parzen" => parzen(mx),
        "bohman" => {
            let lin = linspace(-1.0, 1.0, mx);
            let mut w = vec![0.0; mx];
            for (wi, f) in w[1..mx - 1].iter_mut().zip(&lin[1..mx - 1]) {
                let fac = f.abs();
                *wi = (1.0 - fac) * (PI * fac).cos() + 1.0 / PI * (PI * fac).sin();
            }
            w
        }
        "blackmanharris" => general_cosine(mx, &[0.35875, 0.48829, 0.14128, 0.01168]),
        "nuttall" => general_cosine(mx, &[0.3635819, 0.4891775, 0.1365995, 0.0106411]),
        "barthann" => (0..mx)
            .map(|n| {
                let fac = (n as f64 / (mx as f64 - 1.0) - 0.5).abs();
                0.62 - 0.48 * fac + 0.38 * (2.0 * PI * fac).cos()
            })
            .collect(),
        "cosine" => (0..mx).map(|n| (PI / mx as f64 * (n as f64 + 0.5)).sin()).collect(),
        "exponential" => {
            let center = (mx - 1) as f64 / 2.0;
            (0..mx).map(|n| (-(n as f64 - center).abs() / 1.0).exp()).collect()
        }
        "tukey" => tukey(mx, 0.5),
        "taylor" => taylor(mx),
        "lanczos" => lanczos(mx),
        other => return Err(NodeError::new(format!("Invalid window name '{other}'"))),
    };
    if !sym {
        w.truncate(m);
    }
    Ok(w)
}

/// scipy's `w = 0; for k: w += a[k]·cos(k·fac)`, fac = linspace(−π, π, m): the same sums in the
/// same order, element by element, written over fac.
fn general_cosine(m: usize, a: &[f64]) -> Vec<f64> {
    let mut w = linspace(-PI, PI, m);
    for wi in &mut w {
        let f = *wi;
        *wi = a.iter().enumerate().fold(0.0, |acc, (k, ak)| {
            // cos(0·fac) = 1 exactly: skip a million cosines
            acc + if k == 0 { *ak } else { ak * (k as f64 * f).cos() }
        });
    }
    w
}

pub fn triang(m: usize) -> Vec<f64> {
    let n: Vec<f64> = (1..=m.div_ceil(2)).map(|i| i as f64).collect();
    let half: Vec<f64> = if m.is_multiple_of(2) {
        n.iter().map(|n| (2.0 * n - 1.0) / m as f64).collect()
    } else {
        n.iter().map(|n| 2.0 * n / (m as f64 + 1.0)).collect()
    };
    let mirrored = if m.is_multiple_of(2) { &half[..] } else { &half[..half.len() - 1] };
    half.iter().chain(mirrored.iter().rev()).copied().collect()
}

pub fn parzen(m: usize) -> Vec<f64> {
    let start = -((m - 1) as f64) / 2.0;
    let quarter = (m - 1) as f64 / 4.0;
    let half = m as f64 / 2.0;
    (0..m)
        .map(|i| {
            let a = (start + i as f64).abs();
            if a <= quarter {
                let r = a / half;
                1.0 - 6.0 * (r * r) + 6.0 * r.powf(3.0)
            } else {
                2.0 * (1.0 - a / half).powf(3.0)
            }
        })
        .collect()
}

pub fn tukey(m: usize, alpha: f64) -> Vec<f64> {
    let d = (m - 1) as f64;
    let width = (alpha * d / 2.0).floor() as usize;
    let n1_end = (width + 1).min(m);
    let n3_start = m.saturating_sub(width + 1);
    let mut w = Vec::with_capacity(m + width + 1);
    w.extend((0..n1_end).map(|n| 0.5 * (1.0 + (PI * (-1.0 + 2.0 * n as f64 / alpha / d)).cos())));
    w.extend((n1_end..n3_start.max(n1_end)).map(|_| 1.0));
    w.extend((n3_start..m).map(|n| 0.5 * (1.0 + (PI * (-2.0 / alpha + 1.0 + 2.0 * n as f64 / alpha / d)).cos())));
    w
}

pub fn taylor(m: usize) -> Vec<f64> {
    const NBAR: usize = 4;
    let b = 10f64.powf(30.0 / 20.0);
    let a = b.acosh() / PI;
    let a2 = a * a;
    let s2 = (NBAR * NBAR) as f64 / (a2 + (NBAR as f64 - 0.5) * (NBAR as f64 - 0.5));
    let ma: Vec<f64> = (1..NBAR).map(|i| i as f64).collect();
    let m2: Vec<f64> = ma.iter().map(|x| x * x).collect();
    let fm: Vec<f64> = (0..ma.len())
        .map(|mi| {
            let sign = if mi % 2 == 0 { 1.0 } else { -1.0 };
            let numer = sign * ma.iter().fold(1.0, |p, mk| p * (1.0 - m2[mi] / s2 / (a2 + (mk - 0.5) * (mk - 0.5))));
            let before = m2[..mi].iter().fold(1.0, |p, x| p * (1.0 - m2[mi] / x));
            let after = m2[mi + 1..].iter().fold(1.0, |p, x| p * (1.0 - m2[mi] / x));
            numer / (2.0 * before * after)
        })
        .collect();
    let mf = m as f64;
    let big_w = |n: f64| {
        let dot = fm.iter().zip(&ma).fold(0.0, |s, (f, mk)| s + f * (2.0 * PI * mk * (n - mf / 2.0 + 0.5) / mf).cos());
        1.0 + 2.0 * dot
    };
    let scale = 1.0 / big_w((mf - 1.0) / 2.0);
    (0..m).map(|n| big_w(n as f64) * scale).collect()
}

pub fn lanczos(m: usize) -> Vec<f64> {
    let d = (m - 1) as f64;
    let right = |from: f64| -> Vec<f64> {
        let count = (m as f64 - from).ceil().max(0.0) as usize;
        (0..count).map(|i| sinc(2.0 * (from + i as f64) / d - 1.0)).collect()
    };
    let wh = if m.is_multiple_of(2) { right(m as f64 / 2.0) } else { right((m as f64 + 1.0) / 2.0) };
    let mut w: Vec<f64> = wh.iter().rev().copied().collect();
    if m % 2 == 1 {
        w.push(1.0);
    }
    w.extend_from_slice(&wh);
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_have_scipy_values() {
        // scipy.signal.get_window("hann", 4) = [0, 0.5, 1, 0.5]; triang(5, sym) = [1/3, 2/3, 1, 2/3, 1/3]
        let w = get_window("hann", 4, false).unwrap();
        assert!((w[1] - 0.5).abs() < 1e-15 && (w[2] - 1.0).abs() < 1e-15 && w[0].abs() < 1e-15);
        let t = get_window("triang", 5, true).unwrap();
        assert!((t[0] - 1.0 / 3.0).abs() < 1e-15 && (t[2] - 1.0).abs() < 1e-15);
        assert!(get_window("hann", 0, false).is_err());
    }

    #[test]
    fn cosine_windows_sum_as_scipy_does() {
        // scipy's loop: w = zeros; for k: w += a[k]·cos(k·fac), one whole array per k
        for a in
            [&[0.5, 0.5][..], &[0.42, 0.50, 0.08], &[0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368]]
        {
            let fac = linspace(-PI, PI, 1001);
            let mut want = vec![0.0; fac.len()];
            for (k, ak) in a.iter().enumerate() {
                for (w, f) in want.iter_mut().zip(&fac) {
                    *w += if k == 0 { *ak } else { ak * (k as f64 * f).cos() };
                }
            }
            let got = general_cosine(1001, a);
            assert!(got.iter().zip(&want).all(|(g, w)| g.to_bits() == w.to_bits()), "{a:?}");
        }
    }
}
