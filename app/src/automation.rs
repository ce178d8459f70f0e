//! The automation and embedding surface: `window.flojoy` and the `?flow=<url>&run=1` URL.
//!
//! - `flojoy.load(flow)`: a flow object or JSON text; returns the diagnostics (an array of
//!   `{severity, node, port, message}`), or throws with the reason if it is not a flow.
//! - `flojoy.run(options?)`: a promise of the run report, exactly the headless runner's `--json`
//!   form; rejected while the flow waits for the user's consent (a flow from a link or a file
//!   with Python code, hardware nodes or file exports runs only from the review's Run). `{outputs: false}` leaves every node's outputs out (`"outputs": {}`), `{outputs:
//!   ["<node id>", …]}` keeps only those nodes' outputs: what a benchmark or a page that wants
//!   the timings needs, without serialising millions of numbers.
//! - `flojoy.flow()`: the current flow in Flojoy's 2024 format.
//! - `flojoy.stop()`: stops the run or streaming session (`run()` then resolves).
//! - `flojoy.output(label)`: the first output the node with this label shows now (JSON), or null.
//! - `flojoy.devices()`: the devices panel's state: ports, USB devices, events, stream counters.
//! - `flojoy.plotDraws()`: how many plots were drawn since the page loaded.
//! - `flojoy.recent()`: a promise of the recent flows, newest first: `[{id, name, savedAt,
//!   nodes}]` (`savedAt` in ms since 1970); `flojoy.restore(id)` opens one (the current flow
//!   goes into the list first). `flojoy.saved()`: resolves when the autosave writes asked for
//!   so far have finished.
//! - `flojoy.pendingConsent()`: what the flow waits for the user's consent for ("2 Python
//!   nodes; code from this link"), or null.
//! - `?flow=<url>` and `#flow=…` open flows from outside the site (a `?flow=` file in the
//!   site's own `gallery/` excepted): with `run=1` they run at once only when they hold
//!   built-in nodes that compute; otherwise the review opens and the user clicks Run.
//! - `?demo=1` in the URL turns the simulated demo devices on at start.

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;

use crate::commands::Command;
use crate::{Editor, js};

/// Loads flow text (`outside`: where it came from when that is outside the site); the
/// diagnostics as JSON, or why it could not be loaded.
pub fn load(ed: Editor, text: &str, outside: Option<String>) -> Result<serde_json::Value, String> {
    // read once (a 10,000-node flow takes a while to read)
    let loaded = runtime::file::load(text, js::random_u64()).map_err(|e| e.to_string())?;
    ed.open_loaded(loaded, "the flow", outside);
    Ok(ed.diagnostics.with_untracked(|d| serde_json::to_value(d).unwrap_or_default()))
}

/// The first output the node labelled `label` shows now, as JSON.
pub fn output(ed: Editor, label: &str) -> Option<serde_json::Value> {
    let id = ed.doc.with_untracked(|d| d.flow.find_label(label))?;
    let value = ed.runner().nodes.with_untracked(|m| m.get(&id).and_then(|r| r.first()))?;
    Some(value.0.to_json())
}

/// Which nodes' outputs `run` puts in its report.
enum KeepOutputs {
    All,
    /// Only these nodes' (by Flojoy id); none when empty.
    Of(Vec<String>),
}

/// Reads `run`'s options: `{outputs: true | false | ["<node id>", …]}`, all by default.
fn outputs_option(options: &JsValue) -> Result<KeepOutputs, String> {
    if options.is_undefined() || options.is_null() {
        return Ok(KeepOutputs::All);
    }
    let v = js_sys::Reflect::get(options, &JsValue::from_str("outputs")).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() {
        Ok(KeepOutputs::All)
    } else if let Some(b) = v.as_bool() {
        Ok(if b { KeepOutputs::All } else { KeepOutputs::Of(Vec::new()) })
    } else if js_sys::Array::is_array(&v) {
        let ids = js_sys::Array::from(&v).iter().filter_map(|id| id.as_string()).collect();
        Ok(KeepOutputs::Of(ids))
    } else {
        Err("flojoy.run: options.outputs must be true, false or an array of node ids".into())
    }
}

