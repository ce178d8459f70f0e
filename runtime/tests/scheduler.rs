//! The scheduler's semantics: Flojoy's (REFERENCE §1.7) and ours beyond it.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::future::LocalBoxFuture;
use runtime::host::Host;
use runtime::schedule::{self, Cache, CancelToken, NodeState, NodeStatus, RunEvent, RunOptions, RunStatus};
use runtime::value::Value;
use runtime::{Edit, apply};
use serde_json::json;
use support::*;

#[test]
fn conditional_runs_one_branch_and_joins_never_run() {
    let f = flow(
        &[
            ("X", "SCALAR", json!({"value": 5})),
            ("Y", "SCALAR", json!({"value": 3})),
            ("COND", "CONDITIONAL", json!({"operator_type": ">="})),
            ("YES", "SCALAR", json!({"value": 1})),
            ("NO", "SCALAR", json!({"value": 0})),
            ("JOIN", "ADD", json!({})),
        ],
        &[
            ("X", "default", "COND", "x"),
            ("Y", "default", "COND", "y"),
            ("COND", "true", "YES", "_"),
            ("COND", "false", "NO", "_"),
            ("YES", "default", "JOIN", "a"),
            ("NO", "default", "JOIN", "b"),
        ],
    );
    let r = run(&f);
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    assert_eq!(r.by_label("YES").unwrap().status, NodeState::Done);
    assert_eq!(r.by_label("NO").unwrap().status, NodeState::NotRun);
    assert_eq!(r.by_label("JOIN").unwrap().status, NodeState::NotRun, "a join with an untaken branch never runs");
    // CONDITIONAL forwards x when true
    assert_eq!(scalar(out(&r, "COND", "true")), 5.0);
}

/// LOOP.body → LOOP_INDEX → APPEND.secondary, FEEDBACK(APPEND) → APPEND.primary.
fn counting_loop(n: i64) -> runtime::Flow {
    flow(
        &[
            ("LOOP-A", "LOOP", json!({"num_loops": n})),
            ("INDEX", "LOOP_INDEX", json!({"loop_node": "LOOP-A"})),
            ("BACK", "FEEDBACK", json!({"referred_node": "ACC"})),
            ("ACC", "APPEND", json!({})),
            ("AFTER", "TEXT", json!({"value": "done"})),
        ],
        &[
            ("LOOP-A", "body", "INDEX", "default"),
            ("LOOP-A", "body", "BACK", "default"),
            ("BACK", "default", "ACC", "primary_dp"),
            ("INDEX", "default", "ACC", "secondary_dp"),
            ("LOOP-A", "end", "AFTER", "_"),
        ],
    )
}

#[test]
fn loop_with_feedback_and_append_collects_each_index() {
    let r = run(&counting_loop(4));
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    assert_eq!(r.by_label("INDEX").unwrap().runs, 4);
    assert_eq!(r.by_label("LOOP-A").unwrap().runs, 5, "4 turns through body, one through end");
    assert_eq!(out(&r, "ACC", "default"), &Value::vector(vec![1.0, 2.0, 3.0, 4.0]));
    assert_eq!(r.by_label("AFTER").unwrap().runs, 1);
}

#[test]
fn a_subflow_runs_as_its_inner_nodes() {
    // the loop's body (its index, feedback and accumulator) folded into a subflow, and that
    // one into another: the same runs, the same results, wires and references unchanged
    let plain = counting_loop(4);
    let mut folded = plain.clone();
    let ids: Vec<_> = ["INDEX", "BACK", "ACC"].iter().map(|l| folded.find_label(l).unwrap()).collect();
    let (edit, body) = folded.make_subflow_edit(&ids, None).unwrap();
    apply(&mut folded, edit).unwrap();
    let (edit, _) = folded.make_subflow_edit(&ids[2..], Some(&body)).unwrap();
    apply(&mut folded, edit).unwrap();
    assert_eq!(folded.subflows().path(folded.subflows().subflow_of(ids[2])).len(), 2);
    let (a, b) = (run(&plain), run(&folded));
    assert_eq!(b.status, RunStatus::Ok, "{}", b.summary());
    for label in ["LOOP-A", "INDEX", "BACK", "ACC", "AFTER"] {
        assert_eq!(a.by_label(label).unwrap().runs, b.by_label(label).unwrap().runs, "{label} runs as often");
    }
    assert_eq!(out(&b, "ACC", "default"), &Value::vector(vec![1.0, 2.0, 3.0, 4.0]));
}

