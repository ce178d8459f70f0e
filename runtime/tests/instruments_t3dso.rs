//! Studio's Teledyne LeCroy T3DSO1XXX nodes against a scripted USBTMC scope (the USB488
//! instrument of `support/usbtmc_instrument.rs`): golden checks on every line each node sends
//! and on what it makes of the answers (a trace's volts and times by Studio's formula, worked
//! out here by hand from the bytes sent; the digital bits; a measurement; a statistic; a BMP
//! screen), and each malformed answer an error naming what was wrong. Waits end at once: the
//! host's clock stands still and its timer fires immediately.
#![allow(clippy::unwrap_used)]

#[path = "support/usbtmc_instrument.rs"]
mod instrument;
#[path = "support/lab.rs"]
mod lab;
mod support;

use std::cell::RefCell;
use std::rc::Rc;

use instrument::{Config, Instrument, Reply};
use lab::Lab;
use runtime::schedule::{Cache, RunOptions, RunReport, RunStatus};
use runtime::value::Value;
use serde_json::json;

const IDN: &str = "Teledyne LeCroy,T3DSO1104,T3DS1C0000001,8.2.6.1.37R9";

/// A T3DSO1104 on USB (Siglent's vendor id) answering with `script` (*IDN? it answers itself).
fn t3dso(script: impl FnMut(&str) -> Reply + 'static) -> Instrument {
    Instrument::new(
        Config {
            idn: IDN.into(),
            vendor_id: 0xF4EC,
            product_id: 0xEE38,
            manufacturer: "Teledyne LeCroy".into(),
            product: "T3DSO1104".into(),
            ..Config::default()
        },
        script,
    )
}

/// A scope that takes every command and answers the queries in `answers`.
fn answering(answers: &'static [(&'static str, &'static str)]) -> Instrument {
    t3dso(move |line| match answers.iter().find(|(q, _)| *q == line) {
        Some((_, a)) => Reply::Text((*a).into()),
        None if line.ends_with('?') || line.contains("? ") => Reply::Unknown,
        None => Reply::Done,
    })
}

/// `DAT2,#9<nine digits>` + `data` + `\n\n`, the answer Siglent's guide shows for `wf? dat2`.
fn waveform(data: &[u8]) -> Rc<Vec<u8>> {
    let mut b = format!("DAT2,#9{:09}", data.len()).into_bytes();
    b.extend_from_slice(data);
    b.extend_from_slice(b"\n\n");
    Rc::new(b)
}

/// A bench of these instruments, each with its label.
fn bench(instruments: Vec<(Instrument, &str)>) -> Rc<Lab> {
    Lab::new(
        instruments
            .into_iter()
            .enumerate()
            .map(|(i, (inst, label))| (format!("usb{i}"), label.to_owned(), "T3DS1C0000001", inst))
            .collect(),
    )
}

/// A bench of one T3DSO.
fn bench_one(inst: &Instrument) -> Rc<Lab> {
    bench(vec![(inst.clone(), "T3DSO1104")])
}

/// Runs `nodes` in the order given, each one's output wired into the next one's `default`.
fn chain(lab: &Rc<Lab>, nodes: &[(&str, &str, serde_json::Value)]) -> RunReport {
    let wires: Vec<(&str, &str, &str, &str)> =
        nodes.windows(2).map(|w| (w[0].0, "default", w[1].0, "default")).collect();
    support::run_with(&support::flow(nodes, &wires), lab.host(), &RunOptions::default(), &mut Cache::new()).0
}

fn told(inst: &Instrument) -> Vec<String> {
    inst.log(|l| {
        assert!(l.host_errors.is_empty(), "{:?}", l.host_errors);
        l.messages.clone()
    })
}

fn report<'r>(r: &'r RunReport, func: &str) -> &'r runtime::schedule::NodeReport {
    r.nodes.iter().map(|(_, n)| n).find(|n| n.func == func).unwrap_or_else(|| panic!("no {func} in {r:?}"))
}

