//! Files in and out: READ_CSV and LOCAL_FILE (ETL/EXTRACT, ETL/LOAD), EXTRACT_COLUMNS, and
//! EXPORT_CSV / EXPORT_JSON (DATA/EXPORT).
//!
//! Reading goes through the host (`Host::read_file`: a path relative to the flow in the CLI, a
//! picked file or a URL in the browser), so the readers are asynchronous nodes. Writing goes
//! through `Host::write_file` (a file in the CLI, a download in the browser).
//!
//! CSV and JSON are parsed the way pandas' `read_csv` / `read_json` infer types: a column whose
//! cells are all numbers (or missing) becomes numbers, with missing cells NaN; any other column
//! is text, with missing cells empty. Boolean columns are text "True"/"False" (pandas: bool).
//! Dates stay text (read_json would turn date-named columns into timestamps).

use std::collections::HashMap;

use futures::future::LocalBoxFuture;
use serde_json::Value as Json;

use super::image_io::decode_rgba;
use super::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::index::resolve_index;
use crate::numeric::python::float_repr;
use crate::param::split_list;
use crate::spec::{NodeSpec, ParamKind};
use crate::value::convert::integral_column;
use crate::value::{Column, ColumnData, DataFrame, DataType as T, Matrix, TypeSet, Value};

const DF: TypeSet = TypeSet::of(T::DataFrame);

mod batch_processor;
mod matlab;
mod open_image;
mod parquet;

pub use parquet::read_parquet;
mod remote_file;

pub fn nodes() -> Vec<NodeDef> {
    vec![
        read_csv(),
        local_file(),
        remote_file::remote_file(),
        open_image::open_image(),
        parquet::open_parquet(),
        matlab::open_matlab(),
        extract_columns(),
        export_csv(),
        export_json(),
        matlab::export_matlab(),
        batch_processor::batch_processor(),
    ]
}

// ---------------------------------------------------------------------------------------------
// Number formatting (Python's repr(float) is `numeric::python::float_repr`)

/// pandas' `to_json` number format (its vendored ultrajson, `double_precision=10`): rounded to
/// 10 decimals, trailing zeros dropped; `%.10g` beyond 1e16 or below 1e-15.
fn ujson_double(value: f64) -> String {
    let neg = value < 0.0;
    let v = value.abs();
    if v > 1e16 - 1.0 || (v != 0.0 && v < 1e-15) {
        let e = format!("{:.9e}", v);
        let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mant = mant.trim_end_matches('0').trim_end_matches('.');
        return format!("{}{mant}e{}{:02}", if neg { "-" } else { "" }, if exp < 0 { "-" } else { "+" }, exp.abs());
    }
    let pow10 = 1e10;
    let mut whole = v as u64;
    let tmp = (v - whole as f64) * pow10;
    let mut frac = tmp as u64;
    let diff = tmp - frac as f64;
    if diff > 0.5 || (diff == 0.5 && (frac == 0 || frac & 1 == 1)) {
        frac += 1;
    }
    if frac as f64 >= pow10 {
        frac = 0;
        whole += 1;
    }
    let body = if frac != 0 {
        let mut count = 10;
        while frac.is_multiple_of(10) {
            count -= 1;
            frac /= 10;
        }
        format!("{whole}.{frac:0count$}")
    } else {
        format!("{whole}.0")
    };
    format!("{}{body}", if neg { "-" } else { "" })
}

// ---------------------------------------------------------------------------------------------
// Reading CSV and JSON

/// pandas' default NA strings.
const NA_VALUES: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
    "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// A number as pandas' C parser reads it (surrounding spaces allowed, inf/infinity in any case;
/// no other words).
fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if unsigned == "inf" || unsigned == "infinity" {
        return Some(if lower.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    if unsigned.contains("nan") || unsigned.contains("inf") || lower.len() - unsigned.len() > 1 {
        return None;
    }
    t.parse::<f64>().ok()
}

fn bool_word(s: &str) -> Option<&'static str> {
    match s {
        "True" | "TRUE" | "true" => Some("True"),
        "False" | "FALSE" | "false" => Some("False"),
        _ => None,
    }
}

