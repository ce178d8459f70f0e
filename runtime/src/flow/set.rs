//! Setting a parameter by the node's label, as `flojoy run --set LABEL.PARAM=VALUE`, sweeps and
//! the Python package (`fw.run(..., set={"SINE.frequency": 3.0})`) do.

use serde_json::Value as Json;

use super::Flow;
use crate::flow::edit::{Edit, apply};

/// Sets `target` (`LABEL.PARAM`: the parameter of the node with that label, or that Flojoy id)
/// to `value`, checked and normalised as the editor checks it. Labels may hold dots (`2.0` is
/// a CONSTANT's label): the parameter is after the last one.
pub fn set_param(flow: &mut Flow, target: &str, value: Json) -> Result<(), String> {
    let (label, name) = target.rsplit_once('.').ok_or("expected LABEL.PARAM (no '.' before the parameter)")?;
    let Some(id) = flow.find_label(label).or_else(|| flow.find_key(label)) else {
        let mut labels: Vec<&str> = flow.nodes().map(|n| n.label.as_str()).collect();
        labels.sort_unstable();
        return Err(format!("no node is labelled '{label}' or has that id (labels: {})", labels.join(", ")));
    };
    let node = flow.node(id).ok_or("no such node")?;
    if node.spec().param_spec(name).is_none() {
        let names: Vec<&str> = node.spec().params.iter().map(|p| p.name.as_str()).collect();
        return Err(format!(
            "{} has no parameter '{name}' ({})",
            node.label,
            if names.is_empty() { "it has none".to_owned() } else { format!("it has: {}", names.join(", ")) }
        ));
    }
    apply(flow, Edit::SetParam { node: id, name: name.to_owned(), value }).map(drop).map_err(|e| e.to_string())
}

/// `LABEL.PARAM=VALUE` (the runner's `--set`): the value as text, which the parameter's kind
/// parses.
pub fn set_param_arg(flow: &mut Flow, arg: &str) -> Result<(), String> {
    let (target, value) = arg.split_once('=').ok_or("expected LABEL.PARAM=VALUE")?;
    set_param(flow, target, Json::String(value.to_owned()))
}
