//! Values to and from the native Python worker: a JSON header whose number arrays are
//! references (`{"$b": i}`) to raw float64 buffers sent beside it, never a JSON number per
//! element. The shapes are the browser worker's (`nodes-pyodide/src/convert.rs`): the same
//! `flojoy_api.from_wire`/`to_wire` read and write both.

use serde_json::{Map, Value as Json, json};

use crate::value::{Column, ColumnData, DataFrame, Figure, Matrix, NumArray, Value};

/// A buffer that came back from Python: float64 data or raw bytes (`Bytes` values).
#[derive(Debug)]
pub enum Buf {
    F64(Vec<f64>),
    U8(Vec<u8>),
}

/// A number for the header: JSON cannot hold NaN or ±inf, so those travel as `{"$f": "nan"}`.
pub fn number(x: f64) -> Json {
    match serde_json::Number::from_f64(x) {
        Some(n) => Json::Number(n),
        None if x.is_nan() => json!({"$f": "nan"}),
        None => json!({"$f": if x > 0.0 { "inf" } else { "-inf" }}),
    }
}

fn read_number(j: &Json) -> Option<f64> {
    match j {
        Json::Number(n) => n.as_f64(),
        Json::Object(o) if o.len() == 1 => o.get("$f")?.as_str()?.parse().ok(),
        Json::Null => Some(f64::NAN),
        _ => None,
    }
}

/// A buffer going to Python: its bytes, and whether they are float64 numbers.
pub type Out<'a> = (&'a [u8], bool);

/// Encodes `v` for the header; the arrays it holds are borrowed into `bufs`.
pub fn encode<'a>(v: &'a Value, bufs: &mut Vec<Out<'a>>) -> Json {
    let mut floats = |x: &'a [f64]| {
        bufs.push((bytemuck::cast_slice(x), true));
        json!({"$b": bufs.len() - 1})
    };
    let mut o = Map::new();
    o.insert("type".into(), Json::from(v.data_type().name()));
    match v {
        Value::OrderedPair { x, y } => {
            o.insert("x".into(), floats(x));
            o.insert("y".into(), floats(y));
        }
        Value::OrderedTriple { x, y, z } => {
            o.insert("x".into(), column(x, bufs));
            o.insert("y".into(), column(y, bufs));
            o.insert("z".into(), column(z, bufs));
        }
        Value::Surface { x, y, z } => {
            o.insert("x".into(), column(x, bufs));
            o.insert("y".into(), column(y, bufs));
            o.insert("z".into(), matrix(z, bufs));
        }
        Value::Scalar { c } => {
            o.insert("c".into(), number(*c));
        }
        Value::Vector { v } => {
            o.insert("v".into(), floats(v));
        }
        Value::Matrix { m } | Value::Grayscale { m } => {
            o.insert("m".into(), matrix(m, bufs));
        }
        Value::DataFrame { m } => {
            let mut cols = Map::new();
            for c in &m.columns {
                cols.insert(c.name.clone(), column(&c.data, bufs));
            }
            o.insert("m".into(), Json::Object(cols));
        }
        Value::Image { r, g, b, a } => {
            o.insert("r".into(), matrix(r, bufs));
            o.insert("g".into(), matrix(g, bufs));
            o.insert("b".into(), matrix(b, bufs));
            if let Some(a) = a {
                o.insert("a".into(), matrix(a, bufs));
            }
        }
        Value::Plotly { fig } => {
            o.insert("fig".into(), fig.to_json());
        }
        Value::String { s } => {
            o.insert("s".into(), Json::from(s.as_str()));
        }
        Value::Bytes { b } => {
            bufs.push((b, false));
            o.insert("b".into(), json!({"$b": bufs.len() - 1}));
        }
        Value::Boolean { b } => {
            o.insert("b".into(), Json::Bool(*b));
        }
    }
    Json::Object(o)
}

/// A table column or an OrderedTriple's/Surface's axis: numbers as a buffer, text as a JSON
/// array of strings (Python makes it an object array).
fn column<'a>(c: &'a ColumnData, bufs: &mut Vec<Out<'a>>) -> Json {
    match c {
        ColumnData::Num(v) => {
            bufs.push((bytemuck::cast_slice(v), true));
            json!({"$b": bufs.len() - 1})
        }
        ColumnData::Text(t) => Json::from(t.clone()),
    }
}

