//! Runtime values ↔ JavaScript objects, with number arrays as `Float64Array`s.
//!
//! `{type:"OrderedPair", x: Float64Array, y: Float64Array}`; matrices are
//! `{rows, cols, data: Float64Array}`; DataFrame columns, and the axes of an OrderedTriple or
//! a Surface, are Float64Arrays or arrays of text (as in `runtime::python::wire`).

use js_sys::{Array, Float64Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use runtime::value::{Column, ColumnData, DataFrame, Figure, Matrix, Value};

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// A `Float64Array` copy of `v`; its buffer is added to `transfer`.
pub fn floats(v: &[f64], transfer: &Array) -> JsValue {
    let a = Float64Array::from(v);
    transfer.push(&a.buffer());
    a.into()
}

/// A table column or an axis: numbers as a `Float64Array`, text as an array of strings.
fn column(c: &ColumnData, transfer: &Array) -> JsValue {
    match c {
        ColumnData::Num(v) => floats(v, transfer),
        ColumnData::Text(t) => t.iter().map(|s| JsValue::from_str(s)).collect::<Array>().into(),
    }
}

fn matrix(m: &Matrix, transfer: &Array) -> JsValue {
    let o = Object::new();
    set(&o, "rows", &JsValue::from(m.rows as f64));
    set(&o, "cols", &JsValue::from(m.cols as f64));
    set(&o, "data", &floats(&m.data, transfer));
    o.into()
}

/// JSON → a JS object (a Plotly value's figure).
fn json_to_js(j: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&j.to_string()).unwrap_or(JsValue::NULL)
}

