//! IEEE 488.2 arbitrary block response data (§8.7.9 and §8.7.10), how instruments send
//! binary data such as a scope's waveform: `#<n><n digits: length><length bytes>` (definite
//! length, e.g. `#41000` then 1000 bytes), or `#0<bytes>` ended by the message's end
//! (indefinite length; its final newline is the terminator, not data). The header is read
//! byte-exactly: a wrong digit, a short block or bytes after it are errors, never guesses.

/// Where a block's data lies in an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Index of the first data byte in the answer.
    pub start: usize,
    /// Data bytes.
    pub len: usize,
    /// `#0`: the data ran to the end of the answer.
    pub indefinite: bool,
}

/// Finds the block that makes up `answer` (leading whitespace and a trailing newline are
/// allowed around it). The error says what is wrong in words.
pub fn parse_block(answer: &[u8]) -> Result<Block, String> {
    let skip = answer.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(answer.len());
    let b = &answer[skip..];
    match b.first() {
        None => return Err("the answer is empty".into()),
        Some(b'#') => {}
        Some(_) => {
            let hint = if b.contains(&b'#') {
                " (the instrument may be sending a response header first: turn headers off, e.g. HEADER OFF or SYST:HEAD OFF)"
            } else {
                ""
            };
            return Err(format!("it starts with {}, not '#'{hint}", preview(b)));
        }
    }
    let n = match b.get(1) {
        Some(d @ b'0'..=b'9') => usize::from(d - b'0'),
        Some(other) => return Err(format!("'#' is followed by {}, not a digit", preview(&[*other]))),
        None => return Err("it ends right after '#'".into()),
    };
    if n == 0 {
        let end = if b.last() == Some(&b'\n') { b.len() - 1 } else { b.len() };
        return Ok(Block { start: skip + 2, len: end - 2, indefinite: true });
    }
    let digits = b.get(2..2 + n).ok_or_else(|| {
        format!("its header announces {n} length digits but the answer ends after {}", b.len().saturating_sub(2))
    })?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(format!("its {n} length digits are {}", preview(digits)));
    }
    let len = digits.iter().fold(0usize, |acc, d| acc * 10 + usize::from(d - b'0'));
    let start = 2 + n;
    let available = b.len() - start;
    if available < len {
        return Err(format!("its header announces {len} bytes but only {available} came"));
    }
    let rest = &b[start + len..];
    if !rest.iter().all(u8::is_ascii_whitespace) {
        return Err(format!("{} bytes follow the {len}-byte block: {}", rest.len(), preview(rest)));
    }
    Ok(Block { start: skip + start, len, indefinite: false })
}

/// The block's data, taken out of `answer` in place.
pub fn block_data(mut answer: Vec<u8>) -> Result<Vec<u8>, String> {
    let b = parse_block(&answer)?;
    answer.truncate(b.start + b.len);
    answer.drain(..b.start);
    Ok(answer)
}

/// A definite-length block header for `len` data bytes (`#41000`), as instruments send it.
pub fn block_header(len: usize) -> Vec<u8> {
    let digits = len.to_string();
    format!("#{}{digits}", digits.len()).into_bytes()
}

/// The first bytes of `b`, printable.
fn preview(b: &[u8]) -> String {
    let shown: String = b.iter().take(16).flat_map(|c| std::ascii::escape_default(*c)).map(char::from).collect();
    if b.len() > 16 { format!("'{shown}…'") } else { format!("'{shown}'") }
}

/// How a block's bytes hold numbers (SCPI's `FORM` / `WFMO:BYT_N`, `BN_F` settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    F32,
    F64,
}

impl Word {
    /// Bytes per number.
    pub fn size(self) -> usize {
        match self {
            Word::I8 | Word::U8 => 1,
            Word::I16 | Word::U16 => 2,
            Word::I32 | Word::U32 | Word::F32 => 4,
            Word::F64 => 8,
        }
    }
}

/// Byte order of multi-byte numbers (`FORM:BORD NORM|SWAP`, `WFMO:BYT_O MSB|LSB`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

