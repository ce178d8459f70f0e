//! A built-in node: its spec and its behaviour.

use futures::future::LocalBoxFuture;

use super::ctx::{AsyncCtx, Ctx, Outputs};
use crate::error::NodeError;
use crate::spec::NodeSpec;

pub type NodeResult = Result<Outputs, NodeError>;

/// How a node computes.
#[derive(Clone, Copy)]
pub enum Run {
    /// Computes from its inputs and parameters right away.
    Sync(fn(&mut Ctx<'_>) -> NodeResult),
    /// Waits for something outside (a timer, a device): gets an owned context.
    Async(fn(AsyncCtx) -> LocalBoxFuture<'static, NodeResult>),
}

/// A built-in node: its spec and its behaviour.
pub struct NodeDef {
    pub spec: NodeSpec,
    pub run: Run,
    /// Same inputs and parameters give the same outputs, with no state and no side effect,
    /// so a result may be reused while nothing upstream changed. Random nodes count as pure:
    /// moving a slider elsewhere should not re-draw their noise.
    pub pure: bool,
    /// Reads a running stream: each run outputs what has arrived since the last one. The app
    /// re-runs a flow that contains one once per animation frame until Stop. Never cached.
    pub streaming: bool,
}

impl std::fmt::Debug for NodeDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeDef({})", self.spec.func)
    }
}

impl NodeDef {
    pub fn sync(spec: NodeSpec, run: fn(&mut Ctx<'_>) -> NodeResult) -> NodeDef {
        NodeDef { spec, run: Run::Sync(run), pure: true, streaming: false }
    }

    pub fn asynchronous(spec: NodeSpec, run: fn(AsyncCtx) -> LocalBoxFuture<'static, NodeResult>) -> NodeDef {
        NodeDef { spec, run: Run::Async(run), pure: false, streaming: false }
    }

    /// Marks a node that keeps state between calls or acts on the world: never cached.
    pub fn stateful(mut self) -> NodeDef {
        self.pure = false;
        self
    }

    /// Marks a node that reads a running stream (see [`NodeDef::streaming`]).
    pub fn streaming(mut self) -> NodeDef {
        self.streaming = true;
        self.pure = false;
        self
    }
}
