//! Python nodes outside the browser: the native host (the machine's CPython, one worker
//! process running the browser's flojoy_api.py), and Python nodes that arrive with only their
//! code. References are computed by numpy on the host, never taken from our own output.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use runtime::host::{Host, NativeHost};
use runtime::python::Python;
use runtime::schedule::{Cache, CancelToken, NodeState, RunOptions, RunStatus};
use runtime::validate::{self, Severity};
use runtime::value::ColumnData;
use runtime::{Flow, file};
use serde_json::{Value as Json, json};
use support::*;

/// A node of a flow file; `code` makes it a Python node with only its code (no port list).
fn node(id: &str, func: &str, params: Json, code: Option<&str>) -> Json {
    let ctrls: serde_json::Map<String, Json> = params
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), json!({"param": k, "value": v}))).collect())
        .unwrap_or_default();
    let mut data = json!({"id": id, "label": id, "func": func, "ctrls": ctrls});
    if let Some(code) = code {
        data["code"] = json!(code);
    }
    json!({"id": id, "data": data, "position": {"x": 0, "y": 0}})
}

fn load(nodes: Vec<Json>, wires: &[(&str, &str, &str, &str)]) -> (Flow, Vec<String>) {
    let edges: Vec<Json> = wires
        .iter()
        .map(|(s, sh, t, th)| json!({"source": s, "sourceHandle": sh, "target": t, "targetHandle": th}))
        .collect();
    let loaded = file::load_json(&json!({"rfInstance": {"nodes": nodes, "edges": edges}}), 1).unwrap();
    (loaded.flow, loaded.warnings)
}

fn run_on(flow: &Flow, host: Rc<NativeHost>) -> runtime::schedule::RunReport {
    let host: Rc<dyn Host> = host;
    run_with(flow, host, &RunOptions::default(), &mut Cache::new()).0
}

