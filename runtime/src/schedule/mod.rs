//! The scheduler: runs a flow with Flojoy's semantics (REFERENCE §1.7), node by node.
//!
//! Flojoy's rules, kept so results match:
//! - start with the nodes that have no wires in; a node's inputs are read from the last result
//!   of every wire into it in the *original* graph (an empty value keeps the default);
//! - when a node finishes it follows its outputs (only those it names, for LOOP and
//!   CONDITIONAL): the wires out of a followed output are removed, and every successor left
//!   with no wires in is queued. Removing follows Flojoy's `remove_dependency`: it drops
//!   *all* wires between the two nodes;
//! - when nothing is queued and a LOOP is on the loop stack, the loop restarts: its wires and
//!   those of everything downstream of it come back and it runs again. Following `end` pops it;
//! - node memory (loop counters, filter state) is cleared at each run start.
//!
//! Beyond Flojoy: a failing node skips only what is downstream of it (independent branches
//! finish, and a loop containing it stops); every node reports queued/running/done/failed;
//! runs can be cancelled and have a maximum time; nodes may wait (Python, devices); and with
//! `use_cache`, a node whose parameters and upstream results did not change is not re-run.

mod cancel;
mod report;

use std::any::Any;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::Arc;

use std::future::Future;

use futures::StreamExt;
use futures::future::{Either, LocalBoxFuture, select};
use futures::stream::FuturesUnordered;
use serde_json::{Map, Value as Json};

pub use cancel::CancelToken;
pub use report::{NodeReport, NodeState, RunReport, RunStatus};

use crate::error::NodeError;
use crate::flow::{Flow, Node, NodeId, NodeKind, PythonNode};
use crate::host::{Host, PythonCall};
use crate::nodes::{Begun, Env, NodeDef, NodeResult, Outputs};
use crate::param;
use crate::validate::{self, Diagnostic, Severity};
use crate::value::Data;

pub use crate::nodes::Outputs as NodeOutputs;

/// A node's last results, by output port.
pub type PortValues = Arc<[Option<Data>]>;

/// Settings of one run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Cancel the run after this long (Flojoy's `maximumRuntime`, default 3000 s).
    pub max_runtime_ms: f64,
    /// Reuse results of nodes whose parameters and inputs did not change since the last run.
    pub use_cache: bool,
    /// Hand control back to the host after this much uninterrupted work.
    pub yield_every_ms: f64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { max_runtime_ms: 3_000_000.0, use_cache: false, yield_every_ms: 12.0 }
    }
}

/// What happened to a node, as it happens.
#[derive(Clone, Debug)]
pub enum NodeStatus {
    Queued,
    Running,
    Done { ms: f64, cached: bool, outputs: PortValues },
    Failed { error: String },
    Skipped { reason: String },
}

#[derive(Clone, Debug)]
pub enum RunEvent {
    Started,
    Node { id: NodeId, status: NodeStatus },
    Log { id: NodeId, line: String },
    Finished { status: RunStatus },
}

/// Results kept between runs so that an edit re-runs only what it affects.
#[derive(Default)]
pub struct Cache {
    entries: HashMap<NodeId, (u64, PortValues)>,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

enum Exec {
    Builtin(&'static NodeDef),
    Python(Arc<PythonNode>),
}

struct PlanNode<'f> {
    node: &'f Node,
    exec: Exec,
    params: Map<String, Json>,
    in_edges: Vec<usize>,
    out_edges: Vec<usize>,
    is_loop: bool,
    pure: bool,
}

struct PlanEdge {
    src: usize,
    out: u16,
    dst: usize,
    inp: u16,
}

/// The flow compiled for running: dense indices instead of ids, params normalised once.
struct Plan<'f> {
    nodes: Vec<PlanNode<'f>>,
    edges: Vec<PlanEdge>,
    keys: HashMap<String, usize>,
}