#[test]
fn node_memory_is_cleared_at_each_run_start() {
    let f = counting_loop(3);
    let first = run(&f);
    let second = run(&f);
    assert_eq!(out(&first, "ACC", "default"), out(&second, "ACC", "default"));
    assert_eq!(out(&second, "ACC", "default"), &Value::vector(vec![1.0, 2.0, 3.0]));
}

#[test]
fn nested_loops_run_inner_body_outer_times_inner() {
    let f = flow(
        &[
            ("LOOP-OUT", "LOOP", json!({"num_loops": 2})),
            ("LOOP-IN", "LOOP", json!({"num_loops": 3})),
            ("I", "LOOP_INDEX", json!({"loop_node": "LOOP-IN"})),
            ("O", "LOOP_INDEX", json!({"loop_node": "LOOP-OUT"})),
        ],
        &[
            ("LOOP-OUT", "body", "LOOP-IN", "default"),
            ("LOOP-IN", "body", "I", "default"),
            ("LOOP-OUT", "body", "O", "default"),
        ],
    );
    let r = run(&f);
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    assert_eq!(r.by_label("I").unwrap().runs, 6);
    assert_eq!(r.by_label("O").unwrap().runs, 2);
    assert_eq!(scalar(out(&r, "O", "default")), 2.0);
}

#[test]
fn break_ends_a_loop_early() {
    let f = flow(
        &[
            ("LOOP-B", "LOOP", json!({"num_loops": 100})),
            ("INDEX", "LOOP_INDEX", json!({"loop_node": "LOOP-B"})),
            ("FIVE", "SCALAR", json!({"value": 5})),
            ("COND", "CONDITIONAL", json!({"operator_type": ">="})),
            ("STOP", "BREAK", json!({"referred_node": "LOOP-B"})),
            ("AFTER", "TEXT", json!({})),
        ],
        &[
            ("LOOP-B", "body", "INDEX", "default"),
            ("INDEX", "default", "COND", "x"),
            ("FIVE", "default", "COND", "y"),
            ("COND", "true", "STOP", "default"),
            ("LOOP-B", "end", "AFTER", "_"),
        ],
    );
    let r = run(&f);
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    assert_eq!(r.by_label("INDEX").unwrap().runs, 5);
    assert_eq!(r.by_label("STOP").unwrap().runs, 1);
    assert_eq!(r.by_label("AFTER").unwrap().runs, 1);
}

#[test]
fn list_inputs_fold_in_wire_order() {
    let f = flow(
        &[
            ("A", "SCALAR", json!({"value": 10})),
            ("B1", "SCALAR", json!({"value": 3})),
            ("B2", "SCALAR", json!({"value": 2})),
            ("SUB", "SUBTRACT", json!({})),
            ("DIV", "DIVIDE", json!({})),
        ],
        &[
            ("A", "default", "SUB", "a"),
            ("B1", "default", "SUB", "b"),
            ("B2", "default", "SUB", "b"),
            ("A", "default", "DIV", "a"),
            ("B2", "default", "DIV", "b"),
            ("B1", "default", "DIV", "b"),
        ],
    );
    let r = run(&f);
    assert_eq!(scalar(out(&r, "SUB", "default")), 5.0);
    assert!((scalar(out(&r, "DIV", "default")) - 10.0 / 2.0 / 3.0).abs() < 1e-15);
}

