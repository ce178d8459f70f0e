//! The native side of the DSP benchmark (`tests/bench/compare_dsp.mjs`): runs a flow file
//! (by default `tests/bench/noisy_sine_dsp.json`) through `schedule::run` `--warmup` times
//! untimed, then `--runs` times, and prints one JSON object: the median milliseconds of every
//! node (by label), of the nodes' sum and of the whole run (and every run's numbers, under
//! `samples`), plus summary numbers of the signal (ADD), FFT and BUTTER outputs so the other
//! implementations can be checked against it.
//!
//! ```text
//! cargo run --release -p flojoy-runtime --example dsp_bench -- [FLOW] [--runs N] [--warmup N] [--signal PATH]
//! ```
//! `--signal PATH` writes ADD's y (the noisy sine) as raw little-endian f64, so numpy can
//! filter exactly the same samples.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::rc::Rc;

use runtime::host::{Host, NativeHost};
use runtime::schedule::{self, Cache, CancelToken, RunOptions, RunReport, RunStatus};
use runtime::value::Value;
use serde_json::{Value as Json, json};

struct Args {
    flow: String,
    runs: usize,
    warmup: usize,
    signal: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let default_flow = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/bench/noisy_sine_dsp.json");
    let mut a = Args { flow: default_flow.into(), runs: 7, warmup: 2, signal: None };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut count = |name: &str| {
            it.next().and_then(|s| s.parse::<usize>().ok()).ok_or_else(|| format!("{name} needs a whole number"))
        };
        match arg.as_str() {
            "--runs" => a.runs = count("--runs")?.max(1),
            "--warmup" => a.warmup = count("--warmup")?,
            "--signal" => a.signal = Some(it.next().ok_or("--signal needs a path")?),
            p if !p.starts_with("--") => a.flow = p.into(),
            other => return Err(format!("unexpected argument '{other}'")),
        }
    }
    Ok(a)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn rms(v: &[f64]) -> f64 {
    (v.iter().map(|a| a * a).sum::<f64>() / v.len() as f64).sqrt()
}

/// The (x, y) of the OrderedPair a node (by label) produced.
fn pair<'r>(report: &'r RunReport, label: &str) -> Result<(&'r [f64], &'r [f64]), String> {
    let node = report.by_label(label).ok_or_else(|| format!("the flow has no node labelled {label}"))?;
    match node.outputs.first().map(|(_, d)| &**d) {
        Some(Value::OrderedPair { x, y }) => Ok((x, y)),
        _ => Err(format!("{label} did not produce an OrderedPair")),
    }
}

/// The numbers every implementation reports (tests/bench/compare_dsp.mjs compares them):
/// the same definitions are in dsp.mjs and dsp_numpy.py.
fn summary(report: &RunReport) -> Result<Json, String> {
    let (_, signal) = pair(report, "ADD")?;
    let (freq, mag) = pair(report, "FFT")?;
    let (_, filtered) = pair(report, "BUTTER")?;
    let peak = (0..mag.len()).fold(0, |best, i| if mag[i] > mag[best] { i } else { best });
    Ok(json!({
        "signal": {"n": signal.len(), "head": &signal[..3.min(signal.len())], "rms": rms(signal)},
        "fft": {
            "n": mag.len(),
            "peak_hz": freq.get(peak),
            "peak": mag.get(peak),
            "mean": mag.iter().sum::<f64>() / mag.len() as f64,
        },
        "butter": {
            "n": filtered.len(),
            "head": &filtered[..4.min(filtered.len())],
            "last": filtered.last(),
            "rms": rms(filtered),
        },
    }))
}

fn run_once(flow: &runtime::Flow, host: &Rc<dyn Host>) -> Result<RunReport, String> {
    let report = futures::executor::block_on(schedule::run(
        flow,
        host.clone(),
        &RunOptions::default(),
        &CancelToken::new(),
        &mut Cache::new(),
        &mut |_| {},
    ));
    if report.status != RunStatus::Ok {
        return Err(format!("the flow did not run: {}", report.summary()));
    }
    Ok(report)
}

fn bench(args: &Args) -> Result<Json, String> {
    let text = std::fs::read_to_string(&args.flow).map_err(|e| format!("cannot read {}: {e}", args.flow))?;
    let flow = runtime::file::load(&text, 1).map_err(|e| format!("{}: {e}", args.flow))?.flow;
    let host: Rc<dyn Host> = Rc::new(NativeHost::seeded(1));
    for _ in 0..args.warmup {
        run_once(&flow, &host)?;
    }
    let mut per_node: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let (mut sums, mut walls) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..args.runs {
        let report = run_once(&flow, &host)?;
        for (_, n) in &report.nodes {
            per_node.entry(n.label.clone()).or_default().push(n.ms);
        }
        sums.push(report.nodes.iter().map(|(_, n)| n.ms).sum());
        walls.push(report.ms);
        last = Some(report);
    }
    let report = last.ok_or("no run")?;
    if let Some(path) = &args.signal {
        let (_, y) = pair(&report, "ADD")?;
        let bytes: Vec<u8> = y.iter().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let ms: BTreeMap<&String, f64> = per_node.iter().map(|(k, v)| (k, median(v.clone()))).collect();
    Ok(json!({
        "runs": args.runs,
        "warmup": args.warmup,
        "ms": ms,
        "nodes_ms": median(sums.clone()),
        "run_ms": median(walls.clone()),
        "samples": {"ms": per_node, "nodes_ms": sums, "run_ms": walls},
        "summary": summary(&report)?,
    }))
}

// glibc's malloc gives every freed 8 MB vector back to the system and page-faults the next one
// in: a million-sample flow ran at 59 ms instead of 33 (tests/bench/compare_dsp.mjs)
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match parse_args().and_then(|a| bench(&a)) {
        Ok(j) => {
            println!("{j}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dsp_bench: {e}");
            ExitCode::FAILURE
        }
    }
}
