//! `np.histogram(a, bins="auto")` and `np.histogram(a, bins=n)`.

use super::MAX_COUNT;
use super::array::linspace;
use super::sort::percentile_sorted;
use crate::error::NodeError;

/// The range numpy bins over when none is given: the data's min and max (0–1 when empty),
/// widened by ½ on each side when they are equal.
fn outer_edges(a: &[f64]) -> Result<(f64, f64), NodeError> {
    let (first, last) = if a.is_empty() {
        (0.0, 1.0)
    } else {
        let lo = a.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !(lo.is_finite() && hi.is_finite()) || a.iter().any(|v| v.is_nan()) {
            return Err(NodeError(format!("autodetected range of [{lo}, {hi}] is not finite")));
        }
        (lo, hi)
    };
    Ok(if first == last { (first - 0.5, last + 0.5) } else { (first, last) })
}

/// `np.histogram(a, bins="auto")`: counts and edges, with numpy's bin choice (the smaller of the
/// Sturges and Freedman–Diaconis widths) and its way of placing values in equal bins.
pub fn histogram_auto(a: &[f64]) -> Result<(Vec<f64>, Vec<f64>), NodeError> {
    let (first, last) = outer_edges(a)?;
    let bins = if a.is_empty() {
        1
    } else {
        let mut s = a.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len() as f64;
        let ptp = s[s.len() - 1] - s[0];
        let sturges = ptp / (n.log2() + 1.0);
        let iqr = percentile_sorted(&s, 75.0) - percentile_sorted(&s, 25.0);
        let fd = 2.0 * iqr * n.powf(-1.0 / 3.0);
        let width = if fd != 0.0 { fd.min(sturges) } else { sturges };
        if width != 0.0 { ((last - first) / width).ceil() as usize } else { 1 }
    };
    if bins > MAX_COUNT {
        return Err(NodeError(format!("too many histogram bins: {bins}")));
    }
    Ok(equal_bins(a, first, last, bins))
}

/// `np.histogram(a, bins=n)`: `n` equal bins over the data's range; counts and edges.
pub fn histogram_n(a: &[f64], bins: usize) -> Result<(Vec<f64>, Vec<f64>), NodeError> {
    let (first, last) = outer_edges(a)?;
    Ok(equal_bins(a, first, last, bins.max(1)))
}

/// numpy's placing of values in equal bins: the index from the value's offset, then moved by
/// one where the computed edges disagree; the last bin includes its right edge.
fn equal_bins(a: &[f64], first: f64, last: f64, bins: usize) -> (Vec<f64>, Vec<f64>) {
    let edges = linspace(first, last, bins + 1);
    let mut counts = vec![0.0; bins];
    let denom = last - first;
    for &x in a {
        if x < first || x > last {
            continue;
        }
        let mut i = ((x - first) / denom * bins as f64) as usize;
        if i == bins {
            i -= 1;
        }
        if x < edges[i] {
            i = i.saturating_sub(1);
        } else if i + 1 < bins && x >= edges[i + 1] {
            i += 1;
        }
        counts[i] += 1.0;
    }
    (counts, edges)
}
