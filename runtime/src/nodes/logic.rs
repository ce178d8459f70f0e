//! CONTROL_FLOW/LOGICAL_OPERATORS: Boolean logic, with Flojoy's block names (EXCLUSIVE_OR is
//! XOR, NOT_AND is NAND, NOT_OR is NOR).

use super::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "CONTROL_FLOW/LOGICAL_OPERATORS";
const BOOL: TypeSet = TypeSet::of(T::Boolean);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        binary("AND", "True when both inputs are true (default AND a).", |ctx| apply(ctx, |d, a| d && a)),
        binary("OR", "True when either input is true (default OR a).", |ctx| apply(ctx, |d, a| d || a)),
        binary("EXCLUSIVE_OR", "True when exactly one input is true (XOR).", |ctx| apply(ctx, |d, a| d != a)),
        binary("NOT_AND", "False only when both inputs are true (NAND).", |ctx| apply(ctx, |d, a| !(d && a))),
        binary("NOT_OR", "True only when both inputs are false (NOR).", |ctx| apply(ctx, |d, a| !d && !a)),
        not(),
        implies(),
    ]
}

fn boolean(ctx: &Ctx<'_>, name: &str) -> Result<bool, NodeError> {
    match ctx.need(name)? {
        Value::Boolean { b } => Ok(*b),
        other => Err(ctx.wrong_type(name, other)),
    }
}

/// A two-input operator; `run` applies its own truth table (there is no name to dispatch on).
fn binary(func: &'static str, doc: &str, run: fn(&mut Ctx<'_>) -> NodeResult) -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(func, PATH, doc)
            .input("default", BOOL, "The first operand")
            .input("a", BOOL, "The second operand")
            .output("default", BOOL, "The result"),
        run,
    )
}

fn apply(ctx: &mut Ctx<'_>, op: fn(bool, bool) -> bool) -> NodeResult {
    let (d, a) = (boolean(ctx, "default")?, boolean(ctx, "a")?);
    Ok(Outputs::one(Value::Boolean { b: op(d, a) }))
}

fn not() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("NOT", PATH, "The opposite of the input.").input("default", BOOL, "The operand").output(
            "default",
            BOOL,
            "NOT default",
        ),
        |ctx| Ok(Outputs::one(Value::Boolean { b: !boolean(ctx, "default")? })),
    )
}

fn implies() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("IMPLIES", PATH, "x implies y: false only when x is true and y is false.")
            .input("x", BOOL, "The premise")
            .input("y", BOOL, "The conclusion")
            .output("default", BOOL, "x → y"),
        |ctx| {
            let (x, y) = (boolean(ctx, "x")?, boolean(ctx, "y")?);
            Ok(Outputs::one(Value::Boolean { b: !x || y }))
        },
    )
}
