//! Helpers shared by the runtime's integration tests.
#![allow(dead_code, clippy::unwrap_used)]

pub mod http_server;

use std::path::PathBuf;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use runtime::host::{Host, NativeHost, PythonCall, PythonResult};
use runtime::nodes::NodeError;
use runtime::python::{CallError, Python};
use runtime::schedule::{self, Cache, CancelToken, RunEvent, RunOptions, RunReport};
use runtime::value::Value;
use runtime::{Flow, file};
use serde_json::{Value as Json, json};

/// `../shared/flojoy/apps` beside the repository (read-only reference files).
pub fn apps() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/flojoy/apps")
}

pub fn load_file(path: &std::path::Path) -> Flow {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file::load(&text, 7).unwrap_or_else(|e| panic!("{}: {e}", path.display())).flow
}

pub fn gallery(name: &str) -> Flow {
    load_file(&apps().join("gallery").join(name))
}

/// A flow from a compact description: nodes `(id, func, {param: value})` and wires
/// `(source id, output, target id, input)`, through the real importer.
pub fn flow(nodes: &[(&str, &str, Json)], wires: &[(&str, &str, &str, &str)]) -> Flow {
    let loaded = file::load_json(&flow_json(nodes, wires), 1).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded.flow
}

/// The Flojoy file JSON of such a description (for the runner, or to save).
pub fn flow_json(nodes: &[(&str, &str, Json)], wires: &[(&str, &str, &str, &str)]) -> Json {
    let nodes: Vec<Json> = nodes
        .iter()
        .map(|(id, func, params)| {
            let ctrls: serde_json::Map<String, Json> = params
                .as_object()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), json!({"param": k, "value": v}))).collect())
                .unwrap_or_default();
            json!({"id": id, "data": {"id": id, "label": id, "func": func, "ctrls": ctrls}, "position": {"x": 0, "y": 0}})
        })
        .collect();
    let edges: Vec<Json> = wires
        .iter()
        .map(|(s, sh, t, th)| json!({"source": s, "sourceHandle": sh, "target": t, "targetHandle": th}))
        .collect();
    json!({"rfInstance": {"nodes": nodes, "edges": edges}})
}

pub fn host(seed: u64) -> Rc<dyn Host> {
    Rc::new(NativeHost::seeded(seed))
}

pub fn run(flow: &Flow) -> RunReport {
    run_with(flow, host(42), &RunOptions::default(), &mut Cache::new()).0
}

pub fn run_with(flow: &Flow, host: Rc<dyn Host>, opts: &RunOptions, cache: &mut Cache) -> (RunReport, Vec<RunEvent>) {
    let mut events = Vec::new();
    let report = futures::executor::block_on(schedule::run(flow, host, opts, &CancelToken::new(), cache, &mut |e| {
        events.push(e)
    }));
    (report, events)
}

/// The value on `output` of the node labelled `label`.
pub fn out<'r>(r: &'r RunReport, label: &str, output: &str) -> &'r Value {
    let n = r.by_label(label).unwrap_or_else(|| panic!("no node {label}"));
    &n.outputs.iter().find(|(k, _)| k == output).unwrap_or_else(|| panic!("{label} has no output {output}: {n:?}")).1
}

pub fn ys(v: &Value) -> &[f64] {
    match v {
        Value::OrderedPair { y, .. } => y,
        Value::Vector { v } => v,
        other => panic!("not an array value: {other:?}"),
    }
}

pub fn xs(v: &Value) -> &[f64] {
    match v {
        Value::OrderedPair { x, .. } => x,
        other => panic!("not an OrderedPair: {other:?}"),
    }
}

pub fn scalar(v: &Value) -> f64 {
    match v {
        Value::Scalar { c } => *c,
        other => panic!("not a Scalar: {other:?}"),
    }
}

pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-12)
}

pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

pub fn std(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt()
}

/// Flojoy Studio's block sources that are blocks (`NAME/NAME.py`), outside HARDWARE and
/// AI_ML: `(NAME, path relative to blocks-py, file)`.
pub fn studio_blocks() -> Vec<(String, String, PathBuf)> {
    let root = apps().join("../blocks-py");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(&root).unwrap().display().to_string();
            if rel.starts_with("HARDWARE") || rel.starts_with("AI_ML") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "py")
                && p.file_stem() == p.parent().and_then(|d| d.file_name())
            {
                let folder = p.parent().unwrap().strip_prefix(&root).unwrap().display().to_string();
                out.push((p.file_stem().unwrap().to_string_lossy().into_owned(), folder, p));
            }
        }
    }
    out.sort();
    out
}

/// The native host for sweeps over the example set: files a flow exports go to `out` (never
/// into the read-only reference apps), and Python nodes run on `python`, one worker for the
/// whole sweep, in `out` (without it, as the native host runs them).
pub struct SweepHost {
    pub native: NativeHost,
    pub out: PathBuf,
    pub python: Option<Rc<Python>>,
}

impl Host for SweepHost {
    fn now_ms(&self) -> f64 {
        self.native.now_ms()
    }
    fn unix_time_s(&self) -> f64 {
        self.native.unix_time_s()
    }
    fn entropy(&self) -> u64 {
        self.native.entropy()
    }
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        self.native.sleep(ms)
    }
    fn read_file(&self, path: &str) -> LocalBoxFuture<'static, Result<Vec<u8>, String>> {
        self.native.read_file(path)
    }
    fn list_files(&self, folder: &str, pattern: &str) -> Result<Vec<String>, String> {
        self.native.list_files(folder, pattern)
    }
    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let full = self.out.join(name);
        std::fs::create_dir_all(full.parent().unwrap_or(&self.out)).map_err(|e| e.to_string())?;
        std::fs::write(&full, bytes).map_err(|e| format!("cannot write '{}': {e}", full.display()))?;
        Ok(full.display().to_string())
    }
    fn run_python(&self, call: PythonCall) -> LocalBoxFuture<'static, Result<PythonResult, NodeError>> {
        let Some(python) = &self.python else { return self.native.run_python(call) };
        let r = python.call(&call, &self.out).map_err(|e| match e {
            CallError::Node(e) => e,
            CallError::Interrupted => NodeError::new("interrupted"),
        });
        Box::pin(async move { r })
    }
}