/// The numbers in `data`. Its length must be a whole number of words.
pub fn decode(data: &[u8], word: Word, order: ByteOrder) -> Result<Vec<f64>, String> {
    let size = word.size();
    if !data.len().is_multiple_of(size) {
        return Err(format!("{} bytes are not a whole number of {size}-byte values", data.len()));
    }
    // one branch-free loop per (type, byte order), so each one vectorises
    macro_rules! words {
        ($t:ty, $n:literal, $from:ident) => {
            data.chunks_exact($n).map(|c| f64::from(<$t>::$from(c.try_into().unwrap_or([0; $n])))).collect()
        };
    }
    use ByteOrder::{Big, Little};
    Ok(match (word, order) {
        (Word::I8, _) => data.iter().map(|&b| f64::from(b as i8)).collect(),
        (Word::U8, _) => data.iter().map(|&b| f64::from(b)).collect(),
        (Word::I16, Little) => words!(i16, 2, from_le_bytes),
        (Word::I16, Big) => words!(i16, 2, from_be_bytes),
        (Word::U16, Little) => words!(u16, 2, from_le_bytes),
        (Word::U16, Big) => words!(u16, 2, from_be_bytes),
        (Word::I32, Little) => words!(i32, 4, from_le_bytes),
        (Word::I32, Big) => words!(i32, 4, from_be_bytes),
        (Word::U32, Little) => words!(u32, 4, from_le_bytes),
        (Word::U32, Big) => words!(u32, 4, from_be_bytes),
        (Word::F32, Little) => words!(f32, 4, from_le_bytes),
        (Word::F32, Big) => words!(f32, 4, from_be_bytes),
        (Word::F64, Little) => words!(f64, 8, from_le_bytes),
        (Word::F64, Big) => words!(f64, 8, from_be_bytes),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn definite_blocks_are_read_byte_exactly() {
        // IEEE 488.2 §8.7.9's example form: #2 then two digits of length
        let answer = b"#212\x00\x01#\n\r\x02abcdef\n".to_vec();
        let b = parse_block(&answer).unwrap();
        assert_eq!(b, Block { start: 4, len: 12, indefinite: false });
        assert_eq!(block_data(answer).unwrap(), b"\x00\x01#\n\r\x02abcdef");
        // the data may hold '#', newlines, anything; no terminator at all is fine too
        assert_eq!(block_data(b"#13\n\n\n".to_vec()).unwrap(), b"\n\n\n");
        assert_eq!(block_data(b"  #10".to_vec()).unwrap(), b"");
        assert_eq!(block_data(b"#9000000004ABCD\r\n".to_vec()).unwrap(), b"ABCD");
        assert_eq!(block_header(1000), b"#41000");
        assert_eq!(block_header(7), b"#17");
    }

    #[test]
    fn indefinite_blocks_run_to_the_end_less_the_terminator() {
        assert_eq!(parse_block(b"#0abc\n").unwrap(), Block { start: 2, len: 3, indefinite: true });
        assert_eq!(block_data(b"#0\n\nx\n".to_vec()).unwrap(), b"\n\nx");
        assert_eq!(block_data(b"#0".to_vec()).unwrap(), b"");
    }

    #[test]
    fn bad_blocks_say_what_is_wrong() {
        let e = |a: &[u8]| parse_block(a).unwrap_err();
        assert_eq!(e(b""), "the answer is empty");
        assert_eq!(e(b"1.5,2.5\n"), "it starts with '1.5,2.5\\n', not '#'");
        assert!(e(b":CURVE #13abc").contains("turn headers off"));
        assert_eq!(e(b"#"), "it ends right after '#'");
        assert_eq!(e(b"#A12"), "'#' is followed by 'A', not a digit");
        assert_eq!(e(b"#41"), "its header announces 4 length digits but the answer ends after 1");
        assert_eq!(e(b"#3 10abc"), "its 3 length digits are ' 10'");
        assert_eq!(e(b"#15abc"), "its header announces 5 bytes but only 3 came");
        assert_eq!(e(b"#13abcdef"), "3 bytes follow the 3-byte block: 'def'");
    }

    #[test]
    fn words_decode_in_both_byte_orders() {
        let d = [0x01, 0x02, 0xFF, 0xFE];
        assert_eq!(decode(&d, Word::I16, ByteOrder::Little).unwrap(), vec![513.0, -257.0]);
        assert_eq!(decode(&d, Word::I16, ByteOrder::Big).unwrap(), vec![258.0, -2.0]);
        assert_eq!(decode(&d, Word::U16, ByteOrder::Big).unwrap(), vec![258.0, 65534.0]);
        assert_eq!(decode(&d, Word::I8, ByteOrder::Big).unwrap(), vec![1.0, 2.0, -1.0, -2.0]);
        assert_eq!(decode(&1.5f32.to_be_bytes(), Word::F32, ByteOrder::Big).unwrap(), vec![1.5]);
        assert_eq!(decode(&(-2.25f64).to_le_bytes(), Word::F64, ByteOrder::Little).unwrap(), vec![-2.25]);
        assert_eq!(
            decode(&[1, 2, 3], Word::I16, ByteOrder::Little).unwrap_err(),
            "3 bytes are not a whole number of 2-byte values"
        );
    }
}
