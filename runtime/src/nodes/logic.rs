//! CONTROL_FLOW/LOGICAL_OPERATORS: Boolean logic, with Flojoy's block names (EXCLUSIVE_OR is
//! XOR, NOT_AND is NAND, NOT_OR is NOR).

use super::{Ctx, NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "CONTROL_FLOW/LOGICAL_OPERATORS";
const BOOL: TypeSet = TypeSet::of(T::Boolean);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        binary("AND", "True when both inputs are true (default AND a)."),
        binary("OR", "True when either input is true (default OR a)."),
        binary("EXCLUSIVE_OR", "True when exactly one input is true (XOR)."),
        binary("NOT_AND", "False only when both inputs are true (NAND)."),
        binary("NOT_OR", "True only when both inputs are false (NOR)."),
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

fn binary(func: &'static str, doc: &str) -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(func, PATH, doc)
            .input("default", BOOL, "The first operand")
            .input("a", BOOL, "The second operand")
            .output("default", BOOL, "The result"),
        |ctx| {
            let (d, a) = (boolean(ctx, "default")?, boolean(ctx, "a")?);
            let b = match ctx.spec.func.as_str() {
                "OR" => d || a,
                "EXCLUSIVE_OR" => d != a,
                "NOT_AND" => !(d && a),
                "NOT_OR" => !d && !a,
                _ => d && a,
            };
            Ok(Outputs::one(Value::Boolean { b }))
        },
    )
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
