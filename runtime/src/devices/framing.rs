//! Turning a device's byte stream into rows of numbers: lines of CSV numbers, JSON lines, raw
//! samples, length-prefixed or COBS binary frames. Bad frames are counted and skipped.
//!
//! The CSV path is the hot one (an Arduino printing `12345,0.123456\r\n` as fast as the port
//! goes): lines are cut with `memchr`, numbers are parsed from the bytes in place (no `String`
//! per line) with an exact fast path for the usual short decimals, and rows go out through a
//! reused buffer.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// How a stream's bytes are cut into frames (one frame = one row of samples).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Framing {
    /// Text lines of numbers separated by commas, semicolons, tabs or spaces (Arduino's
    /// `Serial.println(a + "," + b)`).
    CsvLines,
    /// One JSON value per line: a number, an array of numbers, or an object of numbers
    /// (its keys name the columns).
    JsonLines,
    /// No frames: the bytes are back-to-back samples of [`SampleFormat`], one column.
    Raw,
    /// Binary frames `[length: u8][payload: length bytes]`, the payload samples of
    /// [`SampleFormat`].
    LengthPrefixed,
    /// Consistent Overhead Byte Stuffing frames ended by a zero byte, the decoded payload
    /// samples of [`SampleFormat`].
    Cobs,
}

impl Framing {
    /// The names shown in a node's `framing` parameter, in the order of [`Framing::ALL`].
    pub const NAMES: [&'static str; 5] = ["csv lines", "json lines", "raw bytes", "length-prefixed", "COBS"];
    pub const ALL: [Framing; 5] =
        [Framing::CsvLines, Framing::JsonLines, Framing::Raw, Framing::LengthPrefixed, Framing::Cobs];

    pub fn name(self) -> &'static str {
        match self {
            Framing::CsvLines => Self::NAMES[0],
            Framing::JsonLines => Self::NAMES[1],
            Framing::Raw => Self::NAMES[2],
            Framing::LengthPrefixed => Self::NAMES[3],
            Framing::Cobs => Self::NAMES[4],
        }
    }

    pub fn from_name(name: &str) -> Option<Framing> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Frames whose payload is binary samples (they use a [`SampleFormat`]).
    pub fn is_binary(self) -> bool {
        matches!(self, Framing::Raw | Framing::LengthPrefixed | Framing::Cobs)
    }
}

/// How binary payloads hold numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleFormat {
    U8,
    I8,
    U16Le,
    I16Le,
    U32Le,
    I32Le,
    F32Le,
    F64Le,
}

impl SampleFormat {
    /// The names shown in a node's `sample_format` parameter, in the order of [`SampleFormat::ALL`].
    pub const NAMES: [&'static str; 8] =
        ["uint8", "int8", "uint16 LE", "int16 LE", "uint32 LE", "int32 LE", "float32 LE", "float64 LE"];
    pub const ALL: [SampleFormat; 8] = [
        SampleFormat::U8,
        SampleFormat::I8,
        SampleFormat::U16Le,
        SampleFormat::I16Le,
        SampleFormat::U32Le,
        SampleFormat::I32Le,
        SampleFormat::F32Le,
        SampleFormat::F64Le,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SampleFormat::U8 => Self::NAMES[0],
            SampleFormat::I8 => Self::NAMES[1],
            SampleFormat::U16Le => Self::NAMES[2],
            SampleFormat::I16Le => Self::NAMES[3],
            SampleFormat::U32Le => Self::NAMES[4],
            SampleFormat::I32Le => Self::NAMES[5],
            SampleFormat::F32Le => Self::NAMES[6],
            SampleFormat::F64Le => Self::NAMES[7],
        }
    }

    pub fn from_name(name: &str) -> Option<SampleFormat> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Bytes per sample.
    pub fn size(self) -> usize {
        match self {
            SampleFormat::U8 | SampleFormat::I8 => 1,
            SampleFormat::U16Le | SampleFormat::I16Le => 2,
            SampleFormat::U32Le | SampleFormat::I32Le | SampleFormat::F32Le => 4,
            SampleFormat::F64Le => 8,
        }
    }

