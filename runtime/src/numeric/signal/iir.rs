//! Butterworth filters as second-order sections (`scipy.signal.butter(output="sos")`, with
//! `zpk2sos`'s pairing), and `sosfilt`.

use std::f64::consts::PI;

use rustfft::num_complex::Complex64 as C;

use crate::error::NodeError;
use crate::numeric::complex::{cdiv, cprod, real};
use crate::numeric::python::float_repr;

/// `scipy.signal.butter(n, wn, btype, fs=fs, output="sos")` for a single critical frequency.
pub fn butter_sos(n: i64, wn: f64, btype: &str, fs: f64) -> Result<Vec<[f64; 6]>, NodeError> {
    let w = wn / (fs / 2.0);
    if w <= 0.0 || w.is_nan() {
        return Err(NodeError::new(format!(
            "filter critical frequencies must be greater than 0 (critical_frequency {} with sample_rate {})",
            float_repr(wn),
            float_repr(fs)
        )));
    }
    if n < 0 {
        return Err(NodeError::new(format!("Filter order must be a nonnegative integer (filter_order is {n})")));
    }
    if w >= 1.0 {
        return Err(NodeError::new(format!(
            "Digital filter critical frequencies must be 0 < Wn < fs/2 (fs={} -> fs/2={}): lower critical_frequency or raise sample_rate",
            float_repr(fs),
            float_repr(fs / 2.0)
        )));
    }
    if matches!(btype, "bandpass" | "bandstop") {
        return Err(NodeError::new(
            "Wn must specify start and stop frequencies for bandpass or bandstop filter \
             (BUTTER's critical_frequency is a single number, as in Flojoy, so only lowpass and highpass work)",
        ));
    }
    let n = usize::try_from(n).map_err(|_| NodeError::new("filter order out of range"))?;
    if n > 500 {
        return Err(NodeError::new(format!("parameter 'filter_order' is too large: {n} (at most 500)")));
    }
    // buttap(N): p = -exp(1j·π·m/(2N)), m = -N+1, -N+3, …, N-1 (numpy's complex ops, exactly)
    let scl = 1.0 / (2 * n) as f64;
    let p: Vec<C> = (0..n)
        .map(|i| {
            let m = -(n as f64) + 1.0 + 2.0 * i as f64;
            let theta = (PI * m) * scl;
            -C::new(theta.cos(), theta.sin())
        })
        .collect();
    let fs2 = 4.0;
    let warped = 2.0 * 2.0 * (PI * w / 2.0).tan();
    let (z, p, k): (Vec<C>, Vec<C>, f64) = if btype == "highpass" {
        // lp2hp_zpk
        let p_hp: Vec<C> = p.iter().map(|pi| cdiv(real(warped), *pi)).collect();
        let neg: Vec<C> = p.iter().map(|pi| -pi).collect();
        let k = cdiv(real(1.0), cprod(&neg)).re;
        (vec![real(0.0); n], p_hp, k)
    } else {
        // lp2lp_zpk
        let p_lp: Vec<C> = p.iter().map(|pi| real(warped) * pi).collect();
        (Vec::new(), p_lp, warped.powf(n as f64))
    };
    // bilinear_zpk with fs = 2
    let degree = p.len() - z.len();
    let mut z_z: Vec<C> = z.iter().map(|zi| cdiv(real(fs2) + zi, real(fs2) - zi)).collect();
    let p_z: Vec<C> = p.iter().map(|pi| cdiv(real(fs2) + pi, real(fs2) - pi)).collect();
    z_z.extend(std::iter::repeat_n(real(-1.0), degree));
    let num = if z.is_empty() { real(1.0) } else { real(z.iter().fold(1.0, |a, zi| a * (fs2 - zi.re))) };
    let den = cprod(&p.iter().map(|pi| real(fs2) - pi).collect::<Vec<_>>());
    let k_z = k * cdiv(num, den).re;
    zpk2sos(z_z, p_z, k_z)
}