/// Runs the current flow and resolves with its whole report.
pub async fn run(ed: Editor) -> Result<serde_json::Value, String> {
    run_keeping(ed, KeepOutputs::All).await
}

/// Runs the current flow and resolves with its report, keeping the outputs asked for; an
/// error while the flow waits for the user's consent.
async fn run_keeping(ed: Editor, outputs: KeepOutputs) -> Result<serde_json::Value, String> {
    if let Some(what) = ed.consent_pending() {
        return Err(format!("this flow has {what}: it runs when the user has reviewed it and clicked Run"));
    }
    let runner = ed.runner();
    let report = runner.next_report();
    ed.run();
    Ok(match (report.await, outputs) {
        (Some(r), KeepOutputs::All) => r.to_json(),
        (Some(r), KeepOutputs::Of(ids)) => r.to_json_keeping(|key| ids.iter().any(|id| id == key)),
        (None, _) => serde_json::json!({"status": "cancelled", "nodes": {}}),
    })
}

pub fn install(ed: Editor) {
    let api = js_sys::Object::new();
    let load_fn = Closure::<dyn FnMut(JsValue) -> Result<JsValue, JsValue>>::new(move |flow: JsValue| {
        let text = match flow.as_string() {
            Some(s) => s,
            None => js_sys::JSON::stringify(&flow)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| JsValue::from_str("flojoy.load needs a flow object or JSON text"))?,
        };
        load(ed, &text, None).map(|d| js::json_to_js(&d)).map_err(|e| js_sys::Error::new(&e).into())
    });
    let run_fn = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |options: JsValue| {
        let outputs = outputs_option(&options);
        wasm_bindgen_futures::future_to_promise(async move {
            let error = |e: String| JsValue::from(js_sys::Error::new(&e));
            let outputs = outputs.map_err(error)?;
            Ok(js::json_to_js(&run_keeping(ed, outputs).await.map_err(error)?))
        })
    });
    let flow_fn = Closure::<dyn FnMut() -> JsValue>::new(move || {
        js::json_to_js(&ed.doc.with_untracked(|d| runtime::file::to_json(&d.flow)))
    });
    let stop_fn = Closure::<dyn FnMut()>::new(move || ed.execute(Command::Stop));
    let output_fn = Closure::<dyn FnMut(String) -> JsValue>::new(move |label: String| match output(ed, &label) {
        Some(v) => js::json_to_js(&v),
        None => JsValue::NULL,
    });
    let devices_fn = Closure::<dyn FnMut() -> JsValue>::new(move || {
        let v = ed.runner().devices().view.get_untracked();
        js::json_to_js(&serde_json::json!({
            "serialApi": v.serial_api,
            "usbApi": v.usb_api,
            "demo": v.demo,
            "serial": v.serial,
            "usb": v.usb,
            "events": v.events,
            "streams": v.streams.iter().map(|(k, s)| serde_json::json!({"node": k, "stats": s})).collect::<Vec<_>>(),
            "streaming": ed.runner().streaming.get_untracked(),
        }))
    });
    let draws_fn = Closure::<dyn FnMut() -> f64>::new(|| crate::plot::draws() as f64);
    let recent_fn = Closure::<dyn FnMut() -> js_sys::Promise>::new(|| {
        wasm_bindgen_futures::future_to_promise(async {
            let list = js::store::recent_list().await.map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
            let list: Vec<_> = list
                .iter()
                .map(|r| serde_json::json!({"id": r.id, "name": r.name, "savedAt": r.saved_at, "nodes": r.nodes}))
                .collect();
            Ok(js::json_to_js(&serde_json::Value::Array(list)))
        })
    });
    let restore_fn = Closure::<dyn FnMut(f64) -> js_sys::Promise>::new(move |id: f64| {
        wasm_bindgen_futures::future_to_promise(async move {
            ed.restore(id).await.map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
            Ok(JsValue::TRUE)
        })
    });
    let saved_fn = Closure::<dyn FnMut() -> js_sys::Promise>::new(crate::autosave::settled);
    let consent_fn = Closure::<dyn FnMut() -> JsValue>::new(move || match ed.consent_pending() {
        Some(t) => JsValue::from_str(&t),
        None => JsValue::NULL,
    });
    // the functions belong to the `window.flojoy` object (JavaScript's garbage collector frees
    // them with it), which lives as long as the app
    js::set(&api, "load", &load_fn.into_js_value());
    js::set(&api, "run", &run_fn.into_js_value());
    js::set(&api, "flow", &flow_fn.into_js_value());
    js::set(&api, "stop", &stop_fn.into_js_value());
    js::set(&api, "output", &output_fn.into_js_value());
    js::set(&api, "devices", &devices_fn.into_js_value());
    js::set(&api, "plotDraws", &draws_fn.into_js_value());
    js::set(&api, "recent", &recent_fn.into_js_value());
    js::set(&api, "restore", &restore_fn.into_js_value());
    js::set(&api, "saved", &saved_fn.into_js_value());
    js::set(&api, "pendingConsent", &consent_fn.into_js_value());
    if let Some(w) = js::window() {
        js::set(&w, "flojoy", &api);
    }
    on_cleanup(|| {
        if let Some(w) = js::window() {
            let _ = js_sys::Reflect::delete_property(&w, &"flojoy".into());
        }
    });

    // ?flow=<url> opens a flow at start; &run=1 runs it once loaded
    let params = js::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok());
    if params.as_ref().and_then(|p| p.get("demo")).is_some_and(|v| v == "1" || v == "true") {
        leptos::task::spawn_local(async move {
            if let Err(e) = ed.runner().devices().enable_demo().await {
                ed.error(format!("demo devices could not start: {e}"));
            }
        });
    }
    open_fragment(ed);
    js::listener::window(leptos::ev::Custom::<web_sys::Event>::new("hashchange"), move |_| open_fragment(ed));
    if let Some(url) = params.as_ref().and_then(|p| p.get("flow")) {
        let run_after = params.as_ref().and_then(|p| p.get("run")).is_some_and(|v| v == "1" || v == "true");
        leptos::task::spawn_local(async move {
            let outside = (!shipped_with_site(&url)).then(|| "this link".to_owned());
            match js::net::fetch_text(&url).await {
                Ok(text) => {
                    if ed.open_text_from(&text, &url, outside) && run_after {
                        ed.run_from_link("flow");
                    }
                }
                Err(e) => ed.error(format!("the flow in the link could not be opened: {e}")),
            }
        });
    }
}

