//! The worker wire format: every message between the page and the Python worker, as two serde
//! enums. A message is an object with one key, its kind, holding its fields:
//! `{"call": {"id": 7, "code": …}}`, `{"result": {"id": 7, "outputs": […], "log": […]}}`.
//! Requests carry an `id` that the reply repeats.
//!
//! `J` is what travels as a JavaScript object beside the typed fields: a node's input and
//! output values (objects whose number arrays are transferred `Float64Array`s, see `convert`,
//! so a million floats cross without per-number work) and the interrupt buffer. The page uses
//! [`crate::bridge::JsObject`] (kept as it is by serde-wasm-bindgen); native tests use JSON.
//! Only this crate knows this format; `worker.js` speaks it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

/// A message to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToWorker<J> {
    /// Run a node's function on `inputs` (port name → values, in wire order).
    Call {
        id: u32,
        code: String,
        func: String,
        node_key: String,
        params: Map<String, Json>,
        outputs: Vec<String>,
        inputs: Vec<(String, Vec<J>)>,
    },
    /// Read a node's signature (what "Save" in the code editor does).
    Parse { id: u32, code: String },
    /// Load packages of the package base by name (Pyodide's package index, or the site's own
    /// packages when it was built with them), e.g. `["numpy"]`.
    LoadPackages { id: u32, names: Vec<String> },
    /// Pyodide's interrupt buffer (an `Int32Array` over a `SharedArrayBuffer`, when the page is
    /// cross-origin isolated): the page writes SIGINT into it to stop a runaway node. No reply.
    SetInterrupt { buffer: J },
}

/// A message from the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker<J> {
    /// Start-up progress.
    Progress { stage: String },
    /// Python is ready; `ms` is how long start-up took inside the worker; `snapshot`: it was
    /// restored from the start-up snapshot of an earlier visit; `digest`: the SHA-256 (hex) of
    /// the snapshot this start made, before any request was handled (the page keeps it and
    /// gives it to the next worker, which restores only a snapshot with this digest);
    /// `site_packages`: packages load from the site itself (else from Pyodide's package index).
    Ready {
        version: String,
        ms: f64,
        #[serde(default)]
        snapshot: bool,
        #[serde(default)]
        site_packages: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        digest: Option<String>,
    },
    /// Python could not start.
    Failed { reason: String },
    /// A node's outputs (output name → value; `None`: that output produced nothing) and what
    /// it printed.
    Result { id: u32, outputs: Vec<(String, Option<J>)>, log: Vec<String> },
    /// The node raised (or the request failed): the message, the traceback trimmed to the
    /// node's code, and the line in the node's code when known.
    Error { id: u32, message: String, traceback: String, line: Option<u32>, log: Vec<String> },
    /// A node's signature.
    Parsed { id: u32, spec: ParsedSpec },
    /// The packages asked for are loaded (a failure is an `Error`).
    Packages { id: u32, loaded: Vec<String> },
}

impl<J> FromWorker<J> {
    /// The request this message answers, if it answers one.
    pub fn id(&self) -> Option<u32> {
        match self {
            FromWorker::Progress { .. } | FromWorker::Ready { .. } | FromWorker::Failed { .. } => None,
            FromWorker::Result { id, .. }
            | FromWorker::Error { id, .. }
            | FromWorker::Parsed { id, .. }
            | FromWorker::Packages { id, .. } => Some(*id),
        }
    }
}

/// A Python node's manifest, derived from its function signature in Pyodide: the runtime's
/// [`Manifest`](runtime::python::signature::Manifest), which also reads it from the code alone.
pub use runtime::python::signature::Manifest as ParsedSpec;

#[cfg(test)]
mod tests {
    use super::*;
    use runtime::spec::ParamKind;
    use serde_json::json;

    /// One message of every kind, with its wire form.
    fn requests() -> Vec<(ToWorker<Json>, Json)> {
        vec![
            (
                ToWorker::Call {
                    id: 7,
                    code: "c".into(),
                    func: "F".into(),
                    node_key: "F-1".into(),
                    params: Map::new(),
                    outputs: vec!["default".into()],
                    inputs: vec![("default".into(), vec![json!({"type": "Scalar", "c": 1.0})])],
                },
                json!({"call": {"id": 7, "code": "c", "func": "F", "node_key": "F-1", "params": {},
                                "outputs": ["default"], "inputs": [["default", [{"type": "Scalar", "c": 1.0}]]]}}),
            ),
            (ToWorker::Parse { id: 8, code: "c".into() }, json!({"parse": {"id": 8, "code": "c"}})),
            (
                ToWorker::LoadPackages { id: 9, names: vec!["numpy".into(), "scipy".into()] },
                json!({"load_packages": {"id": 9, "names": ["numpy", "scipy"]}}),
            ),
            (ToWorker::SetInterrupt { buffer: json!([0]) }, json!({"set_interrupt": {"buffer": [0]}})),
        ]
    }

