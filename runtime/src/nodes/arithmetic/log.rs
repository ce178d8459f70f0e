//! LOG: the logarithm in base e, 10, 2 or b.

use super::NUM;
use crate::nodes::{NodeDef, Outputs};
use crate::numeric::array::{broadcast, numbers};
use crate::spec::NodeSpec;
use crate::value::Value;

/// LOG folds like the others, so with a fixed base each `b` wire applies the logarithm once more
/// (two wires give log(log(a))); with base "input" each step is log(acc)/log(b).
pub(super) fn log() -> NodeDef {
    let spec = NodeSpec::new(
        "LOG",
        "MATH/ARITHMETIC",
        "Logarithm element-wise: of a in base e, 10 or 2, or (log_base \"input\") in base b. As in Flojoy, it is \
         applied once per b wire: with a fixed base, two b wires give log(log(a)).",
    )
    .input("a", NUM, "The values")
    .multi_input("b", NUM, "The bases (log_base \"input\"); otherwise only counts, once per wire")
    .output("default", NUM, "The result, of the same kind as a")
    .select("log_base", &["input", "e", "10", "2"], "e", "The base of the logarithm");
    NodeDef::sync(spec, |ctx| {
        let a = ctx.need("a")?;
        let (first, mut is_scalar) = numbers(a).ok_or_else(|| ctx.wrong_type("a", a))?;
        let mut acc = first.to_vec();
        let base = ctx.text("log_base");
        for b in ctx.multi("b") {
            let (vals, b_scalar) = numbers(b).ok_or_else(|| ctx.wrong_type("b", b))?;
            match base {
                "input" => {
                    acc = broadcast(&acc, is_scalar, vals, b_scalar, |u, v| u.ln() / v.ln())?;
                    is_scalar = is_scalar && b_scalar;
                }
                "10" => acc.iter_mut().for_each(|u| *u = u.log10()),
                "2" => acc.iter_mut().for_each(|u| *u = u.log2()),
                _ => acc.iter_mut().for_each(|u| *u = u.ln()),
            }
        }
        Ok(Outputs::one(match a {
            Value::OrderedPair { x, .. } => Value::pair(x.clone(), acc),
            Value::Scalar { .. } if acc.len() == 1 => Value::scalar(acc[0]),
            _ => Value::vector(acc),
        }))
    })
}
