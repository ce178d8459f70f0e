//! VOLT_TO_DB: voltages to decibels.

use serde_json::Value as Json;

use super::OP_VEC;
use crate::nodes::{NodeDef, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::Value;

pub(super) fn volt_to_db() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("VOLT_TO_DB", "DSP", "Convert voltages to decibels: 20·log10(v / ref_value).")
            .input("data", OP_VEC, "The voltages (an OrderedPair's y, or a Vector)")
            .output("default", OP_VEC, "The same kind as the input, in dB")
            .param("ref_value", ParamKind::Float { min: None, max: None }, Json::Null, "The reference voltage (0 dB)"),
        |ctx| {
            let r = ctx.f64("ref_value")?;
            let db = |v: &[f64]| -> Vec<f64> { v.iter().map(|v| 20.0 * (v / r).log10()).collect() };
            Ok(Outputs::one(match ctx.need("data")? {
                Value::OrderedPair { x, y } => Value::pair(x.clone(), db(y)),
                Value::Vector { v } => Value::vector(db(v)),
                other => return Err(ctx.wrong_type("data", other)),
            }))
        },
    )
}