    /// The sample at the start of `b` (which holds at least [`SampleFormat::size`] bytes).
    fn read(self, b: &[u8]) -> f64 {
        let a2 = |b: &[u8]| [b[0], b[1]];
        let a4 = |b: &[u8]| [b[0], b[1], b[2], b[3]];
        match self {
            SampleFormat::U8 => f64::from(b[0]),
            SampleFormat::I8 => f64::from(b[0] as i8),
            SampleFormat::U16Le => f64::from(u16::from_le_bytes(a2(b))),
            SampleFormat::I16Le => f64::from(i16::from_le_bytes(a2(b))),
            SampleFormat::U32Le => f64::from(u32::from_le_bytes(a4(b))),
            SampleFormat::I32Le => f64::from(i32::from_le_bytes(a4(b))),
            SampleFormat::F32Le => f64::from(f32::from_le_bytes(a4(b))),
            SampleFormat::F64Le => f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        }
    }
}

/// The longest text line or COBS frame kept while waiting for its end; a longer one is
/// dropped (counted once as malformed) and reading resumes after its end.
pub const MAX_FRAME: usize = 64 * 1024;

/// Cuts bytes into rows; keeps the partial frame between pushes.
pub struct Decoder {
    framing: Framing,
    format: SampleFormat,
    pending: Vec<u8>,
    malformed: u64,
    columns: Option<Vec<String>>,
    /// Dropping an over-long line or frame until its end.
    skipping: bool,
    /// The row being built (reused).
    row: Vec<f64>,
    /// COBS decoding buffer (reused).
    scratch: Vec<u8>,
}

