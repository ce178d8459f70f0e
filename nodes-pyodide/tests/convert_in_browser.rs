//! Values cross to JavaScript and back unchanged, in a real browser (wasm-bindgen-test-runner
//! drives headless Chromium through chromedriver).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use js_sys::{Array, Float64Array, Reflect};
use nodes_pyodide::convert::{value_from_js, value_to_js};
use runtime::value::{ColumnData, DataFrame, Figure, Matrix, Trace, Value};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn every_kind() -> Vec<Value> {
    let m = Matrix::new(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    vec![
        Value::pair(vec![0.0, 0.5, 1.0], vec![1.0, f64::NAN, -2.5]),
        Value::triple(vec![1.0], vec![2.0], vec![3.0]),
        Value::OrderedTriple {
            x: ColumnData::Text(vec!["N".into(), "NNE".into()]),
            y: ColumnData::Text(vec!["0-1".into(), "1-2".into()]),
            z: ColumnData::Num(vec![0.5, 1.5]),
        },
        Value::Surface { x: ColumnData::Num(vec![0.0, 1.0, 2.0]), y: ColumnData::Num(vec![0.0, 1.0]), z: m.clone() },
        Value::Surface {
            x: ColumnData::Text(vec!["E".into(), "N".into(), "S".into()]),
            y: ColumnData::Num(vec![0.0, 1.0]),
            z: m.clone(),
        },
        Value::scalar(42.0),
        Value::vector(vec![3.0, 1.0, 2.0]),
        Value::Matrix { m: m.clone() },
        Value::Grayscale { m: m.clone() },
        Value::Image { r: m.clone(), g: m.clone(), b: m.clone(), a: None },
        Value::DataFrame {
            m: DataFrame::new(vec![
                DataFrame::num("n", vec![1.0, 2.0]),
                DataFrame::text("s", vec!["a".into(), "b".into()]),
            ]),
        },
        Value::Plotly { fig: Figure::new(vec![Trace::new("scatter").array("x", vec![1.0, 2.0])]) },
        Value::string("héllo"),
        Value::Bytes { b: vec![0, 1, 255] },
        Value::Boolean { b: true },
    ]
}

#[wasm_bindgen_test]
fn every_value_kind_round_trips_through_javascript() {
    for v in every_kind() {
        let transfer = Array::new();
        let js = value_to_js(&v, &transfer);
        let back = value_from_js(&js).unwrap_or_else(|e| panic!("{}: {e}", v.data_type()));
        // NaN != NaN: compare the JSON forms (NaN → null on both sides)
        assert_eq!(back.to_json(), v.to_json(), "{}", v.data_type());
    }
}

#[wasm_bindgen_test]
fn number_arrays_cross_as_float64_arrays_with_transferable_buffers() {
    let v = Value::pair(vec![1.0; 1000], vec![2.0; 1000]);
    let transfer = Array::new();
    let js = value_to_js(&v, &transfer);
    let y = Reflect::get(&js, &"y".into()).unwrap();
    let y: Float64Array = y.dyn_into().expect("y is a Float64Array");
    assert_eq!(y.length(), 1000);
    assert_eq!(transfer.length(), 2, "x and y buffers are listed for transfer");
}

#[wasm_bindgen_test]
fn malformed_objects_are_refused_with_a_reason() {
    let o = js_sys::Object::new();
    Reflect::set(&o, &"type".into(), &"OrderedPair".into()).unwrap();
    Reflect::set(&o, &"x".into(), &Float64Array::from(&[1.0][..])).unwrap();
    let err = value_from_js(&o).unwrap_err();
    assert!(err.contains("OrderedPair.y"), "{err}");
    Reflect::set(&o, &"type".into(), &"Nope".into()).unwrap();
    assert!(value_from_js(&o).unwrap_err().contains("unknown DataContainer type"));
}
