//! What a node's `run` sees: its inputs, its parameters, its memory, and the host.

use std::any::Any;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::{Map, Value as Json};

use rand::rngs::StdRng;

use crate::error::NodeError;
use crate::host::Host;
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{Data, DataFrame, Matrix, Value};

/// A node's results by output port (index = port).
pub type PortValues = std::sync::Arc<[Option<Data>]>;

/// What a node returns: values by output name, and optionally which outputs to follow
/// (Flojoy's `FLOW_TO_DIRECTIONS`; LOOP and CONDITIONAL follow only one).
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    pub(crate) values: Vec<(Cow<'static, str>, Option<Data>)>,
    pub(crate) flow_to: Option<Vec<Cow<'static, str>>>,
}

impl Outputs {
    /// A single value on the `default` output.
    pub fn one(v: Value) -> Outputs {
        Outputs::none().with("default", v)
    }

    /// A shared value on the `default` output (pass-through without copying).
    pub fn data(d: Data) -> Outputs {
        Outputs::none().with_data("default", Some(d))
    }

    /// Nothing (a node that only acts, or an empty pass-through).
    pub fn none() -> Outputs {
        Outputs::default()
    }

    pub fn with(self, name: impl Into<Cow<'static, str>>, v: Value) -> Outputs {
        self.with_data(name, Some(Data::new(v)))
    }

    pub fn with_data(mut self, name: impl Into<Cow<'static, str>>, d: Option<Data>) -> Outputs {
        self.values.push((name.into(), d));
        self
    }

    /// Follow only these outputs.
    pub fn flow_to(mut self, names: &[&'static str]) -> Outputs {
        self.flow_to = Some(names.iter().map(|n| Cow::Borrowed(*n)).collect());
        self
    }

    pub fn get(&self, name: &str) -> Option<&Data> {
        self.values.iter().find(|(n, _)| n == name).and_then(|(_, d)| d.as_ref())
    }

    /// Checks every value (Flojoy validates every output): the first bad one, named.
    pub(crate) fn validate(&self) -> Result<(), NodeError> {
        for (name, d) in &self.values {
            if let Some(d) = d {
                d.validate().map_err(|e| NodeError(format!("output '{name}' is not valid: {e}")))?;
            }
        }
        Ok(())
    }
}

pub use crate::numeric::MAX_COUNT;

/// The synchronous node context.
pub struct Ctx<'a> {
    pub(crate) spec: &'a NodeSpec,
    pub(crate) label: &'a str,
    pub(crate) key: &'a str,
    /// Values arriving on each input port (index = port), in wire order.
    pub(crate) inputs: &'a [Vec<Data>],
    pub(crate) params: &'a Map<String, Json>,
    pub(crate) me: usize,
    pub(crate) memory: &'a mut [Option<Box<dyn Any>>],
    pub(crate) results: &'a [Option<PortValues>],
    pub(crate) keys: &'a HashMap<String, usize>,
    pub(crate) host: &'a dyn Host,
    pub(crate) log: &'a mut Vec<String>,
}

