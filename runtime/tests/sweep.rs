//! `flojoy sweep` and `flojoy batch`: one JSON line per parameter set, each set once, each row
//! what a single `flojoy run --set` of the same set gives; failed runs are rows; `--resume` and
//! Ctrl+C keep the file whole.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value as Json, json};

fn flojoy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flojoy")).args(args).output().expect("runs")
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("flojoy-sweep-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rows(path: &Path) -> Vec<Json> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn gallery(name: &str) -> String {
    support::apps().join("gallery").join(name).display().to_string()
}

/// A flow file of these nodes and wires (the support crate's compact form) in `dir`.
fn flow_file(dir: &Path, name: &str, nodes: &[(&str, &str, Json)], wires: &[(&str, &str, &str, &str)]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, support::flow_json(nodes, wires).to_string()).unwrap();
    path.display().to_string()
}

#[test]
fn a_grid_runs_each_set_once_and_each_row_equals_a_single_run() {
    let dir = scratch("grid");
    let out = dir.join("runs.jsonl");
    let o = flojoy(&[
        "sweep",
        &gallery("default.json"),
        "--set",
        "SINE.frequency=1:3:3",
        "--set",
        "SINE.waveform=sine,square",
        "--outputs",
        "SINE",
        "--seed",
        "5",
        "--workers",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("6 runs: 6 ok, 0 failed"));
    let rows = rows(&out);
    assert_eq!(rows.len(), 6);
    let sets: HashSet<String> = rows.iter().map(|r| r["params"].to_string()).collect();
    assert_eq!(sets.len(), 6, "each set once");
    assert_eq!(rows.iter().map(|r| r["run"].as_u64().unwrap()).collect::<HashSet<_>>(), (0..6).collect());
    for r in &rows {
        assert_eq!((r["status"].as_str(), r["worker"].as_str()), (Some("ok"), Some("local")));
        let (f, w) = (r["params"]["SINE.frequency"].as_f64().unwrap(), r["params"]["SINE.waveform"].as_str().unwrap());
        let single = flojoy(&[
            "run",
            &gallery("default.json"),
            "--json",
            "--seed",
            "5",
            "--set",
            &format!("SINE.frequency={f}"),
            "--set",
            &format!("SINE.waveform={w}"),
        ]);
        let single: Json = serde_json::from_slice(&single.stdout).unwrap();
        let sine = single["nodes"].as_object().unwrap().values().find(|n| n["label"] == "SINE").unwrap();
        assert_eq!(r["outputs"]["SINE"], sine["outputs"]["default"], "{f} {w}");
    }
    // by default the rows keep the flow's results: the nodes no wire leaves
    let o = flojoy(&["sweep", &gallery("default.json"), "--set", "SINE.frequency=2", "--seed", "5"]);
    let row: Json = serde_json::from_slice(&o.stdout).unwrap();
    let kept: Vec<&String> = row["outputs"].as_object().unwrap().keys().collect();
    assert!(!kept.is_empty() && !kept.iter().any(|k| *k == "SINE"), "{kept:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failing_run_is_a_row_and_mistakes_stop_before_any_run() {
    let o = flojoy(&["sweep", &gallery("default.json"), "--set", "LINSPACE.step=1000,5", "--outputs", "ADD"]);
    assert_eq!(o.status.code(), Some(1), "a failed run: exit 1, after every run");
    let rows: Vec<Json> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2);
    let failed = rows.iter().find(|r| r["params"]["LINSPACE.step"] == 5.0).unwrap();
    assert_eq!(failed["status"], "failed");
    assert!(failed["error"].as_str().unwrap().starts_with("ADD: operands could not be broadcast"), "{failed}");
    assert_eq!(rows.iter().find(|r| r["params"]["LINSPACE.step"] == 1000.0).unwrap()["status"], "ok");
    // a value the editor refuses, a label that is not there: exit 2, nothing runs
    for (set, msg) in [
        ("SINE.waveform=sine,circle", "--set SINE.waveform=circle"),
        ("NOPE.x=1,2", "no node is labelled 'NOPE'"),
        ("SINE.frequency=0:1:0", "COUNT '0'"),
    ] {
        let o = flojoy(&["sweep", &gallery("default.json"), "--set", set]);
        assert!(matches!(o.status.code(), Some(2 | 64)), "{set}");
        assert!(o.stdout.is_empty(), "{set}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(msg), "{set}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let o = flojoy(&["sweep", &gallery("default.json"), "--set", "SINE.frequency=1,2", "--outputs", "NOPE"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn resume_runs_only_the_sets_the_file_lacks() {
    let dir = scratch("resume");
    let out = dir.join("runs.jsonl");
    let flow = gallery("default.json");
    let out_arg = out.display().to_string();
    let mut first = vec!["sweep", flow.as_str(), "--set", "SINE.frequency=1:5:5", "--outputs", "SINE", "--seed", "2"];
    first.extend(["--out", out_arg.as_str()]);
    assert_eq!(flojoy(&first).status.code(), Some(0));
    // keep two finished rows and half a line, as if the machine had stopped mid-write
    let text = std::fs::read_to_string(&out).unwrap();
    let kept: Vec<&str> = text.lines().take(2).collect();
    std::fs::write(&out, format!("{}\n{}", kept.join("\n"), &text.lines().nth(2).unwrap()[..20])).unwrap();
    let mut again = first.clone();
    again.push("--resume");
    let o = flojoy(&again);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("3 runs: 3 ok, 0 failed, 2 already in the file"));
    let text = std::fs::read_to_string(&out).unwrap();
    let complete: Vec<Json> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let sets: HashSet<String> = complete.iter().map(|r| r["params"].to_string()).collect();
    assert_eq!((complete.len(), sets.len()), (5, 5));
    assert_eq!(text.lines().count(), 5, "the torn line is gone");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn batch_runs_the_flow_once_per_file() {
    let dir = scratch("batch");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    for (name, v) in [("a.csv", 1.5), ("b.csv", -2.0), ("c.csv", 7.25)] {
        std::fs::write(dir.join("data").join(name), format!("t,v\n0,{v}\n")).unwrap();
    }
    std::fs::write(dir.join("data/notes.txt"), "not a table").unwrap();
    let flow = flow_file(&dir, "flow.json", &[("READ", "READ_CSV", json!({"file_path": ""}))], &[]);
    let o = Command::new(env!("CARGO_BIN_EXE_flojoy"))
        .current_dir(&dir)
        .args(["batch", &flow, "--files", "data/*.csv", "--into", "READ.file_path"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let mut rows: Vec<Json> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    rows.sort_by_key(|r| r["run"].as_u64());
    assert_eq!(rows.len(), 3);
    for (r, (name, v)) in rows.iter().zip([("a.csv", 1.5), ("b.csv", -2.0), ("c.csv", 7.25)]) {
        let path = r["params"]["READ.file_path"].as_str().unwrap();
        assert!(Path::new(path).is_absolute() && path.ends_with(&format!("data/{name}")), "{path}");
        assert_eq!(r["outputs"]["READ"]["m"]["v"], json!([v]), "{r}");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_flojoy"))
        .current_dir(&dir)
        .args(["batch", &flow, "--files", "data/*.parquet", "--into", "READ.file_path"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("matches no file"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ctrl_c_keeps_the_finished_rows_whole_and_resume_completes_the_sweep() {
    let dir = scratch("ctrl-c");
    let out = dir.join("runs.jsonl");
    let flow = flow_file(&dir, "slow.json", &[("WAIT", "TIMER", json!({"sleep_time": 0.2}))], &[]);
    let child = Command::new(env!("CARGO_BIN_EXE_flojoy"))
        .args([
            "sweep",
            &flow,
            "--set",
            "WAIT.sleep_time=0.05:0.15:20",
            "--workers",
            "1",
            "--out",
            out.to_str().unwrap(),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // wait for two finished rows, then Ctrl+C
    while std::fs::read_to_string(&out).map_or(0, |t| t.lines().count()) < 2 {
        std::thread::yield_now();
    }
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not run (interrupted)"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.ends_with('\n'));
    let done = rows(&out);
    assert!(done.len() >= 2 && done.len() < 20 && done.iter().all(|r| r["status"] == "ok"), "{} rows", done.len());
    // --resume runs the rest: every set once
    let o =
        flojoy(&["sweep", &flow, "--set", "WAIT.sleep_time=0.05:0.15:20", "--out", out.to_str().unwrap(), "--resume"]);
    assert_eq!(o.status.code(), Some(0));
    let all = rows(&out);
    let sets: HashSet<String> = all.iter().map(|r| r["params"].to_string()).collect();
    assert_eq!((all.len(), sets.len()), (20, 20));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_stopped_by_max_seconds_does_not_stop_the_next_ones() {
    let dir = scratch("max-seconds");
    let flow = flow_file(
        &dir,
        "wait.json",
        &[("WAIT", "TIMER", json!({"sleep_time": 0.0})), ("C", "CONSTANT", json!({}))],
        &[("WAIT", "default", "C", "default")],
    );
    let o = flojoy(&["sweep", &flow, "--set", "WAIT.sleep_time=1,0,0", "--max-seconds", "0.5", "--workers", "1"]);
    assert_eq!(o.status.code(), Some(1));
    let rows: Vec<Json> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let status = |v: f64| {
        rows.iter().filter(|r| r["params"]["WAIT.sleep_time"] == v).map(|r| r["status"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(status(1.0), ["failed"]);
    assert_eq!(status(0.0), ["ok", "ok"], "a fresh run after the stopped one");
    for bad in ["nan", "-1", "0"] {
        let o = flojoy(&["sweep", &flow, "--set", "WAIT.sleep_time=0", "--max-seconds", bad]);
        assert_eq!(o.status.code(), Some(64), "{bad}");
    }
    let o = flojoy(&["sweep", &flow, "--set", "WAIT.sleep_time=0", "--resume"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--resume needs --out FILE"));
    std::fs::remove_dir_all(&dir).unwrap();
}
