//! Running the current flow in the page: a snapshot of the flow goes to the runtime scheduler;
//! its events come back into per-node run state, flushed to the UI at most once per frame.
//!
//! A flow with a streaming node (a device reader) runs as a session: the flow re-runs once per
//! animation frame, each run taking what the device sent since the last one, until Stop or a
//! failure. Devices opened during a session close when it ends.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;

use runtime::schedule::{self, Cache, CancelToken, NodeStatus, RunEvent, RunOptions, RunReport, RunStatus};
use runtime::value::{Data, Value};
use runtime::{Flow, NodeId};

use crate::host::BrowserHost;

/// What the canvas shows about one node's last run.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NodeRun {
    pub status: Status,
    pub runs: u32,
    pub ms: f64,
    pub summary: Option<String>,
    pub error: Option<String>,
    pub text: Option<String>,
    pub log: Vec<String>,
    /// The node's last outputs (compared by identity: a new result is a new value).
    pub outputs: Option<Outputs>,
}

/// A node's outputs, equal only to themselves (comparing a million numbers per frame would
/// defeat the point of memos).
#[derive(Clone, Debug)]
pub struct Outputs(pub runtime::schedule::PortValues);

impl PartialEq for Outputs {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A shared value, equal only to itself (see [`Outputs`]).
#[derive(Clone, Debug)]
pub struct Same(pub Data);

impl PartialEq for Same {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl NodeRun {
    /// The node's first output value (what its box and its plot show).
    pub fn first(&self) -> Option<Same> {
        self.outputs.as_ref()?.0.iter().flatten().next().cloned().map(Same)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Idle,
    Queued,
    Running,
    Done,
    Failed,
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

/// Runs flows and holds what the last run produced.
#[derive(Clone)]
pub struct Runner {
    pub running: RwSignal<bool>,
    pub nodes: RwSignal<HashMap<NodeId, NodeRun>>,
    pub report: RwSignal<Option<Arc<RunReport>>, LocalStorage>,
    pub log: RwSignal<Vec<String>>,
    host: Rc<BrowserHost>,
    cache: Rc<RefCell<Cache>>,
    cancel: Rc<RefCell<Option<CancelToken>>>,
    /// The run requested while another was going (the newest wins).
    next: Rc<RefCell<Option<(Flow, bool)>>>,
    /// Bumped when the flow is replaced: events of runs of the old flow are dropped.
    generation: Rc<std::cell::Cell<u64>>,
    waiters: Rc<RefCell<Vec<oneshot::Sender<Arc<RunReport>>>>>,
    /// A streaming session is on: the flow its frames run (the newest edit wins).
    stream: Rc<RefCell<Option<Flow>>>,
    /// Frames of the current streaming session, its start, and its last complete frame's report.
    frames: Rc<std::cell::Cell<u64>>,
    stream_start: Rc<std::cell::Cell<f64>>,
    last_frame: Rc<RefCell<Option<Arc<RunReport>>>>,
    /// Streaming session on (the toolbar says so).
    pub streaming: RwSignal<bool>,
}

/// The flow has a node that streams from a device.
pub fn is_streaming(flow: &Flow) -> bool {
    flow.nodes().any(|n| runtime::nodes::lookup(n.func()).is_some_and(|d| d.streaming))
}

impl Runner {
    pub fn new(host: Rc<BrowserHost>) -> Runner {
        Runner {
            running: RwSignal::new(false),
            nodes: RwSignal::new(HashMap::new()),
            report: RwSignal::new_local(None),
            log: RwSignal::new(Vec::new()),
            host,
            cache: Rc::new(RefCell::new(Cache::new())),
            cancel: Rc::new(RefCell::new(None)),
            next: Rc::new(RefCell::new(None)),
            generation: Rc::new(std::cell::Cell::new(0)),
            waiters: Rc::new(RefCell::new(Vec::new())),
            stream: Rc::new(RefCell::new(None)),
            frames: Rc::new(std::cell::Cell::new(0)),
            stream_start: Rc::new(std::cell::Cell::new(0.0)),
            last_frame: Rc::new(RefCell::new(None)),
            streaming: RwSignal::new(false),
        }
    }

    pub fn devices(&self) -> &crate::devices::BrowserDevices {
        &self.host.devices
    }

    pub fn python(&self) -> &nodes_pyodide::bridge::PythonWorker {
        &self.host.python
    }

    /// Runs `flow`. If a run is going, it is cancelled and this one starts when it has
    /// stopped; of several requests made meanwhile only the newest runs (live mode never
    /// queues stale runs). `use_cache` re-runs only what changed since the last run.
    pub fn start(&self, flow: Flow, use_cache: bool) {
        if self.stream.borrow().is_some() {
            // streaming: the next frame runs the edited flow
            *self.stream.borrow_mut() = Some(flow);
            return;
        }
        if is_streaming(&flow) && self.cancel.borrow().is_none() {
            *self.stream.borrow_mut() = Some(flow.clone());
            self.frames.set(0);
            self.stream_start.set(crate::js::now_ms());
            *self.last_frame.borrow_mut() = None;
            self.streaming.set(true);
            self.host.devices.clear_stream_stats();
            // plotly.js takes a second or two to initialise on first use: done mid-stream,
            // it would freeze the page while the device's bytes pile up (and overflow)
            let me = self.clone();
            spawn_local(async move {
                if let Err(e) = crate::js::ensure_plotly().await {
                    web_sys::console::warn_1(&e.into());
                }
                if me.stream.borrow().is_none() {
                    // stopped before it began: nothing ran, waiters hear "cancelled"
                    me.streaming.set(false);
                    me.waiters.borrow_mut().clear();
                    return;
                }
                me.launch(flow, use_cache);
            });
            return;
        }
        if let Some(t) = self.cancel.borrow().as_ref() {
            *self.next.borrow_mut() = Some((flow, use_cache));
            // only the scheduler stops: Python finishes its current call (restarting it on every
            // slider move would be far slower than letting the call end)
            t.cancel("superseded by a newer run");
            return;
        }
        self.launch(flow, use_cache);
    }

    fn launch(&self, flow: Flow, use_cache: bool) {
        let token = CancelToken::new();
        *self.cancel.borrow_mut() = Some(token.clone());
        self.running.set(true);
        let frame = self.stream.borrow().is_some().then(|| self.frames.get());
        if !use_cache {
            self.nodes.set(HashMap::new());
        }
        if matches!(frame, None | Some(0)) {
            // every node waits its turn from the start (the scheduler queues a node only once
            // its inputs are ready); what never runs goes back to idle at the end
            self.nodes.update(|m| {
                for id in flow.node_ids() {
                    m.entry(id).or_default().status = Status::Queued;
                }
            });
        }
        match frame {
            Some(0) => self.log.set(vec![format!("▶ streaming started ({} nodes): Stop ends it", flow.len())]),
            Some(_) => {}
            None => self.log.set(vec![format!("▶ run started ({} nodes)", flow.len())]),
        }
        let me = self.clone();
        spawn_local(async move {
            let mut cache = std::mem::take(&mut *me.cache.borrow_mut());
            let opts = RunOptions { use_cache, ..RunOptions::default() };
            let pending: Rc<RefCell<Vec<RunEvent>>> = Rc::new(RefCell::new(Vec::new()));
            let flusher = Flusher::new(me.clone(), pending.clone(), me.generation.get());
            let host: Rc<dyn runtime::host::Host> = me.host.clone();
            let report = schedule::run(&flow, host, &opts, &token, &mut cache, &mut |ev| {
                pending.borrow_mut().push(ev);
                flusher.schedule();
            })
            .await;
            *me.cache.borrow_mut() = cache;
            flusher.flush();
            me.nodes.update(|m| {
                m.values_mut().filter(|n| n.status == Status::Queued).for_each(|n| n.status = Status::Idle);
            });
            *me.cancel.borrow_mut() = None;
            let mut report = Arc::new(report);
            if frame.is_some() {
                me.host.devices.publish_streams();
                let next = me.stream.borrow().clone();
                match next {
                    Some(_) if report.status == RunStatus::Ok => {
                        // the next frame: one run per animation frame while the session lasts
                        me.frames.set(me.frames.get() + 1);
                        *me.last_frame.borrow_mut() = Some(report.clone());
                        me.report.set(Some(report));
                        let again = me.clone();
                        request_animation_frame(move || {
                            let flow = again.stream.borrow().clone();
                            match flow {
                                Some(flow) => again.launch(flow, true),
                                None => {
                                    let last = again.last_frame.borrow().clone();
                                    if let Some(last) = last {
                                        again.end_session(last);
                                    }
                                }
                            }
                        });
                        return;
                    }
                    _ => {}
                }
                if report.status == RunStatus::Cancelled
                    && let Some(last) = me.last_frame.borrow().clone()
                {
                    // stopped: the session's result is its last complete frame
                    report = last;
                }
                me.end_session(report);
                return;
            }
            me.finish_log(&report);
            me.report.set(Some(report.clone()));
            if let Some((flow, use_cache)) = me.next.borrow_mut().take() {
                // superseded: the newest request runs now; waiters get its report
                me.launch(flow, use_cache);
                return;
            }
            me.finished(report);
        });
    }

    /// Ends a streaming session with `report` (or the last complete frame's).
    fn end_session(&self, report: Arc<RunReport>) {
        self.stream.borrow_mut().take();
        self.streaming.set(false);
        let frames = self.frames.get();
        let secs = (crate::js::now_ms() - self.stream_start.get()) / 1000.0;
        let fps = if secs > 0.0 { frames as f64 / secs } else { 0.0 };
        let mut lines = vec![format!("■ streaming ended: {frames} frames in {secs:.1} s ({fps:.0} per second)")];
        if report.status == RunStatus::Failed {
            lines.push("✗ the stream failed".into());
            if let Some(e) = &report.error {
                lines.push(format!("  {e}"));
            }
        }
        self.log.update(|l| l.extend(lines));
        self.report.set(Some(report.clone()));
        self.finished(report);
    }

    /// No run is going any more: devices close, waiters get the report.
    fn finished(&self, report: Arc<RunReport>) {
        self.running.set(false);
        let devices = self.host.devices.clone();
        spawn_local(async move { devices.close_session().await });
        for w in self.waiters.borrow_mut().drain(..) {
            let _ = w.send(report.clone());
        }
    }

    /// Cancels the current run, if any (and any run waiting to start); a Python node that is
    /// running is stopped too.
    pub fn cancel(&self, reason: &str) {
        self.next.borrow_mut().take();
        // a streaming session ends with its last complete frame (see `launch`)
        let streaming = self.stream.borrow_mut().take().is_some();
        if streaming && self.cancel.borrow().is_none() {
            // between two frames: the scheduled frame sees no session and ends it
            return;
        }
        if let Some(t) = self.cancel.borrow().as_ref() {
            t.cancel(reason);
            self.host.python.cancel();
        }
    }

    /// Forgets everything about the current flow's runs (it was replaced): stops the run,
    /// drops its coming events, its cache and its results.
    pub fn reset(&self, reason: &str) {
        self.cancel(reason);
        self.generation.set(self.generation.get() + 1);
        self.cache.borrow_mut().clear();
        self.nodes.set(HashMap::new());
    }

    /// Resolves with the report of the run in progress (or the next one).
    pub async fn next_report(&self) -> Option<Arc<RunReport>> {
        let (tx, rx) = oneshot::channel();
        self.waiters.borrow_mut().push(tx);
        rx.await.ok()
    }

    fn finish_log(&self, r: &RunReport) {
        let status = match r.status {
            RunStatus::Ok => "✓ run finished",
            RunStatus::Failed => "✗ run failed",
            RunStatus::Cancelled => "■ run cancelled",
        };
        let mut lines = vec![format!("{status} in {:.0} ms", r.ms)];
        if let Some(e) = &r.error {
            lines.push(format!("  {e}"));
        }
        for d in &r.diagnostics {
            lines.push(format!("  {}", d.message));
        }
        self.log.update(|l| l.extend(lines));
    }

    fn apply(&self, events: Vec<RunEvent>) {
        let mut lines = Vec::new();
        self.nodes.update(|map| {
            for ev in events {
                match ev {
                    RunEvent::Node { id, status } => {
                        let n = map.entry(id).or_default();
                        match status {
                            NodeStatus::Queued => n.status = Status::Queued,
                            NodeStatus::Running => n.status = Status::Running,
                            NodeStatus::Done { ms, outputs, cached } => {
                                n.status = Status::Done;
                                n.runs += 1;
                                n.ms += ms;
                                n.error = None;
                                n.outputs = Some(Outputs(outputs.clone()));
                                let first = outputs.iter().flatten().next();
                                n.summary = first
                                    .map(|d| if cached { format!("{} (cached)", d.summary()) } else { d.summary() });
                                n.text = first.and_then(|d| match &**d {
                                    Value::String { s } => Some(s.clone()),
                                    _ => None,
                                });
                            }
                            NodeStatus::Failed { error } => {
                                n.status = Status::Failed;
                                lines.push(format!("✗ {}", error.lines().next().unwrap_or_default()));
                                n.error = Some(error);
                            }
                            NodeStatus::Skipped { reason } => {
                                n.status = Status::Skipped;
                                n.error = Some(reason);
                            }
                        }
                    }
                    RunEvent::Log { id, line } => {
                        map.entry(id).or_default().log.push(line.clone());
                        lines.push(line);
                    }
                    RunEvent::Started | RunEvent::Finished { .. } => {}
                }
            }
        });
        if !lines.is_empty() {
            self.log.update(|l| l.extend(lines));
        }
    }
}

/// Applies buffered run events at most once per animation frame.
struct Flusher {
    runner: Runner,
    pending: Rc<RefCell<Vec<RunEvent>>>,
    scheduled: Rc<RefCell<bool>>,
    generation: u64,
}

impl Flusher {
    fn new(runner: Runner, pending: Rc<RefCell<Vec<RunEvent>>>, generation: u64) -> Flusher {
        Flusher { runner, pending, scheduled: Rc::new(RefCell::new(false)), generation }
    }

    fn schedule(&self) {
        if self.scheduled.replace(true) {
            return;
        }
        let runner = self.runner.clone();
        let pending = self.pending.clone();
        let scheduled = self.scheduled.clone();
        let generation = self.generation;
        request_animation_frame(move || {
            *scheduled.borrow_mut() = false;
            let events = std::mem::take(&mut *pending.borrow_mut());
            if runner.generation.get() == generation {
                runner.apply(events);
            }
        });
    }

    fn flush(&self) {
        let events = std::mem::take(&mut *self.pending.borrow_mut());
        if self.runner.generation.get() == self.generation {
            self.runner.apply(events);
        }
    }
}
