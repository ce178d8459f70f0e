//! `flojoy`: runs Flojoy flow files headlessly.
//!
//! ```text
//! flojoy run FLOW.json [--json] [--seed N] [--max-seconds S] [--set LABEL.PARAM=VALUE]…
//!                      [--python PATH] [--timeout SECONDS] [--allow-download] [--write-anywhere]
//! flojoy check FLOW.json [--set LABEL.PARAM=VALUE]…   # import and validate only
//! flojoy sweep FLOW.json --set LABEL.PARAM=START:STOP:COUNT|v1,v2,… [--out runs.jsonl] …
//! flojoy batch FLOW.json --files 'data/*.csv' --into LABEL.PARAM [--out runs.jsonl] …
//! flojoy nodes                    # list the built-in nodes
//! ```
//! Python nodes run in the machine's CPython (`python3` on PATH, or `--python PATH`), one
//! worker process for the run; `--timeout` stops a Python node that runs longer (its worker
//! is restarted and the run goes on); Ctrl+C stops the run and reports it (twice: exit now).
//! Nodes that read a URL (REMOTE_FILE, READ_CSV) download it only with `--allow-download`: a flow
//! file is untrusted input, so reaching the network is the user's choice. For the same reason
//! exports save only inside the flow's folder unless `--write-anywhere`.
//! Exit codes: 0 the flow ran; 1 a node failed or the run was cancelled; 2 the file could not
//! be read, the flow is not valid or a `--set` names no node or parameter; 64 bad usage.

mod dask;
mod sweep;

use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use runtime::host::NativeHost;
use runtime::python::Python;
use runtime::schedule::{self, Cache, CancelToken, RunOptions, RunStatus};
use runtime::{file, nodes, validate};

const USAGE: &str = "usage: flojoy run FLOW.json [--json] [--seed N] [--max-seconds S] [--set LABEL.PARAM=VALUE]...\n                  [--python PATH] [--timeout SECONDS] [--allow-download] [--write-anywhere]\n       flojoy check FLOW.json [--set LABEL.PARAM=VALUE]...\n       flojoy nodes";

// glibc's malloc gives every freed 8 MB vector back to the system and page-faults the next one
// in: a million-sample flow ran at 59 ms instead of 33 (tests/bench/compare_dsp.mjs)
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") | Some("check") => run(&args),
        Some("sweep") | Some("batch") => sweep::main(&args),
        Some("nodes") => {
            for d in nodes::all() {
                println!("{:<28} {:<36} {}", d.spec.func, d.spec.path, d.spec.doc.lines().next().unwrap_or_default());
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}\n{}", sweep::USAGE);
            ExitCode::from(64)
        }
    }
}

fn run(args: &[String]) -> ExitCode {
    let check_only = args[0] == "check";
    let mut path = None;
    let mut json = false;
    let mut host = NativeHost::default();
    let mut opts = RunOptions::default();
    let mut sets = Vec::new();
    let mut python = None;
    let mut timeout = None;
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--allow-download" => host.allow_download = true,
            "--write-anywhere" => host.write_anywhere = true,
            "--seed" => match it.next().and_then(|s| s.parse().ok()) {
                Some(s) => host.seed = Some(s),
                None => return usage("--seed needs a whole number"),
            },
            "--max-seconds" => match it.next().and_then(|s| s.parse::<f64>().ok()) {
                Some(s) => opts.max_runtime_ms = s * 1000.0,
                None => return usage("--max-seconds needs a number"),
            },
            "--set" => match it.next() {
                Some(s) if s.contains('=') => sets.push(s.clone()),
                _ => return usage("--set needs LABEL.PARAM=VALUE"),
            },
            "--python" => match it.next() {
                Some(p) => python = Some(p.clone()),
                None => return usage("--python needs the path of a Python 3 interpreter"),
            },
            "--timeout" => match it.next().and_then(|s| s.parse::<f64>().ok()).filter(|s| *s > 0.0 && s.is_finite()) {
                Some(s) => timeout = Some(Duration::from_secs_f64(s)),
                None => return usage("--timeout needs a number of seconds above 0"),
            },
            p if path.is_none() && !p.starts_with("--") => path = Some(p.to_owned()),
            other => return usage(&format!("unexpected argument '{other}'")),
        }
    }
    let Some(path) = path else {
        return usage("which flow file?");
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("flojoy: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut loaded = match file::load(&text, host.entropy_seed()) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("flojoy: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    for w in &loaded.warnings {
        eprintln!("flojoy: {path}: warning: {w}");
    }
    for s in &sets {
        if let Err(e) = runtime::flow::set_param_arg(&mut loaded.flow, s) {
            eprintln!("flojoy: --set {s}: {e}");
            return ExitCode::from(2);
        }
    }
    if let Some(dir) = std::path::Path::new(&path).parent() {
        host.dir = dir.to_path_buf();
    }
    if let Some(p) = python {
        host.python = Python::new(p);
    }
    host.python.timeout = timeout;
    // Ctrl+C stops the running node and the run, which then reports; a second one exits at once
    let cancel = CancelToken::new();
    let interrupted = Arc::new(AtomicBool::new(false));
    let _ = signal_hook::flag::register_conditional_shutdown(signal_hook::consts::SIGINT, 130, interrupted.clone());
    let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, interrupted.clone());
    host.stop_on(interrupted, cancel.clone());
    if check_only {
        let diags = validate::validate(&loaded.flow);
        for d in &diags {
            eprintln!("flojoy: {path}: {:?}: {}", d.severity, d.message);
        }
        println!("{} nodes, {} wires, {} problems", loaded.flow.len(), loaded.flow.edge_count(), diags.len());
        return if validate::has_errors(&diags) { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    let host: Rc<dyn runtime::host::Host> = Rc::new(host);
    let report =
        futures::executor::block_on(schedule::run(&loaded.flow, host, &opts, &cancel, &mut Cache::new(), &mut |_| {}));
    if json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.summary());
    }
    match report.status {
        RunStatus::Ok => ExitCode::SUCCESS,
        RunStatus::Failed if !report.diagnostics.is_empty() && report.nodes.iter().all(|(_, n)| n.runs == 0) => {
            for d in report.diagnostics.iter().filter(|d| d.severity == validate::Severity::Error) {
                eprintln!("flojoy: {path}: {}", d.message);
            }
            ExitCode::from(2)
        }
        _ => {
            for (key, n) in &report.nodes {
                if let Some(e) = n.error.as_ref().filter(|_| n.status == schedule::NodeState::Failed) {
                    eprintln!(
                        "flojoy: {path}: node {} ({key}) failed: {}",
                        n.label,
                        e.lines().next().unwrap_or_default()
                    );
                }
            }
            if let Some(e) = &report.error {
                eprintln!("flojoy: {path}: {e}");
            }
            ExitCode::from(1)
        }
    }
}

pub(crate) fn usage(msg: &str) -> ExitCode {
    eprintln!("flojoy: {msg}\n{USAGE}");
    ExitCode::from(64)
}

trait Seed {
    fn entropy_seed(&self) -> u64;
}

impl Seed for NativeHost {
    fn entropy_seed(&self) -> u64 {
        use runtime::host::Host;
        self.entropy()
    }
}