    fn replies() -> Vec<(FromWorker<Json>, Json)> {
        let spec = json!({"func": "F", "doc": "", "category": "PYTHON", "inputs": [], "outputs": [], "params": []});
        vec![
            (FromWorker::Progress { stage: "loading Python".into() }, json!({"progress": {"stage": "loading Python"}})),
            (
                FromWorker::Ready {
                    version: "0.29".into(),
                    ms: 812.5,
                    snapshot: true,
                    site_packages: false,
                    digest: None,
                },
                json!({"ready": {"version": "0.29", "ms": 812.5, "snapshot": true, "site_packages": false}}),
            ),
            (
                FromWorker::Ready {
                    version: "0.29".into(),
                    ms: 1300.0,
                    snapshot: false,
                    site_packages: true,
                    digest: Some("ab12".into()),
                },
                json!({"ready": {"version": "0.29", "ms": 1300.0, "snapshot": false, "site_packages": true, "digest": "ab12"}}),
            ),
            (FromWorker::Failed { reason: "no wasm".into() }, json!({"failed": {"reason": "no wasm"}})),
            (
                FromWorker::Result {
                    id: 3,
                    outputs: vec![
                        ("default".into(), Some(json!({"type": "Scalar", "c": 2.0}))),
                        ("other".into(), None),
                    ],
                    log: vec!["hi".into()],
                },
                json!({"result": {"id": 3, "outputs": [["default", {"type": "Scalar", "c": 2.0}], ["other", null]], "log": ["hi"]}}),
            ),
            (
                FromWorker::Error {
                    id: 3,
                    message: "ValueError: x".into(),
                    traceback: "tb".into(),
                    line: Some(4),
                    log: vec!["a".into()],
                },
                json!({"error": {"id": 3, "message": "ValueError: x", "traceback": "tb", "line": 4, "log": ["a"]}}),
            ),
            (
                FromWorker::Parsed { id: 4, spec: serde_json::from_value(spec.clone()).unwrap() },
                json!({"parsed": {"id": 4, "spec": spec}}),
            ),
            (
                FromWorker::Packages { id: 5, loaded: vec!["standin".into()] },
                json!({"packages": {"id": 5, "loaded": ["standin"]}}),
            ),
        ]
    }

    fn kind(wire: &Json) -> String {
        wire.as_object().and_then(|o| o.keys().next()).cloned().unwrap_or_default()
    }

    #[test]
    fn every_message_has_its_documented_shape_both_ways() {
        for (msg, wire) in requests() {
            assert_eq!(serde_json::to_value(&msg).unwrap(), wire);
            assert_eq!(serde_json::from_value::<ToWorker<Json>>(wire).unwrap(), msg);
        }
        for (msg, wire) in replies() {
            assert_eq!(serde_json::to_value(&msg).unwrap(), wire);
            assert_eq!(serde_json::from_value::<FromWorker<Json>>(wire).unwrap(), msg);
        }
    }

    #[test]
    fn replies_name_their_request() {
        let ids: Vec<_> = replies().into_iter().map(|(m, _)| m.id()).collect();
        assert_eq!(ids, [None, None, None, None, Some(3), Some(3), Some(4), Some(5)]);
        // a worker of an older snapshot may leave `snapshot` and `site_packages` out
        let ready: FromWorker<Json> = serde_json::from_value(json!({"ready": {"version": "v", "ms": 1.0}})).unwrap();
        assert_eq!(
            ready,
            FromWorker::Ready { version: "v".into(), ms: 1.0, snapshot: false, site_packages: false, digest: None }
        );
    }

    #[test]
    fn unknown_or_malformed_messages_are_refused() {
        for bad in [
            json!({"type": "result", "id": 1}),
            json!({"result": {"id": 1}}),
            json!({"result": {"id": 1, "outputs": [], "log": []}, "error": {}}),
            json!({"shout": {}}),
        ] {
            assert!(serde_json::from_value::<FromWorker<Json>>(bad.clone()).is_err(), "{bad}");
        }
    }

    /// worker.js answers every request kind and sends every reply kind, and no other.
    #[test]
    fn the_worker_speaks_exactly_these_messages() {
        let worker = include_str!("../worker.js");
        let handled: std::collections::BTreeSet<String> =
            worker.split("case \"").skip(1).filter_map(|s| s.split('"').next().map(str::to_owned)).collect();
        let sent: std::collections::BTreeSet<String> =
            worker.split("post({ ").skip(1).filter_map(|s| s.split(':').next().map(|k| k.trim().to_owned())).collect();
        let requests: std::collections::BTreeSet<String> = requests().iter().map(|(_, w)| kind(w)).collect();
        let replies: std::collections::BTreeSet<String> = replies().iter().map(|(_, w)| kind(w)).collect();
        assert_eq!(handled, requests, "the request kinds worker.js handles");
        assert_eq!(sent, replies, "the reply kinds worker.js posts");
    }

    #[test]
    fn a_parsed_signature_becomes_a_node_spec() {
        let parsed: ParsedSpec = serde_json::from_value(json!({
            "func": "DOUBLE", "doc": "Doubles.", "category": "PYTHON",
            "inputs": [{"name": "default", "type": "OrderedPair", "multiple": false, "optional": false},
                       {"name": "more", "type": "Scalar|Vector", "multiple": true, "optional": false}],
            "outputs": [{"name": "default", "type": "OrderedPair"}],
            "params": [{"name": "factor", "type": "float", "default": 2.0},
                       {"name": "mode", "type": "select", "default": "a", "options": ["a", "b"]}]
        }))
        .unwrap();
        let spec = parsed.to_node_spec();
        assert_eq!(spec.func, "DOUBLE");
        assert_eq!(spec.inputs[1].types.to_string(), "Scalar|Vector");
        assert!(spec.inputs[1].multiple);
        assert_eq!(spec.params[1].kind, ParamKind::Select { options: vec!["a".into(), "b".into()] });
        assert_eq!(spec.params[0].default, json!(2.0));
    }
}
