//! Flojoy Studio's own Python blocks run unchanged as Python nodes.
//!
//! Every block of `../shared/flojoy/blocks-py` outside HARDWARE and AI_ML, its source pasted
//! as a node's code (`data.code`, no port list: the importer reads the signature), runs in the
//! machine's CPython through the native host, on inputs from its per-block example app
//! (`../shared/flojoy/apps/blocks/<folder>/app.json`, the block's node made a Python node)
//! or, where there is none or it cannot run here, from a small flow of built-in generators.
//! Blocks that are also built-in nodes run in the same flow both ways, and every output that
//! differs beyond 1e-9 is listed; each difference must be explained in `EXPLAINED` (or fixed
//! in the built-in). Prints `N passed, M failed` with each failure's reason:
//!
//! ```text
//! cargo test -p flojoy-runtime --test studio_blocks -- --nocapture
//! ```
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::path::{Path, PathBuf};
use std::rc::Rc;

use runtime::flow::NodeKind;
use runtime::host::NativeHost;
use runtime::python::Python;
use runtime::schedule::{Cache, NodeState, RunOptions, RunReport, RunStatus};
use runtime::spec::Availability;
use runtime::value::{ColumnData, Figure, Matrix, NumArray, Value};
use runtime::{Flow, file, nodes};
use serde_json::{Value as Json, json};

/// Blocks that cannot run here, and why (counted as failed, never skipped silently).
const CANNOT_RUN_HERE: &[(&str, &str)] = &[
    ("EXPORT_S3", "uploads to Amazon S3 (boto3, AWS credentials): a cloud service"),
    ("READ_S3", "downloads from Amazon S3 (boto3, credentials from keyring): a cloud service"),
    ("FLOJOY_CLOUD_UPLOAD", "uploads to Flojoy Cloud (the flojoy_cloud client), a service that no longer runs"),
    ("FLOJOY_CLOUD_DOWNLOAD", "downloads from Flojoy Cloud (the flojoy_cloud client), a service that no longer runs"),
    ("PROPHET_PLOT", "needs a fitted prophet model (the prophet package and its Stan build), as PROPHET_PREDICT"),
    ("PROPHET_COMPONENTS", "needs a fitted prophet model (the prophet package and its Stan build), as PROPHET_PREDICT"),
    ("TEXT_DATASET", "downloads the 20 newsgroups data set (scikit-learn's fetch_20newsgroups): needs the network"),
    ("REMOTE_FILE", "downloads a file from a URL: needs the network"),
    ("REPORT_GENERATION", "writes an HTML report and opens it in a web browser tab (webbrowser.open_new_tab)"),
    (
        "FEEDBACK",
        "reads another node's result with flojoy.get_job_result, which only Flojoy Studio's scheduler \
         has (the built-in FEEDBACK does the same here)",
    ),
];

/// Blocks that keep state in Python's SmallMemory for each other: in an app they are made
/// Python nodes together (a built-in LOOP_INDEX cannot read a Python LOOP's counter).
const FAMILIES: &[&[&str]] = &[&["LOOP", "LOOP_INDEX", "BREAK"]];

/// Blocks whose output is random (unseeded in Flojoy): only its type and shape are compared.
const RANDOM: &[&str] = &["RAND", "POPULATE", "MATRIX", "SHUFFLE_VECTOR", "SHUFFLE_MATRIX", "UNIX_TIMESTAMP"];

/// Parameters for the block in a flow built from generators (where the defaults do not fit).
fn block_params(block: &str) -> Json {
    match block {
        "BINOM_TEST" => json!({"n": 10}),
        "TENSORINV" => json!({"ind": 1}),
        // the generated signal is 2 ± 1: the limit must leave some values in
        "TMAX" => json!({"upperlimit": 2.5}),
        // the block reads "" as "no limit" and its own defaults (None) as a number
        "PEAK_DETECTION" => json!({"height": "", "threshold": "", "distance": "", "prominence": "", "width": "",
                                   "wlen": "", "rel_height": "", "plateau_size": ""}),
        "EXTRACT_COLUMNS" => json!({"columns": "sepal_length, species"}),
        "ORDERED_PAIR_DELETE" => json!({"indices": "1, 3"}),
        // the default function is empty, which sympy cannot parse
        "DOUBLE_DEFINITE_INTEGRAL" => json!({"function": "x*y", "upper_bound_x": 2.0, "upper_bound_y": 1.0}),
        _ => json!({}),
    }
}

