//! The worker wire format: what the page asks the Python worker and what it answers.
//!
//! Messages are JSON-like objects tagged by `type`; requests carry an `id` that the reply
//! repeats. Data values are not part of these enums: they travel beside them as objects whose
//! number arrays are transferred `Float64Array`s (see `convert`), so a million floats cross
//! without per-number work. Only this crate knows this format.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use runtime::spec::{NodeSpec, ParamKind, ParamSpec, PortSpec};
use runtime::value::TypeSet;

/// A request to the worker. `Call` also carries `inputs` (name → values) beside these fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Run a node's function.
    Call { id: u32, code: String, func: String, node_key: String, params: Map<String, Json>, outputs: Vec<String> },
    /// Read a node's signature (what "Save" in the code editor does).
    Parse { id: u32, code: String },
    /// Load numpy from Pyodide's package index (needs the network).
    LoadNumpy { id: u32 },
}

/// A message from the worker. A `Result` also carries `outputs` ([name, value] pairs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// Start-up progress.
    Progress {
        stage: String,
    },
    /// Python is ready; `ms` is how long start-up took inside the worker; `snapshot`: it was
    /// restored from the start-up snapshot of an earlier visit.
    Ready {
        version: String,
        ms: f64,
        #[serde(default)]
        snapshot: bool,
    },
    /// Python could not start.
    Failed {
        reason: String,
    },
    Result {
        id: u32,
        log: Vec<String>,
    },
    /// The node raised (or the request failed): the message, the traceback trimmed to the
    /// node's code, and the line in the node's code when known.
    Error {
        id: u32,
        message: String,
        traceback: String,
        line: Option<u32>,
        log: Vec<String>,
    },
    Parsed {
        id: u32,
        spec: ParsedSpec,
    },
    Numpy {
        id: u32,
        ok: bool,
    },
}

/// A port as the signature gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParsedPort {
    pub name: String,
    #[serde(rename = "type")]
    pub types: String,
    #[serde(default)]
    pub multiple: bool,
    #[serde(default)]
    pub optional: bool,
}

/// A parameter as the signature gives it (Flojoy's manifest rules: `Literal[...]` → select…).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParsedParam {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub default: Json,
    #[serde(default)]
    pub options: Option<Vec<String>>,
}

/// A Python node's manifest, derived from its function signature in Pyodide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParsedSpec {
    pub func: String,
    #[serde(default)]
    pub doc: String,
    #[serde(default)]
    pub category: String,
    pub inputs: Vec<ParsedPort>,
    pub outputs: Vec<ParsedPort>,
    pub params: Vec<ParsedParam>,
}

impl ParsedSpec {
    /// The runtime spec of the node.
    pub fn to_node_spec(&self) -> NodeSpec {
        let category = if self.category.is_empty() { "PYTHON" } else { &self.category };
        let mut spec =
            NodeSpec::new(&self.func, category, if self.doc.is_empty() { "A Python node." } else { &self.doc });
        spec.path = "PYTHON".into();
        spec.inputs = self
            .inputs
            .iter()
            .map(|p| PortSpec {
                name: p.name.clone(),
                types: TypeSet::parse(&p.types),
                multiple: p.multiple,
                optional: p.optional,
                doc: String::new(),
            })
            .collect();
        spec.outputs = self
            .outputs
            .iter()
            .map(|p| PortSpec {
                name: p.name.clone(),
                types: TypeSet::parse(&p.types),
                multiple: false,
                optional: false,
                doc: String::new(),
            })
            .collect();
        spec.params = self
            .params
            .iter()
            .map(|p| ParamSpec {
                name: p.name.clone(),
                kind: ParamKind::from_flojoy_type(&p.kind, p.options.clone()),
                default: p.default.clone(),
                doc: String::new(),
                shown_when: None,
            })
            .collect();
        spec
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_and_replies_have_the_documented_shape() {
        let call = ToWorker::Call {
            id: 7,
            code: "c".into(),
            func: "F".into(),
            node_key: "F-1".into(),
            params: Map::new(),
            outputs: vec!["default".into()],
        };
        assert_eq!(
            serde_json::to_value(&call).unwrap(),
            json!({"type":"call","id":7,"code":"c","func":"F","node_key":"F-1","params":{},"outputs":["default"]})
        );
        let err: FromWorker = serde_json::from_value(
            json!({"type":"error","id":3,"message":"ValueError: x","traceback":"tb","line":4,"log":["a"]}),
        )
        .unwrap();
        assert_eq!(
            err,
            FromWorker::Error {
                id: 3,
                message: "ValueError: x".into(),
                traceback: "tb".into(),
                line: Some(4),
                log: vec!["a".into()]
            }
        );
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
