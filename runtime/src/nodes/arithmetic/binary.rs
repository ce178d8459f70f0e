//! ADD, SUBTRACT, MULTIPLY, DIVIDE, POWER, REMAINDER, FLOOR_DIVIDE: left folds over `a` and every `b`.

use super::NUM;
use crate::nodes::{Ctx, NodeDef, NodeResult, Outputs};
use crate::numeric::array::{broadcast, divmod, numbers};
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn add() -> NodeDef {
    binary("ADD", "Add the inputs element-wise: a + b₁ + b₂ + …", |ctx| fold(ctx, |a, b| a + b))
}

pub(super) fn subtract() -> NodeDef {
    binary("SUBTRACT", "Subtract the inputs element-wise: a − b₁ − b₂ − …", |ctx| fold(ctx, |a, b| a - b))
}

pub(super) fn multiply() -> NodeDef {
    binary("MULTIPLY", "Multiply the inputs element-wise: a × b₁ × b₂ × …", |ctx| fold(ctx, |a, b| a * b))
}

pub(super) fn divide() -> NodeDef {
    binary("DIVIDE", "Divide the inputs element-wise: a ÷ b₁ ÷ b₂ ÷ …", |ctx| fold(ctx, |a, b| a / b))
}

pub(super) fn power() -> NodeDef {
    binary("POWER", "Raise to a power element-wise: a ** b₁ ** …, left to right", |ctx| fold(ctx, f64::powf))
}

pub(super) fn remainder() -> NodeDef {
    binary("REMAINDER", "Remainder of the division, with the sign of the divisor (numpy.remainder)", |ctx| {
        fold(ctx, |a, b| divmod(a, b).1)
    })
}

pub(super) fn floor_divide() -> NodeDef {
    binary("FLOOR_DIVIDE", "Division rounded down (numpy.floor_divide)", |ctx| fold(ctx, |a, b| divmod(a, b).0))
}

/// A left fold over `a` and every `b`, keeping `a`'s kind (an OrderedPair keeps a's x). Each node
/// passes its own `run`, a fold with its element operation, so there is no name to dispatch on,
/// and `fold` is instantiated once per operation: the element loop inlines it (a function
/// pointer per element would keep it from vectorising).
fn binary(func: &'static str, doc: &str, run: fn(&mut Ctx<'_>) -> NodeResult) -> NodeDef {
    let spec = NodeSpec::new(func, "MATH/ARITHMETIC", doc)
        .input("a", NUM, "The first operand")
        .multi_input("b", NUM, "The other operands, applied in wire order")
        .output("default", NUM, "The result, of the same kind as a");
    NodeDef::sync(spec, run)
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
