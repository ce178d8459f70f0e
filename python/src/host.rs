//! The host of a run started from Python: the runner's [`NativeHost`] (clocks, files, samples)
//! with Python nodes run in the calling interpreter and Ctrl+C taken from it.
//!
//! The run itself goes on without the GIL ([`Python::detach`] in `lib.rs`); a Python node,
//! and a look for Ctrl+C at each of the scheduler's breaths, take it back for their moment.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes};
use runtime::NodeError;
use runtime::host::{Host, INTERRUPTED, NativeHost, PythonCall, PythonResult};
use runtime::python::call;
use runtime::python::wire::{Buf, Bufs};
use runtime::schedule::CancelToken;

/// Why an export outside the flow's folder is refused, said to a Python user.
const WRITES_INSIDE: &str = "fw.run saves files only inside the flow's folder, as a flow file is untrusted input; pass write_anywhere=True to allow a path outside it";

pub struct InProcess {
    pub native: NativeHost,
    /// `flojoy_web._nodes.Nodes`: `(header JSON, [(bytearray, is_float)]) → (reply JSON, [(bytes, is_float)])`.
    pub nodes: Py<PyAny>,
    pub ctrl_c: Rc<CtrlC>,
}

/// Ctrl+C, as Python sees it: the run it cancels and the KeyboardInterrupt to raise once the
/// run has stopped.
pub struct CtrlC {
    pub cancel: CancelToken,
    pub raised: RefCell<Option<PyErr>>,
}

impl CtrlC {
    /// Whether Ctrl+C was pressed (Python's signal handlers run here); the first time, the run
    /// is cancelled and the exception kept for the caller.
    fn pressed(&self) -> bool {
        if self.raised.borrow().is_some() {
            return true;
        }
        match Python::attach(|py| py.check_signals()) {
            Ok(()) => false,
            Err(e) => self.stop(e),
        }
    }

    fn stop(&self, e: PyErr) -> bool {
        self.cancel.cancel(INTERRUPTED);
        self.raised.replace(Some(e));
        true
    }
}

impl InProcess {
    fn call_python(&self, call: &PythonCall) -> Result<PythonResult, NodeError> {
        let mut out = Vec::new();
        let header = call::request(call, &mut out);
        let reply = Python::attach(|py| -> PyResult<(String, Bufs)> {
            let bufs: Vec<(Bound<'_, PyByteArray>, bool)> =
                out.iter().map(|(b, float)| (PyByteArray::new(py, b), *float)).collect();
            let r = self.nodes.bind(py).call1((header.to_string(), bufs))?;
            let (text, got): (String, Vec<(Bound<'_, PyBytes>, bool)>) = r.extract()?;
            let bufs = got.iter().map(|(b, float)| Some(buffer(b.as_bytes(), *float))).collect();
            Ok((text, Bufs(bufs)))
        });
        match reply {
            Ok((text, mut bufs)) => {
                let reply = serde_json::from_str(&text)
                    .map_err(|e| NodeError(format!("the Python node gave an unreadable reply: {e}")))?;
                call::result(&reply, &mut bufs)
            }
            Err(e) if Python::attach(|py| e.is_instance_of::<PyKeyboardInterrupt>(py)) => {
                self.ctrl_c.stop(e);
                Err(NodeError::new(INTERRUPTED))
            }
            Err(e) => Err(NodeError(format!("the Python node could not be run in this interpreter: {e}"))),
        }
    }
}

/// A buffer from Python: float64 numbers (their bytes, any length a whole number of them) or
/// raw bytes.
fn buffer(bytes: &[u8], float: bool) -> Buf {
    if float && bytes.len().is_multiple_of(8) {
        Buf::F64(bytes.chunks_exact(8).map(|c| f64::from_ne_bytes(c.try_into().unwrap_or([0; 8]))).collect())
    } else {
        Buf::U8(bytes.to_vec())
    }
}

impl Host for InProcess {
    fn now_ms(&self) -> f64 {
        self.native.now_ms()
    }

    fn unix_time_s(&self) -> f64 {
        self.native.unix_time_s()
    }

    fn entropy(&self) -> u64 {
        self.native.entropy()
    }

    /// Ctrl+C ends a long TIMER too.
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        let ctrl_c = self.ctrl_c.clone();
        runtime::sleep::sleep(ms, move || ctrl_c.pressed())
    }

    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        self.ctrl_c.pressed();
        Box::pin(async {})
    }

    fn run_python(&self, call: PythonCall) -> LocalBoxFuture<'static, Result<PythonResult, NodeError>> {
        let result = if self.ctrl_c.pressed() { Err(NodeError::new(INTERRUPTED)) } else { self.call_python(&call) };
        Box::pin(async move { result })
    }

    fn read_file(&self, path: &str) -> LocalBoxFuture<'static, Result<Vec<u8>, String>> {
        // a download gives up on Ctrl+C (the runner's host watches its own signal flag instead)
        if runtime::host::is_url(path) && self.native.allow_download {
            let result = runtime::download::get_unless(path, || self.ctrl_c.pressed());
            return Box::pin(async move { result });
        }
        self.native.read_file(path)
    }

    fn list_files(&self, folder: &str, pattern: &str) -> Result<Vec<String>, String> {
        self.native.list_files(folder, pattern)
    }

    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<String, String> {
        // the runner's advice, in this package's words
        self.native.write_file(name, bytes).map_err(|e| e.replace(runtime::host::WRITES_INSIDE, WRITES_INSIDE))
    }
}
