//! Python nodes in the machine's CPython, for the `flojoy` runner and native tests.
//!
//! One worker process (`worker.py`, run with `python -c`) serves a host for its whole life:
//! started by the first Python node, reused by every node and loop iteration after it, and
//! started again only after it was stopped. It loads the browser's own `flojoy_api.py` as the
//! module `flojoy`, so a node sees the same API in both places. Requests and replies are
//! frames on its stdin/stdout (see `worker.py`); arrays cross as raw float64 bytes, written
//! from the vectors' own memory and read into new vectors without zeroing them first.
//!
//! A node that runs too long (`timeout`) or a Ctrl+C (`interrupt`) kills the process from a
//! watchdog thread; the waiting call then reports why and the next call starts a new worker.
//! The worker runs in its own process group, so a terminal's Ctrl+C reaches only the runner.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

use super::API;
use super::call::node_error;
use super::wire::{self, Buf, Bufs};
use crate::host::{PythonCall, PythonResult};
use crate::nodes::NodeError;

/// The worker script: the protocol's value codec, then the process's own loop. It loads
/// [`API`] (the browser worker's `flojoy_api.py`), sent as its first message.
const WORKER: &str = concat!(include_str!("codec.py"), include_str!("worker.py"));

/// How often a busy call looks at the Ctrl+C flag.
const POLL: Duration = Duration::from_millis(20);

/// The longest a worker may take to start (Python, numpy, the flojoy module).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a Python call did not give a result.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The node failed: its exception and traceback, a timeout, no Python, a crash.
    Node(NodeError),
    /// Ctrl+C (the interrupt flag): the run should stop.
    Interrupted,
}

/// The machine's Python, as the host that runs Python nodes.
pub struct Python {
    program: OsString,
    /// The longest one Python node may run before it is stopped.
    pub timeout: Option<Duration>,
    /// Set (by a Ctrl+C handler) to stop the node that is running.
    pub interrupt: Option<Arc<AtomicBool>>,
    worker: RefCell<Option<Worker>>,
    starts: Cell<u32>,
}

impl Default for Python {
    fn default() -> Python {
        Python::new("python3")
    }
}

impl Python {
    /// The Python to run (a name looked up on PATH, or a path).
    pub fn new(program: impl Into<OsString>) -> Python {
        Python {
            program: program.into(),
            timeout: None,
            interrupt: None,
            worker: RefCell::new(None),
            starts: Cell::new(0),
        }
    }

    /// How many worker processes this host has started (1 for a run that needed no restart).
    pub fn starts(&self) -> u32 {
        self.starts.get()
    }

    /// The running worker's Python and numpy versions (`None`: no worker yet, or no numpy).
    pub fn versions(&self) -> Option<(String, Option<String>)> {
        self.worker.borrow().as_ref().map(|w| (w.version.clone(), w.numpy.clone()))
    }

    /// Runs a Python node; `dir` is where its relative paths resolve (the flow's folder).
    pub fn call(&self, call: &PythonCall, dir: &Path) -> Result<PythonResult, CallError> {
        let mut bufs = Vec::new();
        let header = super::call::request(call, &mut bufs);
        let (reply, mut bufs) = self.exchange(&call.func, dir, &header, &bufs)?;
        super::call::result(&reply, &mut bufs).map_err(CallError::Node)
    }

    /// The manifest `flojoy_api.parse` reads from a node's code (what the browser's Save uses).
    pub fn parse(&self, code: &str) -> Result<Json, String> {
        let header = json!({"type": "parse", "code": code});
        match self.exchange("parse", Path::new(""), &header, &[]) {
            Ok((reply, _)) if reply.get("type").and_then(Json::as_str) == Some("parsed") => {
                Ok(reply.get("spec").cloned().unwrap_or(Json::Null))
            }
            Ok((reply, _)) => Err(node_error(&reply).0),
            Err(CallError::Node(e)) => Err(e.0),
            Err(CallError::Interrupted) => Err("interrupted".into()),
        }
    }

