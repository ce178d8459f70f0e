//! PNG and base64, as plotly express writes an image into a figure: 8-bit RGB(A), rows with
//! filter 0, the data in stored (uncompressed) deflate blocks, then base64 in a data URI. Our
//! own ~70 lines rather than a PNG crate, because the fixtures pin these exact bytes (an
//! encoder that compresses writes other bytes for the same picture).

use std::sync::OnceLock;

/// CRC-32's tables for slicing by 8 (a camera frame is a megabyte per picture).
static CRC_TABLES: OnceLock<[[u32; 256]; 8]> = OnceLock::new();

fn crc32(parts: &[&[u8]]) -> u32 {
    let t = CRC_TABLES.get_or_init(|| {
        let mut t = [[0u32; 256]; 8];
        for (n, e) in t[0].iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *e = c;
        }
        // table k: a byte followed by k zero bytes
        for k in 1..8 {
            let (done, rest) = t.split_at_mut(k);
            for (e, &prev) in rest[0].iter_mut().zip(done[k - 1].iter()) {
                *e = (prev >> 8) ^ done[0][(prev & 0xff) as usize];
            }
        }
        t
    });
    let mut c = 0xffff_ffffu32;
    for p in parts {
        let mut chunks = p.chunks_exact(8);
        for b in &mut chunks {
            let lo = c ^ u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            c = t[7][(lo & 0xff) as usize]
                ^ t[6][((lo >> 8) & 0xff) as usize]
                ^ t[5][((lo >> 16) & 0xff) as usize]
                ^ t[4][(lo >> 24) as usize]
                ^ t[3][usize::from(b[4])]
                ^ t[2][usize::from(b[5])]
                ^ t[1][usize::from(b[6])]
                ^ t[0][usize::from(b[7])];
        }
        for &b in chunks.remainder() {
            c = t[0][((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
    }
    c ^ 0xffff_ffff
}

/// Adler-32, reducing modulo 65521 once per 5552 bytes (the most that cannot overflow).
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for block in data.chunks(5552) {
        for &x in block {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// An 8-bit RGB or RGBA PNG of `pixels` (row-major, `channels` bytes each): every row with filter
/// 0, the image data in uncompressed ("stored") deflate blocks of at most 65535 bytes. Simple and
/// exactly reproducible; plotly.js reads it like any PNG.
pub fn png_stored(width: usize, height: usize, channels: usize, pixels: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(height * (width * channels + 1));
    for row in pixels.chunks(width * channels).take(height) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if raw.is_empty() { vec![&[][..]] } else { raw.chunks(65535).collect() };
    let last = blocks.len() - 1;
    for (i, b) in blocks.iter().enumerate() {
        z.push(u8::from(i == last));
        let len = b.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(b);
    }
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
    };
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(width as u32).to_be_bytes());
    ihdr.extend_from_slice(&(height as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, if channels == 4 { 6 } else { 2 }, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &z);
    chunk(b"IEND", &[]);
    png
}

pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    let mut chunks = bytes.chunks_exact(3);
    for c in &mut chunks {
        let n = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
        out.extend_from_slice(&[
            ABC[(n >> 18) as usize & 63],
            ABC[(n >> 12) as usize & 63],
            ABC[(n >> 6) as usize & 63],
            ABC[n as usize & 63],
        ]);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let n = (u32::from(rest[0]) << 16) | (u32::from(*rest.get(1).unwrap_or(&0)) << 8);
        out.extend_from_slice(&[
            ABC[(n >> 18) as usize & 63],
            ABC[(n >> 12) as usize & 63],
            if rest.len() == 2 { ABC[(n >> 6) as usize & 63] } else { b'=' },
            b'=',
        ]);
    }
    // every byte is one of the alphabet's or '=': ASCII, so never the empty default
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_and_base64_match_their_definitions() {
        // CRC-32 and Adler-32 of "123456789" (the standard check values), and across the
        // slicing and block boundaries against the bytewise definitions
        assert_eq!(crc32(&[b"123456789"]), 0xcbf4_3926);
        assert_eq!(adler32(b"123456789"), 0x091e_01de);
        let data: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let mut c = 0xffff_ffffu32;
        for &b in &data {
            for k in 0..8 {
                let bit = (c ^ (u32::from(b) >> k)) & 1;
                c = (c >> 1) ^ if bit == 1 { 0xedb8_8320 } else { 0 };
            }
        }
        assert_eq!(crc32(&[&data[..7], &data[7..]]), c ^ 0xffff_ffff);
        let (mut a, mut b) = (1u32, 0u32);
        for &x in &data {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        assert_eq!(adler32(&data), (b << 16) | a);
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
