//! Adaptive quadrature as scipy.integrate.quad / nquad do it for finite bounds (QUADPACK's QAGS
//! idea): 21-point Gauss–Kronrod on each piece, the piece with the largest error bisected until
//! the error estimate is within max(epsabs, epsrel·|I|), scipy's defaults 1.49e-8 each.

/// Kronrod abscissae on [-1, 1] (the positive half; the last is 0) and weights; the Gauss
/// 10-point rule uses the odd-numbered abscissae with `WG`. QUADPACK's qk21 constants.
const XGK: [f64; 11] = [
    0.995_657_163_025_808_1,
    0.973_906_528_517_171_7,
    0.930_157_491_355_708_2,
    0.865_063_366_688_984_5,
    0.780_817_726_586_416_9,
    0.679_409_568_299_024_4,
    0.562_757_134_668_604_7,
    0.433_395_394_129_247_2,
    0.294_392_862_701_460_2,
    0.148_874_338_981_631_2,
    0.0,
];
const WGK: [f64; 11] = [
    0.011_694_638_867_371_874,
    0.032_558_162_307_964_73,
    0.054_755_896_574_352,
    0.075_039_674_810_919_95,
    0.093_125_454_583_697_6,
    0.109_387_158_802_297_64,
    0.123_491_976_262_065_85,
    0.134_709_217_311_473_33,
    0.142_775_938_577_060_08,
    0.147_739_104_901_338_5,
    0.149_445_554_002_916_9,
];
const WG: [f64; 5] = [
    0.066_671_344_308_688_14,
    0.149_451_349_150_580_6,
    0.219_086_362_515_982_04,
    0.269_266_719_309_996_36,
    0.295_524_224_714_752_87,
];

/// scipy's default absolute and relative tolerances.
pub const EPS: f64 = 1.49e-8;
/// scipy's default `limit` of subintervals.
const LIMIT: usize = 50;

/// The 21-point Kronrod estimate on [a, b] and its error (|Kronrod − Gauss|).
fn kronrod(f: &mut impl FnMut(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let (c, h) = ((a + b) / 2.0, (b - a) / 2.0);
    let fc = f(c);
    let (mut k, mut g) = (WGK[10] * fc, 0.0);
    for i in 0..10 {
        let dx = h * XGK[i];
        let s = f(c - dx) + f(c + dx);
        k += WGK[i] * s;
        if i % 2 == 1 {
            g += WG[i / 2] * s;
        }
    }
    (k * h, ((k - g) * h).abs())
}

/// ∫ₐᵇ f(x) dx, adaptively, to within max(`EPS`, `EPS`·|I|) where the estimate allows.
pub fn quad(mut f: impl FnMut(f64) -> f64, a: f64, b: f64) -> f64 {
    if a == b {
        return 0.0;
    }
    let mut pieces = vec![(a, b, kronrod(&mut f, a, b))];
    loop {
        let total: f64 = pieces.iter().map(|p| p.2.0).sum();
        let err: f64 = pieces.iter().map(|p| p.2.1).sum();
        if err <= EPS.max(EPS * total.abs()) || pieces.len() >= LIMIT || !err.is_finite() {
            return total;
        }
        let worst = (0..pieces.len()).max_by(|&i, &j| pieces[i].2.1.total_cmp(&pieces[j].2.1)).unwrap_or(0);
        let (lo, hi, _) = pieces.swap_remove(worst);
        let mid = (lo + hi) / 2.0;
        pieces.push((lo, mid, kronrod(&mut f, lo, mid)));
        pieces.push((mid, hi, kronrod(&mut f, mid, hi)));
    }
}

/// ∫∫ f(x, y) dx dy over x in `xs`, y in `ys` (scipy's nquad with the ranges in that order:
/// x innermost).
pub fn dblquad(f: impl Fn(f64, f64) -> f64, xs: (f64, f64), ys: (f64, f64)) -> f64 {
    quad(|y| quad(|x| f(x, y), xs.0, xs.1), ys.0, ys.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polynomials_up_to_degree_31_are_exact_on_one_piece() {
        // the Kronrod rule on 21 points integrates degree 31 exactly: checks every constant
        for k in 0..=31 {
            let (got, _) = kronrod(&mut |x: f64| x.powi(k), 0.0, 1.0);
            let want = 1.0 / f64::from(k + 1);
            assert!((got - want).abs() < 4e-16, "x^{k}: {got} vs {want}");
        }
        // the Gauss part is exact to degree 19: the error estimate vanishes (checks WG)
        for k in 0..=19 {
            assert!(kronrod(&mut |x: f64| x.powi(k), 0.0, 1.0).1 < 1e-15, "the Gauss rule is exact for x^{k}");
        }
    }

    #[test]
    fn matches_scipy() {
        // scipy.integrate.quad(np.sqrt, 0, 1) = 2/3 (an endpoint singularity in the derivative)
        assert!((quad(f64::sqrt, 0.0, 1.0) - 2.0 / 3.0).abs() < 1e-9);
        assert!((quad(f64::sin, 0.0, std::f64::consts::PI) - 2.0).abs() < 1e-12);
        assert!((quad(|x| (-x * x).exp(), -5.0, 5.0) - std::f64::consts::PI.sqrt()).abs() < 1e-9);
        assert_eq!(quad(f64::exp, 1.0, 1.0), 0.0);
        assert!((quad(|x| x, 1.0, 0.0) + 0.5).abs() < 1e-15, "reversed bounds");
        // nquad(lambda x, y: x*y, [(0, 2), (0, 1)]) = 1
        assert!((dblquad(|x, y| x * y, (0.0, 2.0), (0.0, 1.0)) - 1.0).abs() < 1e-12);
    }
}
