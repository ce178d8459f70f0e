//! numpy's array basics: `linspace`, `arange`, the numbers a container holds, broadcasting,
//! numpy's pairwise `sum`, `divmod`, `max`/`min`, `reshape`'s dimensions and the cast to uint8.

use super::MAX_COUNT;
use super::sort::unique_axis;
use crate::error::NodeError;
use crate::value::convert::axis_numbers;
use crate::value::{ColumnData, Matrix, Value};

/// An OrderedTriple laid out on a grid as ORDERED_TRIPLE_2_SURFACE does (SURFACE3D and HEATMAP
/// the same): the axes are `np.unique` of x and y (numbers or text), and z, which must hold
/// numbers, is cut or padded with zeros to len(y) × len(x), row by row. `node` names the node
/// in the errors.
pub fn triple_grid(
    x: &ColumnData,
    y: &ColumnData,
    z: &ColumnData,
    node: &str,
) -> Result<(ColumnData, ColumnData, Matrix), NodeError> {
    let z = axis_numbers(z, "z", node)?;
    let (ux, uy) = (unique_axis(x), unique_axis(y));
    let size = ux.len().saturating_mul(uy.len());
    if size > MAX_COUNT {
        return Err(NodeError(format!(
            "the grid of {} unique x by {} unique y values is too large ({size} points, at most {MAX_COUNT})",
            ux.len(),
            uy.len()
        )));
    }
    let mut data: Vec<f64> = z.iter().copied().take(size).collect();
    data.resize(size, 0.0);
    let grid = Matrix { rows: uy.len(), cols: ux.len(), data };
    Ok((ux, uy, grid))
}

/// `np.linspace(start, stop, num)`: `start + i*step`, last point exactly `stop`.
pub fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 0 {
        return Vec::new();
    }
    if num == 1 {
        return vec![start];
    }
    let div = (num - 1) as f64;
    let delta = stop - start;
    let step = delta / div;
    let mut v: Vec<f64> = if step == 0.0 {
        (0..num).map(|i| (i as f64 / div) * delta + start).collect()
    } else {
        (0..num).map(|i| i as f64 * step + start).collect()
    };
    v[num - 1] = stop;
    v
}

/// `np.arange(0, n)` as floats.
pub fn arange(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64).collect()
}

/// The numeric payload numpy would see: OrderedPair → y, Scalar → [c], Vector → v.
/// Returns the values and whether they came from a Scalar (a 0-d array in numpy).
pub fn numbers(v: &Value) -> Option<(&[f64], bool)> {
    match v {
        Value::OrderedPair { y, .. } => Some((y, false)),
        Value::Vector { v } => Some((v, false)),
        Value::Scalar { c } => Some((std::slice::from_ref(c), true)),
        _ => None,
    }
}

/// numpy broadcasting of two 1-D arrays (or scalars) through `f`.
pub fn broadcast(
    a: &[f64],
    a_scalar: bool,
    b: &[f64],
    b_scalar: bool,
    f: impl Fn(f64, f64) -> f64,
) -> Result<Vec<f64>, NodeError> {
    let (n, m) = (a.len(), b.len());
    if n == m {
        Ok(a.iter().zip(b).map(|(x, y)| f(*x, *y)).collect())
    } else if m == 1 || b_scalar {
        let y = b.first().copied().unwrap_or(f64::NAN);
        Ok(a.iter().map(|x| f(*x, y)).collect())
    } else if n == 1 || a_scalar {
        let x = a.first().copied().unwrap_or(f64::NAN);
        Ok(b.iter().map(|y| f(x, *y)).collect())
    } else {
        Err(NodeError(format!("operands could not be broadcast together with shapes ({n},) ({m},)")))
    }
}

/// `np.sum` of a contiguous float64 array: numpy's pairwise summation (blocks of 128 summed
/// with 8 accumulators).
pub fn np_sum(a: &[f64]) -> f64 {
    fn pairwise(a: &[f64]) -> f64 {
        let n = a.len();
        if n < 8 {
            a.iter().fold(0.0, |s, x| s + x)
        } else if n <= 128 {
            let mut r = [0.0; 8];
            r.copy_from_slice(&a[..8]);
            let mut i = 8;
            while i < n - n % 8 {
                for (j, rj) in r.iter_mut().enumerate() {
                    *rj += a[i + j];
                }
                i += 8;
            }
            let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for x in &a[i..] {
                res += x;
            }
            res
        } else {
            let mut n2 = n / 2;
            n2 -= n2 % 8;
            pairwise(&a[..n2]) + pairwise(&a[n2..])
        }
    }
    0.0 + pairwise(a)
}

/// numpy's `npy_divmod`: (floor quotient, remainder with the divisor's sign).
pub fn divmod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    if b == 0.0 {
        return (a / b, m);
    }
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0f64.copysign(a / b)
    };
    (floordiv, m)
}

