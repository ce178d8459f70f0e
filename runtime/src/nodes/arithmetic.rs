//! MATH/ARITHMETIC: element-wise operations with numpy's broadcasting and numpy's definitions
//! of remainder and floor division.

use super::{Ctx, NodeDef, NodeResult, Outputs};
use crate::numeric::array::{broadcast, divmod, numbers};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const NUM: TypeSet = TypeSet::union(&[T::OrderedPair, T::Scalar, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        binary("ADD", "Add the inputs element-wise: a + b₁ + b₂ + …"),
        binary("SUBTRACT", "Subtract the inputs element-wise: a − b₁ − b₂ − …"),
        binary("MULTIPLY", "Multiply the inputs element-wise: a × b₁ × b₂ × …"),
        binary("DIVIDE", "Divide the inputs element-wise: a ÷ b₁ ÷ b₂ ÷ …"),
        binary("POWER", "Raise to a power element-wise: a ** b₁ ** …, left to right"),
        binary("REMAINDER", "Remainder of the division, with the sign of the divisor (numpy.remainder)"),
        binary("FLOOR_DIVIDE", "Division rounded down (numpy.floor_divide)"),
        log(),
    ]
}

/// LOG folds like the others, so with a fixed base each `b` wire applies the logarithm once more
/// (two wires give log(log(a))); with base "input" each step is log(acc)/log(b).
fn log() -> NodeDef {
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

/// A left fold over `a` and every `b`, keeping `a`'s kind (an OrderedPair keeps a's x).
fn binary(func: &'static str, doc: &str) -> NodeDef {
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