#[test]
fn a_failing_node_skips_only_what_is_downstream() {
    let f = flow(
        &[
            ("BAD", "LOOP_INDEX", json!({})),
            ("SHOW", "BIG_NUMBER", json!({})),
            ("OK", "SCALAR", json!({"value": 7})),
            ("SHOW 2", "BIG_NUMBER", json!({})),
        ],
        &[("BAD", "default", "SHOW", "default"), ("OK", "default", "SHOW 2", "default")],
    );
    let r = run(&f);
    assert_eq!(r.status, RunStatus::Failed);
    let bad = r.by_label("BAD").unwrap();
    assert_eq!(bad.status, NodeState::Failed);
    assert_eq!(bad.error.as_deref(), Some("'loop_node' must name a LOOP node"));
    let show = r.by_label("SHOW").unwrap();
    assert_eq!(show.status, NodeState::Skipped);
    assert!(show.error.as_deref().unwrap_or_default().contains("BAD failed"), "{show:?}");
    assert_eq!(r.by_label("SHOW 2").unwrap().status, NodeState::Done, "the independent branch finished");
}

#[test]
fn a_failure_inside_a_loop_stops_that_loop() {
    let f = flow(
        &[("LOOP-F", "LOOP", json!({"num_loops": 50})), ("BAD", "LOOP_INDEX", json!({})), ("AFTER", "TEXT", json!({}))],
        &[("LOOP-F", "body", "BAD", "default"), ("LOOP-F", "end", "AFTER", "_")],
    );
    let r = run(&f);
    assert_eq!(r.status, RunStatus::Failed);
    assert_eq!(r.by_label("BAD").unwrap().runs, 1, "the loop does not go round a failing body 50 times");
    assert_eq!(r.by_label("AFTER").unwrap().status, NodeState::Skipped);
}

#[test]
fn events_report_each_node_queued_running_done() {
    let f = flow(&[("S", "SCALAR", json!({"value": 1})), ("T", "TEXT", json!({}))], &[("S", "default", "T", "_")]);
    let (_, events) = run_with(&f, host(1), &RunOptions::default(), &mut Cache::new());
    let kinds: Vec<String> = events
        .iter()
        .map(|e| match e {
            RunEvent::Started => "start".into(),
            RunEvent::Finished { .. } => "finish".into(),
            RunEvent::Log { .. } => "log".into(),
            RunEvent::Node { id, status } => format!(
                "{}:{}",
                f.node(*id).unwrap().label,
                match status {
                    NodeStatus::Queued => "queued",
                    NodeStatus::Running => "running",
                    NodeStatus::Done { .. } => "done",
                    NodeStatus::Failed { .. } => "failed",
                    NodeStatus::Skipped { .. } => "skipped",
                }
            ),
        })
        .collect();
    assert_eq!(kinds, ["start", "S:queued", "S:running", "S:done", "T:queued", "T:running", "T:done", "finish"]);
}

#[test]
fn the_report_can_leave_out_outputs() {
    let f = flow(&[("S", "SCALAR", json!({"value": 1})), ("T", "TEXT", json!({}))], &[("S", "default", "T", "_")]);
    let r = run(&f);
    let key_s = r.nodes.iter().find(|(_, n)| n.label == "S").unwrap().0.clone();
    let all = r.to_json();
    assert_eq!(r.to_json_keeping(|_| true), all);
    let some = r.to_json_keeping(|k| k == key_s);
    let none = r.to_json_keeping(|_| false);
    for (key, n) in all["nodes"].as_object().unwrap() {
        assert_eq!(n["outputs"].as_object().unwrap().len(), 1, "{key} has its output in the full report");
        assert_eq!(none["nodes"][key]["outputs"], json!({}));
        assert_eq!(some["nodes"][key]["outputs"], if *key == key_s { n["outputs"].clone() } else { json!({}) });
        assert_eq!(none["nodes"][key]["ms"], n["ms"], "timings stay");
    }
}