fn output(r: &RunReport, func: &str) -> Value {
    let n = report(r, func);
    assert!(n.error.is_none(), "{func}: {:?}", n.error);
    n.outputs.iter().find(|(k, _)| k == "default").map(|(_, d)| (**d).clone()).unwrap()
}

fn error(r: &RunReport, func: &str) -> String {
    report(r, func).error.clone().unwrap_or_else(|| panic!("{func} did not fail: {r:?}"))
}

fn pair(v: Value) -> (Vec<f64>, Vec<f64>) {
    match v {
        Value::OrderedPair { x, y } => (x, y),
        other => panic!("not an OrderedPair: {other:?}"),
    }
}

fn close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{what}[{i}] = {g}, not {w}");
    }
}

#[test]
fn the_setting_nodes_send_studio_s_lines() {
    let scope = answering(&[("INR?", "1")]);
    let lab = bench_one(&scope);
    let r = chain(
        &lab,
        &[
            ("C", "CONNECT_T3DSO1XXX", json!({})),
            ("A", "AUTO_SETUP_T3DSO1XXX", json!({})),
            ("D", "DISPLAY_ON_OFF_T3DSO1XXX", json!({"display_ch2": false, "display_ch4": false})),
            ("H", "SET_HORIZONTAL_SCALE_T3DSO1XXX", json!({"time_value": 250, "time_unit": "ms"})),
            ("V", "SET_VERTICAL_SCALE_T3DSO1XXX", json!({"channel": "C2", "volt_gain": 0.2})),
            ("V1", "SET_VERTICAL_SCALE_T3DSO1XXX", json!({})),
            ("H1", "SET_HORIZONTAL_SCALE_T3DSO1XXX", json!({})),
            ("R", "RESET_T3DSO1XXX", json!({})),
        ],
    );
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&scope),
        [
            "*IDN?",
            "COMM_HEADER OFF",
            "ASET",
            "C1:TRACE ON",
            "C2:TRACE OFF",
            "C3:TRACE ON",
            "C4:TRACE OFF",
            "TIME_DIV 250ms",
            "C2:VOLT_DIV 0.2",
            "C1:VOLT_DIV 1.0",
            "TIME_DIV 500us",
            "*RST",
            "INR?",
        ]
    );
    assert!(report(&r, "CONNECT_T3DSO1XXX").log.join("\n").contains(&format!("connected to {IDN}")));
    for func in ["CONNECT_T3DSO1XXX", "AUTO_SETUP_T3DSO1XXX", "DISPLAY_ON_OFF_T3DSO1XXX", "RESET_T3DSO1XXX"] {
        assert!(report(&r, func).error.is_none(), "{func}");
    }
}

#[test]
fn reset_asks_inr_until_the_scope_answers_and_gives_up_after_ten_more_tries() {
    // the scope is busy resetting for the first two INR?
    let busy = Rc::new(RefCell::new(2));
    let left = busy.clone();
    let scope = t3dso(move |line| match line {
        "INR?" if *left.borrow() > 0 => {
            *left.borrow_mut() -= 1;
            Reply::Silent
        }
        "INR?" => Reply::Text("1".into()),
        _ => Reply::Done,
    });
    let lab = bench_one(&scope);
    let r = chain(&lab, &[("R", "RESET_T3DSO1XXX", json!({}))]);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(told(&scope), ["*RST", "INR?", "INR?", "INR?"]);
    assert_eq!(report(&r, "RESET_T3DSO1XXX").log.iter().filter(|l| l.contains("Waiting for scope")).count(), 3);
    // never: 11 tries, then an error
    let scope = t3dso(|line| if line == "INR?" { Reply::Silent } else { Reply::Done });
    let lab = bench_one(&scope);
    let r = chain(&lab, &[("R", "RESET_T3DSO1XXX", json!({}))]);
    let e = error(&r, "RESET_T3DSO1XXX");
    assert!(e.contains("did not come back after *RST") && e.contains("INR?"), "{e}");
    assert_eq!(told(&scope).iter().filter(|l| *l == "INR?").count(), 11);
}

