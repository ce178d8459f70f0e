//! Every built-in node against golden fixtures computed with numpy/scipy on the host
//! (`tests/fixtures/make.py` → `runtime/tests/fixtures/*.json`). Nodes without fixtures must be
//! listed in `NOT_GOLDEN` with the reason and where they are tested instead.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::collections::BTreeMap;

use runtime::nodes;
use runtime::value::{Data, Value};
use serde_json::Value as Json;

/// Nodes tested elsewhere, and why they have no golden case.
const CAN: &str =
    "talks to an slcan CAN adapter: tests/hardware.rs (scripted), tests/e2e/can.test.mjs (the simulated CANable)";

const NOT_GOLDEN: &[(&str, &str)] = &[
    ("RAND", "random: distributions checked by statistics in tests/gallery.rs and tests/library.rs"),
    ("LOOP", "steers the scheduler: tests/scheduler.rs"),
    ("LOOP_INDEX", "reads LOOP memory: tests/scheduler.rs"),
    ("BREAK", "writes LOOP memory: tests/scheduler.rs"),
    ("CONDITIONAL", "steers the scheduler: tests/scheduler.rs"),
    ("FEEDBACK", "reads another node's result: tests/scheduler.rs"),
    ("APPEND", "accumulates in loops: tests/scheduler.rs"),
    ("TIMER", "waits: tests/scheduler.rs"),
    ("BATCH_PROCESSOR", "lists a folder across LOOP iterations: tests/files_nodes.rs"),
    ("REPORT_GENERATION", "writes an HTML file: tests/files_nodes.rs"),
    ("OPEN_WEBCAM", "opens a camera: tests/e2e/webcam.test.mjs, against Chromium's fake camera"),
    ("WEBCAM", "takes a picture: tests/e2e/webcam.test.mjs, against Chromium's fake camera"),
    ("OPEN_SERIAL", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("CANABLE_CONNECT", CAN),
    ("SEND_CAN_MESSAGE", CAN),
    ("SEND_PERIODIC_CAN_MESSAGE", CAN),
    ("STOP_SEND_PERIODIC_CAN_MESSAGE", CAN),
    ("RECEIVE_CAN_MESSAGE", CAN),
    (
        "CREATE_CAN_MESSAGE",
        "a python-can Message as a DataFrame row: tests/hardware.rs, and what it sends in tests/e2e/can.test.mjs",
    ),
    ("SERIAL_WRITE", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("SERIAL_SINGLE_MEASUREMENT", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("SERIAL_TIMESERIES", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("SCPI_WRITE", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("IDN", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("MEASURE_VOLTAGE", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("USB_OPEN", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("USB_TRANSFER_OUT", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("USB_TRANSFER_IN", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("USB_CONTROL_TRANSFER", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("SERIAL_STREAM", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("USB_STREAM", "talks to a device: tests/hardware.rs, against scripted devices"),
    ("CONNECT_2450", INSTRUMENT),
    ("RESET_2450", INSTRUMENT),
    ("SOURCE_2450", INSTRUMENT),
    ("MEASURE_SETTINGS_2450", INSTRUMENT),
    ("OUTPUT_2450", INSTRUMENT),
    ("MEASURE_READ_2450", INSTRUMENT),
    ("IV_SWEEP_2450", INSTRUMENT),
    ("BEEP_2450", INSTRUMENT),
    ("CONNECT_DMM7510", INSTRUMENT),
    ("RESET_DMM7510", INSTRUMENT),
    ("FUNCTION_DMM7510", INSTRUMENT),
    ("READ_MEASUREMENT_DMM7510", INSTRUMENT),
    ("CONNECTION_DS1074Z", INSTRUMENT),
    ("CHANNEL_ON_OFF_DS1074Z", INSTRUMENT),
    ("TRIGGER_DS1074Z", INSTRUMENT),
    ("VERTICAL_AXIS_DS1074Z", INSTRUMENT),
    ("TIME_AXIS_DS1074Z", INSTRUMENT),
    ("EXTRACT_TRACE_DS1074Z", INSTRUMENT),
    ("CONNECT_AFG31000", INSTRUMENT),
    ("FUNCTION_AFG31000", INSTRUMENT),
    ("OUTPUT_AFG31000", INSTRUMENT),
    ("INPUT_PARAM_AFG31000", INSTRUMENT),
    ("CONNECT_MSO2X", INSTRUMENT),
    ("AFG_MSO2X", INSTRUMENT),
    ("CHANNEL_DISPLAY_MSO2X", INSTRUMENT),
    ("DECODE_I2C_MSO2X", INSTRUMENT),
    ("DIGITAL_CHANNELS_MSO2X", INSTRUMENT),
    ("EDGE_TRIGGER_MSO2X", INSTRUMENT),
    ("HORIZONTAL_POSITION_MSO2X", INSTRUMENT),
    ("HORIZONTAL_SCALE_MSO2X", INSTRUMENT),
    ("I2C_TRIGGER_MSO2X", INSTRUMENT),
    ("MEASUREMENT_MSO2X", INSTRUMENT),
    ("PROBE_ATTENUATION_MSO2X", INSTRUMENT),
    ("QUERY_CURVE_MSO2X", INSTRUMENT),
    ("SCREENSHOT_MSO2X", INSTRUMENT),
    ("SETUP_FILE_MSO2X", INSTRUMENT),
    ("SINGLE_TRIGGER_MSO2X", INSTRUMENT),
    ("VERTICAL_POSITION_MSO2X", INSTRUMENT),
    ("VERTICAL_SCALE_MSO2X", INSTRUMENT),
    ("CONNECT_T3DSO1XXX", T3DSO),
    ("AUTO_SETUP_T3DSO1XXX", T3DSO),
    ("DISPLAY_ON_OFF_T3DSO1XXX", T3DSO),
    ("EXTRACT_DIGITAL_TRACE_T3DSO1XXX", T3DSO),
    ("EXTRACT_TRACE_T3DSO1XXX", T3DSO),
    ("MEASUREMENT_T3DSO1XXX", T3DSO),
    ("RESET_T3DSO1XXX", T3DSO),
    ("SCREENSHOT_T3DSO1XXX", T3DSO),
    ("SET_HORIZONTAL_SCALE_T3DSO1XXX", T3DSO),
    ("SET_VERTICAL_SCALE_T3DSO1XXX", T3DSO),
    ("CONNECTION_MDO3XXX", INSTRUMENT),
    ("ADVANCED_MEASUREMENTS_MDO3XXX", INSTRUMENT),
    ("EXTRACT_TRACE_MDO3XXX", INSTRUMENT),
    ("MEASUREMENTS_MDO3XXX", INSTRUMENT),
    ("MEASURE_PHASE_MDO3XXX", INSTRUMENT),
    ("TERMINATION_MDO3XXX", INSTRUMENT),
    ("TRIGGER_CHANNEL_MDO3XXX", INSTRUMENT),
    ("TRIGGER_LEVEL_MDO3XXX", INSTRUMENT),
    ("TRIGGER_SETTINGS_MDO3XXX", INSTRUMENT),
    ("TIC", "drives a stepper controller: tests/hardware.rs, against a scripted Tic"),
    ("TIC_KNOB", "drives a stepper controller: tests/hardware.rs, against a scripted Tic"),
];

const T3DSO: &str = "talks to an instrument: tests/instruments_t3dso.rs, golden checks against a scripted USBTMC T3DSO";

const INSTRUMENT: &str =
    "talks to an instrument: tests/instruments.rs, golden checks against scripted USBTMC instruments";

struct Case {
    file: String,
    node: String,
    name: String,
    inputs: Vec<(String, Vec<Data>)>,
    params: serde_json::Map<String, Json>,
    expect: Result<BTreeMap<String, Json>, String>,
    rtol: f64,
    atol: f64,
}

fn load_cases() -> Vec<Case> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for c in doc["cases"].as_array().unwrap() {
            let value = |j: &Json| {
                Data::new(Value::from_json(j).unwrap_or_else(|e| panic!("{}: bad fixture value: {e}", f.display())))
            };
            let inputs = c["inputs"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    (k.clone(), if let Json::Array(vs) = v { vs.iter().map(value).collect() } else { vec![value(v)] })
                })
                .collect();
            let expect = match c.get("error") {
                Some(e) => Err(e.as_str().unwrap().to_owned()),
                None => Ok(c["expect"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            };
            cases.push(Case {
                file: f.file_name().unwrap().to_string_lossy().into_owned(),
                node: c["node"].as_str().unwrap().to_owned(),
                name: c["case"].as_str().unwrap().to_owned(),
                inputs,
                params: c["params"].as_object().cloned().unwrap_or_default(),
                expect,
                rtol: c["rtol"].as_f64().unwrap_or(1e-9),
                atol: c["atol"].as_f64().unwrap_or(1e-12),
            });
        }
    }
    cases
}

/// Compares JSON trees: numbers within tolerance (null = NaN/Inf on both sides).
fn close(got: &Json, want: &Json, rtol: f64, atol: f64, path: &str) -> Result<(), String> {
    match (got, want) {
        (Json::Number(a), Json::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            if (a - b).abs() <= atol + rtol * b.abs() { Ok(()) } else { Err(format!("{path}: got {a}, want {b}")) }
        }
        (Json::Array(a), Json::Array(b)) => {
            if a.len() != b.len() {
                return Err(format!("{path}: got {} items, want {}", a.len(), b.len()));
            }
            a.iter().zip(b).enumerate().try_for_each(|(i, (x, y))| close(x, y, rtol, atol, &format!("{path}[{i}]")))
        }
        (Json::Object(a), Json::Object(b)) => {
            let (ka, kb): (Vec<_>, Vec<_>) = (a.keys().collect(), b.keys().collect());
            let mut sa = ka.clone();
            let mut sb = kb.clone();
            sa.sort();
            sb.sort();
            if sa != sb {
                return Err(format!("{path}: got keys {sa:?}, want {sb:?}"));
            }
            b.iter().try_for_each(|(k, v)| close(&a[k], v, rtol, atol, &format!("{path}.{k}")))
        }
        _ if got == want => Ok(()),
        _ => Err(format!("{path}: got {got}, want {want}")),
    }
}

fn check(c: &Case) -> Result<(), String> {
    let def = nodes::lookup(&c.node).ok_or_else(|| format!("no built-in node {}", c.node))?;
    let inputs: Vec<(&str, Vec<Data>)> = c.inputs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let got = futures::executor::block_on(nodes::invoke(def, &inputs, &c.params, support::host(5)));
    match (&c.expect, got) {
        (Err(piece), Err(e)) if e.0.contains(piece.as_str()) => Ok(()),
        (Err(piece), Err(e)) => Err(format!("failed with '{e}', expected a message containing '{piece}'")),
        (Err(piece), Ok(_)) => Err(format!("succeeded, expected an error containing '{piece}'")),
        (Ok(_), Err(e)) => Err(format!("failed: {e}")),
        (Ok(want), Ok(outs)) => {
            for (name, w) in want {
                let got = outs
                    .iter()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, d)| d.as_ref())
                    .ok_or_else(|| format!("no output '{name}'"))?;
                close(&got.to_json(), w, c.rtol, c.atol, name)?;
            }
            Ok(())
        }
    }
}

#[test]
fn every_node_matches_its_golden_fixtures() {
    let cases = load_cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| check(c).err().map(|e| format!("{} {} [{}]: {e}", c.file, c.node, c.name)))
        .collect();
    eprintln!("{} golden cases, {} failed", cases.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_node_has_golden_fixtures_or_a_stated_reason() {
    let cases = load_cases();
    let missing: Vec<&str> = nodes::all()
        .iter()
        .map(|d| d.spec.func.as_str())
        .filter(|f| !cases.iter().any(|c| c.node == *f) && !NOT_GOLDEN.iter().any(|(n, _)| n == f))
        .filter(|f| nodes::lookup(f).is_some_and(|d| d.spec.availability == runtime::spec::Availability::Native))
        .collect();
    assert!(missing.is_empty(), "nodes without golden fixtures: {missing:?}");
}