#[test]
fn a_changed_parameter_re_runs_only_what_depends_on_it() {
    let mut f = flow(
        &[
            ("LIN", "LINSPACE", json!({})),
            ("SINE", "SINE", json!({})),
            ("PLOT", "LINE", json!({})),
            ("NOISE", "RAND", json!({})),
            ("HIST", "HISTOGRAM", json!({})),
        ],
        &[
            ("LIN", "default", "SINE", "default"),
            ("SINE", "default", "PLOT", "default"),
            ("NOISE", "default", "HIST", "default"),
        ],
    );
    let opts = RunOptions { use_cache: true, ..RunOptions::default() };
    let mut cache = Cache::new();
    let (first, _) = run_with(&f, host(1), &opts, &mut cache);
    let sine = f.find_label("SINE").unwrap();
    apply(&mut f, Edit::SetParam { node: sine, name: "frequency".into(), value: json!(3.0) }).unwrap();
    let (second, events) = run_with(&f, host(2), &opts, &mut cache);
    let cached = |label: &str| {
        let id = f.find_label(label).unwrap();
        events
            .iter()
            .any(|e| matches!(e, RunEvent::Node { id: i, status: NodeStatus::Done { cached: true, .. } } if *i == id))
    };
    assert!(cached("LIN") && cached("NOISE") && cached("HIST"), "{}", second.summary());
    assert!(!cached("SINE") && !cached("PLOT"));
    // the cached random numbers are the same numbers, though the host's seed changed
    assert_eq!(out(&first, "NOISE", "default"), out(&second, "NOISE", "default"));
    assert_ne!(out(&first, "SINE", "default"), out(&second, "SINE", "default"));
}

/// A host whose clock we drive and whose timers never fire by themselves.
struct TestHost {
    now: Cell<f64>,
    step: f64,
    token: CancelToken,
    cancel_on_sleep: bool,
}

struct Never;

impl Future for Never {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl Host for TestHost {
    fn now_ms(&self) -> f64 {
        self.now.set(self.now.get() + self.step);
        self.now.get()
    }
    fn unix_time_s(&self) -> f64 {
        0.0
    }
    fn entropy(&self) -> u64 {
        3
    }
    fn sleep(&self, _ms: f64) -> LocalBoxFuture<'static, ()> {
        if self.cancel_on_sleep {
            self.token.cancel("cancelled by the test");
        }
        Box::pin(Never)
    }
}

#[test]
fn cancel_stops_a_waiting_node_and_skips_the_rest() {
    let f = flow(
        &[("WAIT", "TIMER", json!({"sleep_time": 60})), ("AFTER", "TEXT", json!({}))],
        &[("WAIT", "default", "AFTER", "_")],
    );
    let token = CancelToken::new();
    let host = Rc::new(TestHost { now: Cell::new(0.0), step: 0.0, token: token.clone(), cancel_on_sleep: true });
    let report = futures::executor::block_on(schedule::run(
        &f,
        host,
        &RunOptions::default(),
        &token,
        &mut Cache::new(),
        &mut |_| {},
    ));
    assert_eq!(report.status, RunStatus::Cancelled);
    assert_eq!(report.error.as_deref(), Some("cancelled by the test"));
    assert_eq!(report.by_label("AFTER").unwrap().status, NodeState::Skipped);
}

#[test]
fn an_endless_loop_stops_at_the_maximum_run_time() {
    let f = flow(
        &[("LOOP-E", "LOOP", json!({"num_loops": -1})), ("S", "SCALAR", json!({}))],
        &[("LOOP-E", "body", "S", "_")],
    );
    let token = CancelToken::new();
    let host = Rc::new(TestHost { now: Cell::new(0.0), step: 1.0, token: token.clone(), cancel_on_sleep: false });
    let opts = RunOptions { max_runtime_ms: 5_000.0, ..RunOptions::default() };
    let report = futures::executor::block_on(schedule::run(&f, host, &opts, &token, &mut Cache::new(), &mut |_| {}));
    assert_eq!(report.status, RunStatus::Cancelled);
    assert_eq!(report.error.as_deref(), Some("maximum run time exceeded (5 s)"));
    assert!(report.by_label("S").unwrap().runs > 10);
}