impl Decoder {
    pub fn new(framing: Framing, format: SampleFormat) -> Decoder {
        Decoder {
            framing,
            format,
            pending: Vec::new(),
            malformed: 0,
            columns: None,
            skipping: false,
            row: Vec::new(),
            scratch: Vec::new(),
        }
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    pub fn format(&self) -> SampleFormat {
        self.format
    }

    /// Frames that could not be decoded (skipped).
    pub fn malformed(&self) -> u64 {
        self.malformed
    }

    /// Column names, when the stream names them (the keys of the first JSON object line).
    pub fn column_names(&self) -> Option<&[String]> {
        self.columns.as_deref()
    }

    /// Decodes `bytes`, calling `out` once per complete frame with its row of numbers. An
    /// incomplete frame at the end waits for the next push.
    pub fn push(&mut self, bytes: &[u8], out: &mut dyn FnMut(&[f64])) {
        match self.framing {
            Framing::CsvLines | Framing::JsonLines => self.push_lines(bytes, b'\n', out),
            Framing::Cobs => self.push_lines(bytes, 0, out),
            Framing::Raw => self.push_raw(bytes, out),
            Framing::LengthPrefixed => self.push_length_prefixed(bytes, out),
        }
    }

    /// Text lines (ended by `\n`) and COBS frames (ended by 0) share the cutting logic.
    fn push_lines(&mut self, bytes: &[u8], end: u8, out: &mut dyn FnMut(&[f64])) {
        let mut start = 0;
        if self.skipping || !self.pending.is_empty() {
            let Some(i) = memchr::memchr(end, bytes) else {
                if !self.skipping {
                    self.pending.extend_from_slice(bytes);
                    self.check_overflow();
                }
                return;
            };
            if self.skipping {
                self.skipping = false;
            } else {
                let mut line = std::mem::take(&mut self.pending);
                line.extend_from_slice(&bytes[..i]);
                self.frame(&line, out);
                line.clear();
                self.pending = line;
            }
            start = i + 1;
        }
        let base = start;
        for i in memchr::memchr_iter(end, &bytes[base..]) {
            self.frame(&bytes[start..base + i], out);
            start = base + i + 1;
        }
        self.pending.extend_from_slice(&bytes[start..]);
        self.check_overflow();
    }

    fn check_overflow(&mut self) {
        if self.pending.len() > MAX_FRAME {
            self.pending.clear();
            self.malformed += 1;
            self.skipping = true;
        }
    }

    /// One line (without its `\n`) or one COBS frame (without its 0).
    fn frame(&mut self, line: &[u8], out: &mut dyn FnMut(&[f64])) {
        if line.len() > MAX_FRAME {
            self.malformed += 1;
            return;
        }
        let ok = match self.framing {
            Framing::CsvLines => parse_csv(line, &mut self.row),
            Framing::JsonLines => self.parse_json(line),
            _ => self.decode_cobs(line),
        };
        match ok {
            Some(true) => out(&self.row),
            Some(false) => {}
            None => self.malformed += 1,
        }
    }

    /// A JSON line into `self.row`: `Some(false)` for a blank line, `None` when malformed.
    fn parse_json(&mut self, line: &[u8]) -> Option<bool> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Some(false);
        }
        self.row.clear();
        match serde_json::from_slice::<Json>(line).ok()? {
            Json::Number(n) => self.row.push(n.as_f64()?),
            Json::Array(items) => {
                for v in items {
                    self.row.push(v.as_f64()?);
                }
            }
            Json::Object(map) => match &self.columns {
                None => {
                    for v in map.values() {
                        self.row.push(v.as_f64()?);
                    }
                    self.columns = Some(map.keys().cloned().collect());
                }
                Some(names) => {
                    if map.len() != names.len() {
                        return None;
                    }
                    for name in names {
                        self.row.push(map.get(name)?.as_f64()?);
                    }
                }
            },
            _ => return None,
        }
        Some(true)
    }

    /// A COBS frame into samples in `self.row`: `Some(false)` for an empty frame (a leading
    /// delimiter), `None` when the encoding or the payload length is wrong.
    fn decode_cobs(&mut self, frame: &[u8]) -> Option<bool> {
        if frame.is_empty() {
            return Some(false);
        }
        cobs_decode(frame, &mut self.scratch)?;
        let payload = std::mem::take(&mut self.scratch);
        let ok = samples(self.format, &payload, &mut self.row);
        self.scratch = payload;
        ok.then_some(true)
    }

    fn push_raw(&mut self, bytes: &[u8], out: &mut dyn FnMut(&[f64])) {
        let size = self.format.size();
        let mut rest = bytes;
        if !self.pending.is_empty() {
            let need = size - self.pending.len();
            if rest.len() < need {
                self.pending.extend_from_slice(rest);
                return;
            }
            self.pending.extend_from_slice(&rest[..need]);
            rest = &rest[need..];
            out(&[self.format.read(&self.pending)]);
            self.pending.clear();
        }
        let mut chunks = rest.chunks_exact(size);
        for c in &mut chunks {
            out(&[self.format.read(c)]);
        }
        self.pending.extend_from_slice(chunks.remainder());
    }

    fn push_length_prefixed(&mut self, bytes: &[u8], out: &mut dyn FnMut(&[f64])) {
        // frames are at most 256 bytes, so joining with the pending bytes costs little
        let joined;
        let mut rest: &[u8] = if self.pending.is_empty() {
            bytes
        } else {
            let mut p = std::mem::take(&mut self.pending);
            p.extend_from_slice(bytes);
            joined = p;
            &joined
        };
        while let Some(&len) = rest.first() {
            let len = usize::from(len);
            if len == 0 {
                self.malformed += 1;
                rest = &rest[1..];
                continue;
            }
            if rest.len() < 1 + len {
                break;
            }
            if samples(self.format, &rest[1..=len], &mut self.row) {
                out(&self.row);
            } else {
                self.malformed += 1;
            }
            rest = &rest[1 + len..];
        }
        self.pending.extend_from_slice(rest);
    }
}

