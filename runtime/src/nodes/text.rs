//! ETL/TRANSFORM/TEXT_MANIPULATION: joining Strings.

use super::{Ctx, NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const STRING: TypeSet = TypeSet::of(T::String);

pub fn nodes() -> Vec<NodeDef> {
    vec![text_concat()]
}

fn string_input<'a>(ctx: &Ctx<'a>, name: &str) -> Result<&'a str, NodeError> {
    match ctx.need(name)? {
        Value::String { s } => Ok(s),
        other => Err(ctx.wrong_type(name, other)),
    }
}

fn text_concat() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "TEXT_CONCAT",
            "ETL/TRANSFORM/TEXT_MANIPULATION",
            "Join two Strings with a delimiter between them: a + delimiter + b.",
        )
        .input("a", STRING, "The text that comes first")
        .input("b", STRING, "The text that comes second")
        .output("default", STRING, "The joined text")
        .select(
            "delimiter",
            &["space", "comma", "semicolon", "colon", "new line", "none"],
            "space",
            "What to put between the two texts",
        ),
        |ctx| {
            let delim = match ctx.text("delimiter") {
                "comma" => ",",
                "semicolon" => ";",
                "colon" => ":",
                "new line" => "\n",
                "none" => "",
                _ => " ",
            };
            let (a, b) = (string_input(ctx, "a")?, string_input(ctx, "b")?);
            Ok(Outputs::one(Value::string(format!("{a}{delim}{b}"))))
        },
    )
}
