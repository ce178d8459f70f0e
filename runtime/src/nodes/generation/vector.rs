//! VECTOR: a Vector typed in as text.

use super::{SIMULATIONS, VEC};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::numeric::python::parse_float;
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn vector() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "VECTOR",
            SIMULATIONS,
            "Make a Vector from comma-separated elements. boolean: each element is true when it is exactly \
             'true' (any case, no spaces), else false. numeric: each element is a number, kept as written \
             (Studio's block makes whole numbers ints and the rest floats, in one numpy array).",
        )
        .output("default", VEC, "The elements")
        .str("elements", "", "The elements, comma-separated")
        .select("elements_type", &["boolean", "numeric"], "boolean", "How to read the elements"),
        |ctx| {
            let elements: Vec<&str> = ctx.text("elements").split(',').collect();
            let v = match ctx.text("elements_type") {
                "boolean" => elements.iter().map(|e| if e.to_lowercase() == "true" { 1.0 } else { 0.0 }).collect(),
                "numeric" => {
                    let mut out = Vec::with_capacity(elements.len());
                    for e in &elements {
                        let f = parse_float(e)
                            .ok_or_else(|| NodeError(format!("all elements of the vector must be numeric: {e}")))?;
                        if f.is_nan() {
                            return Err(NodeError(format!("all elements of the vector must be numeric: {e}")));
                        }
                        if f.is_infinite() {
                            return Err(NodeError::new("cannot convert float infinity to integer"));
                        }
                        // int(x) when x is whole, else x, then numpy.array: the numbers as written
                        // (-0.0 is whole, so it becomes the int 0)
                        out.push(f + 0.0);
                    }
                    out
                }
                other => {
                    return Err(NodeError(format!(
                        "all elements of the vector must be in boolean or integer type (elements_type '{other}')"
                    )));
                }
            };
            Ok(Outputs::one(Value::vector(v)))
        },
    )
}