    /// Sends one request and reads its reply, starting the worker if there is none. A worker
    /// that was stopped or died is dropped, so the next call starts a fresh one.
    fn exchange(
        &self,
        func: &str,
        dir: &Path,
        header: &Json,
        bufs: &[wire::Out<'_>],
    ) -> Result<(Json, Bufs), CallError> {
        if self.worker.borrow().is_none() {
            let w = Worker::start(&self.program, dir, self.interrupt.clone()).map_err(|e| match e {
                None => CallError::Interrupted,
                Some(e) => CallError::Node(NodeError(format!("cannot run the Python node {func}: {e}"))),
            })?;
            self.starts.set(self.starts.get() + 1);
            *self.worker.borrow_mut() = Some(w);
        }
        let mut slot = self.worker.borrow_mut();
        let Some(worker) = slot.as_mut() else {
            return Err(CallError::Node(NodeError::new("the Python worker is not running")));
        };
        match worker.exchange(header, bufs, self.timeout) {
            Ok(r) => Ok(r),
            Err(stop) => {
                let w = slot.take();
                drop(slot);
                let tail = w.map(Worker::stop).unwrap_or_default();
                Err(match stop {
                    Stop::Interrupt => CallError::Interrupted,
                    Stop::Timeout(t) => CallError::Node(NodeError(format!(
                        "stopped after {} s (--timeout): the node was still running, so Python was restarted",
                        t.as_secs_f64()
                    ))),
                    Stop::Died(why) => CallError::Node(NodeError(format!(
                        "the Python worker stopped while running {func} ({why}){}",
                        if tail.is_empty() { String::new() } else { format!(":\n{tail}") }
                    ))),
                })
            }
        }
    }
}

/// Why an exchange ended without a reply.
enum Stop {
    Timeout(Duration),
    Interrupt,
    /// The process went away (a crash, `os._exit`, a broken pipe).
    Died(String),
}

#[derive(Default)]
struct WatchState {
    /// `Some(deadline)` while a request is out (`Some(None)`: no deadline).
    busy: Option<Option<Instant>>,
    fired: Option<Fired>,
    done: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Fired {
    Timeout,
    Interrupt,
}

struct Watch {
    state: Mutex<WatchState>,
    wake: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Buffers at least this large go through the shared files instead of the pipe.
const LARGE: usize = 1 << 16;

/// The two files a worker shares with the runner for large buffers (one per direction), in
/// `/dev/shm` where there is one: each side writes its buffers in place and names the offsets
/// in the frame, so a large array is copied once per side, without the two processes taking
/// turns on a pipe, and the files' pages are reused from call to call.
struct Shared {
    dir: PathBuf,
    input: File,
    output: File,
}

impl Shared {
    fn create() -> Option<Shared> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let base = Path::new("/dev/shm");
        let base = if base.is_dir() { base.to_path_buf() } else { std::env::temp_dir() };
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("flojoy-python-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let open = |name: &str| File::options().read(true).write(true).create(true).truncate(true).open(dir.join(name));
        match (open("in.bin"), open("out.bin")) {
            (Ok(input), Ok(output)) => Some(Shared { dir, input, output }),
            _ => {
                let _ = std::fs::remove_dir_all(&dir);
                None
            }
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One running `worker.py`.
struct Worker {
    child: Arc<Mutex<Child>>,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    watch: Arc<Watch>,
    threads: Vec<JoinHandle<()>>,
    /// The last lines the process wrote to stderr (what a crash said).
    stderr: Arc<Mutex<VecDeque<String>>>,
    version: String,
    numpy: Option<String>,
    shared: Option<Shared>,
    /// Whether the watchdog watches a Ctrl+C flag (it then needs to know when a call starts).
    polls: bool,
}

impl Worker {
    /// Starts a worker (`Err(None)`: Ctrl+C meanwhile). Starting is not limited by the node
    /// timeout: importing numpy on a busy machine can take a while.
    fn start(program: &OsString, dir: &Path, interrupt: Option<Arc<AtomicBool>>) -> Result<Worker, Option<String>> {
        let shown = Path::new(program).display().to_string();
        let mut cmd = Command::new(program);
        cmd.arg("-c").arg(WORKER).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        // glibc's malloc gives every freed array of megabytes back to the system and faults
        // the next one in page by page, which costs more than copying it: keep them (up to
        // 32 MiB, its ceiling for this setting) for reuse in the worker
        cmd.env("MALLOC_MMAP_THRESHOLD_", "33554432").env("MALLOC_TRIM_THRESHOLD_", "268435456");
        if !dir.as_os_str().is_empty() {
            cmd.current_dir(dir);
        }
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound if !dir.as_os_str().is_empty() && !dir.is_dir() => {
                    format!("its folder {} does not exist", dir.display())
                }
                std::io::ErrorKind::NotFound => format!(
                    "no Python found ('{shown}' is not installed or not on PATH); install Python 3.10 or newer, \
                 or give its path with --python PATH"
                ),
                _ => format!("'{shown}' could not be started: {e}"),
            })
            .map_err(Some)?;
        let (Some(stdin), Some(stdout), Some(stderr)) = (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Some("its pipes could not be opened".into()));
        };
        let child = Arc::new(Mutex::new(child));
        let watch = Arc::new(Watch { state: Mutex::new(WatchState::default()), wake: Condvar::new() });
        let tail: Arc<Mutex<VecDeque<String>>> = Arc::default();
        let mut threads = Vec::new();
        let t = tail.clone();
        threads.push(std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut t = lock(&t);
                if t.len() == 30 {
                    t.pop_front();
                }
                t.push_back(line);
            }
        }));
        let polls = interrupt.is_some();
        let (w, c) = (watch.clone(), child.clone());
        threads.push(std::thread::spawn(move || watchdog(&w, &c, interrupt.as_deref())));
        let mut worker = Worker {
            child,
            stdin: Some(stdin),
            stdout: BufReader::with_capacity(1 << 16, stdout),
            watch,
            threads,
            stderr: tail,
            version: String::new(),
            numpy: None,
            shared: None,
            polls,
        };
        let shared = Shared::create();
        let files = shared.as_ref().map(|s| s.dir.display().to_string());
        match worker.exchange(&json!({"type": "init", "api": API, "files": files}), &[], Some(START_TIMEOUT)) {
            Ok((ready, _)) if ready.get("type").and_then(Json::as_str) == Some("ready") => {
                worker.version = ready.get("version").and_then(Json::as_str).unwrap_or_default().to_owned();
                worker.numpy = ready.get("numpy").and_then(Json::as_str).map(str::to_owned);
                // the worker says whether it can use the files (it needs os.preadv)
                worker.shared = shared.filter(|_| ready.get("files").and_then(Json::as_bool) == Some(true));
                Ok(worker)
            }
            Ok((other, _)) => {
                let _ = worker.stop();
                Err(Some(format!("'{shown}' did not start the Python worker: {}", node_error(&other))))
            }
            Err(stop) => {
                let tail = worker.stop();
                let why = match stop {
                    Stop::Interrupt => return Err(None),
                    Stop::Timeout(t) => format!("it had not started after {} s", t.as_secs()),
                    Stop::Died(why) => why,
                };
                Err(Some(format!(
                    "'{shown}' could not start the Python worker ({why}){}",
                    if tail.is_empty() { String::new() } else { format!(": {tail}") }
                )))
            }
        }
    }

