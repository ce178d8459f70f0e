//! The JSON form of values: Flojoy's field names, `{"type":"OrderedPair","x":[…],"y":[…]}`.
//! NaN and ±Inf serialise as `null` (like Flojoy's PlotlyJSONEncoder) and read back as NaN.
//! Reading applies Flojoy's `validate()` rules (REFERENCE §3.2) with messages a user can act on.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};

use super::table::{Column, ColumnData, DataFrame};
use super::{DataType, Figure, Matrix, Value};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    #[error("a DataContainer must be a JSON object with a \"type\" field")]
    NotAnObject,
    #[error("unknown DataContainer type '{0}'{1}")]
    UnknownType(String, String),
    #[error("{0} is missing its required key '{1}'")]
    MissingKey(DataType, &'static str),
    #[error("key '{1}' is not allowed in {0} (allowed: {2})")]
    UnexpectedKey(DataType, String, String),
    #[error("{0}.{1} must be {2}")]
    WrongField(DataType, &'static str, &'static str),
    #[error("invalid {0}: {1}")]
    Invalid(DataType, String),
}

pub(crate) fn f64_to_json(x: f64) -> Json {
    serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
}

pub(crate) fn f64s_to_json(v: &[f64]) -> Json {
    Json::Array(v.iter().map(|&x| f64_to_json(x)).collect())
}

/// A table column or an axis: numbers (NaN as null) or text.
fn column_to_json(c: &ColumnData) -> Json {
    match c {
        ColumnData::Num(v) => f64s_to_json(v),
        ColumnData::Text(v) => Json::Array(v.iter().map(|s| Json::from(s.as_str())).collect()),
    }
}