/// The analog scope of the trace tests: 0.5 V/div, 0.1 V offset, 0.5 ms/div, 20 kSa/s; C2 sends
/// the bytes 0, 25, 127, 128, 231, 255.
fn trace_scope(fault: Option<(&'static str, Reply)>) -> Instrument {
    let fault = RefCell::new(fault);
    t3dso(move |line| {
        if fault.borrow().as_ref().is_some_and(|(q, _)| *q == line) {
            return fault.borrow_mut().take().unwrap().1;
        }
        let text = |s: &str| Reply::Text(s.into());
        match line {
            "C2:vdiv?" => text("5.00E-01"),
            "C2:ofst?" => text("1.00E-01"),
            "tdiv?" => text("5.00E-04"),
            "sara?" => text("20.00kSa/s"),
            "C2:wf? dat2" => Reply::Bytes(waveform(&[0, 25, 127, 128, 231, 255])),
            l if l.ends_with('?') => Reply::Unknown,
            _ => Reply::Done,
        }
    })
}

#[test]
fn extract_trace_reads_the_waveform_as_studio_s_block_scales_it() {
    let scope = trace_scope(None);
    let lab = bench_one(&scope);
    let r = chain(&lab, &[("T", "EXTRACT_TRACE_T3DSO1XXX", json!({"trace": "C2"}))]);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(told(&scope), ["chdr off", "C2:vdiv?", "C2:ofst?", "tdiv?", "sara?", "C2:wf? dat2"]);
    let (x, y) = pair(output(&r, "EXTRACT_TRACE_T3DSO1XXX"));
    // the block keeps the bytes after the first 15: the length's last digit '6' (54) first; a
    // byte b > 127 counts as b − 255; volts = level / 25 · 0.5 − 0.1
    let levels = [54.0, 0.0, 25.0, 127.0, -127.0, -24.0, 0.0];
    let want: Vec<f64> = levels.iter().map(|l| l / 25.0 * 0.5 - 0.1).collect();
    close(&y, &want, "y");
    close(&y, &[0.98, -0.1, 0.4, 2.44, -2.64, -0.58, -0.1], "y by hand");
    // −0.5 ms · 14 / 2 + i / 20 kHz
    close(&x, &[-3.5e-3, -3.45e-3, -3.4e-3, -3.35e-3, -3.3e-3, -3.25e-3, -3.2e-3], "x");
    // 5000 > 7 points: the whole trace, with Studio's warning
    assert!(
        report(&r, "EXTRACT_TRACE_T3DSO1XXX")
            .log
            .join("\n")
            .contains("Resolution (5000) is greater than the number of points (7). Returning full trace.")
    );

    // resolution 3: every (7 // 3 = 2)nd point
    let lab = bench_one(&trace_scope(None));
    let r = chain(&lab, &[("T", "EXTRACT_TRACE_T3DSO1XXX", json!({"trace": "C2", "resolution": 3}))]);
    let (x, y) = pair(output(&r, "EXTRACT_TRACE_T3DSO1XXX"));
    close(&y, &[0.98, 0.4, -2.64, -0.1], "y[::2]");
    close(&x, &[-3.5e-3, -3.4e-3, -3.3e-3, -3.2e-3], "x[::2]");
    // none: the whole trace, without a warning
    let lab = bench_one(&trace_scope(None));
    let r = chain(&lab, &[("T", "EXTRACT_TRACE_T3DSO1XXX", json!({"trace": "C2", "resolution": ""}))]);
    let (_, y) = pair(output(&r, "EXTRACT_TRACE_T3DSO1XXX"));
    close(&y, &want, "y, resolution None");
    let log = &report(&r, "EXTRACT_TRACE_T3DSO1XXX").log;
    assert!(!log.iter().any(|l| l.contains("Resolution")), "{log:?}");
}

#[test]
fn extract_digital_trace_reads_d0_bit_by_bit() {
    let scope = t3dso(|line| match line {
        "tdiv?" => Reply::Text("1.00E-03".into()),
        "di:sara?" => Reply::Text("1.00MSa/s".into()),
        "d0:wf? dat2" => Reply::Bytes(waveform(&[0xA5, 0x0F])),
        l if l.ends_with('?') => Reply::Unknown,
        _ => Reply::Done,
    });
    let lab = bench_one(&scope);
    let r = chain(&lab, &[("D", "EXTRACT_DIGITAL_TRACE_T3DSO1XXX", json!({"trace": "D3", "resolution": 5}))]);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    // Studio's block reads D0 whatever trace is chosen
    assert_eq!(told(&scope), ["chdr off", "tdiv?", "di:sara?", "d0:wf? dat2"]);
    // kept bytes: '2' (0x32), 0xA5, 0x0F, least significant bit first: 24 points; every 24 // 5 = 4th
    let bits = [0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0];
    let want: Vec<f64> = bits.iter().step_by(4).map(|b| f64::from(*b)).collect();
    let (x, y) = pair(output(&r, "EXTRACT_DIGITAL_TRACE_T3DSO1XXX"));
    assert_eq!(y, want);
    assert_eq!(y, [0.0, 1.0, 1.0, 0.0, 1.0, 0.0]);
    // −1 ms · 14 / 2 + i · 1 µs, i = 0, 4, …, 20
    close(&x, &[-7e-3, -6.996e-3, -6.992e-3, -6.988e-3, -6.984e-3, -6.98e-3], "x");
}

#[test]
fn measurement_reads_the_instant_value_without_its_unit() {
    let scope = answering(&[("C1:PAVA? PKPK", "PKPK,2.000000E+00V"), ("C3:PAVA? FREQ", "FREQ,1.000000E+03Hz")]);
    let lab = bench_one(&scope);
    let r = chain(
        &lab,
        &[
            ("M", "MEASUREMENT_T3DSO1XXX", json!({})),
            ("F", "MEASUREMENT_T3DSO1XXX", json!({"trace": "C3", "measurement": "Frequency"})),
        ],
    );
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(told(&scope), ["PACU PKPK,C1", "C1:PAVA? PKPK", "PACU FREQ,C3", "C3:PAVA? FREQ"]);
    let values: Vec<Value> = r
        .nodes
        .iter()
        .map(|(_, n)| n)
        .filter(|n| n.func == "MEASUREMENT_T3DSO1XXX")
        .map(|n| (*n.outputs[0].1).clone())
        .collect();
    assert!(values.contains(&Value::scalar(2.0)) && values.contains(&Value::scalar(1000.0)), "{values:?}");
}

/// A scope whose Measure and Statistics menus start off (SY_FP 26 and 4 toggle them), with
/// C2's amplitude statistics in slot 3 (`stat3` replaces them).
fn stats_scope(stat3: &'static str, measure_on: bool, stats_on: bool) -> Instrument {
    let state = RefCell::new((measure_on, stats_on));
    t3dso(move |line| {
        let mut s = state.borrow_mut();
        match line {
            "SY_FP 26,1" => s.0 = !s.0,
            "SY_FP 4,1" if s.0 => s.1 = !s.1,
            "PAVA? STAT1" if !(s.0 && s.1) => return Reply::Text("STAT1:OFF".into()),
            "PAVA? STAT1" => {
                return Reply::Text("STAT1 C1 FREQ:cur,1.000000E+03Hz,mean,1.000000E+03Hz,min,9.990000E+02Hz,max,1.001000E+03Hz,std-dev,1.000000E+00Hz,count,12".into());
            }
            "PAVA? STAT3" => return Reply::Text(stat3.into()),
            l if l.starts_with("PAVA? STAT") => return Reply::Text(format!("{}:", &l[6..])),
            l if l.ends_with('?') => return Reply::Unknown,
            _ => {}
        }
        Reply::Done
    })
}

const AMPL: &str = "STAT3 C2 AMPL:cur,3.260000E+00V,mean,3.250000E+00V,min,3.200000E+00V,max,3.300000E+00V,std-dev,2.000000E-02V,count,12";

#[test]
fn measurement_statistics_turn_the_statistics_on_as_studio_does_and_read_the_slot() {
    let scope = stats_scope(AMPL, false, false);
    let lab = bench_one(&scope);
    let r = chain(
        &lab,
        &[(
            "M",
            "MEASUREMENT_T3DSO1XXX",
            json!({"trace": "C2", "measurement": "Vertical amplitude", "statistic": "Max"}),
        )],
    );
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&scope),
        [
            "PACU AMPL,C2",
            "PACU FREQ,C1",
            "PAVA? STAT1",
            "SY_FP 4,1",
            "PACU FREQ,C1",
            "PAVA? STAT1",
            "SY_FP 26,1",
            "PACU FREQ,C1",
            "PAVA? STAT1",
            "SY_FP 4,1",
            "PACU FREQ,C1",
            "PAVA? STAT1",
            "PAVA? STAT5",
            "PAVA? STAT4",
            "PAVA? STAT3",
        ]
    );
    assert_eq!(output(&r, "MEASUREMENT_T3DSO1XXX"), Value::scalar(3.3));
    // already on: straight to the slots
    for (statistic, want) in [("Std-dev", 0.02), ("count", 12.0), ("Mean", 3.25), ("Min", 3.2)] {
        let scope = stats_scope(AMPL, true, true);
        let lab = bench_one(&scope);
        let r = chain(
            &lab,
            &[(
                "M",
                "MEASUREMENT_T3DSO1XXX",
                json!({"trace": "C2", "measurement": "Vertical amplitude", "statistic": statistic}),
            )],
        );
        assert_eq!(output(&r, "MEASUREMENT_T3DSO1XXX"), Value::scalar(want), "{statistic}");
        assert_eq!(
            told(&scope),
            ["PACU AMPL,C2", "PACU FREQ,C1", "PAVA? STAT1", "PAVA? STAT5", "PAVA? STAT4", "PAVA? STAT3"]
        );
    }
}

