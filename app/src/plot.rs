//! Drawing runtime figures with plotly.js: attributes as JSON, number arrays as Float64Arrays
//! (one copy each, no per-number conversion).

use js_sys::{Array, Float64Array};
use wasm_bindgen::JsValue;

use nodes_pyodide::convert::json_to_js;
use runtime::value::{Figure, NumArray};

use crate::js;

/// Above this many points a scatter trace is drawn with WebGL (`scattergl`): SVG needs seconds
/// for 100,000 markers, WebGL tens of milliseconds. The figure itself is unchanged.
pub const WEBGL_ABOVE: usize = 5_000;

fn points(t: &runtime::value::Trace) -> usize {
    t.arrays.iter().map(|(_, a)| if let NumArray::D1(v) = a { v.len() } else { 0 }).max().unwrap_or(0)
}

/// The figure's `data` and `layout` as JS values.
pub fn figure_to_js(fig: &Figure) -> (JsValue, JsValue) {
    let data = Array::new();
    for t in &fig.traces {
        let obj = json_to_js(&serde_json::Value::Object(t.attrs.clone()));
        if t.kind() == "scatter" && points(t) > WEBGL_ABOVE {
            js::set(&obj, "type", &JsValue::from_str("scattergl"));
        }
        for (k, a) in &t.arrays {
            let v: JsValue = match a {
                NumArray::D1(v) => Float64Array::from(v.as_slice()).into(),
                NumArray::D2(m) => {
                    (0..m.rows).map(|r| JsValue::from(Float64Array::from(m.row(r)))).collect::<Array>().into()
                }
            };
            js::set(&obj, k, &v);
        }
        data.push(&obj);
    }
    (data.into(), json_to_js(&serde_json::Value::Object(fig.layout.clone())))
}

/// Draws `fig` into `div`, updating it in place if it already holds a plot.
pub async fn draw(div: &web_sys::Element, fig: &Figure) -> Result<(), String> {
    let (data, layout) = figure_to_js(fig);
    js::plotly_react(div, &data, &layout).await
}
