//! Flojoy flow files: reading all three generations, writing the 2024 one (REFERENCE §4).

mod export;
mod import;

pub use export::{save, save_compact, save_nodes, to_json};
pub use import::{Loaded, load, load_json};

/// Why a file could not be opened. Nothing is changed when this is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    #[error("this file is not valid JSON (line {line}, column {column}): {message}")]
    NotJson { line: usize, column: usize, message: String },
    #[error("this is JSON but not a Flojoy flow: {0}")]
    NotAFlow(String),
}

/// A fresh Flojoy node id, `FUNC-uuid` (version 4 layout), from 128 random bits.
pub fn node_key(func: &str, random: u128) -> String {
    format!("{func}-{}", uuid(random))
}

/// A version-4-style UUID string from 128 random bits.
pub fn uuid(random: u128) -> String {
    let b = (random & !(0xF << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    let h = format!("{b:032x}");
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// A simple random source for ids when the caller has none (splitmix64 over a seed).
pub struct IdSource(u64);

impl IdSource {
    pub fn new(seed: u64) -> IdSource {
        IdSource(seed)
    }

    fn next64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn next_id(&mut self) -> u128 {
        (u128::from(self.next64()) << 64) | u128::from(self.next64())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_have_the_v4_layout() {
        let u = super::uuid(u128::MAX);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
        assert_eq!(super::node_key("SINE", 0).len(), 5 + 36);
    }
}
