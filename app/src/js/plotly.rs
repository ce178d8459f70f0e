//! plotly.js: loaded once after first paint (4.8 MB: the editor must not wait for it), then
//! plots are drawn and updated in place.

use std::cell::RefCell;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Plotly, js_name = react, catch)]
    fn plotly_react_(
        div: &web_sys::Element,
        data: &JsValue,
        layout: &JsValue,
        config: &JsValue,
    ) -> Result<Promise, JsValue>;
}

thread_local! {
    static PLOTLY: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// Loads plotly.js once, after first paint (it is 4.8 MB: the editor must not wait for it).
pub async fn ensure() -> Result<(), String> {
    let has = || Reflect::has(&js_sys::global(), &"Plotly".into()).unwrap_or(false);
    if has() {
        return Ok(());
    }
    let p = PLOTLY.with(|cell| cell.borrow_mut().get_or_insert_with(|| super::script("plotly.min.js", true)).clone());
    JsFuture::from(p).await.map(|_| ()).map_err(|_| "plotly.js could not be loaded".to_owned())
}

/// Draws or updates a plot in place (`Plotly.react`).
pub async fn react(div: &web_sys::Element, data: &JsValue, layout: &JsValue) -> Result<(), String> {
    ensure().await?;
    let config = Object::new();
    let _ = Reflect::set(&config, &"responsive".into(), &JsValue::TRUE);
    let _ = Reflect::set(&config, &"displaylogo".into(), &JsValue::FALSE);
    let p = plotly_react_(div, data, layout, &config).map_err(|e| format!("plotly: {e:?}"))?;
    JsFuture::from(p).await.map(|_| ()).map_err(|e| format!("plotly: {e:?}"))
}
