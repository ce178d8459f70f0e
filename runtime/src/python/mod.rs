//! Python nodes outside Pyodide.
//!
//! - [`signature`]: reads a node's ports and parameters from its code, in Rust, so that a
//!   Python node that arrives with only its code (Flojoy files and links carry `data.code`
//!   and often no port list) is complete when the flow is loaded, in the page and in the
//!   runner alike.
//! - [`Python`] (native builds): the machine's CPython as the host of Python nodes, one worker
//!   process per host running the browser's own `flojoy_api.py`.

pub mod signature;

#[cfg(not(target_family = "wasm"))]
mod native;
#[cfg(not(target_family = "wasm"))]
mod wire;

#[cfg(not(target_family = "wasm"))]
pub use native::{CallError, Python};
