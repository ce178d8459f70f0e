//! MAT files: EXPORT_MATLAB writes what scipy.io.savemat writes (MATLAB 5, or 4), OPEN_MATLAB
//! reads MATLAB 5 files as loadmat does and joins the first two variables side by side (Flojoy's
//! `np.hstack((X, Y))`). The format: MathWorks' "MAT-File Format" (level 5: a 128-byte header, then
//! tagged elements; a matrix is an miMATRIX of flags, dimensions, name and column-major data).

use std::io::{Read, Write};

use futures::future::LocalBoxFuture;
use serde_json::Value as Json;

use super::{export_name, export_params};
use crate::nodes::{AsyncCtx, Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{Column, ColumnData, DataFrame, DataType as T, Matrix, TypeSet, Value};

// element types (miINT8 …) and array classes (mxCELL_CLASS …)
const MI_INT8: u32 = 1;
const MI_INT32: u32 = 5;
const MI_UINT32: u32 = 6;
const MI_DOUBLE: u32 = 9;
const MI_MATRIX: u32 = 14;
const MI_COMPRESSED: u32 = 15;
const MI_UTF8: u32 = 16;
const MX_CELL: u32 = 1;
const MX_CHAR: u32 = 4;
const MX_DOUBLE: u32 = 6;

/// One variable to write: a numeric matrix (rows × cols, row-major here) or a row of strings.
enum Var {
    Num(Matrix),
    Text(Vec<String>),
}

pub(super) fn export_matlab() -> NodeDef {
    NodeDef::sync(
        export_params(
            NodeSpec::new(
                "EXPORT_MATLAB",
                "DATA/EXPORT",
                "Save data as a MAT file, as scipy's savemat does: an OrderedPair/OrderedTriple as variables x, \
                 y (z), a DataFrame one variable per column (text as a cell array of strings), a Matrix as \
                 'matrix'; 1-D data as 1 × n rows. Numbers are written as doubles.",
            )
            .input(
                "dc",
                TypeSet::union(&[T::OrderedPair, T::OrderedTriple, T::DataFrame, T::Matrix]),
                "The data to save",
            )
            .output("default", TypeSet::ANY, "Nothing (the file is the result)"),
            "exported.mat",
        )
        .select("format", &["5", "4"], "5", "MATLAB 5 (and up to 7.2), or MATLAB 4")
        .bool("long_field_names", false, "Allow 63-character struct field names (no structs are written here)")
        .bool("do_compression", false, "Compress each variable (MATLAB 5)"),
        run_export,
    )
    .writes_files()
}

fn run_export(ctx: &mut Ctx<'_>) -> NodeResult {
    let row = |v: &[f64]| Var::Num(Matrix { rows: 1, cols: v.len(), data: v.to_vec() });
    // a DataFrame column or an OrderedTriple's axis: a row of numbers, or text
    let cells = |c: &ColumnData| match c {
        ColumnData::Num(v) => row(v),
        ColumnData::Text(t) => Var::Text(t.clone()),
    };
    let vars: Vec<(String, Var)> = match ctx.need("dc")? {
        Value::OrderedPair { x, y } => vec![("x".into(), row(x)), ("y".into(), row(y))],
        Value::OrderedTriple { x, y, z } => {
            vec![("x".into(), cells(x)), ("y".into(), cells(y)), ("z".into(), cells(z))]
        }
        Value::DataFrame { m } => m.columns.iter().map(|c| (c.name.clone(), cells(&c.data))).collect(),
        Value::Matrix { m } => vec![("matrix".into(), Var::Num(m.clone()))],
        other => {
            return Err(NodeError(format!(
                "Invalid DataContainer type: {} cannot be exported as MAT.",
                other.data_type()
            )));
        }
    };
    let bytes = if ctx.text("format") == "4" { mat4(&vars)? } else { mat5(&vars, ctx.bool("do_compression"))? };
    // Flojoy adds .mat to a name without it
    let mut name = export_name(ctx)?;
    if !name.ends_with(".mat") {
        name.push_str(".mat");
    }
    let place = ctx.host().write_file(&name, &bytes).map_err(NodeError)?;
    ctx.log(format!("saved {place}"));
    Ok(Outputs::none())
}

/// An element's tag and data, padded to 8 bytes; data of 4 bytes or less in the small format.
fn element(out: &mut Vec<u8>, ty: u32, data: &[u8]) {
    let n = data.len() as u32;
    if data.len() <= 4 {
        out.extend_from_slice(&(ty | (n << 16)).to_le_bytes());
        out.extend_from_slice(data);
        out.resize(out.len() + 4 - data.len(), 0);
    } else {
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(data);
        out.resize(out.len() + (8 - data.len() % 8) % 8, 0);
    }
}

fn u32s(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// An miMATRIX: flags (class), dimensions, name, then `body`.
fn matrix_element(class: u32, dims: [usize; 2], name: &str, body: &[u8]) -> Vec<u8> {
    let mut inner = Vec::new();
    // flags and dimensions are 8 bytes: never in the small format
    inner.extend_from_slice(&MI_UINT32.to_le_bytes());
    inner.extend_from_slice(&8u32.to_le_bytes());
    inner.extend_from_slice(&u32s(&[class, 0]));
    inner.extend_from_slice(&MI_INT32.to_le_bytes());
    inner.extend_from_slice(&8u32.to_le_bytes());
    inner.extend_from_slice(&u32s(&[dims[0] as u32, dims[1] as u32]));
    element(&mut inner, MI_INT8, name.as_bytes());
    inner.extend_from_slice(body);
    let mut out = Vec::with_capacity(inner.len() + 8);
    out.extend_from_slice(&MI_MATRIX.to_le_bytes());
    out.extend_from_slice(&(inner.len() as u32).to_le_bytes());
    out.extend(inner);
    out
}

fn column_major(m: &Matrix) -> impl Iterator<Item = f64> + '_ {
    (0..m.cols).flat_map(move |c| (0..m.rows).map(move |r| m.data[r * m.cols + c]))
}

fn mat5(vars: &[(String, Var)], compress: bool) -> Result<Vec<u8>, NodeError> {
    let mut out = b"MATLAB 5.0 MAT-file, written by Flojoy Web".to_vec();
    out.resize(116, 0);
    out.extend_from_slice(&[0; 8]); // no subsystem data
    out.extend_from_slice(&[0x00, 0x01, b'I', b'M']); // version 0x0100, little-endian
    for (name, var) in vars {
        let el = match var {
            Var::Num(m) => {
                let mut body = Vec::new();
                let data: Vec<u8> = column_major(m).flat_map(f64::to_le_bytes).collect();
                element(&mut body, MI_DOUBLE, &data);
                matrix_element(MX_DOUBLE, [m.rows, m.cols], name, &body)
            }
            Var::Text(cells) => {
                let mut body = Vec::new();
                for s in cells {
                    let mut chars = Vec::new();
                    element(&mut chars, MI_UTF8, s.as_bytes());
                    let dims = if s.is_empty() { [0, 0] } else { [1, s.chars().count()] };
                    body.extend(matrix_element(MX_CHAR, dims, "", &chars));
                }
                matrix_element(MX_CELL, [1, cells.len()], name, &body)
            }
        };
        if compress {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            z.write_all(&el).map_err(|e| NodeError(format!("cannot compress the MAT file: {e}")))?;
            let z = z.finish().map_err(|e| NodeError(format!("cannot compress the MAT file: {e}")))?;
            out.extend_from_slice(&MI_COMPRESSED.to_le_bytes());
            out.extend_from_slice(&(z.len() as u32).to_le_bytes());
            out.extend(z);
        } else {
            out.extend(el);
        }
    }
    Ok(out)
}

/// MATLAB 4: per variable five int32 (type 0: little-endian full double), the name with a NUL,
/// and the column-major data.
fn mat4(vars: &[(String, Var)]) -> Result<Vec<u8>, NodeError> {
    let mut out = Vec::new();
    for (name, var) in vars {
        let Var::Num(m) = var else {
            return Err(NodeError(format!(
                "column '{name}' holds text, which a MATLAB 4 file cannot hold: choose format 5"
            )));
        };
        out.extend_from_slice(&u32s(&[0, m.rows as u32, m.cols as u32, 0, name.len() as u32 + 1]));
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend(column_major(m).flat_map(f64::to_le_bytes));
    }
    Ok(out)
}

pub(super) fn open_matlab() -> NodeDef {
    NodeDef::asynchronous(
        NodeSpec::new(
            "OPEN_MATLAB",
            "ETL/LOAD/LOCAL_FILE_SYSTEM",
            "Read a MATLAB 5 (.mat) file and put its first two variables side by side in a DataFrame \
             (numpy's hstack: they need the same number of rows; columns named 0, 1, …). Numeric arrays of \
             any class are read as numbers.",
        )
        .output("default", TypeSet::of(T::DataFrame), "The two variables' columns")
        .param(
            "file_path",
            ParamKind::File { accept: vec![".mat".into()] },
            Json::Null,
            "The .mat file: a path (relative to the flow) or a picked file",
        ),
        run_open,
    )
}

fn run_open(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let path = ctx.text("file_path").to_owned();
        if path.is_empty() {
            return Err(NodeError::new(
                "parameter 'file_path' is empty: pick a .mat file (Flojoy then opens the block's example file \
                 assets/default.mat, which is not bundled)",
            ));
        }
        if !path.ends_with(".mat") {
            let ext: String = path.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
            return Err(NodeError(format!("File type {ext} unsupported.")));
        }
        let bytes = ctx.host.read_file(&path).await.map_err(NodeError)?;
        let vars = read_mat5(&bytes).map_err(|e| NodeError(format!("{path}: {e}")))?;
        let [(_, x), (_, y), ..] = vars.as_slice() else {
            return Err(NodeError(format!(
                "{path}: OPEN_MATLAB joins the file's first two variables, and it has {}",
                vars.len()
            )));
        };
        if x.rows != y.rows {
            return Err(NodeError(format!(
                "{path}: all the input array dimensions except for the concatenation axis must match exactly, but \
                 along dimension 0, the array at index 0 has size {} and the array at index 1 has size {}",
                x.rows, y.rows
            )));
        }
        let columns = (0..x.cols + y.cols)
            .map(|c| {
                let (m, c2) = if c < x.cols { (x, c) } else { (y, c - x.cols) };
                let v = (0..m.rows).map(|r| m.data[r * m.cols + c2]).collect();
                Column { name: c.to_string(), data: ColumnData::Num(v) }
            })
            .collect();
        Ok(Outputs::one(Value::DataFrame { m: DataFrame::new(columns) }))
    })
}

