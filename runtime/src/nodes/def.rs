//! A built-in node: its spec and its behaviour.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use serde_json::{Map, Value as Json};

use super::ctx::{AsyncCtx, Ctx, Outputs, PortValues};
use crate::error::NodeError;
use crate::host::Host;
use crate::spec::NodeSpec;
use crate::value::Data;

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
    /// Streams (as [`NodeDef::streaming`]) while this bool parameter is on: WEBCAM's `live`.
    pub streams_when: Option<&'static str>,
    /// Saves files through [`Host::write_file`](crate::host::Host::write_file) (a download in
    /// the browser): a flow from outside the site with one runs only after the user's click.
    pub writes_files: bool,
}

impl std::fmt::Debug for NodeDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeDef({})", self.spec.func)
    }
}

impl NodeDef {
    pub fn sync(spec: NodeSpec, run: fn(&mut Ctx<'_>) -> NodeResult) -> NodeDef {
        NodeDef { spec, run: Run::Sync(run), pure: true, streaming: false, streams_when: None, writes_files: false }
    }

    pub fn asynchronous(spec: NodeSpec, run: fn(AsyncCtx) -> LocalBoxFuture<'static, NodeResult>) -> NodeDef {
        NodeDef { spec, run: Run::Async(run), pure: false, streaming: false, streams_when: None, writes_files: false }
    }

    /// Marks a node that keeps state between calls or acts on the world: never cached.
    pub fn stateful(mut self) -> NodeDef {
        self.pure = false;
        self
    }

    /// Marks a node that saves files (see [`NodeDef::writes_files`]); such a node acts on the
    /// world, so it is never cached either.
    pub fn writes_files(mut self) -> NodeDef {
        self.writes_files = true;
        self.pure = false;
        self
    }

    /// Marks a node that streams while its bool parameter `param` is on (a live camera).
    pub fn streaming_when(mut self, param: &'static str) -> NodeDef {
        self.streams_when = Some(param);
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

/// What a node's context is made of, as its caller has it: the scheduler for a node in a flow,
/// [`invoke`](super::invoke) for a node on its own.
pub(crate) struct Env<'a> {
    pub label: &'a str,
    pub key: &'a str,
    /// Values arriving on each input port (index = port), in wire order.
    pub inputs: Vec<Vec<Data>>,
    /// The parameters, normalised.
    pub params: &'a Map<String, Json>,
    /// This node's index into `memory` and `results`.
    pub me: usize,
    pub memory: &'a mut [Option<Box<dyn Any>>],
    pub results: &'a [Option<PortValues>],
    /// Flojoy node id → index, for node references.
    pub keys: &'a HashMap<String, usize>,
    pub host: &'a Rc<dyn Host>,
}

/// How a node's run began.
pub(crate) enum Begun {
    /// A synchronous node has finished: its result and log lines.
    Done(NodeResult, Vec<String>),
    /// An asynchronous node waits for something outside (a timer, a device): its result and
    /// log lines come when it is done.
    Waiting(LocalBoxFuture<'static, (NodeResult, Vec<String>)>),
}

impl NodeDef {
    /// Starts the node's `run` in a context made from `env`. The one place a built-in node is
    /// invoked: runs of a flow and [`invoke`](super::invoke) both come here.
    pub(crate) fn begin(&self, env: Env<'_>) -> Begun {
        match self.run {
            Run::Sync(f) => {
                let mut log = Vec::new();
                let mut ctx = Ctx {
                    spec: &self.spec,
                    label: env.label,
                    key: env.key,
                    inputs: &env.inputs,
                    params: env.params,
                    me: env.me,
                    memory: env.memory,
                    results: env.results,
                    keys: env.keys,
                    host: &**env.host,
                    log: &mut log,
                };
                let result = f(&mut ctx);
                Begun::Done(result, log)
            }
            Run::Async(f) => {
                let log_lines: Rc<RefCell<Vec<String>>> = Rc::default();
                let ctx = AsyncCtx {
                    label: env.label.to_owned(),
                    key: env.key.to_owned(),
                    inputs: self.spec.inputs.iter().map(|p| p.name.clone()).zip(env.inputs).collect(),
                    params: env.params.clone(),
                    host: env.host.clone(),
                    log_lines: log_lines.clone(),
                };
                let fut = f(ctx);
                Begun::Waiting(Box::pin(async move {
                    let result = fut.await;
                    (result, log_lines.take())
                }))
            }
        }
    }
}
