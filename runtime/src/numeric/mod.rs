//! The numeric layer under the node library: numpy's, scipy's and sklearn's definitions, ported
//! exactly, and Python's and numpy's text forms, with no knowledge of nodes. Node files only
//! call it; two node families that need the same computation find it here rather than in each
//! other.

pub mod array;
pub mod array_repr;
pub mod complex;
pub mod expr;
pub mod extrema;
pub mod histogram;
pub mod image;
pub mod index;
pub mod kmeans;
pub mod linalg;
pub mod png;
pub mod python;
pub mod quad;
pub mod random;
pub mod regions;
pub mod signal;
pub mod sort;

/// The largest size a node will allocate from a parameter (100 million numbers, 800 MB).
pub const MAX_COUNT: usize = 100_000_000;
