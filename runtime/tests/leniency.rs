//! Flojoy's plotting blocks match on their input's type and draw nothing for a type they do not
//! handle. A value that went through an `Any` port (CONDITIONAL, FEEDBACK, …) can reach them with
//! such a type; there the node shows an empty figure with a warning in its log and the run goes
//! on. A wire from a typed port that cannot fit is still marked by validation before the run.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use runtime::schedule::{NodeState, RunStatus};
use runtime::validate::{Severity, validate};
use runtime::value::Value;
use serde_json::json;
use support::*;

/// SCALAR 5 → CONDITIONAL(x ≥ 3) → `func`, on each of `inputs`: a Scalar through an `Any` port.
fn scalar_through_conditional(func: &str, inputs: &[&str]) -> runtime::Flow {
    let mut wires = vec![("X", "default", "COND", "x"), ("Y", "default", "COND", "y")];
    wires.extend(inputs.iter().map(|i| ("COND", "true", "PLOT", *i)));
    flow(
        &[
            ("X", "SCALAR", json!({"value": 5})),
            ("Y", "SCALAR", json!({"value": 3})),
            ("COND", "CONDITIONAL", json!({"operator_type": ">="})),
            ("PLOT", func, json!({})),
            ("AFTER", "TEXT", json!({"value": "the run went on"})),
        ],
        &wires,
    )
}

#[test]
fn lenient_plots_draw_an_empty_figure_with_a_warning_and_the_run_goes_on() {
    let cases: &[(&str, &[&str])] = &[
        ("LINE", &["default"]),
        ("SCATTER", &["default"]),
        ("HISTOGRAM", &["default"]),
        ("BAR", &["default"]),
        ("HEATMAP", &["default"]),
        ("SCATTER3D", &["default"]),
        ("COMPOSITE", &["primary_trace", "secondary_trace"]),
    ];
    for (func, inputs) in cases {
        let f = scalar_through_conditional(func, inputs);
        assert!(
            !validate(&f).iter().any(|d| d.severity == Severity::Error),
            "{func}: a wire from an Any port is not a static mismatch: {:?}",
            validate(&f)
        );
        let r = run(&f);
        assert_eq!(r.status, RunStatus::Ok, "{func}: {}", r.summary());
        let plot = r.by_label("PLOT").unwrap();
        assert_eq!(plot.status, NodeState::Done, "{func}");
        let Value::Plotly { fig } = out(&r, "PLOT", "default") else { panic!("{func}: not a figure") };
        assert!(fig.traces.is_empty(), "{func}: {} traces", fig.traces.len());
        assert_eq!(plot.log.len(), inputs.len(), "{func}: one warning per undrawable input: {:?}", plot.log);
        for (line, input) in plot.log.iter().zip(inputs.iter()) {
            assert!(line.starts_with("warning: "), "{func}: {line}");
            assert!(line.contains(&format!("input '{input}' got Scalar")), "{func}: {line}");
            assert!(line.contains("the figure is empty"), "{func}: {line}");
        }
        assert_eq!(r.by_label("AFTER").unwrap().status, NodeState::Done, "{func}");
    }
}

#[test]
fn table_draws_a_scalar_as_flojoy_does() {
    // Flojoy's TABLE draws a Scalar although its port does not list it
    let r = run(&scalar_through_conditional("TABLE", &["default"]));
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    let Value::Plotly { fig } = out(&r, "PLOT", "default") else { panic!("not a figure") };
    assert_eq!(fig.traces.len(), 1);
    assert!(r.by_label("PLOT").unwrap().log.is_empty());
}

#[test]
fn plots_that_fail_in_flojoy_still_fail_naming_the_input() {
    // SURFACE3D's block leaves `fig` unbound for another type, IMAGE reads attributes a Scalar lacks
    for func in ["SURFACE3D", "IMAGE"] {
        let r = run(&scalar_through_conditional(func, &["default"]));
        assert_eq!(r.status, RunStatus::Failed, "{func}: {}", r.summary());
        let e = r.by_label("PLOT").unwrap().error.clone().unwrap();
        assert!(e.contains("input 'default' got Scalar"), "{func}: {e}");
    }
}

#[test]
fn a_typed_wire_that_cannot_fit_is_still_marked_before_the_run() {
    let f = flow(
        &[("X", "SCALAR", json!({"value": 5})), ("PLOT", "LINE", json!({}))],
        &[("X", "default", "PLOT", "default")],
    );
    let diags = validate(&f);
    let d = diags.iter().find(|d| d.severity == Severity::Error).unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(d.port.as_deref(), Some("default"));
    assert!(d.message.contains("PLOT: input 'default' expects"), "{}", d.message);
    let r = run(&f);
    assert_eq!(r.status, RunStatus::Failed, "validation errors block the run: {}", r.summary());
}