impl<'f> Plan<'f> {
    fn new(flow: &'f Flow) -> Plan<'f> {
        let mut index = HashMap::new();
        let mut nodes = Vec::with_capacity(flow.len());
        for n in flow.nodes() {
            let exec = match &n.kind {
                NodeKind::Builtin(def) => Exec::Builtin(def),
                NodeKind::Python(p) => Exec::Python(p.clone()),
                // validation refuses these before a plan is made
                NodeKind::Unknown(_) => continue,
            };
            let spec = n.spec();
            let params = spec
                .params
                .iter()
                .map(|p| {
                    let raw = n.params.get(&p.name).unwrap_or(&p.default);
                    (p.name.clone(), param::normalize(p, raw).unwrap_or(Json::Null))
                })
                .collect();
            let pure = match &exec {
                Exec::Builtin(def) => def.pure,
                Exec::Python(_) => true,
            };
            index.insert(n.id, nodes.len());
            nodes.push(PlanNode {
                node: n,
                exec,
                params,
                in_edges: Vec::new(),
                out_edges: Vec::new(),
                is_loop: spec.func == "LOOP",
                pure,
            });
        }
        let mut edges = Vec::with_capacity(flow.edge_count());
        for e in flow.edges() {
            let (Some(&src), Some(&dst)) = (index.get(&e.from.node), index.get(&e.to.node)) else {
                continue;
            };
            nodes[src].out_edges.push(edges.len());
            nodes[dst].in_edges.push(edges.len());
            edges.push(PlanEdge { src, out: e.from.port, dst, inp: e.to.port });
        }
        let keys = nodes.iter().enumerate().map(|(i, n)| (n.node.key.clone(), i)).collect();
        Plan { nodes, edges, keys }
    }
}

#[derive(Clone, Default)]
struct Record {
    runs: u32,
    ms: f64,
    error: Option<String>,
    failed: bool,
    cached: bool,
    skipped: Option<String>,
    log: Vec<String>,
}

/// Runs `flow` to completion, failure or cancellation, reporting each step to `on_event`.
pub async fn run(
    flow: &Flow,
    host: Rc<dyn Host>,
    opts: &RunOptions,
    cancel: &CancelToken,
    cache: &mut Cache,
    on_event: &mut dyn FnMut(RunEvent),
) -> RunReport {
    let t0 = host.now_ms();
    let diagnostics = validate::validate(flow);
    if validate::has_errors(&diagnostics) {
        let n = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        on_event(RunEvent::Finished { status: RunStatus::Failed });
        return RunReport {
            status: RunStatus::Failed,
            error: Some(format!("the flow has {n} problem{} to fix before it can run", if n == 1 { "" } else { "s" })),
            diagnostics,
            ms: 0.0,
            nodes: flow.nodes().map(|n| (n.key.clone(), blank_report(n, NodeState::NotRun))).collect(),
        };
    }
    let plan = Plan::new(flow);
    let mut s = Scheduler::new(&plan, host.clone(), opts, cancel, cache);
    on_event(RunEvent::Started);
    s.run(on_event).await;
    let status = if s.stopped.is_some() {
        RunStatus::Cancelled
    } else if s.records.iter().any(|r| r.failed) {
        RunStatus::Failed
    } else {
        RunStatus::Ok
    };
    on_event(RunEvent::Finished { status });
    s.report(status, diagnostics, host.now_ms() - t0)
}

fn blank_report(n: &Node, status: NodeState) -> NodeReport {
    NodeReport {
        func: n.func().into(),
        label: n.label.clone(),
        status,
        runs: 0,
        ms: 0.0,
        error: None,
        cached: false,
        outputs: Vec::new(),
        log: Vec::new(),
    }
}

struct Scheduler<'p, 'f> {
    plan: &'p Plan<'f>,
    host: Rc<dyn Host>,
    opts: &'p RunOptions,
    cancel: &'p CancelToken,
    cache: &'p mut Cache,
    // Flojoy's working graph, as wire presence and remaining in-degree
    present: Vec<bool>,
    indeg: Vec<u32>,
    finished: Vec<bool>,
    queued: Vec<bool>,
    queue: VecDeque<usize>,
    loop_stack: Vec<usize>,
    // results and node state
    results: Vec<Option<PortValues>>,
    memory: Vec<Option<Box<dyn Any>>>,
    fingerprints: Vec<u64>,
    /// When each node started its current run (NaN: it came from the cache).
    started_at: Vec<f64>,
    records: Vec<Record>,
    stopped: Option<String>,
    /// Loops stopped because a node inside them failed: (loop, failed node).
    aborted: Vec<(usize, usize)>,
    start_ms: f64,
    last_yield_ms: f64,
    nonce: u64,
}

impl<'p, 'f> Scheduler<'p, 'f> {
    fn new(
        plan: &'p Plan<'f>,
        host: Rc<dyn Host>,
        opts: &'p RunOptions,
        cancel: &'p CancelToken,
        cache: &'p mut Cache,
    ) -> Self {
        let n = plan.nodes.len();
        let indeg = plan.nodes.iter().map(|p| p.in_edges.len() as u32).collect();
        let now = host.now_ms();
        let nonce = host.entropy();
        Scheduler {
            plan,
            host,
            opts,
            cancel,
            cache,
            present: vec![true; plan.edges.len()],
            indeg,
            finished: vec![false; n],
            queued: vec![false; n],
            queue: VecDeque::new(),
            loop_stack: Vec::new(),
            results: vec![None; n],
            memory: (0..n).map(|_| None).collect(),
            fingerprints: vec![0; n],
            started_at: vec![0.0; n],
            records: vec![Record::default(); n],
            stopped: None,
            aborted: Vec::new(),
            start_ms: now,
            last_yield_ms: now,
            nonce,
        }
    }

