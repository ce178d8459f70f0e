//! Keyboard shortcuts (the keys are [`Command::for_key`]'s), clipboard events and files dropped
//! on the page.
//!
//! Ctrl/⌘: Z undo, Shift+Z or Y redo, C/X/V copy/cut/paste (Flojoy JSON on the system
//! clipboard), D duplicate, S save, O open, K command palette, A select all, Enter node view,
//! Delete/Backspace delete, 0 fit view, +/- zoom.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::commands::Command;
use crate::{Editor, js};

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

pub fn install(ed: Editor) {
    js::listener::window(ev::keydown, move |ev| {
        let cmd = ev.ctrl_key() || ev.meta_key();
        let Some(command) = Command::for_key(&ev.key(), cmd, ev.shift_key()) else { return };
        if !command.works_anywhere() {
            if typing(&ev) || ed.command_palette.get_untracked() || (on_control(&ev) && !cmd) {
                return;
            }
            // the node view is open: Escape closes it, other keys wait
            if ed.viewing.get_untracked().is_some() && command != Command::Dismiss {
                return;
            }
        }
        // preventDefault: the browser's own undo would otherwise also undo the last text typed
        // into some field (and move the focus there); Ctrl+S would save the page
        if command.overrides_browser() {
            ev.prevent_default();
        }
        ed.execute(command);
    });

    // the system clipboard, through the copy/cut/paste events Ctrl/⌘+C/X/V fire
    js::listener::window(ev::copy, move |ev| {
        if copy_selection(ed, &ev) {
            let n = ed.selection.with_untracked(|s| s.nodes.len());
            ed.info(format!("copied {n} node{}", if n == 1 { "" } else { "s" }));
        }
    });
    js::listener::window(ev::cut, move |ev| {
        if copy_selection(ed, &ev) {
            ed.delete_selection();
        }
    });
    js::listener::window(ev::paste, move |ev| {
        if typing(&ev) {
            return;
        }
        if let Some(text) = ev.clipboard_data().and_then(|dt| dt.get_data("text/plain").ok()) {
            ev.prevent_default();
            ed.paste_text(&text);
        }
    });

    // a flow file dropped anywhere on the page opens it
    js::listener::window(ev::dragover, move |ev| {
        if ev.data_transfer().is_some_and(|dt| dt.types().includes(&"Files".into(), 0)) {
            ev.prevent_default();
        }
    });
    js::listener::window(ev::drop, move |ev| {
        let Some(f) = ev.data_transfer().and_then(|dt| dt.files()).and_then(|l| l.get(0)) else { return };
        ev.prevent_default();
        ed.open_file(f);
    });
}

/// Ctrl/⌘+C or X outside a text field: the selected nodes go to the system clipboard as a flow
/// snippet (and are remembered as this page's own copy). Says whether anything was copied.
fn copy_selection(ed: Editor, ev: &web_sys::ClipboardEvent) -> bool {
    if typing(ev) {
        return false;
    }
    let (Some(text), Some(dt)) = (ed.selected_copy(), ev.clipboard_data()) else { return false };
    let _ = dt.set_data("text/plain", &text);
    ed.copied.set_value(Some(text));
    ev.prevent_default();
    true
}
