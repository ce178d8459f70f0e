//! Figures reach plotly.js with their number arrays as Float64Arrays (no per-number copies).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use flojoy_app::plot::figure_to_js;
use js_sys::{Array, Float64Array, Reflect};
use runtime::value::{Figure, Matrix, Trace};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn traces_carry_typed_arrays_and_their_attributes() {
    let z = Matrix::new(2, 2, vec![1.0, 2.0, 3.0, 4.0]).unwrap();
    let fig = Figure::new(vec![
        Trace::new("scatter").attr("mode", "lines").array("x", vec![0.0, 1.0]).array("y", vec![2.0, 3.0]),
        Trace::new("heatmap").matrix("z", z),
    ])
    .layout("title", serde_json::json!({"text": "T"}));
    let (data, layout) = figure_to_js(&fig, false);
    let data: Array = data.dyn_into().unwrap();
    assert_eq!(data.length(), 2);
    let t0 = data.get(0);
    assert_eq!(Reflect::get(&t0, &"mode".into()).unwrap().as_string().as_deref(), Some("lines"));
    let y: Float64Array = Reflect::get(&t0, &"y".into()).unwrap().dyn_into().unwrap();
    assert_eq!(y.to_vec(), vec![2.0, 3.0]);
    let z: Array = Reflect::get(&data.get(1), &"z".into()).unwrap().dyn_into().unwrap();
    assert_eq!(z.length(), 2);
    assert!(z.get(1).is_instance_of::<Float64Array>());
    let title = Reflect::get(&Reflect::get(&layout, &"title".into()).unwrap(), &"text".into()).unwrap();
    assert_eq!(title.as_string().as_deref(), Some("T"));
}

#[wasm_bindgen_test]
fn big_scatter_traces_are_drawn_with_webgl() {
    let n = flojoy_app::plot::WEBGL_ABOVE + 1;
    let fig = Figure::new(vec![
        Trace::new("scatter").array("x", vec![0.0; n]).array("y", vec![1.0; n]),
        Trace::new("scatter").array("y", vec![1.0; 10]),
    ]);
    let (data, _) = figure_to_js(&fig, false);
    let data: Array = data.dyn_into().unwrap();
    let ty = |i: u32| Reflect::get(&data.get(i), &"type".into()).unwrap().as_string().unwrap();
    assert_eq!(ty(0), "scattergl");
    assert_eq!(ty(1), "scatter");
}