    async fn run(&mut self, on_event: &mut dyn FnMut(RunEvent)) {
        let start: Vec<usize> =
            (0..self.plan.nodes.len()).filter(|&i| self.plan.nodes[i].in_edges.is_empty()).collect();
        self.enqueue(start, on_event);
        // nodes waiting for something outside (Python, a timer, a device): the others go on
        let mut waiting: FuturesUnordered<Pending> = FuturesUnordered::new();
        let mut in_flight: Vec<usize> = Vec::new();
        loop {
            let (job, result, log) = if let Some(job) = self.queue.pop_front() {
                self.queued[job] = false;
                if let Some(reason) = self.should_stop() {
                    self.stopped = Some(reason);
                    break;
                }
                let now = self.host.now_ms();
                if now - self.last_yield_ms >= self.opts.yield_every_ms {
                    self.host.yield_now().await;
                    self.last_yield_ms = self.host.now_ms();
                    if let Some(reason) = self.should_stop() {
                        self.stopped = Some(reason);
                        break;
                    }
                }
                match self.start(job, on_event) {
                    Started::Done(result, log) => (job, result, log),
                    Started::Waiting(fut) => {
                        in_flight.push(job);
                        waiting.push(fut);
                        continue;
                    }
                }
            } else if !waiting.is_empty() {
                match self.wait(waiting.next()).await {
                    Some(Some(done)) => done,
                    Some(None) => continue,
                    None => {
                        let reason = self.cancel.reason().unwrap_or_else(|| "cancelled".into());
                        for &j in &in_flight {
                            self.records[j].skipped = Some(format!("cancelled while running: {reason}"));
                        }
                        self.stopped = Some(reason);
                        break;
                    }
                }
            } else {
                break;
            };
            in_flight.retain(|j| *j != job);
            let mut next = match self.finish(job, result, log, on_event) {
                Ok(outputs) => self.follow(job, outputs.flow_to.as_deref()),
                Err(_) => Vec::new(),
            };
            // Flojoy's loop restart: nothing queued, nothing running, nothing became ready
            if self.queue.is_empty()
                && waiting.is_empty()
                && next.is_empty()
                && let Some(&top) = self.loop_stack.last()
            {
                self.restart(top);
                if self.indeg[top] == 0 {
                    next.push(top);
                }
            }
            next.sort_unstable();
            next.dedup();
            self.enqueue(next, on_event);
        }
        self.mark_skipped(on_event);
    }

