//! Running flows in the page: the shell around [`state::run::Runs`](crate::state::run::Runs),
//! which decides what happens (superseding runs, live mode, streaming sessions). This file only
//! carries its [`Step`]s out: it runs the scheduler with the browser host, buffers the events
//! and folds them into the node signals at most once per animation frame, waits for frames,
//! closes devices and answers whoever waits for a report.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;

use runtime::Flow;
use runtime::schedule::{self, RunEvent, RunOptions, RunReport};

use crate::host::BrowserHost;
use crate::js;
use crate::state::run::{Launch, NodeRuns, Runs, Step, fold, idle_queued, queue};

/// Runs flows and holds what the last run produced, as signals.
#[derive(Clone)]
pub struct Runner {
    /// A run or a streaming session is on.
    pub running: RwSignal<bool>,
    /// A streaming session is on (the toolbar says so).
    pub streaming: RwSignal<bool>,
    pub nodes: RwSignal<NodeRuns>,
    pub report: RwSignal<Option<Arc<RunReport>>, LocalStorage>,
    pub log: RwSignal<Vec<String>>,
    host: Rc<BrowserHost>,
    runs: Rc<RefCell<Runs>>,
    waiters: Rc<RefCell<Vec<oneshot::Sender<Arc<RunReport>>>>>,
}

impl Runner {
    pub fn new(host: Rc<BrowserHost>) -> Runner {
        Runner {
            running: RwSignal::new(false),
            streaming: RwSignal::new(false),
            nodes: RwSignal::new(NodeRuns::new()),
            report: RwSignal::new_local(None),
            log: RwSignal::new(Vec::new()),
            host,
            runs: Rc::new(RefCell::new(Runs::new())),
            waiters: Rc::new(RefCell::new(Vec::new())),
        }
    }

    pub fn devices(&self) -> &crate::devices::BrowserDevices {
        &self.host.devices
    }

    pub fn python(&self) -> &nodes_pyodide::bridge::PythonWorker {
        &self.host.python
    }

    /// Runs `flow`; `use_cache` (live mode) re-runs only what changed since the last run.
    pub fn start(&self, flow: Flow, use_cache: bool) {
        self.drive(|runs, now| runs.request(flow, use_cache, now));
    }

    /// Stops the current run or session (and any run waiting to start).
    pub fn cancel(&self, reason: &str) {
        self.drive(|runs, _| runs.stop(reason));
    }

    /// Forgets everything about the current flow's runs (it was replaced).
    pub fn reset(&self, reason: &str) {
        self.drive(|runs, _| runs.reset(reason));
    }

    /// Resolves with the report of the run in progress (or the next one).
    pub async fn next_report(&self) -> Option<Arc<RunReport>> {
        let (tx, rx) = oneshot::channel();
        self.waiters.borrow_mut().push(tx);
        rx.await.ok()
    }

    /// Tells the run state what happened, then carries out what it answers.
    fn drive(&self, event: impl FnOnce(&mut Runs, f64) -> Vec<Step>) {
        let steps = event(&mut self.runs.borrow_mut(), js::now_ms());
        let (running, streaming) = {
            let runs = self.runs.borrow();
            (runs.running(), runs.streaming())
        };
        if self.running.get_untracked() != running {
            self.running.set(running);
        }
        if self.streaming.get_untracked() != streaming {
            self.streaming.set(streaming);
        }
        for step in steps {
            self.carry_out(step);
        }
    }

    fn carry_out(&self, step: Step) {
        match step {
            Step::ClearNodes => self.nodes.set(NodeRuns::new()),
            Step::QueueNodes(ids) => self.nodes.update(|m| queue(m, &ids)),
            Step::NewLog(lines) => self.log.set(lines),
            Step::Log(lines) => self.log.update(|l| l.extend(lines)),
            Step::Launch(launch) => self.launch(*launch),
            Step::StopPython => self.host.python.cancel(),
            Step::IdleQueued => self.nodes.update(idle_queued),
            Step::Report(report) => self.report.set(Some(report)),
            Step::PrepareSession => {
                self.host.devices.clear_stream_stats();
                // plotly.js takes a second or two to initialise on first use: done mid-stream,
                // it would freeze the page while the device's bytes pile up (and overflow)
                let me = self.clone();
                spawn_local(async move {
                    if let Err(e) = js::plotly::ensure().await {
                        web_sys::console::warn_1(&e.into());
                    }
                    me.drive(|runs, now| runs.prepared(now));
                });
            }
            Step::PublishStreams => self.host.devices.publish_streams(),
            Step::AwaitFrame => {
                let me = self.clone();
                request_animation_frame(move || me.drive(|runs, now| runs.frame(now)));
            }
            Step::Finished(report) => {
                let devices = self.host.devices.clone();
                spawn_local(async move { devices.close_session().await });
                for w in self.waiters.borrow_mut().drain(..) {
                    let _ = w.send(report.clone());
                }
            }
            // nothing ran: whoever waits hears "cancelled"
            Step::Abandoned => self.waiters.borrow_mut().clear(),
        }
    }

    fn launch(&self, launch: Launch) {
        let me = self.clone();
        spawn_local(async move {
            let Launch { flow, use_cache, mut cache, cancel, generation, .. } = launch;
            let opts = RunOptions { use_cache, ..RunOptions::default() };
            let flusher = Flusher::new(me.clone(), generation);
            let host: Rc<dyn runtime::host::Host> = me.host.clone();
            let report = schedule::run(&flow, host, &opts, &cancel, &mut cache, &mut |ev| flusher.push(ev)).await;
            flusher.flush();
            me.drive(|runs, now| runs.stopped(report, cache, generation, now));
        });
    }

    /// Folds events into the node signals (and their log lines into the log), unless they
    /// belong to a run of a replaced flow.
    fn fold(&self, events: Vec<RunEvent>, generation: u64) {
        if events.is_empty() || self.runs.borrow().generation() != generation {
            return;
        }
        let mut lines = Vec::new();
        self.nodes.update(|m| lines = fold(m, events));
        if !lines.is_empty() {
            self.log.update(|l| l.extend(lines));
        }
    }
}

/// Applies a run's buffered events at most once per animation frame.
#[derive(Clone)]
struct Flusher {
    runner: Runner,
    generation: u64,
    pending: Rc<RefCell<Vec<RunEvent>>>,
    scheduled: Rc<std::cell::Cell<bool>>,
}

impl Flusher {
    fn new(runner: Runner, generation: u64) -> Flusher {
        Flusher { runner, generation, pending: Rc::default(), scheduled: Rc::default() }
    }

    fn push(&self, ev: RunEvent) {
        self.pending.borrow_mut().push(ev);
        if self.scheduled.replace(true) {
            return;
        }
        let me = self.clone();
        request_animation_frame(move || {
            me.scheduled.set(false);
            me.flush();
        });
    }

    fn flush(&self) {
        let events = std::mem::take(&mut *self.pending.borrow_mut());
        self.runner.fold(events, self.generation);
    }
}
