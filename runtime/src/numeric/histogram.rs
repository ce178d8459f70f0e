//! `np.histogram(a, bins="auto")`.

use super::MAX_COUNT;
use super::array::linspace;
use super::sort::percentile_sorted;
use crate::error::NodeError;

/// `np.histogram(a, bins="auto")`: counts and edges, with numpy's bin choice (the smaller of the
/// Sturges and Freedman–Diaconis widths) and its way of placing values in equal bins.
pub fn histogram_auto(a: &[f64]) -> Result<(Vec<f64>, Vec<f64>), NodeError> {
    let (mut first, mut last) = if a.is_empty() {
        (0.0, 1.0)
    } else {
        let lo = a.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !(lo.is_finite() && hi.is_finite()) || a.iter().any(|v| v.is_nan()) {
            return Err(NodeError(format!("autodetected range of [{lo}, {hi}] is not finite")));
        }
        (lo, hi)
    };
    if first == last {
        first -= 0.5;
        last += 0.5;
    }
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
    Ok((counts, edges))
}
