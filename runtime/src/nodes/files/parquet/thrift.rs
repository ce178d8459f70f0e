//! Apache Thrift's compact protocol, read into a small value tree: Parquet's footer and page
//! headers are Thrift structs. Untrusted bytes: every read is bounds-checked and nesting is
//! limited.

/// A decoded Thrift value. Structs keep their fields by id.
#[derive(Clone, Debug, PartialEq)]
pub enum TValue {
    Bool(bool),
    Int(i64),
    Double(f64),
    Binary(Vec<u8>),
    List(Vec<TValue>),
    Struct(Vec<(i16, TValue)>),
}

impl TValue {
    /// A struct's field.
    pub fn field(&self, id: i16) -> Option<&TValue> {
        match self {
            TValue::Struct(fields) => fields.iter().find(|(i, _)| *i == id).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn int(&self, id: i16) -> Option<i64> {
        match self.field(id)? {
            TValue::Int(v) => Some(*v),
            _ => None,
        }
    }

    pub fn bool(&self, id: i16) -> Option<bool> {
        match self.field(id)? {
            TValue::Bool(v) => Some(*v),
            _ => None,
        }
    }

    pub fn text(&self, id: i16) -> Option<String> {
        match self.field(id)? {
            TValue::Binary(b) => Some(String::from_utf8_lossy(b).into_owned()),
            _ => None,
        }
    }

    pub fn list(&self, id: i16) -> &[TValue] {
        match self.field(id) {
            Some(TValue::List(v)) => v,
            _ => &[],
        }
    }
}

/// Deeper than this is not a Parquet header.
const MAX_DEPTH: usize = 32;

/// Reads compact-protocol values from a byte slice.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.bytes.get(self.pos).ok_or("the Thrift metadata ends early")?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a Thrift integer is too long".into())
    }

    fn zigzag(&mut self) -> Result<i64, String> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// A struct, from its first field header to its stop byte.
    pub fn read_struct(&mut self) -> Result<TValue, String> {
        self.structure(0)
    }

    fn structure(&mut self, depth: usize) -> Result<TValue, String> {
        if depth > MAX_DEPTH {
            return Err("the Thrift metadata nests too deeply".into());
        }
        let mut fields = Vec::new();
        let mut last: i16 = 0;
        loop {
            let head = self.byte()?;
            if head == 0 {
                return Ok(TValue::Struct(fields));
            }
            let delta = head >> 4;
            let id = if delta == 0 { self.zigzag()? as i16 } else { last.wrapping_add(i16::from(delta)) };
            last = id;
            let value = match head & 0x0f {
                1 => TValue::Bool(true),
                2 => TValue::Bool(false),
                kind => self.value(kind, depth)?,
            };
            fields.push((id, value));
        }
    }

    fn value(&mut self, kind: u8, depth: usize) -> Result<TValue, String> {
        // lists of lists nest as deeply as structs do
        if depth > MAX_DEPTH {
            return Err("the Thrift metadata nests too deeply".into());
        }
        Ok(match kind {
            1 | 2 => TValue::Bool(self.byte()? == 1),
            3 => TValue::Int(i64::from(self.byte()? as i8)),
            4..=6 => TValue::Int(self.zigzag()?),
            7 => {
                let end = self.pos + 8;
                let b = self.bytes.get(self.pos..end).ok_or("the Thrift metadata ends early")?;
                self.pos = end;
                TValue::Double(f64::from_le_bytes(b.try_into().map_err(|_| "a bad double")?))
            }
            8 => {
                let len = self.varint()? as usize;
                let end = self
                    .pos
                    .checked_add(len)
                    .filter(|&e| e <= self.bytes.len())
                    .ok_or("the Thrift metadata ends early")?;
                let b = self.bytes[self.pos..end].to_vec();
                self.pos = end;
                TValue::Binary(b)
            }
            9 | 10 => {
                let head = self.byte()?;
                let size = if head >> 4 == 15 { self.varint()? as usize } else { usize::from(head >> 4) };
                // every element takes at least a byte
                if size > self.bytes.len() - self.pos.min(self.bytes.len()) {
                    return Err("a Thrift list is longer than the file".into());
                }
                let kind = head & 0x0f;
                (0..size).map(|_| self.value(kind, depth + 1)).collect::<Result<_, _>>().map(TValue::List)?
            }
            11 => {
                let size = self.varint()? as usize;
                if size > 0 {
                    let kinds = self.byte()?;
                    for _ in 0..size {
                        self.value(kinds >> 4, depth + 1)?;
                        self.value(kinds & 0x0f, depth + 1)?;
                    }
                }
                TValue::List(Vec::new())
            }
            12 => self.structure(depth + 1)?,
            other => return Err(format!("unknown Thrift type {other}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_lists_and_nested_structs() {
        // {1: i32 -3, 2: "ab", 4: list<i32>[1, 2], 5: struct {1: true}}
        let bytes = [0x15, 0x05, 0x18, 0x02, b'a', b'b', 0x29, 0x25, 0x02, 0x04, 0x1c, 0x11, 0x00, 0x00];
        let v = Reader::new(&bytes).read_struct().unwrap();
        assert_eq!(v.int(1), Some(-3));
        assert_eq!(v.text(2).as_deref(), Some("ab"));
        assert_eq!(v.list(4), &[TValue::Int(1), TValue::Int(2)]);
        assert_eq!(v.field(5).and_then(|s| s.bool(1)), Some(true));
        // cut short anywhere: an error, never a panic
        for n in 0..bytes.len() - 1 {
            assert!(Reader::new(&bytes[..n]).read_struct().is_err(), "{n}");
        }
        // lists nested in lists without end: an error, not a stack overflow
        let deep = vec![0x19u8; 200_000];
        assert!(Reader::new(&deep).read_struct().is_err());
    }
}