/// Decodes a payload of back-to-back samples into `row`; false if its length is not a
/// whole number of samples (or zero).
fn samples(format: SampleFormat, payload: &[u8], row: &mut Vec<f64>) -> bool {
    let size = format.size();
    if payload.is_empty() || !payload.len().is_multiple_of(size) {
        return false;
    }
    row.clear();
    row.extend(payload.chunks_exact(size).map(|c| format.read(c)));
    true
}

/// Standard COBS decoding of one frame (without its 0 delimiter) into `out`; `None` if the
/// encoding is invalid (a zero byte inside, or a code that runs past the end).
pub fn cobs_decode(frame: &[u8], out: &mut Vec<u8>) -> Option<()> {
    out.clear();
    let mut i = 0;
    while i < frame.len() {
        let code = usize::from(frame[i]);
        if code == 0 {
            return None;
        }
        let end = i + code;
        if end > frame.len() {
            return None;
        }
        let block = &frame[i + 1..end];
        if block.contains(&0) {
            return None;
        }
        out.extend_from_slice(block);
        i = end;
        if code < 0xFF && i < frame.len() {
            out.push(0);
        }
    }
    Some(())
}

/// Standard COBS encoding of `data` (without the trailing 0 delimiter).
pub fn cobs_encode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 254 + 2);
    let mut code_at = 0;
    out.push(0);
    let mut code: u8 = 1;
    for &b in data {
        if b == 0 {
            out[code_at] = code;
            code_at = out.len();
            out.push(0);
            code = 1;
        } else {
            out.push(b);
            code += 1;
            if code == 0xFF {
                out[code_at] = code;
                code_at = out.len();
                out.push(0);
                code = 1;
            }
        }
    }
    out[code_at] = code;
    out
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c')
}

/// One CSV line into `row`: `Some(false)` for a blank line, `None` if a field is not a number.
///
/// Fields are separated by a comma or semicolon (with optional spaces around it) or by spaces
/// and tabs alone; one trailing separator is allowed (`Serial.print(x); Serial.println(",")`).
pub fn parse_csv(line: &[u8], row: &mut Vec<f64>) -> Option<bool> {
    row.clear();
    let n = line.len();
    let mut i = 0;
    while i < n && is_space(line[i]) {
        i += 1;
    }
    if i == n {
        return Some(false);
    }
    loop {
        let (v, end) = parse_number(&line[i..])?;
        row.push(v);
        i += end;
        let after_number = i;
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i == n {
            return Some(true);
        }
        if matches!(line[i], b',' | b';') {
            i += 1;
            while i < n && is_space(line[i]) {
                i += 1;
            }
            if i == n {
                return Some(true);
            }
        } else if i == after_number {
            // "1.5V": junk glued to a number
            return None;
        }
    }
}

