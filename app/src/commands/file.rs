//! Commands on files: open (text, a picked or dropped file, the picker), new, save.

use leptos::prelude::*;
use runtime::{Flow, file};
use wasm_bindgen::JsCast;

use crate::state::selection::Selection;
use crate::{Editor, js};

impl Editor {
    /// Replaces the current flow with one read from `text`, the site's or the user's own (an
    /// example, a recent flow, `window.flojoy.load`). A file that fails to parse leaves the
    /// current flow untouched and says why.
    pub fn open_text(&self, text: &str, name: &str) -> bool {
        self.open_text_from(text, name, None)
    }

    /// Replaces the current flow with one read from `text`; `outside` says where it came from
    /// when that is outside the site ("this link"): then its Python code, hardware nodes and
    /// file exports wait for the user's consent ([`Document::pending_consent`]). The flow it
    /// replaces goes into the recent flows. A file that fails to parse leaves the current flow
    /// untouched and says why.
    ///
    /// [`Document::pending_consent`]: crate::state::document::Document::pending_consent
    pub fn open_text_from(&self, text: &str, name: &str, outside: Option<String>) -> bool {
        match file::load(text, js::random_u64()) {
            Ok(loaded) => {
                self.open_loaded(loaded, name, outside);
                true
            }
            Err(e) => {
                self.error(format!("{name} was not opened: {e}"));
                false
            }
        }
    }

    /// Opens a flow already read from its file (what `open_text_from` does once it has).
    pub fn open_loaded(&self, loaded: file::Loaded, name: &str, outside: Option<String>) {
        self.keep_in_recent();
        self.runner().reset("a new flow was opened");
        self.consent_open.set(false);
        // a flow may ask for live mode (the gallery's apps do)
        self.live.set(
            loaded.flow.extra.get("flojoyWeb").and_then(|w| w.get("live")).and_then(|l| l.as_bool()).unwrap_or(false),
        );
        self.doc.update(|d| d.replace(loaded.flow, outside));
        self.selection.set(Selection::default());
        self.level.set(None);
        self.fit_view();
        let n = loaded.warnings.len();
        if let Some((_, what)) = self.doc.with_untracked(|d| d.pending_consent()) {
            self.announce(format!("opened {name}: {what}. Nothing runs until you have seen it and clicked Run"));
        } else if n == 0 {
            self.info(format!("opened {name}"));
        } else {
            self.info(format!(
                "opened {name} with {n} warning{}: {}",
                if n == 1 { "" } else { "s" },
                loaded.warnings.join("; ")
            ));
        }
    }

    /// Opens a file the user picked or dropped.
    pub fn open_file(&self, f: web_sys::File) {
        let ed = *self;
        leptos::task::spawn_local(async move {
            match js::file::read_text(&f).await {
                Ok(text) => {
                    ed.open_text_from(&text, &f.name(), Some(format!("the file {}", f.name())));
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

    /// New: an empty flow (undo does not bring the old one back; it goes into the recent flows).
    pub fn new_flow(&self) {
        self.keep_in_recent();
        self.runner().reset("a new flow was started");
        self.consent_open.set(false);
        self.doc.update(|d| d.replace(Flow::new(), None));
        self.selection.set(Selection::default());
        self.level.set(None);
    }

    /// The flow's JSON and a file name made of its name.
    fn flow_file(&self) -> (String, String) {
        let (text, name) =
            self.doc.with_untracked(|d| (file::save(&d.flow), d.flow.name.clone().unwrap_or_else(|| "flow".into())));
        (text, name.replace(|c: char| !c.is_alphanumeric() && c != '-' && c != '_', "_"))
    }

    /// Export → Sweep: downloads `<name>-sweep.sh`, which writes the flow beside itself and runs
    /// `flojoy sweep` over the dashboard controls' ranges.
    pub fn export_sweep(&self) {
        let axes = self.doc.with_untracked(|d| crate::state::sweep_export::axes(&d.flow));
        if axes.is_empty() {
            self.error(
                "nothing to sweep: add sliders, knobs, dropdowns or switches to the dashboard; their ranges \
                 become the sweep's axes",
            );
            return;
        }
        let (text, name) = self.flow_file();
        let script = crate::state::sweep_export::script(&name, &text, &axes);
        let file_name = format!("{name}-sweep.sh");
        match js::file::download(&file_name, script.as_bytes(), "text/x-sh") {
            Ok(()) => self.info(format!("saved {file_name}: run it with sh where the flojoy runner is installed")),
            Err(e) => self.error(format!("could not save: {e}")),
        }
    }

    /// Save: downloads the flow as a Flojoy 2024 JSON file.
    pub fn save(&self) {
        let (text, name) = self.flow_file();
        let file_name = format!("{name}.json");
        match js::file::download(&file_name, text.as_bytes(), "application/json") {
            Ok(()) => {
                self.doc.update(|d| d.dirty = false);
                self.info(format!("saved {file_name}"));
            }
            Err(e) => self.error(format!("could not save: {e}")),
        }
    }
}
