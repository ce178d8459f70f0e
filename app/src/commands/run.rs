//! Commands that run: run, stop, run what a link opened, load Python packages.

use leptos::prelude::*;

use crate::Editor;
use nodes_pyodide::bridge::WorkerStatus;

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

    /// Loads a package (or several, comma-separated) into the Python worker, from the package
    /// base the site was built with: the site itself, or Pyodide's package index (network).
    pub fn load_package(&self, asked: &str) {
        let names: Vec<String> =
            asked.split([',', ' ']).map(|n| n.trim().to_lowercase()).filter(|n| !n.is_empty()).collect();
        if names.is_empty() {
            return;
        }
        let list = names.join(", ");
        let site = self.python.with_untracked(WorkerStatus::site_packages);
        let from = if site { "this site" } else { "Pyodide's package index (needs the network)" };
        self.info(format!("loading {list} from {from}…"));
        let worker = self.runner().python().clone();
        let ed = *self;
        leptos::task::spawn_local(async move {
            match worker.load_packages(&names).await {
                Ok(()) => {
                    ed.packages
                        .update(|p| p.extend(names.iter().filter(|n| !p.contains(n)).cloned().collect::<Vec<_>>()));
                    let numpy = if names.iter().any(|n| n == "numpy") {
                        ": Python nodes now receive numpy arrays"
                    } else {
                        ": Python nodes can import it"
                    };
                    ed.info(format!("{list} loaded{numpy}"));
                }
                Err(e) if site => ed.error(format!("{list} could not be loaded from this site: {}", e.message)),
                Err(e) => ed.error(format!(
                    "{list} could not be loaded (it comes from Pyodide's online package index): {}",
                    e.message
                )),
            }
        });
    }
}