/// Exact powers of ten (every one up to 1e22 is representable in an f64).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Parses the number at the start of `b` (up to the next separator); returns it and how many
/// bytes it took. Correctly rounded: short decimals take Clinger's exact fast path (an integer
/// mantissa below 2^53 times or over an exact power of ten); anything else (long mantissas,
/// big exponents, `nan`, `inf`) goes to the standard library's parser.
pub fn parse_number(b: &[u8]) -> Option<(f64, usize)> {
    let n = b.len();
    let mut i = 0;
    let neg = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let mut mantissa: u64 = 0;
    let mut significant = 0u32;
    let mut digits = 0u32;
    let mut exp10: i32 = 0;
    while i < n && b[i].is_ascii_digit() {
        let d = u64::from(b[i] - b'0');
        if significant > 0 || d != 0 {
            significant += 1;
        }
        mantissa = mantissa.wrapping_mul(10).wrapping_add(d);
        digits += 1;
        i += 1;
    }
    if i < n && b[i] == b'.' {
        i += 1;
        while i < n && b[i].is_ascii_digit() {
            let d = u64::from(b[i] - b'0');
            if significant > 0 || d != 0 {
                significant += 1;
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(d);
            exp10 -= 1;
            digits += 1;
            i += 1;
        }
    }
    if digits > 0 && i < n && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        let eneg = match b.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let start = j;
        let mut e: i32 = 0;
        while j < n && b[j].is_ascii_digit() {
            e = (e * 10 + i32::from(b[j] - b'0')).min(100_000);
            j += 1;
        }
        if j > start {
            exp10 += if eneg { -e } else { e };
            i = j;
        } else {
            return slow_number(b);
        }
    }
    let ends_here = i == n || matches!(b[i], b',' | b';') || is_space(b[i]);
    if digits == 0 || !ends_here || significant > 19 || mantissa > (1 << 53) {
        return slow_number(b);
    }
    let m = mantissa as f64;
    let v = if mantissa == 0 {
        0.0
    } else if (0..=22).contains(&exp10) {
        m * POW10[exp10 as usize]
    } else if (-22..0).contains(&exp10) {
        m / POW10[(-exp10) as usize]
    } else {
        return slow_number(b);
    };
    Some((if neg { -v } else { v }, i))
}

