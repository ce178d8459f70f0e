//! AI_ML: simple models that need no downloaded weights.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
