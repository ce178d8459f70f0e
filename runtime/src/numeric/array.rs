//! numpy's array basics: `linspace`, `arange`, the numbers a container holds, broadcasting, and
//! numpy's pairwise `sum`.

use crate::error::NodeError;
use crate::value::Value;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
