//! Nodes whose output is random or depends on the clock (POPULATE, MATRIX, UNIX_TIMESTAMP), tested
//! by their statistics and invariants rather than golden values; and the bundled astronaut image
//! (SKIMAGE), checked against Pillow's reading of the same file (channel sums, corner pixels).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use runtime::nodes;
use runtime::value::{Data, Value};
use serde_json::{Map, Value as Json, json};
use support::{mean, std};

fn run(func: &str, inputs: &[(&str, Value)], params: Json) -> Value {
    let def = nodes::lookup(func).unwrap();
    let inputs: Vec<(&str, Vec<Data>)> = inputs.iter().map(|(k, v)| (*k, vec![Data::new(v.clone())])).collect();
    let params: Map<String, Json> = params.as_object().cloned().unwrap_or_default();
    let mut out = futures::executor::block_on(nodes::invoke(def, &inputs, &params, support::host(3))).unwrap();
    (*out.remove(0).1.unwrap()).clone()
}

fn pair(v: &Value) -> (&[f64], &[f64]) {
    match v {
        Value::OrderedPair { x, y } => (x, y),
        other => panic!("not an OrderedPair: {other:?}"),
    }
}

#[test]
fn populate_draws_each_distribution_over_the_input_axis() {
    let axis: Vec<f64> = (0..20_000).map(|i| i as f64 * 0.5).collect();
    let input = Value::vector(axis.clone());
    let normal =
        run("POPULATE", &[("default", input.clone())], json!({"normal_mean": 2.0, "normal_standard_deviation": 3.0}));
    let (x, y) = pair(&normal);
    assert_eq!(x, axis.as_slice());
    assert!((mean(y) - 2.0).abs() < 0.1, "mean {}", mean(y));
    assert!((std(y) - 3.0).abs() < 0.1, "std {}", std(y));

    // bounds given the wrong way round are swapped, as in Flojoy
    let uniform = run(
        "POPULATE",
        &[("default", input.clone())],
        json!({"distribution": "uniform", "lower_bound": 5.0, "upper_bound": -1.0}),
    );
    let (_, y) = pair(&uniform);
    assert!(y.iter().all(|v| (-1.0..5.0).contains(v)));
    assert!((mean(y) - 2.0).abs() < 0.05, "mean {}", mean(y));
    assert!((std(y) - 6.0 / 12f64.sqrt()).abs() < 0.05);

    let poisson = run("POPULATE", &[("default", input)], json!({"distribution": "poisson", "poisson_events": 4.0}));
    let (_, y) = pair(&poisson);
    assert!(y.iter().all(|v| v.fract() == 0.0 && *v >= 0.0));
    assert!((mean(y) - 4.0).abs() < 0.1 && (std(y) - 2.0).abs() < 0.1);

    // an OrderedPair gives its x; the seed makes the draw repeatable
    let op = Value::pair(vec![1.0, 2.0, 3.0], vec![9.0, 9.0, 9.0]);
    let a = run("POPULATE", &[("default", op.clone())], json!({"seed": 7}));
    let b = run("POPULATE", &[("default", op)], json!({"seed": 7}));
    assert_eq!(pair(&a).0, [1.0, 2.0, 3.0]);
    assert_eq!(a, b);
}

#[test]
fn matrix_is_uniform_in_0_1_with_its_size_from_the_inputs() {
    let Value::Matrix { m } = run("MATRIX", &[], json!({})) else { panic!() };
    assert_eq!((m.rows, m.cols), (100, 100));
    assert!(m.data.iter().all(|v| (0.0..1.0).contains(v)));
    assert!((mean(&m.data) - 0.5).abs() < 0.02, "mean {}", mean(&m.data));
    assert!((std(&m.data) - 12f64.sqrt().recip()).abs() < 0.02);

    let sized = run("MATRIX", &[("row", Value::scalar(3.0)), ("column", Value::scalar(5.0))], json!({"seed": 1}));
    let Value::Matrix { m } = &sized else { panic!() };
    assert_eq!((m.rows, m.cols), (3, 5));
    let again = run("MATRIX", &[("row", Value::scalar(3.0)), ("column", Value::scalar(5.0))], json!({"seed": 1}));
    assert_eq!(sized, again);
    let other = run("MATRIX", &[("row", Value::scalar(3.0)), ("column", Value::scalar(5.0))], json!({"seed": 2}));
    assert_ne!(sized, other);
}

#[test]
fn unix_timestamp_is_the_current_whole_second() {
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    let before = now().floor();
    let Value::Scalar { c } = run("UNIX_TIMESTAMP", &[], json!({})) else { panic!() };
    let after = now();
    assert!(c >= before && c <= after && c.fract() == 0.0, "{before} {c} {after}");
    let Value::Vector { v } = run("UNIX_TIMESTAMP", &[], json!({"dc_type": "Vector"})) else { panic!() };
    assert_eq!(v.len(), 1);
    assert!(v[0] >= before);
    let stamped = run("UNIX_TIMESTAMP", &[("default", Value::scalar(42.5))], json!({}));
    let (x, y) = pair(&stamped);
    assert_eq!(y, [42.5]);
    assert!(x[0] >= before && x[0] <= now());
}

#[test]
fn skimage_gives_the_bundled_astronaut() {
    let Value::Image { r, g, b, a } = run("SKIMAGE", &[], json!({})) else { panic!() };
    assert!(a.is_none());
    assert_eq!((r.rows, r.cols), (480, 640));
    // np.array(PIL.Image.open("runtime/assets/astronaut.png").convert("RGB")) channel sums and pixels
    let sums: Vec<f64> = [&r, &g, &b].iter().map(|m| m.data.iter().sum()).collect();
    assert_eq!(sums, [61_649_878.0, 56_774_762.0, 55_499_012.0]);
    let px = |row: usize, col: usize| [r.get(row, col), g.get(row, col), b.get(row, col)];
    assert_eq!(px(0, 0), [255.0, 255.0, 255.0]);
    assert_eq!(px(240, 320), [44.0, 44.0, 47.0]);
    assert_eq!(px(479, 639), [255.0, 255.0, 255.0]);
}
