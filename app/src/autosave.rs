//! Autosave and the recent flows, in the browser's IndexedDB (`js::store`): the flow is saved
//! after every change (once the change is on screen), so a reload or a crash loses nothing and the next visit starts from it;
//! whatever Open, New, a link, a file or an example replaces goes into the recent flows first,
//! restorable in one click. A save that does not fit the storage quota says so and leaves the
//! last good save in place.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use runtime::{Flow, file};

use crate::js::store::{self, Record, StoreError};
use crate::state::document::Document;
use crate::{Editor, js, state};

/// How many replaced flows the recent list keeps.
pub const RECENT_KEEP: u32 = 30;

/// Where autosave lived before IndexedDB: read once, if IndexedDB has nothing yet.
const LEGACY_KEY: &str = "flojoy-web:autosave";

thread_local! {
    /// The autosaved record, read before the app mounts.
    static FIRST: RefCell<Option<Record>> = const { RefCell::new(None) };
    /// When the last save that worked was made (ms since 1970).
    static LAST_GOOD: Cell<f64> = const { Cell::new(0.0) };
    /// A save asked for and not yet handed to IndexedDB: a promise that resolves when it has
    /// been, and its resolve function.
    static PENDING: RefCell<Option<(js_sys::Promise, js_sys::Function)>> = const { RefCell::new(None) };
}

/// Reads the autosaved flow before the app starts (IndexedDB is asynchronous).
pub async fn preload() {
    let mut saved = store::autosave_get().await;
    if saved.is_none() {
        let legacy = js::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(LEGACY_KEY).ok().flatten());
        saved = legacy.map(|text| Record {
            text,
            name: String::new(),
            nodes: 0,
            outside: None,
            saved_at: 0.0,
            subflow: false,
        });
    }
    if let Some(r) = &saved {
        LAST_GOOD.set(r.saved_at);
    }
    FIRST.set(saved);
}

/// The flow to start with and where it came from: the autosaved one if there is one (a flow
/// from outside stays so until the user consents), else the welcome flow.
pub fn initial_flow() -> (Flow, Option<String>) {
    let saved = FIRST.take();
    match saved.map(|r| (file::load(&r.text, js::random_u64()), r.outside)) {
        Some((Ok(loaded), outside)) => (loaded.flow, outside),
        _ => (state::welcome_flow(), None),
    }
}

/// The document as a record.
pub fn record(d: &Document) -> Record {
    Record {
        text: file::save_compact(&d.flow),
        name: d.flow.name.clone().unwrap_or_else(|| "Untitled flow".into()),
        nodes: d.flow.nodes().count(),
        outside: d.outside.clone(),
        saved_at: js_sys::Date::now(),
        subflow: false,
    }
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn time(ms: f64) -> String {
    js_sys::Date::new(&ms.into()).to_locale_time_string("en-GB").as_string().unwrap_or_default()
}

/// Writes the flow to IndexedDB whenever it changes: once the browser has drawn the change
/// (writing a 10,000-node flow takes over a second in the page; a load or an edit must not
/// wait for it), and once for however many changes came before. A tab that draws no frames
/// (hidden) writes after 200 ms; a page being hidden or closed writes at once.
pub fn install(ed: Editor) {
    Effect::new(move |_| {
        ed.doc.track();
        if PENDING.with_borrow(Option::is_some) {
            return;
        }
        let mut done: Option<js_sys::Function> = None;
        let promise = js_sys::Promise::new(&mut |resolve, _| done = Some(resolve));
        let Some(done) = done else { return };
        PENDING.set(Some((promise, done)));
        leptos::task::spawn_local(async move {
            futures::future::select(Box::pin(js::next_frame()), Box::pin(js::sleep(200.0))).await;
            js::sleep(0.0).await;
            flush(ed);
        });
    });
    js::listener::window(leptos::ev::pagehide, move |_| flush(ed));
    if let Some(d) = js::document() {
        js::listener::keep(js::listener::Listener::new(&d, "visibilitychange", move |_| {
            if js::document().is_some_and(|d| d.hidden()) {
                flush(ed);
            }
        }));
    }
}

/// Hands the pending save (if any) to IndexedDB now.
fn flush(ed: Editor) {
    let Some((_, done)) = PENDING.take() else { return };
    let r = ed.doc.with_untracked(record);
    // the write is queued (in order) before `settled` is told
    let write = store::autosave_put(&r);
    js::call0(&done);
    leptos::task::spawn_local(save(ed, r, write));
}

/// Resolves when every autosave asked for so far has been written (or has failed): the
/// changes made before the call included (their effects run first).
pub fn settled() -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        js::yield_now().await;
        if let Some(p) = PENDING.with_borrow(|p| p.as_ref().map(|(p, _)| p.clone())) {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        }
        wasm_bindgen_futures::JsFuture::from(store::autosave_settled()).await
    })
}

/// Waits for one autosave write and says if it failed.
async fn save(ed: Editor, r: Record, write: impl std::future::Future<Output = Result<(), StoreError>>) {
    match write.await {
        Ok(()) => LAST_GOOD.set(r.saved_at),
        Err(e) => {
            let kept = match LAST_GOOD.get() {
                0.0 => "nothing was autosaved before".to_owned(),
                t => format!("the last good autosave ({}) is kept", time(t)),
            };
            let why = match e {
                StoreError::Full => format!("this flow ({}) does not fit in the browser's storage", mb(r.text.len())),
                StoreError::Other(e) => format!("the browser's storage refused it ({e})"),
            };
            ed.error(format!("autosave failed: {why}; {kept}. Save the flow as a file (Ctrl+S) to keep it"));
        }
    }
}

impl Editor {
    /// Puts the current flow into the recent flows before something replaces it (not an
    /// empty flow, not in an embed, which never touches the editor's storage).
    pub fn keep_in_recent(&self) {
        if self.embed {
            return;
        }
        let r = self.doc.with_untracked(record);
        if r.nodes == 0 && self.doc.with_untracked(|d| d.flow.texts.is_empty()) {
            return;
        }
        let ed = *self;
        leptos::task::spawn_local(async move {
            if let Err(e) = store::recent_push(&r, RECENT_KEEP).await {
                ed.error(format!("the replaced flow could not be kept in Recent: {e}"));
            }
        });
    }

    /// Opens a recent flow (the current one goes into the list first, as with any open).
    pub async fn restore(&self, id: f64) -> Result<(), String> {
        let r = store::recent_get(id).await.map_err(|e| e.to_string())?.ok_or("no recent flow has this id")?;
        if self.open_text_from(&r.text, &r.name, r.outside.clone()) {
            Ok(())
        } else {
            Err(format!("{} could not be opened", r.name))
        }
    }
}
