//! The built-in example gallery (public/gallery): the index is well formed, every example opens
//! without warnings and validates, and every example that runs natively (no devices; Python
//! nodes run in the machine's CPython) runs with a fixed seed, reproduces the golden values that
//! tests/fixtures/gallery/make_gallery.py computed independently with numpy/scipy/scikit-learn/
//! Pillow, and finishes within its budget (2 s; asserted in release builds, printed in debug
//! builds, which are far slower).
//!
//! Device examples are imported and validated here; running them needs the browser
//! (WebSerial/WebUSB demo devices), and natively they may fail only with the message that says so.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use runtime::host::{NO_DEVICES, NativeHost};
use runtime::schedule::{self, Cache, CancelToken, NodeState, RunOptions, RunReport, RunStatus};
use runtime::value::{ColumnData, Value};
use runtime::{Flow, NodeKind, file, validate};
use serde_json::Value as Json;

const CATEGORIES: &[&str] = &["Simulation", "ETL", "AI", "Image processing", "DAQ", "Python", "Basics"];
const NEEDS: &[&str] = &["python", "devices"];
const BUDGET: Duration = Duration::from_secs(2);
const SEED: u64 = 42;
/// Whether an example runs natively: anything but devices (Python runs in the host's CPython).
fn native(ex: &Json) -> bool {
    !strs(&ex["needs"]).iter().any(|n| n == "devices")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn gallery_dir() -> PathBuf {
    repo().join("public/gallery")
}

fn read_json(p: &Path) -> Json {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn index() -> Vec<Json> {
    read_json(&gallery_dir().join("index.json"))["examples"].as_array().expect("index.json: examples is a list").clone()
}

fn golden() -> Json {
    read_json(&repo().join("tests/fixtures/gallery/golden.json"))
}

fn strs(j: &Json) -> Vec<String> {
    j.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect()).unwrap_or_default()
}

fn load(ex: &Json) -> Flow {
    let name = ex["file"].as_str().unwrap();
    let path = gallery_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let loaded = file::load(&text, 7).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(loaded.warnings.is_empty(), "{name} opens with warnings: {:?}", loaded.warnings);
    loaded.flow
}

fn run(flow: &Flow) -> (RunReport, Duration) {
    // files resolve against the flow's folder, as in the CLI (`flojoy run public/gallery/x.json`)
    let mut host = NativeHost::seeded(SEED);
    host.dir = gallery_dir();
    let t0 = Instant::now();
    let report = futures::executor::block_on(schedule::run(
        flow,
        Rc::new(host),
        &RunOptions::default(),
        &CancelToken::new(),
        &mut Cache::new(),
        &mut |_| {},
    ));
    (report, t0.elapsed())
}

#[test]
fn the_index_is_well_formed() {
    let examples = index();
    assert!(examples.len() >= 25, "only {} examples", examples.len());
    let gold = golden();
    let mut ids = HashSet::new();
    let mut categories = BTreeSet::new();
    for ex in &examples {
        let id = ex["id"].as_str().expect("every example has an id");
        assert!(ids.insert(id.to_owned()), "id {id} appears twice");
        for key in ["file", "title", "description", "category"] {
            assert!(ex[key].as_str().is_some_and(|s| !s.is_empty()), "{id}: '{key}' is missing");
        }
        assert!(!ex["description"].as_str().unwrap().contains('\n'), "{id}: the description is one line");
        let category = ex["category"].as_str().unwrap();
        assert!(CATEGORIES.contains(&category), "{id}: unknown category {category}");
        categories.insert(category.to_owned());
        for n in strs(&ex["needs"]) {
            assert!(NEEDS.contains(&n.as_str()), "{id}: unknown need {n}");
        }
        let file = ex["file"].as_str().unwrap();
        assert!(gallery_dir().join(file).is_file(), "{id}: {file} does not exist");
        let flow = load(ex);
        assert!(!flow.is_empty(), "{id}: the flow is empty");
        let funcs: HashSet<String> = flow.nodes().map(|n| n.spec().func.clone()).collect();
        let teaches = strs(&ex["teaches"]);
        assert!(!teaches.is_empty(), "{id}: teaches nothing");
        for t in &teaches {
            assert!(funcs.contains(t), "{id} says it teaches {t}, which is not in the flow");
        }
        // the index lists the golden checks golden.json holds, on nodes and outputs that exist
        let listed: Vec<(String, String)> = ex["golden"]
            .as_array()
            .map(|g| {
                g.iter().map(|c| (c["node"].as_str().unwrap().into(), c["output"].as_str().unwrap().into())).collect()
            })
            .unwrap_or_default();
        let stored: Vec<(String, String)> = gold[id]
            .as_array()
            .unwrap_or_else(|| panic!("{id} has no golden values"))
            .iter()
            .map(|c| (c["node"].as_str().unwrap().into(), c["output"].as_str().unwrap().into()))
            .collect();
        assert!(!stored.is_empty() && listed == stored, "{id}: index.json lists {listed:?}, golden.json {stored:?}");
        for (label, output) in &stored {
            let node = flow.find_label(label).and_then(|n| flow.node(n));
            let node = node.unwrap_or_else(|| panic!("{id}: golden node '{label}' is not in the flow"));
            assert!(node.spec().output_index(output).is_some(), "{id}: {label} has no output '{output}'");
        }
    }
    for c in CATEGORIES {
        assert!(categories.contains(*c), "no example in category {c}");
    }
    let golden_ids: BTreeSet<String> = gold.as_object().unwrap().keys().cloned().collect();
    assert_eq!(golden_ids, ids.into_iter().collect(), "golden.json and index.json name the same examples");
}

#[test]
fn native_examples_run_with_their_golden_values() {
    let gold = golden();
    let mut failures = Vec::new();
    let mut ran = 0;
    for ex in index().iter().filter(|ex| native(ex)) {
        let id = ex["id"].as_str().unwrap();
        let flow = load(ex);
        let diags = validate::validate(&flow);
        assert!(!validate::has_errors(&diags), "{id} does not validate: {diags:?}");
        let (report, took) = run(&flow);
        ran += 1;
        println!("{id:<24} {:>9.1} ms", took.as_secs_f64() * 1000.0);
        if report.status != RunStatus::Ok {
            failures.push(format!("{id}: the run {:?}\n{}", report.status, report.summary()));
            continue;
        }
        for (_, n) in &report.nodes {
            if n.status != NodeState::Done {
                failures.push(format!("{id}: node {} did not run ({:?})", n.label, n.status));
            }
        }
        if cfg!(not(debug_assertions)) && took > BUDGET {
            failures.push(format!("{id} took {took:?} (budget {BUDGET:?})"));
        }
        for c in gold[id].as_array().unwrap() {
            if let Err(e) = check(&report, c) {
                failures.push(format!("{id}: {} ({}) {}: {e}", c["node"], c["output"], c["check"]));
            }
        }
    }
    assert!(ran >= 20, "only {ran} examples run natively");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn browser_examples_import_validate_and_say_what_they_need() {
    let mut seen = 0;
    for ex in index().iter().filter(|ex| !strs(&ex["needs"]).is_empty()) {
        seen += 1;
        let id = ex["id"].as_str().unwrap();
        let needs = strs(&ex["needs"]);
        let flow = load(ex);
        let diags = validate::validate(&flow);
        assert!(!validate::has_errors(&diags), "{id} does not validate: {diags:?}");
        let python = flow.nodes().filter(|n| matches!(n.kind, NodeKind::Python(_))).count();
        let hardware = flow.nodes().filter(|n| n.spec().path.starts_with("HARDWARE")).count();
        assert_eq!(python > 0, needs.iter().any(|n| n == "python"), "{id}: 'python' in needs iff it has Python nodes");
        assert_eq!(
            hardware > 0,
            needs.iter().any(|n| n == "devices"),
            "{id}: 'devices' in needs iff it has hardware nodes"
        );
        for n in flow.nodes() {
            if let NodeKind::Python(p) = &n.kind {
                assert!(p.code.contains("@flojoy"), "{id}: {} has no @flojoy function", n.label);
                assert!(
                    p.code.contains(&format!("def {}(", n.spec().func)),
                    "{id}: {} defines no {}",
                    n.label,
                    n.spec().func
                );
            }
        }
        if native(ex) {
            continue; // run with its golden values above
        }
        // natively, the only failures are "needs the browser"; everything after them is skipped
        let (report, _) = run(&flow);
        for (_, n) in &report.nodes {
            if n.status == NodeState::Failed {
                let e = n.error.as_deref().unwrap_or_default();
                assert!(e.contains(NO_DEVICES), "{id}: {} failed with '{e}'", n.label);
            }
        }
        assert!(
            report.nodes.iter().any(|(_, n)| n.status == NodeState::Failed),
            "{id} ran natively without its browser part"
        );
    }
    assert!(seen >= 7, "only {seen} Python/device examples");
}

// ---------------------------------------------------------------------------------------------
// golden checks (kinds: see tests/fixtures/gallery/README.md)

fn output<'r>(r: &'r RunReport, c: &Json) -> Result<&'r Value, String> {
    let label = c["node"].as_str().unwrap();
    let port = c["output"].as_str().unwrap();
    let n = r.by_label(label).ok_or_else(|| format!("no node labelled {label}"))?;
    n.outputs.iter().find(|(k, _)| k == port).map(|(_, d)| &**d).ok_or_else(|| {
        format!("{label} has no result on '{port}' (it has {:?})", n.outputs.iter().map(|(k, _)| k).collect::<Vec<_>>())
    })
}

