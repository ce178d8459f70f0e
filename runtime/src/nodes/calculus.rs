//! MATH/CALCULUS: absolute value, derivatives and integrals.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
