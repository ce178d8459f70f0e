//! numpy indexing (negative positions count from the end; out of range is numpy's IndexError),
//! Python's slice bounds, and Flojoy's index-list idiom built on them.

use crate::error::NodeError;

/// Flojoy's index-list idiom (VECTOR_DELETE, VECTOR_SUBSET, REPLACE_SUBSET,
/// ORDERED_PAIR_DELETE), with its checks and messages. Several indices are used as given;
/// a single index `i` with `length` becomes `arange(i, length)`: Flojoy's end is `length`,
/// not `i + length`, so index 0 with length 3 means 0,1,2 but index 3 with length 1 means
/// nothing at all. Returns the raw indices (negative ones count from the end).
pub fn index_idiom(indices: &[i64], length: i64, len: usize, what: &str) -> Result<Vec<i64>, NodeError> {
    if len <= indices.len() {
        return Err(NodeError(format!("The length of indices parameter must be less than the length of the {what}.")));
    }
    if !indices.iter().any(|&i| i >= 0) {
        return Err(NodeError::new("The indices must be greater than zero."));
    }
    if let [i0] = indices {
        if i128::from(*i0) + i128::from(length) > len as i128 {
            return Err(NodeError(format!(
                "The length of items to delete starting from index parameter must not exceed the length of the {what}."
            )));
        }
        // i0 >= 0 (checked above) and length <= len - i0, so this range is small and in bounds
        return Ok((*i0..length).collect());
    }
    Ok(indices.to_vec())
}

/// A numpy index into an axis of `len` items: negative counts from the end; out of range is
/// numpy's IndexError.
pub fn resolve_index(i: i64, len: usize) -> Result<usize, NodeError> {
    let n = len as i128;
    let j = if i < 0 { i128::from(i) + n } else { i128::from(i) };
    if (0..n).contains(&j) {
        Ok(j as usize)
    } else {
        Err(NodeError(format!("index {i} is out of bounds for axis 0 with size {len}")))
    }
}

/// `numpy.delete(a, indices)`: every listed position removed once.
pub fn delete_at(a: &[f64], indices: &[i64]) -> Result<Vec<f64>, NodeError> {
    let mut keep = vec![true; a.len()];
    for &i in indices {
        keep[resolve_index(i, a.len())?] = false;
    }
    Ok(a.iter().zip(keep).filter(|(_, k)| *k).map(|(x, _)| *x).collect())
}

/// Python's slice bound `a[:i]` / `a[i:]` for an axis of `len` items.
pub fn slice_bound(i: i64, len: usize) -> usize {
    if i < 0 { (i128::from(i) + len as i128).max(0) as usize } else { (i as u64).min(len as u64) as usize }
}

/// Flojoy's checks of a single `index` parameter against an axis of `len` items.
pub fn checked_index(index: i64, len: usize, what: &str) -> Result<usize, NodeError> {
    if i128::from(index) >= len as i128 {
        return Err(NodeError(format!("The index parameter must be less than the length of the {what}.")));
    }
    if index < 0 {
        return Err(NodeError::new("The index parameter must be greater than zero."));
    }
    Ok(index as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_idiom_keeps_flojoys_range_rule() {
        assert_eq!(index_idiom(&[0], 3, 5, "Vector").unwrap(), vec![0, 1, 2]);
        assert!(index_idiom(&[3], 1, 5, "Vector").unwrap().is_empty());
        assert_eq!(index_idiom(&[-1, 2], 1, 5, "Vector").unwrap(), vec![-1, 2]);
        assert!(index_idiom(&[-1, -2], 1, 5, "Vector").unwrap_err().0.contains("greater than zero"));
        assert!(index_idiom(&[1, 2], 1, 2, "Vector").unwrap_err().0.contains("less than the length"));
        assert!(index_idiom(&[3], 3, 5, "Vector").unwrap_err().0.contains("must not exceed"));
        assert_eq!(delete_at(&[1.0, 2.0, 3.0], &[-1, 0, 0]).unwrap(), vec![2.0]);
        assert!(delete_at(&[1.0], &[4]).is_err());
    }

    #[test]
    fn slice_bounds_are_pythons() {
        assert_eq!(slice_bound(-2, 5), 3);
        assert_eq!(slice_bound(-9, 5), 0);
    }
}
