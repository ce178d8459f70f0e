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

// ------------------------------------------------------------------------------------------
// Python nodes, --set, --python, --timeout and Ctrl+C

/// A flow file in a fresh folder: LINSPACE → SINE, then each `(label, code)` Python node
/// (code only, as Flojoy files carry it) wired after SINE.
fn sine_flow(name: &str, python: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("flojoy-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut nodes = vec![
        serde_json::json!({"id": "LINSPACE-1", "data": {"func": "LINSPACE", "label": "LINSPACE", "ctrls": {}}}),
        serde_json::json!({"id": "SINE-1", "data": {"func": "SINE", "label": "SINE", "ctrls": {}}}),
    ];
    let mut edges = vec![
        serde_json::json!({"source": "LINSPACE-1", "sourceHandle": "default", "target": "SINE-1", "targetHandle": "default"}),
    ];
    for (label, code) in python {
        let id = format!("{label}-1");
        nodes.push(serde_json::json!({"id": id, "data": {"func": label, "label": label, "code": code}}));
        edges.push(
            serde_json::json!({"source": "SINE-1", "sourceHandle": "default", "target": id, "targetHandle": "default"}),
        );
    }
    let f = dir.join(format!("{name}.json"));
    std::fs::write(&f, serde_json::json!({"rfInstance": {"nodes": nodes, "edges": edges}}).to_string()).unwrap();
    f
}

