//! Every JavaScript call the app makes that web-sys does not cover, in one place: plotly.js,
//! timers and script loading. Raw externs are private (trailing underscore); the typed
//! wrappers below are what the rest of the app uses.

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
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

    #[wasm_bindgen(js_namespace = Plotly, js_name = purge, catch)]
    fn plotly_purge_(div: &web_sys::Element) -> Result<(), JsValue>;
}

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

thread_local! {
    static PLOTLY: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// Loads plotly.js once, after first paint (it is 4.8 MB: the editor must not wait for it).
pub async fn ensure_plotly() -> Result<(), String> {
    let has = || Reflect::has(&js_sys::global(), &"Plotly".into()).unwrap_or(false);
    if has() {
        return Ok(());
    }
    let p = PLOTLY.with(|cell| {
        cell.borrow_mut()
            .get_or_insert_with(|| {
                Promise::new(&mut |resolve, reject| {
                    let Some(doc) = document() else { return };
                    let Ok(el) = doc.create_element("script") else {
                        return;
                    };
                    let Ok(script) = el.dyn_into::<web_sys::HtmlScriptElement>() else {
                        return;
                    };
                    script.set_src("plotly.min.js");
                    script.set_async(true);
                    script.set_onload(Some(&resolve));
                    script.set_onerror(Some(&reject));
                    if let Some(head) = doc.head() {
                        let _ = head.append_child(&script);
                    }
                })
            })
            .clone()
    });
    JsFuture::from(p).await.map(|_| ()).map_err(|_| "plotly.js could not be loaded".to_owned())
}

/// Loads a classic script of ours (`src` relative to the page) and waits for it.
pub async fn load_script(src: &str) -> Result<(), String> {
    let src = src.to_owned();
    let p = Promise::new(&mut |resolve, reject| {
        let Some(doc) = document() else { return };
        let Ok(el) = doc.create_element("script") else {
            return;
        };
        let Ok(script) = el.dyn_into::<web_sys::HtmlScriptElement>() else {
            return;
        };
        script.set_src(&src);
        script.set_onload(Some(&resolve));
        script.set_onerror(Some(&reject));
        if let Some(head) = doc.head() {
            let _ = head.append_child(&script);
        }
    });
    JsFuture::from(p).await.map(|_| ()).map_err(|_| format!("{src} could not be loaded"))
}

/// Draws or updates a plot in place (`Plotly.react`).
pub async fn plotly_react(div: &web_sys::Element, data: &JsValue, layout: &JsValue) -> Result<(), String> {
    ensure_plotly().await?;
    let config = Object::new();
    let _ = Reflect::set(&config, &"responsive".into(), &JsValue::TRUE);
    let _ = Reflect::set(&config, &"displaylogo".into(), &JsValue::FALSE);
    let p = plotly_react_(div, data, layout, &config).map_err(|e| format!("plotly: {e:?}"))?;
    JsFuture::from(p).await.map(|_| ()).map_err(|e| format!("plotly: {e:?}"))
}

pub fn plotly_purge(div: &web_sys::Element) {
    let _ = plotly_purge_(div);
}

/// `import(url)`: loads an ES module of ours (the code editor) when it is first needed.
pub async fn import_module(url: &str) -> Result<JsValue, String> {
    let import = Function::new_with_args("u", "return import(u)");
    let p: Promise = import.call1(&JsValue::NULL, &JsValue::from_str(url)).map_err(|e| format!("{e:?}"))?.into();
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
