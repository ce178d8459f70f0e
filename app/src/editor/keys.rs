//! Keyboard shortcuts, clipboard events and files dropped on the page.
//!
//! Ctrl/⌘: Z undo, Shift+Z or Y redo, C/X/V copy/cut/paste (Flojoy JSON on the system
//! clipboard), D duplicate, S save, O open, K command palette, A select all, Enter node view,
//! Delete/Backspace delete, 0 fit view, +/- zoom.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::clipboard;
use crate::state::selection::Selection;
use crate::{Editor, files, js};

/// Form controls that take no text (a slider, a checkbox, a select): Ctrl/⌘ shortcuts such as
/// undo still work while one has the focus, plain keys (Delete, Enter, arrows) stay theirs.
const NOT_TEXT: [&str; 8] = ["checkbox", "radio", "range", "button", "submit", "color", "file", "reset"];

fn target_element(ev: &web_sys::Event) -> Option<web_sys::Element> {
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

fn input_type(el: &web_sys::Element) -> String {
    el.get_attribute("type").unwrap_or_default().to_ascii_lowercase()
}

/// Whether keystrokes belong to a text field.
fn typing(ev: &web_sys::Event) -> bool {
    target_element(ev).is_some_and(|el| match el.tag_name().as_str() {
        "INPUT" => !NOT_TEXT.contains(&input_type(&el).as_str()),
        "TEXTAREA" => true,
        _ => el.closest("[contenteditable], .cm-editor").ok().flatten().is_some(),
    })
}

/// Whether the focus is on a form control that takes no text.
fn on_control(ev: &web_sys::Event) -> bool {
    target_element(ev).is_some_and(|el| match el.tag_name().as_str() {
        "INPUT" => NOT_TEXT.contains(&input_type(&el).as_str()),
        "SELECT" | "BUTTON" => true,
        _ => false,
    })
}

fn selected_copy(ed: Editor) -> Option<String> {
    let ids: Vec<_> = ed.selection.with_untracked(|s| s.nodes.iter().copied().collect());
    (!ids.is_empty()).then(|| ed.doc.with_untracked(|d| clipboard::copy(&d.flow, &ids)))
}

/// Pastes Flojoy JSON text near the view centre (or offset from the copied nodes).
pub fn paste_text(ed: Editor, text: &str) {
    let at = {
        let (x, y) = ed.view_center();
        (x - 100.0, y - 60.0)
    };
    let pasted = ed.doc.with_untracked(|d| clipboard::paste(&d.flow, text, at, js::random_u64()));
    match pasted {
        Ok(p) => {
            if ed.apply(p.edit) {
                let ids = ed.doc.with_untracked(|d| p.keys.iter().filter_map(|k| d.flow.find_key(k)).collect());
                ed.selection.set(Selection { nodes: ids, ..Selection::default() });
            }
        }
        Err(e) => ed.error(format!("nothing was pasted: {e}")),
    }
}

pub fn duplicate(ed: Editor) {
    if let Some(text) = selected_copy(ed) {
        // a copy 30 px to the right and below the original
        let at = ed.doc.with_untracked(|d| {
            ed.selection.with_untracked(|s| {
                s.nodes
                    .iter()
                    .filter_map(|id| d.flow.node(*id))
                    .fold((f64::MAX, f64::MAX), |a, n| (a.0.min(n.position.0), a.1.min(n.position.1)))
            })
        });
        match ed.doc.with_untracked(|d| clipboard::paste(&d.flow, &text, (at.0 + 30.0, at.1 + 30.0), js::random_u64()))
        {
            Ok(p) => {
                if ed.apply(p.edit) {
                    let ids = ed.doc.with_untracked(|d| p.keys.iter().filter_map(|k| d.flow.find_key(k)).collect());
                    ed.selection.set(Selection { nodes: ids, ..Selection::default() });
                }
            }
            Err(e) => ed.error(e.to_string()),
        }
    }
}

pub fn install(ed: Editor) {
    let _ = window_event_listener(ev::keydown, move |ev| {
        let k = ev.key();
        let cmd = ev.ctrl_key() || ev.meta_key();
        let in_field = typing(&ev);
        if cmd && k.eq_ignore_ascii_case("s") {
            ev.prevent_default();
            files::save(ed);
            return;
        }
        if cmd && k.eq_ignore_ascii_case("k") {
            ev.prevent_default();
            ed.command_palette.update(|o| *o = !*o);
            return;
        }
        if cmd && k.eq_ignore_ascii_case("o") {
            ev.prevent_default();
            crate::editor::toolbar::open_picker();
            return;
        }
        if in_field || ed.command_palette.get_untracked() || (on_control(&ev) && !cmd) {
            return;
        }
        if ed.viewing.get_untracked().is_some() {
            if k == "Escape" {
                ed.viewing.set(None);
            }
            return;
        }
        match (cmd, k.as_str()) {
            // preventDefault: the browser's own undo would otherwise also undo the last text
            // typed into some field (and move the focus there)
            (true, "z" | "Z") if ev.shift_key() => {
                ev.prevent_default();
                ed.redo();
            }
            (true, "z" | "Z") => {
                ev.prevent_default();
                ed.undo();
            }
            (true, "y" | "Y") => {
                ev.prevent_default();
                ed.redo();
            }
            (true, "d" | "D") => {
                ev.prevent_default();
                duplicate(ed);
            }
            (true, "a" | "A") => {
                ev.prevent_default();
                let ids = ed.doc.with_untracked(|d| d.flow.node_ids());
                ed.selection.set(Selection { nodes: ids.into_iter().collect(), ..Selection::default() });
            }
            (true, "0") => {
                ev.prevent_default();
                ed.fit_view();
            }
            (true, "=" | "+") => {
                ev.prevent_default();
                ed.zoom_by(1.2);
            }
            (true, "-") => {
                ev.prevent_default();
                ed.zoom_by(1.0 / 1.2);
            }
            (false, "Delete" | "Backspace") => {
                ev.prevent_default();
                ed.delete_selection();
            }
            (false, "Enter") => {
                if let Some(id) = ed.selection.with_untracked(|s| s.single_node()) {
                    ed.viewing.set(Some(id));
                }
            }
            (false, "Escape") => ed.selection.set(Selection::default()),
            _ => {}
        }
    });

    // the system clipboard, through the copy/cut/paste events Ctrl/⌘+C/X/V fire
    let _ = window_event_listener(ev::copy, move |ev| {
        if typing(&ev) {
            return;
        }
        if let (Some(text), Some(dt)) = (selected_copy(ed), ev.clipboard_data()) {
            let _ = dt.set_data("text/plain", &text);
            ev.prevent_default();
            let n = ed.selection.with_untracked(|s| s.nodes.len());
            ed.info(format!("copied {n} node{}", if n == 1 { "" } else { "s" }));
        }
    });
    let _ = window_event_listener(ev::cut, move |ev| {
        if typing(&ev) {
            return;
        }
        if let (Some(text), Some(dt)) = (selected_copy(ed), ev.clipboard_data()) {
            let _ = dt.set_data("text/plain", &text);
            ev.prevent_default();
            ed.delete_selection();
        }
    });
    let _ = window_event_listener(ev::paste, move |ev| {
        if typing(&ev) {
            return;
        }
        if let Some(text) = ev.clipboard_data().and_then(|dt| dt.get_data("text/plain").ok()) {
            ev.prevent_default();
            paste_text(ed, &text);
        }
    });

    // a flow file dropped anywhere on the page opens it
    let _ = window_event_listener(ev::dragover, move |ev| {
        if ev.data_transfer().is_some_and(|dt| dt.types().includes(&"Files".into(), 0)) {
            ev.prevent_default();
        }
    });
    let _ = window_event_listener(ev::drop, move |ev| {
        let Some(f) = ev.data_transfer().and_then(|dt| dt.files()).and_then(|l| l.get(0)) else { return };
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match files::read_file(&f).await {
                Ok(text) => {
                    files::open_text(ed, &text, &f.name());
                }
                Err(e) => ed.error(e),
            }
        });
    });
}