/// Files the examples name on their authors' machines, replaced by files of this machine (in
/// the app and in generated flows alike). `{scratch}` is the sweep's scratch folder, where
/// the Python worker runs; `{assets}` the runtime's bundled assets.
const HERE: &[(&str, &str, &str)] = &[
    ("EXPORT_MATLAB", "dir", "{scratch}"),
    ("OPEN_IMAGE", "file_path", "{assets}/astronaut.png"),
    ("READ_CSV", "file_path", "{assets}/iris.csv"),
    ("OPEN_PARQUET", "file_path", "{scratch}/iris.parquet"),
    ("OPEN_MATLAB", "file_path", "{scratch}/sine.mat"),
    ("BATCH_PROCESSOR", "directory_path", "{scratch}/ETL/LOAD/LOCAL_FILE_SYSTEM/BATCH_PROCESSOR/assets"),
];

/// Sample-data nodes whose data sets only the Studio block has (plotly's and scikit-learn's):
/// in an example app they run as Python nodes too, so the app gets the data it was made for.
const DATA_SOURCES: &[&str] = &["PLOTLY_DATASET", "SCIKIT_LEARN_DATASET", "SKIMAGE"];

/// Example apps that fail in Flojoy too before the block can show anything (see
/// blocks_sweep.rs): the block runs on generated inputs instead.
const APP_FAILS_IN_FLOJOY: &[(&str, &str)] = &[
    (
        "DOT_PRODUCT",
        "its app multiplies a 100 × 100 MATRIX by LINSPACE's 2 points, which the block refuses with an assertion",
    ),
    ("ORDERED_PAIR_DELETE", "its app leaves `indices` empty, which the block refuses (any([] >= 0) is False)"),
    (
        "BATCH_PROCESSOR",
        "its app counts iterations through FEEDBACK nodes whose referred_node is empty, so the second \
         BATCH_PROCESSOR starts past iteration 2 and reads a file list it never stored",
    ),
];

/// Blocks that fail on this machine's numpy/scipy (as pinned in tests/requirements.txt) or as
/// written, and why. A failure not listed here or in `CANNOT_RUN_HERE` fails the test.
const KNOWN_FAILURES: &[(&str, &str)] = &[
    ("BSPLINE", "scipy 1.13 removed scipy.signal.bspline (the block was generated from an older scipy)"),
    ("CUBIC", "scipy 1.13 removed scipy.signal.cubic (the block was generated from an older scipy)"),
    ("QUADRATIC", "scipy 1.13 removed scipy.signal.quadratic (the block was generated from an older scipy)"),
    ("CHOLESKY", "numpy 2 made numpy.linalg.cholesky's argument positional-only; the block calls cholesky(a=...)"),
    (
        "BAYES_MVS",
        "scipy.stats.bayes_mvs gives three (statistic, interval) results, which the block puts in an \
         OrderedPair's y as they are: numpy cannot make one array of them",
    ),
    ("KAISER_BETA", "scipy.signal.kaiser_beta takes one attenuation; the block passes the whole y array"),
    ("MVSDIST", "scipy.stats.mvsdist gives distribution objects, which the block passes to float()"),
    (
        "BINOM_TEST",
        "scipy.stats.binomtest needs an integer k; a Scalar's number is a float64 here (SCALAR's is a \
         float in Flojoy too)",
    ),
    (
        "VECTOR_2_SCALAR",
        "it needs a Vector of numpy ints or bools (Flojoy's VECTOR makes ints); numbers cross between \
         nodes as float64 here",
    ),
];

/// Differences between the Python block and our built-in node, each explained: `(block,
/// start of the difference, why)`. An unexplained difference fails the test.
const EXPLAINED: &[(&str, &str, &str)] = &[
    (
        "SKIMAGE",
        "default.",
        "the built-in's astronaut is Flojoy's bundled astronaut.png (640 × 480, LOCAL_FILE's default \
         picture); Studio's block returns skimage.data.astronaut() (512 × 512): noted at the built-in",
    ),
    (
        "EXTREMA_DETERMINATION",
        "fig trace 1 ",
        "the astronaut's white (255) patches give LoG responses that tie to the last bit, so which tied \
         place each 3 × 3 window picks is decided by FFT rounding: scipy's own fftconvolve and oaconvolve \
         disagree on 13150 of its windows. One large patch of blobs, and so its centroid, differs; the \
         other 45 peaks are equal: noted at the built-in",
    ),
    ("EXTREMA_DETERMINATION", "blobs.m", "as for its figure: ties in the white patches decided by FFT rounding"),
];

// ------------------------------------------------------------------------------------------
// Running: one Python worker for the whole sweep (support::SweepHost), files relative to each app