/// scipy's `_cplxreal`: complex values with positive imaginary part (one per conjugate pair,
/// averaged) and the real values, each sorted as scipy sorts them.
fn cplxreal(z: &[C]) -> Result<(Vec<C>, Vec<f64>), NodeError> {
    let tol = 100.0 * f64::EPSILON;
    let mut z = z.to_vec();
    z.sort_by(|a, b| a.re.total_cmp(&b.re).then(a.im.abs().total_cmp(&b.im.abs())));
    let is_real = |c: &C| c.im.abs() <= tol * c.norm();
    let zr: Vec<f64> = z.iter().filter(|c| is_real(c)).map(|c| c.re).collect();
    if zr.len() == z.len() {
        return Ok((Vec::new(), zr));
    }
    let rest: Vec<C> = z.iter().filter(|c| !is_real(c)).copied().collect();
    let mut zp: Vec<C> = rest.iter().filter(|c| c.im > 0.0).copied().collect();
    let mut zn: Vec<C> = rest.iter().filter(|c| c.im < 0.0).copied().collect();
    let no_match = || NodeError::new("Array contains complex value with no matching conjugate.");
    if zp.len() != zn.len() {
        return Err(no_match());
    }
    // runs of (nearly) equal real parts are sorted by |imag|
    let mut start = 0;
    while start < zp.len() {
        let mut stop = start;
        while stop + 1 < zp.len() && zp[stop + 1].re - zp[stop].re <= tol * zp[stop].norm() {
            stop += 1;
        }
        if stop > start {
            zp[start..=stop].sort_by(|a, b| a.im.abs().total_cmp(&b.im.abs()));
            zn[start..=stop].sort_by(|a, b| a.im.abs().total_cmp(&b.im.abs()));
        }
        start = stop + 1;
    }
    if zp.iter().zip(&zn).any(|(a, b)| (a - b.conj()).norm() > tol * b.norm()) {
        return Err(no_match());
    }
    Ok((zp.iter().zip(&zn).map(|(a, b)| cdiv(a + b.conj(), real(2.0))).collect(), zr))
}

/// scipy's `_nearest_real_complex_idx` (a stable argsort of the distances).
fn nearest(fro: &[C], to: C, which: &str) -> Result<usize, NodeError> {
    let mut order: Vec<usize> = (0..fro.len()).collect();
    order.sort_by(|&a, &b| (fro[a] - to).norm().total_cmp(&(fro[b] - to).norm()));
    order
        .into_iter()
        .find(|&i| match which {
            "real" => fro[i].im == 0.0,
            "complex" => fro[i].im != 0.0,
            _ => true,
        })
        .ok_or_else(|| NodeError::new("zpk2sos: no zero left to pair with a pole"))
}

/// `np.poly` of up to two roots, real part (the roots come in conjugate or real pairs).
fn poly(roots: &[C]) -> Vec<f64> {
    let mut a = vec![real(1.0)];
    for r in roots {
        let mut next = vec![real(0.0); a.len() + 1];
        for (i, ai) in a.iter().enumerate() {
            next[i] += ai * real(1.0);
            next[i + 1] += ai * -r;
        }
        a = next;
    }
    a.iter().map(|c| c.re).collect()
}

fn single_zpksos(z: &[C], p: &[C]) -> [f64; 6] {
    let mut sos = [0.0; 6];
    let (b, a) = (poly(z), poly(p));
    sos[3 - b.len()..3].copy_from_slice(&b);
    sos[6 - a.len()..6].copy_from_slice(&a);
    sos
}

/// `scipy.signal.zpk2sos(z, p, k)` with its default digital pairing, "nearest".
fn zpk2sos(mut z: Vec<C>, mut p: Vec<C>, k: f64) -> Result<Vec<[f64; 6]>, NodeError> {
    if z.is_empty() && p.is_empty() {
        return Ok(vec![[k, 0.0, 0.0, 1.0, 0.0, 0.0]]);
    }
    while p.len() < z.len() {
        p.push(real(0.0));
    }
    while z.len() < p.len() {
        z.push(real(0.0));
    }
    let n_sections = p.len().div_ceil(2);
    if p.len() % 2 == 1 {
        p.push(real(0.0));
        z.push(real(0.0));
    }
    let join = |(c, r): (Vec<C>, Vec<f64>)| c.into_iter().chain(r.into_iter().map(real)).collect::<Vec<C>>();
    let mut z = join(cplxreal(&z)?);
    let mut p = join(cplxreal(&p)?);
    let isreal = |c: &C| c.im == 0.0;
    let idx_worst = |v: &[C]| -> usize {
        let mut best = 0;
        for (i, c) in v.iter().enumerate() {
            if (1.0 - c.norm()).abs() < (1.0 - v[best].norm()).abs() {
                best = i;
            }
        }
        best
    };
    let mut sos = vec![[0.0; 6]; n_sections];
    for si in (0..n_sections).rev() {
        if p.is_empty() {
            return Err(NodeError::new("zpk2sos: ran out of poles"));
        }
        let p1 = p.remove(idx_worst(&p));
        let real_p = p.iter().filter(|c| isreal(c)).count();
        if isreal(&p1) && real_p == 0 {
            let z1 = z.remove(nearest(&z, p1, "real")?);
            sos[si] = single_zpksos(&[z1, real(0.0)], &[p1, real(0.0)]);
        } else if p.len() + 1 == z.len() && !isreal(&p1) && real_p == 1 && z.iter().filter(|c| isreal(c)).count() == 1 {
            let z1 = z.remove(nearest(&z, p1, "complex")?);
            sos[si] = single_zpksos(&[z1, z1.conj()], &[p1, p1.conj()]);
        } else {
            let p2 = if isreal(&p1) {
                let reals: Vec<usize> = (0..p.len()).filter(|&i| isreal(&p[i])).collect();
                let sub: Vec<C> = reals.iter().map(|&i| p[i]).collect();
                p.remove(reals[idx_worst(&sub)])
            } else {
                p1.conj()
            };
            if z.is_empty() {
                sos[si] = single_zpksos(&[], &[p1, p2]);
            } else {
                let z1 = z.remove(nearest(&z, p1, "any")?);
                if !isreal(&z1) {
                    sos[si] = single_zpksos(&[z1, z1.conj()], &[p1, p2]);
                } else if !z.is_empty() {
                    let z2 = z.remove(nearest(&z, p1, "real")?);
                    sos[si] = single_zpksos(&[z1, z2], &[p1, p2]);
                } else {
                    sos[si] = single_zpksos(&[z1], &[p1, p2]);
                }
            }
        }
    }
    for c in &mut sos[0][..3] {
        *c *= k;
    }
    Ok(sos)
}

