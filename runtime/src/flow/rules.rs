//! What a whole flow needs from whoever runs it, read from its nodes: whether it uses devices
//! (it then starts only from the user's click: browsers give device access to a gesture) and
//! whether it streams (it then runs as a live session, once per frame, until Stop).

use super::{Flow, NodeKind};

impl Flow {
    /// The flow has a hardware node (serial, SCPI, USB, streams).
    pub fn uses_devices(&self) -> bool {
        self.nodes().any(|n| n.spec().path.starts_with("HARDWARE"))
    }

    /// The flow has a node that reads a stream outliving one run ([`crate::nodes::NodeDef::streaming`]).
    pub fn is_streaming(&self) -> bool {
        self.nodes().any(|n| matches!(n.kind, NodeKind::Builtin(def) if def.streaming))
    }
}

#[cfg(test)]
mod tests {
    use crate::flow::{Flow, Node};
    use crate::{Edit, apply, nodes};

    fn flow_of(funcs: &[&str]) -> Flow {
        let mut flow = Flow::new();
        for (i, func) in funcs.iter().enumerate() {
            let def = nodes::lookup(func).unwrap_or_else(|| panic!("{func} is a built-in node"));
            let node = Node::builtin(def, format!("{func}-{i}"), format!("{func} {i}"), (0.0, 0.0));
            apply(&mut flow, Edit::AddNode(Box::new(node))).unwrap_or_else(|e| panic!("{e}"));
        }
        flow
    }

    #[test]
    fn hardware_nodes_make_a_flow_use_devices() {
        assert!(!flow_of(&[]).uses_devices());
        assert!(!flow_of(&["LINSPACE", "SINE"]).uses_devices());
        for func in ["OPEN_SERIAL", "IDN", "USB_TRANSFER_IN", "SERIAL_STREAM"] {
            assert!(flow_of(&["LINSPACE", func]).uses_devices(), "{func}");
        }
    }

    #[test]
    fn only_stream_readers_make_a_flow_stream() {
        assert!(!flow_of(&["LINSPACE", "SINE"]).is_streaming());
        // a device read once per run is not a stream
        assert!(!flow_of(&["OPEN_SERIAL", "IDN"]).is_streaming());
        assert!(flow_of(&["SERIAL_STREAM"]).is_streaming());
        assert!(flow_of(&["LINSPACE", "USB_STREAM"]).is_streaming());
    }
}