fn run(flow: &Flow, python: &Rc<Python>, dir: &Path, out: &Path) -> RunReport {
    let mut native = NativeHost::seeded(1);
    native.dir = dir.to_path_buf();
    let host = support::SweepHost { native, python: Some(python.clone()), out: out.to_path_buf() };
    // an endless LOOP (num_loops -1) is stopped by the run-time limit
    // (an app without a LOOP gets time for a debug build on a busy machine: 512 × 512 sample
    // images now reach the vision blocks)
    let looping = flow.nodes().any(|n| n.func() == "LOOP");
    let opts = RunOptions { max_runtime_ms: if looping { 3000.0 } else { 120_000.0 }, ..RunOptions::default() };
    support::run_with(flow, Rc::new(host), &opts, &mut Cache::new()).0
}

// ------------------------------------------------------------------------------------------
// Flows: the block's example app, or generators feeding the block

/// The app with the nodes of `code`'s funcs given their Studio source as code, the files of
/// `HERE` put in, and endless loops made 3 rounds (so that both runs do the same work) unless
/// a BREAK ends them.
fn with_code(app: &Json, code: &[(&str, String)], scratch: &Path) -> Json {
    let mut app = app.clone();
    let text = app.to_string();
    let has_break = text.contains("\"func\":\"BREAK\"");
    let nodes = app.pointer_mut("/rfInstance/nodes").and_then(Json::as_array_mut);
    for n in nodes.into_iter().flatten() {
        let func = n.pointer("/data/func").and_then(Json::as_str).unwrap_or_default().to_owned();
        if let Some((_, c)) = code.iter().find(|(f, _)| *f == func) {
            n["data"]["code"] = json!(c);
        }
        for (_, param, value) in HERE.iter().filter(|(b, _, _)| *b == func) {
            n["data"]["ctrls"][*param] = json!({"param": param, "value": here(value, scratch)});
        }
        if func == "LOOP" && !has_break && n.pointer("/data/ctrls/num_loops/value").and_then(Json::as_f64) == Some(-1.0)
        {
            n["data"]["ctrls"]["num_loops"]["value"] = json!(3);
        }
    }
    app
}

fn here(value: &str, scratch: &Path) -> String {
    let assets = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets");
    value.replace("{scratch}", &scratch.display().to_string()).replace("{assets}", &assets.display().to_string())
}

/// What the examples expect beside the block (Studio's block folders have these): the
/// sample picture in `assets/`, files for BATCH_PROCESSOR to find, a parquet and a MATLAB file.
fn prepare(scratch: &Path) {
    std::fs::create_dir_all(scratch.join("assets")).unwrap();
    let picture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/astronaut.png");
    std::fs::copy(&picture, scratch.join("assets/astronaut.png")).unwrap();
    let batch = scratch.join("ETL/LOAD/LOCAL_FILE_SYSTEM/BATCH_PROCESSOR/assets");
    std::fs::create_dir_all(&batch).unwrap();
    for name in ["a.tif", "b.tif"] {
        std::fs::copy(&picture, batch.join(name)).unwrap();
    }
    let iris = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/iris.csv");
    let script = format!(
        "import numpy as np, pandas as pd, scipy.io\n\
         pd.read_csv({iris:?}).to_parquet({parquet:?})\n\
         scipy.io.savemat({mat:?}, {{'x': np.linspace(0, 1, 50), 'y': np.sin(np.linspace(0, 1, 50))}})\n",
        iris = iris.display().to_string(),
        parquet = scratch.join("iris.parquet").display().to_string(),
        mat = scratch.join("sine.mat").display().to_string(),
    );
    let ok = std::process::Command::new("python3").args(["-c", &script]).status().unwrap();
    assert!(ok.success(), "the sweep's data files could not be written");
}

/// Why a flow cannot run here (a node we do not have, hardware, a model, a cloud service).
fn not_runnable(flow: &Flow) -> Option<String> {
    let mut why = Vec::new();
    for n in flow.nodes() {
        match &n.kind {
            NodeKind::Unknown(_) => why.push(format!("{} is not a node we have", n.func())),
            NodeKind::Builtin(_) if n.spec().path.starts_with("HARDWARE") => {
                why.push(format!("{} needs a device", n.func()))
            }
            NodeKind::Builtin(_) => {
                if let Availability::Unavailable { reason } = &n.spec().availability {
                    why.push(format!("{}: {reason}", n.func()));
                }
            }
            NodeKind::Python(_) => {}
        }
    }
    why.sort();
    why.dedup();
    (!why.is_empty()).then(|| why.join("; "))
}

