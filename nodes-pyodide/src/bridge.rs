//! The page side of the Python worker: starts it, sends requests, matches replies by id, and
//! cancels a runaway node (interrupt when the page is cross-origin isolated, else restart).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use runtime::Data;
use runtime::host::{PythonCall, PythonResult};
use runtime::nodes::NodeError;

use crate::convert::{value_from_js, value_to_js};
use crate::protocol::{FromWorker, ParsedSpec, ToWorker};

/// Where the worker is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerStatus {
    Loading {
        stage: String,
    },
    /// `site_packages`: "+ package" loads from the site itself, else from Pyodide's index.
    Ready {
        version: String,
        ms: f64,
        snapshot: bool,
        site_packages: bool,
    },
    Failed {
        reason: String,
    },
}

impl WorkerStatus {
    /// Python is ready and "+ package" loads from the site itself (not Pyodide's index).
    pub fn site_packages(&self) -> bool {
        matches!(self, WorkerStatus::Ready { site_packages: true, .. })
    }
}

/// Why a Python request failed.
#[derive(Clone, Debug, PartialEq)]
pub struct PythonError {
    pub message: String,
    pub traceback: String,
    pub line: Option<u32>,
    pub log: Vec<String>,
}

impl PythonError {
    fn plain(message: impl Into<String>) -> PythonError {
        PythonError { message: message.into(), traceback: String::new(), line: None, log: Vec::new() }
    }
}

/// A JavaScript object inside a protocol message, kept as it is (serde-wasm-bindgen passes it
/// through untouched: a value's `Float64Array`s, the interrupt buffer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JsObject(#[serde(with = "serde_wasm_bindgen::preserve")] pub JsValue);

type Request = ToWorker<JsObject>;

enum Reply {
    Result { outputs: Vec<(String, Option<JsObject>)>, log: Vec<String> },
    Parsed(ParsedSpec),
    Done,
    Error(PythonError),
}

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;
type ErrorHandler = Closure<dyn FnMut(web_sys::Event)>;

struct Inner {
    url: String,
    worker: RefCell<Option<Worker>>,
    /// Requests the worker has been sent and not yet answered (at most one: see `request`).
    pending: RefCell<HashMap<u32, oneshot::Sender<Reply>>>,
    /// Requests waiting for the worker to be free.
    idle: RefCell<Vec<oneshot::Sender<()>>>,
    next_id: Cell<u32>,
    status: RefCell<WorkerStatus>,
    on_status: Box<dyn Fn(&WorkerStatus)>,
    /// Pyodide's interrupt buffer, when SharedArrayBuffer is available (cross-origin isolated).
    interrupt: RefCell<Option<js_sys::Int32Array>>,
    onmessage: RefCell<Option<MessageHandler>>,
    onerror: RefCell<Option<ErrorHandler>>,
    /// This worker (since its last spawn) has been sent a request, so user code may have run.
    asked: Cell<bool>,
    /// This worker has said "ready" (a later "ready" is not the worker's own start-up).
    ready_seen: Cell<bool>,
}

/// Where the page keeps the digest of the trusted Python snapshot: localStorage, which no
/// worker can reach (Python reaches Cache Storage and IndexedDB through `js`, not this).
const SNAPSHOT_DIGEST_KEY: &str = "flojoy-web:python-snapshot-digest";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A handle on the Python worker. Cheap to clone.
#[derive(Clone)]
pub struct PythonWorker(Rc<Inner>);

impl PythonWorker {
    /// Starts the worker at `url` (the built `worker.js`); `on_status` hears its progress.
    pub fn start(url: &str, on_status: impl Fn(&WorkerStatus) + 'static) -> PythonWorker {
        let w = PythonWorker(Rc::new(Inner {
            url: url.to_owned(),
            worker: RefCell::new(None),
            pending: RefCell::new(HashMap::new()),
            idle: RefCell::new(Vec::new()),
            next_id: Cell::new(1),
            status: RefCell::new(WorkerStatus::Loading { stage: "starting".into() }),
            on_status: Box::new(on_status),
            interrupt: RefCell::new(None),
            onmessage: RefCell::new(None),
            onerror: RefCell::new(None),
            asked: Cell::new(false),
            ready_seen: Cell::new(false),
        }));
        w.spawn();
        w
    }

    pub fn status(&self) -> WorkerStatus {
        self.0.status.borrow().clone()
    }

    /// Whether a running node can be interrupted in place (else Cancel restarts Python).
    pub fn interruptible(&self) -> bool {
        self.0.interrupt.borrow().is_some()
    }

    fn set_status(&self, s: WorkerStatus) {
        *self.0.status.borrow_mut() = s.clone();
        (self.0.on_status)(&s);
    }

