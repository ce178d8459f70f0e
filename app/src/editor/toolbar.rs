//! The top bar: buttons for the editor's commands (files, undo/redo, Run/Stop, zoom, add a note
//! or a Python node, …) and the Python status.

use leptos::prelude::*;
use nodes_pyodide::bridge::WorkerStatus;

use crate::Editor;
use crate::commands::Command;
use crate::state::View;

/// Run, or Stop / Cancel while a session or a run is on (also in the embed bar).
#[component]
pub fn RunButton() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let running = move || ed.runner().running.get();
    let streaming = move || ed.runner().streaming.get();
    view! {
        <button
            class="run"
            class:cancel=running
            data-testid="run-button"
            on:click=move |_| ed.execute(if running() { Command::Stop } else { Command::Run })
        >
            {move || if streaming() { "■ Stop" } else if running() { "■ Cancel" } else { "▶ Run" }}
        </button>
    }
}

/// The Flow / Dashboard tabs (also in the embed bar).
#[component]
pub fn ViewTabs() -> impl IntoView {
    let ed = expect_context::<Editor>();
    view! {
        <div class="tabs" role="tablist">
            <button role="tab" data-testid="tab-flow" class:active=move || ed.view.get() == View::Flow on:click=move |_| ed.execute(Command::ShowFlow)>"Flow"</button>
            <button role="tab" data-testid="tab-dashboard" class:active=move || ed.view.get() == View::Dashboard on:click=move |_| ed.execute(Command::ShowDashboard)>"Dashboard"</button>
        </div>
    }
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let ed = expect_context::<Editor>();
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
        if let Some(f) = input.files().and_then(|l| l.get(0)) {
            ed.open_file(f);
        }
    };
    view! {
        <header class="toolbar">
            <span class="brand">"Flojoy Web"</span>
            <ViewTabs/>
            <span class="flow-name" data-testid="flow-name">{title}</span>
            <div class="group">
                <button data-testid="examples" title="Example flows to learn from" on:click=move |_| ed.execute(Command::Examples)>"Examples"</button>
                <button data-testid="new" title="New flow" on:click=move |_| ed.execute(Command::New)>"New"</button>
                <button data-testid="open" title="Open a flow file (Ctrl+O)" on:click=move |_| ed.execute(Command::Open)>"Open"</button>
                <crate::editor::recent::RecentMenu/>
                <input id="open-file" type="file" accept=".json,.flojoy,.txt,application/json" hidden on:change=on_file data-testid="open-file"/>
                <button data-testid="save" title="Save (Ctrl+S)" on:click=move |_| ed.execute(Command::Save)>"Save"</button>
                <button data-testid="share" title="Share as a link, or embed in a page" on:click=move |_| ed.execute(Command::Share)>"Share"</button>
            </div>
            <div class="group">
                <button data-testid="undo" title="Undo (Ctrl+Z)" disabled=move || !can_undo() on:click=move |_| ed.execute(Command::Undo)>"↶"</button>
                <button data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled=move || !can_redo() on:click=move |_| ed.execute(Command::Redo)>"↷"</button>
            </div>
            <RunButton/>
            <crate::editor::recent::ConsentBadge/>
            <button
                data-testid="devices"
                title="Serial and USB devices (WebSerial, WebUSB) and demo devices"
                class:active=move || ed.devices_open.get()
                on:click=move |_| ed.execute(Command::Devices)
            >
                "Devices"
            </button>
            <div class="group">
                <button data-testid="zoom-out" title="Zoom out (Ctrl+-)" on:click=move |_| ed.execute(Command::ZoomOut)>"−"</button>
                <span class="zoom" data-testid="zoom">{move || format!("{:.0}%", ed.viewport.with(|v| v.zoom) * 100.0)}</span>
                <button data-testid="zoom-in" title="Zoom in (Ctrl++)" on:click=move |_| ed.execute(Command::ZoomIn)>"+"</button>
                <button data-testid="fit" title="Fit view (Ctrl+0)" on:click=move |_| ed.execute(Command::Fit)>"Fit"</button>
            </div>
            <div class="group">
                <button data-testid="add-note" on:click=move |_| ed.execute(Command::AddNote)>"+ Note"</button>
                <button data-testid="add-python" on:click=move |_| ed.execute(Command::AddPython)>"+ Python"</button>
                <button data-testid="open-command" title="Command palette (Ctrl+K)" on:click=move |_| ed.execute(Command::TogglePalette)>"⌘K"</button>
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
                on:click=move |_| ed.execute(Command::EnableNumpy)
            >
                "+ numpy"
            </button>
        </header>
    }
}