fn generator(id: &str, func: &str, ctrls: Json) -> Json {
    let ctrls: serde_json::Map<String, Json> = ctrls
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), json!({"param": k, "value": v}))).collect())
        .unwrap_or_default();
    json!({"id": id, "data": {"id": id, "label": id, "func": func, "ctrls": ctrls}})
}

/// Built-in generators for an input of type `ty`: their nodes and the one to wire from.
fn source(ty: &str, i: usize) -> Option<(Vec<Json>, String)> {
    let id = |f: &str| format!("{f}-src{i}");
    let sine = || {
        vec![
            generator(&id("LINSPACE"), "LINSPACE", json!({"start": 0, "end": 10, "step": 1000})),
            generator(&id("SINE"), "SINE", json!({"frequency": 0.7, "offset": 2})),
        ]
    };
    let chain = |nodes: Vec<Json>| {
        let last = nodes.last()?.get("id")?.as_str()?.to_owned();
        Some((nodes, last))
    };
    match ty {
        "OrderedPair" | "Any" => chain(sine()),
        "Vector" => chain(vec![generator(&id("LINSPACE"), "LINSPACE", json!({"start": 1, "end": 10, "step": 1000}))]),
        "Scalar" => chain(vec![generator(&id("SCALAR"), "SCALAR", json!({"value": 3 + i}))]),
        // BATCH_PROCESSOR's first iteration (it lists the files)
        "first iteration" => chain(vec![generator(&id("SCALAR"), "SCALAR", json!({"value": 1}))]),
        // a symmetric positive definite 3 × 3 (CHOLESKY, EIGH need one)
        "Matrix" => chain(vec![
            generator(&id("VECTOR"), "VECTOR", json!({"elements": "4,1,0,1,3,1,0,1,2", "elements_type": "numeric"})),
            generator(&id("VECTOR_2_MATRIX"), "VECTOR_2_MATRIX", json!({"row": 3, "col": 3})),
        ]),
        "DataFrame" => chain(vec![generator(
            &id("READ_CSV"),
            "READ_CSV",
            json!({"file_path": here("{assets}/iris.csv", Path::new(""))}),
        )]),
        "FFT table" => {
            chain(sine().into_iter().chain([generator(&id("FFT"), "FFT", json!({"display": false}))]).collect())
        }
        "OrderedTriple" => chain(vec![
            generator(&id("READ_CSV"), "READ_CSV", json!({"file_path": here("{assets}/iris.csv", Path::new(""))})),
            generator(&id("DF_2_ORDERED_TRIPLE"), "DF_2_ORDERED_TRIPLE", json!({})),
        ]),
        "Plotly" => chain(sine().into_iter().chain([generator(&id("LINE"), "LINE", json!({}))]).collect()),
        "String" => chain(vec![generator(&id("TEXT"), "TEXT", json!({"value": "Hello World!"}))]),
        "Boolean" => chain(vec![generator(&id("BOOLEAN"), "BOOLEAN", json!({}))]),
        "Image" => chain(vec![generator(&id("LOCAL_FILE"), "LOCAL_FILE", json!({"file_type": "Image"}))]),
        "Grayscale" => chain(vec![generator(&id("LOCAL_FILE"), "LOCAL_FILE", json!({"file_type": "Grayscale"}))]),
        _ => None,
    }
}

/// Generators feeding each required input of the block (its ports as the code declares them).
fn generated(block: &str, code: &str, python: bool, scratch: &Path) -> Result<Json, String> {
    let m = runtime::python::signature::read(code, Some(block)).map_err(|e| e.to_string())?;
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let id = format!("{block}-block");
    for (i, input) in m.inputs.iter().filter(|p| !p.optional).enumerate() {
        // IFFT reads FFT's table (x, real, imag)
        let first = match block {
            "IFFT" => "FFT table",
            "BATCH_PROCESSOR" => "first iteration",
            _ => input.types.split('|').next().unwrap_or("Any"),
        };
        let (src, from) =
            source(first, i).ok_or_else(|| format!("no generator for its input '{}' ({first})", input.name))?;
        for w in src.windows(2) {
            edges.push(json!({"source": w[0]["id"], "sourceHandle": "default", "target": w[1]["id"], "targetHandle": "default"}));
        }
        nodes.extend(src);
        edges.push(json!({"source": from, "sourceHandle": "default", "target": id, "targetHandle": input.name}));
    }
    nodes.push(generator(&id, block, block_params(block)));
    let flow = json!({"rfInstance": {"nodes": nodes, "edges": edges}});
    Ok(with_code(&flow, &if python { vec![(block, code.to_owned())] } else { vec![] }, scratch))
}

