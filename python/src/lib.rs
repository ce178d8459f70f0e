//! `flojoy_web._native`: the engine behind the `flojoy_web` Python package (`python/flojoy_web/`,
//! which gives these functions their Python face: `fw.run`, `fw.load`, `fw.validate`, typed
//! results and exceptions).
//!
//! Everything crosses as JSON text, and values as the Python node protocol's headers and
//! buffers (`runtime::python::wire`), which the package decodes with the same code the
//! runner's worker uses. A run goes on without the GIL: other Python threads run meanwhile,
//! and Python nodes take it back for their call ([`host`]).

mod host;

use std::cell::RefCell;
use std::rc::Rc;

use pyo3::prelude::*;
use runtime::host::NativeHost;
use runtime::python::wire;
use runtime::schedule::{self, Cache, CancelToken, RunOptions};
use runtime::{file, validate};
use serde_json::{Value as Json, json};

/// A node's output for Python: its node, output name, header JSON and buffers (`bytes`,
/// `is_float`).
type Output = (String, String, String, Vec<(Vec<u8>, bool)>);

/// The flow in `text`: `{"nodes": [{key, label, func, params, inputs, outputs}], "warnings",
/// "diagnostics"}`, or `{"error": why it cannot be loaded}`.
#[pyfunction]
fn inspect(py: Python<'_>, text: &str) -> String {
    py.detach(|| {
        let loaded = match file::load(text, 0) {
            Ok(l) => l,
            Err(e) => return json!({"error": e.to_string()}).to_string(),
        };
        let flow = &loaded.flow;
        let nodes: Vec<Json> = flow
            .nodes()
            .map(|n| {
                let spec = n.spec();
                json!({
                    "key": n.key, "label": n.label, "func": spec.func,
                    "params": n.params,
                    "inputs": spec.inputs.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
                    "outputs": spec.outputs.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({"nodes": nodes, "warnings": loaded.warnings, "diagnostics": validate::validate(flow)}).to_string()
    })
}

/// Runs the flow in `text`, its relative paths resolved in `folder`, with `sets` (`LABEL.PARAM`,
/// value as JSON) applied first. Returns the run report as JSON (outputs left out) and the
/// outputs of the nodes `outputs` names by label or id (all nodes: `None`). A flow that cannot
/// be loaded, or a set or output that names nothing, gives `{"error": …}` and no run. Ctrl+C stops the run
/// and raises KeyboardInterrupt.
#[pyfunction]
#[pyo3(signature = (text, folder, sets, outputs, nodes, seed=None, max_seconds=None, allow_download=false, write_anywhere=false))]
#[allow(clippy::too_many_arguments)] // Python's keyword arguments, one each
fn run(
    py: Python<'_>,
    text: &str,
    folder: &str,
    sets: Vec<(String, String)>,
    outputs: Option<Vec<String>>,
    nodes: Py<PyAny>,
    seed: Option<u64>,
    max_seconds: Option<f64>,
    allow_download: bool,
    write_anywhere: bool,
) -> PyResult<(String, Vec<Output>)> {
    let (report, values, raised) = py.detach(|| {
        let mut loaded = match file::load(text, seed.unwrap_or(0)) {
            Ok(l) => l,
            Err(e) => return (json!({"error": e.to_string()}), Vec::new(), None),
        };
        for (target, value) in &sets {
            let value = serde_json::from_str(value).unwrap_or_else(|_| Json::String(value.clone()));
            if let Err(e) = runtime::flow::set_param(&mut loaded.flow, target, value) {
                return (json!({"error": format!("set {target}: {e}")}), Vec::new(), None);
            }
        }
        // the nodes whose outputs to keep, by label or Flojoy id (as the runner's --outputs)
        let keep: Option<Vec<String>> = match &outputs {
            None => None,
            Some(names) => {
                let mut keys = Vec::new();
                for name in names {
                    let flow = &loaded.flow;
                    match flow.find_label(name).or_else(|| flow.find_key(name)).and_then(|id| flow.node(id)) {
                        Some(n) => keys.push(n.key.clone()),
                        None => {
                            return (
                                json!({"error": format!("outputs: no node is labelled '{name}' or has that id")}),
                                Vec::new(),
                                None,
                            );
                        }
                    }
                }
                Some(keys)
            }
        };
        let mut native = seed.map_or_else(NativeHost::default, NativeHost::seeded);
        native.dir = folder.into();
        native.allow_download = allow_download;
        native.write_anywhere = write_anywhere;
        let cancel = CancelToken::new();
        let ctrl_c = Rc::new(host::CtrlC { cancel: cancel.clone(), raised: RefCell::new(None) });
        let host = Rc::new(host::InProcess { native, nodes, ctrl_c: ctrl_c.clone() });
        let mut opts = RunOptions::default();
        if let Some(s) = max_seconds {
            opts.max_runtime_ms = s * 1000.0;
        }
        let report = futures::executor::block_on(schedule::run(
            &loaded.flow,
            host,
            &opts,
            &cancel,
            &mut Cache::new(),
            &mut |_| {},
        ));
        let mut values = Vec::new();
        for (key, node) in &report.nodes {
            if keep.as_ref().is_some_and(|keys| !keys.contains(key)) {
                continue;
            }
            for (name, data) in &node.outputs {
                let mut bufs = Vec::new();
                let header = wire::encode(data, &mut bufs);
                let bufs = bufs.into_iter().map(|(b, float)| (b.to_vec(), float)).collect();
                values.push((key.clone(), name.clone(), header.to_string(), bufs));
            }
        }
        let raised = ctrl_c.raised.borrow_mut().take();
        (report.to_json_keeping(|_| false), values, raised)
    });
    if let Some(e) = raised {
        return Err(e);
    }
    Ok((report.to_string(), values))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add("API", runtime::python::API)?;
    m.add("CODEC", runtime::python::CODEC)?;
    m.add("VERSION", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