impl<'a> Ctx<'a> {
    fn port(&self, name: &str) -> Option<&'a [Data]> {
        let i = self.spec.input_index(name)?;
        self.inputs.get(i).map(Vec::as_slice)
    }

    /// The value on a single input (the last wire wins, as in Flojoy), if any.
    pub fn input(&self, name: &str) -> Option<&'a Value> {
        self.port(name).and_then(|v| v.last()).map(|d| &**d)
    }

    /// The shared value on a single input, to pass it on without copying.
    pub fn input_data(&self, name: &str) -> Option<Data> {
        self.port(name).and_then(|v| v.last()).cloned()
    }

    /// Every value on a `list[...]` input, in wire order.
    pub fn multi(&self, name: &str) -> &'a [Data] {
        self.port(name).unwrap_or(&[])
    }

    /// A required input, or an error naming it and what it expects.
    pub fn need(&self, name: &str) -> Result<&'a Value, NodeError> {
        self.input(name).ok_or_else(|| {
            let types =
                self.spec.inputs.iter().find(|p| p.name == name).map(|p| p.types.to_string()).unwrap_or_default();
            NodeError(format!("input '{name}' has no value (connect a node that gives {types})"))
        })
    }

    /// The error for an input whose value this node cannot handle.
    pub fn wrong_type(&self, name: &str, got: &Value) -> NodeError {
        let types = self.spec.inputs.iter().find(|p| p.name == name).map(|p| p.types.to_string()).unwrap_or_default();
        NodeError(format!("input '{name}' got {}, but {} handles {types}", got.data_type(), self.spec.func))
    }

    /// Notes at the node that an input's value cannot be drawn, for a plotting node that then
    /// shows an empty figure and lets the run go on. Flojoy's plotting blocks match on their
    /// input's type and draw nothing for any other, which is how a value that went through an
    /// `Any` port (CONDITIONAL, FEEDBACK, …) reaches them; here the log says why it is empty.
    pub fn cannot_draw(&mut self, name: &str, got: &Value) {
        let why = self.wrong_type(name, got).0;
        self.log(format!("warning: {why}; the figure is empty"));
    }

    /// The numbers of a Vector input, or an error naming the input.
    pub fn vector(&self, name: &str) -> Result<&'a [f64], NodeError> {
        match self.need(name)? {
            Value::Vector { v } => Ok(v),
            other => Err(self.wrong_type(name, other)),
        }
    }

    /// The (x, y) of an OrderedPair input, or an error naming the input.
    pub fn pair(&self, name: &str) -> Result<(&'a [f64], &'a [f64]), NodeError> {
        match self.need(name)? {
            Value::OrderedPair { x, y } => Ok((x, y)),
            other => Err(self.wrong_type(name, other)),
        }
    }

    /// The Matrix on an input, or an error naming the input.
    pub fn matrix(&self, name: &str) -> Result<&'a Matrix, NodeError> {
        match self.need(name)? {
            Value::Matrix { m } => Ok(m),
            other => Err(self.wrong_type(name, other)),
        }
    }

    /// The DataFrame on an input, or an error naming the input.
    pub fn frame(&self, name: &str) -> Result<&'a DataFrame, NodeError> {
        match self.need(name)? {
            Value::DataFrame { m } => Ok(m),
            other => Err(self.wrong_type(name, other)),
        }
    }

    fn param(&self, name: &str) -> &'a Json {
        self.params.get(name).unwrap_or(&Json::Null)
    }

    /// A number parameter that must have a value.
    pub fn f64(&self, name: &str) -> Result<f64, NodeError> {
        self.opt_f64(name).ok_or_else(|| NodeError(format!("parameter '{name}' needs a number")))
    }

    /// A number parameter that may be empty.
    pub fn opt_f64(&self, name: &str) -> Option<f64> {
        self.param(name).as_f64()
    }

    pub fn int(&self, name: &str) -> Result<i64, NodeError> {
        let v = self.f64(name)?;
        Ok(v as i64)
    }

    /// A count or size parameter: a whole number from 0 to [`MAX_COUNT`] (a typo like
    /// 1e12 points must be an error, not an attempt to allocate terabytes).
    pub fn count(&self, name: &str) -> Result<usize, NodeError> {
        let v = self.int(name)?;
        let n = usize::try_from(v).map_err(|_| NodeError(format!("parameter '{name}' must be 0 or more, got {v}")))?;
        if n > MAX_COUNT {
            return Err(NodeError(format!("parameter '{name}' is too large: {n} (at most {MAX_COUNT})")));
        }
        Ok(n)
    }

    pub fn bool(&self, name: &str) -> bool {
        self.param(name).as_bool().unwrap_or(false)
    }

    /// A text, select or list parameter ("" when empty).
    pub fn text(&self, name: &str) -> &'a str {
        self.param(name).as_str().unwrap_or("")
    }

    /// A Flojoy `Array` parameter read as whole numbers (`numpy.array(param, dtype=int)`).
    pub fn int_list(&self, name: &str) -> Result<Vec<i64>, NodeError> {
        crate::param::split_list(self.text(name))
            .map(|s| {
                s.parse::<i64>().map_err(|_| {
                    NodeError(format!(
                        "parameter '{name}' must be a comma-separated list of whole numbers; '{s}' is not"
                    ))
                })
            })
            .collect()
    }

    /// The generator of a node with a `seed` parameter ([`seed_param`]): seeded by it, else
    /// freshly from the host, mixed with the node's id (two unseeded shuffles in one run differ).
    pub fn rng(&self) -> StdRng {
        crate::numeric::random::seeded(self.opt_f64("seed"), || self.host.entropy(), self.key)
    }

    /// The node a NodeReference parameter points at, if it is in the flow.
    pub fn node_ref(&self, name: &str) -> Option<usize> {
        self.param(name).as_str().and_then(|k| self.keys.get(k).copied())
    }

    /// This node's memory, created on first use (cleared at each run start, like SmallMemory).
    pub fn memory<T: Any + Default>(&mut self) -> &mut T {
        memory_slot(&mut self.memory[self.me])
    }

    /// Another node's memory, if it has one of this type (LOOP_INDEX reads LOOP's).
    pub fn memory_of<T: Any>(&mut self, node: usize) -> Option<&mut T> {
        self.memory.get_mut(node)?.as_mut()?.downcast_mut::<T>()
    }

    /// Another node's last result (FEEDBACK).
    pub fn result_of(&self, node: usize) -> Option<&'a PortValues> {
        self.results.get(node)?.as_ref()
    }

    pub fn host(&self) -> &'a dyn Host {
        self.host
    }

    pub fn label(&self) -> &str {
        self.label
    }

    /// This node's Flojoy id.
    pub fn key(&self) -> &str {
        self.key
    }

    /// Writes a line to the node's log.
    pub fn log(&mut self, line: impl Into<String>) {
        self.log.push(line.into());
    }
}