// ------------------------------------------------------------------------------------------
// Comparing outputs

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A DataFrame column or an OrderedTriple's/Surface's axis: numbers or text on both sides.
fn columns(what: &str, a: &ColumnData, b: &ColumnData, diffs: &mut Vec<String>) {
    match (a, b) {
        (ColumnData::Num(x), ColumnData::Num(y)) => floats(what, x, y, diffs),
        (ColumnData::Text(x), ColumnData::Text(y)) if x != y => {
            diffs.push(format!("{what}: text differs ({:?}… vs built-in {:?}…)", x.first(), y.first()))
        }
        (ColumnData::Text(_), ColumnData::Text(_)) => {}
        _ => diffs.push(format!("{what}: numbers on one side, text on the other")),
    }
}

fn floats(what: &str, a: &[f64], b: &[f64], diffs: &mut Vec<String>) {
    if a.len() != b.len() {
        diffs.push(format!("{what}: {} values, the built-in gives {}", a.len(), b.len()));
        return;
    }
    let bad: Vec<usize> = (0..a.len()).filter(|&i| !close(a[i], b[i])).collect();
    if let Some(&i) = bad.first() {
        diffs.push(format!(
            "{what}: {} of {} values differ (first [{i}]: {} vs built-in {})",
            bad.len(),
            a.len(),
            a[i],
            b[i]
        ));
    }
}

fn matrices(what: &str, a: &Matrix, b: &Matrix, diffs: &mut Vec<String>) {
    if !a.same_shape(b) {
        diffs.push(format!("{what}: {}×{}, the built-in gives {}×{}", a.rows, a.cols, b.rows, b.cols));
    } else {
        floats(what, &a.data, &b.data, diffs);
    }
}

fn figures(what: &str, a: &Figure, b: &Figure, diffs: &mut Vec<String>) {
    if a.traces.len() != b.traces.len() {
        diffs.push(format!("{what}: {} traces, the built-in draws {}", a.traces.len(), b.traces.len()));
        return;
    }
    for (i, (ta, tb)) in a.traces.iter().zip(&b.traces).enumerate() {
        if ta.kind() != tb.kind() {
            diffs.push(format!("{what}: trace {i} is a {}, the built-in draws a {}", ta.kind(), tb.kind()));
            continue;
        }
        for (k, va) in &ta.arrays {
            match (va, tb.get_array(k)) {
                (NumArray::D1(x), Some(NumArray::D1(y))) => floats(&format!("{what} trace {i} {k}"), x, y, diffs),
                (NumArray::D2(x), Some(NumArray::D2(y))) => matrices(&format!("{what} trace {i} {k}"), x, y, diffs),
                (_, None) if tb.attrs.get(k).is_some_and(|v| !v.is_null()) => {
                    diffs.push(format!("{what}: trace {i} {k} holds numbers, the built-in's {}", tb.attrs[k]))
                }
                _ => {}
            }
        }
        // text coordinates of 3-D traces and heatmaps (an OrderedTriple's text axes drawn as
        // categories) travel as JSON arrays of strings. (A DataFrame's mixed z is compared as the
        // numbers plotly.js reads; 2-D traces' dates are written "2023-01-01T00:00:00" by pandas
        // and "2023-01-01" here, one date to plotly.js.)
        fn all_text(v: &Json) -> bool {
            match v {
                Json::String(_) => true,
                Json::Array(a) => !a.is_empty() && a.iter().all(all_text),
                _ => false,
            }
        }
        let keys: &[&str] =
            if matches!(ta.kind(), "scatter3d" | "surface" | "heatmap") { &["x", "y", "z"] } else { &[] };
        for &k in keys {
            let text = |t: &runtime::value::Trace| t.attrs.get(k).filter(|v| all_text(v)).cloned();
            if let (Some(va), vb) = (text(ta), text(tb))
                && Some(&va) != vb.as_ref()
            {
                let short = |v: &Json| v.to_string().chars().take(60).collect::<String>();
                diffs.push(format!(
                    "{what} trace {i} {k}: text {}…, the built-in's {}",
                    short(&va),
                    vb.as_ref().map_or_else(|| "numbers".into(), short)
                ));
            }
        }
    }
}

