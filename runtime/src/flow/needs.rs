//! What a flow needs from the place it runs: devices, and a streaming session. The app asks
//! these before it starts a flow by itself (a link, an embed, automation) and to decide how a
//! Run click runs it.

use super::{Flow, Node, NodeKind};

impl Node {
    /// A hardware node (its palette path is under HARDWARE, built-in or from a Flojoy file):
    /// it reaches instruments, which only a user's click may start.
    pub fn uses_devices(&self) -> bool {
        self.spec().path.starts_with("HARDWARE")
    }

    /// A built-in node that reads a running stream ([`NodeDef::streaming`](crate::nodes::NodeDef)):
    /// its flow runs as a session, re-run once per frame until Stop.
    pub fn is_streaming(&self) -> bool {
        matches!(&self.kind, NodeKind::Builtin(def) if def.streaming)
    }
}

impl Flow {
    /// The flow has a hardware node ([`Node::uses_devices`]): it must not start without the
    /// user's click.
    pub fn uses_devices(&self) -> bool {
        self.nodes().any(Node::uses_devices)
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

    /// A flow of these nodes (`(func, code)`; Python nodes have code and a palette path).
    fn flow(nodes: &[(&str, Option<&str>)]) -> Flow {
        let nodes: Vec<Json> = nodes
            .iter()
            .enumerate()
            .map(|(i, (func, code))| {
                let id = format!("{func}-{i}");
                let mut data = json!({"id": id, "label": func, "func": func});
                if let Some(code) = code {
                    data["code"] = json!(code);
                    data["path"] = json!(format!("HARDWARE/INSTRUMENTS/{func}/{func}.py"));
                }
                json!({"id": id, "data": data, "position": {"x": 0, "y": 0}})
            })
            .collect();
        crate::file::load_json(&json!({"rfInstance": {"nodes": nodes, "edges": []}}), 1).unwrap().flow
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
}
