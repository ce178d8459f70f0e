//! ETL/TRANSFORM/MATRIX_MANIPULATION: matrix arithmetic and reshaping.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
