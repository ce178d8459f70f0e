//! One Python node call as the worker protocol carries it: the request (a JSON header whose
//! arrays are buffers beside it) and the reply turned back into the node's result. Shared by
//! the runner's worker process ([`super::Python`]) and the Python package, which runs nodes
//! in its own interpreter.

use serde_json::{Map, Value as Json, json};

use super::wire::{self, Bufs};
use crate::host::{PythonCall, PythonResult};
use crate::nodes::NodeError;
use crate::value::Data;

/// The `call` request for `call`; its arrays are borrowed into `bufs`.
pub fn request<'a>(call: &'a PythonCall, bufs: &mut Vec<wire::Out<'a>>) -> Json {
    let inputs: Map<String, Json> = call
        .inputs
        .iter()
        .map(|(name, values)| (name.clone(), values.iter().map(|d| wire::encode(d, bufs)).collect()))
        .collect();
    json!({
        "type": "call", "code": call.code, "func": call.func, "node_key": call.node_key,
        "params": call.params, "outputs": call.outputs, "inputs": inputs,
    })
}

/// A reply to a `call` request: the node's outputs, or its error.
pub fn result(reply: &Json, bufs: &mut Bufs) -> Result<PythonResult, NodeError> {
    let log = strings(reply.get("log"));
    match reply.get("type").and_then(Json::as_str) {
        Some("result") => {
            let mut outputs = Vec::new();
            for pair in reply.get("outputs").and_then(Json::as_array).into_iter().flatten() {
                let name = pair.get(0).and_then(Json::as_str).unwrap_or_default().to_owned();
                let value = match pair.get(1) {
                    None | Some(Json::Null) => None,
                    Some(v) => Some(Data::new(bufs.decode(v).map_err(|e| NodeError(format!("output '{name}': {e}")))?)),
                };
                outputs.push((name, value));
            }
            let flow_to = reply.get("flow_to").map(|d| strings(Some(d)));
            Ok(PythonResult { outputs, log, flow_to })
        }
        Some("error") => Err(node_error(reply)),
        _ => Err(NodeError::new("the Python worker gave an unexpected reply")),
    }
}

pub(crate) fn strings(j: Option<&Json>) -> Vec<String> {
    j.and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str).map(str::to_owned).collect()
}

/// An error reply as the node's error: the message, then the traceback (as in the browser).
pub fn node_error(reply: &Json) -> NodeError {
    let message = reply.get("message").and_then(Json::as_str).unwrap_or("the Python node failed");
    match reply.get("traceback").and_then(Json::as_str).map(str::trim_end).filter(|t| !t.is_empty()) {
        Some(tb) => NodeError(format!("{message}\n{tb}")),
        None => NodeError(message.to_owned()),
    }
}