/// numpy's answer for a Python expression over `x` (a list of floats), computed on the host.
fn numpy(expr: &str, x: &[f64]) -> Vec<f64> {
    let script = format!(
        "import json, sys, numpy as np\nx = np.array(json.load(sys.stdin))\nprint(json.dumps(list(map(float, np.atleast_1d({expr})))))"
    );
    let mut child = std::process::Command::new("python3")
        .args(["-c", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(serde_json::to_string(x).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

const TRIPLE: &str = "from flojoy import flojoy, Vector\n\n@flojoy\ndef TRIPLE(default: Vector) -> Vector:\n    return Vector(v=default.v * 3)\n";

#[test]
fn a_code_only_node_gets_its_ports_from_its_code_and_runs() {
    // Flojoy files and links often carry only data.code: before, this ran TRIPLE with
    // default=None ("AttributeError: 'NoneType' object has no attribute 'v'")
    let (flow, warnings) = load(
        vec![
            node("LINSPACE-1", "LINSPACE", json!({"start": 0, "end": 1, "step": 5}), None),
            node("TRIPLE-1", "TRIPLE", json!({}), Some(TRIPLE)),
        ],
        &[("LINSPACE-1", "default", "TRIPLE-1", "default")],
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let t = flow.find_label("TRIPLE-1").and_then(|id| flow.node(id)).unwrap();
    assert_eq!(t.spec().inputs.len(), 1);
    assert_eq!(t.spec().inputs[0].types.to_string(), "Vector");
    assert_eq!(t.spec().outputs[0].name, "default");
    assert!(validate::validate(&flow).is_empty(), "{:?}", validate::validate(&flow));
    let r = run_on(&flow, Rc::new(NativeHost::default()));
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    let want = numpy("np.linspace(0, 1, 5) * 3", &[]);
    assert_eq!(ys(out(&r, "TRIPLE-1", "default")), want.as_slice());
}

#[test]
fn a_wire_into_a_port_the_code_does_not_declare_is_a_validation_error() {
    let (flow, warnings) = load(
        vec![node("LINSPACE-1", "LINSPACE", json!({}), None), node("TRIPLE-1", "TRIPLE", json!({}), Some(TRIPLE))],
        &[("LINSPACE-1", "default", "TRIPLE-1", "signal"), ("TRIPLE-1", "filtered", "LINSPACE-1", "default")],
    );
    assert!(warnings.is_empty(), "the wires are kept: {warnings:?}");
    let diags = validate::validate(&flow);
    let errors: Vec<(&str, &str)> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.port.as_deref().unwrap_or(""), d.message.as_str()))
        .collect();
    assert!(
        errors.contains(&(
            "signal",
            "TRIPLE-1: input 'signal' is wired, but the code of TRIPLE declares no parameter 'signal'"
        )),
        "{errors:?}"
    );
    assert!(
        errors.contains(&(
            "filtered",
            "TRIPLE-1: output 'filtered' is wired, but TRIPLE returns no output 'filtered' (it returns default)"
        )),
        "{errors:?}"
    );
    // an unannotated return declares no output at all
    let bare = "from flojoy import flojoy, Vector\n@flojoy\ndef BARE(default: Vector):\n    return default\n";
    let (flow, _) = load(
        vec![node("BARE-1", "BARE", json!({}), Some(bare)), node("LINE-1", "LINE", json!({}), None)],
        &[("BARE-1", "default", "LINE-1", "default")],
    );
    let msg = validate::validate(&flow).into_iter().find(|d| d.port.as_deref() == Some("default")).unwrap().message;
    assert!(msg.contains("BARE has no return annotation"), "{msg}");
}

#[test]
fn one_worker_serves_every_node_and_loop_iteration() {
    let code = "from flojoy import flojoy, Scalar\n\n@flojoy\ndef BUMP(default: Scalar, by: float = 1.0) -> Scalar:\n    print('bump', default.c)\n    return Scalar(c=default.c + by)\n";
    let (flow, w) = load(
        vec![
            node("LOOP-1", "LOOP", json!({"num_loops": 5}), None),
            node("LOOP_INDEX-1", "LOOP_INDEX", json!({"loop_node": "LOOP-1"}), None),
            node("BUMP-1", "BUMP", json!({"by": 0.5}), Some(code)),
            node("BUMP-2", "BUMP", json!({"by": 2}), Some(code)),
        ],
        &[
            ("LOOP-1", "body", "LOOP_INDEX-1", "default"),
            ("LOOP_INDEX-1", "default", "BUMP-1", "default"),
            ("BUMP-1", "default", "BUMP-2", "default"),
        ],
    );
    assert!(w.is_empty(), "{w:?}");
    let host = Rc::new(NativeHost::default());
    let r = run_on(&flow, host.clone());
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(r.by_label("BUMP-2").unwrap().runs, 5);
    assert_eq!(scalar(out(&r, "BUMP-2", "default")), 5.0 + 0.5 + 2.0);
    assert_eq!(host.python.starts(), 1, "one process for the whole run");
    // print() goes to the node's log, each call's lines in order
    assert_eq!(r.by_label("BUMP-1").unwrap().log, (1..=5).map(|i| format!("bump {i}.0")).collect::<Vec<_>>());
    // and a second run on the same host reuses it too
    run_on(&flow, host.clone());
    assert_eq!(host.python.starts(), 1);
}

#[test]
fn with_numpy_a_node_gets_numpy_arrays() {
    let code = "from flojoy import flojoy, OrderedPair, String\n\n@flojoy\ndef KIND(default: OrderedPair) -> String:\n    return String(s=f'{type(default.x).__module__}.{type(default.x).__name__} {default.y.dtype} {default.y.flags.writeable}')\n";
    let (flow, _) = load(
        vec![
            node("LINSPACE-1", "LINSPACE", json!({}), None),
            node("SINE-1", "SINE", json!({}), None),
            node("KIND-1", "KIND", json!({}), Some(code)),
        ],
        &[("LINSPACE-1", "default", "SINE-1", "default"), ("SINE-1", "default", "KIND-1", "default")],
    );
    let r = run_on(&flow, Rc::new(NativeHost::default()));
    assert_eq!(out(&r, "KIND-1", "default"), &runtime::Value::string("numpy.ndarray float64 True"));
}

#[test]
fn without_numpy_a_node_gets_the_same_sequences_as_in_pyodide() {
    // `python3 -S` skips site-packages, where numpy lives: what Pyodide gives before numpy is
    // loaded (FloatArray), through the same flojoy_api.py
    let dir = std::env::temp_dir().join(format!("flojoy-nonumpy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wrapper = dir.join("python-no-site");
    std::fs::write(&wrapper, "#!/bin/sh\nexec python3 -S \"$@\"\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let code = "from flojoy import flojoy, Vector, String\n\n@flojoy\ndef KIND(default: Vector) -> Vector:\n    print(type(default.v).__name__)\n    return Vector(v=default.v * 2 + 1)\n";
    let (flow, _) = load(
        vec![
            node("LINSPACE-1", "LINSPACE", json!({"start": -1, "end": 3, "step": 9}), None),
            node("KIND-1", "KIND", json!({}), Some(code)),
        ],
        &[("LINSPACE-1", "default", "KIND-1", "default")],
    );
    let mut host = NativeHost::default();
    host.python = Python::new(&wrapper);
    let host = Rc::new(host);
    let r = run_on(&flow, host.clone());
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(host.python.versions().unwrap().1, None, "numpy is not importable there");
    assert_eq!(r.by_label("KIND-1").unwrap().log, ["FloatArray"]);
    assert_eq!(ys(out(&r, "KIND-1", "default")), numpy("np.linspace(-1, 3, 9) * 2 + 1", &[]).as_slice());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_exception_fails_that_node_with_its_traceback_and_the_rest_runs() {
    let boom = "from flojoy import flojoy, Vector\n\n@flojoy\ndef BOOM(default: Vector) -> Vector:\n    x = 1\n    raise ValueError(f'bad input of {len(default.v)}')\n";
    let (flow, _) = load(
        vec![
            node("LINSPACE-1", "LINSPACE", json!({"step": 4}), None),
            node("BOOM-1", "BOOM", json!({}), Some(boom)),
            node("TRIPLE-1", "TRIPLE", json!({}), Some(TRIPLE)),
            node("SINE-1", "SINE", json!({}), None),
        ],
        &[
            ("LINSPACE-1", "default", "BOOM-1", "default"),
            ("BOOM-1", "default", "SINE-1", "default"),
            ("LINSPACE-1", "default", "TRIPLE-1", "default"),
        ],
    );
    let r = run_on(&flow, Rc::new(NativeHost::default()));
    assert_eq!(r.status, RunStatus::Failed);
    let b = r.by_label("BOOM-1").unwrap();
    assert_eq!(b.status, NodeState::Failed);
    let err = b.error.as_deref().unwrap();
    assert!(err.starts_with("ValueError: bad input of 4\nTraceback (most recent call last):"), "{err}");
    assert!(err.contains("line 6, in BOOM"), "{err}");
    assert_eq!(r.by_label("SINE-1").unwrap().status, NodeState::Skipped);
    assert_eq!(r.by_label("TRIPLE-1").unwrap().status, NodeState::Done);
}

#[test]
fn a_runaway_node_is_stopped_by_the_timeout_and_python_comes_back() {
    let forever = "from flojoy import flojoy, Vector\n\n@flojoy\ndef FOREVER(default: Vector) -> Vector:\n    while True:\n        pass\n";
    let (flow, _) = load(
        vec![
            node("LINSPACE-1", "LINSPACE", json!({"step": 4}), None),
            node("FOREVER-1", "FOREVER", json!({}), Some(forever)),
            node("TRIPLE-1", "TRIPLE", json!({}), Some(TRIPLE)),
        ],
        &[("LINSPACE-1", "default", "FOREVER-1", "default"), ("LINSPACE-1", "default", "TRIPLE-1", "default")],
    );
    let mut host = NativeHost::default();
    host.python.timeout = Some(Duration::from_millis(700));
    let host = Rc::new(host);
    let r = run_on(&flow, host.clone());
    let f = r.by_label("FOREVER-1").unwrap();
    assert_eq!(f.status, NodeState::Failed);
    assert!(f.error.as_deref().unwrap().starts_with("stopped after 0.7 s (--timeout)"), "{:?}", f.error);
    // the runner survived: the other Python node ran, on a fresh worker
    assert_eq!(r.by_label("TRIPLE-1").unwrap().status, NodeState::Done, "{r:?}");
    assert_eq!(host.python.starts(), 2);
}

#[test]
fn ctrl_c_stops_a_running_node_and_cancels_the_run() {
    let forever = "from flojoy import flojoy, Vector\n\n@flojoy\ndef FOREVER(default: Vector) -> Vector:\n    while True:\n        pass\n";
    let (flow, _) = load(
        vec![
            node("LINSPACE-1", "LINSPACE", json!({"step": 4}), None),
            node("FOREVER-1", "FOREVER", json!({}), Some(forever)),
        ],
        &[("LINSPACE-1", "default", "FOREVER-1", "default")],
    );
    let flag = Arc::new(AtomicBool::new(false));
    let cancel = CancelToken::new();
    let mut host = NativeHost::default();
    host.stop_on(flag.clone(), cancel.clone());
    // the "signal" arrives from another thread while the node runs
    let f = flag.clone();
    let presser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(600));
        f.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let host: Rc<dyn Host> = Rc::new(host);
    let r = futures::executor::block_on(runtime::schedule::run(
        &flow,
        host,
        &RunOptions::default(),
        &cancel,
        &mut Cache::new(),
        &mut |_| {},
    ));
    presser.join().unwrap();
    assert_eq!(r.status, RunStatus::Cancelled, "{r:?}");
    assert_eq!(r.error.as_deref(), Some("interrupted (Ctrl+C)"));
}

#[test]
fn no_python_is_a_clear_error_naming_the_node() {
    let (flow, _) = load(
        vec![node("LINSPACE-1", "LINSPACE", json!({}), None), node("TRIPLE-1", "TRIPLE", json!({}), Some(TRIPLE))],
        &[("LINSPACE-1", "default", "TRIPLE-1", "default")],
    );
    let mut host = NativeHost::default();
    host.python = Python::new("/nonexistent/python3");
    let r = run_on(&flow, Rc::new(host));
    let err = r.by_label("TRIPLE-1").unwrap().error.clone().unwrap();
    assert_eq!(
        err,
        "cannot run the Python node TRIPLE: no Python found ('/nonexistent/python3' is not installed or not on PATH); \
         install Python 3.10 or newer, or give its path with --python PATH"
    );
}

#[test]
fn studio_control_flow_blocks_choose_the_branch() {
    // CONDITIONAL's Studio source returns JobResultBuilder results with flow directions
    let cond = std::fs::read_to_string(
        support::apps().join("../blocks-py/CONTROL_FLOW/CONDITIONALS/CONDITIONAL/CONDITIONAL.py"),
    )
    .unwrap();
    let (flow, w) = load(
        vec![
            node("A", "SCALAR", json!({"value": 3}), None),
            node("B", "SCALAR", json!({"value": 5}), None),
            node("CONDITIONAL-1", "CONDITIONAL", json!({"operator_type": ">="}), Some(&cond)),
            node("YES", "TEXT", json!({"value": "yes"}), None),
            node("NO", "TEXT", json!({"value": "no"}), None),
        ],
        &[
            ("A", "default", "CONDITIONAL-1", "x"),
            ("B", "default", "CONDITIONAL-1", "y"),
            ("CONDITIONAL-1", "true", "YES", "_"),
            ("CONDITIONAL-1", "false", "NO", "_"),
        ],
    );
    assert!(w.is_empty(), "{w:?}");
    let r = run_on(&flow, Rc::new(NativeHost::default()));
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(r.by_label("NO").unwrap().status, NodeState::Done);
    assert_eq!(r.by_label("YES").unwrap().runs, 0, "3 >= 5 is false: the true branch never runs");
    assert_eq!(scalar(out(&r, "CONDITIONAL-1", "false")), 5.0, "CONDITIONAL forwards y when false");
}

#[test]
fn large_arrays_cross_unchanged_both_ways() {
    // above the size that goes through the shared files instead of the pipe, in and out;
    // the values are the node's own arithmetic on numpy arrays, checked against numpy
    let code = "from flojoy import flojoy, OrderedPair\n\n@flojoy\ndef FLIP(default: OrderedPair) -> OrderedPair:\n    return OrderedPair(x=default.x[::-1], y=default.y * -2 + default.x)\n";
    let (flow, _) = load(
        vec![
            node("LINSPACE-1", "LINSPACE", json!({"start": -3, "end": 7, "step": 200_000}), None),
            node("SINE-1", "SINE", json!({"frequency": 0.3}), None),
            node("FLIP-1", "FLIP", json!({}), Some(code)),
        ],
        &[("LINSPACE-1", "default", "SINE-1", "default"), ("SINE-1", "default", "FLIP-1", "default")],
    );
    let host = Rc::new(NativeHost::default());
    for _ in 0..2 {
        let r = run_on(&flow, host.clone());
        assert_eq!(r.status, RunStatus::Ok, "{r:?}");
        let x = numpy("np.linspace(-3, 7, 200000)[::-1]", &[]);
        let y = numpy("-2 * np.sin(2 * np.pi * 0.3 * np.linspace(-3, 7, 200000)) + np.linspace(-3, 7, 200000)", &[]);
        let v = out(&r, "FLIP-1", "default");
        assert_eq!((xs(v).len(), ys(v).len()), (200_000, 200_000));
        let worst = |got: &[f64], want: &[f64]| got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(
            worst(xs(v), &x) <= 1e-12 && worst(ys(v), &y) <= 1e-12,
            "x off by {}, y by {}",
            worst(xs(v), &x),
            worst(ys(v), &y)
        );
    }
    assert_eq!(host.python.starts(), 1);
}

#[test]
fn arrays_larger_and_smaller_than_the_last_reuse_one_worker() {
    // the shared files grow for a larger array (and are remapped by the worker) and are
    // reused in place for a smaller one, both ways; sizes cross the 64 KiB chunks unevenly
    let code = "from flojoy import flojoy, Vector\n\n@flojoy\ndef REV(default: Vector) -> Vector:\n    return Vector(v=default.v[::-1] * 2)\n";
    let host = Rc::new(NativeHost::default());
    for n in [100_000, 300_001, 9_000, 250_000] {
        let (flow, _) = load(
            vec![
                node("LINSPACE-1", "LINSPACE", json!({"start": -3, "end": 7, "step": n}), None),
                node("REV-1", "REV", json!({}), Some(code)),
            ],
            &[("LINSPACE-1", "default", "REV-1", "default")],
        );
        let r = run_on(&flow, host.clone());
        assert_eq!(r.status, RunStatus::Ok, "{r:?}");
        let want = numpy(&format!("np.linspace(-3, 7, {n})[::-1] * 2"), &[]);
        let got = ys(out(&r, "REV-1", "default"));
        assert_eq!(got.len(), n);
        let worst = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(worst <= 1e-12, "{n} numbers: off by {worst}");
    }
    assert_eq!(host.python.starts(), 1);
}

#[test]
fn a_text_axis_reaches_python_as_an_object_array_and_comes_back_as_text() {
    // Flojoy's DF_2_ORDERED_TRIPLE: df.iloc[:, i].to_numpy(dtype=object), run as Python and as
    // the built-in; a Python node reading either sees wind's direction as an object array of str
    let to_triple = "from flojoy import flojoy, DataFrame, OrderedTriple\n\n@flojoy\ndef TO_TRIPLE(default: DataFrame) -> OrderedTriple:\n    df = default.m\n    return OrderedTriple(x=df.iloc[:, 0].to_numpy(dtype=object), y=df.iloc[:, 1].to_numpy(dtype=object), z=df.iloc[:, 2].to_numpy(dtype=object))\n";
    let kind = "import numpy as np\nfrom flojoy import flojoy, OrderedTriple, String\n\n@flojoy\ndef KIND(default: OrderedTriple) -> String:\n    return String(s=f'{default.x.dtype} {type(default.x[0]).__name__} {default.y[0]} {list(np.unique(default.x)[:3])} {float(default.z[1])}')\n";
    let (flow, _) = load(
        vec![
            node("PLOTLY_DATASET-1", "PLOTLY_DATASET", json!({"dataset_key": "wind"}), None),
            node("TO_TRIPLE-1", "TO_TRIPLE", json!({}), Some(to_triple)),
            node("DF_2_ORDERED_TRIPLE-1", "DF_2_ORDERED_TRIPLE", json!({}), None),
            node("KIND-1", "KIND", json!({}), Some(kind)),
            node("KIND-2", "KIND", json!({}), Some(kind)),
        ],
        &[
            ("PLOTLY_DATASET-1", "default", "TO_TRIPLE-1", "default"),
            ("PLOTLY_DATASET-1", "default", "DF_2_ORDERED_TRIPLE-1", "default"),
            ("TO_TRIPLE-1", "default", "KIND-1", "default"),
            ("DF_2_ORDERED_TRIPLE-1", "default", "KIND-2", "default"),
        ],
    );
    let r = run_on(&flow, Rc::new(NativeHost::default()));
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    // pandas on the host: px.data.wind(), np.unique of direction's object array
    let want = runtime::Value::string("object str 0-1 ['E', 'ENE', 'ESE'] 0.6");
    assert_eq!(out(&r, "KIND-1", "default"), &want);
    assert_eq!(out(&r, "KIND-2", "default"), &want);
    // the Python block's object arrays come back as the built-in's axes: text, text, numbers
    let python = out(&r, "TO_TRIPLE-1", "default");
    assert_eq!(python, out(&r, "DF_2_ORDERED_TRIPLE-1", "default"));
    let runtime::Value::OrderedTriple { x, y, z } = python else { panic!("{python:?}") };
    assert!(matches!((x, y, z), (ColumnData::Text(_), ColumnData::Text(_), ColumnData::Num(_))), "{python:?}");
    assert_eq!(x.len(), 128);
}

#[test]
fn without_numpy_a_text_axis_is_a_list_of_str_as_in_pyodide() {
    // Pyodide before numpy is loaded: a text axis is a list (numbers a FloatArray), and a node
    // can slice it and send it back
    let dir = std::env::temp_dir().join(format!("flojoy-nonumpy-text-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wrapper = dir.join("python-no-site");
    std::fs::write(&wrapper, "#!/bin/sh\nexec python3 -S \"$@\"\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let code = "from flojoy import flojoy, OrderedTriple\n\n@flojoy\ndef FIRST(default: OrderedTriple) -> OrderedTriple:\n    print(type(default.x).__name__, type(default.z).__name__, default.x[:3])\n    return OrderedTriple(x=default.x[:3], y=default.y[:3], z=default.z[:3])\n";
    let (flow, _) = load(
        vec![
            node("PLOTLY_DATASET-1", "PLOTLY_DATASET", json!({"dataset_key": "wind"}), None),
            node("DF_2_ORDERED_TRIPLE-1", "DF_2_ORDERED_TRIPLE", json!({}), None),
            node("FIRST-1", "FIRST", json!({}), Some(code)),
        ],
        &[
            ("PLOTLY_DATASET-1", "default", "DF_2_ORDERED_TRIPLE-1", "default"),
            ("DF_2_ORDERED_TRIPLE-1", "default", "FIRST-1", "default"),
        ],
    );
    let mut host = NativeHost::default();
    host.python = Python::new(&wrapper);
    let r = run_on(&flow, Rc::new(host));
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(r.by_label("FIRST-1").unwrap().log, ["list FloatArray ['N', 'NNE', 'NE']"]);
    // px.data.wind().head(3)
    let text = |v: &[&str]| ColumnData::Text(v.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        out(&r, "FIRST-1", "default"),
        &runtime::Value::OrderedTriple {
            x: text(&["N", "NNE", "NE"]),
            y: text(&["0-1", "0-1", "0-1"]),
            z: ColumnData::Num(vec![0.5, 0.6, 0.5])
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
