//! The bundled sample data sets and images, as SKIMAGE, SCIKIT_LEARN_DATASET and PLOTLY_DATASET
//! output them, against the packages that ship them: `tests/fixtures/sample_data.py` writes
//! `tests/data/sample_spots.json` from scikit-image, scikit-learn and plotly (shape, column
//! names, column sums, three rows; an image's shape, channel sums and four pixels).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use runtime::nodes;
use runtime::value::{ColumnData, Value};
use serde_json::{Value as Json, json};

fn output(node: &str, param: &str, name: &str) -> Value {
    let def = nodes::lookup(node).unwrap();
    let params = json!({ param: name }).as_object().unwrap().clone();
    let out = futures::executor::block_on(nodes::invoke(def, &[], &params, support::host(1)))
        .unwrap_or_else(|e| panic!("{node} {name}: {e}"));
    (*out[0].1.clone().unwrap()).clone()
}

#[test]
fn every_bundled_set_matches_its_package() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample_spots.json");
    let spots: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sets = spots["sets"].as_array().unwrap();
    assert!(sets.len() >= 17, "{} sets", sets.len());
    for s in sets {
        let (node, param, name) =
            (s["node"].as_str().unwrap(), s["param"].as_str().unwrap(), s["name"].as_str().unwrap());
        let at = format!("{node} {name}");
        match output(node, param, name) {
            Value::DataFrame { m } => {
                assert_eq!(m.rows() as u64, s["rows"].as_u64().unwrap(), "{at}: rows");
                let names: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
                let want: Vec<&str> = s["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
                assert_eq!(names, want, "{at}: columns");
                for (col, sum) in s["sums"].as_object().unwrap() {
                    let ColumnData::Num(v) = &m.column(col).unwrap().data else { panic!("{at}: {col} is not numeric") };
                    let (got, want) = (v.iter().sum::<f64>(), sum.as_f64().unwrap());
                    // summation order differs from pandas' pairwise sum: a few ulps per addition
                    assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "{at}: sum of {col}: {got} vs {want}");
                }
                for c in s["cells"].as_array().unwrap() {
                    let (row, col) = (c["row"].as_u64().unwrap() as usize, c["column"].as_str().unwrap());
                    let column = m.column(col).unwrap();
                    match (&column.data, &c["value"]) {
                        (ColumnData::Num(v), Json::Number(n)) => {
                            assert_eq!(v[row], n.as_f64().unwrap(), "{at}: {col}[{row}] (read back exactly)")
                        }
                        (ColumnData::Text(v), Json::String(t)) => assert_eq!(&v[row], t, "{at}: {col}[{row}]"),
                        (ColumnData::Num(_), v) => panic!("{at}: {col}[{row}] is {v}, but the column is numeric"),
                        (ColumnData::Text(_), v) => panic!("{at}: {col}[{row}] is {v}, but the column is text"),
                    }
                }
            }
            Value::Image { r, g, b, a } => {
                assert_eq!(
                    (r.rows as u64, r.cols as u64),
                    (s["rows"].as_u64().unwrap(), s["cols"].as_u64().unwrap()),
                    "{at}"
                );
                assert!(a.is_none(), "{at}: skimage's samples have no alpha");
                for (ch, sum) in [&r, &g, &b].iter().zip(s["sums"].as_array().unwrap()) {
                    assert_eq!(ch.data.iter().sum::<f64>(), sum.as_f64().unwrap(), "{at}: channel sum");
                }
                for p in s["pixels"].as_array().unwrap() {
                    let (row, col) = (p["row"].as_u64().unwrap() as usize, p["col"].as_u64().unwrap() as usize);
                    let got: Vec<f64> = [&r, &g, &b].iter().map(|ch| ch.data[row * ch.cols + col]).collect();
                    let want: Vec<f64> = p["rgb"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
                    assert_eq!(got, want, "{at}: pixel ({row}, {col})");
                }
            }
            other => panic!("{at}: {}", other.data_type()),
        }
    }
}

#[test]
fn a_sample_that_is_not_bundled_says_which_are() {
    let def = nodes::lookup("SKIMAGE").unwrap();
    let params = json!({"img_key": "brick"}).as_object().unwrap().clone();
    let e = futures::executor::block_on(nodes::invoke(def, &[], &params, support::host(1))).unwrap_err();
    assert!(e.0.contains("'brick' is not available") && e.0.contains("'camera'"), "{e}");
}