/// `python3 -c script` on the host; its stdout as JSON.
fn host_python(script: &str) -> serde_json::Value {
    let out = Command::new("python3").args(["-c", script]).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn studios_kurtosis_block_runs_as_a_python_node_and_agrees_with_scipy() {
    // the block's source exactly as Flojoy Studio ships it, pasted as the node's code
    let code = std::fs::read_to_string(support::apps().join("../blocks-py/SCIPY/STATS/KURTOSIS/KURTOSIS.py")).unwrap();
    let f = sine_flow("kurtosis", &[("KURTOSIS", &code)]);
    let (code, out, err) = flojoy(&["run", f.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got = &r["nodes"]["KURTOSIS-1"]["outputs"]["default"];
    assert_eq!(got["type"], "Scalar", "{r}");
    // the reference: LINSPACE's and SINE's defaults (10 → 0, 1000 points; sin 2πx) and the
    // kurtosis, all computed by numpy/scipy on the host
    let want = host_python(
        "import json, numpy as np, scipy.stats\n\
         y = np.sin(2 * np.pi * np.linspace(10, 0, 1000))\n\
         print(json.dumps({'y': y.tolist(), 'k': float(scipy.stats.kurtosis(y))}))",
    );
    let sine_y: Vec<f64> = serde_json::from_value(r["nodes"]["SINE-1"]["outputs"]["default"]["y"].clone()).unwrap();
    let ref_y: Vec<f64> = serde_json::from_value(want["y"].clone()).unwrap();
    assert_eq!(sine_y.len(), ref_y.len(), "SINE gives LINSPACE's 1000 points");
    assert!(sine_y.iter().zip(&ref_y).all(|(a, b)| (a - b).abs() <= 1e-12), "SINE agrees with numpy");
    let (k, k_ref) = (got["c"].as_f64().unwrap(), want["k"].as_f64().unwrap());
    // the same numbers up to an ulp of sin: the kurtosis agrees far inside 1e-9
    assert!((k - k_ref).abs() <= 1e-9 * k_ref.abs(), "kurtosis {k}, scipy {k_ref}");
}

#[test]
fn set_overrides_parameters_by_label_or_id_with_the_editors_checks() {
    let f = sine_flow("set", &[]);
    let f = f.to_str().unwrap();
    let (code, out, err) = flojoy(&[
        "run",
        f,
        "--json",
        "--set",
        "SINE.amplitude=2.5",
        "--set",
        "LINSPACE-1.step=5",
        "--set",
        "LINSPACE.end=1",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let y = &r["nodes"]["SINE-1"]["outputs"]["default"]["y"];
    let want = host_python(
        "import json, numpy as np\nprint(json.dumps((2.5 * np.sin(2 * np.pi * np.linspace(10, 1, 5))).tolist()))",
    );
    let (y, want): (Vec<f64>, Vec<f64>) =
        (serde_json::from_value(y.clone()).unwrap(), serde_json::from_value(want).unwrap());
    assert_eq!(y.len(), 5);
    assert!(y.iter().zip(&want).all(|(a, b)| (a - b).abs() <= 1e-12), "{y:?} vs {want:?}");

    for (arg, message) in [
        (
            "NOPE.amplitude=1",
            "--set NOPE.amplitude=1: no node is labelled 'NOPE' or has that id (labels: LINSPACE, SINE)",
        ),
        (
            "SINE.volume=1",
            "--set SINE.volume=1: SINE has no parameter 'volume' (it has: amplitude, frequency, offset, phase, waveform)",
        ),
        (
            "SINE.waveform=circle",
            "--set SINE.waveform=circle: SINE: 'waveform' must be one of sine, square, triangle, sawtooth, got \"circle\"",
        ),
        ("LINSPACE.step=many", "--set LINSPACE.step=many: LINSPACE: \"many\" is not a number"),
    ] {
        let (code, out, err) = flojoy(&["run", f, "--set", arg]);
        assert_eq!(code, 2, "{arg}: {err}");
        assert!(out.is_empty(), "nothing runs: {out}");
        assert!(err.contains(message), "{arg}: {err}");
    }
    let (code, _, err) = flojoy(&["run", f, "--set", "SINE"]);
    assert_eq!(code, 64, "{err}");
}

#[test]
fn python_that_is_missing_or_runs_away_fails_the_node_and_the_runner_reports() {
    let forever = "from flojoy import flojoy, OrderedPair\n\n@flojoy\ndef FOREVER(default: OrderedPair) -> OrderedPair:\n    while True:\n        pass\n";
    let double = "from flojoy import flojoy, OrderedPair\n\n@flojoy\ndef DOUBLE(default: OrderedPair) -> OrderedPair:\n    return OrderedPair(x=default.x, y=default.y * 2)\n";
    let f = sine_flow("python", &[("FOREVER", forever), ("DOUBLE", double)]);
    let f = f.to_str().unwrap();
    let (code, out, err) = flojoy(&["run", f, "--json", "--timeout", "1"]);
    assert_eq!(code, 1, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["nodes"]["FOREVER-1"]["status"], "failed");
    assert_eq!(r["nodes"]["DOUBLE-1"]["status"], "done", "the run went on after the stop: {r}");
    assert!(err.contains("node FOREVER (FOREVER-1) failed: stopped after 1 s (--timeout)"), "{err}");

    let (code, out, err) = flojoy(&["run", f, "--json", "--python", "/no/such/python3"]);
    assert_eq!(code, 1);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["nodes"]["SINE-1"]["status"], "done");
    assert!(
        err.contains(
            "node DOUBLE (DOUBLE-1) failed: cannot run the Python node DOUBLE: no Python found ('/no/such/python3'"
        ),
        "{err}"
    );
    let (code, _, err) = flojoy(&["run", f, "--timeout", "soon"]);
    assert_eq!(code, 64, "{err}");
}

#[test]
fn ctrl_c_stops_a_running_python_node_and_the_run_is_reported() {
    let dir = std::env::temp_dir().join(format!("flojoy-cli-ctrlc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let marker = dir.join("running");
    let _ = std::fs::remove_file(&marker);
    // the node says it is running (a file the test waits for), then never returns
    let code = format!(
        "from flojoy import flojoy, OrderedPair\n\n@flojoy\ndef FOREVER(default: OrderedPair) -> OrderedPair:\n    open({:?}, 'w').close()\n    while True:\n        pass\n",
        marker.display().to_string()
    );
    let f = sine_flow("ctrlc", &[("FOREVER", &code)]);
    let child = Command::new(env!("CARGO_BIN_EXE_flojoy"))
        .args(["run", f.to_str().unwrap(), "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !marker.exists() {
        assert!(std::time::Instant::now() < until, "the Python node never started");
        // a poll interval, not a timing assumption: the run is waited on by the file
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["status"], "cancelled");
    assert_eq!(r["error"], "interrupted (Ctrl+C)");
    assert_eq!(r["nodes"]["SINE-1"]["status"], "done");
}

#[test]
fn check_names_a_wire_into_a_port_the_code_does_not_declare() {
    let code = "from flojoy import flojoy, OrderedPair\n\n@flojoy\ndef HALF(signal: OrderedPair) -> OrderedPair:\n    return OrderedPair(x=signal.x, y=signal.y / 2)\n";
    // the wire targets 'default', as a stale port list in a file would; the code says 'signal'
    let f = sine_flow("undeclared", &[("HALF", code)]);
    let (code, out, err) = flojoy(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("HALF: input 'default' is wired, but the code of HALF declares no parameter 'default'"),
        "{err}"
    );
    assert!(err.contains("HALF: input 'signal' is not connected"), "{err}");
}

#[test]
fn allow_download_lets_flojoys_read_csv_example_fetch_its_url() {
    // Flojoy's READ_CSV example reads a URL; a loopback server stands in for GitHub
    let csv = b"Country,Region\nAlgeria,AFRICA\nAngola,AFRICA\n".to_vec();
    let base = support::http_server::serve(&[("/countries.csv", csv)]);
    let app = support::apps().join("blocks/ETL/EXTRACT/FILE/READ_CSV/app.json");
    let app = app.to_str().unwrap();
    let set = format!("READ CSV.file_path={base}/countries.csv");

    let (code, out, err) = flojoy(&["run", app, "--json", "--allow-download", "--set", &set]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let read = r["nodes"].as_object().unwrap().values().find(|n| n["func"] == "READ_CSV").unwrap();
    assert_eq!(read["status"], "done", "{read}");
    let table = read["outputs"]["default"].to_string();
    assert!(table.contains("Algeria") && table.contains("Angola") && table.contains("Region"), "{table}");

    // without the flag the runner stays offline and says how to change that
    let (code, out, _) = flojoy(&["run", app, "--set", &set]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("READ CSV") && out.contains("only when run with --allow-download"), "{out}");
}

#[test]
fn exports_save_only_inside_the_flows_folder_unless_write_anywhere() {
    // a flow from outside (a file, a link) aims EXPORT_CSV one folder up (a folder of this test's
    // own, so that runs side by side do not share the file)
    let made = sine_flow("writes", &[]);
    let dir = made.parent().unwrap().join("flow");
    std::fs::create_dir_all(&dir).unwrap();
    let flow = dir.join("writes.json");
    std::fs::rename(&made, &flow).unwrap();
    let mut f: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&flow).unwrap()).unwrap();
    f["rfInstance"]["nodes"].as_array_mut().unwrap().push(serde_json::json!({"id": "EXPORT_CSV-1", "data": {
        "func": "EXPORT_CSV", "label": "EXPORT CSV",
        "ctrls": {"dir": {"param": "dir", "value": "../"}, "filename": {"param": "filename", "value": "escaped.csv"}}}}));
    f["rfInstance"]["edges"].as_array_mut().unwrap().push(
        serde_json::json!({"source": "SINE-1", "sourceHandle": "default", "target": "EXPORT_CSV-1", "targetHandle": "dc"}),
    );
    std::fs::write(&flow, f.to_string()).unwrap();
    let escaped = dir.parent().unwrap().join("escaped.csv");
    let _ = std::fs::remove_file(&escaped);

    let (code, _, err) = flojoy(&["run", flow.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("node EXPORT CSV (EXPORT_CSV-1) failed: will not write '../escaped.csv'"), "{err}");
    assert!(err.contains("--write-anywhere"), "{err}");
    assert!(!escaped.exists());

    let (code, _, err) = flojoy(&["run", flow.to_str().unwrap(), "--write-anywhere"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&escaped).unwrap().starts_with("x,y\n"));
    let _ = std::fs::remove_dir_all(made.parent().unwrap());
}

#[test]
fn ctrl_c_stops_a_download_from_a_server_that_never_answers() {
    // a server that takes the connection and says nothing (the download's own limit is 2 minutes)
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/countries.csv", server.local_addr().unwrap());
    let app = support::apps().join("blocks/ETL/EXTRACT/FILE/READ_CSV/app.json");
    let child = Command::new(env!("CARGO_BIN_EXE_flojoy"))
        .args([
            "run",
            app.to_str().unwrap(),
            "--json",
            "--allow-download",
            "--set",
            &format!("READ CSV.file_path={url}"),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // the runner is downloading once its connection arrives (waited for on a thread, so that a
    // runner that never connects fails the test instead of hanging it)
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(server.accept().map(|(conn, _)| conn));
    });
    let Ok(Ok(_conn)) = rx.recv_timeout(std::time::Duration::from_secs(120)) else {
        let out = child.wait_with_output().unwrap();
        panic!("the runner never connected: {}", String::from_utf8_lossy(&out.stderr));
    };
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["status"], "cancelled");
    assert_eq!(r["error"], "interrupted (Ctrl+C)");
    let read = r["nodes"].as_object().unwrap().values().find(|n| n["func"] == "READ_CSV").unwrap();
    assert!(read["error"].as_str().unwrap_or_default().contains("interrupted"), "{read}");
}
