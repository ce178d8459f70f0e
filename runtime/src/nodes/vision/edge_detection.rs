//! EDGE_DETECTION: Pillow's FIND_EDGES.

use super::{IMAGE, PATH, channels, image_of};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::numeric::array::is_u8;
use crate::numeric::image::pil_luma;
use crate::spec::NodeSpec;
use crate::value::Matrix;

pub(super) fn edge_detection() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "EDGE_DETECTION",
            PATH,
            "Find edges: the image in grey (Pillow's L: 0.299 R + 0.587 G + 0.114 B) through Pillow's \
             FIND_EDGES filter (8 × centre − the 8 neighbours, clipped to 0–255; the one-pixel border is \
             kept). Edges are white on r, g and b; alpha is kept.",
        )
        .input("default", IMAGE, "The image (8-bit)")
        .output("default", IMAGE, "The edges"),
        |ctx| {
            let (ch, _) = channels(ctx)?;
            if !ch.iter().all(|m| is_u8(m)) {
                return Err(NodeError::new(
                    "EDGE_DETECTION needs an 8-bit image (whole numbers 0–255), as Pillow's fromarray",
                ));
            }
            let (h, w) = (ch[0].rows, ch[0].cols);
            let l: Vec<i64> = pil_luma(ch[0], ch[1], ch[2]).data.iter().map(|&v| v as i64).collect();
            let mut e: Vec<f64> = l.iter().map(|&v| v as f64).collect();
            if h >= 3 && w >= 3 {
                for r in 1..h - 1 {
                    for c in 1..w - 1 {
                        let mut s = 8 * l[r * w + c];
                        for (dr, dc) in [(-1i64, -1i64), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)] {
                            s -= l[(r as i64 + dr) as usize * w + (c as i64 + dc) as usize];
                        }
                        e[r * w + c] = s.clamp(0, 255) as f64;
                    }
                }
            }
            let m = Matrix { rows: h, cols: w, data: e };
            // the RGB result does not split into four channels, so Flojoy's `a` stays the input's
            let mut out = vec![m.clone(), m.clone(), m];
            out.extend(ch.get(3).map(|a| (*a).clone()));
            Ok(Outputs::one(image_of(out)))
        },
    )
}