#[test]
fn malformed_answers_are_node_errors_naming_what_was_wrong() {
    for (q, a, says) in [
        ("C2:vdiv?", "volts", "'volts' to 'C2:vdiv?', which is not a vertical scale"),
        ("C2:ofst?", "", "to 'C2:ofst?', which is not an offset"),
        ("tdiv?", "fast", "to 'tdiv?', which is not a time scale"),
        ("sara?", "quick", "'quick' to 'sara?', which is not a sample rate"),
        ("sara?", "xGSa/s", "to 'sara?', which is not a sample rate"),
        ("sara?", "0", "a sample rate of zero"),
        ("sara?", "0.00GSa/s", "a sample rate of zero"),
    ] {
        let lab = bench_one(&trace_scope(Some((q, Reply::Text(a.into())))));
        let r = chain(&lab, &[("T", "EXTRACT_TRACE_T3DSO1XXX", json!({"trace": "C2"}))]);
        let e = error(&r, "EXTRACT_TRACE_T3DSO1XXX");
        assert!(e.contains(says), "{q} → {a}: {e}");
    }
    for (bytes, says) in [
        (b"DAT2,#9\n".to_vec(), "is 8 bytes, too short for a waveform"),
        (
            b"NOT A WAVEFORM AT ALL\n\n".to_vec(),
            "does not start with a waveform header (DAT2,#9…) but with 'NOT A WAVEFORM '",
        ),
    ] {
        let lab = bench_one(&trace_scope(Some(("C2:wf? dat2", Reply::Bytes(Rc::new(bytes))))));
        let r = chain(&lab, &[("T", "EXTRACT_TRACE_T3DSO1XXX", json!({"trace": "C2"}))]);
        let e = error(&r, "EXTRACT_TRACE_T3DSO1XXX");
        assert!(e.contains("'C2:wf? dat2'") && e.contains(says), "{e}");
    }
    // a measurement with no value, or no number
    for (a, says) in [
        ("PKPK", "answered 'PKPK' to 'C1:PAVA? PKPK', which has no value after a comma"),
        ("PKPK,****", "Vertical peak-to-peak of C1 is '****', which is not a number"),
    ] {
        let scope = t3dso(move |line| if line.contains('?') { Reply::Text(a.into()) } else { Reply::Done });
        let r = chain(&bench_one(&scope), &[("M", "MEASUREMENT_T3DSO1XXX", json!({}))]);
        let e = error(&r, "MEASUREMENT_T3DSO1XXX");
        assert!(e.contains(says), "{e}");
    }
    // statistics: a slot that is not <slot>:<values>, a slot list without the measurement, a
    // statistic missing, pairs broken, and statistics that never come on
    let amplitude = json!({"trace": "C2", "measurement": "Vertical amplitude", "statistic": "Max"});
    for (stat3, says) in [
        ("STAT3 C2 AMPL", "answered 'stat3 c2 ampl' to 'PAVA? STAT3', which is not '<slot>:<statistics>'"),
        ("STAT3 C2 PKPK:cur,1", "could not find the statistics of Vertical amplitude on C2 in STAT1 to STAT5"),
        ("STAT3 C2 AMPL:cur,1.0E+00V,count,3", "has no 'max' statistic"),
        ("STAT3 C2 AMPL:cur,1.0E+00V,max", "is not name,value pairs"),
    ] {
        let r =
            chain(&bench_one(&stats_scope(stat3, true, true)), &[("M", "MEASUREMENT_T3DSO1XXX", amplitude.clone())]);
        let e = error(&r, "MEASUREMENT_T3DSO1XXX");
        assert!(e.contains(says), "{stat3}: {e}");
    }
    let stuck = t3dso(|line| match line {
        "PAVA? STAT1" => Reply::Text("STAT1:OFF".into()),
        _ => Reply::Done,
    });
    let r = chain(&bench_one(&stuck), &[("M", "MEASUREMENT_T3DSO1XXX", amplitude)]);
    let e = error(&r, "MEASUREMENT_T3DSO1XXX");
    assert!(e.contains("could not turn the scope's statistics on"), "{e}");
    assert_eq!(told(&stuck).iter().filter(|l| *l == "PAVA? STAT1").count(), 4);
    // a screen that is not an image
    let scope = t3dso(|line| if line == "SCDP" { Reply::Bytes(Rc::new(b"oops".to_vec())) } else { Reply::Done });
    let r = chain(&bench_one(&scope), &[("S", "SCREENSHOT_T3DSO1XXX", json!({}))]);
    let e = error(&r, "SCREENSHOT_T3DSO1XXX");
    assert!(e.contains("'SCDP'") && e.contains("cannot read the image"), "{e}");
    // not a LeCroy
    let other =
        Instrument::new(Config { idn: "RIGOL TECHNOLOGIES,DS1074Z,DS1ZA1,00.04".into(), ..Config::default() }, |_| {
            Reply::Done
        });
    let r = chain(&bench(vec![(other.clone(), "DS1074Z")]), &[("C", "CONNECT_T3DSO1XXX", json!({}))]);
    let e = error(&r, "CONNECT_T3DSO1XXX");
    assert!(e.contains("does not seem to be a LeCroy oscilloscope, its name is RIGOL TECHNOLOGIES,DS1074Z"), "{e}");
    assert_eq!(told(&other), ["*IDN?"]);
}