fn matrix<'a>(m: &'a Matrix, bufs: &mut Vec<Out<'a>>) -> Json {
    bufs.push((bytemuck::cast_slice(&m.data), true));
    json!({"rows": m.rows, "cols": m.cols, "data": {"$b": bufs.len() - 1}})
}

/// The buffers of one reply, each taken once.
pub struct Bufs(pub Vec<Option<Buf>>);

impl Bufs {
    fn index(j: &Json) -> Option<usize> {
        let o = j.as_object()?;
        if o.len() != 1 {
            return None;
        }
        usize::try_from(o.get("$b")?.as_u64()?).ok()
    }

    fn take(&mut self, i: usize) -> Result<Buf, String> {
        self.0.get_mut(i).and_then(Option::take).ok_or_else(|| format!("the reply refers to a missing buffer #{i}"))
    }

    fn floats(&mut self, j: &Json, what: &str) -> Result<Vec<f64>, String> {
        if let Some(i) = Self::index(j) {
            return match self.take(i)? {
                Buf::F64(v) => Ok(v),
                Buf::U8(_) => Err(format!("{what} must hold numbers, not bytes")),
            };
        }
        match j {
            Json::Array(items) => {
                items.iter().map(|x| read_number(x).ok_or_else(|| format!("{what} must hold only numbers"))).collect()
            }
            other => read_number(other).map(|x| vec![x]).ok_or_else(|| format!("{what} must be an array of numbers")),
        }
    }