/// The numbers `of` names in a value: v, x, y, z, m, r, g, b, a, or column:<name>.
fn array<'v>(v: &'v Value, of: &str) -> Result<&'v [f64], String> {
    let bad = || format!("a {} has no '{of}'", v.data_type());
    Ok(match (v, of) {
        (Value::Vector { v }, "v") => v,
        (Value::OrderedPair { x, .. }, "x") => x,
        (Value::OrderedPair { y, .. }, "y") => y,
        (Value::OrderedTriple { x, .. }, "x") => x.as_num().ok_or("x holds text")?,
        (Value::OrderedTriple { y, .. }, "y") => y.as_num().ok_or("y holds text")?,
        (Value::OrderedTriple { z, .. }, "z") => z.as_num().ok_or("z holds text")?,
        (Value::Matrix { m } | Value::Grayscale { m }, "m") => &m.data,
        (Value::Image { r, .. }, "r") => &r.data,
        (Value::Image { g, .. }, "g") => &g.data,
        (Value::Image { b, .. }, "b") => &b.data,
        (Value::Image { a: Some(a), .. }, "a") => &a.data,
        (Value::DataFrame { m }, col) if col.starts_with("column:") => {
            let name = &col["column:".len()..];
            let c = m.column(name).ok_or_else(|| format!("no column '{name}'"))?;
            c.data.as_num().ok_or_else(|| format!("column '{name}' holds text"))?
        }
        _ => return Err(bad()),
    })
}

