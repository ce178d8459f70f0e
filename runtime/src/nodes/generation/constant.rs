//! Constants: CONSTANT, SCALAR, TEXT and BOOLEAN.

use super::{OP_VEC, SCALAR, SIMULATIONS};
use crate::nodes::{NodeDef, Outputs};
use crate::numeric::array::arange;
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

pub(super) fn constant() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "CONSTANT",
            "DATA/GENERATION/SIMULATIONS",
            "Generate a constant: a Scalar, or a Vector/OrderedPair filled with one value. Its label shows the value.",
        )
        .optional_input("default", OP_VEC, "Optional: the x axis to fill (its y for an OrderedPair)")
        .output("default", TypeSet::union(&[T::OrderedPair, T::Vector, T::Scalar]), "The constant")
        .select("dc_type", &["Scalar", "Vector", "OrderedPair"], "OrderedPair", "The type of the output")
        .float("constant", 3.0, "The value")
        .int_range("step", 1000, Some(0), None, "How many points when there is no input"),
        |ctx| {
            let c = ctx.f64("constant")?;
            let x = match ctx.input("default") {
                Some(Value::OrderedPair { y, .. }) => y.clone(),
                Some(Value::Vector { v }) => v.clone(),
                // Flojoy's block matches on the input's type and ignores any other (a value that
                // came through an Any port: LOOP's body passes on what started the loop)
                Some(other) => {
                    // (a Scalar constant uses no input: nothing to say)
                    if ctx.text("dc_type") != "Scalar" {
                        let why = ctx.wrong_type("default", other).0;
                        ctx.log(format!("warning: {why}; it is ignored, as in Flojoy"));
                    }
                    arange(ctx.count("step")?)
                }
                None => arange(ctx.count("step")?),
            };
            Ok(Outputs::one(match ctx.text("dc_type") {
                "Scalar" => Value::scalar(c),
                "Vector" => Value::vector(vec![c; x.len()]),
                _ => {
                    let y = vec![c; x.len()];
                    Value::pair(x, y)
                }
            }))
        },
    )
}

pub(super) fn scalar() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("SCALAR", "DATA/GENERATION/SIMULATIONS", "Generate a single number (a Scalar).")
            .optional_input("_", TypeSet::ANY, "Optional: only triggers the node")
            .output("default", SCALAR, "The number")
            .float("value", 3.0, "The number"),
        |ctx| Ok(Outputs::one(Value::scalar(ctx.f64("value")?))),
    )
}

pub(super) fn text() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("TEXT", "DATA/GENERATION/SIMULATIONS", "Generate a piece of text (a String).")
            .optional_input("_", TypeSet::ANY, "Optional: only triggers the node")
            .output("default", TypeSet::of(T::String), "The text")
            .param("value", crate::spec::ParamKind::TextArea, "Hello World!", "The text"),
        |ctx| Ok(Outputs::one(Value::string(ctx.text("value")))),
    )
}

pub(super) fn boolean() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("BOOLEAN", SIMULATIONS, "Generate a Boolean: True or False.")
            .output("default", TypeSet::of(T::Boolean), "The Boolean")
            .bool("status", true, "The value"),
        |ctx| Ok(Outputs::one(Value::Boolean { b: ctx.bool("status") })),
    )
}
