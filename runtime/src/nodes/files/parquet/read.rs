//! Reading a Parquet file into a DataFrame, as `pandas.read_parquet` (pyarrow) gives it, for flat
//! tables: required and optional columns of booleans, integers, floats, strings, decimals,
//! dates and timestamps; PLAIN and dictionary encodings; data pages v1 and v2; uncompressed,
//! Snappy and gzip pages. Nested columns and other codecs are refused by name.

use super::snappy;
use super::thrift::{Reader, TValue};
use crate::numeric::MAX_COUNT;
use crate::value::{Column, ColumnData, DataFrame};

/// What a leaf column is read as.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Bool,
    Int32,
    Int64,
    Int96,
    Float,
    Double,
    Bytes,
    Fixed(usize),
}

/// How its values become cells.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Logical {
    Number,
    Text,
    Decimal(i32),
    Date,
    /// nanoseconds per unit, and whether the time is UTC
    Timestamp(i64, bool),
    Raw,
}

struct Leaf {
    name: String,
    kind: Kind,
    logical: Logical,
    optional: bool,
}

/// One decoded value (a null is `None` beside it).
#[derive(Clone, Debug)]
enum Cell {
    Bool(bool),
    Int(i64),
    Float(f64),
    Bytes(Vec<u8>),
}

pub fn read(bytes: &[u8]) -> Result<DataFrame, String> {
    let n = bytes.len();
    if n < 12 || &bytes[..4] != b"PAR1" || &bytes[n - 4..] != b"PAR1" {
        return Err("this is not a Parquet file (it does not start and end with PAR1)".into());
    }
    let meta_len = u32::from_le_bytes([bytes[n - 8], bytes[n - 7], bytes[n - 6], bytes[n - 5]]) as usize;
    let meta_start = (n - 8).checked_sub(meta_len).filter(|&s| s >= 4).ok_or("the Parquet footer is damaged")?;
    let meta = Reader::new(&bytes[meta_start..n - 8]).read_struct()?;
    let leaves = schema(&meta)?;
    let mut cells: Vec<Vec<Option<Cell>>> = leaves.iter().map(|_| Vec::new()).collect();
    let mut budget = Budget { cells: 0, text_bytes: 0, pages: 0, max_pages: bytes.len() / 4 + 16 };
    for group in meta.list(4) {
        let chunks = group.list(1);
        if chunks.len() != leaves.len() {
            return Err("a row group does not hold every column".into());
        }
        for ((chunk, leaf), out) in chunks.iter().zip(&leaves).zip(cells.iter_mut()) {
            read_chunk(bytes, chunk, leaf, out, &mut budget)?;
        }
    }
    let rows = cells.first().map_or(0, Vec::len);
    if cells.iter().any(|c| c.len() != rows) {
        return Err("the columns have different lengths".into());
    }
    let hidden = index_columns(&meta);
    let columns = leaves
        .iter()
        .zip(cells)
        .filter(|(leaf, _)| !hidden.contains(&leaf.name))
        .map(|(leaf, cells)| column(leaf, cells))
        .collect();
    Ok(DataFrame::new(columns))
}

/// The flat schema's leaves (the first element is the root).
fn schema(meta: &TValue) -> Result<Vec<Leaf>, String> {
    let elements = meta.list(2);
    let root = elements.first().ok_or("the Parquet file has no schema")?;
    let nested = |e: &TValue| e.int(5).is_some_and(|c| c > 0) || e.int(3) == Some(2);
    if let Some(e) = elements[1..].iter().find(|e| nested(e)) {
        return Err(format!(
            "column '{}' is nested (a struct, list or map); OPEN_PARQUET reads flat tables",
            e.text(4).unwrap_or_default()
        ));
    }
    if usize::try_from(root.int(5).unwrap_or(0)).ok().and_then(|n| n.checked_add(1)) != Some(elements.len()) {
        return Err("the Parquet file's schema is damaged".into());
    }
    elements[1..]
        .iter()
        .map(|e| {
            let name = e.text(4).unwrap_or_default();
            let kind = match e.int(1) {
                Some(0) => Kind::Bool,
                Some(1) => Kind::Int32,
                Some(2) => Kind::Int64,
                Some(3) => Kind::Int96,
                Some(4) => Kind::Float,
                Some(5) => Kind::Double,
                Some(6) => Kind::Bytes,
                Some(7) => Kind::Fixed(e.int(2).unwrap_or(0).max(0) as usize),
                other => return Err(format!("column '{name}' has an unknown physical type {other:?}")),
            };
            Ok(Leaf { logical: logical(e, kind), name, kind, optional: e.int(3) == Some(1) })
        })
        .collect()
}

