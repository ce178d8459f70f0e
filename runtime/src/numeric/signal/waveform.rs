//! Waveforms: scipy.signal's `sawtooth` and `square`, numpy's `sinc`, and a vectorised sine.

use std::f64::consts::PI;

/// `scipy.signal.sawtooth(t, width)`.
pub fn sawtooth(t: f64, width: f64) -> f64 {
    let tau = std::f64::consts::TAU;
    let pi = std::f64::consts::PI;
    if !(0.0..=1.0).contains(&width) {
        return f64::NAN;
    }
    let tmod = t.rem_euclid(tau);
    if tmod < width * tau { tmod / (pi * width) - 1.0 } else { (pi * (width + 1.0) - tmod) / (pi * (1.0 - width)) }
}

/// `scipy.signal.square(t, duty=0.5)`.
pub fn square(t: f64) -> f64 {
    let tmod = t.rem_euclid(std::f64::consts::TAU);
    if tmod < 0.5 * std::f64::consts::TAU { 1.0 } else { -1.0 }
}

/// Above this |x| the fast sine's range reduction loses accuracy: `sin_all` falls back to
/// `f64::sin` (fdlibm's medium-size reduction bound, 2^20 · π/2).
const FAST_SIN_LIMIT: f64 = 1_647_099.0;

/// `sin` of every value, in place, to within an ulp or so of `f64::sin`. The same steps as
/// fdlibm's `sin` (reduction by π/2 in three parts, its sine and cosine kernels on
/// [-π/4, π/4]), but with no branch per value, so the loop is vectorised (two lanes with
/// wasm's simd128): in the browser `f64::sin` is a software routine called per value, 2.5×
/// slower than numpy; this is as fast as numpy there. Out-of-range values (large, inf, NaN)
/// take the plain path.
#[allow(clippy::excessive_precision)] // fdlibm's constants, digit for digit
pub fn sin_all(xs: &mut [f64]) {
    if !xs.iter().all(|x| x.abs() < FAST_SIN_LIMIT) {
        xs.iter_mut().for_each(|x| *x = x.sin());
        return;
    }
    // fdlibm's π/2 in three 33-bit parts (each n·PIO2_k is exact for n < 2^20)
    const INV_PIO2: f64 = std::f64::consts::FRAC_2_PI;
    const PIO2_1: f64 = 1.570_796_326_734_125_614_17e0;
    const PIO2_2: f64 = 6.077_100_506_303_965_976_60e-11;
    const PIO2_3: f64 = 2.022_266_248_711_166_455_80e-21;
    const PIO2_3T: f64 = 8.478_427_660_368_899_569_97e-32;
    // fdlibm's __kernel_sin and __kernel_cos coefficients
    const S1: f64 = -1.666_666_666_666_663_243_48e-1;
    const S2: f64 = 8.333_333_333_322_489_461_09e-3;
    const S3: f64 = -1.984_126_982_985_794_931_18e-4;
    const S4: f64 = 2.755_731_370_707_006_767_89e-6;
    const S5: f64 = -2.505_076_025_340_686_341_9e-8;
    const S6: f64 = 1.589_690_995_211_550_102_97e-10;
    const C1: f64 = 4.166_666_666_666_660_190_37e-2;
    const C2: f64 = -1.388_888_888_887_410_957_49e-3;
    const C3: f64 = 2.480_158_728_947_672_941_65e-5;
    const C4: f64 = -2.755_731_435_139_066_330_35e-7;
    const C5: f64 = 2.087_572_321_298_174_827_31e-9;
    const C6: f64 = -1.135_964_755_778_819_478_87e-11;
    for x in xs.iter_mut() {
        let n = (*x * INV_PIO2).round_ties_even();
        let r = ((*x - n * PIO2_1) - n * PIO2_2) - n * PIO2_3;
        let r = r - n * PIO2_3T;
        let z = r * r;
        let s = r + r * z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
        let hz = 0.5 * z;
        let w = 1.0 - hz;
        let c = w + (((1.0 - w) - hz) + z * z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6))))));
        // the quadrant n mod 4: 0 → sin r, 1 → cos r, 2 → -sin r, 3 → -cos r
        let q = n - 4.0 * (n * 0.25).floor();
        let v = if q == 1.0 || q == 3.0 { c } else { s };
        *x = if q >= 2.0 { -v } else { v };
    }
}

/// numpy's `sinc`: sin(πx)/(πx), with x = 0 replaced by 1e-20.
pub fn sinc(x: f64) -> f64 {
    let y = PI * if x == 0.0 { 1.0e-20 } else { x };
    y.sin() / y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sin_all_agrees_with_sin_to_an_ulp_or_two() {
        let mut xs: Vec<f64> = Vec::new();
        // a dense sweep, the quadrant boundaries and their neighbours, a noisy-sine argument
        // range, and large values up to the fast path's limit
        xs.extend((-20_000..20_000).map(|i| i as f64 * 0.000_37));
        for k in -1000..1000 {
            let b = k as f64 * std::f64::consts::FRAC_PI_2;
            xs.extend([b, b.next_up(), b.next_down(), b + 1e-9, b - 1e-9]);
        }
        xs.extend((0..100_000).map(|i| std::f64::consts::TAU * 3.7 * (i as f64 / 99_999.0)));
        xs.extend((0..10_000).map(|i| 1_600_000.0 * (i as f64 / 9_999.0) - 800_000.0 + 0.123));
        let mut got = xs.clone();
        sin_all(&mut got);
        for (x, g) in xs.iter().zip(&got) {
            let want = x.sin();
            let tol = 2.0 * f64::EPSILON * want.abs().max(f64::MIN_POSITIVE) + 1e-16 * (1.0 + x.abs() / 1e5);
            assert!((g - want).abs() <= tol, "sin({x:e}) = {want:e}, fast {g:e}");
        }
    }

    #[test]
    fn sin_all_falls_back_for_large_and_non_finite_values() {
        let mut xs = vec![0.5, 1e7, f64::INFINITY, f64::NAN, -3e9];
        sin_all(&mut xs);
        assert_eq!(xs[0], 0.5f64.sin());
        assert_eq!(xs[1], 1e7f64.sin());
        assert!(xs[2].is_nan() && xs[3].is_nan());
        assert_eq!(xs[4], (-3e9f64).sin());
    }
}
