//! Autosave: the flow goes to the browser's storage after every edit, so a reload or a crash
//! loses nothing; the next visit starts from it.

use leptos::prelude::*;
use runtime::{Flow, file};

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
pub fn install(ed: Editor) {
    Effect::new(move |_| {
        let text = ed.doc.with(|d| file::save(&d.flow));
        if let Some(s) = storage()
            && s.set_item(AUTOSAVE_KEY, &text).is_err()
        {
            ed.error("autosave failed: the browser's storage is full or disabled");
        }
    });
}