#[test]
fn a_waiting_node_is_stopped_at_the_maximum_run_time() {
    let f = flow(&[("WAIT", "TIMER", json!({"sleep_time": 3600}))], &[]);
    let token = CancelToken::new();
    // timers never fire, but the deadline (also a sleep) is raced by the scheduler
    struct Deadline(TestHost);
    impl Host for Deadline {
        fn now_ms(&self) -> f64 {
            self.0.now_ms()
        }
        fn unix_time_s(&self) -> f64 {
            0.0
        }
        fn entropy(&self) -> u64 {
            1
        }
        fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
            // the one-hour TIMER never ends; the scheduler's shorter deadline does
            if ms < 3_600_000.0 { Box::pin(async {}) } else { Box::pin(Never) }
        }
    }
    let host =
        Rc::new(Deadline(TestHost { now: Cell::new(0.0), step: 0.0, token: token.clone(), cancel_on_sleep: false }));
    let opts = RunOptions { max_runtime_ms: 1_000.0, ..RunOptions::default() };
    let report = futures::executor::block_on(schedule::run(&f, host, &opts, &token, &mut Cache::new(), &mut |_| {}));
    assert_eq!(report.status, RunStatus::Cancelled);
    assert_eq!(report.error.as_deref(), Some("maximum run time exceeded (1 s)"));
}

#[test]
fn python_nodes_without_a_python_host_fail_with_a_clear_message() {
    // a host that does not run Python (the trait's default); NativeHost runs it in CPython
    // (tests/python_nodes.rs)
    let text = serde_json::json!({"rfInstance": {"nodes": [
        {"id": "DOUBLE-1", "data": {"func": "DOUBLE", "label": "DOUBLE", "code": "def DOUBLE(default=None):\n    return default\n",
         "inputs": [], "outputs": [{"name": "default", "id": "default", "type": "Any"}], "ctrls": {}}}
    ], "edges": []}});
    let f = runtime::file::load_json(&text, 1).unwrap().flow;
    let host: Rc<dyn Host> = Rc::new(SlowTimers);
    let r = run_with(&f, host, &RunOptions::default(), &mut Cache::new()).0;
    assert_eq!(r.status, RunStatus::Failed);
    assert!(r.by_label("DOUBLE").unwrap().error.as_deref().unwrap().contains("Pyodide"));
}

/// A timer that completes only after it has been polled a few times (yielding in between).
struct Later(u32);

impl Future for Later {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

struct SlowTimers;

impl Host for SlowTimers {
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn unix_time_s(&self) -> f64 {
        0.0
    }
    fn entropy(&self) -> u64 {
        1
    }
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        // the run's deadline (a long sleep) never fires; node timers take a few polls
        if ms > 1e6 { Box::pin(Never) } else { Box::pin(Later(5)) }
    }
}

#[test]
fn built_in_nodes_go_on_while_a_node_waits() {
    let f = flow(
        &[
            ("WAIT", "TIMER", json!({"sleep_time": 1})),
            ("AFTER", "TEXT", json!({})),
            ("S", "SCALAR", json!({"value": 2})),
            ("SHOW", "BIG_NUMBER", json!({})),
        ],
        &[("WAIT", "default", "AFTER", "_"), ("S", "default", "SHOW", "default")],
    );
    let mut order = Vec::new();
    let report = futures::executor::block_on(schedule::run(
        &f,
        Rc::new(SlowTimers),
        &RunOptions::default(),
        &CancelToken::new(),
        &mut Cache::new(),
        &mut |e| {
            if let RunEvent::Node { id, status: NodeStatus::Done { .. } } = e {
                order.push(f.node(id).unwrap().label.clone());
            }
        },
    ));
    assert_eq!(report.status, RunStatus::Ok, "{}", report.summary());
    assert_eq!(order, ["S", "SHOW", "WAIT", "AFTER"], "the waiting TIMER did not hold up the other branch");
}