/// The general case: the token up to the next separator, parsed by `str::parse`.
fn slow_number(b: &[u8]) -> Option<(f64, usize)> {
    let end = b.iter().position(|&c| matches!(c, b',' | b';') || is_space(c)).unwrap_or(b.len());
    let token = std::str::from_utf8(&b[..end]).ok()?;
    token.parse::<f64>().ok().map(|v| (v, end))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn rows(d: &mut Decoder, bytes: &[u8]) -> Vec<Vec<f64>> {
        let mut out = Vec::new();
        d.push(bytes, &mut |r| out.push(r.to_vec()));
        out
    }

    #[test]
    fn names_round_trip() {
        for f in Framing::ALL {
            assert_eq!(Framing::from_name(f.name()), Some(f));
        }
        for f in SampleFormat::ALL {
            assert_eq!(SampleFormat::from_name(f.name()), Some(f));
        }
        assert_eq!(Framing::from_name("csv"), None);
    }

    #[test]
    fn numbers_parse_exactly_like_the_standard_library() {
        for s in [
            "0",
            "-0",
            "1",
            "12345",
            "0.123456",
            "3.14159",
            "-2.5e-3",
            "1e22",
            "1e23",
            "9007199254740993",
            "123456789012345678901234",
            "0.000000000000000000000001",
            "1.",
            ".5",
            "+7",
            "1E5",
            "nan",
            "inf",
            "-infinity",
            "4.9e-324",
            "1.7976931348623157e308",
            "0.1",
            "0.2",
            "0.30000000000000004",
        ] {
            let want: f64 = s.parse().unwrap();
            let (got, len) = parse_number(s.as_bytes()).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(len, s.len(), "{s}");
            assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "{s}: {got} vs {want}");
        }
        for bad in ["", "-", ".", "e5", "1e", "1.5V", "abc", "1..2"] {
            assert!(parse_number(bad.as_bytes()).is_none_or(|(_, l)| l != bad.len()), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_is_correctly_rounded(s in "[-+]?[0-9]{1,20}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{1,3})?") {
            let want: f64 = s.parse().unwrap();
            let (got, len) = parse_number(s.as_bytes()).unwrap();
            proptest::prop_assert_eq!(len, s.len());
            proptest::prop_assert_eq!(got.to_bits(), want.to_bits(), "{}", s);
        }

        #[test]
        fn any_bytes_split_anywhere_decode_like_one_push(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300), cut in 0usize..300) {
            for framing in Framing::ALL {
                let mut one = Decoder::new(framing, SampleFormat::I16Le);
                let whole = rows(&mut one, &bytes);
                let mut two = Decoder::new(framing, SampleFormat::I16Le);
                let cut = cut.min(bytes.len());
                let mut parts = rows(&mut two, &bytes[..cut]);
                parts.extend(rows(&mut two, &bytes[cut..]));
                proptest::prop_assert_eq!(format!("{whole:?}"), format!("{parts:?}"));
                proptest::prop_assert_eq!(one.malformed(), two.malformed());
            }
        }
    }

    #[test]
    fn csv_separators_blank_lines_and_junk() {
        let mut d = Decoder::new(Framing::CsvLines, SampleFormat::U8);
        let got = rows(&mut d, b"1,2\r\n3;4\n5\t6\n 7  8 \n\n\r\n9, 10,\n1.5V,2\n1,,2\n");
        assert_eq!(got, vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0], vec![7.0, 8.0], vec![9.0, 10.0]]);
        assert_eq!(d.malformed(), 2);
    }

    #[test]
    fn csv_lines_wait_for_their_end_across_pushes() {
        let mut d = Decoder::new(Framing::CsvLines, SampleFormat::U8);
        assert!(rows(&mut d, b"12345,0.12").is_empty());
        assert!(rows(&mut d, b"3456").is_empty());
        assert_eq!(rows(&mut d, b"\r\n7,8\r"), vec![vec![12345.0, 0.123456]]);
        assert_eq!(rows(&mut d, b"\n"), vec![vec![7.0, 8.0]]);
        assert_eq!(d.malformed(), 0);
    }

    #[test]
    fn an_endless_line_is_dropped_once_and_reading_resumes_after_it() {
        let mut d = Decoder::new(Framing::CsvLines, SampleFormat::U8);
        let junk = vec![b'1'; 40 * 1024];
        assert!(rows(&mut d, &junk).is_empty());
        assert!(rows(&mut d, &junk).is_empty());
        assert!(rows(&mut d, &junk).is_empty());
        assert_eq!(d.malformed(), 1);
        assert_eq!(rows(&mut d, b"11\n2,3\n"), vec![vec![2.0, 3.0]]);
        assert_eq!(d.malformed(), 1);
    }

    #[test]
    fn json_lines_numbers_arrays_and_objects() {
        let mut d = Decoder::new(Framing::JsonLines, SampleFormat::U8);
        let got = rows(
            &mut d,
            b"1.5\n[1,2]\n{\"t\": 1, \"v\": 2}\n{\"v\": 4, \"t\": 3}\n{\"t\": 1}\n\"x\"\n[1,\"a\"]\nnull\n\n",
        );
        assert_eq!(got, vec![vec![1.5], vec![1.0, 2.0], vec![1.0, 2.0], vec![3.0, 4.0]]);
        assert_eq!(d.column_names().unwrap(), ["t", "v"]);
        assert_eq!(d.malformed(), 4);
    }

    #[test]
    fn raw_samples_wait_for_their_last_byte() {
        let mut d = Decoder::new(Framing::Raw, SampleFormat::I16Le);
        assert_eq!(rows(&mut d, &[0x01, 0x00, 0xFF]), vec![vec![1.0]]);
        assert_eq!(rows(&mut d, &[0xFF, 0x00]), vec![vec![-1.0]]);
        assert_eq!(rows(&mut d, &[0x80]), vec![vec![f64::from(i16::MIN)]]);
        let mut f = Decoder::new(Framing::Raw, SampleFormat::F32Le);
        assert_eq!(rows(&mut f, &1.25f32.to_le_bytes()), vec![vec![1.25]]);
    }

    #[test]
    fn cobs_round_trips() {
        for data in
            [vec![], vec![0], vec![0, 0], vec![1, 2, 0, 3], (1..=254u8).collect(), (0..=255u8).collect(), vec![7; 600]]
        {
            let enc = cobs_encode(&data);
            assert!(!enc.contains(&0));
            let mut dec = Vec::new();
            cobs_decode(&enc, &mut dec).unwrap();
            assert_eq!(dec, data);
        }
    }
}
