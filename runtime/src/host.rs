//! What the runtime needs from the place it runs in: clocks, entropy, waiting, files, Python,
//! devices.
//!
//! The runtime knows nothing of the browser. The page implements [`Host`] with
//! `performance.now()`, `setTimeout`, the Pyodide worker and browser downloads; the CLI and the
//! tests use [`NativeHost`] (Python nodes in the machine's CPython, see [`crate::python`]).

#[cfg(not(target_family = "wasm"))]
use std::sync::Arc;
#[cfg(not(target_family = "wasm"))]
use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(not(target_family = "wasm"))]
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use futures::future::LocalBoxFuture;
use serde_json::{Map, Value as Json};

use crate::error::NodeError;
#[cfg(not(target_family = "wasm"))]
use crate::schedule::CancelToken;
use crate::value::Data;

/// A call to a Python node: everything the worker needs, by value.
#[derive(Clone, Debug)]
pub struct PythonCall {
    /// The node's Flojoy id (`DOUBLE-…`), for logs and per-node state.
    pub node_key: String,
    /// The decorated function's name.
    pub func: String,
    pub code: String,
    /// Input port name → values (one for single inputs, in wire order for `list[...]` ports).
    pub inputs: Vec<(String, Vec<Data>)>,
    /// Parameter name → normalised value.
    pub params: Map<String, Json>,
    /// Output port names, in order.
    pub outputs: Vec<String>,
}

/// A Python node's result: output name → value (`None`: that output produced nothing).
#[derive(Clone, Debug, Default)]
pub struct PythonResult {
    pub outputs: Vec<(String, Option<Data>)>,
    /// Lines the node printed.
    pub log: Vec<String>,
    /// The outputs the flow follows, when the node chose (a Studio control-flow block's
    /// `JobResultBuilder().flow_to_directions(...)`); `None`: all of them.
    pub flow_to: Option<Vec<String>>,
}

/// The environment a flow runs in.
pub trait Host {
    /// Monotonic milliseconds (for durations and the maximum run time).
    fn now_ms(&self) -> f64;

    /// Seconds since 1970 (UNIX_TIMESTAMP).
    fn unix_time_s(&self) -> f64;

    /// A fresh random seed for unseeded random nodes.
    fn entropy(&self) -> u64;

    /// Waits `ms` milliseconds (TIMER).
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()>;

    /// Lets the host breathe during a long run (the page repaints and handles clicks, so Cancel
    /// works). The scheduler calls it every few milliseconds of work.
    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        Box::pin(async {})
    }

    /// Runs a Python node. The default says where Python nodes can run.
    fn run_python(&self, call: PythonCall) -> LocalBoxFuture<'static, Result<PythonResult, NodeError>> {
        let _ = call;
        Box::pin(async {
            Err(NodeError::new("Python nodes run in the browser app (Pyodide); this runner has no Python"))
        })
    }

    /// Reads a file the user picked, a path (CLI) or a URL.
    fn read_file(&self, path: &str) -> LocalBoxFuture<'static, Result<Vec<u8>, String>> {
        let path = path.to_owned();
        Box::pin(async move { Err(format!("cannot read '{path}' here")) })
    }

    /// The files in `folder` whose path below it matches a Python glob `pattern`
    /// (BATCH_PROCESSOR), as `folder/path` names that [`Host::read_file`] reads, sorted.
    fn list_files(&self, folder: &str, pattern: &str) -> Result<Vec<String>, String> {
        let _ = pattern;
        Err(format!("cannot list the folder '{folder}' here"))
    }

    /// A sample data file (`camera.png`, `gapminder.csv.gz`: SKIMAGE, the data set nodes,
    /// LOCAL_FILE's astronaut). Native builds carry them; the browser app fetches them from the
    /// site, where they would otherwise weigh on every first visit.
    fn sample(&self, name: &str) -> LocalBoxFuture<'static, Result<std::borrow::Cow<'static, [u8]>, String>> {
        let found = crate::nodes::sample_file(name).map(std::borrow::Cow::Borrowed);
        let name = name.to_owned();
        Box::pin(async move { found.ok_or_else(|| format!("this build does not carry the sample file '{name}'")) })
    }

    /// Saves a file: a browser download in the page, a file on disk in the CLI.
    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let _ = bytes;
        Err(format!("cannot save '{name}' here"))
    }

    /// The instruments this host reaches (WebSerial, WebUSB, demo devices). `None`: hardware
    /// nodes fail with [`NO_DEVICES`].
    fn devices(&self) -> Option<std::rc::Rc<dyn crate::devices::Devices>> {
        None
    }
}

/// What hardware nodes say where there are no devices (the CLI, the tests' native host).
pub const NO_DEVICES: &str = "Hardware nodes run in the browser app (Chrome, Edge or Opera, which have WebSerial and WebUSB); this runner has no device access";