/// `np.clip(x, lo, hi)` of one value, as numpy 2 computes it. With both bounds: NaN in x or in
/// a bound gives NaN, a tie keeps x (`-0.0` clipped to [0, 1] stays `-0.0`), and lo > hi gives
/// hi. With one bound it is `np.maximum(x, lo)` or `np.minimum(x, hi)`: NaN propagates and a tie
/// gives the bound. With none, x.
pub fn clip(x: f64, lo: Option<f64>, hi: Option<f64>) -> f64 {
    match (lo, hi) {
        (Some(lo), Some(hi)) => {
            if x.is_nan() || lo.is_nan() || hi.is_nan() {
                return f64::NAN;
            }
            let raised = if x < lo { lo } else { x };
            if raised > hi { hi } else { raised }
        }
        (Some(lo), None) if x.is_nan() || lo.is_nan() => f64::NAN,
        (Some(lo), None) => {
            if x > lo {
                x
            } else {
                lo
            }
        }
        (None, Some(hi)) if x.is_nan() || hi.is_nan() => f64::NAN,
        (None, Some(hi)) => {
            if x < hi {
                x
            } else {
                hi
            }
        }
        (None, None) => x,
    }
}

/// numpy's max/min: NaN wins; an empty array is an error.
pub fn np_extreme(v: &[f64], max: bool) -> Result<f64, NodeError> {
    let first = *v.first().ok_or_else(|| {
        NodeError(format!(
            "zero-size array to reduction operation {} which has no identity",
            if max { "maximum" } else { "minimum" }
        ))
    })?;
    Ok(v.iter().skip(1).fold(first, |acc, &x| {
        if acc.is_nan() || x.is_nan() {
            f64::NAN
        } else if (max && x > acc) || (!max && x < acc) {
            x
        } else {
            acc
        }
    }))
}

/// numpy's `reshape((rows, cols))` of `n` elements: one negative dimension is inferred.
pub fn reshape_dims(n: usize, rows: i64, cols: i64) -> Result<(usize, usize), NodeError> {
    let fail = |shape: String| NodeError(format!("cannot reshape array of size {n} into shape {shape}"));
    let max = super::MAX_COUNT as i64;
    if rows > max || cols > max {
        // an empty Vector fits 0 × anything; a huge dimension would make later nodes loop for ages
        return Err(NodeError(format!("row and col must be at most {max}, got ({rows},{cols})")));
    }
    match (rows < 0, cols < 0) {
        (true, true) => Err(NodeError::new("can only specify one unknown dimension")),
        (true, false) | (false, true) => {
            let known = if rows < 0 { cols } else { rows };
            if known == 0 || !(n as u64).is_multiple_of(known as u64) {
                return Err(fail(if rows < 0 { format!("({known})") } else { format!("({known},newaxis)") }));
            }
            let other = n / known as usize;
            Ok(if rows < 0 { (other, known as usize) } else { (known as usize, other) })
        }
        (false, false) => {
            if (rows as u128) * (cols as u128) != n as u128 {
                return Err(fail(format!("({rows},{cols})")));
            }
            Ok((rows as usize, cols as usize))
        }
    }
}

/// Whether every value is a whole number in 0..=255: what a uint8 image holds. Our channels are
/// f64, so this stands in for numpy's `dtype == uint8` test.
pub fn is_u8(m: &Matrix) -> bool {
    m.data.iter().all(|v| v.fract() == 0.0 && (0.0..=255.0).contains(v))
}

