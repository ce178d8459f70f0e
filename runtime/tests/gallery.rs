//! Flojoy's gallery flows open and run with the values of REFERENCE §4.4 (recomputed there with
//! numpy/scipy from the block code); unseeded randomness is checked by its statistics.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use runtime::schedule::{NodeState, RunStatus};
use runtime::value::Value;
use support::*;

#[test]
fn noisy_sine_default_json() {
    let r = run(&gallery("default.json"));
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    let add = out(&r, "ADD", "default");
    let (x, y) = (xs(add), ys(add));
    assert_eq!(x.len(), 1000);
    // x = linspace(10, 0, 1000)
    assert_eq!((x[0], x[999]), (10.0, 0.0));
    assert!(close(x[1], 9.98998998998999, 1e-12));
    // ADD.y = sin(2πx) + 2 + N(0,1): the noise has mean ≈ 0 and std ≈ 1
    let noise: Vec<f64> = x.iter().zip(y).map(|(x, y)| y - (std::f64::consts::TAU * x).sin() - 2.0).collect();
    assert!(mean(&noise).abs() < 0.16, "noise mean {}", mean(&noise));
    assert!((0.9..1.1).contains(&std(&noise)), "noise std {}", std(&noise));
    // sample mean ≈ 2, std ≈ 1.22 (REFERENCE §4.4)
    assert!((mean(y) - 2.0).abs() < 0.16);
    assert!((std(y) - 1.22).abs() < 0.08, "std {}", std(y));
    // both plots were made from ADD
    for viz in ["SCATTER", "HISTOGRAM"] {
        let Value::Plotly { fig } = out(&r, viz, "default") else { panic!("{viz} made no figure") };
        assert_eq!(fig.traces.len(), 1);
    }
}

#[test]
fn sine_docs_example_values() {
    // LINSPACE 10→0, 1000 points → SINE: y = sin(2πx); y[1] = -0.062853; extremes ±0.9999988
    let f = flow(
        &[("LINSPACE-1", "LINSPACE", serde_json::json!({})), ("SINE-1", "SINE", serde_json::json!({}))],
        &[("LINSPACE-1", "default", "SINE-1", "default")],
    );
    let r = run(&f);
    let y = ys(out(&r, "SINE-1", "default"));
    assert!((y[1] - -0.062853).abs() < 5e-7, "{}", y[1]);
    let (lo, hi) = y.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    assert!((hi - 0.9999988).abs() < 5e-7 && (lo + 0.9999988).abs() < 5e-7, "{lo} {hi}");
}

#[test]
fn intro_to_loops_loop_json() {
    let r = run(&gallery("loop.json"));
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    // the body ran 100 times; BIG_NUMBER ends at 100 with a +1.0% delta against 99
    assert_eq!(r.by_label("LOOP INDEX").unwrap().runs, 100);
    let Value::Plotly { fig } = out(&r, "BIG NUMBER", "default") else { panic!() };
    let t = &fig.traces[0];
    assert_eq!(t.attrs["value"], 100.0);
    assert_eq!(t.attrs["delta"]["reference"], 99.0);
    assert_eq!(t.attrs["delta"]["relative"], true);
    // "Welcome to FLOJOY!" is shown once, after the loop
    assert_eq!(r.by_label("TEXT VIEW").unwrap().runs, 1);
    assert_eq!(out(&r, "TEXT VIEW", "default"), &Value::string("Welcome to FLOJOY!"));
}

#[test]
fn mid_2023_flojoy_json() {
    let r = run(&gallery("flojoy.json"));
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    // LINSPACE {10,0,1000} → SINE; a CONSTANT "2.0" (a string in this old file) → ADD.b
    let add = out(&r, "ADD", "default");
    let x = xs(add);
    let y = ys(add);
    assert_eq!(x.len(), 1000);
    let noise: Vec<f64> = x.iter().zip(y).map(|(x, y)| y - (std::f64::consts::TAU * x).sin()).collect();
    // no RAND here: ADD.y = sin(2πx) + 2 exactly
    assert!(noise.iter().all(|n| (n - 2.0).abs() < 1e-12), "{:?}", &noise[..3]);
}

#[test]
fn function_generator_2022() {
    let f = gallery("function_generator_2022.flojoy");
    // untyped 2022 wires fill inputs in order: SINE → MULTIPLY.a, RAND → MULTIPLY.b, …
    let r = run(&f);
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    // SINE triangle, A=14, F=5 (non-sine shapes divide F by 10), offset 74 over linspace(10,0,1000)
    let sine = out(&r, "SINE", "default");
    let (x, y) = (xs(sine), ys(sine));
    let tri = |t: f64| {
        let m = t.rem_euclid(std::f64::consts::TAU);
        if m < std::f64::consts::PI {
            m / std::f64::consts::FRAC_PI_2 - 1.0
        } else {
            (1.5 * std::f64::consts::PI - m) / std::f64::consts::FRAC_PI_2
        }
    };
    for i in [0, 1, 500, 999] {
        let expect = 74.0 + 14.0 * tri(std::f64::consts::TAU * 5.0 * x[i] / 10.0);
        assert!((y[i] - expect).abs() < 1e-9, "{i}: {} vs {expect}", y[i]);
    }
    // ADD = SINE × RAND + 2.0 (the node labelled "2.0" is a CONSTANT)
    let rand = ys(out(&r, "RAND", "default"));
    let add = ys(out(&r, "ADD", "default"));
    for i in [0, 10, 999] {
        assert!((add[i] - (y[i] * rand[i] + 2.0)).abs() < 1e-9);
    }
    assert_eq!(r.by_label("2.0").unwrap().func, "CONSTANT");
}

#[test]
fn hardware_gallery_runs_only_where_there_are_devices() {
    // arduino.json is valid; without devices its serial node says where it can run, and the
    // endless LOOP around it stops (tests/hardware.rs runs it against a scripted Arduino)
    let r = run(&gallery("arduino.json"));
    assert_eq!(r.status, RunStatus::Failed);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let n = r.by_label("SERIAL SINGLE MEASUREMENT").unwrap();
    assert_eq!(n.status, NodeState::Failed);
    assert_eq!(n.error.as_deref(), Some(runtime::host::NO_DEVICES));
    assert_eq!(r.by_label("TABLE").unwrap().status, NodeState::Skipped);
}