fn shape(v: &Value) -> Vec<usize> {
    match v {
        Value::Vector { v } => vec![v.len()],
        Value::OrderedPair { x, .. } => vec![x.len()],
        Value::OrderedTriple { x, .. } => vec![x.len()],
        Value::Matrix { m } | Value::Grayscale { m } => vec![m.rows, m.cols],
        Value::Image { r, a, .. } => vec![r.rows, r.cols, if a.is_some() { 4 } else { 3 }],
        Value::DataFrame { m } => vec![m.rows(), m.columns.len()],
        _ => vec![],
    }
}

fn near(got: f64, want: &Json, rtol: f64, atol: f64) -> bool {
    match want.as_f64() {
        None => got.is_nan(),
        Some(w) => (got - w).abs() <= atol + rtol * w.abs(),
    }
}

fn pick(a: &[f64], at: &Json) -> Result<Vec<f64>, String> {
    let Some(idx) = at.as_array() else { return Ok(a.to_vec()) };
    idx.iter()
        .map(|i| {
            let i = i.as_i64().unwrap();
            let k = if i < 0 { a.len() as i64 + i } else { i };
            a.get(usize::try_from(k).map_err(|_| format!("index {i} out of range"))?)
                .copied()
                .ok_or_else(|| format!("index {i} is past the end ({})", a.len()))
        })
        .collect()
}

