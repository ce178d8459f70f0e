//! Embedding in docs: `?embed=1` shows a compact view for an iframe (the flow or, with
//! `view=dashboard`, the dashboard; a Run button; "Open in editor"). It is read-only unless
//! the URL says `edit=1` (parameters and dashboard widgets still work), and it never touches
//! the editor's autosave (an iframe shares the site's storage).
//!
//! Host pages talk to any Flojoy Web frame with `postMessage`, mirroring `window.flojoy`:
//! send `{flojoy: "load", id, flow}`, `{flojoy: "run", id}`, `{flojoy: "flow", id}`,
//! `{flojoy: "stop", id}` or `{flojoy: "output", id, label}`; the frame answers
//! `{flojoy: "result", id, ok: true, value}` or `{flojoy: "result", id, ok: false, error}`.
//! The frame announces `{flojoy: "ready"}` to its parent at start and sends
//! `{flojoy: "report", report}` after each run to the origins that have talked to it.
//! A flow that uses devices never runs from a message: the user clicks Run in the frame. A flow
//! loaded by a message is from outside the site: when it has Python code or file exports, a
//! `run` message is refused until the user has reviewed it and clicked Run in the frame
//! (after that, `run` messages run it).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use serde_json::{Value as Json, json};
use wasm_bindgen::{JsCast, JsValue};

use crate::editor::toolbar::{RunButton, ViewTabs};
use crate::state::View;
use crate::{Editor, automation, js, share};

/// How the page was opened.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Mode {
    pub embed: bool,
    /// Embedded but editable (`edit=1`).
    pub edit: bool,
    pub view: View,
}

impl Mode {
    pub fn from_url() -> Mode {
        let params = js::window()
            .and_then(|w| w.location().search().ok())
            .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok());
        let flag = |name: &str| params.as_ref().and_then(|p| p.get(name)).is_some_and(|v| v == "1" || v == "true");
        let view = match params.as_ref().and_then(|p| p.get("view")).as_deref() {
            Some("dashboard") => View::Dashboard,
            _ => View::Flow,
        };
        Mode { embed: flag("embed"), edit: flag("edit"), view }
    }
}

/// The editor's address for the current flow: the page without embed parameters, the flow
/// in the fragment when it fits in a link.
pub fn editor_link(ed: Editor) -> String {
    let Some(loc) = js::window().map(|w| w.location()) else { return String::new() };
    let base = format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default());
    let text = ed.doc.with_untracked(|d| runtime::file::save(&d.flow));
    match share::fragment(&text, false) {
        Ok(f) => format!("{base}#{f}"),
        Err(_) => base,
    }
}

#[component]
pub fn EmbedBar() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let title = move || ed.doc.with(|d| d.flow.name.clone().unwrap_or_else(|| "Flojoy flow".into()));
    let status = move || {
        ed.runner().report.with(|r| {
            r.as_ref().map(|r| match r.status {
                runtime::schedule::RunStatus::Ok => format!("✓ {:.0} ms", r.ms),
                runtime::schedule::RunStatus::Failed => "✗ failed: see the red node".into(),
                runtime::schedule::RunStatus::Cancelled => "■ stopped".into(),
            })
        })
    };
    view! {
        <header class="toolbar embed-bar" data-testid="embed-bar">
            <RunButton/>
            <crate::editor::recent::ConsentBadge/>
            <span class="flow-name" data-testid="flow-name">{title}</span>
            <span class="run-status" data-testid="run-status">{status}</span>
            <ViewTabs/>
            <span class="spacer"></span>
            <a
                data-testid="open-in-editor"
                target="_blank"
                rel="noopener"
                href=move || { ed.doc.track(); editor_link(ed) }
            >
                "Open in editor ↗"
            </a>
        </header>
    }
}

/// Origins that have sent us a message (they get run reports).
type Listeners = Rc<RefCell<Vec<String>>>;

fn reply(source: &JsValue, origin: &str, msg: &Json) {
    let target = if origin == "null" || origin.is_empty() { "*" } else { origin };
    let f =
        js_sys::Reflect::get(source, &"postMessage".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(f) = f {
        let _ = f.call2(source, &js::json_to_js(msg), &JsValue::from_str(target));
    }
}

async fn handle(ed: Editor, data: &Json, origin: &str) -> Result<Json, String> {
    match data.get("flojoy").and_then(Json::as_str).unwrap_or_default() {
        "load" => {
            let flow = data.get("flow").ok_or("load needs a flow")?;
            let text = match flow {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            automation::load(ed, &text, Some(format!("a message from {origin}")))
        }
        "run" => {
            if ed.doc.with_untracked(|d| d.flow.uses_devices()) {
                return Err("this flow uses devices: it runs only when the user clicks Run in the frame".into());
            }
            if let Some(what) = ed.consent_pending() {
                return Err(format!(
                    "this flow has {what}: it runs only when the user has reviewed it and clicked Run in the frame"
                ));
            }
            automation::run(ed).await
        }
        "flow" => Ok(ed.doc.with_untracked(|d| runtime::file::to_json(&d.flow))),
        "stop" => {
            ed.runner().cancel("stopped by the host page");
            Ok(Json::Null)
        }
        "output" => {
            let label = data.get("label").and_then(Json::as_str).ok_or("output needs a label")?;
            Ok(automation::output(ed, label).unwrap_or(Json::Null))
        }
        other => Err(format!("unknown request '{other}' (load, run, flow, stop, output)")),
    }
}

/// Answers host pages' messages; tells the parent the frame is ready.
pub fn install(ed: Editor) {
    let Some(w) = js::window() else { return };
    let listeners: Listeners = Rc::new(RefCell::new(Vec::new()));
    let l = listeners.clone();
    js::listener::window(leptos::ev::message, move |e: web_sys::MessageEvent| {
        let data: Json = js::js_to_json(&e.data());
        if data.get("flojoy").and_then(Json::as_str).is_none_or(|k| matches!(k, "result" | "ready" | "report")) {
            return; // not a request for us (or our own announcements echoing back)
        }
        let origin = e.origin();
        let Some(source) = e.source().map(JsValue::from) else { return };
        if !l.borrow().contains(&origin) {
            l.borrow_mut().push(origin.clone());
        }
        let id = data.get("id").cloned().unwrap_or(Json::Null);
        leptos::task::spawn_local(async move {
            let msg = match handle(ed, &data, &origin).await {
                Ok(value) => json!({"flojoy": "result", "id": id, "ok": true, "value": value}),
                Err(error) => json!({"flojoy": "result", "id": id, "ok": false, "error": error}),
            };
            reply(&source, &origin, &msg);
        });
    });

    // reports after each run, to the host pages that talk to us
    let parent = w.parent().ok().flatten().filter(|p| !js_sys::Object::is(p, &w));
    if let Some(parent) = parent {
        reply(&parent.clone().into(), "*", &json!({"flojoy": "ready", "version": crate::pwa::version()}));
        Effect::new(move |_| {
            let Some(report) = ed.runner().report.get() else { return };
            let msg = json!({"flojoy": "report", "report": report.to_json()});
            for origin in listeners.borrow().iter() {
                reply(&parent.clone().into(), origin, &msg);
            }
        });
    }
}
