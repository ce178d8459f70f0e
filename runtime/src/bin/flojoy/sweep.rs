//! `flojoy sweep` and `flojoy batch`: one flow run once per parameter set, on every core, one
//! JSON line per run (`runtime::sweep::row`). A failing run is a `failed` row and the sweep goes
//! on; Ctrl+C stops taking runs, interrupts the running ones and keeps every finished row;
//! `--resume` skips the sets the output file already has.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use runtime::file;
use runtime::host::NativeHost;
use runtime::python::Python;
use runtime::schedule::{self, Cache, CancelToken, RunOptions, RunStatus};
use runtime::sweep::{self, Axis};
use serde_json::{Value as Json, json};

use runtime::flow::set_param;

use super::usage;

pub const USAGE: &str = "       flojoy sweep FLOW.json --set LABEL.PARAM=START:STOP:COUNT|v1,v2,... [--set ...]...\n       flojoy batch FLOW.json --files 'GLOB' --into LABEL.PARAM [--set ...]...\n                  [--outputs LABEL,...] [--out FILE.jsonl] [--resume] [--workers N | --dask ADDRESS|local:N] [--seed N]\n                  [--max-seconds S] [--python PATH] [--timeout SECONDS] [--allow-download] [--write-anywhere]";

/// What every run of the sweep shares.
pub(crate) struct Plan {
    pub text: String,
    pub dir: std::path::PathBuf,
    pub seed: Option<u64>,
    pub opts: RunOptions,
    pub python: Option<String>,
    pub timeout: Option<Duration>,
    pub allow_download: bool,
    pub write_anywhere: bool,
    pub outputs: Option<Vec<String>>,
}

impl Plan {
    /// The runner's arguments every run shares, for a run started elsewhere (a Dask task).
    pub fn run_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(o) = &self.outputs {
            a.extend(["--outputs".into(), o.join(",")]);
        }
        if let Some(s) = self.seed {
            a.extend(["--seed".into(), s.to_string()]);
        }
        if self.opts.max_runtime_ms.is_finite() && self.opts.max_runtime_ms != RunOptions::default().max_runtime_ms {
            a.extend(["--max-seconds".into(), (self.opts.max_runtime_ms / 1000.0).to_string()]);
        }
        if let Some(p) = &self.python {
            a.extend(["--python".into(), p.clone()]);
        }
        if let Some(t) = self.timeout {
            a.extend(["--timeout".into(), t.as_secs_f64().to_string()]);
        }
        if self.allow_download {
            a.push("--allow-download".into());
        }
        if self.write_anywhere {
            a.push("--write-anywhere".into());
        }
        a
    }
}