/// Opens the flow of a share link (`#flow=…`), runs it if the link says `run=1` (never a flow
/// that uses devices: that takes the user's click), and takes the flow out of the address so
/// a reload shows the autosaved (possibly edited) flow instead of the original link.
fn open_fragment(ed: Editor) {
    let Some(w) = js::window() else { return };
    let hash = w.location().hash().unwrap_or_default();
    let frag = crate::share::parse(&hash);
    let Some(flow) = frag.flow else { return };
    match flow {
        Ok(text) => {
            if ed.open_text_from(&text, "the shared flow", Some("this link".into())) && frag.run {
                ed.run_from_link("shared flow");
            }
        }
        Err(e) => ed.error(format!("the shared link could not be opened: {e}")),
    }
    if !ed.embed
        && let Ok(history) = w.history()
    {
        let loc = w.location();
        let clean = format!("{}{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default());
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&clean));
    }
}

/// A `?flow=` URL that names one of the site's own examples (`gallery/` beside the page, same
/// origin): it runs like an example opened from the gallery. Any other URL is from outside.
fn shipped_with_site(url: &str) -> bool {
    let Some(loc) = js::window().map(|w| w.location()) else { return false };
    let Ok(here) = loc.href() else { return false };
    let (Ok(page), Ok(target)) = (web_sys::Url::new(&here), web_sys::Url::new_with_base(url, &here)) else {
        return false;
    };
    let dir = page.pathname();
    let dir = &dir[..dir.rfind('/').map_or(0, |i| i + 1)];
    target.origin() == page.origin()
        && target.pathname().strip_prefix(dir).is_some_and(|rest| rest.starts_with("gallery/") && !rest.contains(".."))
}