/// One column's cells (`None` = missing) with pandas' type inference.
fn infer_column(name: String, cells: Vec<Option<String>>) -> Column {
    let present = || cells.iter().flatten();
    let data = if present().all(|c| parse_number(c).is_some()) {
        ColumnData::Num(cells.iter().map(|c| c.as_deref().and_then(parse_number).unwrap_or(f64::NAN)).collect())
    } else if present().all(|c| bool_word(c).is_some()) {
        ColumnData::Text(cells.iter().map(|c| c.as_deref().and_then(bool_word).unwrap_or("").to_owned()).collect())
    } else {
        ColumnData::Text(cells.into_iter().map(Option::unwrap_or_default).collect())
    };
    Column { name, data }
}

/// pandas' `dedup_names`: a repeated column name gets ".1", ".2", …
fn dedup_names(names: Vec<String>) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    names
        .into_iter()
        .map(|mut col| {
            let mut cur = counts.get(&col).copied().unwrap_or(0);
            while cur > 0 {
                counts.insert(col.clone(), cur + 1);
                col = format!("{col}.{cur}");
                cur = counts.get(&col).copied().unwrap_or(0);
            }
            counts.insert(col.clone(), cur + 1);
            col
        })
        .collect()
}

/// `pandas.read_csv(file)` with its defaults: the first row names the columns, blank lines are
/// skipped, short rows are padded with missing cells, long rows are an error.
pub(crate) fn parse_csv(bytes: &[u8]) -> Result<DataFrame, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("cannot read the CSV: {e}"))?;
        if rec.len() == 1 && rec[0].trim().is_empty() && !rows.is_empty() {
            continue;
        }
        if rows.is_empty() && rec.iter().all(str::is_empty) {
            continue;
        }
        let line = rec.position().map_or(0, csv::Position::line);
        rows.push((line, rec.iter().map(str::to_owned).collect()));
    }
    let mut it = rows.into_iter();
    let (_, header) = it.next().ok_or("No columns to parse from file")?;
    let n = header.len();
    let names = dedup_names(
        header.into_iter().enumerate().map(|(i, h)| if h.is_empty() { format!("Unnamed: {i}") } else { h }).collect(),
    );
    let mut cols: Vec<Vec<Option<String>>> = vec![Vec::new(); n];
    for (line, row) in it {
        if row.len() > n {
            return Err(format!(
                "Error tokenizing data. C error: Expected {n} fields in line {line}, saw {}",
                row.len()
            ));
        }
        let mut cells = row.into_iter();
        for col in &mut cols {
            col.push(cells.next().filter(|c| !NA_VALUES.contains(&c.as_str())));
        }
    }
    Ok(DataFrame::new(names.into_iter().zip(cols).map(|(name, cells)| infer_column(name, cells)).collect()))
}

/// A JSON scalar as a cell: `None` for null; numbers and booleans as pandas prints them.
fn json_cell(v: &Json) -> Option<String> {
    match v {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        Json::Bool(b) => Some(if *b { "True" } else { "False" }.into()),
        Json::Number(n) => Some(if n.is_f64() { float_repr(n.as_f64().unwrap_or(f64::NAN)) } else { n.to_string() }),
        other => Some(other.to_string()),
    }
}

/// A JSON column with read_json's inference: numbers (numeric strings too, as its `astype`
/// does) become a number column, booleans "True"/"False", anything else text.
fn json_column(name: &str, cells: Vec<Option<&Json>>) -> Column {
    let cells: Vec<Option<&Json>> = cells.into_iter().map(|c| c.filter(|v| !v.is_null())).collect();
    let as_num = |v: &Json| match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let data = if cells.iter().flatten().all(|v| as_num(v).is_some()) {
        ColumnData::Num(cells.iter().map(|c| c.and_then(as_num).unwrap_or(f64::NAN)).collect())
    } else {
        ColumnData::Text(cells.iter().map(|c| c.and_then(json_cell).unwrap_or_default()).collect())
    };
    Column { name: name.to_owned(), data }
}