/// The column's logical type (`logicalType`, else the older `converted_type`).
fn logical(e: &TValue, kind: Kind) -> Logical {
    let scale = e.int(7).unwrap_or(0) as i32;
    if let Some(l) = e.field(10) {
        if l.field(1).is_some() || l.field(4).is_some() || l.field(12).is_some() {
            return Logical::Text;
        }
        if let Some(d) = l.field(5) {
            return Logical::Decimal(d.int(1).map_or(scale, |s| s as i32));
        }
        if l.field(6).is_some() {
            return Logical::Date;
        }
        if let Some(t) = l.field(8) {
            let unit = t.field(2);
            let per = if unit.and_then(|u| u.field(1)).is_some() {
                1_000_000
            } else if unit.and_then(|u| u.field(2)).is_some() {
                1_000
            } else {
                1
            };
            return Logical::Timestamp(per, t.bool(1).unwrap_or(false));
        }
    }
    match (e.int(6), kind) {
        (Some(0 | 4 | 19), _) => Logical::Text,
        (Some(5), _) => Logical::Decimal(scale),
        (Some(6), _) => Logical::Date,
        (Some(9), _) => Logical::Timestamp(1_000_000, true),
        (Some(10), _) => Logical::Timestamp(1_000, true),
        (_, Kind::Int96) => Logical::Timestamp(1, false),
        (_, Kind::Bytes | Kind::Fixed(_)) => Logical::Raw,
        _ => Logical::Number,
    }
}

/// pandas' index columns (its metadata names them), which read_parquet makes the index.
fn index_columns(meta: &TValue) -> Vec<String> {
    let Some(kv) = meta.list(5).iter().find(|kv| kv.text(1).as_deref() == Some("pandas")) else { return Vec::new() };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&kv.text(2).unwrap_or_default()) else {
        return Vec::new();
    };
    json["index_columns"]
        .as_array()
        .map_or_else(Vec::new, |a| a.iter().filter_map(|c| c.as_str().map(String::from)).collect())
}

/// What one file may decode to, whatever its pages claim (a tiny file can repeat a long
/// dictionary string millions of times).
struct Budget {
    cells: usize,
    text_bytes: usize,
    /// Page headers read so far: distinct pages take at least 4 bytes each, so more than the
    /// file's length allows means chunks that overlap (read again and again: quadratic time).
    pages: usize,
    max_pages: usize,
}

const MAX_CELLS: usize = 50_000_000;
const MAX_TEXT_BYTES: usize = 256 << 20;

impl Budget {
    fn page(&mut self) -> Result<(), String> {
        self.pages += 1;
        if self.pages > self.max_pages {
            return Err("the file's column chunks overlap (it is damaged)".into());
        }
        Ok(())
    }

    fn take(&mut self, cells: &[Option<Cell>]) -> Result<(), String> {
        self.cells += cells.len();
        self.text_bytes += cells.iter().map(|c| if let Some(Cell::Bytes(b)) = c { b.len() } else { 0 }).sum::<usize>();
        if self.cells > MAX_CELLS || self.text_bytes > MAX_TEXT_BYTES {
            return Err(format!(
                "the table is larger than OPEN_PARQUET reads in a page ({} million cells or {} MB of text at most)",
                MAX_CELLS / 1_000_000,
                MAX_TEXT_BYTES >> 20
            ));
        }
        Ok(())
    }
}

