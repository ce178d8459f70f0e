//! ETL/TRANSFORM/VECTOR_MANIPULATION: indexing, slicing and sorting Vectors.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
