//! Snappy's raw block format (pyarrow's default Parquet codec): a varint length, then literals
//! and back-references. Untrusted bytes: every length and offset is checked.

/// The largest page a file may ask us to decompress to.
const MAX_LEN: usize = 1 << 30;

pub fn decompress(input: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "the Snappy-compressed page is damaged".to_owned();
    let (len, mut pos) = super::varint(input, 0).ok_or_else(bad)?;
    if len > MAX_LEN {
        return Err(bad());
    }
    // the length is the file's word: reserve what the input could plausibly expand to
    let mut out = Vec::with_capacity(len.min(input.len().saturating_mul(8)));
    while pos < input.len() {
        let tag = input[pos];
        pos += 1;
        // a literal, or a copy: (length, offset)
        let (n, offset) = match tag & 3 {
            0 => {
                let mut n = usize::from(tag >> 2);
                if n >= 60 {
                    let extra = n - 59;
                    let b = input.get(pos..pos + extra).ok_or_else(bad)?;
                    n = b.iter().rev().fold(0, |acc, &x| (acc << 8) | usize::from(x));
                    pos += extra;
                }
                let end = pos.checked_add(n).and_then(|e| e.checked_add(1)).ok_or_else(bad)?;
                let lit = input.get(pos..end).ok_or_else(bad)?;
                if out.len() + lit.len() > len {
                    return Err(bad());
                }
                out.extend_from_slice(lit);
                pos = end;
                continue;
            }
            1 => {
                let b = *input.get(pos).ok_or_else(bad)?;
                pos += 1;
                (4 + usize::from((tag >> 2) & 7), (usize::from(tag >> 5) << 8) | usize::from(b))
            }
            2 => {
                let b = input.get(pos..pos + 2).ok_or_else(bad)?;
                pos += 2;
                (usize::from(tag >> 2) + 1, usize::from(u16::from_le_bytes([b[0], b[1]])))
            }
            _ => {
                let b = input.get(pos..pos + 4).ok_or_else(bad)?;
                pos += 4;
                (usize::from(tag >> 2) + 1, u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            }
        };
        if offset == 0 || offset > out.len() || out.len() + n > len {
            return Err(bad());
        }
        // may overlap itself (a run): byte by byte
        let start = out.len() - offset;
        for i in 0..n {
            out.push(out[start + i]);
        }
    }
    if out.len() != len {
        return Err(bad());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::decompress;

    #[test]
    fn literals_and_overlapping_copies() {
        // "abcabcabca": literal "abc" then a 1-byte-offset copy of 7 at distance 3
        let block = [10, 0b0000_1000, b'a', b'b', b'c', 0b0000_1101, 3];
        assert_eq!(decompress(&block).unwrap(), b"abcabcabca");
        // a copy reaching before the start, or a wrong length: an error
        assert!(decompress(&[10, 0b0000_1000, b'a', b'b', b'c', 0b0000_1101, 9]).is_err());
        assert!(decompress(&[11, 0b0000_1000, b'a', b'b', b'c', 0b0000_1101, 3]).is_err());
        assert!(decompress(&[]).is_err());
    }
}
