//! ETL/TRANSFORM/TEXT: working with String values.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