    fn spawn(&self) {
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        // the worker restores a start-up snapshot only when its digest is this one
        let digest = local_storage().and_then(|s| s.get_item(SNAPSHOT_DIGEST_KEY).ok().flatten());
        opts.set_name(&digest.unwrap_or_default());
        self.0.asked.set(false);
        self.0.ready_seen.set(false);
        let worker = match Worker::new_with_options(&self.0.url, &opts) {
            Ok(w) => w,
            Err(e) => {
                self.set_status(WorkerStatus::Failed {
                    reason: format!("the browser refused to start the Python worker: {e:?}"),
                });
                return;
            }
        };
        let me = Rc::downgrade(&self.0);
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if let Some(inner) = me.upgrade() {
                PythonWorker(inner).receive(ev.data());
            }
        });
        let me = Rc::downgrade(&self.0);
        // a script that fails to load gives a plain Event (no message), an exception an ErrorEvent
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if let Some(inner) = me.upgrade() {
                let w = PythonWorker(inner);
                if !matches!(w.status(), WorkerStatus::Ready { .. }) {
                    let message = Reflect::get(&ev, &"message".into())
                        .ok()
                        .and_then(|m| m.as_string())
                        .filter(|m| !m.is_empty())
                        .unwrap_or_else(|| "one of its files could not be loaded (see the browser console)".into());
                    let reason = format!("the Python worker could not load: {message}");
                    w.set_status(WorkerStatus::Failed { reason: reason.clone() });
                    w.fail_all(&format!("Python could not start: {reason}"));
                }
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        *self.0.onmessage.borrow_mut() = Some(onmessage);
        *self.0.onerror.borrow_mut() = Some(onerror);
        // an interrupt buffer needs SharedArrayBuffer, which needs cross-origin isolation
        let isolated = Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        *self.0.worker.borrow_mut() = Some(worker);
        *self.0.interrupt.borrow_mut() = None;
        if isolated && let Ok(sab) = js_sys::SharedArrayBuffer::new(4).dyn_into::<js_sys::SharedArrayBuffer>() {
            let ia = js_sys::Int32Array::new(&sab);
            if self.post(&ToWorker::SetInterrupt { buffer: JsObject(ia.clone().into()) }, &Array::new()).is_ok() {
                *self.0.interrupt.borrow_mut() = Some(ia);
            }
        }
        self.set_status(WorkerStatus::Loading { stage: "starting Python".into() });
    }

    fn receive(&self, data: JsValue) {
        let msg: FromWorker<JsObject> = match serde_wasm_bindgen::from_value(data) {
            Ok(m) => m,
            Err(e) => {
                web_sys::console::warn_1(&format!("python worker: unreadable message: {e}").into());
                return;
            }
        };
        match msg {
            FromWorker::Progress { stage } => self.set_status(WorkerStatus::Loading { stage }),
            FromWorker::Ready { version, ms, snapshot, site_packages, digest } => {
                // only the worker's own start-up, before it was asked anything, vouches for a
                // snapshot: a "ready" posted later could come from Python code
                if self.0.ready_seen.replace(true) {
                    web_sys::console::warn_1(&"python worker: a second 'ready' was ignored".into());
                    return;
                }
                if let Some(d) = digest.filter(|_| !self.0.asked.get())
                    && let Some(s) = local_storage()
                {
                    let _ = s.set_item(SNAPSHOT_DIGEST_KEY, &d);
                }
                self.set_status(WorkerStatus::Ready { version, ms, snapshot, site_packages })
            }
            FromWorker::Failed { reason } => {
                self.set_status(WorkerStatus::Failed { reason: reason.clone() });
                self.fail_all(&format!("Python could not start: {reason}"));
            }
            FromWorker::Result { id, outputs, log } => self.reply(id, Reply::Result { outputs, log }),
            FromWorker::Error { id, message, traceback, line, log } => {
                self.reply(id, Reply::Error(PythonError { message, traceback, line, log }))
            }
            FromWorker::Parsed { id, spec } => self.reply(id, Reply::Parsed(spec)),
            FromWorker::Packages { id, .. } => self.reply(id, Reply::Done),
        }
    }

    fn reply(&self, id: u32, r: Reply) {
        let tx = self.0.pending.borrow_mut().remove(&id);
        if let Some(tx) = tx {
            // the caller may have gone (cancelled): then nobody needs this reply
            let _ = tx.send(r);
        }
        self.wake_waiting();
    }

    fn fail_all(&self, why: &str) {
        let txs: Vec<_> = self.0.pending.borrow_mut().drain().map(|(_, tx)| tx).collect();
        for tx in txs {
            let _ = tx.send(Reply::Error(PythonError::plain(why)));
        }
        self.wake_waiting();
    }

    /// The worker is free: the requests waiting for it try again (the first one goes).
    fn wake_waiting(&self) {
        if !self.0.pending.borrow().is_empty() {
            return;
        }
        let waiting = std::mem::take(&mut *self.0.idle.borrow_mut());
        for tx in waiting {
            let _ = tx.send(());
        }
    }

    /// Posts a message to the worker, transferring the buffers in `transfer`.
    fn post(&self, msg: &Request, transfer: &Array) -> Result<(), PythonError> {
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        if !matches!(msg, ToWorker::SetInterrupt { .. }) {
            self.0.asked.set(true);
        }
        let msg = serde::Serialize::serialize(msg, &ser).map_err(|e| PythonError::plain(e.to_string()))?;
        match self.0.worker.borrow().as_ref() {
            Some(w) => w
                .post_message_with_transfer(&msg, transfer)
                .map_err(|e| PythonError::plain(format!("could not reach the Python worker: {e:?}"))),
            None => Err(PythonError::plain("the Python worker is not running")),
        }
    }

    /// Sends the request `make` builds for a fresh id and waits for its reply.
    async fn request(&self, make: impl FnOnce(u32) -> Request, transfer: &Array) -> Result<Reply, PythonError> {
        // One request in the worker at a time; the others wait here, not in the worker's
        // message queue, so that a run superseded meanwhile (live mode) withdraws its calls
        // before Python ever sees them: dropping this future is enough.
        while !self.0.pending.borrow().is_empty() {
            let (tx, rx) = oneshot::channel();
            self.0.idle.borrow_mut().push(tx);
            let _ = rx.await;
        }
        let id = self.0.next_id.get();
        self.0.next_id.set(id.wrapping_add(1).max(1));
        if let WorkerStatus::Failed { reason } = self.status() {
            return Err(PythonError::plain(format!("Python could not start: {reason}")));
        }
        let (tx, rx) = oneshot::channel();
        self.0.pending.borrow_mut().insert(id, tx);
        if let Err(e) = self.post(&make(id), transfer) {
            self.0.pending.borrow_mut().remove(&id);
            return Err(e);
        }
        rx.await.map_err(|_| PythonError::plain("Python was restarted"))
    }

    /// Runs a Python node.
    pub async fn call(&self, call: PythonCall) -> Result<PythonResult, PythonError> {
        let transfer = Array::new();
        let inputs = call
            .inputs
            .iter()
            .map(|(name, values)| (name.clone(), values.iter().map(|d| JsObject(value_to_js(d, &transfer))).collect()))
            .collect();
        let PythonCall { code, func, node_key, params, outputs, .. } = call;
        let make = |id| ToWorker::Call { id, code, func, node_key, params, outputs, inputs };
        match self.request(make, &transfer).await? {
            Reply::Result { outputs, log } => {
                let mut out = Vec::with_capacity(outputs.len());
                for (name, value) in outputs {
                    let value = match value.filter(|v| !v.0.is_null() && !v.0.is_undefined()) {
                        None => None,
                        Some(v) => Some(Data::new(value_from_js(&v.0).map_err(|e| PythonError {
                            message: format!("output '{name}': {e}"),
                            traceback: String::new(),
                            line: None,
                            log: log.clone(),
                        })?)),
                    };
                    out.push((name, value));
                }
                Ok(PythonResult { outputs: out, log, ..Default::default() })
            }
            Reply::Error(e) => Err(e),
            _ => Err(PythonError::plain("unexpected reply from the Python worker")),
        }
    }

    /// Reads a node's signature.
    pub async fn parse(&self, code: &str) -> Result<ParsedSpec, PythonError> {
        match self.request(|id| ToWorker::Parse { id, code: code.into() }, &Array::new()).await? {
            Reply::Parsed(spec) => Ok(spec),
            Reply::Error(e) => Err(e),
            _ => Err(PythonError::plain("unexpected reply from the Python worker")),
        }
    }

    /// Loads packages by name from the package base (Pyodide's package index, or the site).
    pub async fn load_packages(&self, names: &[String]) -> Result<(), PythonError> {
        match self.request(|id| ToWorker::LoadPackages { id, names: names.to_vec() }, &Array::new()).await? {
            Reply::Done => Ok(()),
            Reply::Error(e) => Err(e),
            _ => Err(PythonError::plain("unexpected reply from the Python worker")),
        }
    }

    /// Stops whatever Python is running. With an interrupt buffer Python raises
    /// KeyboardInterrupt inside the node; otherwise the worker is terminated and started again
    /// (Python state is lost; the next run works).
    pub fn cancel(&self) {
        if self.0.pending.borrow().is_empty() {
            return;
        }
        if let Some(ia) = self.0.interrupt.borrow().as_ref() {
            // SIGINT = 2
            ia.set_index(0, 2);
            return;
        }
        if let Some(w) = self.0.worker.borrow_mut().take() {
            w.terminate();
        }
        self.fail_all("cancelled");
        self.spawn();
    }
}

impl From<PythonError> for NodeError {
    fn from(e: PythonError) -> NodeError {
        if e.traceback.is_empty() {
            NodeError(e.message)
        } else {
            NodeError(format!("{}\n{}", e.message, e.traceback.trim_end()))
        }
    }
}
