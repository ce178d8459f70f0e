//! TEXT_VIEW: text, optionally as Python's pprint shows it.

use crate::nodes::{NodeDef, Outputs};
use crate::numeric::python;
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

pub(super) fn text_view() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("TEXT_VIEW", "DATA/VISUALIZATION/DATA_STRUCTURE", "Show text (a Boolean shows as True/False).")
            .input("default", TypeSet::union(&[T::String, T::Boolean]), "The text")
            .output("default", TypeSet::of(T::String), "The same text")
            .bool("prettify", false, "Show the text as Python's pprint would (quoted, wrapped at 80 columns)"),
        |ctx| {
            let s = match ctx.need("default")? {
                Value::String { s } if ctx.bool("prettify") => python::pformat_str(s),
                Value::String { s } => s.clone(),
                Value::Boolean { b } => if *b { "True" } else { "False" }.to_owned(),
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::string(s)))
        },
    )
}
