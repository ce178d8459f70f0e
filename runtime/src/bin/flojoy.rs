//! `flojoy`: runs Flojoy flow files headlessly.
//!
//! ```text
//! flojoy run FLOW.json [--json] [--seed N] [--max-seconds S]
//! flojoy check FLOW.json          # import and validate only
//! flojoy nodes                    # list the built-in nodes
//! ```
//! Exit codes: 0 the flow ran; 1 a node failed or the run was cancelled; 2 the file could not
//! be read or the flow is not valid; 64 bad usage.

use std::process::ExitCode;
use std::rc::Rc;

use runtime::host::NativeHost;
use runtime::schedule::{self, Cache, CancelToken, RunOptions, RunStatus};
use runtime::{file, nodes, validate};

const USAGE: &str = "usage: flojoy run FLOW.json [--json] [--seed N] [--max-seconds S]\n       flojoy check FLOW.json\n       flojoy nodes";

// glibc's malloc gives every freed 8 MB vector back to the system and page-faults the next one
// in: a million-sample flow ran at 59 ms instead of 33 (tests/bench/compare_dsp.mjs)
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") | Some("check") => run(&args),
        Some("nodes") => {
            for d in nodes::all() {
                println!("{:<28} {:<36} {}", d.spec.func, d.spec.path, d.spec.doc.lines().next().unwrap_or_default());
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
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
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--seed" => match it.next().and_then(|s| s.parse().ok()) {
                Some(s) => host.seed = Some(s),
                None => return usage("--seed needs a whole number"),
            },
            "--max-seconds" => match it.next().and_then(|s| s.parse::<f64>().ok()) {
                Some(s) => opts.max_runtime_ms = s * 1000.0,
                None => return usage("--max-seconds needs a number"),
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
    let loaded = match file::load(&text, host.entropy_seed()) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("flojoy: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    for w in &loaded.warnings {
        eprintln!("flojoy: {path}: warning: {w}");
    }
    if let Some(dir) = std::path::Path::new(&path).parent() {
        host.dir = dir.to_path_buf();
    }
    if check_only {
        let diags = validate::validate(&loaded.flow);
        for d in &diags {
            eprintln!("flojoy: {path}: {:?}: {}", d.severity, d.message);
        }
        println!("{} nodes, {} wires, {} problems", loaded.flow.len(), loaded.flow.edge_count(), diags.len());
        return if validate::has_errors(&diags) { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    let host: Rc<dyn runtime::host::Host> = Rc::new(host);
    let report = futures::executor::block_on(schedule::run(
        &loaded.flow,
        host,
        &opts,
        &CancelToken::new(),
        &mut Cache::new(),
        &mut |_| {},
    ));
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

fn usage(msg: &str) -> ExitCode {
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