fn read_chunk(
    bytes: &[u8],
    chunk: &TValue,
    leaf: &Leaf,
    out: &mut Vec<Option<Cell>>,
    budget: &mut Budget,
) -> Result<(), String> {
    let meta = chunk.field(3).ok_or_else(|| format!("column '{}' has no metadata", leaf.name))?;
    let codec = meta.int(4).unwrap_or(0);
    let total = meta.int(5).unwrap_or(0).max(0) as usize;
    if out.len().saturating_add(total) > MAX_COUNT {
        return Err(format!("column '{}' has more than {MAX_COUNT} values", leaf.name));
    }
    let start = [meta.int(11), meta.int(9)].into_iter().flatten().filter(|&o| o > 0).min().unwrap_or(0) as usize;
    // the chunk's pages lie within its compressed size: a page header elsewhere is not its own
    let end = usize::try_from(meta.int(7).unwrap_or(-1))
        .ok()
        .and_then(|len| start.checked_add(len))
        .filter(|&e| e <= bytes.len())
        .unwrap_or(bytes.len());
    let mut pos = start;
    let mut dictionary: Vec<Cell> = Vec::new();
    let mut read = 0;
    while read < total {
        let mut r = Reader::new(bytes.get(pos..end).ok_or("a page lies outside its column chunk")?);
        let header = r.read_struct()?;
        budget.page()?;
        pos += r.pos;
        let size = header.int(3).unwrap_or(-1);
        let page_end = usize::try_from(size).ok().and_then(|s| pos.checked_add(s)).filter(|&e| e <= end);
        let body = &bytes[pos..page_end.ok_or("a page lies outside its column chunk")?];
        pos += body.len();
        let expect = header.int(2).unwrap_or(0).max(0) as usize;
        match header.int(1) {
            Some(2) => {
                let page = decompress(codec, body, expect)?;
                let n = header.field(7).and_then(|d| d.int(1)).unwrap_or(0).max(0) as usize;
                dictionary = plain(&page, leaf.kind, n)?.0;
            }
            Some(0) => {
                let d = header.field(5).ok_or("a data page has no header")?;
                let n = page_values(d, total - read)?;
                let page = decompress(codec, body, expect)?;
                let (defined, rest) = if leaf.optional {
                    let len = page.get(..4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
                    let levels =
                        len.and_then(|l| page.get(4..4usize.saturating_add(l))).ok_or("a data page is damaged")?;
                    (rle_hybrid(levels, 1, n)?, &page[4 + levels.len()..])
                } else {
                    (vec![1; n], &page[..])
                };
                let before = out.len();
                values(rest, d.int(2).unwrap_or(0), leaf, &dictionary, &defined, out)?;
                budget.take(&out[before..])?;
                read += n;
            }
            Some(3) => {
                let d = header.field(8).ok_or("a data page has no header")?;
                let n = page_values(d, total - read)?;
                let (def_len, rep_len) = (d.int(5).unwrap_or(0).max(0) as usize, d.int(6).unwrap_or(0).max(0) as usize);
                let levels = body.get(rep_len..rep_len.saturating_add(def_len)).ok_or("a data page is damaged")?;
                let rest = &body[rep_len + levels.len()..];
                let rest = if d.bool(7).unwrap_or(true) {
                    decompress(codec, rest, expect.saturating_sub(rep_len + def_len))?
                } else {
                    rest.to_vec()
                };
                let defined = if leaf.optional { rle_hybrid(levels, 1, n)? } else { vec![1; n] };
                let before = out.len();
                values(&rest, d.int(4).unwrap_or(0), leaf, &dictionary, &defined, out)?;
                budget.take(&out[before..])?;
                read += n;
            }
            // index pages and anything newer: skipped
            _ => {}
        }
        if pos >= end {
            break;
        }
    }
    Ok(())
}

/// A data page's value count, which cannot exceed what its column has left.
fn page_values(header: &TValue, left: usize) -> Result<usize, String> {
    usize::try_from(header.int(1).unwrap_or(0))
        .ok()
        .filter(|&n| n <= left)
        .ok_or_else(|| "a data page claims more values than its column has".into())
}

fn decompress(codec: i64, body: &[u8], expect: usize) -> Result<Vec<u8>, String> {
    match codec {
        0 => Ok(body.to_vec()),
        1 => snappy::decompress(body),
        2 => {
            use std::io::Read;
            let mut out = Vec::with_capacity(expect.min(body.len().saturating_mul(8)).min(1 << 30));
            flate2::read::MultiGzDecoder::new(body)
                .take(1 << 30)
                .read_to_end(&mut out)
                .map_err(|e| format!("a gzip page is damaged: {e}"))?;
            Ok(out)
        }
        other => {
            let name = ["UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"]
                .get(other as usize)
                .copied()
                .unwrap_or("an unknown codec");
            Err(format!(
                "the file is compressed with {name}; OPEN_PARQUET reads Snappy, gzip or uncompressed files \
                 (pandas: df.to_parquet(path, compression='snappy'))"
            ))
        }
    }
}

/// The page's values, placed where the definition levels say a value is defined.
fn values(
    data: &[u8],
    encoding: i64,
    leaf: &Leaf,
    dictionary: &[Cell],
    defined: &[u32],
    out: &mut Vec<Option<Cell>>,
) -> Result<(), String> {
    let count = defined.iter().filter(|&&d| d > 0).count();
    let vals = match encoding {
        0 => plain(data, leaf.kind, count)?.0,
        // booleans as a length-prefixed run of 1-bit values
        3 if leaf.kind == Kind::Bool => {
            let len = data.get(..4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            let runs = len.and_then(|l| data.get(4..4usize.saturating_add(l))).ok_or("a data page is damaged")?;
            rle_hybrid(runs, 1, count)?.into_iter().map(|b| Cell::Bool(b == 1)).collect()
        }
        2 | 8 => {
            let width = *data.first().ok_or("a dictionary page is damaged")?;
            rle_hybrid(&data[1..], width, count)?
                .into_iter()
                .map(|i| dictionary.get(i as usize).cloned().ok_or("a dictionary index is out of range"))
                .collect::<Result<_, _>>()?
        }
        other => {
            return Err(format!(
                "column '{}' uses Parquet encoding {other}, which OPEN_PARQUET does not read (PLAIN and dictionary)",
                leaf.name
            ));
        }
    };
    let mut it = vals.into_iter();
    for &d in defined {
        out.push(if d > 0 { Some(it.next().ok_or("a data page has too few values")?) } else { None });
    }
    Ok(())
}

/// `n` PLAIN-encoded values, and the bytes they took.
fn plain(data: &[u8], kind: Kind, n: usize) -> Result<(Vec<Cell>, usize), String> {
    let short = || "a data page has too few values".to_owned();
    let fixed = |w: usize| -> Result<Vec<&[u8]>, String> {
        let need = n.checked_mul(w).filter(|&b| b <= data.len()).ok_or_else(short)?;
        Ok(data[..need].chunks_exact(w.max(1)).take(n).collect())
    };
    let cells = match kind {
        Kind::Bool => {
            if n.div_ceil(8) > data.len() {
                return Err(short());
            }
            (0..n).map(|i| Cell::Bool(data[i / 8] >> (i % 8) & 1 == 1)).collect()
        }
        Kind::Int32 => {
            fixed(4)?.iter().map(|b| Cell::Int(i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))).collect()
        }
        Kind::Int64 => {
            fixed(8)?.iter().map(|b| Cell::Int(i64::from_le_bytes(b[..8].try_into().unwrap_or([0; 8])))).collect()
        }
        Kind::Float => {
            fixed(4)?.iter().map(|b| Cell::Float(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))).collect()
        }
        Kind::Double => {
            fixed(8)?.iter().map(|b| Cell::Float(f64::from_le_bytes(b[..8].try_into().unwrap_or([0; 8])))).collect()
        }
        Kind::Int96 => fixed(12)?
            .iter()
            .map(|b| {
                // nanoseconds of the day, then the Julian day
                let nanos = i64::from_le_bytes(b[..8].try_into().unwrap_or([0; 8]));
                let day = i64::from(u32::from_le_bytes([b[8], b[9], b[10], b[11]]));
                Cell::Int((day - 2_440_588).saturating_mul(86_400_000_000_000).saturating_add(nanos))
            })
            .collect(),
        Kind::Fixed(w) => fixed(w)?.iter().map(|b| Cell::Bytes(b.to_vec())).collect(),
        Kind::Bytes => {
            let mut cells = Vec::with_capacity(n.min(data.len() / 4));
            let mut pos = 0;
            for _ in 0..n {
                let len = data
                    .get(pos..pos + 4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                    .ok_or_else(short)?;
                let v = data.get(pos + 4..(pos + 4).saturating_add(len)).ok_or_else(short)?;
                cells.push(Cell::Bytes(v.to_vec()));
                pos += 4 + v.len();
            }
            return Ok((cells, pos));
        }
    };
    Ok((cells, 0))
}

/// Parquet's RLE / bit-packed hybrid: `count` values of `width` bits.
fn rle_hybrid(data: &[u8], width: u8, count: usize) -> Result<Vec<u32>, String> {
    let bad = || "a page's levels or indices are damaged".to_owned();
    if width > 32 {
        return Err(bad());
    }
    let width = usize::from(width);
    let mut out = Vec::with_capacity(count.min(data.len() * 8 + 8));
    let mut pos = 0;
    while out.len() < count {
        let (header, next) = super::varint(data, pos).ok_or_else(bad)?;
        pos = next;
        if header & 1 == 1 {
            let n = (header >> 1).saturating_mul(8);
            let end = (header >> 1).checked_mul(width).and_then(|b| b.checked_add(pos)).ok_or_else(bad)?;
            let bytes = data.get(pos..end).ok_or_else(bad)?;
            pos += bytes.len();
            for i in 0..n.min(count - out.len()) {
                let mut v = 0u32;
                for bit in 0..width {
                    let at = i * width + bit;
                    v |= u32::from(bytes[at / 8] >> (at % 8) & 1) << bit;
                }
                out.push(v);
            }
        } else {
            let run = header >> 1;
            let w = width.div_ceil(8);
            let b = data.get(pos..pos + w).ok_or_else(bad)?;
            pos += w;
            let v = b.iter().rev().fold(0u32, |acc, &x| (acc << 8) | u32::from(x));
            let take = run.min(count - out.len());
            if take == 0 {
                return Err(bad());
            }
            out.extend(std::iter::repeat_n(v, take));
        }
    }
    Ok(out)
}

/// The DataFrame column pandas would show: numbers (nulls NaN), text (nulls empty), booleans
/// as True/False, dates and timestamps as pandas prints them.
fn column(leaf: &Leaf, cells: Vec<Option<Cell>>) -> Column {
    let number = |c: &Option<Cell>| match c {
        Some(Cell::Int(v)) => *v as f64,
        Some(Cell::Float(v)) => *v,
        Some(Cell::Bool(b)) => f64::from(u8::from(*b)),
        _ => f64::NAN,
    };
    let data = match leaf.logical {
        Logical::Text | Logical::Raw => ColumnData::Text(
            cells
                .iter()
                .map(|c| match c {
                    Some(Cell::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
                    _ => String::new(),
                })
                .collect(),
        ),
        Logical::Decimal(scale) => ColumnData::Num(
            cells
                .iter()
                .map(|c| match c {
                    Some(Cell::Bytes(b)) => big_endian(b) / 10f64.powi(scale),
                    other => number(other) / 10f64.powi(scale),
                })
                .collect(),
        ),
        Logical::Date => ColumnData::Text(
            cells
                .iter()
                .map(|c| match c {
                    Some(Cell::Int(days)) => date(*days),
                    _ => String::new(),
                })
                .collect(),
        ),
        Logical::Timestamp(per, utc) => ColumnData::Text(
            cells
                .iter()
                .map(|c| match c {
                    Some(Cell::Int(v)) => timestamp(v.saturating_mul(per), utc),
                    _ => "NaT".into(),
                })
                .collect(),
        ),
        Logical::Number if leaf.kind == Kind::Bool => ColumnData::Text(
            cells
                .iter()
                .map(|c| match c {
                    Some(Cell::Bool(true)) => "True".into(),
                    Some(Cell::Bool(false)) => "False".into(),
                    _ => String::new(),
                })
                .collect(),
        ),
        Logical::Number => ColumnData::Num(cells.iter().map(number).collect()),
    };
    Column { name: leaf.name.clone(), data }
}

/// A big-endian two's complement integer (a decimal's unscaled value).
fn big_endian(b: &[u8]) -> f64 {
    let v = b.iter().fold(0.0, |v, &x| v * 256.0 + f64::from(x));
    if b.first().is_some_and(|&x| x & 0x80 != 0) { v - 256f64.powi(b.len() as i32) } else { v }
}

/// Days since 1970-01-01 as YYYY-MM-DD (the proleptic Gregorian calendar); beyond ±100
/// million days (a damaged file), "NaT".
fn date(days: i64) -> String {
    if days.unsigned_abs() > 100_000_000 {
        return "NaT".into();
    }
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days → (year, month, day).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Nanoseconds since the epoch as pandas prints a Timestamp: the fraction only when there is
/// one (6 digits, or 9 when nanoseconds are set), `+00:00` for a UTC time.
fn timestamp(ns: i64, utc: bool) -> String {
    let (secs, frac) = (ns.div_euclid(1_000_000_000), ns.rem_euclid(1_000_000_000));
    let (days, s) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let mut text = format!("{} {:02}:{:02}:{:02}", date(days), s / 3600, s / 60 % 60, s % 60);
    if frac % 1000 != 0 {
        text += &format!(".{frac:09}");
    } else if frac != 0 {
        text += &format!(".{:06}", frac / 1000);
    }
    if utc {
        text += "+00:00";
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rle_runs_and_bit_packed_groups() {
        // a run of 5 × 3 (width 2), then one bit-packed group of 8 values 0..7 (width 3)
        assert_eq!(rle_hybrid(&[0x0a, 0x03], 2, 5).unwrap(), [3; 5]);
        assert_eq!(rle_hybrid(&[0x03, 0b1000_1000, 0b1100_0110, 0b1111_1010], 3, 8).unwrap(), [0, 1, 2, 3, 4, 5, 6, 7]);
        assert!(rle_hybrid(&[0x0a], 2, 5).is_err());
        assert!(rle_hybrid(&[0x00, 0x01], 1, 3).is_err(), "an empty run cannot end");
    }

    #[test]
    fn dates_and_timestamps_print_as_pandas_prints_them() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(19_723), "2024-01-01");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(timestamp(1_704_164_645_000_000_000, false), "2024-01-02 03:04:05");
        assert_eq!(timestamp(1_704_164_645_123_000_000, true), "2024-01-02 03:04:05.123000+00:00");
        assert_eq!(timestamp(1_704_164_645_000_000_001, false), "2024-01-02 03:04:05.000000001");
    }

    #[test]
    fn damaged_files_give_errors_never_panics() {
        let good: &[u8] = include_bytes!("../../../../tests/data/table.parquet");
        assert!(read(good).is_ok());
        // every cut, and bytes changed all over (a fixed xorshift sequence)
        for n in 0..good.len() {
            let _ = read(&good[..n]);
        }
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let mut bad = good.to_vec();
            for _ in 0..1 + next() % 4 {
                let i = (next() % bad.len() as u64) as usize;
                bad[i] = next() as u8;
            }
            let _ = read(&bad);
        }
    }

    #[test]
    fn crafted_files_give_errors_quickly() {
        // found by review: a root claiming -1 columns, an INT96 past year 2262 (no overflow),
        // and row groups whose chunks all point at one long run of pages (was quadratic)
        let negative: &[u8] = include_bytes!("../../../../tests/data/fuzz_negative_root.parquet");
        assert!(read(negative).is_err());
        let far: &[u8] = include_bytes!("../../../../tests/data/fuzz_int96_far_future.parquet");
        let _ = read(far);
        let overlapping: &[u8] = include_bytes!("../../../../tests/data/fuzz_overlapping_chunks.parquet");
        assert_eq!(read(overlapping).err().as_deref(), Some("the file's column chunks overlap (it is damaged)"));
    }

    #[test]
    fn decimals_read_their_unscaled_big_endian_value() {
        assert_eq!(big_endian(&[0x01, 0x00]), 256.0);
        assert_eq!(big_endian(&[0xff, 0xfe]), -2.0);
    }
}
