//! The welcome flow's Python node (the DOUBLE template) has the spec its signature gives: the
//! one the worker's parser reports for it, read through the worker protocol.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use flojoy_app::state::python_spec;
use nodes_pyodide::protocol::ParsedSpec;

#[test]
fn the_double_template_spec_is_what_its_signature_gives() {
    // what flojoy_api.py's parse_report answers for DOUBLE_CODE
    let parsed: ParsedSpec = serde_json::from_value(serde_json::json!({
        "func": "DOUBLE", "doc": "Multiplies a number by a factor, in Python.", "category": "PYTHON",
        "inputs": [{"name": "default", "type": "Scalar", "multiple": false, "optional": false}],
        "outputs": [{"name": "default", "type": "Scalar"}],
        "params": [{"name": "factor", "type": "float", "default": 2.0}]
    }))
    .unwrap();
    assert_eq!(python_spec(), parsed.to_node_spec());
}
