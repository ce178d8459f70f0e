//! Commands that run: run, stop, run what a link opened, load numpy for Python nodes.

use leptos::prelude::*;

use crate::Editor;

impl Editor {
    /// Runs the current flow (a snapshot: editing goes on while it runs).
    pub fn run(&self) {
        let flow = self.doc.with_untracked(|d| d.flow.clone());
        self.runner().start(flow, false);
    }

    /// Runs the flow a link opened (`run=1`), unless it uses devices: device access needs the
    /// user's click, so they are told to press Run. `what` names it ("flow", "shared flow").
    pub fn run_from_link(&self, what: &str) {
        if self.doc.with_untracked(|d| d.flow.uses_devices()) {
            self.announce(format!("This {what} uses devices: press Run to start it (device access needs your click)"));
        } else {
            self.run();
        }
    }

    /// Stops the run or the streaming session (and a run waiting to start).
    pub fn stop(&self) {
        let streaming = self.runner().streaming.get_untracked();
        self.runner().cancel(if streaming { "stopped by the user" } else { "cancelled by the user" });
    }

    /// Loads numpy into the Python worker (from Pyodide's package index: needs the network).
    pub fn enable_numpy(&self) {
        let worker = self.runner().python().clone();
        self.info("loading numpy from Pyodide's package index…");
        let ed = *self;
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
}
