//! MATH/ARITHMETIC: element-wise operations with numpy's broadcasting and numpy's definitions
//! of remainder and floor division.

use super::NodeDef;
use crate::value::{DataType as T, TypeSet};

mod binary;
mod clip;
mod log;

const NUM: TypeSet = TypeSet::union(&[T::OrderedPair, T::Scalar, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        binary::add(),
        binary::subtract(),
        binary::multiply(),
        binary::divide(),
        binary::power(),
        binary::remainder(),
        binary::floor_divide(),
        log::log(),
        clip::clip(),
    ]
}