    /// One request and its reply, under the watchdog.
    fn exchange(
        &mut self,
        header: &Json,
        bufs: &[wire::Out<'_>],
        timeout: Option<Duration>,
    ) -> Result<(Json, Bufs), Stop> {
        {
            let mut st = lock(&self.watch.state);
            st.busy = Some(timeout.map(|t| Instant::now() + t));
            st.fired = None;
        }
        // with neither a deadline nor a Ctrl+C flag the watchdog has nothing to do: waking it
        // would cost each call a thread switch
        if timeout.is_some() || self.polls {
            self.watch.wake.notify_all();
        }
        let result = self.write(header, bufs).and_then(|()| self.read());
        let fired = {
            let mut st = lock(&self.watch.state);
            st.busy = None;
            st.fired.take()
        };
        match (fired, result) {
            (Some(Fired::Interrupt), _) => Err(Stop::Interrupt),
            (Some(Fired::Timeout), _) => Err(Stop::Timeout(timeout.unwrap_or_default())),
            (None, Ok(r)) => Ok(r),
            (None, Err(e)) => Err(Stop::Died(self.exit_status().unwrap_or(e))),
        }
    }

    fn write(&mut self, header: &Json, bufs: &[wire::Out<'_>]) -> Result<(), String> {
        let io = |e: std::io::Error| format!("writing to it failed: {e}");
        let mut header = header.clone();
        let mut inline = Vec::new();
        let mut specs = Vec::with_capacity(bufs.len());
        let mut offset = 0u64;
        for (b, float) in bufs {
            let kind = if *float { "d" } else { "u8" };
            match &self.shared {
                Some(shared) if b.len() >= LARGE => {
                    shared.input.write_all_at(b, offset).map_err(io)?;
                    specs.push(json!([b.len(), kind, offset]));
                    offset += b.len() as u64;
                }
                _ => {
                    specs.push(json!([b.len(), kind]));
                    inline.push(*b);
                }
            }
        }
        if let Some(o) = header.as_object_mut() {
            o.insert("bufs".into(), Json::Array(specs));
        }
        let text = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
        let len = u32::try_from(text.len()).map_err(|_| "the request is too large".to_owned())?;
        let mut frame = Vec::with_capacity(4 + text.len());
        frame.extend_from_slice(&len.to_le_bytes());
        frame.extend_from_slice(&text);
        let stdin = self.stdin.as_mut().ok_or("its input is closed")?;
        stdin.write_all(&frame).map_err(io)?;
        for b in inline {
            stdin.write_all(b).map_err(io)?;
        }
        stdin.flush().map_err(io)
    }

    fn read(&mut self) -> Result<(Json, Bufs), String> {
        let io = |e: std::io::Error| format!("reading from it failed: {e}");
        let mut len = [0u8; 4];
        self.stdout.read_exact(&mut len).map_err(io)?;
        let mut text = vec![0u8; u32::from_le_bytes(len) as usize];
        self.stdout.read_exact(&mut text).map_err(io)?;
        let mut header: Json = serde_json::from_slice(&text).map_err(|e| format!("its reply is not JSON: {e}"))?;
        let specs = header.as_object_mut().and_then(|o| o.remove("bufs")).unwrap_or(Json::Null);
        let mut bufs = Vec::new();
        for spec in specs.as_array().into_iter().flatten() {
            let n = spec.get(0).and_then(Json::as_u64).and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
            // [length, kind, offset]: in the shared file; [length, kind]: next on the pipe
            let at = spec.get(2).and_then(Json::as_u64);
            let mut fill = |dst: &mut [u8]| match (at, &self.shared) {
                (Some(at), Some(shared)) => shared.output.read_exact_at(dst, at).map_err(io),
                (Some(_), None) => Err("it used a shared file it was not given".to_owned()),
                (None, _) => self.stdout.read_exact(dst).map_err(io),
            };
            let buf = if spec.get(1).and_then(Json::as_str) == Some("u8") {
                let mut b = vec![0u8; n];
                fill(&mut b)?;
                Buf::U8(b)
            } else {
                if n % 8 != 0 {
                    return Err(format!("it sent a float64 buffer of {n} bytes"));
                }
                match (at, &self.shared) {
                    (Some(at), Some(shared)) => Buf::F64(floats_at(&shared.output, at, n / 8).map_err(io)?),
                    _ => {
                        let mut v = vec![0f64; n / 8];
                        fill(bytemuck::cast_slice_mut(&mut v))?;
                        Buf::F64(v)
                    }
                }
            };
            bufs.push(Some(buf));
        }
        Ok((header, Bufs(bufs)))
    }

    /// "exit code N" once the process has ended (briefly waited for), else `None`.
    fn exit_status(&self) -> Option<String> {
        let until = Instant::now() + Duration::from_millis(500);
        loop {
            match lock(&self.child).try_wait() {
                Ok(Some(s)) => {
                    return Some(match s.code() {
                        Some(c) => format!("exit code {c}"),
                        None => format!("{s}"),
                    });
                }
                Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(5)),
                _ => return None,
            }
        }
    }

    /// Ends the process (closing its input first, so a healthy worker leaves by itself) and
    /// returns the last lines it wrote to stderr.
    fn stop(mut self) -> String {
        self.shutdown();
        lock(&self.stderr).iter().cloned().collect::<Vec<_>>().join("\n")
    }

    fn shutdown(&mut self) {
        drop(self.stdin.take());
        if self.exit_status().is_none() {
            let _ = lock(&self.child).kill();
        }
        let _ = lock(&self.child).wait();
        lock(&self.watch.state).done = true;
        self.watch.wake.notify_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if !self.threads.is_empty() {
            self.shutdown();
        }
    }
}

/// `len` float64 numbers from `file` at `at`, read through a small buffer that stays in the
/// cache: reading straight into a new vector would first zero it, one more pass over
/// megabytes of memory than the copy itself.
fn floats_at(file: &File, mut at: u64, len: usize) -> std::io::Result<Vec<f64>> {
    let mut v = Vec::with_capacity(len);
    let mut chunk = vec![0f64; len.min(CHUNK)];
    while v.len() < len {
        let part = &mut chunk[..(len - v.len()).min(CHUNK)];
        file.read_exact_at(bytemuck::cast_slice_mut(part), at)?;
        v.extend_from_slice(part);
        at += (part.len() * 8) as u64;
    }
    Ok(v)
}

/// The numbers `floats_at` reads at a time (64 KiB).
const CHUNK: usize = 8192;

/// Kills the worker when the request out runs past its deadline or Ctrl+C is pressed.
fn watchdog(watch: &Watch, child: &Mutex<Child>, interrupt: Option<&AtomicBool>) {
    let mut st = lock(&watch.state);
    loop {
        if st.done {
            return;
        }
        let Some(deadline) = st.busy else {
            st = watch.wake.wait(st).unwrap_or_else(PoisonError::into_inner);
            continue;
        };
        let now = Instant::now();
        let fired = if interrupt.is_some_and(|f| f.load(Ordering::SeqCst)) {
            Some(Fired::Interrupt)
        } else if deadline.is_some_and(|d| now >= d) {
            Some(Fired::Timeout)
        } else {
            None
        };
        if let Some(f) = fired {
            st.fired = Some(f);
            st.busy = None;
            let _ = lock(child).kill();
            continue;
        }
        let wait = match (deadline, interrupt) {
            (Some(d), _) => {
                d.saturating_duration_since(now).min(if interrupt.is_some() { POLL } else { Duration::MAX })
            }
            (None, Some(_)) => POLL,
            (None, None) => {
                st = watch.wake.wait(st).unwrap_or_else(PoisonError::into_inner);
                continue;
            }
        };
        st = watch.wake.wait_timeout(st, wait).unwrap_or_else(PoisonError::into_inner).0;
    }
}
