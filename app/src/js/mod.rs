//! The browser glue, in one place: every JavaScript call the app makes that web-sys does not
//! cover (timers, script and module loading, JS objects), and the browser services the app
//! uses: `plotly` (plotly.js), `picture` (a live picture over a plot), `net` (fetch), `file` (picked files, downloads), `listener`
//! (event listeners that live as long as their owner). Raw externs are private (trailing
//! underscore); the typed wrappers are what the rest of the app uses.

pub mod file;
pub mod listener;
pub mod net;
pub mod picture;
pub mod plotly;
pub mod store;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// The element under a viewport point (`document.elementFromPoint`).
pub fn element_at(x: f64, y: f64) -> Option<web_sys::Element> {
    document()?.element_from_point(x as f32, y as f32)
}

/// Milliseconds since the page started (monotonic).
pub fn now_ms() -> f64 {
    window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Seconds since 1970.
pub fn unix_time_s() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// 64 random bits from the browser's CSPRNG (Math.random as a fallback).
pub fn random_u64() -> u64 {
    let mut buf = [0u8; 8];
    let ok =
        window().and_then(|w| w.crypto().ok()).is_some_and(|c| c.get_random_values_with_u8_array(&mut buf).is_ok());
    if ok {
        u64::from_le_bytes(buf)
    } else {
        ((js_sys::Math::random() * 4_294_967_296.0) as u64) << 32 | (js_sys::Math::random() * 4_294_967_296.0) as u64
    }
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: f64) {
    let p = Promise::new(&mut |resolve, _| {
        if let Some(w) = window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                ms.max(0.0).min(i32::MAX as f64) as i32,
            );
        }
    });
    let _ = JsFuture::from(p).await;
}

/// Resolves in the next animation frame's callbacks (right before it paints).
pub async fn next_frame() {
    let p = Promise::new(&mut |resolve, _| {
        if let Some(w) = window() {
            let _ = w.request_animation_frame(&resolve);
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(p).await;
}

/// Gives the browser a turn (a macrotask through a MessageChannel: no 4 ms timer clamp).
pub async fn yield_now() {
    let p = Promise::new(&mut |resolve, _| match web_sys::MessageChannel::new() {
        Ok(ch) => {
            ch.port1().set_onmessage(Some(&resolve));
            let _ = ch.port2().post_message(&JsValue::NULL);
        }
        Err(_) => {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(p).await;
}

/// A `<script src>` added to the page; the promise settles when it has loaded or failed.
pub fn script(src: &str, async_: bool) -> Promise {
    Promise::new(&mut |resolve, reject| {
        let Some(doc) = document() else { return };
        let Ok(el) = doc.create_element("script") else {
            return;
        };
        let Ok(script) = el.dyn_into::<web_sys::HtmlScriptElement>() else {
            return;
        };
        script.set_src(src);
        script.set_async(async_);
        script.set_onload(Some(&resolve));
        script.set_onerror(Some(&reject));
        if let Some(head) = doc.head() {
            let _ = head.append_child(&script);
        }
    })
}

/// Loads a classic script of ours (`src` relative to the page) and waits for it.
pub async fn load_script(src: &str) -> Result<(), String> {
    JsFuture::from(script(src, false)).await.map(|_| ()).map_err(|_| format!("{src} could not be loaded"))
}

// `import()` from a module file of the site (not `new Function`, which the Content-Security-
// Policy forbids); relative to the page, as the app's other URLs are
#[wasm_bindgen::prelude::wasm_bindgen(
    inline_js = "export function import_module(u) { return import(new URL(u, document.baseURI).href); }"
)]
extern "C" {
    #[wasm_bindgen(catch, js_name = import_module)]
    fn import_module_(url: &str) -> Result<Promise, JsValue>;
}

/// `import(url)`: loads an ES module of ours (the code editor) when it is first needed.
pub async fn import_module(url: &str) -> Result<JsValue, String> {
    let p = import_module_(url).map_err(|e| format!("{e:?}"))?;
    JsFuture::from(p).await.map_err(|e| format!("{url} could not be loaded: {e:?}"))
}

/// Calls `module[name](...args)`.
pub fn call_export(module: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, String> {
    let f: Function = Reflect::get(module, &name.into()).map_err(|_| format!("no export {name}"))?.into();
    f.apply(module, &args.iter().copied().collect::<Array>()).map_err(|e| format!("{name}: {e:?}"))
}

/// `obj[key] = value` for building JS objects.
pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Calls `f` with no arguments, ignoring errors (callbacks handed to us by pages).
pub fn call0(f: &Function) {
    let _ = f.call0(&JsValue::NULL);
}

/// A JS array from values.
pub fn array(items: impl IntoIterator<Item = JsValue>) -> Array {
    items.into_iter().collect()
}

/// JSON → a JS object (small, structured data: plot attributes, replies to pages).
pub fn json_to_js(j: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&j.to_string()).unwrap_or(JsValue::NULL)
}

/// A JS object (structured-cloned data: a page's message) → JSON, through `JSON.stringify`.
pub fn js_to_json(v: &JsValue) -> serde_json::Value {
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null)
}
