//! numpy's complex arithmetic where its rounding differs from the textbook's (division,
//! absolute value), and the products scipy forms with it.

use rustfft::num_complex::Complex64 as C;

/// numpy's complex division (Smith's algorithm, as in numpy's `CDOUBLE_divide` loop).
pub fn cdiv(a: C, b: C) -> C {
    let (br, bi) = (b.re.abs(), b.im.abs());
    if br >= bi {
        if br == 0.0 && bi == 0.0 {
            C::new(a.re / br, a.im / br)
        } else {
            let rat = b.im / b.re;
            let scl = 1.0 / (b.re + b.im * rat);
            C::new((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl)
        }
    } else {
        let rat = b.re / b.im;
        let scl = 1.0 / (b.im + b.re * rat);
        C::new((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl)
    }
}

/// numpy's `absolute` of complex float64 arrays (its SIMD loop, `simd_cabsolute`): with
/// l = max(|re|, |im|) and s = min, l·√(1 + (s/l)²); an infinite part gives inf, else a NaN
/// part gives NaN. Within an ulp of `hypot` (numpy fuses (s/l)² + 1 where the CPU has FMA), and
/// written without branches so the compiler vectorises it: over a spectrum, `hypot` costs more
/// than the FFT.
pub fn cabs(z: C) -> f64 {
    let (re, im) = (z.re.abs(), z.im.abs());
    let (re, im) = (if im == f64::INFINITY { im } else { re }, if re == f64::INFINITY { re } else { im });
    let nan = re.is_nan() || im.is_nan();
    let (larger, smaller) = if re >= im { (re, im) } else { (im, re) };
    let ratio = if larger == 0.0 || smaller == f64::INFINITY { 0.0 } else { smaller / larger };
    let r = (ratio * ratio + 1.0).sqrt() * larger;
    if nan { f64::NAN } else { r }
}

pub fn real(x: f64) -> C {
    C::new(x, 0.0)
}

/// `np.prod` of complex numbers: a product from the identity, left to right.
pub fn cprod(v: &[C]) -> C {
    v.iter().fold(real(1.0), |acc, z| acc * z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complex_absolute_is_numpys() {
        let inf = f64::INFINITY;
        assert_eq!(cabs(C::new(3.0, -4.0)), 5.0);
        assert_eq!(cabs(C::new(0.0, -0.0)), 0.0);
        assert_eq!(cabs(C::new(-2.5, 0.0)), 2.5);
        assert_eq!(cabs(C::new(inf, f64::NAN)), inf);
        assert_eq!(cabs(C::new(f64::NAN, -inf)), inf);
        assert_eq!(cabs(C::new(inf, -inf)), inf);
        assert!(cabs(C::new(f64::NAN, 1.0)).is_nan() && cabs(C::new(1.0, f64::NAN)).is_nan());
        assert_eq!(cabs(C::new(1e300, 1e300)), 1e300 * 2f64.sqrt(), "no overflow");
        assert!(cabs(C::new(1e-300, 1e-300)) > 0.0, "no underflow");
        for k in 0..1000 {
            let z = C::new((k as f64 * 0.37).sin() * 1e3, (k as f64 * 0.11).cos());
            assert!((cabs(z) - z.norm()).abs() <= 2.0 * f64::EPSILON * z.norm(), "{z}");
        }
    }
}
