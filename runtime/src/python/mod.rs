//! Python nodes outside Pyodide.
//!
//! - [`signature`]: reads a node's ports and parameters from its code, in Rust, so that a
//!   Python node that arrives with only its code (Flojoy files and links carry `data.code`
//!   and often no port list) is complete when the flow is loaded, in the page and in the
//!   runner alike.
//! - [`Python`] (native builds): the machine's CPython as the host of Python nodes, one worker
//!   process per host running the browser's own `flojoy_api.py`.
//! - [`call`] and [`wire`] (native builds): a node call and its values as the worker protocol
//!   carries them, for that worker and for the Python package's in-process nodes.
//! - [`API`] and [`CODEC`]: the `flojoy` module Python nodes import, and the protocol's
//!   Python half (`codec.py`), for whoever hosts the interpreter.

pub mod signature;

#[cfg(not(target_family = "wasm"))]
pub mod call;
#[cfg(not(target_family = "wasm"))]
mod native;
#[cfg(not(target_family = "wasm"))]
pub mod wire;

#[cfg(not(target_family = "wasm"))]
pub use native::{CallError, Python};

/// The `flojoy` module Python nodes import (the browser worker's `flojoy_api.py`).
pub const API: &str = include_str!("../../../nodes-pyodide/flojoy_api.py");

/// The Python half of the worker protocol's values (`codec.py`): headers with buffers →
/// Python values and back.
pub const CODEC: &str = include_str!("codec.py");