/// Why [`NativeHost`] refuses to write a file outside the flow's folder.
pub const WRITES_INSIDE: &str = "the runner saves files only inside the flow's folder, as a flow file is untrusted input; run with --write-anywhere to allow a path outside it";

/// What [`NativeHost`] says when a node asks it to read a URL (READ_CSV's default file is one)
/// and downloads are not allowed.
pub const NO_DOWNLOADS: &str = "the command-line runner downloads URLs only when run with --allow-download (the browser app fetches them): add it, or save the file and give its path";

/// Whether a file path is really a URL the browser would fetch.
pub fn is_url(path: &str) -> bool {
    let p = path.trim_start().as_bytes();
    [&b"http://"[..], b"https://"].iter().any(|s| p.len() >= s.len() && p[..s.len()].eq_ignore_ascii_case(s))
}

/// The host for native runs (CLI, tests, benchmarks): real clocks, files relative to a folder,
/// Python nodes in the machine's CPython.
#[cfg(not(target_family = "wasm"))]
pub struct NativeHost {
    start: Instant,
    /// Fixed seed for reproducible runs; `None` draws from the clock.
    pub seed: Option<u64>,
    /// Where relative file paths resolve and exported files are written (and where Python
    /// nodes run).
    pub dir: std::path::PathBuf,
    /// Runs Python nodes: `python3` on PATH unless set, one worker process for this host's
    /// life, started by the first Python node.
    pub python: crate::python::Python,
    /// Whether nodes may download URLs (`--allow-download`). Off by default: a flow file is
    /// untrusted input, and a run that reaches the network should be the user's choice.
    pub allow_download: bool,
    /// Whether exports may write outside [`NativeHost::dir`] (`--write-anywhere`). Off by
    /// default, for the same reason: a flow's EXPORT_CSV aimed at `~/.bashrc` or `../../x` is
    /// refused, naming the path.
    pub write_anywhere: bool,
    /// Ctrl+C: the flag a signal handler sets, and the run it cancels.
    interrupt: Option<(Arc<AtomicBool>, CancelToken)>,
}

#[cfg(not(target_family = "wasm"))]
impl Default for NativeHost {
    fn default() -> Self {
        NativeHost {
            start: Instant::now(),
            seed: None,
            dir: std::path::PathBuf::from("."),
            python: crate::python::Python::default(),
            allow_download: false,
            write_anywhere: false,
            interrupt: None,
        }
    }
}

#[cfg(not(target_family = "wasm"))]
impl NativeHost {
    /// A host whose random nodes draw the same numbers every run.
    pub fn seeded(seed: u64) -> NativeHost {
        NativeHost { seed: Some(seed), ..NativeHost::default() }
    }

    /// Makes `flag` (set by a Ctrl+C handler) stop the run `cancel` switches: a running Python
    /// node at once (its worker is killed), otherwise at the next node or timer tick.
    pub fn stop_on(&mut self, flag: Arc<AtomicBool>, cancel: CancelToken) {
        self.python.interrupt = Some(flag.clone());
        self.interrupt = Some((flag, cancel));
    }

    /// Whether Ctrl+C was pressed; the run is cancelled the first time this sees it.
    fn interrupted(&self) -> bool {
        match &self.interrupt {
            Some((flag, cancel)) if flag.load(Ordering::SeqCst) => {
                cancel.cancel(INTERRUPTED);
                true
            }
            _ => false,
        }
    }
}

/// Whether writing `full` (a path below `dir` by its text) would land outside `dir` through a
/// symbolic link: a linked folder on the way, or the file itself a link.
#[cfg(not(target_family = "wasm"))]
fn escapes(dir: &std::path::Path, full: &std::path::Path) -> bool {
    if full.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
        return true;
    }
    match (dir.canonicalize(), full.parent().map(std::path::Path::canonicalize)) {
        (Ok(dir), Some(Ok(parent))) => !parent.starts_with(dir),
        // a missing folder: the write fails and says so
        _ => false,
    }
}

/// How many folder entries `list_files` visits at most (a glob over a whole disk stops there).
#[cfg(not(target_family = "wasm"))]
const MAX_LISTED: usize = 1_000_000;

/// Why a run stopped on Ctrl+C.
#[cfg(not(target_family = "wasm"))]
pub const INTERRUPTED: &str = "interrupted (Ctrl+C)";

#[cfg(not(target_family = "wasm"))]
impl Host for NativeHost {
    fn now_ms(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }

    fn unix_time_s(&self) -> f64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
    }

    fn entropy(&self) -> u64 {
        self.seed.unwrap_or_else(|| {
            let t = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
            (t as u64) ^ ((t >> 64) as u64) ^ 0x9E37_79B9_7F4A_7C15
        })
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        // Ctrl+C ends a long TIMER too
        let interrupt = self.interrupt.clone();
        crate::sleep::sleep(ms, move || match &interrupt {
            Some((flag, cancel)) if flag.load(Ordering::SeqCst) => {
                cancel.cancel(INTERRUPTED);
                true
            }
            _ => false,
        })
    }

    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        self.interrupted();
        Box::pin(async {})
    }

    fn run_python(&self, call: PythonCall) -> LocalBoxFuture<'static, Result<PythonResult, NodeError>> {
        let result = match self.python.call(&call, &self.dir) {
            Ok(r) => Ok(r),
            Err(crate::python::CallError::Node(e)) => Err(e),
            Err(crate::python::CallError::Interrupted) => {
                self.interrupted();
                Err(NodeError::new(INTERRUPTED))
            }
        };
        Box::pin(async move { result })
    }

    fn read_file(&self, path: &str) -> LocalBoxFuture<'static, Result<Vec<u8>, String>> {
        // Flojoy's pandas reads URLs too; the native runner does only when allowed (joining a URL
        // to the folder would only report a confusing missing file)
        if is_url(path) {
            let result = if self.allow_download {
                crate::download::get_unless(path, || self.interrupted())
            } else {
                Err(format!("cannot read '{path}': {NO_DOWNLOADS}"))
            };
            return Box::pin(async move { result });
        }
        let full = self.dir.join(path);
        Box::pin(async move { std::fs::read(&full).map_err(|e| format!("cannot read '{}': {e}", full.display())) })
    }

    fn list_files(&self, folder: &str, pattern: &str) -> Result<Vec<String>, String> {
        let folder = folder.trim_end_matches(['/', '\\']);
        let found = crate::glob::files_under(&self.dir.join(folder), pattern, MAX_LISTED)?;
        Ok(found.into_iter().map(|p| format!("{folder}/{p}")).collect())
    }

    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<String, String> {
        use std::path::Component;
        let outside = std::path::Path::new(name)
            .components()
            .any(|c| matches!(c, Component::ParentDir | Component::RootDir | Component::Prefix(_)));
        let full = self.dir.join(name);
        if !self.write_anywhere && (outside || escapes(&self.dir, &full)) {
            return Err(format!("will not write '{name}': {WRITES_INSIDE} ({})", self.dir.display()));
        }
        std::fs::write(&full, bytes).map_err(|e| format!("cannot write '{}': {e}", full.display()))?;
        Ok(full.display().to_string())
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    fn read(host: &NativeHost, path: &str) -> Result<Vec<u8>, String> {
        futures::executor::block_on(host.read_file(path))
    }

    #[test]
    fn urls_are_refused_saying_what_to_do_instead() {
        let host = NativeHost::default();
        for url in
            ["https://raw.githubusercontent.com/cs109/2014_data/master/countries.csv", "HTTP://example.com/a.csv"]
        {
            let err = read(&host, url).err().unwrap_or_default();
            assert_eq!(err, format!("cannot read '{url}': {NO_DOWNLOADS}"));
        }
        assert!(is_url("  https://x"));
        assert!(!is_url("http.csv") && !is_url("data/https/x.csv") && !is_url("ftp://x"));
    }

    #[test]
    fn paths_resolve_against_the_folder() {
        let dir = std::env::temp_dir().join(format!("flojoy-host-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        let host = NativeHost { dir: dir.clone(), ..NativeHost::default() };
        assert_eq!(host.write_file("a.csv", b"x\n1\n").ok(), Some(dir.join("a.csv").display().to_string()));
        assert_eq!(read(&host, "a.csv").ok(), Some(b"x\n1\n".to_vec()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        assert!(host.write_file("sub/b.csv", b"1").is_ok());
        for outside in ["../escape.csv", "sub/../../escape.csv", "/tmp/flojoy-escape.csv"] {
            let err = host.write_file(outside, b"1").err().unwrap_or_default();
            assert!(
                err.starts_with(&format!("will not write '{outside}'")) && err.contains("--write-anywhere"),
                "{err}"
            );
        }
        assert!(!dir.join("../escape.csv").exists());
        // a link inside the folder does not lead out of it
        let outside = std::env::temp_dir().join(format!("flojoy-host-outside-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&outside);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, dir.join("out")).unwrap();
            std::os::unix::fs::symlink(outside.join("victim"), dir.join("a-link.csv")).unwrap();
            for linked in ["out/x.csv", "a-link.csv"] {
                let err = host.write_file(linked, b"1").err().unwrap_or_default();
                assert!(err.starts_with(&format!("will not write '{linked}'")), "{err}");
            }
            assert!(!outside.join("x.csv").exists() && !outside.join("victim").exists());
        }
        let _ = std::fs::remove_dir_all(&outside);
        let anywhere = NativeHost { dir: dir.join("sub"), write_anywhere: true, ..NativeHost::default() };
        assert!(anywhere.write_file("../c.csv", b"1").is_ok() && dir.join("c.csv").exists());
        let err = read(&host, "missing.csv").err().unwrap_or_default();
        assert!(err.starts_with(&format!("cannot read '{}'", dir.join("missing.csv").display())), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