/// The variables of a MATLAB 5 file, in file order: numeric arrays as matrices of numbers.
fn read_mat5(bytes: &[u8]) -> Result<Vec<(String, Matrix)>, String> {
    if bytes.len() < 128 {
        return Err("not a MAT file (shorter than its 128-byte header)".into());
    }
    match &bytes[126..128] {
        b"IM" => {}
        b"MI" => return Err("a big-endian MAT file, which OPEN_MATLAB does not read".into()),
        _ => return Err("not a MATLAB 5 MAT file (MATLAB 4 and 7.3/HDF5 files are not read here)".into()),
    }
    let mut vars = Vec::new();
    elements(&bytes[128..], &mut vars)?;
    Ok(vars)
}

/// The tag at `at`: (type, data start, data length, next element).
fn tag(b: &[u8], at: usize) -> Result<(u32, usize, usize, usize), String> {
    let word = |i: usize| -> Result<u32, String> {
        b.get(i..i + 4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .ok_or_else(|| "the file ends inside an element".to_owned())
    };
    let first = word(at)?;
    if first >> 16 != 0 {
        // small data element: type and length in one word, data in the next 4 bytes
        let n = (first >> 16) as usize;
        if n > 4 {
            return Err("a damaged small data element".into());
        }
        word(at + 4)?;
        return Ok((first & 0xFFFF, at + 4, n, at + 8));
    }
    let n = word(at + 4)? as usize;
    let start = at + 8;
    let end = start.checked_add(n).filter(|e| *e <= b.len()).ok_or("the file ends inside an element")?;
    // compressed elements are not padded; all others are, to 8 bytes
    let next = if first == MI_COMPRESSED { end } else { end + (8 - n % 8) % 8 };
    Ok((first, start, n, next))
}

fn elements(b: &[u8], vars: &mut Vec<(String, Matrix)>) -> Result<(), String> {
    let mut at = 0;
    while at + 8 <= b.len() {
        let (ty, start, n, next) = tag(b, at)?;
        let data = &b[start..start + n];
        match ty {
            MI_COMPRESSED => {
                let mut inner = Vec::new();
                flate2::read::ZlibDecoder::new(data)
                    .read_to_end(&mut inner)
                    .map_err(|e| format!("a compressed variable cannot be read: {e}"))?;
                elements(&inner, vars)?;
            }
            MI_MATRIX => {
                if let Some(v) = matrix(data)? {
                    vars.push(v);
                }
            }
            _ => {}
        }
        at = next;
    }
    Ok(())
}

/// A numeric miMATRIX as (name, matrix); `None` for an empty one.
fn matrix(b: &[u8]) -> Result<Option<(String, Matrix)>, String> {
    if b.is_empty() {
        return Ok(None);
    }
    let (_, fs, _, next) = tag(b, 0)?;
    let flags =
        u32::from_le_bytes(b.get(fs..fs + 4).ok_or("a damaged array")?.try_into().map_err(|_| "a damaged array")?);
    let (class, complex) = (flags & 0xFF, flags & 0x800 != 0);
    let (_, ds, dn, next) = {
        let t = tag(b, next)?;
        (t.0, t.1, t.2, t.3)
    };
    let dims: Vec<usize> =
        b[ds..ds + dn].chunks_exact(4).map(|w| i32::from_le_bytes([w[0], w[1], w[2], w[3]]).max(0) as usize).collect();
    let (_, ns, nn, next) = tag(b, next)?;
    let name = String::from_utf8_lossy(&b[ns..ns + nn]).into_owned();
    let kind = match class {
        1 => Some("a cell array"),
        2 => Some("a struct"),
        3 => Some("an object"),
        4 => Some("text (a char array)"),
        5 => Some("a sparse array"),
        6..=15 => None,
        _ => Some("of an unknown class"),
    };
    if let Some(kind) = kind {
        return Err(format!("variable '{name}' is {kind}; OPEN_MATLAB reads numeric arrays"));
    }
    if complex {
        return Err(format!("variable '{name}' is complex; OPEN_MATLAB reads real arrays"));
    }
    if dims.len() != 2 {
        return Err(format!("variable '{name}' has {} dimensions; OPEN_MATLAB reads 2-D arrays", dims.len()));
    }
    let (ty, rs, rn, _) = tag(b, next)?;
    let raw = &b[rs..rs + rn];
    let values: Vec<f64> = match ty {
        1 => raw.iter().map(|v| f64::from(*v as i8)).collect(),
        2 => raw.iter().map(|v| f64::from(*v)).collect(),
        3 => raw.chunks_exact(2).map(|w| f64::from(i16::from_le_bytes([w[0], w[1]]))).collect(),
        4 => raw.chunks_exact(2).map(|w| f64::from(u16::from_le_bytes([w[0], w[1]]))).collect(),
        5 => raw.chunks_exact(4).map(|w| f64::from(i32::from_le_bytes([w[0], w[1], w[2], w[3]]))).collect(),
        6 => raw.chunks_exact(4).map(|w| f64::from(u32::from_le_bytes([w[0], w[1], w[2], w[3]]))).collect(),
        7 => raw.chunks_exact(4).map(|w| f64::from(f32::from_le_bytes([w[0], w[1], w[2], w[3]]))).collect(),
        9 => raw.chunks_exact(8).map(|w| f64::from_le_bytes(w.try_into().unwrap_or([0; 8]))).collect(),
        12 => raw.chunks_exact(8).map(|w| i64::from_le_bytes(w.try_into().unwrap_or([0; 8])) as f64).collect(),
        13 => raw.chunks_exact(8).map(|w| u64::from_le_bytes(w.try_into().unwrap_or([0; 8])) as f64).collect(),
        other => return Err(format!("variable '{name}' holds data of MAT type {other}, which is not a number type")),
    };
    let (rows, cols) = (dims[0], dims[1]);
    if values.len() != rows * cols {
        return Err(format!("variable '{name}' holds {} values for {rows} × {cols}", values.len()));
    }
    // column-major in the file
    let mut data = vec![0.0; rows * cols];
    for c in 0..cols {
        for r in 0..rows {
            data[r * cols + c] = values[c * rows + r];
        }
    }
    Ok(Some((name, Matrix { rows, cols, data })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let m = Matrix { rows: 2, cols: 3, data: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.5] };
        let v = Matrix { rows: 2, cols: 1, data: vec![-1.0, 7.0] };
        for compress in [false, true] {
            let bytes =
                mat5(&[("alpha".into(), Var::Num(m.clone())), ("b".into(), Var::Num(v.clone()))], compress).unwrap();
            let back = read_mat5(&bytes).unwrap();
            assert_eq!(back, vec![("alpha".to_owned(), m.clone()), ("b".to_owned(), v.clone())]);
        }
        let text = mat5(&[("t".into(), Var::Text(vec!["a".into()]))], false).unwrap();
        assert!(read_mat5(&text).unwrap_err().contains("variable 't' is a cell array"));
        assert!(read_mat5(b"short").is_err());
        let mut cut = mat5(&[("a".into(), Var::Num(m))], false).unwrap();
        cut.truncate(cut.len() - 9);
        assert!(read_mat5(&cut).unwrap_err().contains("ends inside"));
    }
}