/// `scipy.signal.sosfilt(sos, x)`: cascaded direct form II transposed sections, zero start.
///
/// A section's output depends only on its input, so the sections are applied in groups of up to
/// four, each group over the whole signal (in place) with its coefficients and state in
/// registers. Within a group a sample goes through the sections in turn, which lets the CPU
/// overlap one section's recurrence with the next; the arithmetic is scipy's, in its order.
pub fn sosfilt(sos: &[[f64; 6]], x: &[f64]) -> Vec<f64> {
    let mut y = x.to_vec();
    for group in sos.chunks(4) {
        match group {
            [a] => sections(&[*a], &mut y),
            [a, b] => sections(&[*a, *b], &mut y),
            [a, b, c] => sections(&[*a, *b, *c], &mut y),
            [a, b, c, d] => sections(&[*a, *b, *c, *d], &mut y),
            _ => {} // chunks(4) gives 1 to 4
        }
    }
    y
}

pub fn sections<const N: usize>(sos: &[[f64; 6]; N], y: &mut [f64]) {
    let mut z = [[0.0f64; 2]; N];
    for v in y {
        let mut cur = *v;
        for (s, z) in sos.iter().zip(z.iter_mut()) {
            let new = s[0] * cur + z[0];
            z[0] = s[1] * cur - s[4] * new + z[1];
            z[1] = s[2] * cur - s[5] * new;
            cur = new;
        }
        *v = cur;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn butter_sections_match_scipy() {
        // signal.butter(4, 5, fs=50, output="sos")
        let sos = butter_sos(4, 5.0, "lowpass", 50.0).unwrap();
        let want = [
            [
                0.00482434335771623,
                0.00964868671543246,
                0.00482434335771623,
                1.0,
                -1.0485995763626117,
                0.2961403575616696,
            ],
            [1.0, 2.0, 1.0, 1.0, -1.3209134308194264, 0.6327387928852766],
        ];
        for (s, w) in sos.iter().zip(&want) {
            for (a, b) in s.iter().zip(w) {
                assert!((a - b).abs() < 1e-15, "{sos:?}");
            }
        }
        // signal.butter(3, 2, btype="highpass", fs=10, output="sos"): the odd pole pairs with a zero
        let sos = butter_sos(3, 2.0, "highpass", 10.0).unwrap();
        let want = [
            [0.2569156012484633, -0.5138312024969266, 0.2569156012484633, 1.0, -0.15838444032453627, 0.0],
            [1.0, -1.0, 0.0, 1.0, -0.4188560844817663, 0.3554467621723904],
        ];
        for (s, w) in sos.iter().zip(&want) {
            for (a, b) in s.iter().zip(w) {
                assert!((a - b).abs() < 1e-15, "{sos:?}");
            }
        }
    }

    #[test]
    fn sosfilt_in_groups_is_the_sample_by_sample_cascade() {
        // the textbook loop (scipy's): every sample through every section, state in memory
        fn reference(sos: &[[f64; 6]], x: &[f64]) -> Vec<f64> {
            let mut zi = vec![[0.0f64; 2]; sos.len()];
            x.iter()
                .map(|&xn| {
                    let mut cur = xn;
                    for (s, z) in sos.iter().zip(zi.iter_mut()) {
                        let new = s[0] * cur + z[0];
                        z[0] = s[1] * cur - s[4] * new + z[1];
                        z[1] = s[2] * cur - s[5] * new;
                        cur = new;
                    }
                    cur
                })
                .collect()
        }
        let x: Vec<f64> = (0..2000).map(|i| (i as f64 * 0.05).sin() + ((i * 7919) % 13) as f64 / 13.0).collect();
        for order in 1..=19 {
            let sos = butter_sos(order, 3.0, "lowpass", 50.0).unwrap();
            let (got, want) = (sosfilt(&sos, &x), reference(&sos, &x));
            assert!(got.iter().zip(&want).all(|(a, b)| a.to_bits() == b.to_bits()), "order {order}");
        }
    }
}
