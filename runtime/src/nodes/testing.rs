//! What the node families' unit tests share (compiled for tests only).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use crate::value::Value;

/// Runs one built-in node with a seeded native host (unit tests of the random nodes).
pub fn run_node(func: &str, inputs: Vec<(&str, Value)>, params: serde_json::Value) -> Vec<(String, Value)> {
    let def = super::lookup(func).unwrap();
    let inputs: Vec<(&str, Vec<crate::value::Data>)> =
        inputs.into_iter().map(|(k, v)| (k, vec![crate::value::Data::new(v)])).collect();
    let host: std::rc::Rc<dyn crate::host::Host> = std::rc::Rc::new(crate::host::NativeHost::seeded(9));
    let out = futures::executor::block_on(super::invoke(def, &inputs, params.as_object().unwrap(), host)).unwrap();
    out.into_iter().filter_map(|(k, d)| d.map(|d| (k, (*d).clone()))).collect()
}
