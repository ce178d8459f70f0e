//! A plotly figure whose numeric arrays stay as `f64` buffers.
//!
//! Visualization nodes build figures; the page hands the arrays to plotly.js as typed arrays
//! (one copy, no per-number conversion), and the JSON form is plain plotly figure JSON.

use serde_json::{Map, Value as Json};

use super::Matrix;
use super::json::{f64s_to_json, json_to_f64s};

/// A numeric trace attribute (`x`, `y`, `z`, ...).
#[derive(Clone, Debug, PartialEq)]
pub enum NumArray {
    D1(Vec<f64>),
    D2(Matrix),
}

/// One plotly trace: the numeric arrays plus every other attribute as JSON.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Trace {
    pub attrs: Map<String, Json>,
    pub arrays: Vec<(String, NumArray)>,
}

impl Trace {
    /// A trace of a plotly type (`"scatter"`, `"histogram"`, ...).
    pub fn new(kind: &str) -> Trace {
        let mut attrs = Map::new();
        attrs.insert("type".into(), Json::from(kind));
        Trace { attrs, arrays: Vec::new() }
    }

    pub fn attr(mut self, key: &str, value: impl Into<Json>) -> Trace {
        self.attrs.insert(key.into(), value.into());
        self
    }

    pub fn array(mut self, key: &str, v: Vec<f64>) -> Trace {
        self.arrays.push((key.into(), NumArray::D1(v)));
        self
    }

    pub fn matrix(mut self, key: &str, m: Matrix) -> Trace {
        self.arrays.push((key.into(), NumArray::D2(m)));
        self
    }

    pub fn get_array(&self, key: &str) -> Option<&NumArray> {
        self.arrays.iter().find(|(k, _)| k == key).map(|(_, a)| a)
    }

    pub fn kind(&self) -> &str {
        self.attrs.get("type").and_then(Json::as_str).unwrap_or("scatter")
    }

    fn to_json(&self) -> Json {
        let mut obj = self.attrs.clone();
        for (k, a) in &self.arrays {
            let v = match a {
                NumArray::D1(v) => f64s_to_json(v),
                NumArray::D2(m) => Json::Array((0..m.rows).map(|r| f64s_to_json(m.row(r))).collect()),
            };
            obj.insert(k.clone(), v);
        }
        Json::Object(obj)
    }

    fn from_json(obj: &Map<String, Json>) -> Trace {
        let mut t = Trace::default();
        for (k, v) in obj {
            match numeric_array(v) {
                Some(a) => t.arrays.push((k.clone(), a)),
                None => {
                    t.attrs.insert(k.clone(), v.clone());
                }
            }
        }
        t
    }
}

/// A plotly figure: traces plus layout.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Figure {
    pub traces: Vec<Trace>,
    pub layout: Map<String, Json>,
}

impl Figure {
    pub fn new(traces: Vec<Trace>) -> Figure {
        Figure { traces, layout: Map::new() }
    }

    pub fn layout(mut self, key: &str, value: impl Into<Json>) -> Figure {
        self.layout.insert(key.into(), value.into());
        self
    }

    /// Plotly figure JSON: `{"data": [...], "layout": {...}}`.
    pub fn to_json(&self) -> Json {
        let mut obj = Map::new();
        obj.insert("data".into(), Json::Array(self.traces.iter().map(Trace::to_json).collect()));
        obj.insert("layout".into(), Json::Object(self.layout.clone()));
        Json::Object(obj)
    }

    /// Reads plotly figure JSON. Numeric `x`/`y`/`z`-style arrays become buffers; anything else
    /// is kept verbatim, so a figure made elsewhere (a Python node) survives unchanged.
    pub fn from_json(v: &Json) -> Option<Figure> {
        let obj = v.as_object()?;
        let traces = match obj.get("data") {
            Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_object).map(Trace::from_json).collect(),
            None | Some(Json::Null) => Vec::new(),
            Some(_) => return None,
        };
        let layout = obj.get("layout").and_then(Json::as_object).cloned().unwrap_or_default();
        Some(Figure { traces, layout })
    }
}

/// A JSON array of numbers (or nulls) → D1; an array of such rows of equal length → D2.
/// Keys holding text (labels, table cells) stay JSON.
fn numeric_array(v: &Json) -> Option<NumArray> {
    let arr = v.as_array()?;
    if arr.is_empty() {
        return None;
    }
    if arr.iter().all(|x| x.is_number() || x.is_null()) && arr.iter().any(Json::is_number) {
        return json_to_f64s(arr).map(NumArray::D1);
    }
    if arr.iter().all(Json::is_array) {
        let rows: Option<Vec<Vec<f64>>> = arr
            .iter()
            .map(|r| {
                let r = r.as_array()?;
                if r.iter().all(|x| x.is_number() || x.is_null()) { json_to_f64s(r) } else { None }
            })
            .collect();
        return Matrix::from_rows(&rows?).map(NumArray::D2);
    }
    None
}
