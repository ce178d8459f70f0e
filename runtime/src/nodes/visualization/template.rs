//! Figures that keep plotly.py's default "plotly" template (HEATMAP, plotly express figures, the table views), and plotly's `update_layout` merge.

use std::sync::OnceLock;

use serde_json::{Value as Json, json};

use crate::value::Figure;

/// plotly.py's default template (`plotly.io.templates["plotly"]`, from plotly.py's package data,
/// MIT licence). Figures Flojoy builds without `plot_layout`'s empty template carry it.
const PLOTLY_TEMPLATE: &str = include_str!("../../../assets/plotly_template.json");

pub(super) fn plotly_template() -> Json {
    static T: OnceLock<Json> = OnceLock::new();
    T.get_or_init(|| serde_json::from_str(PLOTLY_TEMPLATE).unwrap_or_else(|_| json!({}))).clone()
}

/// Merges `patch` into `base` as plotly's `update_layout` does (objects merge key by key).
pub(super) fn merge(base: &mut Json, patch: &Json) {
    match (base, patch) {
        (Json::Object(b), Json::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(old) if old.is_object() && v.is_object() => merge(old, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// `fig.update_layout(plot_layout(title))` on a figure that has the default template: updating
/// with an empty template leaves the template as it is.
pub(super) fn update_with_plot_layout(fig: &mut Figure, title: &str) {
    let mut layout = Json::Object(std::mem::take(&mut fig.layout));
    merge(
        &mut layout,
        &json!({"title": {"text": title}, "autosize": true, "margin": {"t": 30, "r": 0, "b": 0, "l": 0}, "xaxis": {"type": "-"}}),
    );
    if let Json::Object(o) = layout {
        fig.layout = o;
    }
}
