//! Sorting as numpy and Python do it: `np.sort` (NaNs last), Python's `sorted`, `np.unique`,
//! and `np.percentile` on sorted data.

use crate::value::ColumnData;

/// `numpy.unique`: sorted ascending, NaNs collapsed into one at the end.
pub fn unique(v: &[f64]) -> Vec<f64> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    s.sort_by(f64::total_cmp);
    s.dedup_by(|a, b| a == b);
    if v.iter().any(|x| x.is_nan()) {
        s.push(f64::NAN);
    }
    s
}

/// `numpy.unique` of an axis that holds numbers ([`unique`]) or text: an object array of
/// strings sorts by Python's `<` on `str`, code point by code point (UTF-8 byte order is the
/// same order).
pub fn unique_axis(axis: &ColumnData) -> ColumnData {
    match axis {
        ColumnData::Num(v) => ColumnData::Num(unique(v)),
        ColumnData::Text(v) => {
            let mut s = v.clone();
            s.sort_unstable();
            s.dedup();
            ColumnData::Text(s)
        }
    }
}

/// Python's `sorted` on floats, ascending or descending (stable). Python leaves NaNs wherever
/// its comparisons happen to put them; here they go last.
pub fn py_sorted(v: &[f64], reverse: bool) -> Vec<f64> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    if reverse {
        s.sort_by(|a, b| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal));
    } else {
        s.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    }
    s.extend(v.iter().filter(|x| x.is_nan()));
    s
}

/// numpy's sort order for floats: ascending, NaNs last.
pub fn np_sort(v: &mut [f64]) {
    v.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        _ => a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal),
    });
}

/// numpy's `percentile(a, q)` with the default linear method, on sorted data.
pub fn percentile_sorted(s: &[f64], q: f64) -> f64 {
    let virt = (s.len() - 1) as f64 * (q / 100.0);
    let lo = virt.floor();
    let g = virt - lo;
    let i = lo as usize;
    let (a, b) = (s[i], s[(i + 1).min(s.len() - 1)]);
    let d = b - a;
    if g >= 0.5 { b - d * (1.0 - g) } else { a + d * g }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_text_sorts_as_numpy_sorts_an_object_array_of_str() {
        // np.unique(np.array(["b","a","B","é","a","","Z10","Z2"], dtype=object)).tolist()
        let cells = ["b", "a", "B", "é", "a", "", "Z10", "Z2"].map(String::from).to_vec();
        let want = ["", "B", "Z10", "Z2", "a", "b", "é"].map(String::from).to_vec();
        assert_eq!(unique_axis(&ColumnData::Text(cells)), ColumnData::Text(want));
        assert_eq!(unique_axis(&ColumnData::Num(vec![2.0, 1.0, 2.0])), ColumnData::Num(vec![1.0, 2.0]));
    }

    #[test]
    fn unique_and_sorted_follow_numpy_and_python() {
        let u = unique(&[3.0, f64::NAN, 1.0, 3.0, f64::NAN]);
        assert_eq!(u[..2], [1.0, 3.0]);
        assert!(u[2].is_nan() && u.len() == 3);
        assert_eq!(py_sorted(&[2.0, 1.0, 3.0], true), vec![3.0, 2.0, 1.0]);
        // NaNs of either sign are one NaN, last (np.unique's equal_nan)
        let u = unique(&[f64::NAN, 2.0, -f64::NAN, 0.5]);
        assert_eq!(u.len(), 3);
        assert_eq!(u[..2], [0.5, 2.0]);
        assert!(u[2].is_nan());
    }
}
