//! The top bar: files, undo/redo, Run/Cancel, zoom, add note / Python node, Python status.

use leptos::prelude::*;
use nodes_pyodide::bridge::WorkerStatus;
use runtime::flow::TextNode;
use wasm_bindgen::JsCast;

use crate::{Editor, files, js, state};

/// Opens the file picker of the Open button.
pub fn open_picker() {
    if let Some(el) = js::document().and_then(|d| d.get_element_by_id("open-file"))
        && let Ok(input) = el.dyn_into::<web_sys::HtmlInputElement>()
    {
        input.set_value("");
        input.click();
    }
}

/// Adds a markdown note in view.
pub fn add_note(ed: Editor) {
    let (x, y) = ed.view_center();
    let id = format!("note-{}", runtime::file::uuid(ed.random()));
    let at = ed.doc.with_untracked(|d| d.free_spot((x - 120.0, y - 40.0), (240.0, 80.0)));
    ed.apply(runtime::Edit::AddText(TextNode {
        id,
        text: "## Note\nDouble-click to edit (*markdown*).".into(),
        position: at,
        size: None,
    }));
}

/// Adds a Python node (the DOUBLE template) in view.
pub fn add_python(ed: Editor) {
    let (x, y) = ed.view_center();
    let random = ed.random();
    let node = ed.doc.with_untracked(|d| {
        let mut n = state::python_node(random);
        n.label = d.flow.unique_label(n.func());
        n.position = d.free_spot((x - 100.0, y - 50.0), (200.0, 120.0));
        n
    });
    let key = node.key.clone();
    if ed.apply(runtime::Edit::AddNode(Box::new(node)))
        && let Some(id) = ed.doc.with_untracked(|d| d.flow.find_key(&key))
    {
        ed.selection.set(state::selection::Selection::node(id));
        ed.editing_code.set(Some(id));
    }
}

/// Loads numpy into the Python worker (from Pyodide's package index: needs the network).
pub fn enable_numpy(ed: Editor) {
    let worker = ed.runner().python().clone();
    ed.info("loading numpy from Pyodide's package index…");
    leptos::task::spawn_local(async move {
        match worker.load_numpy().await {
            Ok(()) => {
                ed.numpy.set(true);
                ed.info("numpy is loaded: Python nodes now receive numpy arrays");
            }
            Err(e) => ed.error(format!(
                "numpy could not be loaded (it comes from Pyodide's online package index): {}",
                e.message
            )),
        }
    });
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let running = move || ed.runner().running.get();
    let streaming = move || ed.runner().streaming.get();
    let python = move || match ed.python.get() {
        WorkerStatus::Loading { stage } => ("loading", format!("Python: {stage}…")),
        WorkerStatus::Ready { version, .. } => ("ready", format!("Python {version} ready")),
        WorkerStatus::Failed { reason } => ("failed", format!("Python unavailable: {reason}")),
    };
    let can_undo = move || ed.doc.with(|d| d.can_undo());
    let can_redo = move || ed.doc.with(|d| d.can_redo());
    let title = move || {
        ed.doc.with(|d| {
            format!(
                "{}{}",
                d.flow.name.clone().unwrap_or_else(|| "Untitled flow".into()),
                if d.dirty { " •" } else { "" }
            )
        })
    };
    let on_file = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(f) = input.files().and_then(|l| l.get(0)) else { return };
        leptos::task::spawn_local(async move {
            match files::read_file(&f).await {
                Ok(text) => {
                    files::open_text(ed, &text, &f.name());
                }
                Err(e) => ed.error(e),
            }
        });
    };
    view! {
        <header class="toolbar">
            <span class="brand">"Flojoy Web"</span>
            <div class="tabs" role="tablist">
                <button role="tab" data-testid="tab-flow" class:active=move || ed.view.get() == crate::View::Flow on:click=move |_| ed.view.set(crate::View::Flow)>"Flow"</button>
                <button role="tab" data-testid="tab-dashboard" class:active=move || ed.view.get() == crate::View::Dashboard on:click=move |_| ed.view.set(crate::View::Dashboard)>"Dashboard"</button>
            </div>
            <span class="flow-name" data-testid="flow-name">{title}</span>
            <div class="group">
                <button data-testid="examples" title="Example flows to learn from" on:click=move |_| ed.gallery_open.set(true)>"Examples"</button>
                <button data-testid="new" title="New flow" on:click=move |_| files::new_flow(ed)>"New"</button>
                <button data-testid="open" title="Open a flow file (Ctrl+O)" on:click=move |_| open_picker()>"Open"</button>
                <input id="open-file" type="file" accept=".json,.flojoy,.txt,application/json" hidden on:change=on_file data-testid="open-file"/>
                <button data-testid="save" title="Save (Ctrl+S)" on:click=move |_| files::save(ed)>"Save"</button>
                <button data-testid="share" title="Share as a link, or embed in a page" on:click=move |_| ed.share_open.set(true)>"Share"</button>
            </div>
            <div class="group">
                <button data-testid="undo" title="Undo (Ctrl+Z)" disabled=move || !can_undo() on:click=move |_| ed.undo()>"↶"</button>
                <button data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled=move || !can_redo() on:click=move |_| ed.redo()>"↷"</button>
            </div>
            <button
                class="run"
                class:cancel=running
                data-testid="run-button"
                on:click=move |_| if running() { ed.runner().cancel(if streaming() { "stopped by the user" } else { "cancelled by the user" }) } else { ed.run() }
            >
                {move || if streaming() { "■ Stop" } else if running() { "■ Cancel" } else { "▶ Run" }}
            </button>
            <button
                data-testid="devices"
                title="Serial and USB devices (WebSerial, WebUSB) and demo devices"
                class:active=move || ed.devices_open.get()
                on:click=move |_| ed.devices_open.update(|o| *o = !*o)
            >
                "Devices"
            </button>
            <div class="group">
                <button data-testid="zoom-out" title="Zoom out (Ctrl+-)" on:click=move |_| ed.zoom_by(1.0 / 1.2)>"−"</button>
                <span class="zoom" data-testid="zoom">{move || format!("{:.0}%", ed.viewport.with(|v| v.zoom) * 100.0)}</span>
                <button data-testid="zoom-in" title="Zoom in (Ctrl++)" on:click=move |_| ed.zoom_by(1.2)>"+"</button>
                <button data-testid="fit" title="Fit view (Ctrl+0)" on:click=move |_| ed.fit_view()>"Fit"</button>
            </div>
            <div class="group">
                <button data-testid="add-note" on:click=move |_| add_note(ed)>"+ Note"</button>
                <button data-testid="add-python" on:click=move |_| add_python(ed)>"+ Python"</button>
                <button data-testid="open-command" title="Command palette (Ctrl+K)" on:click=move |_| ed.command_palette.set(true)>"⌘K"</button>
            </div>
            <span class="spacer"></span>
            <span class="python-status" data-testid="python-status" data-state=move || python().0 title=move || match ed.python.get() {
                WorkerStatus::Ready { ms, snapshot, .. } => format!("started in {:.2} s{}", ms / 1000.0, if snapshot { " (restored from the start-up snapshot)" } else { "" }),
                _ => String::new(),
            }>
                {move || python().1}
                {move || ed.numpy.get().then_some(" · numpy")}
            </span>
            <button
                data-testid="enable-numpy"
                title="Python nodes get numpy arrays instead of plain sequences (downloads numpy: needs the network)"
                class:hidden=move || ed.numpy.get() || python().0 != "ready"
                on:click=move |_| enable_numpy(ed)
            >
                "+ numpy"
            </button>
        </header>
    }
}
