//! ANNOTATE_PLOTLY: a title and caption on a figure, for REPORT_GENERATION (Flojoy's report
//! styling: the first traces with a marker in Flojoy's colours, the title kept but transparent, the
//! caption as a hidden annotation; a 3-D figure gets a cubic scene and purple markers).

use serde_json::{Value as Json, json};

use super::PLOTLY;
use crate::nodes::{NodeDef, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::Value;

const FLOJOY_COLORS: [&str; 4] = ["#7B61FF", "#2E83FF", "#FFA927", "#E14092"];

/// Sets `obj[key][field] = value`, making `obj[key]` an object if it is missing or not one.
fn set(obj: &mut serde_json::Map<String, Json>, key: &str, field: &str, value: Json) {
    if !obj.get(key).is_some_and(Json::is_object) {
        obj.insert(key.into(), json!({}));
    }
    if let Some(o) = obj.get_mut(key).and_then(Json::as_object_mut) {
        o.insert(field.into(), value);
    }
}

pub(super) fn annotate_plotly() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "ANNOTATE_PLOTLY",
            "DATA/VISUALIZATION/REPORT",
            "Add a title and a caption to a figure for a report: traces with markers take Flojoy's colours, \
             the title is stored (drawn transparent) and the caption kept as a hidden annotation.",
        )
        .input("default", PLOTLY, "The figure")
        .output("default", PLOTLY, "The annotated figure")
        .str("title", "", "The figure's title")
        .param("caption", ParamKind::TextArea, "", "The caption"),
        |ctx| {
            let mut fig = match ctx.need("default")? {
                Value::Plotly { fig } => fig.clone(),
                other => return Err(ctx.wrong_type("default", other)),
            };
            for (trace, color) in fig.traces.iter_mut().zip(FLOJOY_COLORS) {
                if trace.attrs.contains_key("marker") {
                    set(&mut trace.attrs, "marker", "color", json!(color));
                }
            }
            fig.layout.insert("title".into(), json!({"text": ctx.text("title"), "font": {"color": "rgba(0,0,0,0)"}}));
            fig.layout.insert(
                "annotations".into(),
                json!([{"text": ctx.text("caption"), "showarrow": false, "visible": false}]),
            );
            if fig.layout.contains_key("scene") {
                set(&mut fig.layout, "scene", "aspectratio", json!({"x": 1, "y": 1, "z": 1}));
                if let Some(first) = fig.traces.first_mut().filter(|t| t.attrs.contains_key("marker")) {
                    set(&mut first.attrs, "marker", "colorscale", json!("purples"));
                }
            }
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}
