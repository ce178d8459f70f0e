//! Running flows, as plain Rust: the rules that decide what happens when a run is asked for,
//! stops, or a frame of a streaming session comes, and what each node shows from a run's
//! events. No signals, timers or browser here (tested natively); the page's shell (`run.rs`)
//! carries out the [`Step`]s [`Runs`] answers with, and calls it back when a run has stopped,
//! a session is ready, or an animation frame came.
//!
//! The rules:
//! - a run requested while one is going cancels it and starts when it has stopped; of several
//!   requests made meanwhile only the newest waits (live mode never queues stale runs);
//! - runs in live mode reuse the cache, so a parameter change re-runs only what depends on it;
//!   a new flow starts from an empty cache and no results;
//! - a flow with a streaming node runs as a session: its flow re-runs once per animation frame
//!   (an edit meanwhile runs from the next frame) until Stop or a failed frame, and the
//!   session's report is its last complete frame's;
//! - whoever waits for a report gets the one of the run that ends the request: the newest
//!   request's, or the session's.

use std::collections::HashMap;
use std::sync::Arc;

use runtime::schedule::{Cache, CancelToken, NodeStatus, PortValues, RunEvent, RunReport, RunStatus};
use runtime::value::{Data, Value};
use runtime::{Flow, NodeId};

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
pub struct Outputs(pub PortValues);

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

/// Every node's last run, by node.
pub type NodeRuns = HashMap<NodeId, NodeRun>;

