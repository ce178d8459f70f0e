//! MATH/ARITHMETIC: element-wise operations with numpy's broadcasting and numpy's definitions
//! of remainder and floor division.

use super::NodeDef;
use crate::value::{DataType as T, TypeSet};

mod binary;
mod log;

const NUM: TypeSet = TypeSet::union(&[T::OrderedPair, T::Scalar, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        binary::binary("ADD", "Add the inputs element-wise: a + b₁ + b₂ + …"),
        binary::binary("SUBTRACT", "Subtract the inputs element-wise: a − b₁ − b₂ − …"),
        binary::binary("MULTIPLY", "Multiply the inputs element-wise: a × b₁ × b₂ × …"),
        binary::binary("DIVIDE", "Divide the inputs element-wise: a ÷ b₁ ÷ b₂ ÷ …"),
        binary::binary("POWER", "Raise to a power element-wise: a ** b₁ ** …, left to right"),
        binary::binary("REMAINDER", "Remainder of the division, with the sign of the divisor (numpy.remainder)"),
        binary::binary("FLOOR_DIVIDE", "Division rounded down (numpy.floor_divide)"),
        log::log(),
    ]
}
