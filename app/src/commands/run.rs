//! Commands that run: run, stop, run what a link opened, load numpy for Python nodes.

use leptos::prelude::*;

use crate::Editor;

impl Editor {
    /// Runs the current flow (a snapshot: editing goes on while it runs). A flow from outside
    /// the site with Python code, hardware nodes or file exports opens the review instead: it
    /// runs from there, once the user has seen it and clicked Run.
    pub fn run(&self) {
        if self.consent_pending().is_some() {
            self.consent_open.set(true);
            return;
        }
        let flow = self.doc.with_untracked(|d| d.flow.clone());
        self.runner().start(flow, false);
    }

    /// What the user has to consent to before the current flow runs ("2 Python nodes; code
    /// from this link"), if anything.
    pub fn consent_pending(&self) -> Option<String> {
        self.doc.with_untracked(|d| d.pending_consent()).map(|(_, text)| text)
    }

    /// The user has read what will run and clicked Run in the review: the flow is theirs now.
    pub fn consent_and_run(&self) {
        self.doc.update(|d| d.consent());
        self.consent_open.set(false);
        self.run();
    }

    /// Runs the flow a link opened (`run=1`) when it holds built-in nodes only: a flow with
    /// Python code, hardware nodes or file exports opens the review, and runs when the user
    /// clicks Run there (device access needs a click anyway). `what` names it ("shared flow").
    pub fn run_from_link(&self, what: &str) {
        let Some(text) = self.consent_pending() else {
            self.run();
            return;
        };
        if self.doc.with_untracked(|d| d.flow.uses_devices()) {
            self.announce(format!("This {what} uses devices: press Run to start it (device access needs your click)"));
        } else {
            self.announce(format!("This {what} has {text}: read it, then press Run"));
        }
        self.consent_open.set(true);
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
