//! The numeric layer under the node library: numpy's and scipy's definitions, ported exactly,
//! with no knowledge of nodes. Node files only call it; two node families that need the same
//! computation find it here rather than in each other.

pub mod array;
pub mod complex;
pub mod linalg;
pub mod python;
pub mod signal;
