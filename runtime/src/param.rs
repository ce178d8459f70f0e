//! Parameter values: checking and normalising what the user (or a file) put in a parameter.
//!
//! Values are kept as JSON, exactly as Flojoy files store `ctrls.<name>.value`; `normalize`
//! turns one into its canonical form for the parameter's kind, or explains why it cannot.
//! Differences from Flojoy's `format_param_value`, on purpose:
//! - `bool("false")` is `True` in Python; here the text "false" means false.
//! - a number outside a declared min/max is refused instead of reaching the node.

use serde_json::Value as Json;

use crate::spec::{ListItem, ParamKind, ParamSpec};

/// Returns the canonical JSON for `value`, or a message saying what is wrong with it.
/// `Json::Null` means "no value" (Flojoy's `None`) and is accepted where Flojoy accepts `""`.
pub fn normalize(spec: &ParamSpec, value: &Json) -> Result<Json, String> {
    let name = &spec.name;
    match &spec.kind {
        ParamKind::Int { min, max } => {
            let Some(x) = number(value)? else {
                return Ok(Json::Null);
            };
            if x.fract() != 0.0 || !x.is_finite() {
                return Err(format!("'{name}' must be a whole number, got {}", show(value)));
            }
            let i = x as i64;
            if let Some(m) = min.filter(|m| i < *m) {
                return Err(format!("'{name}' must be at least {m}, got {i}"));
            }
            if let Some(m) = max.filter(|m| i > *m) {
                return Err(format!("'{name}' must be at most {m}, got {i}"));
            }
            Ok(Json::from(i))
        }
        ParamKind::Float { min, max } => {
            let Some(x) = number(value).map_err(|_| format!("'{name}' must be a number, got {}", show(value)))? else {
                return Ok(Json::Null);
            };
            if let Some(m) = min.filter(|m| x < *m) {
                return Err(format!("'{name}' must be at least {m}, got {x}"));
            }
            if let Some(m) = max.filter(|m| x > *m) {
                return Err(format!("'{name}' must be at most {m}, got {x}"));
            }
            Ok(serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number))
        }
        ParamKind::Bool => match value {
            Json::Bool(b) => Ok(Json::Bool(*b)),
            Json::Null => Ok(Json::Bool(false)),
            Json::Number(n) => Ok(Json::Bool(n.as_f64() != Some(0.0))),
            Json::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(Json::Bool(true)),
                "false" | "0" | "no" | "off" | "" => Ok(Json::Bool(false)),
                _ => Err(format!("'{name}' must be true or false, got {}", show(value))),
            },
            _ => Err(format!("'{name}' must be true or false, got {}", show(value))),
        },
        ParamKind::Select { options } => {
            let s = text(value);
            if options.is_empty() || options.contains(&s) {
                Ok(Json::String(s))
            } else {
                Err(format!("'{name}' must be one of {}, got {}", options.join(", "), show(value)))
            }
        }
        ParamKind::List { item } => {
            let s = match value {
                Json::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
                other => text(other),
            };
            for part in split_list(&s) {
                let ok = match item {
                    ListItem::Int => part.parse::<i64>().is_ok(),
                    ListItem::Float => part.parse::<f64>().is_ok(),
                    ListItem::Str => true,
                };
                if !ok {
                    let what = if *item == ListItem::Int { "whole numbers" } else { "numbers" };
                    return Err(format!("'{name}' must be a comma-separated list of {what}; '{part}' is not"));
                }
            }
            Ok(Json::String(s))
        }
        ParamKind::NodeRef => match value {
            Json::Null => Ok(Json::Null),
            Json::String(s) if s.is_empty() => Ok(Json::Null),
            Json::String(s) => Ok(Json::String(s.clone())),
            _ => Err(format!("'{name}' must name a node, got {}", show(value))),
        },
        ParamKind::Str
        | ParamKind::TextArea
        | ParamKind::Array
        | ParamKind::File { .. }
        | ParamKind::Directory
        | ParamKind::Folder
        | ParamKind::Secret
        | ParamKind::Device { .. } => Ok(match value {
            Json::Null => Json::Null,
            other => Json::String(text(other)),
        }),
    }
}

/// Splits Flojoy's comma-separated list text, dropping empty items.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|p| !p.is_empty())
}

/// A number from JSON: numbers, numeric text, `""`/null → None.
fn number(value: &Json) -> Result<Option<f64>, String> {
    match value {
        Json::Null => Ok(None),
        Json::Number(n) => Ok(n.as_f64()),
        Json::Bool(b) => Ok(Some(f64::from(u8::from(*b)))),
        Json::String(s) if s.trim().is_empty() => Ok(None),
        Json::String(s) => s.trim().parse::<f64>().map(Some).map_err(|_| format!("{s:?} is not a number")),
        _ => Err(format!("{} is not a number", show(value))),
    }
}

/// Python's `str(v)` for JSON scalars (so `1` stays "1", not "1.0").
fn text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        Json::Number(n) => n.to_string(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

fn show(value: &Json) -> String {
    match value {
        Json::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::NodeSpec;
    use serde_json::json;

    fn spec(kind: ParamKind) -> ParamSpec {
        NodeSpec::new("T", "DATA", "").param("p", kind, Json::Null, "").params.remove(0)
    }

    #[test]
    fn numbers_accept_numeric_text_and_refuse_garbage() {
        let f = spec(ParamKind::Float { min: None, max: None });
        assert_eq!(normalize(&f, &json!("2.0")).unwrap(), json!(2.0));
        assert_eq!(normalize(&f, &json!("")).unwrap(), Json::Null);
        assert_eq!(normalize(&f, &json!("abc")).unwrap_err(), "'p' must be a number, got \"abc\"");
        let i = spec(ParamKind::Int { min: Some(1), max: None });
        assert_eq!(normalize(&i, &json!(3.0)).unwrap(), json!(3));
        assert_eq!(normalize(&i, &json!(0)).unwrap_err(), "'p' must be at least 1, got 0");
        assert!(normalize(&i, &json!(2.5)).unwrap_err().contains("whole number"));
    }

    #[test]
    fn selects_lists_and_bools() {
        let s = spec(ParamKind::Select { options: vec!["a".into(), "b".into()] });
        assert_eq!(normalize(&s, &json!("b")).unwrap(), json!("b"));
        assert!(normalize(&s, &json!("c")).unwrap_err().contains("one of a, b"));
        let l = spec(ParamKind::List { item: ListItem::Int });
        assert_eq!(normalize(&l, &json!("1, 2,3")).unwrap(), json!("1, 2,3"));
        assert!(normalize(&l, &json!("1, x")).unwrap_err().contains("'x' is not"));
        let b = spec(ParamKind::Bool);
        assert_eq!(normalize(&b, &json!("false")).unwrap(), json!(false));
    }
}
