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
    // what follows the word "Python" in the status (a narrow window shows only the word and a
    // sign, style.css; the whole text is the tooltip)
    let python = move || match ed.python.get() {
        WorkerStatus::Loading { stage } => ("loading", format!(": {stage}…")),
        WorkerStatus::Ready { version, .. } => ("ready", format!(" {version} ready")),
        WorkerStatus::Failed { reason } => ("failed", format!(" unavailable: {reason}")),
    };
    let site_packages = move || ed.python.with(WorkerStatus::site_packages);
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
            <h1 class="brand">"Flojoy Web"</h1>
            <ViewTabs/>
            <span class="flow-name" data-testid="flow-name" title=title>{title}</span>
            <div class="group">
                <button data-testid="examples" class="ov-3" title="Example flows to learn from" on:click=move |_| ed.execute(Command::Examples)>"Examples"</button>
                <button data-testid="new" title="New flow" on:click=move |_| ed.execute(Command::New)>"New"</button>
                <button data-testid="open" title="Open a flow file (Ctrl+O)" on:click=move |_| ed.execute(Command::Open)>"Open"</button>
                <crate::editor::recent::RecentMenu/>
                <input id="open-file" type="file" accept=".json,.flojoy,.txt,application/json" hidden on:change=on_file data-testid="open-file"/>
                <button data-testid="save" title="Save (Ctrl+S)" on:click=move |_| ed.execute(Command::Save)>"Save"</button>
                <button data-testid="share" class="ov-3" title="Share as a link, or embed in a page" on:click=move |_| ed.execute(Command::Share)>"Share"</button>
            </div>
            <div class="group">
                <button data-testid="undo" title="Undo (Ctrl+Z)" disabled=move || !can_undo() on:click=move |_| ed.execute(Command::Undo)>"↶"</button>
                <button data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled=move || !can_redo() on:click=move |_| ed.execute(Command::Redo)>"↷"</button>
            </div>
            <RunButton/>
            <crate::editor::recent::ConsentBadge/>
            <button
                data-testid="devices"
                class="ov-3"
                title="Serial and USB devices (WebSerial, WebUSB) and demo devices"
                class:active=move || ed.devices_open.get()
                on:click=move |_| ed.execute(Command::Devices)
            >
                "Devices"
            </button>
            <div class="group ov-1">
                <button data-testid="zoom-out" title="Zoom out (Ctrl+-)" on:click=move |_| ed.execute(Command::ZoomOut)>"−"</button>
                <span class="zoom" data-testid="zoom">{move || format!("{:.0}%", ed.viewport.with(|v| v.zoom) * 100.0)}</span>
                <button data-testid="zoom-in" title="Zoom in (Ctrl++)" on:click=move |_| ed.execute(Command::ZoomIn)>"+"</button>
                <button data-testid="fit" title="Fit view (Ctrl+0)" on:click=move |_| ed.execute(Command::Fit)>"Fit"</button>
            </div>
            <div class="group ov-2">
                <button data-testid="add-note" title="Add a note (markdown)" on:click=move |_| ed.execute(Command::AddNote)>"+ Note"</button>
                <button data-testid="add-python" title="New Python node" on:click=move |_| ed.execute(Command::AddPython)>"+ Python"</button>
                <button data-testid="open-command" title="Command palette (Ctrl+K)" on:click=move |_| ed.execute(Command::TogglePalette)>"⌘K"</button>
            </div>
            <crate::editor::more_menu::MoreMenu/>
            <span class="spacer"></span>
            <span class="python-status" data-testid="python-status" data-state=move || python().0 title=move || match ed.python.get() {
                WorkerStatus::Ready { ms, snapshot, version, .. } => format!("Python {version}: started in {:.2} s{}", ms / 1000.0, if snapshot { " (restored from the start-up snapshot)" } else { "" }),
                _ => format!("Python{}", python().1),
            }>
                "Python"
                <span class="py-detail">{move || python().1}</span>
                <span class="py-detail">{move || ed.packages.with(|p| (!p.is_empty()).then(|| format!(" · {}", p.join(", "))))}</span>
            </span>
            <button
                data-testid="add-package"
                title=move || if site_packages() {
                    "Load a package of this site's Python distribution (numpy, scipy, pandas…)"
                } else {
                    "Load a package from Pyodide's package index (needs the network): numpy, scipy, pandas…"
                }
                class:hidden=move || ed.asking_package.get() || python().0 != "ready"
                on:click=move |_| ed.execute(Command::AddPackage)
            >
                "+ package"
            </button>
            <Show when=move || ed.asking_package.get()>
                <PackageField />
            </Show>
        </header>
    }
}

/// The "+ package" field: a package name (or several, comma-separated); Enter loads them,
/// Escape or leaving the field closes it.
#[component]
fn PackageField() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let on_key = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            let asked = input.get_untracked().map(|el| el.value()).unwrap_or_default();
            ed.asking_package.set(false);
            ed.load_package(&asked);
        }
        "Escape" => ed.asking_package.set(false),
        _ => {}
    };
    view! {
        <input
            class="package-name"
            data-testid="package-name"
            node_ref=input
            list="python-packages"
            placeholder="numpy, scipy, pandas…"
            aria-label="Python package to load"
            on:keydown=on_key
            on:blur=move |_| ed.asking_package.set(false)
        />
        <datalist id="python-packages">
            {["numpy", "scipy", "pandas", "scikit-learn", "scikit-image", "matplotlib", "sympy", "statsmodels", "opencv-python"]
                .into_iter()
                .map(|p| view! { <option value=p></option> })
                .collect_view()}
        </datalist>
    }
}