pub fn main(args: &[String]) -> ExitCode {
    let batch = args[0] == "batch";
    let (mut path, mut axes, mut files, mut into) = (None, Vec::new(), None, None);
    let (mut out, mut resume, mut workers, mut dask) = (None, false, None, None);
    let mut plan = Plan {
        text: String::new(),
        dir: ".".into(),
        seed: None,
        opts: RunOptions::default(),
        python: None,
        timeout: None,
        allow_download: false,
        write_anywhere: false,
        outputs: None,
    };
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        let mut value = |what: &str| it.next().cloned().ok_or_else(|| format!("{a} needs {what}"));
        let step = match a.as_str() {
            "--set" => value("LABEL.PARAM=VALUES").and_then(|s| sweep::parse_axis(&s)).map(|axis| axes.push(axis)),
            // one value taken as it is (no list, no range): what a Dask task runs
            "--value" => value("LABEL.PARAM=VALUE").and_then(|s| {
                let (target, v) = s.split_once('=').ok_or("--value needs LABEL.PARAM=VALUE")?;
                axes.push(Axis { target: target.to_owned(), values: vec![v.to_owned()] });
                Ok(())
            }),
            "--dask" => value("a scheduler address or local:N").map(|s| dask = Some(s)),
            "--files" if batch => value("a glob pattern").map(|s| files = Some(s)),
            "--into" if batch => value("LABEL.PARAM").map(|s| into = Some(s)),
            "--outputs" => {
                // "" keeps no output (a row of status and time only)
                value("LABEL,...").map(|s| {
                    plan.outputs = Some(s.split(',').map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect())
                })
            }
            "--out" => value("a file").map(|s| out = Some(s)),
            "--resume" => {
                resume = true;
                Ok(())
            }
            "--allow-download" => {
                plan.allow_download = true;
                Ok(())
            }
            "--write-anywhere" => {
                plan.write_anywhere = true;
                Ok(())
            }
            "--workers" => value("a number")
                .and_then(|s| {
                    s.parse::<usize>().ok().filter(|&n| n > 0).ok_or("--workers needs a number above 0".into())
                })
                .map(|n| workers = Some(n)),
            "--seed" => value("a whole number")
                .and_then(|s| s.parse().map_err(|_| "--seed needs a whole number".into()))
                .map(|s| plan.seed = Some(s)),
            "--max-seconds" => value("a number")
                .and_then(|s| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|s| *s > 0.0 && s.is_finite())
                        .ok_or("--max-seconds needs a number of seconds above 0".into())
                })
                .map(|s| plan.opts.max_runtime_ms = s * 1000.0),
            "--python" => value("a path").map(|p| plan.python = Some(p)),
            "--timeout" => value("seconds")
                .and_then(|s| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|s| *s > 0.0 && s.is_finite())
                        .ok_or("--timeout needs a number of seconds above 0".into())
                })
                .map(|s| plan.timeout = Some(Duration::from_secs_f64(s))),
            p if path.is_none() && !p.starts_with("--") => {
                path = Some(p.to_owned());
                Ok(())
            }
            other => Err(format!("unexpected argument '{other}'")),
        };
        if let Err(e) = step {
            return usage(&e);
        }
    }
    let Some(path) = path else { return usage("which flow file?") };
    if resume && out.is_none() {
        return usage("--resume needs --out FILE: the rows it continues");
    }
    if batch {
        let (Some(pattern), Some(target)) = (files, into) else {
            return usage("flojoy batch needs --files 'GLOB' and --into LABEL.PARAM");
        };
        match matching_files(&pattern) {
            Ok(found) if found.is_empty() => return fail(2, &format!("--files '{pattern}' matches no file")),
            Ok(found) => axes.insert(0, Axis { target, values: found }),
            Err(e) => return fail(2, &e),
        }
    } else if axes.is_empty() {
        return usage("flojoy sweep needs at least one --set LABEL.PARAM=START:STOP:COUNT or =v1,v2,...");
    }
    plan.text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => return fail(2, &format!("cannot read {path}: {e}")),
    };
    plan.dir = std::path::Path::new(&path).parent().map(|d| d.to_path_buf()).unwrap_or_default();
    if let Err(e) = check(&plan, &axes) {
        return fail(2, &format!("{path}: {e}"));
    }
    let sets = match sweep::grid(&axes) {
        Ok(g) => g,
        Err(e) => return fail(2, &e),
    };
    if let Some(f) = out.as_deref().filter(|_| resume)
        && let Err(e) = drop_torn_line(f)
    {
        return fail(2, &format!("cannot resume {f}: {e}"));
    }
    let done = if resume { out.as_deref().map(finished_sets).unwrap_or_default() } else { HashSet::new() };
    let total_sets = sets.len();
    let todo: Vec<(usize, Vec<(String, String)>)> =
        sets.into_iter().enumerate().filter(|(_, s)| !done.contains(&sweep::set_key(&sweep::params_json(s)))).collect();
    let mut sink: Box<dyn Write> = match &out {
        Some(f) => {
            match std::fs::OpenOptions::new().create(true).append(resume).write(true).truncate(!resume).open(f) {
                Ok(file) => Box::new(file),
                Err(e) => return fail(2, &format!("cannot write {f}: {e}")),
            }
        }
        None => Box::new(std::io::stdout()),
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = workers.unwrap_or(cores).min(todo.len().max(1));
    let stopped = Arc::new(AtomicBool::new(false));
    let _ = signal_hook::flag::register_conditional_shutdown(signal_hook::consts::SIGINT, 130, stopped.clone());
    let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, stopped.clone());
    let mut rows = RowSink { out: &mut *sink, progress: out.is_some(), write_failed: false };
    let (ok, failed) = match &dask {
        Some(address) => match super::dask::run(address, &plan, &path, &todo, &stopped, &mut rows) {
            Ok(counts) => counts,
            Err(e) => return fail(2, &format!("--dask {address}: {e}")),
        },
        None => run_all(&plan, &todo, workers, &stopped, &mut rows),
    };
    let write_failed = rows.write_failed;
    let skipped = total_sets - todo.len();
    let left = todo.len().saturating_sub(ok + failed);
    eprintln!(
        "flojoy: {} runs: {ok} ok, {failed} failed{}{}",
        ok + failed,
        if skipped > 0 { format!(", {skipped} already in the file") } else { String::new() },
        if left > 0 { format!(", {left} not run (interrupted)") } else { String::new() }
    );
    if write_failed {
        ExitCode::from(2)
    } else if stopped.load(Ordering::SeqCst) {
        ExitCode::from(130)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn fail(code: u8, msg: &str) -> ExitCode {
    eprintln!("flojoy: {msg}");
    ExitCode::from(code)
}

/// Loads the flow and applies every value of every axis once, so a typo stops the sweep before
/// any run; checks the labels of `--outputs`.
fn check(plan: &Plan, axes: &[Axis]) -> Result<(), String> {
    let loaded = file::load(&plan.text, plan.seed.unwrap_or(0)).map_err(|e| e.to_string())?;
    for axis in axes {
        for v in &axis.values {
            let mut f = loaded.flow.clone();
            set_param(&mut f, &axis.target, Json::String(v.clone()))
                .map_err(|e| format!("--set {}={v}: {e}", axis.target))?;
        }
    }
    for label in plan.outputs.iter().flatten() {
        if loaded.flow.find_label(label).or_else(|| loaded.flow.find_key(label)).is_none() {
            return Err(format!("--outputs: no node is labelled '{label}' or has that id"));
        }
    }
    Ok(())
}

/// The files a `--files` glob matches (relative to the current folder unless absolute), as
/// absolute paths, sorted: the runs read them wherever the flow is.
fn matching_files(pattern: &str) -> Result<Vec<String>, String> {
    let is_glob = |s: &str| s.contains(['*', '?', '[']);
    let segments: Vec<&str> = pattern.split('/').collect();
    let fixed = segments.iter().take_while(|s| !is_glob(s)).count();
    if fixed == segments.len() {
        // no wildcard: one file
        let p = std::fs::canonicalize(pattern).map_err(|e| format!("--files {pattern}: {e}"))?;
        return Ok(vec![p.display().to_string()]);
    }
    let base = segments[..fixed].join("/");
    let base = if base.is_empty() && pattern.starts_with('/') { "/".to_owned() } else { base };
    let root = std::fs::canonicalize(if base.is_empty() { "." } else { &base })
        .map_err(|e| format!("--files {pattern}: {base}: {e}"))?;
    let rest = segments[fixed..].join("/");
    let found = runtime::glob::files_under(&root, &rest, 1_000_000)?;
    Ok(found.into_iter().map(|p| root.join(p).display().to_string()).collect())
}

/// Cuts a last line the previous sweep did not finish writing (the machine stopped mid-line),
/// so that the rows appended after it stay lines of their own.
fn drop_torn_line(path: &str) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = std::fs::OpenOptions::new().read(true).write(true).open(path) else { return Ok(()) };
    let len = f.metadata()?.len();
    // back from the end, a block at a time, to the last newline (the file may be gigabytes)
    let mut end = len;
    let mut block = vec![0u8; 64 << 10];
    while end > 0 {
        let start = end.saturating_sub(block.len() as u64);
        let chunk = &mut block[..(end - start) as usize];
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(chunk)?;
        if end == len && chunk.last() == Some(&b'\n') {
            return Ok(());
        }
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            return f.set_len(start + i as u64 + 1);
        }
        end = start;
    }
    f.set_len(0)
}

