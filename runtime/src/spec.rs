//! Node specifications: what a node looks like from outside (ports, parameters, docs).
//!
//! Built-in nodes build their spec with the small builder below; Python nodes get theirs from
//! their signature (parsed in Pyodide); unknown nodes keep the one in the file they came from.

use serde::Serialize;
use serde_json::Value as Json;

use crate::value::TypeSet;

/// A typed input or output port.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PortSpec {
    pub name: String,
    #[serde(rename = "type", serialize_with = "ser_types")]
    pub types: TypeSet,
    /// `list[X]` inputs accept many wires (ADD's `b`).
    pub multiple: bool,
    /// `Optional[X] = None` inputs may stay unwired.
    pub optional: bool,
    pub doc: String,
}

fn ser_types<S: serde::Serializer>(t: &TypeSet, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_string())
}

/// How a parameter is edited and converted (Flojoy's `format_param_value`, REFERENCE §3.4).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParamKind {
    Int {
        min: Option<i64>,
        max: Option<i64>,
    },
    Float {
        min: Option<f64>,
        max: Option<f64>,
    },
    Bool,
    Str,
    TextArea,
    Select {
        options: Vec<String>,
    },
    /// `list[int|float|str]`, edited as comma-separated text.
    List {
        item: ListItem,
    },
    /// Flojoy's `Array`: comma-separated, each item int, else float, else text.
    Array,
    /// The id of another node on the canvas (LOOP_INDEX's `loop_node`, FEEDBACK's `referred_node`).
    NodeRef,
    /// A file the user picks (or a URL); `accept` lists extensions like ".csv" or "image/*".
    File {
        accept: Vec<String>,
    },
    Directory,
    /// A folder whose files a node reads (BATCH_PROCESSOR): a path in the command-line runner, a
    /// folder the user picks in the browser. Flojoy typed such parameters `str`.
    Folder,
    Secret,
    /// A hardware device picker (`SerialDevice`, `UsbDevice`, ...).
    Device {
        class: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListItem {
    Int,
    Float,
    Str,
}

impl ParamKind {
    /// Flojoy's manifest type string, written to `ctrls.<name>.type` in files.
    pub fn flojoy_type(&self) -> String {
        match self {
            ParamKind::Int { .. } => "int".into(),
            ParamKind::Float { .. } => "float".into(),
            ParamKind::Bool => "bool".into(),
            ParamKind::Str => "str".into(),
            ParamKind::TextArea => "TextArea".into(),
            ParamKind::Select { .. } => "select".into(),
            ParamKind::List { item: ListItem::Int } => "list[int]".into(),
            ParamKind::List { item: ListItem::Float } => "list[float]".into(),
            ParamKind::List { item: ListItem::Str } => "list[str]".into(),
            ParamKind::Array => "Array".into(),
            ParamKind::NodeRef => "NodeReference".into(),
            ParamKind::File { .. } => "File".into(),
            ParamKind::Directory => "Directory".into(),
            ParamKind::Folder => "str".into(),
            ParamKind::Secret => "Secret".into(),
            ParamKind::Device { class } => class.clone(),
        }
    }

    /// Reads a manifest type string (from a file or a Python signature).
    pub fn from_flojoy_type(t: &str, options: Option<Vec<String>>) -> ParamKind {
        match t {
            "int" => ParamKind::Int { min: None, max: None },
            "float" => ParamKind::Float { min: None, max: None },
            "bool" => ParamKind::Bool,
            "TextArea" => ParamKind::TextArea,
            "select" => ParamKind::Select { options: options.unwrap_or_default() },
            "list[int]" => ParamKind::List { item: ListItem::Int },
            "list[float]" => ParamKind::List { item: ListItem::Float },
            "list[str]" => ParamKind::List { item: ListItem::Str },
            "Array" => ParamKind::Array,
            "NodeReference" => ParamKind::NodeRef,
            "File" => ParamKind::File { accept: Vec::new() },
            "Directory" => ParamKind::Directory,
            "Secret" => ParamKind::Secret,
            t if t.ends_with("Device") || t.ends_with("Connection") => ParamKind::Device { class: t.into() },
            _ => ParamKind::Str,
        }
    }
}

/// A node parameter with its default.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamSpec {
    pub name: String,
    #[serde(flatten)]
    pub kind: ParamKind,
    pub default: Json,
    pub doc: String,
    /// Shown only when another (select) parameter has one of these values (Flojoy `@display`).
    pub shown_when: Option<(String, Vec<String>)>,
}

/// What a node needs to run here.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Availability {
    /// Runs in the page and in the CLI.
    Native,
    /// A known Flojoy node that cannot run here (model weights, cloud services); the reason
    /// is shown on the node and blocks Run.
    Unavailable { reason: String },
}