/// Folds a run's events into what each node shows; returns the lines for the run's log.
pub fn fold(nodes: &mut NodeRuns, events: Vec<RunEvent>) -> Vec<String> {
    let mut lines = Vec::new();
    for ev in events {
        match ev {
            RunEvent::Node { id, status } => {
                let n = nodes.entry(id).or_default();
                match status {
                    NodeStatus::Queued => n.status = Status::Queued,
                    NodeStatus::Running => n.status = Status::Running,
                    NodeStatus::Done { ms, outputs, cached } => {
                        n.status = Status::Done;
                        n.runs += 1;
                        n.ms += ms;
                        n.error = None;
                        let first = outputs.iter().flatten().next();
                        n.summary =
                            first.map(|d| if cached { format!("{} (cached)", d.summary()) } else { d.summary() });
                        n.text = first.and_then(|d| match &**d {
                            Value::String { s } => Some(s.clone()),
                            _ => None,
                        });
                        n.outputs = Some(Outputs(outputs));
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
                nodes.entry(id).or_default().log.push(line.clone());
                lines.push(line);
            }
            RunEvent::Started | RunEvent::Finished { .. } => {}
        }
    }
    lines
}

/// Every node of `ids` waits its turn (the scheduler queues a node only once its inputs are
/// ready; what never runs goes back to idle at the end, see [`idle_queued`]).
pub fn queue(nodes: &mut NodeRuns, ids: &[NodeId]) {
    for id in ids {
        nodes.entry(*id).or_default().status = Status::Queued;
    }
}

/// Nodes still queued when a run has ended did not run: they are idle.
pub fn idle_queued(nodes: &mut NodeRuns) {
    nodes.values_mut().filter(|n| n.status == Status::Queued).for_each(|n| n.status = Status::Idle);
}

/// The log's lines for a finished run.
pub fn report_lines(r: &RunReport) -> Vec<String> {
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
    lines
}

/// A run to start: the shell hands it to the scheduler and calls [`Runs::stopped`] with its
/// report and the cache once it has returned.
pub struct Launch {
    pub flow: Flow,
    pub use_cache: bool,
    /// The results of earlier runs (taken for the run, given back to [`Runs::stopped`]).
    pub cache: Cache,
    pub cancel: CancelToken,
    /// The flow's generation: events of a run of a replaced flow are dropped.
    pub generation: u64,
    /// The frame of a streaming session this run is, if it is one.
    pub frame: Option<u64>,
}

/// What the shell does next, in order.
pub enum Step {
    /// Forget every node's last run (a run that does not reuse the cache, a new flow).
    ClearNodes,
    /// These nodes wait their turn ([`queue`]).
    QueueNodes(Vec<NodeId>),
    /// The log starts again with these lines (a run starts).
    NewLog(Vec<String>),
    /// These lines go to the end of the log.
    Log(Vec<String>),
    /// Start the run.
    Launch(Box<Launch>),
    /// Stop a Python call in progress (Stop, not a superseding run: restarting Python on every
    /// slider move would be far slower than letting the call end).
    StopPython,
    /// Nodes still queued go back to idle ([`idle_queued`]).
    IdleQueued,
    /// The newest report (the toolbar, an embedding page).
    Report(Arc<RunReport>),
    /// A streaming session is about to begin: clear the streams' counters, make ready what its
    /// frames need (plotly.js), then call [`Runs::prepared`].
    PrepareSession,
    /// The streams' counters changed (once per frame).
    PublishStreams,
    /// Wait for the next animation frame, then call [`Runs::frame`].
    AwaitFrame,
    /// Nothing runs any more: devices close, whoever waits for a report gets this one.
    Finished(Arc<RunReport>),
    /// A session was stopped before its first frame: nothing ran, and whoever waits for a
    /// report hears that it was cancelled.
    Abandoned,
}

/// A run asked for.
struct Request {
    flow: Flow,
    use_cache: bool,
}

/// A streaming session.
struct Session {
    /// The flow its frames run (the newest edit wins); `None` once Stop was asked for.
    flow: Option<Flow>,
    /// Whether the first frame uses the cache.
    use_cache: bool,
    /// The first frame waits for [`Runs::prepared`].
    preparing: bool,
    /// Complete frames so far.
    frames: u64,
    started_ms: f64,
    /// The last complete frame's report.
    last: Option<Arc<RunReport>>,
}

/// The run state of the page: one run at a time, the newest request waiting, a streaming
/// session, and the cache.
#[derive(Default)]
pub struct Runs {
    cache: Cache,
    /// The cancel switch of the run going, if one is.
    going: Option<CancelToken>,
    waiting: Option<Request>,
    session: Option<Session>,
    generation: u64,
}

impl Runs {
    pub fn new() -> Runs {
        Runs::default()
    }

    /// A run or a streaming session is on.
    pub fn running(&self) -> bool {
        self.going.is_some() || self.session.is_some()
    }

    /// A streaming session is on (or ending).
    pub fn streaming(&self) -> bool {
        self.session.is_some()
    }

    /// Bumped when the flow is replaced: events of runs of the old flow are dropped.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Runs `flow` (a snapshot: editing goes on meanwhile); `use_cache` (live mode) re-runs only
    /// what changed since the last run.
    pub fn request(&mut self, flow: Flow, use_cache: bool, now_ms: f64) -> Vec<Step> {
        if let Some(Session { flow: Some(current), .. }) = &mut self.session {
            // streaming: the next frame runs the edited flow
            *current = flow;
            return Vec::new();
        }
        if self.going.is_some() || self.session.is_some() {
            self.waiting = Some(Request { flow, use_cache });
            // only the scheduler stops: Python finishes its current call
            if let Some(token) = &self.going {
                token.cancel("superseded by a newer run");
            }
            return Vec::new();
        }
        self.begin(Request { flow, use_cache }, now_ms)
    }

    /// Nothing runs: `request` starts.
    fn begin(&mut self, request: Request, now_ms: f64) -> Vec<Step> {
        if request.flow.is_streaming() {
            self.session = Some(Session {
                flow: Some(request.flow),
                use_cache: request.use_cache,
                preparing: true,
                frames: 0,
                started_ms: now_ms,
                last: None,
            });
            return vec![Step::PrepareSession];
        }
        self.launch(request.flow, request.use_cache, None)
    }

    fn launch(&mut self, flow: Flow, use_cache: bool, frame: Option<u64>) -> Vec<Step> {
        let mut steps = Vec::new();
        if !use_cache {
            steps.push(Step::ClearNodes);
        }
        if matches!(frame, None | Some(0)) {
            steps.push(Step::QueueNodes(flow.node_ids()));
        }
        match frame {
            Some(0) => {
                steps.push(Step::NewLog(vec![format!("▶ streaming started ({} nodes): Stop ends it", flow.len())]))
            }
            Some(_) => {}
            None => steps.push(Step::NewLog(vec![format!("▶ run started ({} nodes)", flow.len())])),
        }
        let cancel = CancelToken::new();
        self.going = Some(cancel.clone());
        steps.push(Step::Launch(Box::new(Launch {
            flow,
            use_cache,
            cache: std::mem::take(&mut self.cache),
            cancel,
            generation: self.generation,
            frame,
        })));
        steps
    }

    /// The session is ready for its first frame (or was stopped meanwhile).
    pub fn prepared(&mut self, now_ms: f64) -> Vec<Step> {
        let Some(session) = self.session.as_mut().filter(|s| s.preparing) else { return Vec::new() };
        session.preparing = false;
        match session.flow.clone() {
            Some(flow) => {
                let use_cache = session.use_cache;
                self.launch(flow, use_cache, Some(0))
            }
            None => {
                self.session = None;
                let mut steps = vec![Step::Abandoned];
                steps.extend(self.next(now_ms));
                steps
            }
        }
    }

    /// The run launched last has stopped (its scheduler returned `report`, handing back the
    /// cache). `generation` is the launch's.
    pub fn stopped(&mut self, report: RunReport, cache: Cache, generation: u64, now_ms: f64) -> Vec<Step> {
        // a replaced flow's results must not serve the new one
        if generation == self.generation {
            self.cache = cache;
        }
        self.going = None;
        let report = Arc::new(report);
        let mut steps = vec![Step::IdleQueued];
        if let Some(session) = &mut self.session {
            steps.push(Step::PublishStreams);
            if session.flow.is_some() && report.status == RunStatus::Ok {
                // the next frame: one run per animation frame while the session lasts
                session.frames += 1;
                session.last = Some(report.clone());
                steps.push(Step::Report(report));
                steps.push(Step::AwaitFrame);
                return steps;
            }
            let last = session.last.clone();
            let report = match last {
                // stopped: the session's result is its last complete frame
                Some(last) if report.status == RunStatus::Cancelled => last,
                _ => report,
            };
            steps.extend(self.end_session(report, now_ms));
            return steps;
        }
        steps.push(Step::Log(report_lines(&report)));
        steps.push(Step::Report(report.clone()));
        match self.waiting.take() {
            // superseded: the newest request runs now; waiters get its report
            Some(request) => steps.extend(self.begin(request, now_ms)),
            None => steps.push(Step::Finished(report)),
        }
        steps
    }

    /// An animation frame came between two frames of the session.
    pub fn frame(&mut self, now_ms: f64) -> Vec<Step> {
        let Some(session) = &self.session else { return Vec::new() };
        match (session.flow.clone(), session.last.clone()) {
            (Some(flow), _) => {
                let frame = session.frames;
                self.launch(flow, true, Some(frame))
            }
            // stopped between two frames
            (None, Some(last)) => self.end_session(last, now_ms),
            (None, None) => Vec::new(),
        }
    }

    fn end_session(&mut self, report: Arc<RunReport>, now_ms: f64) -> Vec<Step> {
        let Some(session) = self.session.take() else { return Vec::new() };
        let frames = session.frames;
        let secs = (now_ms - session.started_ms) / 1000.0;
        let fps = if secs > 0.0 { frames as f64 / secs } else { 0.0 };
        let mut lines = vec![format!("■ streaming ended: {frames} frames in {secs:.1} s ({fps:.0} per second)")];
        if report.status == RunStatus::Failed {
            lines.push("✗ the stream failed".into());
            if let Some(e) = &report.error {
                lines.push(format!("  {e}"));
            }
        }
        let mut steps = vec![Step::Log(lines), Step::Report(report.clone()), Step::Finished(report)];
        steps.extend(self.next(now_ms));
        steps
    }

    /// A request that waited for a session to end starts.
    fn next(&mut self, now_ms: f64) -> Vec<Step> {
        match self.waiting.take() {
            Some(request) => self.begin(request, now_ms),
            None => Vec::new(),
        }
    }

    /// Stops the run going, a session, and any run waiting to start; a Python node that is
    /// running is stopped too. A session ends with its last complete frame.
    pub fn stop(&mut self, reason: &str) -> Vec<Step> {
        self.waiting = None;
        if let Some(session) = &mut self.session {
            session.flow = None;
        }
        match &self.going {
            Some(token) => {
                token.cancel(reason);
                vec![Step::StopPython]
            }
            // between two frames, or still preparing: the frame (or `prepared`) ends it
            None => Vec::new(),
        }
    }

    /// Forgets everything about the current flow's runs (it was replaced): stops the run,
    /// drops its coming events, its cache and its results.
    pub fn reset(&mut self, reason: &str) -> Vec<Step> {
        let mut steps = self.stop(reason);
        self.generation += 1;
        self.cache.clear();
        steps.push(Step::ClearNodes);
        steps
    }
}

// native only: the runs are real, on the runtime's native host
#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a panic is the failure report
    use std::rc::Rc;

    use runtime::host::NativeHost;
    use runtime::schedule::{self, NodeState, RunOptions};

    use super::*;
    use crate::state::{add, wire};

    /// The page around [`Runs`], natively: it carries out the steps, runs what is launched when
    /// a test says so (for real, with the runtime's scheduler), and records what a user sees.
    #[derive(Default)]
    struct Page {
        runs: Runs,
        nodes: NodeRuns,
        log: Vec<String>,
        reports: Vec<Arc<RunReport>>,
        /// Launched and not yet stopped, oldest first.
        launched: Vec<Launch>,
        finished: Vec<Arc<RunReport>>,
        abandoned: usize,
        python_stops: usize,
        preparing: bool,
        awaiting_frame: bool,
        now: f64,
    }

    impl Page {
        fn carry_out(&mut self, steps: Vec<Step>) {
            for step in steps {
                match step {
                    Step::ClearNodes => self.nodes.clear(),
                    Step::QueueNodes(ids) => queue(&mut self.nodes, &ids),
                    Step::NewLog(lines) => self.log = lines,
                    Step::Log(lines) => self.log.extend(lines),
                    Step::Launch(launch) => self.launched.push(*launch),
                    Step::StopPython => self.python_stops += 1,
                    Step::IdleQueued => idle_queued(&mut self.nodes),
                    Step::Report(r) => self.reports.push(r),
                    Step::PrepareSession => self.preparing = true,
                    Step::PublishStreams => {}
                    Step::AwaitFrame => self.awaiting_frame = true,
                    Step::Finished(r) => self.finished.push(r),
                    Step::Abandoned => self.abandoned += 1,
                }
            }
        }

        fn request(&mut self, flow: &Flow, live: bool) {
            let steps = self.runs.request(flow.clone(), live, self.now);
            self.carry_out(steps);
        }

        fn stop(&mut self) {
            let steps = self.runs.stop("stopped by the user");
            self.carry_out(steps);
        }

        fn reset(&mut self) {
            let steps = self.runs.reset("a new flow was opened");
            self.carry_out(steps);
        }

        /// The oldest launched run goes to its end with the runtime's scheduler.
        fn run_launched(&mut self) -> Arc<RunReport> {
            let mut launch = self.launched.remove(0);
            let mut events = Vec::new();
            let opts = RunOptions { use_cache: launch.use_cache, ..RunOptions::default() };
            let host: Rc<dyn runtime::host::Host> = Rc::new(NativeHost::seeded(7));
            let report = futures::executor::block_on(schedule::run(
                &launch.flow,
                host,
                &opts,
                &launch.cancel,
                &mut launch.cache,
                &mut |ev| events.push(ev),
            ));
            if launch.generation == self.runs.generation() {
                let lines = fold(&mut self.nodes, events);
                self.log.extend(lines);
            }
            let kept = Arc::new(report.clone());
            let steps = self.runs.stopped(report, launch.cache, launch.generation, self.now);
            self.carry_out(steps);
            kept
        }

        /// The oldest launched run ends with a report of `status` (a streaming frame: there are
        /// no devices natively); cancelled if its switch was turned.
        fn end_launched(&mut self, status: RunStatus) -> Launch {
            let launch = self.launched.remove(0);
            let status = if launch.cancel.is_cancelled() { RunStatus::Cancelled } else { status };
            let report = RunReport {
                status,
                error: launch.cancel.reason().or((status == RunStatus::Failed).then(|| "the port was lost".into())),
                diagnostics: Vec::new(),
                ms: 1.0,
                nodes: Vec::new(),
            };
            let steps = self.runs.stopped(report, Cache::new(), launch.generation, self.now);
            self.carry_out(steps);
            launch
        }

        fn prepared(&mut self) {
            assert!(std::mem::take(&mut self.preparing), "a session was being prepared");
            let steps = self.runs.prepared(self.now);
            self.carry_out(steps);
        }

        fn frame(&mut self) {
            assert!(std::mem::take(&mut self.awaiting_frame), "a frame was asked for");
            self.now += 16.0;
            let steps = self.runs.frame(self.now);
            self.carry_out(steps);
        }
    }

    /// LINSPACE → SINE, and a SCALAR on its own.
    fn sine_flow(points: i64) -> Flow {
        let mut f = Flow::new();
        let lin = add(&mut f, "LINSPACE", (0.0, 0.0), 1).unwrap();
        let sine = add(&mut f, "SINE", (300.0, 0.0), 2).unwrap();
        add(&mut f, "SCALAR", (0.0, 300.0), 3).unwrap();
        runtime::apply(&mut f, runtime::Edit::SetParam { node: lin, name: "step".into(), value: points.into() })
            .unwrap();
        wire(&mut f, lin, sine, 0);
        f
    }

    fn streaming_flow() -> Flow {
        let mut f = Flow::new();
        add(&mut f, "SERIAL_STREAM", (0.0, 0.0), 1).unwrap();
        assert!(f.is_streaming());
        f
    }

    fn cached(r: &RunReport) -> Vec<bool> {
        r.nodes.iter().map(|(_, n)| n.cached).collect()
    }

    #[test]
    fn a_run_folds_its_events_into_what_each_node_shows() {
        let mut page = Page::default();
        let flow = sine_flow(50);
        page.request(&flow, false);
        assert!(page.runs.running());
        assert_eq!(page.log, ["▶ run started (3 nodes)"]);
        assert!(page.nodes.values().all(|n| n.status == Status::Queued), "every node waits its turn");
        let report = page.run_launched();
        assert_eq!(report.status, RunStatus::Ok);
        let sine = page.nodes[&flow.find_label("SINE").unwrap()].clone();
        assert_eq!((sine.status, sine.runs), (Status::Done, 1));
        assert_eq!(sine.summary.as_deref(), Some("OrderedPair, 50 points"));
        assert!(matches!(&*sine.first().unwrap().0, Value::OrderedPair { x, .. } if x.len() == 50));
        assert!(page.log.last().unwrap().starts_with("✓ run finished in"), "{:?}", page.log);
        assert_eq!(page.finished.len(), 1);
        assert!(Arc::ptr_eq(&page.finished[0], page.reports.last().unwrap()));
        assert!(!page.runs.running());
    }

    #[test]
    fn failures_skips_and_log_lines_fold_into_their_nodes() {
        let (a, b) = (NodeId(1), NodeId(2));
        let mut nodes = NodeRuns::new();
        queue(&mut nodes, &[a, b, NodeId(3)]);
        let lines = fold(
            &mut nodes,
            vec![
                RunEvent::Started,
                RunEvent::Node { id: a, status: NodeStatus::Running },
                RunEvent::Log { id: a, line: "reading".into() },
                RunEvent::Node { id: a, status: NodeStatus::Failed { error: "ValueError: bad\ntraceback".into() } },
                RunEvent::Node { id: b, status: NodeStatus::Skipped { reason: "an input failed".into() } },
            ],
        );
        assert_eq!(lines, ["reading", "✗ ValueError: bad"]);
        assert_eq!(nodes[&a].status, Status::Failed);
        assert_eq!(nodes[&a].error.as_deref(), Some("ValueError: bad\ntraceback"));
        assert_eq!(nodes[&a].log, ["reading"]);
        assert_eq!((nodes[&b].status, nodes[&b].error.as_deref()), (Status::Skipped, Some("an input failed")));
        idle_queued(&mut nodes);
        assert_eq!(nodes[&NodeId(3)].status, Status::Idle, "what never ran is idle again");
        // a cached result says so; a text result is kept as text
        let text: PortValues = Arc::from(vec![Some(Arc::new(Value::string("hi")))]);
        fold(
            &mut nodes,
            vec![RunEvent::Node { id: b, status: NodeStatus::Done { ms: 2.0, cached: true, outputs: text } }],
        );
        assert_eq!(nodes[&b].summary.as_deref(), Some(&*format!("{} (cached)", Value::string("hi").summary())));
        assert_eq!((nodes[&b].text.as_deref(), nodes[&b].error.as_deref()), (Some("hi"), None));
    }

    #[test]
    fn a_request_during_a_run_cancels_it_and_starts_when_it_has_stopped() {
        let mut page = Page::default();
        page.request(&sine_flow(10), false);
        let first = page.launched[0].cancel.clone();
        page.request(&sine_flow(20), false);
        assert_eq!(first.reason().as_deref(), Some("superseded by a newer run"));
        assert_eq!(page.launched.len(), 1, "the new run waits for the old one to stop");
        assert_eq!(page.python_stops, 0, "a superseding run lets a Python call end");
        let old = page.run_launched();
        assert_eq!(old.status, RunStatus::Cancelled);
        assert!(page.finished.is_empty(), "whoever waits gets the newest run's report");
        assert_eq!(page.launched.len(), 1);
        let new = page.run_launched();
        assert_eq!(new.status, RunStatus::Ok);
        assert_eq!(page.finished.len(), 1);
        assert!(Arc::ptr_eq(&page.finished[0], page.reports.last().unwrap()));
        let sine = &page.nodes[&sine_flow(20).find_label("SINE").unwrap()];
        assert_eq!(sine.summary.as_deref(), Some("OrderedPair, 20 points"));
    }

    #[test]
    fn only_the_newest_request_waits() {
        let mut page = Page::default();
        page.request(&sine_flow(10), true);
        for points in [11, 12, 13] {
            page.request(&sine_flow(points), true);
        }
        page.run_launched();
        assert_eq!(page.launched.len(), 1);
        assert_eq!(page.launched[0].flow.len(), 3);
        page.run_launched();
        assert!(page.launched.is_empty(), "11 and 12 never ran");
        let sine = &page.nodes[&sine_flow(13).find_label("SINE").unwrap()];
        assert_eq!(sine.summary.as_deref(), Some("OrderedPair, 13 points"));
    }

    #[test]
    fn live_runs_reuse_the_cache_and_keep_what_nodes_show() {
        let mut page = Page::default();
        let flow = sine_flow(30);
        page.request(&flow, false);
        assert!(cached(&page.run_launched()).iter().all(|c| !c));
        // live mode: nothing changed, nothing re-runs; the nodes keep their results meanwhile
        page.request(&flow, true);
        assert!(page.nodes.values().all(|n| n.status == Status::Queued && n.outputs.is_some()));
        assert!(cached(&page.run_launched()).iter().all(|c| *c));
        // a parameter change re-runs what depends on it only
        let mut edited = flow.clone();
        let lin = edited.find_label("LINSPACE").unwrap();
        runtime::apply(&mut edited, runtime::Edit::SetParam { node: lin, name: "step".into(), value: 31.into() })
            .unwrap();
        page.request(&edited, true);
        let r = page.run_launched();
        assert_eq!(r.by_label("SCALAR").map(|n| n.cached), Some(true));
        assert_eq!(r.by_label("SINE").map(|n| (n.cached, n.status)), Some((false, NodeState::Done)));
        // Run (not live) runs everything and starts from blank nodes
        page.request(&edited, false);
        assert!(page.nodes.values().all(|n| n.outputs.is_none()));
        assert!(cached(&page.run_launched()).iter().all(|c| !c));
    }

    #[test]
    fn a_new_flow_starts_without_results_or_cache() {
        let mut page = Page::default();
        let flow = sine_flow(30);
        page.request(&flow, false);
        page.run_launched();
        page.request(&flow, true);
        page.reset();
        assert!(page.nodes.is_empty());
        assert_eq!(page.launched[0].cancel.reason().as_deref(), Some("a new flow was opened"));
        assert_eq!(page.python_stops, 1);
        // the old flow's run ends after the reset: its events and cache are dropped
        page.run_launched();
        assert!(page.nodes.is_empty(), "a replaced flow's results do not show");
        page.request(&flow, true);
        assert!(cached(&page.run_launched()).iter().all(|c| !c), "nothing is reused from before");
    }

    #[test]
    fn stop_cancels_the_run_and_python_and_forgets_the_waiting_request() {
        let mut page = Page::default();
        page.request(&sine_flow(10), false);
        page.request(&sine_flow(20), false);
        page.stop();
        assert_eq!(page.python_stops, 1);
        let r = page.run_launched();
        assert_eq!(r.status, RunStatus::Cancelled);
        assert!(page.launched.is_empty(), "the waiting request was dropped");
        assert_eq!(page.finished.len(), 1);
        assert!(page.log.iter().any(|l| l.starts_with("■ run cancelled")), "{:?}", page.log);
        // stopping when nothing runs does nothing
        page.stop();
        assert_eq!(page.python_stops, 1);
    }

    #[test]
    fn a_streaming_session_reruns_per_frame_until_stop_and_reports_the_last_complete_frame() {
        let mut page = Page::default();
        let flow = streaming_flow();
        page.request(&flow, false);
        assert!(page.runs.streaming() && page.runs.running() && page.launched.is_empty());
        page.prepared();
        assert_eq!(page.log, ["▶ streaming started (1 nodes): Stop ends it"]);
        assert_eq!(page.launched[0].frame, Some(0));
        page.end_launched(RunStatus::Ok);
        page.frame();
        let second = &page.launched[0];
        assert_eq!((second.frame, second.use_cache), (Some(1), true));
        page.end_launched(RunStatus::Ok);
        let last_complete = page.reports.last().unwrap().clone();
        page.frame();
        page.stop();
        assert_eq!(page.python_stops, 1);
        let cancelled = page.end_launched(RunStatus::Ok);
        assert_eq!(cancelled.cancel.reason().as_deref(), Some("stopped by the user"));
        assert!(!page.runs.running() && !page.runs.streaming());
        assert_eq!(page.finished.len(), 1);
        assert!(Arc::ptr_eq(&page.finished[0], &last_complete), "the session's report is its last complete frame's");
        assert!(page.log.last().unwrap().starts_with("■ streaming ended: 2 frames in"), "{:?}", page.log);
    }

    #[test]
    fn a_session_stopped_between_frames_ends_at_the_next_frame() {
        let mut page = Page::default();
        page.request(&streaming_flow(), false);
        page.prepared();
        page.end_launched(RunStatus::Ok);
        let last = page.reports.last().unwrap().clone();
        page.stop();
        assert_eq!(page.python_stops, 0, "nothing was running");
        page.frame();
        assert!(page.launched.is_empty());
        assert!(Arc::ptr_eq(&page.finished[0], &last));
        assert!(!page.runs.running());
    }

    #[test]
    fn an_edit_during_a_session_runs_from_the_next_frame() {
        let mut page = Page::default();
        page.request(&streaming_flow(), false);
        page.prepared();
        let mut edited = streaming_flow();
        add(&mut edited, "SCALAR", (0.0, 300.0), 9).unwrap();
        page.request(&edited, true);
        assert_eq!(page.launched.len(), 1, "the frame going is not superseded");
        assert!(!page.launched[0].cancel.is_cancelled());
        page.end_launched(RunStatus::Ok);
        page.frame();
        assert_eq!(page.launched[0].flow.len(), 2);
    }

    #[test]
    fn a_failed_frame_ends_the_session_with_its_report() {
        let mut page = Page::default();
        page.request(&streaming_flow(), false);
        page.prepared();
        page.end_launched(RunStatus::Ok);
        page.frame();
        page.end_launched(RunStatus::Failed);
        assert_eq!(page.finished[0].status, RunStatus::Failed);
        assert!(page.log.ends_with(&["✗ the stream failed".to_owned(), "  the port was lost".to_owned()]));
        assert!(!page.runs.streaming());
    }

    #[test]
    fn a_session_stopped_before_its_first_frame_runs_nothing() {
        let mut page = Page::default();
        page.request(&streaming_flow(), false);
        page.stop();
        page.prepared();
        assert!(page.launched.is_empty() && page.finished.is_empty());
        assert_eq!(page.abandoned, 1);
        assert!(!page.runs.running() && !page.runs.streaming());
    }

    #[test]
    fn a_request_made_while_a_session_ends_starts_after_it() {
        let mut page = Page::default();
        page.request(&streaming_flow(), false);
        page.prepared();
        page.stop();
        page.request(&sine_flow(10), false);
        page.end_launched(RunStatus::Ok);
        assert_eq!(page.finished.len(), 1, "the session ended");
        assert_eq!(page.launched.len(), 1, "then the request runs");
        assert_eq!(page.run_launched().status, RunStatus::Ok);
    }
}
