//! The `flojoy` command: its report format, exit codes and messages.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::process::Command;

fn flojoy(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_flojoy")).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn gallery(name: &str) -> String {
    support::apps().join("gallery").join(name).display().to_string()
}

#[test]
fn json_report_has_the_documented_shape() {
    let (code, out, err) = flojoy(&["run", &gallery("loop.json"), "--json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).expect("one JSON report on stdout");
    assert_eq!(r["status"], "ok");
    let idx = &r["nodes"]["LOOP_INDEX-ecbf3060-9871-432e-9fd6-1b0fd12ee621"];
    assert_eq!(idx["func"], "LOOP_INDEX");
    assert_eq!(idx["status"], "done");
    assert_eq!(idx["runs"], 100);
    assert!(idx["ms"].as_f64().unwrap() >= 0.0);
    assert!(idx["error"].is_null());
    assert_eq!(idx["outputs"]["default"], serde_json::json!({"type": "Scalar", "c": 100.0}));
}

#[test]
fn readable_summary_by_default() {
    let (code, out, _) = flojoy(&["run", &gallery("default.json"), "--seed", "4"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("run ok"), "{out}");
    assert!(out.contains("ADD") && out.contains("OrderedPair, 1000 points"), "{out}");
}

#[test]
fn seeded_runs_repeat_exactly() {
    let a = flojoy(&["run", &gallery("default.json"), "--json", "--seed", "11"]).1;
    let b = flojoy(&["run", &gallery("default.json"), "--json", "--seed", "11"]).1;
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        v.as_object_mut().unwrap().remove("ms");
        for n in v["nodes"].as_object_mut().unwrap().values_mut() {
            n.as_object_mut().unwrap().remove("ms");
        }
        v
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn hardware_flows_are_valid_but_fail_here_saying_where_they_run() {
    let (code, _, err) = flojoy(&["run", &gallery("arduino.json")]);
    assert_eq!(code, 1);
    assert!(err.contains("SERIAL SINGLE MEASUREMENT"), "{err}");
    assert!(err.contains("Hardware nodes run in the browser app"), "{err}");
    let (code, out, _) = flojoy(&["nodes"]);
    assert_eq!(code, 0);
    for func in ["OPEN_SERIAL", "SERIAL_SINGLE_MEASUREMENT", "SCPI_WRITE", "USB_CONTROL_TRANSFER", "SERIAL_STREAM"] {
        assert!(out.contains(func), "{func} missing from `flojoy nodes`");
    }
}

#[test]
fn bad_files_exit_2_with_the_reason_and_never_panic() {
    let dir = std::env::temp_dir().join(format!("flojoy-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let truncated = dir.join("truncated.json");
    let text = std::fs::read_to_string(gallery("default.json")).unwrap();
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let (code, _, err) = flojoy(&["run", truncated.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("truncated.json: this file is not valid JSON (line"), "{err}");
    assert!(!err.contains("panicked"));

    let (code, _, err) = flojoy(&["run", dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");

    let (code, _, err) = flojoy(&["fly"]);
    assert_eq!(code, 64);
    assert!(err.contains("usage"));
}

#[test]
fn a_failing_node_exits_1_naming_it() {
    let dir = std::env::temp_dir().join(format!("flojoy-cli-fail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("fail.json");
    std::fs::write(
        &f,
        serde_json::json!({"rfInstance": {"nodes": [{"id": "LOOP_INDEX-1", "data": {"func": "LOOP_INDEX", "label": "IDX"}}], "edges": []}}).to_string(),
    )
    .unwrap();
    let (code, out, err) = flojoy(&["run", f.to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["status"], "failed");
    assert_eq!(r["nodes"]["LOOP_INDEX-1"]["status"], "failed");
    assert!(err.contains("node IDX (LOOP_INDEX-1) failed: 'loop_node' must name a LOOP node"), "{err}");
}