    /// A table column or an axis: text when a cell is a string, numbers otherwise.
    fn column(&mut self, j: &Json, what: &str) -> Result<ColumnData, String> {
        Ok(match j {
            Json::Array(cells) if cells.iter().any(Json::is_string) => ColumnData::Text(
                cells.iter().map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_owned)).collect(),
            ),
            j => ColumnData::Num(self.floats(j, what)?),
        })
    }

    fn matrix(&mut self, j: &Json, what: &str) -> Result<Matrix, String> {
        let dim = |k: &str| {
            j.get(k)
                .and_then(Json::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or(format!("{what} must be a matrix"))
        };
        let (rows, cols) = (dim("rows")?, dim("cols")?);
        let data = self.floats(j.get("data").unwrap_or(&Json::Null), what)?;
        Matrix::new(rows, cols, data).ok_or_else(|| format!("{what}: {rows}×{cols} does not match its data"))
    }

    /// Buffers left in a JSON tree (inside a figure's nested attributes) become JSON numbers.
    fn inline(&mut self, j: &mut Json) -> Result<(), String> {
        if let Some(i) = Self::index(j) {
            let v = match self.take(i)? {
                Buf::F64(v) => v,
                Buf::U8(b) => b.into_iter().map(f64::from).collect(),
            };
            *j = Json::Array(
                v.into_iter().map(|x| serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)).collect(),
            );
            return Ok(());
        }
        match j {
            Json::Object(o) if o.len() == 1 && o.contains_key("$f") => *j = Json::Null,
            Json::Object(o) => o.values_mut().try_for_each(|v| self.inline(v))?,
            Json::Array(a) => a.iter_mut().try_for_each(|v| self.inline(v))?,
            _ => {}
        }
        Ok(())
    }

    /// A plotly figure whose top-level trace arrays came as buffers: they become the trace's
    /// number arrays directly.
    fn figure(&mut self, j: &Json) -> Result<Figure, String> {
        let mut j = j.clone();
        let mut arrays = Vec::new();
        if let Some(Json::Array(traces)) = j.get_mut("data") {
            for (i, t) in traces.iter_mut().filter_map(Json::as_object_mut).enumerate() {
                for (k, v) in t.iter_mut() {
                    if let Some(b) = Self::index(v) {
                        if let Buf::F64(x) = self.take(b)? {
                            arrays.push((i, k.clone(), x));
                        }
                        *v = Json::Null;
                    }
                }
            }
        }
        self.inline(&mut j)?;
        let mut fig = Figure::from_json(&j).ok_or("Plotly.fig must be a plotly figure")?;
        for (i, k, x) in arrays {
            if let Some(t) = fig.traces.get_mut(i) {
                t.attrs.remove(&k);
                t.arrays.push((k, NumArray::D1(x)));
            }
        }
        Ok(fig)
    }

    /// A value from the header, checked like any node output.
    pub fn decode(&mut self, v: &Json) -> Result<Value, String> {
        let t = v.get("type").and_then(Json::as_str).ok_or("a value must be an object with a 'type'")?;
        let field = |k: &str| v.get(k).unwrap_or(&Json::Null);
        let value = match t {
            "OrderedPair" => Value::OrderedPair {
                x: self.floats(field("x"), "OrderedPair.x")?,
                y: self.floats(field("y"), "OrderedPair.y")?,
            },
            "OrderedTriple" => Value::OrderedTriple {
                x: self.column(field("x"), "OrderedTriple.x")?,
                y: self.column(field("y"), "OrderedTriple.y")?,
                z: self.column(field("z"), "OrderedTriple.z")?,
            },
            "Surface" => Value::Surface {
                x: self.column(field("x"), "Surface.x")?,
                y: self.column(field("y"), "Surface.y")?,
                z: self.matrix(field("z"), "Surface.z")?,
            },
            "Scalar" => Value::Scalar { c: read_number(field("c")).ok_or("Scalar.c must be a number")? },
            "Vector" => Value::Vector { v: self.floats(field("v"), "Vector.v")? },
            "Matrix" => Value::Matrix { m: self.matrix(field("m"), "Matrix.m")? },
            "Grayscale" => Value::Grayscale { m: self.matrix(field("m"), "Grayscale.m")? },
            "Image" => Value::Image {
                r: self.matrix(field("r"), "Image.r")?,
                g: self.matrix(field("g"), "Image.g")?,
                b: self.matrix(field("b"), "Image.b")?,
                a: match field("a") {
                    Json::Null => None,
                    a => Some(self.matrix(a, "Image.a")?),
                },
            },
            "DataFrame" => {
                let cols = field("m").as_object().ok_or("DataFrame.m must map column names to columns")?;
                let mut columns = Vec::with_capacity(cols.len());
                for (name, col) in cols {
                    columns.push(Column { name: name.clone(), data: self.column(col, name)? });
                }
                Value::DataFrame { m: DataFrame::new(columns) }
            }
            "Plotly" => Value::Plotly { fig: self.figure(field("fig"))? },
            "String" | "TextBlob" => {
                Value::String { s: field("s").as_str().ok_or("String.s must be text")?.to_owned() }
            }
            "Bytes" => Value::Bytes {
                b: match Self::index(field("b")).map(|i| self.take(i)).transpose()? {
                    Some(Buf::U8(b)) => b,
                    _ => return Err("Bytes.b must be bytes".into()),
                },
            },
            "Boolean" => Value::Boolean { b: field("b").as_bool().ok_or("Boolean.b must be true or false")? },
            other => return Err(format!("unknown DataContainer type '{other}'")),
        };
        value.validate().map_err(|e| e.to_string())?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Python does with a header: buffers arrive in order, as bytes.
    fn round_trip(v: &Value) -> Value {
        let mut out = Vec::new();
        let header = encode(v, &mut out);
        let bufs = out
            .iter()
            .map(|(b, float)| {
                Some(if *float { Buf::F64(bytemuck::pod_collect_to_vec(b)) } else { Buf::U8(b.to_vec()) })
            })
            .collect();
        Bufs(bufs).decode(&header).unwrap()
    }

    #[test]
    fn every_kind_of_value_crosses_unchanged() {
        let m = Matrix::new(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, f64::NAN]).unwrap();
        let values = [
            Value::pair(vec![0.0, 1.0], vec![f64::INFINITY, -0.0]),
            Value::triple(vec![1.0], vec![2.0], vec![3.0]),
            Value::OrderedTriple {
                x: ColumnData::Text(vec!["N".into(), "NNE".into()]),
                y: ColumnData::Text(vec!["0-1".into(), "héllo".into()]),
                z: ColumnData::Num(vec![0.5, f64::NAN]),
            },
            Value::Surface {
                x: ColumnData::Num(vec![1.0, 2.0, 3.0]),
                y: ColumnData::Num(vec![1.0, 2.0]),
                z: m.clone(),
            },
            Value::Surface {
                x: ColumnData::Text(vec!["E".into(), "N".into(), "S".into()]),
                y: ColumnData::Text(vec!["0-1".into(), "1-2".into()]),
                z: m.clone(),
            },
            Value::scalar(f64::NEG_INFINITY),
            Value::vector(vec![]),
            Value::Matrix { m: m.clone() },
            Value::Image { r: m.clone(), g: m.clone(), b: m.clone(), a: None },
            Value::DataFrame {
                m: DataFrame::new(vec![
                    DataFrame::num("a", vec![1.0, 2.0]),
                    DataFrame::text("b", vec!["x".into(), "y".into()]),
                ]),
            },
            Value::string("héllo"),
            Value::Bytes { b: vec![0, 255, 7] },
            Value::Boolean { b: true },
        ];
        for v in values {
            let back = round_trip(&v);
            // NaN != NaN: compare the JSON forms, which print NaN the same way
            assert_eq!(format!("{back:?}"), format!("{v:?}"));
        }
    }

    #[test]
    fn a_text_axis_crosses_as_strings_and_a_number_axis_as_a_buffer() {
        let t = Value::OrderedTriple {
            x: ColumnData::Text(vec!["N".into(), "E".into()]),
            y: ColumnData::Num(vec![1.0, 2.0]),
            z: ColumnData::Text(vec!["0-1".into(), "1".into()]),
        };
        let mut out = Vec::new();
        let header = encode(&t, &mut out);
        assert_eq!(header, json!({"type": "OrderedTriple", "x": ["N", "E"], "y": {"$b": 0}, "z": ["0-1", "1"]}));
        assert_eq!(out.len(), 1);
        // what Python sends back for DF_2_ORDERED_TRIPLE of wind: object arrays of text, numbers
        let mut bufs = Bufs(vec![Some(Buf::F64(vec![0.5, 0.6]))]);
        let back = bufs
            .decode(&json!({"type": "OrderedTriple", "x": ["N", "NNE"], "y": ["0-1", "0-1"], "z": {"$b": 0}}))
            .unwrap();
        let text = |v: &[&str]| ColumnData::Text(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            back,
            Value::OrderedTriple {
                x: text(&["N", "NNE"]),
                y: text(&["0-1", "0-1"]),
                z: ColumnData::Num(vec![0.5, 0.6])
            }
        );
        let mut none = Bufs(vec![]);
        let e = none.decode(
            &json!({"type": "Surface", "x": ["a", "b"], "y": [1.0], "z": {"rows": 1, "cols": 1, "data": [1.0]}}),
        );
        assert!(e.unwrap_err().contains("z must be 1×2"));
    }

    #[test]
    fn a_bad_reply_is_an_error_not_a_panic() {
        let mut none = Bufs(vec![]);
        assert!(none.decode(&json!({"type": "Vector", "v": {"$b": 3}})).unwrap_err().contains("missing buffer"));
        assert!(none.decode(&json!({"type": "Nope"})).unwrap_err().contains("unknown DataContainer"));
        assert!(none.decode(&json!({"type": "Matrix", "m": {"rows": 2, "cols": 2, "data": [1.0]}})).is_err());
        let mut two = Bufs(vec![Some(Buf::F64(vec![1.0])), Some(Buf::F64(vec![1.0, 2.0]))]);
        let err = two.decode(&json!({"type": "OrderedTriple", "x": {"$b": 0}, "y": {"$b": 1}, "z": {"$b": 0}}));
        assert!(err.is_err());
    }

    #[test]
    fn figure_arrays_from_buffers_become_number_arrays() {
        let fig = json!({"data": [{"type": "scatter", "x": {"$b": 0}, "marker": {"color": {"$b": 1}}}], "layout": {}});
        let mut bufs = Bufs(vec![Some(Buf::F64(vec![1.0, 2.0])), Some(Buf::F64(vec![3.0]))]);
        let Value::Plotly { fig } = bufs.decode(&json!({"type": "Plotly", "fig": fig})).unwrap() else { panic!() };
        assert_eq!(fig.traces[0].get_array("x"), Some(&NumArray::D1(vec![1.0, 2.0])));
        assert_eq!(fig.traces[0].attrs["marker"], json!({"color": [3.0]}));
    }
}
