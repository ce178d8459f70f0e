//! Flojoy Web's engine. Pure Rust, no browser dependency: the page, the `flojoy` CLI and the
//! native tests all run flows through this crate.
//!
//! The path of a run: [`file::load`] → [`flow::Flow`] → [`validate::validate`] →
//! [`schedule::run`] (calling [`nodes`] and the [`host::Host`]) → [`schedule::RunEvent`]s and a
//! [`schedule::RunReport`].

pub mod devices;
#[cfg(not(target_family = "wasm"))]
pub mod download;
pub mod error;
pub mod file;
pub mod flow;
pub mod glob;
pub mod host;
pub mod nodes;
pub mod numeric;
pub mod param;
pub mod python;
pub mod schedule;
#[cfg(not(target_family = "wasm"))]
pub mod sleep;
pub mod spec;
pub mod sweep;
pub mod validate;
pub mod value;

pub use error::NodeError;
pub use flow::edit::{Edit, EditError, WireError, apply};
pub use flow::{Edge, Flow, InPort, Node, NodeId, NodeKind, OutPort};
pub use value::{Data, DataType, TypeSet, Value};