    fn should_stop(&self) -> Option<String> {
        if self.cancel.is_cancelled() {
            return Some(self.cancel.reason().unwrap_or_else(|| "cancelled".into()));
        }
        if self.host.now_ms() - self.start_ms > self.opts.max_runtime_ms {
            self.cancel.cancel(self.max_runtime_message());
            return self.cancel.reason();
        }
        None
    }

    fn enqueue(&mut self, jobs: Vec<usize>, on_event: &mut dyn FnMut(RunEvent)) {
        for j in jobs {
            if self.queued[j] {
                continue;
            }
            self.queued[j] = true;
            self.queue.push_back(j);
            if self.plan.nodes[j].is_loop {
                self.loop_stack.push(j);
            }
            on_event(RunEvent::Node { id: self.plan.nodes[j].node.id, status: NodeStatus::Queued });
        }
    }

    /// Flojoy's `fetch_inputs`: every wire into the node in the original graph, in order.
    fn gather_inputs(&self, job: usize) -> Vec<Vec<Data>> {
        let pn = &self.plan.nodes[job];
        let spec = pn.node.spec();
        let mut inputs: Vec<Vec<Data>> = vec![Vec::new(); spec.inputs.len()];
        for &e in &pn.in_edges {
            let edge = &self.plan.edges[e];
            let Some(value) =
                self.results[edge.src].as_ref().and_then(|r| r.get(usize::from(edge.out)).cloned().flatten())
            else {
                continue;
            };
            let Some(slot) = inputs.get_mut(usize::from(edge.inp)) else {
                continue;
            };
            if spec.inputs[usize::from(edge.inp)].multiple {
                slot.push(value);
            } else {
                *slot = vec![value];
            }
        }
        inputs
    }

    fn fingerprint(&self, job: usize) -> u64 {
        let pn = &self.plan.nodes[job];
        let mut h = DefaultHasher::new();
        pn.node.func().hash(&mut h);
        serde_json::to_string(&pn.params).unwrap_or_default().hash(&mut h);
        if let Exec::Python(p) = &pn.exec {
            p.code.hash(&mut h);
        }
        if !pn.pure {
            self.nonce.hash(&mut h);
        }
        for &e in &pn.in_edges {
            let edge = &self.plan.edges[e];
            (self.fingerprints[edge.src], edge.out, edge.inp).hash(&mut h);
        }
        h.finish()
    }

