//! Python nodes for Flojoy Web: Pyodide in a Web Worker.
//!
//! - [`protocol`]: the typed request/reply messages (native-testable);
//! - [`convert`]: runtime values ↔ JS objects with transferred `Float64Array`s;
//! - [`bridge`]: starting the worker, matching replies to requests, cancelling;
//! - `worker.js` and `flojoy_api.py` (beside `src/`): the worker itself and Flojoy's Python
//!   API inside it. The build copies both next to the vendored Pyodide.

pub mod protocol;

pub mod bridge;
pub mod convert;
