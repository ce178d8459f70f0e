//! ADD, SUBTRACT, MULTIPLY, DIVIDE, POWER, REMAINDER, FLOOR_DIVIDE: left folds over `a` and every `b`.

use super::NUM;
use crate::nodes::{Ctx, NodeDef, NodeResult, Outputs};
use crate::numeric::array::{broadcast, divmod, numbers};
use crate::spec::NodeSpec;
use crate::value::Value;

/// A left fold over `a` and every `b`, keeping `a`'s kind (an OrderedPair keeps a's x).
pub(super) fn binary(func: &'static str, doc: &str) -> NodeDef {
    let spec = NodeSpec::new(func, "MATH/ARITHMETIC", doc)
        .input("a", NUM, "The first operand")
        .multi_input("b", NUM, "The other operands, applied in wire order")
        .output("default", NUM, "The result, of the same kind as a");
    NodeDef::sync(spec, run_binary)
}

/// Each arithmetic node's element operation. Run functions are plain `fn`s, so the shared
/// `run_binary` picks the operation by name, and `fold` is instantiated once per operation:
/// the element loop inlines it (a function pointer per element would keep it from vectorising).
fn run_binary(ctx: &mut Ctx<'_>) -> NodeResult {
    match ctx.spec.func.as_str() {
        "SUBTRACT" => fold(ctx, |a, b| a - b),
        "MULTIPLY" => fold(ctx, |a, b| a * b),
        "DIVIDE" => fold(ctx, |a, b| a / b),
        "POWER" => fold(ctx, f64::powf),
        "REMAINDER" => fold(ctx, |a, b| divmod(a, b).1),
        "FLOOR_DIVIDE" => fold(ctx, |a, b| divmod(a, b).0),
        _ => fold(ctx, |a, b| a + b),
    }
}

fn fold(ctx: &mut Ctx<'_>, op: impl Fn(f64, f64) -> f64 + Copy) -> NodeResult {
    let a = ctx.need("a")?;
    let (first, mut is_scalar) = numbers(a).ok_or_else(|| ctx.wrong_type("a", a))?;
    // the running result; `a`'s numbers until the first b (not copied: each step makes a new array)
    let mut acc: Option<Vec<f64>> = None;
    for b in ctx.multi("b") {
        let (vals, b_scalar) = numbers(b).ok_or_else(|| ctx.wrong_type("b", b))?;
        acc = Some(broadcast(acc.as_deref().unwrap_or(first), is_scalar, vals, b_scalar, op)?);
        is_scalar = is_scalar && b_scalar;
    }
    let acc = acc.unwrap_or_else(|| first.to_vec());
    Ok(Outputs::one(match a {
        Value::OrderedPair { x, .. } => Value::pair(x.clone(), acc),
        Value::Scalar { .. } if acc.len() == 1 => Value::scalar(acc[0]),
        _ => Value::vector(acc),
    }))
}