/// A JSON cell of a text column: a string as is, null as "" (pandas' NaN), others as JSON.
fn cell_text(x: &Json) -> String {
    match x {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn matrix_to_json(m: &Matrix) -> Json {
    Json::Array((0..m.rows).map(|r| f64s_to_json(m.row(r))).collect())
}

/// Numbers (and null → NaN, booleans → 0/1 as numpy does) → `Vec<f64>`; `None` if any other.
pub(crate) fn json_to_f64s(arr: &[Json]) -> Option<Vec<f64>> {
    arr.iter()
        .map(|x| match x {
            Json::Number(n) => n.as_f64(),
            Json::Null => Some(f64::NAN),
            Json::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        })
        .collect()
}

impl Value {
    /// The JSON form, e.g. `{"type":"Scalar","c":2.0}`.
    pub fn to_json(&self) -> Json {
        let mut o = Map::new();
        o.insert("type".into(), Json::from(self.data_type().name()));
        let mut put = |k: &str, v: Json| {
            o.insert(k.into(), v);
        };
        match self {
            Value::OrderedPair { x, y } => {
                put("x", f64s_to_json(x));
                put("y", f64s_to_json(y));
            }
            Value::OrderedTriple { x, y, z } => {
                put("x", column_to_json(x));
                put("y", column_to_json(y));
                put("z", column_to_json(z));
            }
            Value::Surface { x, y, z } => {
                put("x", column_to_json(x));
                put("y", column_to_json(y));
                put("z", matrix_to_json(z));
            }
            Value::Scalar { c } => put("c", f64_to_json(*c)),
            Value::Vector { v } => put("v", f64s_to_json(v)),
            Value::Matrix { m } | Value::Grayscale { m } => put("m", matrix_to_json(m)),
            Value::DataFrame { m } => {
                let cols = m.columns.iter().map(|c| (c.name.clone(), column_to_json(&c.data))).collect();
                put("m", Json::Object(cols));
            }
            Value::Image { r, g, b, a } => {
                put("r", matrix_to_json(r));
                put("g", matrix_to_json(g));
                put("b", matrix_to_json(b));
                if let Some(a) = a {
                    put("a", matrix_to_json(a));
                }
            }
            Value::Plotly { fig } => put("fig", fig.to_json()),
            Value::String { s } => put("s", Json::from(s.as_str())),
            Value::Bytes { b } => put("b", Json::Array(b.iter().map(|&x| Json::from(x)).collect())),
            Value::Boolean { b } => put("b", Json::Bool(*b)),
        }
        Json::Object(o)
    }

    /// Reads the JSON form, enforcing Flojoy's validation rules.
    pub fn from_json(j: &Json) -> Result<Value, ValueError> {
        let o = j.as_object().ok_or(ValueError::NotAnObject)?;
        let tname = o.get("type").and_then(Json::as_str).ok_or(ValueError::NotAnObject)?;
        let t = DataType::from_name(tname).ok_or_else(|| ValueError::UnknownType(tname.into(), did_you_mean(tname)))?;
        let allowed: &[&'static str] = match t {
            DataType::OrderedPair => &["x", "y"],
            DataType::OrderedTriple | DataType::Surface => &["x", "y", "z"],
            DataType::Scalar => &["c"],
            DataType::Vector => &["v"],
            DataType::Matrix | DataType::DataFrame | DataType::Grayscale => &["m"],
            DataType::Image => &["r", "g", "b", "a"],
            DataType::Plotly => &["fig"],
            DataType::String => &["s"],
            DataType::Bytes | DataType::Boolean => &["b"],
        };
        for k in o.keys() {
            if k != "type" && k != "extra" && !allowed.contains(&k.as_str()) {
                return Err(ValueError::UnexpectedKey(t, k.clone(), allowed.join(", ")));
            }
        }
        let field = |k: &'static str| o.get(k).filter(|v| !v.is_null()).ok_or(ValueError::MissingKey(t, k));
        let vec = |k: &'static str| -> Result<Vec<f64>, ValueError> {
            match field(k)? {
                // Flojoy arrayifies a bare number on assignment
                Json::Number(n) => Ok(vec![n.as_f64().unwrap_or(f64::NAN)]),
                Json::Array(a) => json_to_f64s(a).ok_or(ValueError::WrongField(t, k, "an array of numbers")),
                _ => Err(ValueError::WrongField(t, k, "an array of numbers")),
            }
        };
        // an axis: numbers as `vec` reads them, or text when a cell is a string
        let axis = |k: &'static str| -> Result<ColumnData, ValueError> {
            match field(k)? {
                Json::Array(a) if a.iter().any(Json::is_string) => {
                    Ok(ColumnData::Text(a.iter().map(cell_text).collect()))
                }
                _ => {
                    vec(k).map(ColumnData::Num).map_err(|_| ValueError::WrongField(t, k, "an array of numbers or text"))
                }
            }
        };
        let mat = |k: &'static str| -> Result<Matrix, ValueError> {
            json_to_matrix(field(k)?).ok_or(ValueError::WrongField(t, k, "a 2-D array of numbers (equal-length rows)"))
        };
        let value = match t {
            DataType::OrderedPair => Value::OrderedPair { x: vec("x")?, y: vec("y")? },
            DataType::OrderedTriple => Value::OrderedTriple { x: axis("x")?, y: axis("y")?, z: axis("z")? },
            DataType::Surface => Value::Surface { x: axis("x")?, y: axis("y")?, z: mat("z")? },
            DataType::Scalar => Value::Scalar {
                c: match field("c")? {
                    Json::Number(n) => n.as_f64().unwrap_or(f64::NAN),
                    Json::Bool(b) => f64::from(u8::from(*b)),
                    _ => return Err(ValueError::WrongField(t, "c", "a number")),
                },
            },
            DataType::Vector => Value::Vector { v: vec("v")? },
            DataType::Matrix => Value::Matrix { m: mat("m")? },
            DataType::Grayscale => Value::Grayscale { m: mat("m")? },
            DataType::DataFrame => Value::DataFrame {
                m: json_to_frame(field("m")?).ok_or(ValueError::WrongField(t, "m", "an object of named columns"))?,
            },
            DataType::Image => Value::Image {
                r: mat("r")?,
                g: mat("g")?,
                b: mat("b")?,
                a: match o.get("a") {
                    None | Some(Json::Null) => None,
                    Some(_) => Some(mat("a")?),
                },
            },
            DataType::Plotly => Value::Plotly {
                fig: Figure::from_json(field("fig")?).ok_or(ValueError::WrongField(
                    t,
                    "fig",
                    "a plotly figure object",
                ))?,
            },
            DataType::String => {
                Value::String { s: field("s")?.as_str().ok_or(ValueError::WrongField(t, "s", "a string"))?.to_owned() }
            }
            DataType::Bytes => Value::Bytes {
                b: match field("b")? {
                    Json::Array(a) => a
                        .iter()
                        .map(|x| x.as_u64().and_then(|x| u8::try_from(x).ok()))
                        .collect::<Option<Vec<u8>>>()
                        .ok_or(ValueError::WrongField(t, "b", "an array of bytes (0..255)"))?,
                    Json::String(s) => s.as_bytes().to_vec(),
                    _ => return Err(ValueError::WrongField(t, "b", "an array of bytes (0..255)")),
                },
            },
            DataType::Boolean => {
                Value::Boolean { b: field("b")?.as_bool().ok_or(ValueError::WrongField(t, "b", "true or false"))? }
            }
        };
        value.validate()?;
        Ok(value)
    }
}

fn json_to_matrix(j: &Json) -> Option<Matrix> {
    let rows = j.as_array()?;
    let rows: Option<Vec<Vec<f64>>> = rows.iter().map(|r| json_to_f64s(r.as_array()?)).collect();
    Matrix::from_rows(&rows?)
}

