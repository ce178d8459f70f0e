//! The typed worker messages carry JavaScript objects through serde-wasm-bindgen untouched, in a
//! real browser: a node's values keep their `Float64Array`s both ways.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use js_sys::{Array, Float64Array, Reflect};
use nodes_pyodide::bridge::JsObject;
use nodes_pyodide::convert::{value_from_js, value_to_js};
use nodes_pyodide::protocol::{FromWorker, ToWorker};
use runtime::value::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}

#[wasm_bindgen_test]
fn a_call_carries_its_inputs_as_typed_arrays() {
    let transfer = Array::new();
    let pair = Value::pair(vec![0.0, 1.0], vec![2.0, 3.0]);
    let call: ToWorker<JsObject> = ToWorker::Call {
        id: 4,
        code: "c".into(),
        func: "F".into(),
        node_key: "F-1".into(),
        params: serde_json::Map::new(),
        outputs: vec!["default".into()],
        inputs: vec![("default".into(), vec![JsObject(value_to_js(&pair, &transfer))])],
    };
    let msg = serde::Serialize::serialize(&call, &serde_wasm_bindgen::Serializer::json_compatible()).unwrap();
    let body = get(&msg, "call");
    assert_eq!(get(&body, "id").as_f64(), Some(4.0));
    let inputs: Array = get(&body, "inputs").dyn_into().unwrap();
    let first: Array = inputs.get(0).dyn_into().unwrap();
    assert_eq!(first.get(0).as_string().as_deref(), Some("default"));
    let value = Array::from(&first.get(1)).get(0);
    assert!(get(&value, "y").is_instance_of::<Float64Array>());
    assert_eq!(transfer.length(), 2, "x and y are transferred, not copied");
}

#[wasm_bindgen_test]
fn a_result_reply_is_read_by_the_typed_enum() {
    let transfer = Array::new();
    let value = value_to_js(&Value::vector(vec![1.5, -2.0]), &transfer);
    let outputs = Array::of2(&Array::of2(&"default".into(), &value), &Array::of2(&"none".into(), &JsValue::NULL));
    let body = js_sys::Object::new();
    Reflect::set(&body, &"id".into(), &JsValue::from(9)).unwrap();
    Reflect::set(&body, &"outputs".into(), &outputs).unwrap();
    Reflect::set(&body, &"log".into(), &Array::of1(&"printed".into())).unwrap();
    let msg = js_sys::Object::new();
    Reflect::set(&msg, &"result".into(), &body).unwrap();
    let reply: FromWorker<JsObject> = serde_wasm_bindgen::from_value(msg.into()).unwrap();
    let FromWorker::Result { id, outputs, log } = reply else { panic!("a result") };
    assert_eq!((id, log), (9, vec!["printed".to_owned()]));
    assert_eq!(outputs.len(), 2);
    assert!(outputs[1].1.is_none(), "null: the output produced nothing");
    let back = value_from_js(&outputs[0].1.as_ref().unwrap().0).unwrap();
    assert_eq!(back, Value::vector(vec![1.5, -2.0]));
}