    /// Starts a node: a cached result or a built-in sync node finish at once; a node that
    /// waits (Python, timers, devices) returns its future.
    fn start(&mut self, job: usize, on_event: &mut dyn FnMut(RunEvent)) -> Started {
        let pn = &self.plan.nodes[job];
        let id = pn.node.id;
        self.fingerprints[job] = self.fingerprint(job);
        if self.opts.use_cache
            && pn.pure
            && let Some((fp, values)) = self.cache.entries.get(&id)
            && *fp == self.fingerprints[job]
        {
            let values = values.clone();
            self.results[job] = Some(values.clone());
            let r = &mut self.records[job];
            r.runs += 1;
            r.cached = true;
            self.started_at[job] = f64::NAN;
            on_event(RunEvent::Node { id, status: NodeStatus::Done { ms: 0.0, cached: true, outputs: values } });
            return Started::Done(Ok(Outputs { values: Vec::new(), flow_to: None }), Vec::new());
        }
        on_event(RunEvent::Node { id, status: NodeStatus::Running });
        let inputs = self.gather_inputs(job);
        self.started_at[job] = self.host.now_ms();
        match &pn.exec {
            Exec::Builtin(def) => {
                let env = Env {
                    label: &pn.node.label,
                    key: &pn.node.key,
                    inputs,
                    params: &pn.params,
                    me: job,
                    memory: &mut self.memory,
                    results: &self.results,
                    keys: &self.plan.keys,
                    host: &self.host,
                };
                match def.begin(env) {
                    Begun::Done(result, log) => Started::Done(result, log),
                    Begun::Waiting(fut) => Started::Waiting(Box::pin(async move {
                        let (result, log) = fut.await;
                        (job, result, log)
                    })),
                }
            }
            Exec::Python(p) => {
                let call = PythonCall {
                    node_key: pn.node.key.clone(),
                    func: p.spec.func.clone(),
                    code: p.code.clone(),
                    inputs: named(pn.node, inputs),
                    params: pn.params.clone(),
                    outputs: p.spec.outputs.iter().map(|o| o.name.clone()).collect(),
                };
                let fut = self.host.run_python(call);
                Started::Waiting(Box::pin(async move {
                    match fut.await {
                        Ok(r) => {
                            let mut out =
                                r.outputs.into_iter().fold(Outputs::none(), |out, (name, d)| out.with_data(name, d));
                            out.flow_to = r.flow_to.map(|d| d.into_iter().map(std::borrow::Cow::Owned).collect());
                            (job, Ok(out), r.log)
                        }
                        Err(e) => (job, Err(e), Vec::new()),
                    }
                }))
            }
        }
    }

    /// A node's result: stored, reported, cached; on failure the node's loops stop.
    fn finish(
        &mut self,
        job: usize,
        result: NodeResult,
        log: Vec<String>,
        on_event: &mut dyn FnMut(RunEvent),
    ) -> Result<Outputs, Failure> {
        let id = self.plan.nodes[job].node.id;
        if self.started_at[job].is_nan() {
            // a cache hit: already reported
            return result.map_err(|_| Failure::Node);
        }
        let ms = self.host.now_ms() - self.started_at[job];
        for line in &log {
            on_event(RunEvent::Log { id, line: line.clone() });
        }
        let r = &mut self.records[job];
        r.runs += 1;
        r.ms += ms;
        r.log.extend(log);
        match result.and_then(|out| self.store(job, out)) {
            Ok((outputs, values)) => {
                // stored even by a run that does not use the cache: the next live change
                // then re-runs only what it affects (and unseeded noise keeps its numbers)
                if self.plan.nodes[job].pure {
                    self.cache.entries.insert(id, (self.fingerprints[job], values.clone()));
                }
                on_event(RunEvent::Node { id, status: NodeStatus::Done { ms, cached: false, outputs: values } });
                Ok(outputs)
            }
            Err(e) => {
                let r = &mut self.records[job];
                r.failed = true;
                r.error = Some(e.0.clone());
                self.finished[job] = true;
                self.cache.entries.remove(&id);
                on_event(RunEvent::Node { id, status: NodeStatus::Failed { error: e.0 } });
                self.abort_loops_around(job);
                Err(Failure::Node)
            }
        }
    }

    /// Awaits waiting nodes, unless the run is cancelled or reaches its maximum time first.
    async fn wait<T>(&self, node: impl Future<Output = T> + Unpin) -> Option<T> {
        let remaining = self.opts.max_runtime_ms - (self.host.now_ms() - self.start_ms);
        let deadline = self.host.sleep(remaining.max(0.0));
        match select(node, select(self.cancel.cancelled(), deadline)).await {
            // a node that ended because the run was cancelled (Python restarted under it) is
            // part of the cancellation, not a failure of its own
            Either::Left(_) if self.cancel.is_cancelled() => None,
            Either::Left((r, _)) => Some(r),
            Either::Right((Either::Left(_), _)) => None,
            Either::Right((Either::Right(_), _)) => {
                self.cancel.cancel(self.max_runtime_message());
                None
            }
        }
    }

