//! LINSPACE and VEC_2_LINSPACE: evenly spaced numbers (numpy.linspace).

use super::{OP_VEC, SIMULATIONS, VEC};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::numeric::array::linspace;
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

pub(super) fn linspace_node() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "LINSPACE",
            "DATA/GENERATION/SIMULATIONS",
            "Generate evenly spaced numbers (numpy.linspace). Note Flojoy's defaults run downwards, from 10 to 0.",
        )
        .optional_input("default", OP_VEC, "Ignored; lets LINSPACE sit inside a chain.")
        .output("default", VEC, "The numbers")
        .float("start", 10.0, "The first number")
        .float("end", 0.0, "The last number")
        .int_range("step", 1000, Some(0), None, "How many numbers"),
        |ctx| Ok(Outputs::one(Value::vector(linspace(ctx.f64("start")?, ctx.f64("end")?, ctx.count("step")?)))),
    )
}

pub(super) fn vec_2_linspace() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "VEC_2_LINSPACE",
            SIMULATIONS,
            "Evenly spaced numbers from start to end (numpy.linspace), as many as the input Vector has \
             elements, or as the input Scalar says.",
        )
        .input("default", TypeSet::union(&[T::Scalar, T::Vector]), "A Vector (its length) or a Scalar (a count)")
        .output("default", VEC, "The numbers")
        .float("start", -10.0, "The first number")
        .float("end", 10.0, "The last number"),
        |ctx| {
            let n = match ctx.need("default")? {
                Value::Vector { v } => v.len(),
                Value::Scalar { c } => {
                    // numpy takes only an integer count; our Scalars do not keep int/float apart, so a
                    // whole number is accepted where numpy would refuse a float like 5.0
                    if c.fract() != 0.0 || !c.is_finite() {
                        return Err(NodeError(format!("the count must be a whole number, got {c}")));
                    }
                    if *c < 0.0 {
                        return Err(NodeError(format!("Number of samples, {c}, must be non-negative.")));
                    }
                    if *c > crate::nodes::ctx::MAX_COUNT as f64 {
                        return Err(NodeError(format!(
                            "the count is too large: {c} (at most {})",
                            crate::nodes::ctx::MAX_COUNT
                        )));
                    }
                    *c as usize
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::vector(linspace(ctx.f64("start")?, ctx.f64("end")?, n))))
        },
    )
}