/// The `seed` parameter of the shuffling nodes (Flojoy has none: they always draw fresh).
pub fn seed_param(spec: NodeSpec) -> NodeSpec {
    spec.param(
        "seed",
        ParamKind::Int { min: Some(0), max: None },
        Json::Null,
        "Seed for repeatable results; empty draws new ones each run (as Flojoy, whose block has no seed, always does)",
    )
}

fn memory_slot<T: Any + Default>(slot: &mut Option<Box<dyn Any>>) -> &mut T {
    if !slot.as_ref().is_some_and(|b| b.is::<T>()) {
        *slot = Some(Box::new(T::default()));
    }
    match slot.as_mut().and_then(|b| b.downcast_mut::<T>()) {
        Some(t) => t,
        None => unreachable!("the slot was just filled with a T"),
    }
}

/// The context of a node that waits (TIMER, devices): owned, so it can live across awaits.
pub struct AsyncCtx {
    pub label: String,
    /// The node's Flojoy id (`SERIAL_STREAM-…`): per-node state that outlives a run (streams).
    pub key: String,
    pub inputs: Vec<(String, Vec<Data>)>,
    pub params: Map<String, Json>,
    pub host: Rc<dyn Host>,
    /// Lines for the node's log, shared with the scheduler (which reports them when the node
    /// finishes): write them with [`AsyncCtx::log`].
    pub log_lines: Rc<RefCell<Vec<String>>>,
}

impl AsyncCtx {
    /// Writes a line to the node's log.
    pub fn log(&self, line: impl Into<String>) {
        self.log_lines.borrow_mut().push(line.into());
    }

    /// A whole-number parameter.
    pub fn int(&self, name: &str) -> Result<i64, NodeError> {
        let v = self.f64(name)?;
        if v.fract() != 0.0 || !v.is_finite() {
            return Err(NodeError(format!("parameter '{name}' must be a whole number, got {v}")));
        }
        Ok(v as i64)
    }

    /// A whole-number parameter in `lo..=hi` (a byte, a USB field), converted.
    pub fn int_in<T: TryFrom<i64>>(&self, name: &str, lo: i64, hi: i64) -> Result<T, NodeError> {
        let v = self.int(name)?;
        if v < lo || v > hi {
            return Err(NodeError(format!("parameter '{name}' must be from {lo} to {hi}, got {v}")));
        }
        T::try_from(v).map_err(|_| NodeError(format!("parameter '{name}' must be from {lo} to {hi}, got {v}")))
    }

    pub fn input_data(&self, name: &str) -> Option<Data> {
        self.inputs.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.last().cloned())
    }

    pub fn f64(&self, name: &str) -> Result<f64, NodeError> {
        self.params
            .get(name)
            .and_then(Json::as_f64)
            .ok_or_else(|| NodeError(format!("parameter '{name}' needs a number")))
    }

    pub fn text(&self, name: &str) -> &str {
        self.params.get(name).and_then(Json::as_str).unwrap_or("")
    }

    pub fn bool(&self, name: &str) -> bool {
        self.params.get(name).and_then(Json::as_bool).unwrap_or(false)
    }
}
