//! Commands on files: open (text, a picked or dropped file, the picker), new, save.

use leptos::prelude::*;
use runtime::{Flow, file};
use wasm_bindgen::JsCast;

use crate::state::selection::Selection;
use crate::{Editor, js};

impl Editor {
    /// Replaces the current flow with one read from `text`. A file that fails to parse leaves
    /// the current flow untouched and says why.
    pub fn open_text(&self, text: &str, name: &str) -> bool {
        match file::load(text, js::random_u64()) {
            Ok(loaded) => {
                self.runner().reset("a new flow was opened");
                // a flow may ask for live mode (the gallery's apps do)
                self.live.set(
                    loaded
                        .flow
                        .extra
                        .get("flojoyWeb")
                        .and_then(|w| w.get("live"))
                        .and_then(|l| l.as_bool())
                        .unwrap_or(false),
                );
                self.doc.update(|d| d.replace(loaded.flow));
                self.selection.set(Selection::default());
                self.fit_view();
                let n = loaded.warnings.len();
                if n == 0 {
                    self.info(format!("opened {name}"));
                } else {
                    self.info(format!(
                        "opened {name} with {n} warning{}: {}",
                        if n == 1 { "" } else { "s" },
                        loaded.warnings.join("; ")
                    ));
                }
                true
            }
            Err(e) => {
                self.error(format!("{name} was not opened: {e}"));
                false
            }
        }
    }

    /// Opens a file the user picked or dropped.
    pub fn open_file(&self, f: web_sys::File) {
        let ed = *self;
        leptos::task::spawn_local(async move {
            match js::file::read_text(&f).await {
                Ok(text) => {
                    ed.open_text(&text, &f.name());
                }
                Err(e) => ed.error(e),
            }
        });
    }

    /// Opens the file picker of the Open button.
    pub fn open_picker(&self) {
        if let Some(el) = js::document().and_then(|d| d.get_element_by_id("open-file"))
            && let Ok(input) = el.dyn_into::<web_sys::HtmlInputElement>()
        {
            input.set_value("");
            input.click();
        }
    }

    /// New: an empty flow (undo does not bring the old one back; it is still in the autosave until
    /// the next edit, and a Save first is offered by the toolbar's confirm).
    pub fn new_flow(&self) {
        self.runner().reset("a new flow was started");
        self.doc.update(|d| d.replace(Flow::new()));
        self.selection.set(Selection::default());
    }

    /// Save: downloads the flow as a Flojoy 2024 JSON file.
    pub fn save(&self) {
        let (text, name) =
            self.doc.with_untracked(|d| (file::save(&d.flow), d.flow.name.clone().unwrap_or_else(|| "flow".into())));
        let file_name = format!("{}.json", name.replace(|c: char| !c.is_alphanumeric() && c != '-' && c != '_', "_"));
        match js::file::download(&file_name, &text, "application/json") {
            Ok(()) => {
                self.doc.update(|d| d.dirty = false);
                self.info(format!("saved {file_name}"));
            }
            Err(e) => self.error(format!("could not save: {e}")),
        }
    }
}