fn compare(what: &str, a: &Value, b: &Value, shape_only: bool, diffs: &mut Vec<String>) {
    if a.data_type() != b.data_type() {
        diffs.push(format!("{what}: {}, the built-in gives {}", a.summary(), b.summary()));
        return;
    }
    if shape_only {
        if a.summary() != b.summary() && !matches!(a, Value::Scalar { .. }) {
            diffs.push(format!("{what}: {}, the built-in gives {}", a.summary(), b.summary()));
        }
        return;
    }
    match (a, b) {
        (Value::OrderedPair { x, y }, Value::OrderedPair { x: x2, y: y2 }) => {
            floats(&format!("{what}.x"), x, x2, diffs);
            floats(&format!("{what}.y"), y, y2, diffs);
        }
        (Value::OrderedTriple { x, y, z }, Value::OrderedTriple { x: x2, y: y2, z: z2 }) => {
            columns(&format!("{what}.x"), x, x2, diffs);
            columns(&format!("{what}.y"), y, y2, diffs);
            columns(&format!("{what}.z"), z, z2, diffs);
        }
        (Value::Surface { x, y, z }, Value::Surface { x: x2, y: y2, z: z2 }) => {
            columns(&format!("{what}.x"), x, x2, diffs);
            columns(&format!("{what}.y"), y, y2, diffs);
            matrices(&format!("{what}.z"), z, z2, diffs);
        }
        (Value::Scalar { c }, Value::Scalar { c: c2 }) => floats(&format!("{what}.c"), &[*c], &[*c2], diffs),
        (Value::Vector { v }, Value::Vector { v: v2 }) => floats(&format!("{what}.v"), v, v2, diffs),
        (Value::Matrix { m }, Value::Matrix { m: m2 }) | (Value::Grayscale { m }, Value::Grayscale { m: m2 }) => {
            matrices(&format!("{what}.m"), m, m2, diffs)
        }
        (Value::Image { r, g, b, a }, Value::Image { r: r2, g: g2, b: b2, a: a2 }) => {
            matrices(&format!("{what}.r"), r, r2, diffs);
            matrices(&format!("{what}.g"), g, g2, diffs);
            matrices(&format!("{what}.b"), b, b2, diffs);
            match (a, a2) {
                (Some(a), Some(a2)) => matrices(&format!("{what}.a"), a, a2, diffs),
                (None, None) => {}
                _ => diffs.push(format!("{what}.a: only one of the two has an alpha channel")),
            }
        }
        (Value::DataFrame { m }, Value::DataFrame { m: m2 }) => {
            let names = |d: &runtime::value::DataFrame| d.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
            if names(m) != names(m2) {
                diffs.push(format!("{what}: columns {:?}, the built-in's {:?}", names(m), names(m2)));
                return;
            }
            for (c, c2) in m.columns.iter().zip(&m2.columns) {
                columns(&format!("{what}[{}]", c.name), &c.data, &c2.data, diffs);
            }
        }
        (Value::Plotly { fig }, Value::Plotly { fig: f2 }) => figures(what, fig, f2, diffs),
        (a, b) if a != b => diffs.push(format!("{what}: {}, the built-in gives {}", a.summary(), b.summary())),
        _ => {}
    }
}

// ------------------------------------------------------------------------------------------
// The sweep

enum Outcome {
    Passed { how: String, diffs: Vec<String> },
    Failed(String),
}

/// The block's nodes in a report (by key) and whether they all ran.
fn block_nodes<'r>(flow: &Flow, r: &'r RunReport, block: &str) -> Vec<(String, &'r runtime::schedule::NodeReport)> {
    flow.nodes()
        .filter(|n| n.func() == block)
        .filter_map(|n| r.nodes.iter().find(|(k, _)| *k == n.key).map(|(k, rep)| (k.clone(), rep)))
        .collect()
}

fn first_line(e: &str) -> String {
    e.lines().next().unwrap_or_default().to_owned()
}

