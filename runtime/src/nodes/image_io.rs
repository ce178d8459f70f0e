//! Decoding images into `Value::Image` with the `image` crate (PNG, JPEG and TIFF: what Flojoy's
//! sample data and users' files need).

use crate::value::{Matrix, Value};

/// Decodes PNG bytes into an RGBA `Image` (channels 0–255), like Flojoy's LOCAL_FILE, which
/// reads images as RGBA.
pub fn decode_rgba(bytes: &[u8]) -> Result<Value, String> {
    let img = image::load_from_memory(bytes).map_err(|e| format!("cannot read the image: {e}"))?.to_rgba8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut ch: [Vec<f64>; 4] = std::array::from_fn(|_| Vec::with_capacity(w * h));
    for p in img.pixels() {
        for (c, v) in ch.iter_mut().zip(p.0) {
            c.push(f64::from(v));
        }
    }
    let [r, g, b, a] = ch.map(|data| Matrix { rows: h, cols: w, data });
    Ok(Value::Image { r, g, b, a: Some(a) })
}

/// Decodes PNG bytes into RGB (no alpha channel), like skimage's sample images.
pub fn decode_rgb(bytes: &[u8]) -> Result<Value, String> {
    match decode_rgba(bytes)? {
        Value::Image { r, g, b, .. } => Ok(Value::Image { r, g, b, a: None }),
        other => Ok(other),
    }
}

/// Decodes PNG bytes into a Grayscale image in 0..1 (ITU-R 601 luma, as skimage's rgb2gray
/// uses: 0.2125 R + 0.7154 G + 0.0721 B).
pub fn decode_gray(bytes: &[u8]) -> Result<Value, String> {
    match decode_rgba(bytes)? {
        Value::Image { r, g, b, .. } => {
            let data = r
                .data
                .iter()
                .zip(&g.data)
                .zip(&b.data)
                .map(|((r, g), b)| (0.2125 * r + 0.7154 * g + 0.0721 * b) / 255.0)
                .collect();
            Ok(Value::Grayscale { m: Matrix { rows: r.rows, cols: r.cols, data } })
        }
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_astronaut_decodes() {
        let Value::Image { r, a, .. } = decode_rgba(include_bytes!("../../assets/astronaut.png")).unwrap() else {
            panic!()
        };
        assert_eq!((r.rows, r.cols), (480, 640));
        assert!(a.unwrap().data.iter().all(|v| *v == 255.0));
        assert!(decode_rgba(b"not a png").unwrap_err().starts_with("cannot read the image"));
    }
}