fn compare(got: &[f64], want: &Json, rtol: f64, atol: f64) -> Result<(), String> {
    let want = want.as_array().ok_or("the golden value is not a list")?;
    if got.len() != want.len() {
        return Err(format!("{} values, expected {}", got.len(), want.len()));
    }
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        if !near(*g, w, rtol, atol) {
            return Err(format!("[{i}] = {g}, expected {w}"));
        }
    }
    Ok(())
}

fn check(r: &RunReport, c: &Json) -> Result<(), String> {
    let v = output(r, c)?;
    let want = &c["value"];
    let rtol = c["rtol"].as_f64().unwrap_or(0.0);
    let atol = c["atol"].as_f64().unwrap_or(0.0);
    match c["kind"].as_str().unwrap() {
        "scalar" => match v {
            Value::Scalar { c } if near(*c, want, rtol, atol) => Ok(()),
            Value::Scalar { c } => Err(format!("{c}, expected {want}")),
            other => Err(format!("a {}, not a Scalar", other.data_type())),
        },
        "string" => match v {
            Value::String { s } if Some(s.as_str()) == want.as_str() => Ok(()),
            Value::String { s } => Err(format!("{s:?}, expected {want}")),
            other => Err(format!("a {}, not a String", other.data_type())),
        },
        "shape" => {
            let want: Vec<usize> = want.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect();
            if shape(v) == want { Ok(()) } else { Err(format!("shape {:?}, expected {want:?}", shape(v))) }
        }
        "vector" => compare(&pick(array(v, "v")?, &c["at"])?, want, rtol, atol),
        "pair_x" => compare(&pick(array(v, "x")?, &c["at"])?, want, rtol, atol),
        "pair_y" => compare(&pick(array(v, "y")?, &c["at"])?, want, rtol, atol),
        "matrix" => {
            let Value::Matrix { m } = v else { return Err(format!("a {}, not a Matrix", v.data_type())) };
            let rows = want.as_array().unwrap();
            if rows.len() != m.rows {
                return Err(format!("{} rows, expected {}", m.rows, rows.len()));
            }
            for (i, row) in rows.iter().enumerate() {
                compare(m.row(i), row, rtol, atol).map_err(|e| format!("row {i}: {e}"))?;
            }
            Ok(())
        }
        "column" => {
            let Value::DataFrame { m } = v else { return Err(format!("a {}, not a DataFrame", v.data_type())) };
            let name = c["column"].as_str().unwrap();
            let col = m.column(name).ok_or_else(|| format!("no column '{name}'"))?;
            match &col.data {
                ColumnData::Num(x) => compare(&pick(x, &c["at"])?, want, rtol, atol),
                ColumnData::Text(t) => {
                    let w = strs(want);
                    if *t == w { Ok(()) } else { Err(format!("{t:?}, expected {w:?}")) }
                }
            }
        }
        "stat" => {
            let a = array(v, c["of"].as_str().unwrap())?;
            let n = a.len() as f64;
            let mean = a.iter().sum::<f64>() / n;
            let got = match c["stat"].as_str().unwrap() {
                "mean" => mean,
                "sum" => a.iter().sum(),
                "std" => (a.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt(),
                "min" => a.iter().copied().fold(f64::INFINITY, f64::min),
                "max" => a.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                other => return Err(format!("unknown stat {other}")),
            };
            if near(got, want, rtol, atol) { Ok(()) } else { Err(format!("{} = {got}, expected {want}", c["stat"])) }
        }
        "channel" => {
            let name = c["channel"].as_str().unwrap();
            let Value::Image { r: m, .. } = v else { return Err(format!("a {}, not an Image", v.data_type())) };
            let data = array(v, name)?;
            let got: Vec<f64> = c["at"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| data[p[0].as_u64().unwrap() as usize * m.cols + p[1].as_u64().unwrap() as usize])
                .collect();
            compare(&got, want, rtol, atol)
        }
        "within" => {
            let a = array(v, c["of"].as_str().unwrap())?;
            let (lo, hi) = (want[0].as_f64().unwrap() - atol, want[1].as_f64().unwrap() + atol);
            match a.iter().find(|x| !(lo..=hi).contains(*x)) {
                None if !a.is_empty() => Ok(()),
                None => Err("no values".into()),
                Some(x) => Err(format!("{x} is outside {want}")),
            }
        }
        other => Err(format!("unknown kind {other}")),
    }
}