/// Runs the block as a Python node in `py_flow` (and as the built-in in `builtin_flow`, if
/// any); `Err` when the block never ran (the flow did not reach it).
fn try_flow(
    block: &str,
    py_json: &Json,
    builtin_json: Option<&Json>,
    python: &Rc<Python>,
    dir: &Path,
    out: &Path,
) -> Result<Outcome, String> {
    let flow = file::load_json(py_json, 7).map_err(|e| e.to_string())?.flow;
    if let Some(why) = not_runnable(&flow) {
        return Err(why);
    }
    let r = run(&flow, python, dir, out);
    let mine = block_nodes(&flow, &r, block);
    if mine.is_empty() {
        return Err("it has no such node".into());
    }
    if let Some((_, n)) = mine.iter().find(|(_, n)| n.status == NodeState::Failed) {
        return Ok(Outcome::Failed(first_line(n.error.as_deref().unwrap_or("failed"))));
    }
    if mine.iter().any(|(_, n)| n.runs == 0) {
        let cause = r
            .nodes
            .iter()
            .find(|(_, n)| n.status == NodeState::Failed)
            .map(|(_, n)| format!("{} failed: {}", n.label, first_line(n.error.as_deref().unwrap_or(""))))
            .or(r.error.clone())
            .unwrap_or_else(|| "the run never reached it".into());
        return Err(cause);
    }
    let mut diffs = Vec::new();
    if let Some(bj) = builtin_json {
        let bflow = file::load_json(bj, 7).map_err(|e| e.to_string())?.flow;
        let br = run(&bflow, python, dir, out);
        let shape_only = RANDOM.contains(&block);
        for (key, n) in &mine {
            let Some((_, b)) = br.nodes.iter().find(|(k, _)| k == key) else { continue };
            if b.status == NodeState::Failed {
                diffs.push(format!("the built-in fails here: {}", first_line(b.error.as_deref().unwrap_or(""))));
                continue;
            }
            let label = if mine.len() > 1 { format!("{}.", n.label) } else { String::new() };
            for (name, v) in &n.outputs {
                match b.outputs.iter().find(|(k, _)| k == name) {
                    Some((_, w)) => compare(&format!("{label}{name}"), v, w, shape_only, &mut diffs),
                    None => diffs.push(format!("{label}{name}: {}, the built-in gives nothing", v.summary())),
                }
            }
            for (name, w) in &b.outputs {
                if !n.outputs.iter().any(|(k, _)| k == name) {
                    diffs.push(format!("{label}{name}: nothing, the built-in gives {}", w.summary()));
                }
            }
        }
        // nodes after the block that fail only with the Python block
        for (key, n) in &r.nodes {
            let built = br.nodes.iter().find(|(k, _)| k == key).map(|(_, b)| b.status);
            if n.status == NodeState::Failed && built != Some(NodeState::Failed) && !mine.iter().any(|(k, _)| k == key)
            {
                diffs.push(format!("{} fails after it: {}", n.label, first_line(n.error.as_deref().unwrap_or(""))));
            }
        }
    }
    let ok = matches!(r.status, RunStatus::Ok | RunStatus::Cancelled | RunStatus::Failed);
    debug_assert!(ok);
    Ok(Outcome::Passed { how: String::new(), diffs })
}

fn app_of(folder: &str) -> Option<PathBuf> {
    let dir = support::apps().join("blocks").join(folder);
    let mut apps: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("app") && n.ends_with(".json"))
        })
        .collect();
    apps.sort();
    apps.into_iter().next()
}

fn sweep_one(
    block: &str,
    folder: &str,
    code: &str,
    blocks: &[(String, String, PathBuf)],
    python: &Rc<Python>,
    scratch: &Path,
) -> Outcome {
    if let Some((_, why)) = CANNOT_RUN_HERE.iter().find(|(b, _)| *b == block) {
        return Outcome::Failed(format!("cannot run here: {why}"));
    }
    let builtin = nodes::lookup(block).filter(|d| d.spec.availability == Availability::Native).is_some();
    let mut note = String::new();
    let app_defect = APP_FAILS_IN_FLOJOY.iter().find(|(b, _)| *b == block);
    if let Some((_, why)) = app_defect {
        note = format!("{why}; ");
    }
    if let Some(app) = app_of(folder).filter(|_| app_defect.is_none()) {
        let json: Json = serde_json::from_str(&std::fs::read_to_string(&app).unwrap()).unwrap();
        let family = FAMILIES.iter().find(|f| f.contains(&block)).copied().unwrap_or(&[]);
        let code_of =
            |f: &str| blocks.iter().find(|(n, _, _)| n == f).map(|(_, _, p)| std::fs::read_to_string(p).unwrap());
        let sources: Vec<(&str, String)> =
            DATA_SOURCES.iter().filter(|f| **f != block).filter_map(|f| Some((*f, code_of(f)?))).collect();
        let mut swap = vec![(block, code.to_owned())];
        swap.extend(family.iter().filter(|f| **f != block).filter_map(|f| Some((*f, code_of(f)?))));
        swap.extend(sources.iter().cloned());
        let py = with_code(&json, &swap, scratch);
        let bj = with_code(&json, &sources, scratch);
        match try_flow(block, &py, builtin.then_some(&bj), python, app.parent().unwrap(), scratch) {
            Ok(Outcome::Passed { diffs, .. }) => return Outcome::Passed { how: "its example app".into(), diffs },
            Ok(failed) => return failed,
            Err(why) => note = format!("its example app cannot run it ({why}); "),
        }
    }
    let py = match generated(block, code, true, scratch) {
        Ok(j) => j,
        Err(e) => return Outcome::Failed(format!("{note}{e}")),
    };
    let bj = builtin.then(|| generated(block, code, false, scratch)).transpose();
    match bj.map(|bj| try_flow(block, &py, bj.as_ref(), python, scratch, scratch)) {
        Ok(Ok(Outcome::Passed { diffs, .. })) => Outcome::Passed { how: format!("{note}generated inputs"), diffs },
        Ok(Ok(failed)) => failed,
        Ok(Err(why)) | Err(why) => Outcome::Failed(format!("{note}generated inputs do not reach it: {why}")),
    }
}