/// Everything the editor, the validator and the file format need to know about a node.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeSpec {
    /// Flojoy's block key, e.g. `SINE` (node ids are `FUNC-uuid`).
    pub func: String,
    /// Flojoy's node `type` (DATA, MATH, DSP, ETL, CONTROL_FLOW, VISUALIZATION, ...): picks colour and shape.
    pub category: String,
    /// Palette folder, e.g. `DATA/GENERATION/SIMULATIONS`.
    pub path: String,
    pub doc: String,
    pub inputs: Vec<PortSpec>,
    pub outputs: Vec<PortSpec>,
    pub params: Vec<ParamSpec>,
    pub availability: Availability,
}

impl NodeSpec {
    pub fn new(func: &str, path: &str, doc: &str) -> NodeSpec {
        let category = path.split('/').next().unwrap_or("DATA");
        NodeSpec {
            func: func.into(),
            category: category_of(path, category),
            path: path.into(),
            doc: doc.trim().into(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            params: Vec::new(),
            availability: Availability::Native,
        }
    }

    pub fn input(mut self, name: &str, types: TypeSet, doc: &str) -> NodeSpec {
        self.inputs.push(PortSpec { name: name.into(), types, multiple: false, optional: false, doc: doc.into() });
        self
    }

    pub fn optional_input(mut self, name: &str, types: TypeSet, doc: &str) -> NodeSpec {
        self.inputs.push(PortSpec { name: name.into(), types, multiple: false, optional: true, doc: doc.into() });
        self
    }

    pub fn multi_input(mut self, name: &str, types: TypeSet, doc: &str) -> NodeSpec {
        self.inputs.push(PortSpec { name: name.into(), types, multiple: true, optional: false, doc: doc.into() });
        self
    }

    /// A `list[...]` input that may have no wire (REPORT_GENERATION's figures).
    pub fn optional_multi_input(mut self, name: &str, types: TypeSet, doc: &str) -> NodeSpec {
        self.inputs.push(PortSpec { name: name.into(), types, multiple: true, optional: true, doc: doc.into() });
        self
    }

    pub fn output(mut self, name: &str, types: TypeSet, doc: &str) -> NodeSpec {
        self.outputs.push(PortSpec { name: name.into(), types, multiple: false, optional: false, doc: doc.into() });
        self
    }

    pub fn param(mut self, name: &str, kind: ParamKind, default: impl Into<Json>, doc: &str) -> NodeSpec {
        self.params.push(ParamSpec {
            name: name.into(),
            kind,
            default: default.into(),
            doc: doc.into(),
            shown_when: None,
        });
        self
    }

    pub fn int(self, name: &str, default: i64, doc: &str) -> NodeSpec {
        self.param(name, ParamKind::Int { min: None, max: None }, default, doc)
    }

    pub fn int_range(self, name: &str, default: i64, min: Option<i64>, max: Option<i64>, doc: &str) -> NodeSpec {
        self.param(name, ParamKind::Int { min, max }, default, doc)
    }

    pub fn float(self, name: &str, default: f64, doc: &str) -> NodeSpec {
        self.param(name, ParamKind::Float { min: None, max: None }, default, doc)
    }

    pub fn bool(self, name: &str, default: bool, doc: &str) -> NodeSpec {
        self.param(name, ParamKind::Bool, default, doc)
    }

    pub fn str(self, name: &str, default: &str, doc: &str) -> NodeSpec {
        self.param(name, ParamKind::Str, default, doc)
    }

    pub fn select(self, name: &str, options: &[&str], default: &str, doc: &str) -> NodeSpec {
        let options = options.iter().map(|s| (*s).to_owned()).collect();
        self.param(name, ParamKind::Select { options }, default, doc)
    }

    /// Shows the last added parameter only when `param` has one of `values`.
    pub fn shown_when(mut self, param: &str, values: &[&str]) -> NodeSpec {
        if let Some(p) = self.params.last_mut() {
            p.shown_when = Some((param.into(), values.iter().map(|s| (*s).to_owned()).collect()));
        }
        self
    }

    pub fn unavailable(mut self, reason: &str) -> NodeSpec {
        self.availability = Availability::Unavailable { reason: reason.into() };
        self
    }

    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|p| p.name == name)
    }

    pub fn output_index(&self, name: &str) -> Option<usize> {
        self.outputs.iter().position(|p| p.name == name)
    }

    pub fn param_spec(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// The node `type` Flojoy stores for a palette path (its top folder, with DATA's
/// VISUALIZATION sub-folder promoted, as Studio does).
fn category_of(path: &str, top: &str) -> String {
    if path.starts_with("DATA/VISUALIZATION") { "VISUALIZATION".into() } else { top.into() }
}