#[test]
fn bad_parameters_are_refused_before_anything_is_sent() {
    let scope = answering(&[]);
    let lab = bench_one(&scope);
    for (func, params, says) in [
        (
            "SET_VERTICAL_SCALE_T3DSO1XXX",
            json!({"volt_gain": 20}),
            "Invalid volt_gain 20.0, must be between 0.0005V and 10V",
        ),
        ("SET_VERTICAL_SCALE_T3DSO1XXX", json!({"volt_gain": 0.0001}), "must be between 0.0005V and 10V"),
        ("SET_HORIZONTAL_SCALE_T3DSO1XXX", json!({"time_value": 0}), "Invalid time value 0, must be greater than 0"),
        ("EXTRACT_TRACE_T3DSO1XXX", json!({"resolution": 0}), "'resolution' must be greater than zero"),
        ("EXTRACT_DIGITAL_TRACE_T3DSO1XXX", json!({"resolution": -3}), "'resolution' must be greater than zero"),
    ] {
        let r = chain(&lab, &[("N", func, params)]);
        let e = error(&r, func);
        assert!(e.contains(says), "{func}: {e}");
    }
    // a measurement Studio does not list: the flow does not start
    let r = chain(&lab, &[("N", "MEASUREMENT_T3DSO1XXX", json!({"measurement": "Phase"}))]);
    assert_eq!(r.status, RunStatus::Failed);
    assert!(
        r.diagnostics.iter().any(|d| d.message.contains("'measurement' must be one of Vertical peak-to-peak")),
        "{r:?}"
    );
    assert!(told(&scope).is_empty());
}

