//! CLIP: numpy's `clip`, value by value. Not a Flojoy block.

use crate::nodes::{NodeDef, Outputs};
use crate::numeric::array::clip as np_clip;
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, Matrix, TypeSet, Value};

pub(super) fn clip() -> NodeDef {
    let values = TypeSet::union(&[T::OrderedPair, T::Vector, T::Matrix, T::Scalar]);
    let bound = ParamKind::Float { min: None, max: None };
    NodeDef::sync(
        NodeSpec::new(
            "CLIP",
            "MATH/ARITHMETIC",
            "Limit the values to [a_min, a_max] (numpy.clip): a value below a_min becomes a_min, one above \
             a_max becomes a_max. An empty bound leaves that side open. As in numpy, NaN stays NaN, and when \
             a_min is above a_max every value becomes a_max. Not a Flojoy block.",
        )
        .input("default", values, "The values (an OrderedPair's y)")
        .output("default", values, "The clipped values, of the same kind as the input (an OrderedPair keeps its x)")
        .param("a_min", bound.clone(), 0.0, "The lower bound (empty: none)")
        .param("a_max", bound, 1.0, "The upper bound (empty: none)"),
        |ctx| {
            let (lo, hi) = (ctx.opt_f64("a_min"), ctx.opt_f64("a_max"));
            let all = |v: &[f64]| v.iter().map(|&x| np_clip(x, lo, hi)).collect::<Vec<f64>>();
            Ok(Outputs::one(match ctx.need("default")? {
                Value::OrderedPair { x, y } => Value::pair(x.clone(), all(y)),
                Value::Vector { v } => Value::vector(all(v)),
                Value::Matrix { m } => Value::Matrix { m: Matrix { rows: m.rows, cols: m.cols, data: all(&m.data) } },
                Value::Scalar { c } => Value::scalar(np_clip(*c, lo, hi)),
                other => return Err(ctx.wrong_type("default", other)),
            }))
        },
    )
}
