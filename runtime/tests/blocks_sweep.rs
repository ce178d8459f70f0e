//! Every per-block example app of Flojoy (`../shared/flojoy/apps/blocks`, one per node) runs
//! through the headless runner. Apps whose nodes are all available here must run to the end;
//! the others are listed with the reason (a node needing hardware, Python, model weights or a
//! cloud service, a sample data set we do not bundle, a node we do not have, a file on the
//! internet or one the example set lacks, or an example that fails in Flojoy too). Prints
//! `N passed, M failed, K not runnable here`, and how many of the apps that need neither
//! hardware nor a model pass (the coverage figure of issue 17).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::path::{Path, PathBuf};
use std::rc::Rc;

use runtime::flow::NodeKind;
use runtime::host::{NO_DOWNLOADS, NativeHost};
use runtime::schedule::{Cache, RunOptions, RunStatus};
use runtime::spec::Availability;
use runtime::{Flow, file};
use support::*;

fn all_apps() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![apps().join("blocks")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("app") && n.ends_with(".json"))
            {
                // Flojoy names its examples app.json (app_histogram.json, …); other JSON beside
                // them is data, not a flow
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Why an app cannot run headless here, if it cannot.
fn not_runnable(flow: &Flow) -> Option<String> {
    let mut why = Vec::new();
    for n in flow.nodes() {
        let spec = n.spec();
        match &n.kind {
            NodeKind::Unknown(_) => why.push(format!("{}: not a node we have", n.func())),
            NodeKind::Python(_) => why.push(format!("{}: Python (runs in the browser)", n.func())),
            NodeKind::Builtin(_) => match &spec.availability {
                Availability::Unavailable { reason } => why.push(format!("{}: {reason}", n.func())),
                Availability::Native if spec.path.starts_with("HARDWARE") => {
                    why.push(format!("{}: needs a device (runs in the browser)", n.func()))
                }
                Availability::Native => {}
            },
        }
    }
    why.sort();
    why.dedup();
    (!why.is_empty()).then(|| why.join("; "))
}

fn name(p: &Path) -> String {
    let blocks = apps().join("blocks");
    p.parent().unwrap().strip_prefix(&blocks).unwrap_or(p).display().to_string()
}

/// Examples that fail in Flojoy as they fail here: the same node stops with the same message,
/// because our node does what Flojoy's block does (each checked against the block's source).
/// `(app, "LABEL: error", why)`. Everything else in such an app must still run.
const FAILS_IN_FLOJOY_TOO: &[(&str, &str, &str)] = &[
    (
        "AI_ML/REGRESSION/LEAST_SQUARES",
        "ADD: operands could not be broadcast together with shapes (1000,) (300,)",
        ADD_SIZES,
    ),
    (
        "DATA/VISUALIZATION/PLOTLY/COMPOSITE",
        "ADD: operands could not be broadcast together with shapes (1000,) (300,)",
        ADD_SIZES,
    ),
    (
        "DSP/SAVGOL",
        "ADD: operands could not be broadcast together with shapes (1000,) (60,)",
        "ADD gets RAND's 1000 samples, as RAND ignores its input and makes `size` of them, and \
         BASIC_OSCILLATOR's 30 × 2 = 60; Flojoy's ADD is numpy.add, which fails the same way",
    ),
    (
        "ETL/TRANSFORM/MATRIX_MANIPULATION/DOT_PRODUCT",
        "DOT PRODUCT 1: Vector size must be equal to Matrix column size.",
        "DOT PRODUCT 1 multiplies MATRIX 2, 100 × 100 as its row and column are unwired inputs that \
         keep their defaults, by LINSPACE's 2 points; Flojoy's block asserts this message",
    ),
    (
        "ETL/EXTRACT/FILE/OPEN_IMAGE",
        "OPEN IMAGE: parameter 'file_path' is empty: pick an image file (PNG, JPEG or TIFF)",
        "the example leaves file_path empty, and Flojoy's block calls os.path.exists(None), a TypeError",
    ),
    (
        "ETL/EXTRACT/FILE/OPEN_PARQUET",
        "OPEN PARQUET: parameter 'file_path' is empty: pick a .parquet file",
        "the example leaves file_path empty, and Flojoy's block slices it (file_path[-8:] of None), a TypeError",
    ),
    ("ETL/TRANSFORM/ORDERED_PAIR_MANIPULATION/ORDERED_PAIR_DELETE", OP_DELETE_ERROR, OP_DELETE_EMPTY),
    ("ETL/TRANSFORM/ORDERED_PAIR_MANIPULATION/ORDERED_PAIR_INDEXING", OP_DELETE_ERROR, OP_DELETE_EMPTY),
    ("ETL/TRANSFORM/ORDERED_PAIR_MANIPULATION/ORDERED_PAIR_LENGTH", OP_DELETE_ERROR, OP_DELETE_EMPTY),
    ("ETL/TRANSFORM/ORDERED_PAIR_MANIPULATION/ORDERED_PAIR_XY_INVERT", OP_DELETE_ERROR, OP_DELETE_EMPTY),
];
/// Examples that run in Flojoy but stop here, for a difference we keep on purpose:
/// `(app, "LABEL: error", why)`.
const DIFFERS_FROM_FLOJOY: &[(&str, &str, &str)] = &[];
const ADD_SIZES: &str = "ADD adds CONSTANT's 1000 points to LINSPACE's 300; Flojoy's ADD is numpy.add, which \
                         fails the same way. Its docstring promises padding to the longer array, which its code never did";
const OP_DELETE_ERROR: &str = "ORDERED PAIR DELETE: The indices must be greater than zero.";
const OP_DELETE_EMPTY: &str = "ORDERED PAIR DELETE's `indices` is empty, which Flojoy parses as [] and \
                               rejects with this assertion, as any([] >= 0) is False";

/// Why a node's failure means the app cannot run here (or anywhere), if it does.
fn not_runnable_because(app: &str, app_dir: &Path, label: &str, error: &str) -> Option<String> {
    let cause = format!("{label}: {error}");
    if let Some((_, _, why)) = FAILS_IN_FLOJOY_TOO.iter().find(|(a, e, _)| *a == app && *e == cause) {
        return Some(format!("fails in Flojoy too: {cause} — {why}"));
    }
    if let Some((_, _, why)) = DIFFERS_FROM_FLOJOY.iter().find(|(a, e, _)| *a == app && *e == cause) {
        return Some(format!("runs in Flojoy, not here: {cause} — {why}"));
    }
    if error.contains(NO_DOWNLOADS) {
        let url = error.split('\'').nth(1).unwrap_or("a URL");
        return Some(format!("needs the network: {label} reads {url}"));
    }
    if error.contains("Flojoy Web bundles only") {
        // the node is here, the sample data set or image is not (see SKIMAGE, datasets)
        return Some(cause);
    }
    // an empty path that Flojoy fills with the block's example file, which the example set lacks
    if let Some(file) = error.split("example file ").nth(1).and_then(|r| r.split(',').next()) {
        return Some(format!("needs Flojoy's example file {file} ({label}), which the example set does not ship"));
    }
    // a file the example names but the example set does not ship: Flojoy keeps these in the
    // block's assets/ folder of its repository
    let missing = (error.strip_prefix("cannot read '"))
        .or_else(|| error.strip_prefix("cannot read the folder '"))
        .and_then(|r| r.split_once("': "))
        .map(|(p, _)| Path::new(p));
    if let Some(path) = missing.filter(|p| !p.exists()) {
        let asked = path.strip_prefix(app_dir).unwrap_or(path).display().to_string();
        if path.components().any(|c| c.as_os_str() == "assets") {
            return Some(format!(
                "needs '{asked}' ({label}), which Flojoy's repository has in a block's assets/ folder but the \
                 example set does not"
            ));
        }
    }
    None
}

#[test]
fn every_per_block_app_runs_headless() {
    let files = all_apps();
    assert!(files.len() >= 150, "found {} apps", files.len());
    let scratch = std::env::temp_dir().join(format!("flojoy-blocks-sweep-{}", std::process::id()));
    let (mut passed, mut failed, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    for p in &files {
        let app = name(p);
        let text = std::fs::read_to_string(p).unwrap();
        let flow = match file::load(&text, 7) {
            Ok(l) => l.flow,
            Err(e) => {
                failed.push((app, format!("not a flow: {e}")));
                continue;
            }
        };
        if let Some(why) = not_runnable(&flow) {
            skipped.push((app, why));
            continue;
        }
        // files named by an app resolve next to it; an endless LOOP (num_loops -1) is stopped
        // by the run-time limit, which counts as a pass when nothing failed before it
        let app_dir = p.parent().unwrap().to_path_buf();
        let mut native = NativeHost::seeded(1);
        native.dir = app_dir.clone();
        let host = SweepHost { native, out: scratch.join(app.replace('/', "_")), python: None };
        // the limit stops endless LOOPs (num_loops -1); an app without a LOOP gets time enough for
        // a debug build on a busy machine
        let looping = flow.nodes().any(|n| n.func() == "LOOP");
        let opts = RunOptions { max_runtime_ms: if looping { 3000.0 } else { 120_000.0 }, ..RunOptions::default() };
        let (report, _) = run_with(&flow, Rc::new(host), &opts, &mut Cache::new());
        let errors: Vec<(String, String)> = report
            .nodes
            .iter()
            .filter_map(|(_, n)| n.error.as_ref().map(|e| (n.label.clone(), e.lines().next().unwrap_or("").to_owned())))
            // a TIMER the limit stopped mid-wait is the limit's doing, not the node's failure
            .filter(|(_, e)| !e.starts_with("cancelled while running: maximum run time exceeded"))
            .collect();
        let endless = report.status == RunStatus::Cancelled && errors.is_empty();
        let expected = FAILS_IN_FLOJOY_TOO.iter().chain(DIFFERS_FROM_FLOJOY).find(|(a, _, _)| *a == app);
        if report.status == RunStatus::Ok || endless {
            match expected {
                Some((_, e, _)) => failed.push((
                    app,
                    format!(
                        "ran, but was listed as failing with '{e}': update FAILS_IN_FLOJOY_TOO / DIFFERS_FROM_FLOJOY"
                    ),
                )),
                None => passed.push(app),
            }
            continue;
        }
        // the root causes: the nodes' own errors, not the "skipped: … failed upstream" they caused.
        // The app is not runnable here only if every root cause says why; the rest must have run.
        let causes: Vec<&(String, String)> = errors.iter().filter(|(_, e)| !e.starts_with("skipped")).collect();
        let reasons: Vec<Option<String>> =
            causes.iter().map(|(l, e)| not_runnable_because(&app, &app_dir, l, e)).collect();
        if !causes.is_empty() && reasons.iter().all(Option::is_some) {
            let mut why: Vec<String> = reasons.into_iter().flatten().collect();
            why.dedup();
            skipped.push((app, why.join("; ")));
        } else {
            let why = causes
                .iter()
                .zip(&reasons)
                .find(|(_, r)| r.is_none())
                .map(|((l, e), _)| format!("{l}: {e}"))
                .or(report.error.clone())
                .unwrap_or_else(|| format!("{:?}", report.status));
            failed.push((app, why));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let mut summary = format!(
        "per-block apps: {} passed, {} failed, {} not runnable here\n",
        passed.len(),
        failed.len(),
        skipped.len()
    );
    // the apps that need neither an instrument nor a model / model library
    let needs_hardware_or_model =
        |why: &str| ["needs a device", "vendor's driver", "model", "Prophet"].iter().any(|k| why.contains(k));
    let excluded = skipped.iter().filter(|(_, why)| needs_hardware_or_model(why)).count();
    let eligible = files.len() - excluded;
    summary += &format!(
        "apps needing no hardware and no model: {} of {eligible} pass ({:.0}%)\n",
        passed.len(),
        100.0 * passed.len() as f64 / eligible as f64
    );
    for (n, why) in &failed {
        summary += &format!("  FAILED  {n}: {why}\n");
    }
    for (n, why) in &skipped {
        summary += &format!("  skipped {n}: {why}\n");
    }
    eprint!("\n{summary}");
    // ./dev test prints it after the native tests (cargo shows a passing test's output only with --nocapture)
    let _ = std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/blocks_sweep.txt"), &summary);
    assert!(failed.is_empty(), "{} apps whose nodes are all here failed: {failed:#?}", failed.len());
}
