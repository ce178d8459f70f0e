//! Files: New, Open (picker, drag and drop, URL), Save (download), and autosave to the
//! browser's storage after every edit so a reload or a crash loses nothing.

use leptos::prelude::*;
use runtime::{Flow, file};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::state::selection::Selection;
use crate::{Editor, js, state};

const AUTOSAVE_KEY: &str = "flojoy-web:autosave";

fn storage() -> Option<web_sys::Storage> {
    js::window()?.local_storage().ok().flatten()
}

/// The flow to start with: the autosaved one if there is one, else the welcome flow.
pub fn initial_flow() -> Flow {
    let saved = storage().and_then(|s| s.get_item(AUTOSAVE_KEY).ok().flatten());
    match saved.map(|text| file::load(&text, js::random_u64())) {
        Some(Ok(loaded)) => loaded.flow,
        _ => state::welcome_flow(),
    }
}

/// Writes the flow to browser storage whenever it changes.
pub fn autosave(ed: Editor) {
    Effect::new(move |_| {
        let text = ed.doc.with(|d| file::save(&d.flow));
        if let Some(s) = storage()
            && s.set_item(AUTOSAVE_KEY, &text).is_err()
        {
            ed.error("autosave failed: the browser's storage is full or disabled");
        }
    });
}

/// Replaces the current flow with one read from `text`. A file that fails to parse leaves
/// the current flow untouched and says why.
pub fn open_text(ed: Editor, text: &str, name: &str) -> bool {
    match file::load(text, js::random_u64()) {
        Ok(loaded) => {
            ed.runner().reset("a new flow was opened");
            // a flow may ask for live mode (the gallery's apps do)
            ed.live.set(
                loaded
                    .flow
                    .extra
                    .get("flojoyWeb")
                    .and_then(|w| w.get("live"))
                    .and_then(|l| l.as_bool())
                    .unwrap_or(false),
            );
            ed.doc.update(|d| d.replace(loaded.flow));
            ed.selection.set(Selection::default());
            ed.fit_view();
            let n = loaded.warnings.len();
            if n == 0 {
                ed.info(format!("opened {name}"));
            } else {
                ed.info(format!(
                    "opened {name} with {n} warning{}: {}",
                    if n == 1 { "" } else { "s" },
                    loaded.warnings.join("; ")
                ));
            }
            true
        }
        Err(e) => {
            ed.error(format!("{name} was not opened: {e}"));
            false
        }
    }
}

/// New: an empty flow (undo does not bring the old one back; it is still in the autosave until
/// the next edit, and a Save first is offered by the toolbar's confirm).
pub fn new_flow(ed: Editor) {
    ed.runner().reset("a new flow was started");
    ed.doc.update(|d| d.replace(Flow::new()));
    ed.selection.set(Selection::default());
}

/// Reads a file the user picked or dropped.
pub async fn read_file(f: &web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(f.text()).await.map_err(|_| format!("{} could not be read", f.name()))?;
    text.as_string().ok_or_else(|| format!("{} is not text", f.name()))
}

/// Save: downloads the flow as a Flojoy 2024 JSON file.
pub fn save(ed: Editor) {
    let (text, name) =
        ed.doc.with_untracked(|d| (file::save(&d.flow), d.flow.name.clone().unwrap_or_else(|| "flow".into())));
    let file_name = format!("{}.json", name.replace(|c: char| !c.is_alphanumeric() && c != '-' && c != '_', "_"));
    match download(&file_name, &text, "application/json") {
        Ok(()) => {
            ed.doc.update(|d| d.dirty = false);
            ed.info(format!("saved {file_name}"));
        }
        Err(e) => ed.error(format!("could not save: {e}")),
    }
}

/// Offers `text` as a file download.
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| "the browser refused the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "no object URL")?;
    let doc = js::document().ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(|_| "no anchor")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Fetches a flow (or any text) from a URL.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let w = js::window().ok_or("no window")?;
    let resp = JsFuture::from(w.fetch_with_str(url)).await.map_err(|e| format!("{url} could not be fetched: {e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response")?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(|_| "no body")?).await.map_err(|_| "unreadable body")?;
    text.as_string().ok_or_else(|| "the response is not text".into())
}