/// numpy's cast of a float to uint8 (`astype(np.uint8)` on x86-64): truncation toward zero, then
/// the low 8 bits; NaN and values beyond 64 bits give 0.
pub fn np_u8(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= 9.2e18 {
        return 0.0;
    }
    ((x.trunc() as i64).rem_euclid(256)) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_triple_of_text_lies_on_its_sorted_categories() {
        let text = |v: &[&str]| ColumnData::Text(v.iter().map(|s| s.to_string()).collect());
        // numpy: x = np.unique(["N","E","N","S"]) → E N S; y = np.unique(["1","0","1","0"]) → 0 1;
        // z = np.pad([1,2,3,4], (0, 2)).reshape(2, 3)
        let (x, y, z) = triple_grid(
            &text(&["N", "E", "N", "S"]),
            &text(&["1", "0", "1", "0"]),
            &ColumnData::Num(vec![1.0, 2.0, 3.0, 4.0]),
            "NODE",
        )
        .unwrap();
        assert_eq!((x, y), (text(&["E", "N", "S"]), text(&["0", "1"])));
        assert_eq!(z, Matrix::new(2, 3, vec![1.0, 2.0, 3.0, 4.0, 0.0, 0.0]).unwrap());
        let e = triple_grid(&text(&["a"]), &text(&["b"]), &text(&["c"]), "NODE").unwrap_err();
        assert_eq!(e.0, "the z axis holds text; NODE needs numbers there");
    }

    #[test]
    fn linspace_matches_numpy() {
        // np.linspace(10, 0, 1000)[:2] = [10., 9.98998999]
        let v = linspace(10.0, 0.0, 1000);
        assert_eq!(v[0], 10.0);
        assert!((v[1] - 9.989_989_989_989_99).abs() < 1e-12);
        assert_eq!(v[999], 0.0);
        assert_eq!(linspace(0.0, 1.0, 1), vec![0.0]);
        assert!(linspace(0.0, 1.0, 0).is_empty());
    }

    #[test]
    fn broadcasting_rules() {
        assert_eq!(broadcast(&[1.0, 2.0], false, &[10.0], true, |a, b| a + b).unwrap(), vec![11.0, 12.0]);
        assert!(broadcast(&[1.0, 2.0], false, &[1.0, 2.0, 3.0], false, |a, b| a + b).is_err());
    }

    #[test]
    fn pairwise_sum_matches_numpy_blocks() {
        let v: Vec<f64> = (0..300).map(|i| (i as f64 * 0.37).sin()).collect();
        let direct: f64 = v.iter().sum();
        assert!((np_sum(&v) - direct).abs() < 1e-12);
        assert_eq!(np_sum(&[1.0, 2.0]), 3.0);
    }

    #[test]
    fn divmod_matches_numpy() {
        // np.remainder(-7, 3) = 2, np.floor_divide(-7, 3) = -3, np.remainder(7, -3) = -2
        assert_eq!(divmod(-7.0, 3.0), (-3.0, 2.0));
        assert_eq!(divmod(7.0, -3.0), (-3.0, -2.0));
        assert_eq!(divmod(5.5, 2.0), (2.0, 1.5));
        assert!(divmod(1.0, 0.0).1.is_nan());
    }

    #[test]
    fn reshape_follows_numpy() {
        assert_eq!(reshape_dims(6, -2, 3).unwrap(), (2, 3));
        assert_eq!(reshape_dims(6, 2, -1).unwrap(), (2, 3));
        assert_eq!(reshape_dims(0, 0, 3).unwrap(), (0, 3));
        assert!(reshape_dims(6, -1, -1).unwrap_err().0.contains("one unknown"));
        assert!(reshape_dims(6, 4, 2).unwrap_err().0.contains("into shape (4,2)"));
        assert!(reshape_dims(6, 0, -1).is_err());
        assert!(reshape_dims(0, 0, 1 << 40).is_err());
    }

    #[test]
    fn clip_is_numpys() {
        // numpy 2.4 (x86-64): np.clip(a, lo, hi) of a = [-0.0, 0.0, 1.5, -2.0, nan, inf, -inf, 0.5],
        // values and np.signbit of each
        let a = [-0.0, 0.0, 1.5, -2.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.5];
        let nan = f64::NAN;
        let check = |lo: Option<f64>, hi: Option<f64>, want: [f64; 8], sign: [bool; 8]| {
            for (i, &x) in a.iter().enumerate() {
                let got = clip(x, lo, hi);
                let same = got == want[i] || (got.is_nan() && want[i].is_nan());
                assert!(same, "clip({x}, {lo:?}, {hi:?}) = {got}, numpy {}", want[i]);
                if !got.is_nan() {
                    assert_eq!(got.is_sign_negative(), sign[i], "sign of clip({x}, {lo:?}, {hi:?})");
                }
            }
        };
        let f = false;
        let t = true;
        check(Some(0.0), Some(1.0), [-0.0, 0.0, 1.0, 0.0, nan, 1.0, 0.0, 0.5], [t, f, f, f, f, f, f, f]);
        check(Some(-0.0), Some(1.0), [-0.0, 0.0, 1.0, -0.0, nan, 1.0, -0.0, 0.5], [t, f, f, t, f, f, t, f]);
        // a_min > a_max: every value is a_max (NaN stays NaN)
        check(Some(2.0), Some(1.0), [1.0, 1.0, 1.0, 1.0, nan, 1.0, 1.0, 1.0], [f; 8]);
        // a NaN bound makes every value NaN
        check(Some(nan), Some(1.0), [nan; 8], [f; 8]);
        check(Some(0.0), Some(nan), [nan; 8], [f; 8]);
        // one bound: np.minimum / np.maximum
        check(None, Some(0.0), [0.0, 0.0, 0.0, -2.0, nan, 0.0, f64::NEG_INFINITY, 0.0], [f, f, f, t, f, f, t, f]);
        check(Some(-0.0), None, [-0.0, -0.0, 1.5, -0.0, nan, f64::INFINITY, -0.0, 0.5], [t, t, f, t, f, f, t, f]);
        // no bound: the values as they are
        check(None, None, a, [t, f, f, t, f, f, t, f]);
    }

    #[test]
    fn extremes_are_numpys() {
        assert!(np_extreme(&[1.0, f64::NAN, 3.0], true).unwrap().is_nan());
        assert_eq!(np_extreme(&[1.0, -2.0], false).unwrap(), -2.0);
        assert!(np_extreme(&[], true).is_err());
    }
}
