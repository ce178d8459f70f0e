//! The offline app's page side (the service worker is app/js/sw.js, registered by index.html):
//! says when the app was updated since the last visit, and when a new version is ready.

use wasm_bindgen::JsCast;

use crate::{Editor, js};

const VERSION_KEY: &str = "flojoy-web:version";

/// This build's version (a hash of its files, stamped by app/build/pwa.mjs; "dev" when unstamped).
pub fn version() -> String {
    js::document()
        .and_then(|d| d.query_selector("meta[name=flojoy-version]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_else(|| "dev".into())
}

/// Waits for index.html's start-up check (it may switch to a newer version first).
pub async fn boot() {
    let Some(w) = js::window() else { return };
    if let Ok(p) = js_sys::Reflect::get(&w, &"flojoyBoot".into())
        && let Ok(p) = p.dyn_into::<js_sys::Promise>()
    {
        let _ = wasm_bindgen_futures::JsFuture::from(p).await;
    }
}

/// Tells the user about updates: the version changed since the last visit, or a newer one
/// finished downloading in the background.
pub fn install(ed: Editor) {
    let now = version();
    let storage = js::window().and_then(|w| w.local_storage().ok().flatten());
    if let Some(s) = &storage {
        let before = s.get_item(VERSION_KEY).ok().flatten();
        if let Some(before) = before.filter(|b| *b != now && now != "dev") {
            ed.announce(format!("Flojoy Web was updated (version {before} → {now})"));
        }
        let _ = s.set_item(VERSION_KEY, &now);
    }
    // index.html fires it when the service worker has the next version
    js::listener::window(leptos::ev::Custom::<web_sys::Event>::new("flojoy-update-ready"), move |_| {
        ed.announce("A new version of Flojoy Web is ready: it will be used the next time you open it");
    });
}