    fn max_runtime_message(&self) -> String {
        format!("maximum run time exceeded ({:.0} s)", self.opts.max_runtime_ms / 1000.0)
    }

    /// Maps named outputs to ports and validates each value (Flojoy validates every output).
    fn store(&mut self, job: usize, out: Outputs) -> Result<(Outputs, PortValues), NodeError> {
        let spec = self.plan.nodes[job].node.spec();
        out.validate()?;
        let mut values: Vec<Option<Data>> = vec![None; spec.outputs.len()];
        for (name, d) in &out.values {
            if let Some(i) = spec.output_index(name) {
                values[i] = d.clone();
            }
        }
        let values: PortValues = values.into();
        self.results[job] = Some(values.clone());
        Ok((out, values))
    }

    /// Flojoy's `process_job_result`: follow outputs, remove their wires, return what became ready.
    fn follow(&mut self, job: usize, flow_to: Option<&[std::borrow::Cow<'static, str>]>) -> Vec<usize> {
        let spec = self.plan.nodes[job].node.spec();
        let directions: Vec<String> = match flow_to {
            Some(d) if !d.is_empty() => d.iter().map(|s| s.to_lowercase()).collect(),
            _ => spec.outputs.iter().map(|o| o.name.clone()).collect(),
        };
        self.finished[job] = true;
        let mut next = Vec::new();
        for dir in directions {
            if dir == "end" {
                self.loop_stack.pop();
            }
            self.remove_edges_and_get_next(job, &dir, &mut next);
        }
        next
    }

    fn remove_edges_and_get_next(&mut self, job: usize, label: &str, next: &mut Vec<usize>) {
        let pn = &self.plan.nodes[job];
        let spec = pn.node.spec();
        let mut successors: Vec<usize> =
            pn.out_edges.iter().filter(|&&e| self.present[e]).map(|&e| self.plan.edges[e].dst).collect();
        successors.dedup();
        let targets: Vec<usize> = pn
            .out_edges
            .iter()
            .filter(|&&e| {
                self.present[e]
                    && spec.outputs.get(usize::from(self.plan.edges[e].out)).is_some_and(|o| o.name == label)
            })
            .map(|&e| self.plan.edges[e].dst)
            .collect();
        for dst in targets {
            // remove_dependency: every wire between the two nodes goes
            for &e in &self.plan.nodes[job].out_edges {
                if self.present[e] && self.plan.edges[e].dst == dst {
                    self.present[e] = false;
                    self.indeg[dst] -= 1;
                }
            }
        }
        for d in successors {
            if !self.finished[d] && self.indeg[d] == 0 {
                next.push(d);
            }
        }
    }

    /// Flojoy's `restart`: the loop and everything downstream of it get their wires back.
    fn restart(&mut self, lp: usize) {
        self.loop_stack.pop();
        let set = self.descendants(lp, true);
        let mut member = vec![false; self.plan.nodes.len()];
        member[lp] = true;
        for &d in &set {
            member[d] = true;
        }
        for (e, edge) in self.plan.edges.iter().enumerate() {
            if member[edge.src] && member[edge.dst] && !self.present[e] {
                self.present[e] = true;
                self.indeg[edge.dst] += 1;
            }
        }
        self.finished[lp] = false;
        for d in self.descendants(lp, false) {
            self.finished[d] = false;
        }
    }

    /// Nodes downstream of `from`, over all wires (`original`) or only those still present.
    fn descendants(&self, from: usize, original: bool) -> Vec<usize> {
        let mut seen = vec![false; self.plan.nodes.len()];
        let mut stack = vec![from];
        let mut out = Vec::new();
        while let Some(n) = stack.pop() {
            for &e in &self.plan.nodes[n].out_edges {
                if !original && !self.present[e] {
                    continue;
                }
                let d = self.plan.edges[e].dst;
                if !seen[d] {
                    seen[d] = true;
                    out.push(d);
                    stack.push(d);
                }
            }
        }
        out
    }

    /// A node failed: loops that contain it stop (Flojoy cancelled the whole run instead).
    fn abort_loops_around(&mut self, job: usize) {
        if let Some(pos) = self.loop_stack.iter().position(|&lp| self.descendants(lp, true).contains(&job)) {
            for lp in self.loop_stack.drain(pos..) {
                self.aborted.push((lp, job));
            }
        }
    }

    fn mark_skipped(&mut self, on_event: &mut dyn FnMut(RunEvent)) {
        let failed: Vec<usize> = (0..self.plan.nodes.len()).filter(|&i| self.records[i].failed).collect();
        let mut downstream_of_failure: Vec<Option<usize>> = vec![None; self.plan.nodes.len()];
        let origins = failed.iter().map(|&f| (f, f)).chain(self.aborted.iter().copied());
        for (from, f) in origins.collect::<Vec<_>>() {
            for d in self.descendants(from, true) {
                downstream_of_failure[d].get_or_insert(f);
            }
        }
        for (i, origin) in downstream_of_failure.into_iter().enumerate() {
            let r = &self.records[i];
            if r.runs > 0 || r.failed {
                continue;
            }
            let reason = if let Some(f) = origin {
                Some(format!("skipped: {} failed upstream", self.plan.nodes[f].node.label))
            } else {
                self.stopped.as_ref().map(|s| format!("skipped: {s}"))
            };
            if let Some(reason) = reason {
                self.records[i].skipped = Some(reason.clone());
                on_event(RunEvent::Node { id: self.plan.nodes[i].node.id, status: NodeStatus::Skipped { reason } });
            }
        }
    }

    fn report(&self, status: RunStatus, diagnostics: Vec<Diagnostic>, ms: f64) -> RunReport {
        let mut nodes = Vec::with_capacity(self.plan.nodes.len());
        for (i, pn) in self.plan.nodes.iter().enumerate() {
            let r = &self.records[i];
            let state = if r.failed {
                NodeState::Failed
            } else if r.runs > 0 && r.skipped.is_none() {
                NodeState::Done
            } else if r.skipped.is_some() {
                NodeState::Skipped
            } else {
                NodeState::NotRun
            };
            let spec = pn.node.spec();
            let outputs = self.results[i]
                .as_ref()
                .map(|vals| {
                    vals.iter()
                        .enumerate()
                        .filter_map(|(k, d)| Some((spec.outputs.get(k)?.name.clone(), d.clone()?)))
                        .collect()
                })
                .unwrap_or_default();
            nodes.push((
                pn.node.key.clone(),
                NodeReport {
                    func: pn.node.func().into(),
                    label: pn.node.label.clone(),
                    status: state,
                    runs: r.runs,
                    ms: r.ms,
                    error: r.error.clone().or_else(|| r.skipped.clone().filter(|_| state == NodeState::Skipped)),
                    cached: r.cached,
                    outputs,
                    log: r.log.clone(),
                },
            ));
        }
        RunReport { status, error: self.stopped.clone(), diagnostics, ms, nodes }
    }
}

fn named(node: &Node, inputs: Vec<Vec<Data>>) -> Vec<(String, Vec<Data>)> {
    node.spec().inputs.iter().map(|p| p.name.clone()).zip(inputs).collect()
}

/// A node failed (reported already).
#[derive(Debug, PartialEq)]
enum Failure {
    Node,
}

/// A node waiting for something outside the page's thread of work.
type Pending = LocalBoxFuture<'static, (usize, NodeResult, Vec<String>)>;

enum Started {
    /// Finished at once: a built-in node or a cache hit; with its log lines.
    Done(NodeResult, Vec<String>),
    Waiting(Pending),
}