/// The parameter sets already in an output file (its complete lines), read line by line and
/// skipping each row's outputs unparsed.
fn finished_sets(path: &str) -> HashSet<String> {
    #[derive(serde::Deserialize)]
    struct Row {
        params: Json,
    }
    let Ok(f) = std::fs::File::open(path) else { return HashSet::new() };
    std::io::BufRead::lines(std::io::BufReader::new(f))
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<Row>(&l).ok())
        .map(|row| sweep::set_key(&row.params))
        .collect()
}

/// Runs the sets on `workers` threads; writes each row as it finishes. Returns (ok, failed).
fn run_all(
    plan: &Plan,
    todo: &[(usize, Vec<(String, String)>)],
    workers: usize,
    stopped: &Arc<AtomicBool>,
    sink: &mut RowSink,
) -> (usize, usize) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<Json>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, stopped) = (&next, stopped.clone());
            scope.spawn(move || worker(plan, todo, next, stopped, tx));
        }
        drop(tx);
        sink.write_all(rx, todo.len())
    })
}

/// Where result rows go: the output, whether a progress bar is drawn, and whether a write failed.
pub(crate) struct RowSink<'a> {
    pub out: &'a mut dyn Write,
    pub progress: bool,
    pub write_failed: bool,
}

impl RowSink<'_> {
    /// Writes rows as they come (a line each, flushed), with a progress bar on a terminal; stops
    /// at a failed write (a full disk, a closed pipe: the rows would be lost). Returns (ok, failed).
    pub fn write_all(&mut self, rows: impl IntoIterator<Item = Json>, total: usize) -> (usize, usize) {
        let started = Instant::now();
        let bar = self.progress && std::io::stderr().is_terminal();
        let (mut ok, mut failed) = (0, 0);
        for row in rows {
            if let Err(e) = writeln!(self.out, "{row}").and_then(|_| self.out.flush()) {
                eprintln!("flojoy: cannot write the rows: {e}");
                self.write_failed = true;
                break;
            }
            if row["status"] == "ok" {
                ok += 1;
            } else {
                failed += 1;
            }
            if bar {
                let n = ok + failed;
                let width = (30 * n / total.max(1)).min(30);
                let rate = n as f64 / started.elapsed().as_secs_f64().max(1e-9);
                eprint!(
                    "\r[{}{}] {n}/{total} ({failed} failed) {rate:.1} runs/s ",
                    "=".repeat(width),
                    " ".repeat(30 - width)
                );
            }
        }
        if bar {
            eprintln!();
        }
        (ok, failed)
    }
}