fn json_to_frame(j: &Json) -> Option<DataFrame> {
    let cols = j.as_object()?;
    let columns = cols
        .iter()
        .map(|(name, v)| {
            let arr = v.as_array()?;
            let data = match json_to_f64s(arr) {
                Some(nums) if arr.iter().all(|x| !x.is_boolean()) => ColumnData::Num(nums),
                _ => ColumnData::Text(arr.iter().map(cell_text).collect()),
            };
            Some(Column { name: name.clone(), data })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(DataFrame::new(columns))
}

/// " (did you mean 'OrderedPair'?)" for a near miss, like Flojoy's difflib hint.
fn did_you_mean(name: &str) -> String {
    let best =
        DataType::ALL.iter().map(|t| (edit_distance(&name.to_lowercase(), &t.name().to_lowercase()), t.name())).min();
    match best {
        Some((d, n)) if d <= 3 => format!(" (did you mean '{n}'?)"),
        _ => format!(" (known types: {})", DataType::ALL.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")),
    }
}

/// Levenshtein distance, for suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = Json::deserialize(d)?;
        Value::from_json(&j).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_uses_flojoy_field_names_and_null_for_non_finite() {
        let v = Value::pair(vec![0.0, 1.0], vec![f64::NAN, f64::INFINITY]);
        assert_eq!(v.to_json(), json!({"type":"OrderedPair","x":[0.0,1.0],"y":[null,null]}));
        assert_eq!(Value::scalar(2.0).to_json(), json!({"type":"Scalar","c":2.0}));
        assert_eq!(Value::Boolean { b: true }.to_json(), json!({"type":"Boolean","b":true}));
        let df = Value::DataFrame {
            m: DataFrame::new(vec![DataFrame::text("name", vec!["a".into()]), DataFrame::num("n", vec![1.0])]),
        };
        assert_eq!(df.to_json(), json!({"type":"DataFrame","m":{"name":["a"],"n":[1.0]}}));
    }

    #[test]
    fn every_type_round_trips() {
        let m = Matrix::new(2, 2, vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        let values = vec![
            Value::pair(vec![1.0], vec![2.0]),
            Value::triple(vec![1.0], vec![2.0], vec![3.0]),
            Value::Surface { x: ColumnData::Num(vec![1.0, 2.0]), y: ColumnData::Num(vec![1.0, 2.0]), z: m.clone() },
            Value::scalar(-1.5),
            Value::vector(vec![1.0, 2.0]),
            Value::Matrix { m: m.clone() },
            Value::Grayscale { m: m.clone() },
            Value::Image { r: m.clone(), g: m.clone(), b: m.clone(), a: Some(m.clone()) },
            Value::Plotly { fig: Figure::default() },
            Value::string("hi"),
            Value::Bytes { b: vec![0, 255] },
            Value::Boolean { b: false },
        ];
        for v in values {
            assert_eq!(Value::from_json(&v.to_json()).unwrap(), v);
        }
    }

    #[test]
    fn an_axis_holds_numbers_or_text() {
        let text = |v: &[&str]| ColumnData::Text(v.iter().map(|s| s.to_string()).collect());
        let t = Value::OrderedTriple {
            x: text(&["N", "NE"]),
            y: ColumnData::Num(vec![1.0, f64::NAN]),
            z: text(&["0-1", ""]),
        };
        let j = t.to_json();
        assert_eq!(j, json!({"type":"OrderedTriple","x":["N","NE"],"y":[1.0,null],"z":["0-1",""]}));
        assert_eq!(format!("{:?}", Value::from_json(&j).unwrap()), format!("{t:?}"));
        let s = Value::Surface { x: text(&["E", "N"]), y: ColumnData::Num(vec![0.5]), z: Matrix::zeros(1, 2) };
        assert_eq!(Value::from_json(&s.to_json()).unwrap(), s);
        // a null among text is pandas' NaN: an empty cell
        let mixed = Value::from_json(&json!({"type":"OrderedTriple","x":["a",null],"y":[1,2],"z":[3,4]})).unwrap();
        assert_eq!(
            mixed,
            Value::OrderedTriple {
                x: text(&["a", ""]),
                y: ColumnData::Num(vec![1.0, 2.0]),
                z: ColumnData::Num(vec![3.0, 4.0])
            }
        );
        let e = Value::from_json(&json!({"type":"OrderedTriple","x":[{}],"y":[1],"z":[1]})).unwrap_err();
        assert_eq!(e.to_string(), "OrderedTriple.x must be an array of numbers or text");
        // the axes must match z's shape whatever they hold
        let e = Value::from_json(&json!({"type":"Surface","x":["a"],"y":[1],"z":[[1, 2]]})).unwrap_err();
        assert!(e.to_string().contains("z must be 1×1"), "{e}");
    }

    #[test]
    fn reading_reports_what_is_wrong() {
        let e = Value::from_json(&json!({"type":"OrderdPair","x":[1]})).unwrap_err();
        assert_eq!(e.to_string(), "unknown DataContainer type 'OrderdPair' (did you mean 'OrderedPair'?)");
        let e = Value::from_json(&json!({"type":"OrderedPair","x":[1]})).unwrap_err();
        assert_eq!(e.to_string(), "OrderedPair is missing its required key 'y'");
        let e = Value::from_json(&json!({"type":"Scalar","c":1,"q":2})).unwrap_err();
        assert_eq!(e.to_string(), "key 'q' is not allowed in Scalar (allowed: c)");
        let e = Value::from_json(&json!({"type":"Matrix","m":[[1,2],[3]]})).unwrap_err();
        assert!(e.to_string().contains("equal-length rows"));
        // a bare number is arrayified, as Flojoy does on assignment
        assert_eq!(Value::from_json(&json!({"type":"Vector","v":3})).unwrap(), Value::vector(vec![3.0]));
    }
}