/// `pandas.read_json(file)`: a list of records, or an object of columns (each a list, or an
/// object from row label to value, aligned by label).
pub(crate) fn parse_json(bytes: &[u8]) -> Result<DataFrame, String> {
    let j: Json = serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    match &j {
        Json::Array(records) => {
            let mut names: Vec<&str> = Vec::new();
            for r in records {
                let o = r.as_object().ok_or("a JSON list must hold records (objects)")?;
                for k in o.keys() {
                    if !names.contains(&k.as_str()) {
                        names.push(k);
                    }
                }
            }
            let cols =
                names.iter().map(|name| json_column(name, records.iter().map(|r| r.get(*name)).collect())).collect();
            Ok(DataFrame::new(cols))
        }
        Json::Object(columns) => {
            let mut labels: Vec<&str> = Vec::new();
            let mut longest = 0;
            for v in columns.values() {
                match v {
                    Json::Object(o) => {
                        for k in o.keys() {
                            if !labels.contains(&k.as_str()) {
                                labels.push(k);
                            }
                        }
                    }
                    Json::Array(a) => longest = longest.max(a.len()),
                    _ => return Err("each column of a JSON object must be a list or an object of rows".into()),
                }
            }
            let rows = labels.len().max(longest);
            let cols = columns
                .iter()
                .map(|(name, v)| {
                    let cells = match v {
                        Json::Object(o) => {
                            let mut cells: Vec<Option<&Json>> = labels.iter().map(|l| o.get(*l)).collect();
                            cells.resize(rows, None);
                            cells
                        }
                        Json::Array(a) => (0..rows).map(|i| a.get(i)).collect(),
                        _ => Vec::new(),
                    };
                    json_column(name, cells)
                })
                .collect();
            Ok(DataFrame::new(cols))
        }
        _ => Err("expected a list of records or an object of columns".into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Images

/// skimage's `imread(path, as_gray=True)`: colour images become luminance in 0..1
/// (`rgb2gray`: 0.2125 R + 0.7154 G + 0.0721 B, after blending any alpha over white as
/// `rgba2rgb` does); a grayscale file is returned as stored (0..255 for 8 bits).
pub(crate) fn decode_gray_skimage(bytes: &[u8]) -> Result<Value, String> {
    let img = image::load_from_memory(bytes).map_err(|e| format!("cannot read the image: {e}"))?;
    let (w, h) = (img.width() as usize, img.height() as usize);
    let color = img.color();
    let data: Vec<f64> = if color.channel_count() == 1 {
        if color.bytes_per_pixel() == 1 {
            img.to_luma8().pixels().map(|p| f64::from(p.0[0])).collect()
        } else {
            img.to_luma16().pixels().map(|p| f64::from(p.0[0])).collect()
        }
    } else if color.channel_count() == 2 {
        return Err("rgb2gray: the input array must have size 3 along the channel axis, got 2 (gray + alpha)".into());
    } else {
        let px: Vec<[f64; 4]> = if color.bytes_per_pixel() as usize / color.channel_count() as usize == 1 {
            img.to_rgba8().pixels().map(|p| p.0.map(|c| f64::from(c) / 255.0)).collect()
        } else {
            img.to_rgba16().pixels().map(|p| p.0.map(|c| f64::from(c) / 65535.0)).collect()
        };
        let alpha = color.has_alpha();
        px.iter()
            .map(|[r, g, b, a]| {
                let blend = |c: f64| if alpha { ((1.0 - a) + a * c).clamp(0.0, 1.0) } else { c };
                0.2125 * blend(*r) + 0.7154 * blend(*g) + 0.0721 * blend(*b)
            })
            .collect()
    };
    Ok(Value::Grayscale { m: Matrix { rows: h, cols: w, data } })
}

// ---------------------------------------------------------------------------------------------
// Readers

fn read_csv() -> NodeDef {
    NodeDef::asynchronous(
        NodeSpec::new(
            "READ_CSV",
            "ETL/EXTRACT/FILE",
            "Read a CSV file (a path, a picked file or a URL) into a DataFrame, as pandas.read_csv does: the \
             first row names the columns; numeric columns become numbers (missing cells NaN), others text.",
        )
        .output("default", DF, "The table")
        .param(
            "file_path",
            ParamKind::File { accept: vec![".csv".into()] },
            "https://raw.githubusercontent.com/cs109/2014_data/master/countries.csv",
            "The CSV file: a path (relative to the flow), a picked file, or a URL",
        ),
        run_read_csv,
    )
}

fn run_read_csv(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let path = ctx.text("file_path").to_owned();
        if path.is_empty() {
            return Err(NodeError::new("parameter 'file_path' is empty: pick a CSV file"));
        }
        let bytes = ctx.host.read_file(&path).await.map_err(NodeError)?;
        let df = parse_csv(&bytes).map_err(|e| NodeError(format!("{path}: {e}")))?;
        Ok(Outputs::one(Value::DataFrame { m: df }))
    })
}

fn local_file() -> NodeDef {
    NodeDef::asynchronous(
        NodeSpec::new(
            "LOCAL_FILE",
            "ETL/LOAD/LOCAL_FILE_SYSTEM",
            "Load a file as an Image (RGBA channels 0–255), a Grayscale image (skimage's as_gray: luminance \
             0–1), or a DataFrame from JSON or CSV. The path comes from the input String if connected, else \
             from file_path; with no path, Image and Grayscale load Flojoy's sample astronaut picture.",
        )
        .optional_input("default", TypeSet::of(T::String), "Optional: the file path (overrides file_path)")
        .output("default", TypeSet::union(&[T::Image, T::DataFrame, T::Grayscale]), "The loaded data")
        .param(
            "file_path",
            ParamKind::File { accept: vec!["image/*".into(), ".json".into(), ".csv".into()] },
            Json::Null,
            "The file: a path (relative to the flow) or a picked file",
        )
        .select("file_type", &["Image", "Grayscale", "JSON", "CSV"], "Image", "How to read the file"),
        run_local_file,
    )
}

fn run_local_file(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let path = match ctx.input_data("default") {
            Some(d) => match &*d {
                Value::String { s } => s.clone(),
                other => {
                    return Err(NodeError(format!(
                        "input 'default' got {}, but LOCAL_FILE handles String",
                        other.data_type()
                    )));
                }
            },
            None => ctx.text("file_path").to_owned(),
        };
        let kind = ctx.text("file_type").to_owned();
        let image = kind == "Image" || kind == "Grayscale";
        if path.is_empty() && !image {
            return Err(NodeError::new(
                "The file path of the input file is missing. Please provide a input String or a provide \
                 `file_path` with a value!",
            ));
        }
        let bytes = if path.is_empty() {
            ctx.host.sample("astronaut.png").await.map_err(NodeError)?.into_owned()
        } else {
            ctx.host.read_file(&path).await.map_err(NodeError)?
        };
        let shown = if path.is_empty() { "astronaut.png" } else { path.as_str() };
        Ok(Outputs::one(decode_as(&bytes, &kind).map_err(|e| NodeError(format!("{shown}: {e}")))?))
    })
}