/// One thread: its own host (and Python worker), taking the next set until none is left or
/// Ctrl+C.
fn worker(
    plan: &Plan,
    todo: &[(usize, Vec<(String, String)>)],
    next: &AtomicUsize,
    stopped: Arc<AtomicBool>,
    tx: mpsc::Sender<Json>,
) {
    // a host (and Python worker) for the thread; a run cancelled by --max-seconds leaves its
    // token cancelled for good, so the next run gets a fresh host and token
    let make_host = || {
        let mut host = plan.seed.map_or_else(NativeHost::default, NativeHost::seeded);
        host.dir = plan.dir.clone();
        host.allow_download = plan.allow_download;
        host.write_anywhere = plan.write_anywhere;
        if let Some(p) = &plan.python {
            host.python = Python::new(p.clone());
        }
        host.python.timeout = plan.timeout;
        let cancel = CancelToken::new();
        host.stop_on(stopped.clone(), cancel.clone());
        (Rc::new(host) as Rc<dyn runtime::host::Host>, cancel)
    };
    let (mut host, mut cancel) = make_host();
    let Ok(loaded) = file::load(&plan.text, plan.seed.unwrap_or(0)) else { return };
    loop {
        if stopped.load(Ordering::SeqCst) {
            return;
        }
        if cancel.is_cancelled() {
            (host, cancel) = make_host();
        }
        let Some((run, set)) = todo.get(next.fetch_add(1, Ordering::SeqCst)) else { return };
        let mut flow = loaded.flow.clone();
        let applied = set.iter().try_for_each(|(t, v)| set_param(&mut flow, t, Json::String(v.clone())));
        let started = Instant::now();
        let (error, outputs) = match applied {
            Err(e) => (Some(e), json!({})),
            Ok(()) => {
                let report = futures::executor::block_on(schedule::run(
                    &flow,
                    host.clone(),
                    &plan.opts,
                    &cancel,
                    &mut Cache::new(),
                    &mut |_| {},
                ));
                if report.status == RunStatus::Cancelled && stopped.load(Ordering::SeqCst) {
                    // interrupted: not a result; --resume runs it again
                    return;
                }
                (run_error(&report), picked_outputs(&flow, &report, plan.outputs.as_deref()))
            }
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let row = sweep::row(*run, sweep::params_json(set), error.as_deref(), ms, "local", outputs);
        if tx.send(row).is_err() {
            return;
        }
    }
}

/// Why a run failed: its first failed node (label and first line), or the run's own reason.
fn run_error(report: &schedule::RunReport) -> Option<String> {
    if report.status == RunStatus::Ok {
        return None;
    }
    let node = report.nodes.iter().find_map(|(_, n)| {
        n.error
            .as_ref()
            .filter(|_| n.status == schedule::NodeState::Failed)
            .map(|e| format!("{}: {}", n.label, e.lines().next().unwrap_or_default()))
    });
    Some(node.or_else(|| report.error.clone()).unwrap_or_else(|| format!("{:?}", report.status)))
}

/// `{LABEL: value}` for the nodes asked for (default: the nodes no wire leaves, the flow's
/// results); a node with several outputs gives `{output: value}`.
fn picked_outputs(flow: &runtime::Flow, report: &schedule::RunReport, labels: Option<&[String]>) -> Json {
    let keep: Vec<&runtime::Node> = match labels {
        // a label, or a node's id (for labels that hold a comma)
        Some(labels) => labels
            .iter()
            .filter_map(|l| flow.find_label(l).or_else(|| flow.find_key(l)).and_then(|id| flow.node(id)))
            .collect(),
        None => flow.nodes().filter(|n| flow.edges_from(n.id).is_empty()).collect(),
    };
    // only the kept outputs become JSON (a 100,000-point output costs more to write than to compute)
    let all = report.to_json_keeping(|key| keep.iter().any(|n| n.key == key));
    let mut out = serde_json::Map::new();
    for n in keep {
        let outputs = &all["nodes"][&n.key]["outputs"];
        let value = match outputs.as_object() {
            Some(o) if o.len() == 1 => o.values().next().cloned().unwrap_or(Json::Null),
            Some(_) => outputs.clone(),
            None => Json::Null,
        };
        out.insert(n.label.clone(), value);
    }
    Json::Object(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    #[test]
    fn a_torn_last_line_is_cut_however_long() {
        let p = std::env::temp_dir().join(format!("flojoy-torn-{}", std::process::id()));
        let path = p.to_str().unwrap();
        let whole = "{\"a\":1}\n".repeat(3);
        let torn = "x".repeat(200_000); // longer than one block read backwards
        std::fs::write(&p, format!("{whole}{torn}")).unwrap();
        super::drop_torn_line(path).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), whole);
        super::drop_torn_line(path).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), whole, "a whole file stays as it is");
        std::fs::write(&p, &torn).unwrap();
        super::drop_torn_line(path).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "", "only a torn line: nothing is kept");
        assert_eq!(super::finished_sets(path).len(), 0);
        std::fs::write(&p, "{\"params\":{\"A.x\":1},\"outputs\":{\"big\":[1,2,3]}}\nnot json\n").unwrap();
        assert_eq!(super::finished_sets(path).len(), 1);
        std::fs::remove_file(&p).unwrap();
    }
}
