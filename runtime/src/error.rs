//! The error a node run ends with. Neutral ground: the host (Python calls), the node library,
//! the numeric layer and the scheduler all speak it, and none of them owns it.

/// Why a node failed, in words the user can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct NodeError(pub String);

impl NodeError {
    pub fn new(msg: impl Into<String>) -> NodeError {
        NodeError(msg.into())
    }
}

impl From<String> for NodeError {
    fn from(s: String) -> Self {
        NodeError(s)
    }
}

impl From<&str> for NodeError {
    fn from(s: &str) -> Self {
        NodeError(s.into())
    }
}
