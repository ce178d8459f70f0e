//! What a flow needs from the place it runs: devices, a streaming session, and the user's
//! consent. The app asks these before it starts a flow by itself (a link, an embed,
//! automation), before it runs a flow that came from outside the site, and to decide how a
//! Run click runs it.

use super::{Flow, Node, NodeId, NodeKind};

/// What in a flow reaches beyond the flow's own values when it runs, so that a flow from
/// outside the site (a link, a file, a host page's message) must not run before the user has
/// seen it and clicked Run: Python code (it runs with the page's origin: fetch, storage),
/// hardware nodes (instruments) and file exports (downloads). Built-in nodes that only compute
/// need nothing. Each list holds the nodes in the flow's order; a Python instrument block is
/// in both `python` and `devices`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Consent {
    pub python: Vec<NodeId>,
    pub devices: Vec<NodeId>,
    pub files: Vec<NodeId>,
}

impl Consent {
    /// Nothing in the flow needs consent: it may run from a link's `run=1`.
    pub fn is_empty(&self) -> bool {
        self.python.is_empty() && self.devices.is_empty() && self.files.is_empty()
    }

    /// What will run, for the user: "2 Python nodes, 1 hardware node, 1 file export"; empty
    /// when nothing needs consent.
    pub fn summary(&self) -> String {
        let count = |n: usize, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        [
            count(self.python.len(), "Python node", "Python nodes"),
            count(self.devices.len(), "hardware node", "hardware nodes"),
            count(self.files.len(), "file export", "file exports"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

impl Node {
    /// A hardware node (its palette path is under HARDWARE, built-in or from a Flojoy file):
    /// it reaches instruments, which only a user's click may start.
    pub fn uses_devices(&self) -> bool {
        self.spec().path.starts_with("HARDWARE")
    }

    /// Python code: the node runs code the flow carries.
    pub fn runs_code(&self) -> bool {
        matches!(self.kind, NodeKind::Python(_))
    }

    /// A built-in node that saves files ([`NodeDef::writes_files`](crate::nodes::NodeDef)).
    pub fn writes_files(&self) -> bool {
        matches!(&self.kind, NodeKind::Builtin(def) if def.writes_files)
    }

    /// A built-in node that reads a running stream ([`NodeDef::streaming`](crate::nodes::NodeDef)),
    /// or one whose streaming parameter is on (a WEBCAM with `live`): its flow runs as a session,
    /// re-run once per frame until Stop.
    pub fn is_streaming(&self) -> bool {
        match &self.kind {
            NodeKind::Builtin(def) => {
                def.streaming || def.streams_when.is_some_and(|p| self.param(p).and_then(|v| v.as_bool()) == Some(true))
            }
            _ => false,
        }
    }
}

impl Flow {
    /// The flow has a hardware node ([`Node::uses_devices`]): it must not start without the
    /// user's click.
    pub fn uses_devices(&self) -> bool {
        self.nodes().any(Node::uses_devices)
    }

    /// What in the flow needs the user's consent before it runs when the flow came from
    /// outside the site ([`Consent`]).
    pub fn consent(&self) -> Consent {
        let mut c = Consent::default();
        for n in self.nodes() {
            if n.runs_code() {
                c.python.push(n.id);
            }
            if n.uses_devices() {
                c.devices.push(n.id);
            }
            if n.writes_files() {
                c.files.push(n.id);
            }
        }
        c
    }

    /// The flow has a streaming node ([`Node::is_streaming`]): Run starts a session.
    pub fn is_streaming(&self) -> bool {
        self.nodes().any(Node::is_streaming)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::{Value as Json, json};

    use crate::flow::{Flow, NodeKind};
    use crate::nodes;

    /// A flow of these nodes (`(func, code)`), each with code a Python node under `folder`
    /// (`None`: a plain Python node with no palette path).
    fn flow_in(folder: Option<&str>, nodes: &[(&str, Option<&str>)]) -> Flow {
        let nodes: Vec<Json> = nodes
            .iter()
            .enumerate()
            .map(|(i, (func, code))| {
                let id = format!("{func}-{i}");
                let mut data = json!({"id": id, "label": func, "func": func});
                if let Some(code) = code {
                    data["code"] = json!(code);
                    if let Some(folder) = folder {
                        data["path"] = json!(format!("{folder}/{func}/{func}.py"));
                    }
                }
                json!({"id": id, "data": data, "position": {"x": 0, "y": 0}})
            })
            .collect();
        crate::file::load_json(&json!({"rfInstance": {"nodes": nodes, "edges": []}}), 1).unwrap().flow
    }

    /// A flow of these nodes; those with code are Flojoy instrument blocks (under HARDWARE/).
    fn flow(nodes: &[(&str, Option<&str>)]) -> Flow {
        flow_in(Some("HARDWARE/INSTRUMENTS"), nodes)
    }

    #[test]
    fn a_flow_without_hardware_needs_nothing() {
        let f = flow(&[("LINSPACE", None), ("SINE", None), ("LINE", None)]);
        assert!(!f.uses_devices() && !f.is_streaming());
        assert!(!flow(&[]).uses_devices() && !flow(&[]).is_streaming());
    }

    #[test]
    fn hardware_nodes_use_devices_and_stream_readers_stream() {
        for func in ["OPEN_SERIAL", "SERIAL_WRITE", "IDN", "MEASURE_VOLTAGE", "USB_TRANSFER_IN"] {
            let f = flow(&[("CONSTANT", None), (func, None)]);
            assert!(f.uses_devices(), "{func}");
            assert!(!f.is_streaming(), "{func}");
        }
        for func in ["SERIAL_STREAM", "USB_STREAM"] {
            let f = flow(&[(func, None), ("LINE", None)]);
            assert!(f.uses_devices() && f.is_streaming(), "{func}");
            assert_eq!(f.nodes().filter(|n| n.is_streaming()).count(), 1, "{func}: LINE does not stream");
        }
    }

    #[test]
    fn a_python_hardware_node_uses_devices_but_never_streams() {
        // a Flojoy instrument block from a file: Python code under HARDWARE/
        let f = flow(&[("KEITHLEY_2400", Some("def KEITHLEY_2400():\n    pass\n"))]);
        assert!(f.nodes().all(|n| matches!(n.kind, NodeKind::Python(_))));
        assert!(f.uses_devices());
        assert!(!f.is_streaming());
        // even named like a built-in stream reader: only built-in nodes read streams
        let f = flow(&[("SERIAL_STREAM", Some("def SERIAL_STREAM():\n    pass\n"))]);
        assert!(f.nodes().all(|n| matches!(n.kind, NodeKind::Python(_))));
        assert!(f.uses_devices() && !f.is_streaming());
    }

    /// A flow of these nodes where each `(func, code)` with code is a plain Python node (not
    /// under HARDWARE).
    fn flow_py(nodes: &[(&str, Option<&str>)]) -> Flow {
        flow_in(None, nodes)
    }

    #[test]
    fn a_flow_of_computing_built_ins_needs_no_consent() {
        let f = flow(&[("LINSPACE", None), ("SINE", None), ("LINE", None), ("READ_CSV", None), ("CONSTANT", None)]);
        let c = f.consent();
        assert!(c.is_empty(), "{c:?}");
        assert_eq!(c.summary(), "");
        assert!(flow(&[]).consent().is_empty());
    }

    #[test]
    fn python_code_hardware_and_file_exports_need_consent() {
        let code = "from flojoy import flojoy, Vector\n\n@flojoy\ndef SQUARE(default: Vector) -> Vector:\n    return default\n";
        let f = flow_py(&[
            ("LINSPACE", None),
            ("SQUARE", Some(code)),
            ("CUBE", Some(code.replace("SQUARE", "CUBE").as_str())),
        ]);
        let c = f.consent();
        assert_eq!(c.python.len(), 2);
        assert!(c.devices.is_empty() && c.files.is_empty());
        assert_eq!(c.summary(), "2 Python nodes");
        let labels: Vec<_> = c.python.iter().map(|id| f.node(*id).unwrap().label.clone()).collect();
        assert_eq!(labels, ["SQUARE", "CUBE"], "in the flow's order");

        let f = flow(&[("CONSTANT", None), ("SERIAL_WRITE", None)]);
        assert_eq!(f.consent().summary(), "1 hardware node");
        let f = flow(&[("CONSTANT", None), ("EXPORT_CSV", None), ("EXPORT_JSON", None), ("USB_STREAM", None)]);
        assert_eq!(f.consent().summary(), "1 hardware node, 2 file exports");

        // a Flojoy instrument block is Python code and a hardware node
        let f = flow(&[("KEITHLEY_2400", Some("def KEITHLEY_2400():\n    pass\n"))]);
        assert_eq!(f.consent().summary(), "1 Python node, 1 hardware node");
        assert!(!f.consent().is_empty());
    }

    #[test]
    fn every_built_in_that_saves_files_is_marked() {
        // the nodes whose run calls Host::write_file: their family's source says so
        let marked: Vec<_> = nodes::all().iter().filter(|d| d.writes_files).map(|d| d.spec.func.clone()).collect();
        assert_eq!(marked, ["EXPORT_CSV", "EXPORT_JSON", "EXPORT_MATLAB", "REPORT_GENERATION", "SCREENSHOT_MSO2X"]);
        // every call in the node library's sources, whichever family or file it is in
        fn calls(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .map(|p| {
                    if p.is_dir() {
                        calls(&p)
                    } else {
                        let text = std::fs::read_to_string(&p).unwrap();
                        // a sync node's `ctx.host()`, an async node's `ctx.host`
                        text.matches("host().write_file(").count() + text.matches("ctx.host.write_file(").count()
                    }
                })
                .sum()
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/nodes");
        assert_eq!(calls(&dir), marked.len());
        assert!(nodes::all().iter().filter(|d| d.writes_files).all(|d| !d.pure), "never cached");
    }
}
