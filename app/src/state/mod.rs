//! The editor's state as plain Rust (no DOM): testable natively.

pub mod clipboard;
pub mod dashboard;
pub mod document;
pub mod history;
pub mod layout;
pub mod pointer;
pub mod run;
pub mod search;
pub mod selection;
pub mod sweep_export;
pub mod toast;
pub mod viewport;

use std::sync::Arc;

use runtime::flow::{Node, NodeKind, PythonNode};
use runtime::spec::NodeSpec;
use runtime::value::TypeSet;
use runtime::{Edge, Edit, Flow, InPort, NodeId, OutPort, apply, file, nodes};

/// The two views of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Flow,
    Dashboard,
}

/// The Python source of the welcome flow's DOUBLE node.
pub const DOUBLE_CODE: &str = r#"from flojoy import flojoy, Scalar


@flojoy
def DOUBLE(default: Scalar, factor: float = 2.0) -> Scalar:
    """Multiplies a number by a factor, in Python."""
    print(f"doubling {default.c}")
    return Scalar(c=default.c * factor)
"#;

/// The DOUBLE template's spec: what Pyodide reads from [`DOUBLE_CODE`]'s signature (the code
/// editor's Save gives the same; `tests/python_template.rs` checks it).
pub fn python_spec() -> NodeSpec {
    NodeSpec::new("DOUBLE", "PYTHON", "Multiplies a number by a factor, in Python.")
        .input("default", TypeSet::parse("Scalar"), "")
        .output("default", TypeSet::parse("Scalar"), "")
        .float("factor", 2.0, "")
}

/// Adds a built-in node; returns its id.
fn add(flow: &mut Flow, func: &str, at: (f64, f64), seed: u128) -> Option<NodeId> {
    let def = nodes::lookup(func)?;
    let node = Node::builtin(def, file::node_key(func, seed), flow.unique_label(func), at);
    apply(flow, Edit::AddNode(Box::new(node))).ok()?;
    flow.find_key(&file::node_key(func, seed))
}

fn wire(flow: &mut Flow, a: NodeId, b: NodeId, b_port: u16) {
    let _ =
        apply(flow, Edit::Connect(Edge { from: OutPort { node: a, port: 0 }, to: InPort { node: b, port: b_port } }));
}

/// A new Python node holding the DOUBLE template, with a fresh id.
pub fn python_node(random: u128) -> Node {
    let spec = python_spec();
    Node {
        id: NodeId(u32::MAX),
        key: file::node_key("DOUBLE", random),
        label: "DOUBLE".into(),
        params: spec.params.iter().map(|p| (p.name.clone(), p.default.clone())).collect(),
        kind: NodeKind::Python(Arc::new(PythonNode { code: DOUBLE_CODE.into(), spec })),
        position: (0.0, 0.0),
        size: None,
    }
}

/// The flow the app opens with: a sine wave plotted, and a Python node doubling a number.
pub fn welcome_flow() -> Flow {
    let mut f = Flow::new();
    f.name = Some("Welcome".into());
    let ids = (|| {
        let lin = add(&mut f, "LINSPACE", (40.0, 60.0), 1)?;
        let sine = add(&mut f, "SINE", (300.0, 60.0), 2)?;
        let line = add(&mut f, "LINE", (560.0, 20.0), 3)?;
        let scalar = add(&mut f, "SCALAR", (40.0, 330.0), 4)?;
        Some((lin, sine, line, scalar))
    })();
    let Some((lin, sine, line, scalar)) = ids else {
        return f;
    };
    let _ = apply(&mut f, Edit::SetParam { node: lin, name: "start".into(), value: 0.0.into() });
    let _ = apply(&mut f, Edit::SetParam { node: lin, name: "end".into(), value: 2.0.into() });
    let _ = apply(&mut f, Edit::SetParam { node: lin, name: "step".into(), value: 200.into() });
    let _ = apply(&mut f, Edit::SetParam { node: scalar, name: "value".into(), value: 21.0.into() });
    wire(&mut f, lin, sine, 0);
    wire(&mut f, sine, line, 0);
    let mut double = python_node(5);
    double.position = (300.0, 330.0);
    if apply(&mut f, Edit::AddNode(Box::new(double))).is_ok()
        && let Some(d) = f.find_key(&file::node_key("DOUBLE", 5))
    {
        wire(&mut f, scalar, d, 0);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_welcome_flow_is_valid_and_wired() {
        let f = welcome_flow();
        assert_eq!(f.len(), 5);
        assert_eq!(f.edge_count(), 3);
        let diags = runtime::validate::validate(&f);
        assert!(diags.is_empty(), "{diags:?}");
    }
}
