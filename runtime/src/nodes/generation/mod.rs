//! DATA/GENERATION: simulated signals, constants and random data.

use super::NodeDef;
use crate::value::{DataType as T, TypeSet};

mod constant;
mod datasets;
mod linspace;
mod matrix;
mod oscillator;
mod random;
mod samples;

pub use samples::bundled as sample_file;
mod sine;
mod timeseries;
mod vector;

const OP: TypeSet = TypeSet::of(T::OrderedPair);
const VEC: TypeSet = TypeSet::of(T::Vector);
const SCALAR: TypeSet = TypeSet::of(T::Scalar);
const OP_VEC: TypeSet = TypeSet::union(&[T::OrderedPair, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        linspace::linspace_node(),
        sine::sine(),
        constant::constant(),
        random::rand_node(),
        constant::scalar(),
        constant::text(),
        oscillator::basic_oscillator(),
        random::populate(),
        vector::vector(),
        matrix::matrix(),
        constant::boolean(),
        timeseries::timeseries(),
        timeseries::unix_timestamp(),
        linspace::vec_2_linspace(),
        datasets::skimage(),
        datasets::scikit_learn_dataset(),
        datasets::plotly_dataset(),
    ]
}

const SIMULATIONS: &str = "DATA/GENERATION/SIMULATIONS";