/// A file's bytes read as LOCAL_FILE's / REMOTE_FILE's `file_type` says.
fn decode_as(bytes: &[u8], kind: &str) -> Result<Value, String> {
    match kind {
        "Grayscale" => decode_gray_skimage(bytes),
        "CSV" => parse_csv(bytes).map(|m| Value::DataFrame { m }),
        "JSON" => parse_json(bytes).map(|m| Value::DataFrame { m }),
        _ => decode_rgba(bytes),
    }
}

fn extract_columns() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "EXTRACT_COLUMNS",
            "ETL/EXTRACT/DATAFRAME",
            "Keep only some columns: of a DataFrame by name, of a Matrix by position (negative from the end). \
             A Matrix stays a Matrix.",
        )
        .input("default", TypeSet::union(&[T::DataFrame, T::Matrix]), "The table")
        .output("default", TypeSet::union(&[T::DataFrame, T::Matrix]), "The chosen columns, in the order listed")
        .param(
            "columns",
            ParamKind::Array,
            Json::Null,
            "The columns, comma-separated: names for a DataFrame, positions for a Matrix",
        ),
        |ctx| {
            let out = match ctx.need("default")? {
                Value::DataFrame { m } => {
                    let mut cols = Vec::new();
                    for name in split_list(ctx.text("columns")) {
                        let c = m.column(name).ok_or_else(|| {
                            let names: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
                            NodeError(format!(
                                "column '{name}' is not in the DataFrame (its columns: {})",
                                names.join(", ")
                            ))
                        })?;
                        cols.push(c.clone());
                    }
                    Value::DataFrame { m: DataFrame::new(cols) }
                }
                Value::Matrix { m } => {
                    let idx = ctx
                        .int_list("columns")?
                        .into_iter()
                        .map(|i| {
                            resolve_index(i, m.cols).map_err(|_| {
                                NodeError(format!("index {i} is out of bounds for axis 1 with size {}", m.cols))
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    let data = (0..m.rows).flat_map(|r| idx.iter().map(move |&c| m.get(r, c))).collect();
                    Value::Matrix { m: Matrix { rows: m.rows, cols: idx.len(), data } }
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(out))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Exports

fn export_params(spec: NodeSpec, filename: &str) -> NodeSpec {
    spec.param(
        "dir",
        ParamKind::Directory,
        Json::Null,
        "The folder to write to (the CLI; empty: the flow's folder). The browser downloads the file instead.",
    )
    .str("filename", filename, "The name of the file")
}

/// Where an export goes: `dir/filename`, or just `filename` when no folder is set (Flojoy
/// refuses an empty folder; here the host decides: the flow's folder, or a download).
fn export_name(ctx: &super::Ctx<'_>) -> Result<String, NodeError> {
    let (dir, file) = (ctx.text("dir"), ctx.text("filename"));
    if file.is_empty() {
        return Err(NodeError::new("parameter 'filename' is empty"));
    }
    Ok(if dir.is_empty() {
        file.to_owned()
    } else if dir.ends_with('/') || dir.ends_with('\\') {
        format!("{dir}{file}")
    } else {
        format!("{dir}/{file}")
    })
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new())
}

fn csv_error(e: impl std::fmt::Display) -> NodeError {
    NodeError(format!("cannot write the CSV: {e}"))
}

/// A number cell as pandas' `to_csv` writes it (NaN as an empty cell).
fn csv_number(x: f64, integral: bool) -> String {
    if x.is_nan() {
        String::new()
    } else if integral {
        format!("{}", x as i64)
    } else {
        float_repr(x)
    }
}

/// The CSV text Flojoy's EXPORT_CSV writes for a value.
pub(crate) fn to_csv(v: &Value) -> Result<Vec<u8>, NodeError> {
    let mut w = csv_writer();
    match v {
        Value::OrderedPair { x, y } => {
            write_columns(&mut w, &[("x", &ColumnData::Num(x.clone())), ("y", &ColumnData::Num(y.clone()))])?
        }
        Value::OrderedTriple { x, y, z } => write_columns(&mut w, &[("x", x), ("y", y), ("z", z)])?,
        Value::DataFrame { m } => {
            w.write_record(m.columns.iter().map(|c| c.name.as_str())).map_err(csv_error)?;
            let ints: Vec<bool> = m.columns.iter().map(|c| c.data.as_num().is_some_and(integral_column)).collect();
            for r in 0..m.rows() {
                let row = m.columns.iter().zip(&ints).map(|(c, &int)| match &c.data {
                    ColumnData::Num(v) => csv_number(v[r], int),
                    ColumnData::Text(v) => v[r].clone(),
                });
                w.write_record(row).map_err(csv_error)?;
            }
        }
        Value::Matrix { m } => {
            for r in 0..m.rows {
                w.write_record(m.row(r).iter().map(|&x| csv_number(x, false))).map_err(csv_error)?;
            }
        }
        other => {
            return Err(NodeError(format!(
                "Invalid DataContainer type: {} cannot be exported as CSV.",
                other.data_type()
            )));
        }
    }
    w.into_inner().map_err(csv_error)
}

/// `pd.DataFrame({"x": x, "y": y}).to_csv(index=False)`.
/// Named columns of numbers or text (an OrderedTriple's text axis), with a header.
fn write_columns(w: &mut csv::Writer<Vec<u8>>, cols: &[(&str, &ColumnData)]) -> Result<(), NodeError> {
    let n = cols.first().map_or(0, |(_, c)| c.len());
    if cols.iter().any(|(_, c)| c.len() != n) {
        return Err(NodeError::new("All arrays must be of the same length"));
    }
    w.write_record(cols.iter().map(|(name, _)| *name)).map_err(csv_error)?;
    for r in 0..n {
        w.write_record(cols.iter().map(|(_, c)| match c {
            ColumnData::Num(v) => csv_number(v[r], false),
            ColumnData::Text(v) => v[r].clone(),
        }))
        .map_err(csv_error)?;
    }
    Ok(())
}

fn export_csv() -> NodeDef {
    let dc = TypeSet::union(&[T::OrderedPair, T::OrderedTriple, T::DataFrame, T::Matrix]);
    NodeDef::sync(
        export_params(
            NodeSpec::new(
                "EXPORT_CSV",
                "DATA/EXPORT",
                "Save data as a CSV file, as Flojoy does: an OrderedPair/OrderedTriple as columns x, y (z) with \
                 a header; a DataFrame with its column names; a Matrix without a header.",
            )
            .input("dc", dc, "The data to save")
            .output("default", TypeSet::ANY, "Nothing (the file is the result)"),
            "exported.csv",
        ),
        |ctx| {
            let bytes = to_csv(ctx.need("dc")?)?;
            let name = export_name(ctx)?;
            let place = ctx.host().write_file(&name, &bytes).map_err(NodeError)?;
            ctx.log(format!("saved {place}"));
            Ok(Outputs::none())
        },
    )
    .writes_files()
}

/// pandas' `DataFrame.to_json()` (orient "columns"): `{"col": {"0": v, …}, …}`.
pub(crate) fn pandas_to_json(df: &DataFrame) -> String {
    let mut s = String::from("{");
    for (i, c) in df.columns.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&Json::String(c.name.clone()).to_string());
        s.push_str(":{");
        let int = c.data.as_num().is_some_and(integral_column);
        for r in 0..c.data.len() {
            if r > 0 {
                s.push(',');
            }
            s.push_str(&format!("\"{r}\":"));
            match &c.data {
                ColumnData::Num(v) if !v[r].is_finite() => s.push_str("null"),
                ColumnData::Num(v) if int => s.push_str(&format!("{}", v[r] as i64)),
                ColumnData::Num(v) => s.push_str(&ujson_double(v[r])),
                ColumnData::Text(v) if v[r].is_empty() => s.push_str("null"),
                ColumnData::Text(v) => s.push_str(&Json::String(v[r].clone()).to_string()),
            }
        }
        s.push('}');
    }
    s.push('}');
    s
}

/// The JSON Flojoy's EXPORT_JSON writes: the container's fields (`type` first), a DataFrame as
/// pandas' `to_json()` text nested in `m` (PlotlyJSONEncoder's rule), an Image always with `a`.
pub(crate) fn to_export_json(v: &Value) -> Json {
    let mut j = v.to_json();
    if let Some(o) = j.as_object_mut() {
        match v {
            Value::DataFrame { m } => {
                o.insert("m".into(), Json::String(pandas_to_json(m)));
            }
            Value::Image { a: None, .. } => {
                o.insert("a".into(), Json::Null);
            }
            _ => {}
        }
    }
    j
}

fn export_json() -> NodeDef {
    NodeDef::sync(
        export_params(
            NodeSpec::new(
                "EXPORT_JSON",
                "DATA/EXPORT",
                "Save any data as a JSON file: {\"type\": …, and its fields}, NaN written as null. As in Flojoy, \
                 a DataFrame's table is nested as pandas' to_json text. (Flojoy fails on String, Boolean and \
                 Bytes, which lack an 'extra' field; here they are saved too.)",
            )
            .input("dc", TypeSet::ANY, "The data to save")
            .output("default", TypeSet::ANY, "Nothing (the file is the result)"),
            "exported.json",
        ),
        |ctx| {
            let json = to_export_json(ctx.need("dc")?);
            let bytes = serde_json::to_vec(&json).map_err(|e| NodeError(format!("cannot write the JSON: {e}")))?;
            let name = export_name(ctx)?;
            let place = ctx.host().write_file(&name, &bytes).map_err(NodeError)?;
            ctx.log(format!("saved {place}"));
            Ok(Outputs::none())
        },
    )
    .writes_files()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pandas_json_numbers() {
        for (x, s) in [
            (1.0 / 3.0, "0.3333333333"),
            (1e-5, "0.00001"),
            (1e16, "10000000000000000.0"),
            (1e20, "1e+20"),
            (123_456_789.123_456_79, "123456789.123456791"),
            (2.5e-11, "0.0"),
            (0.99999999999, "1.0"),
            (-2.0000000000000004, "-2.0"),
            (1.25e-7, "0.000000125"),
        ] {
            assert_eq!(ujson_double(x), s, "{x}");
        }
    }

    #[test]
    fn csv_inference_and_names() {
        let df = parse_csv(b"a,,b,a\n 1,x,True,inf\n2 ,,false,\n\n3,z,TRUE,1e3\n").unwrap();
        let names: Vec<&str> = df.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "Unnamed: 1", "b", "a.1"]);
        assert_eq!(df.columns[0].data, ColumnData::Num(vec![1.0, 2.0, 3.0]));
        assert_eq!(df.columns[1].data, ColumnData::Text(vec!["x".into(), String::new(), "z".into()]));
        assert_eq!(df.columns[2].data, ColumnData::Text(vec!["True".into(), "False".into(), "True".into()]));
        assert!(parse_csv(b"a,b\n1,2,3\n").unwrap_err().contains("Expected 2 fields in line 2, saw 3"));
        assert!(parse_csv(b"").is_err());
        assert_eq!(parse_number("NAN"), None);
        assert_eq!(parse_number("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_number("1_000"), None);
    }
}