#[test]
fn screenshot_decodes_the_bmp_the_scope_sends() {
    // a 2 × 2 24-bit BMP: red, green over blue, white (rows bottom-up, BGR, each padded to 8 bytes)
    let mut bmp = b"BM".to_vec();
    let le32 = |v: u32| v.to_le_bytes();
    bmp.extend(le32(54 + 16));
    bmp.extend(le32(0));
    bmp.extend(le32(54));
    bmp.extend(le32(40));
    bmp.extend(le32(2));
    bmp.extend(le32(2));
    bmp.extend([1, 0, 24, 0]);
    bmp.extend(le32(0));
    bmp.extend(le32(16));
    bmp.extend([0; 16]);
    bmp.extend([0xFF, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0]); // bottom row: blue, white
    bmp.extend([0, 0, 0xFF, 0, 0xFF, 0, 0, 0]); // top row: red, green
    assert_eq!(bmp.len(), 70);
    let bmp = Rc::new(bmp);
    let screen = bmp.clone();
    let scope = t3dso(move |line| if line == "SCDP" { Reply::Bytes(screen.clone()) } else { Reply::Done });
    let r = chain(&bench_one(&scope), &[("S", "SCREENSHOT_T3DSO1XXX", json!({}))]);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(told(&scope), ["SCDP"]);
    let Value::Image { r: red, g, b, a } = output(&r, "SCREENSHOT_T3DSO1XXX") else { panic!("an Image") };
    assert_eq!((red.rows, red.cols), (2, 2));
    assert_eq!(red.data, [255.0, 0.0, 0.0, 255.0]);
    assert_eq!(g.data, [0.0, 255.0, 0.0, 255.0]);
    assert_eq!(b.data, [0.0, 0.0, 255.0, 255.0]);
    assert_eq!(a.unwrap().data, [255.0; 4]);
}

#[test]
fn among_several_instruments_the_nodes_pick_the_t3dso() {
    let keithley = Instrument::new(Config::default(), |_| Reply::Done);
    let scope = answering(&[("C1:PAVA? PKPK", "PKPK,2.000000E+00V")]);
    let lab = bench(vec![(keithley.clone(), "Keithley 2450"), (scope.clone(), "T3DSO1104")]);
    let r = chain(&lab, &[("C", "CONNECT_T3DSO1XXX", json!({})), ("M", "MEASUREMENT_T3DSO1XXX", json!({}))]);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    let log = report(&r, "CONNECT_T3DSO1XXX").log.join("\n");
    assert!(log.contains("using the only connected Teledyne LeCroy T3DSO scope 'T3DSO1104'"), "{log}");
    assert_eq!(told(&scope), ["*IDN?", "COMM_HEADER OFF", "PACU PKPK,C1", "C1:PAVA? PKPK"]);
    assert!(told(&keithley).is_empty());
    assert_eq!(output(&r, "MEASUREMENT_T3DSO1XXX"), Value::scalar(2.0));
}
