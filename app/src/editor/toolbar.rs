//! The top bar: Run/Cancel and the Python status.

use leptos::prelude::*;
use nodes_pyodide::bridge::WorkerStatus;

use crate::Editor;

#[component]
pub fn Toolbar() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let running = move || ed.runner().running.get();
    let python = move || match ed.python.get() {
        WorkerStatus::Loading { stage } => ("loading", format!("Python: {stage}…")),
        WorkerStatus::Ready { version, .. } => ("ready", format!("Python {version} ready")),
        WorkerStatus::Failed { reason } => ("failed", format!("Python unavailable: {reason}")),
    };
    view! {
        <header class="toolbar">
            <span class="brand">"Flojoy Web"</span>
            <button
                class="run"
                class:cancel=running
                data-testid="run-button"
                on:click=move |_| if running() { ed.runner().cancel("cancelled by the user") } else { ed.run() }
            >
                {move || if running() { "■ Cancel" } else { "▶ Run" }}
            </button>
            <span class="spacer"></span>
            <span class="python-status" data-testid="python-status" data-state=move || python().0>
                {move || python().1}
            </span>
        </header>
    }
}