#[test]
fn studio_blocks_run_as_python_nodes_and_agree_with_the_built_ins() {
    let blocks = support::studio_blocks();
    assert!(blocks.len() >= 180, "found {} blocks", blocks.len());
    let python = Rc::new(Python::default());
    let scratch = std::env::temp_dir().join(format!("flojoy-studio-blocks-{}", std::process::id()));
    prepare(&scratch);
    let t0 = std::time::Instant::now();
    let (mut passed, mut failed, mut differ, mut unexplained) = (0, Vec::new(), Vec::new(), Vec::new());
    let mut unexpected = Vec::new();
    let mut times = Vec::new();
    let mut compared = 0;
    // STUDIO_BLOCKS=A,B runs only those (to look into one); the report says so
    let only: Option<Vec<String>> =
        std::env::var("STUDIO_BLOCKS").ok().map(|v| v.split(',').map(str::to_owned).collect());
    for (block, folder, path) in &blocks {
        if only.as_ref().is_some_and(|o| !o.contains(block)) {
            continue;
        }
        let code = std::fs::read_to_string(path).unwrap();
        let started = std::time::Instant::now();
        let outcome = sweep_one(block, folder, &code, &blocks, &python, &scratch);
        times.push((started.elapsed().as_secs_f64(), block.clone()));
        match outcome {
            Outcome::Passed { how, diffs } => {
                passed += 1;
                if nodes::lookup(block).is_some() {
                    compared += 1;
                }
                let _ = how;
                for d in diffs {
                    match EXPLAINED.iter().find(|(b, start, _)| b == block && d.starts_with(start)) {
                        Some((_, _, why)) => differ.push(format!("{block}: {d}\n      explained: {why}")),
                        None => {
                            differ.push(format!("{block}: {d}\n      UNEXPLAINED"));
                            unexplained.push(format!("{block}: {d}"));
                        }
                    }
                }
            }
            Outcome::Failed(why) => {
                let known = KNOWN_FAILURES.iter().find(|(b, _)| b == block);
                if known.is_none() && !why.starts_with("cannot run here") {
                    unexpected.push(format!("{block}: {why}"));
                }
                failed.push(match known {
                    Some((_, because)) => format!("{block}: {why}\n      because {because}"),
                    None => format!("{block}: {why}"),
                });
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    eprintln!(
        "\nStudio blocks as Python nodes ({} in {:.0} s, Python {}):",
        blocks.len(),
        t0.elapsed().as_secs_f64(),
        python.versions().map(|v| v.0).unwrap_or_default()
    );
    eprintln!("{passed} passed, {} failed", failed.len());
    for f in &failed {
        eprintln!("  FAILED {f}");
    }
    eprintln!("compared with the built-in node of the same name: {compared} blocks, {} differences", differ.len());
    for d in &differ {
        eprintln!("  DIFFERS {d}");
    }
    times.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slowest: Vec<String> = times.iter().take(6).map(|(t, b)| format!("{b} {t:.1} s")).collect();
    eprintln!("slowest: {}", slowest.join(", "));
    if let Some(o) = &only {
        eprintln!("(only {} of them: STUDIO_BLOCKS={})", o.len(), o.join(","));
        return;
    }
    let share = passed as f64 / blocks.len() as f64;
    assert!(share >= 0.9, "only {passed} of {} blocks ran ({:.0}%)", blocks.len(), share * 100.0);
    assert!(unexplained.is_empty(), "{} unexplained differences:\n{}", unexplained.len(), unexplained.join("\n"));
    assert!(
        unexpected.is_empty(),
        "{} blocks failed for a reason not known here:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
