//! CONTROL_FLOW/LOGICAL_OPERATORS: boolean logic on Boolean values.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
