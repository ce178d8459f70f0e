//! Flojoy Web, the page: a Leptos app around the runtime.
//!
//! Data flows one way: UI → edits/commands → [`state`] (the flow, undo history) and
//! [`run::Runner`] (the runtime scheduler) → run events → UI.

pub mod editor;
pub mod host;
pub mod js;
pub mod plot;
pub mod run;
pub mod state;

use std::rc::Rc;

use leptos::prelude::*;
use nodes_pyodide::bridge::{PythonWorker, WorkerStatus};
use runtime::Flow;

use crate::host::BrowserHost;
use crate::run::Runner;

/// The editor's shared state, handed to components through context.
#[derive(Clone, Copy)]
pub struct Editor {
    pub flow: RwSignal<Flow>,
    pub python: RwSignal<WorkerStatus>,
    pub runner: StoredValue<Runner, LocalStorage>,
}

impl Editor {
    pub fn runner(&self) -> Runner {
        self.runner.get_value()
    }

    /// Runs the current flow.
    pub fn run(&self) {
        let flow = self.flow.get_untracked();
        self.runner().start(flow, false);
    }
}

#[component]
pub fn App() -> impl IntoView {
    let python = RwSignal::new(WorkerStatus::Loading { stage: "starting Python".into() });
    let worker = PythonWorker::start("worker.js", move |s| python.set(s.clone()));
    let runner = Runner::new(Rc::new(BrowserHost { python: worker }));
    let editor = Editor { flow: RwSignal::new(state::welcome_flow()), python, runner: StoredValue::new_local(runner) };
    provide_context(editor);
    view! {
        <div class="app">
            <editor::toolbar::Toolbar/>
            <editor::canvas::Canvas/>
            <editor::log::LogPanel/>
        </div>
    }
}

/// Entry point: installs the panic hook (a bug shows in the console, not as a silent stop)
/// and mounts the app.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