fn js_to_json(v: &JsValue) -> serde_json::Value {
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// A value → a JS object; the buffers to transfer are pushed onto `transfer`.
pub fn value_to_js(v: &Value, transfer: &Array) -> JsValue {
    let o = Object::new();
    set(&o, "type", &JsValue::from_str(v.data_type().name()));
    match v {
        Value::OrderedPair { x, y } => {
            set(&o, "x", &floats(x, transfer));
            set(&o, "y", &floats(y, transfer));
        }
        Value::OrderedTriple { x, y, z } => {
            set(&o, "x", &column(x, transfer));
            set(&o, "y", &column(y, transfer));
            set(&o, "z", &column(z, transfer));
        }
        Value::Surface { x, y, z } => {
            set(&o, "x", &column(x, transfer));
            set(&o, "y", &column(y, transfer));
            set(&o, "z", &matrix(z, transfer));
        }
        Value::Scalar { c } => set(&o, "c", &JsValue::from(*c)),
        Value::Vector { v } => set(&o, "v", &floats(v, transfer)),
        Value::Matrix { m } | Value::Grayscale { m } => set(&o, "m", &matrix(m, transfer)),
        Value::DataFrame { m } => {
            let cols = Object::new();
            for c in &m.columns {
                set(&cols, &c.name, &column(&c.data, transfer));
            }
            set(&o, "m", &cols);
        }
        Value::Image { r, g, b, a } => {
            set(&o, "r", &matrix(r, transfer));
            set(&o, "g", &matrix(g, transfer));
            set(&o, "b", &matrix(b, transfer));
            if let Some(a) = a {
                set(&o, "a", &matrix(a, transfer));
            }
        }
        Value::Plotly { fig } => set(&o, "fig", &json_to_js(&fig.to_json())),
        Value::String { s } => set(&o, "s", &JsValue::from_str(s)),
        Value::Bytes { b } => set(&o, "b", &Uint8Array::from(b.as_slice()).into()),
        Value::Boolean { b } => set(&o, "b", &JsValue::from_bool(*b)),
    }
    o.into()
}

fn js_floats(v: &JsValue, what: &str) -> Result<Vec<f64>, String> {
    if let Some(a) = v.dyn_ref::<Float64Array>() {
        return Ok(a.to_vec());
    }
    if let Some(n) = v.as_f64() {
        return Ok(vec![n]);
    }
    if Array::is_array(v) {
        return Array::from(v)
            .iter()
            .map(|x| {
                x.as_f64()
                    .or_else(|| x.is_null().then_some(f64::NAN))
                    .ok_or_else(|| format!("{what} must hold only numbers"))
            })
            .collect();
    }
    if js_sys::ArrayBuffer::is_view(v) {
        return Ok(Float64Array::new(v).to_vec());
    }
    Err(format!("{what} must be an array of numbers"))
}

/// A table column or an axis: numbers where `js_floats` reads them, else an array's cells as text.
fn js_column(col: &JsValue, what: &str) -> Result<ColumnData, String> {
    match js_floats(col, what) {
        Ok(n) => Ok(ColumnData::Num(n)),
        Err(_) if Array::is_array(col) => Ok(ColumnData::Text(
            Array::from(col).iter().map(|x| x.as_string().unwrap_or_else(|| js_to_json(&x).to_string())).collect(),
        )),
        Err(e) => Err(e),
    }
}

fn js_matrix(v: &JsValue, what: &str) -> Result<Matrix, String> {
    if Array::is_array(v) {
        let rows: Result<Vec<Vec<f64>>, String> = Array::from(v).iter().map(|r| js_floats(&r, what)).collect();
        return Matrix::from_rows(&rows?).ok_or_else(|| format!("{what}: rows must all have the same length"));
    }
    let rows = get(v, "rows").as_f64().ok_or_else(|| format!("{what} must be a matrix"))? as usize;
    let cols = get(v, "cols").as_f64().ok_or_else(|| format!("{what} must be a matrix"))? as usize;
    let data = js_floats(&get(v, "data"), what)?;
    Matrix::new(rows, cols, data).ok_or_else(|| format!("{what}: {rows}×{cols} does not match its data"))
}

/// A JS object → a value, checked like any node output.
pub fn value_from_js(v: &JsValue) -> Result<Value, String> {
    let t = get(v, "type").as_string().ok_or("a value must be an object with a 'type'")?;
    let f = |k: &str| js_floats(&get(v, k), &format!("{t}.{k}"));
    let m = |k: &str| js_matrix(&get(v, k), &format!("{t}.{k}"));
    let axis = |k: &str| js_column(&get(v, k), &format!("{t}.{k}"));
    let value = match t.as_str() {
        "OrderedPair" => Value::OrderedPair { x: f("x")?, y: f("y")? },
        "OrderedTriple" => Value::OrderedTriple { x: axis("x")?, y: axis("y")?, z: axis("z")? },
        "Surface" => Value::Surface { x: axis("x")?, y: axis("y")?, z: m("z")? },
        "Scalar" => Value::Scalar { c: get(v, "c").as_f64().unwrap_or(f64::NAN) },
        "Vector" => Value::Vector { v: f("v")? },
        "Matrix" => Value::Matrix { m: m("m")? },
        "Grayscale" => Value::Grayscale { m: m("m")? },
        "Image" => {
            let a = get(v, "a");
            Value::Image {
                r: m("r")?,
                g: m("g")?,
                b: m("b")?,
                a: if a.is_undefined() || a.is_null() { None } else { Some(m("a")?) },
            }
        }
        "DataFrame" => {
            let cols = get(v, "m");
            let mut columns = Vec::new();
            for k in Object::keys(cols.unchecked_ref::<Object>()).iter() {
                let name = k.as_string().unwrap_or_default();
                let data = js_column(&get(&cols, &name), &name)?;
                columns.push(Column { name, data });
            }
            Value::DataFrame { m: DataFrame::new(columns) }
        }
        "Plotly" => Value::Plotly {
            fig: Figure::from_json(&js_to_json(&get(v, "fig"))).ok_or("Plotly.fig must be a plotly figure")?,
        },
        "String" | "TextBlob" => Value::String { s: get(v, "s").as_string().ok_or("String.s must be text")? },
        "Bytes" => Value::Bytes { b: Uint8Array::new(&get(v, "b")).to_vec() },
        "Boolean" => Value::Boolean { b: get(v, "b").as_bool().ok_or("Boolean.b must be true or false")? },
        other => return Err(format!("unknown DataContainer type '{other}'")),
    };
    value.validate().map_err(|e| e.to_string())?;
    Ok(value)
}
