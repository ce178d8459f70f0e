//! COMPUTER_VISION: image filters, following the libraries Flojoy's blocks call: OpenCV's
//! smoothing filters, Pillow's FIND_EDGES, scikit-image's rotate, swirl and exposure curves.
//!
//! Our channels are f64. Where Flojoy's behaviour depends on numpy's dtype, an image whose values
//! are all whole numbers in 0..=255 stands for a uint8 image (what SKIMAGE and LOCAL_FILE give),
//! any other for a float64 image.

use super::{Ctx, NodeDef, NodeError};
use crate::value::{DataType as T, Matrix, TypeSet, Value};

mod channel;
mod edge_detection;
mod exposure;
mod rotate;
mod smoothing;
mod swirl;

const PATH: &str = "COMPUTER_VISION";
const IMAGE: TypeSet = TypeSet::of(T::Image);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        smoothing::image_smoothing(),
        edge_detection::edge_detection(),
        rotate::rotate_image(),
        swirl::image_swirl(),
        exposure::gamma_adjustment(),
        exposure::logarithmic_adjustment(),
        channel::channel_split(),
        channel::channel_merge(),
    ]
}

/// The input image's channels: r, g, b and the alpha channel if any.
fn channels<'a>(ctx: &Ctx<'a>) -> Result<(Vec<&'a Matrix>, bool), NodeError> {
    match ctx.need("default")? {
        Value::Image { r, g, b, a } => {
            let mut ch = vec![r, g, b];
            ch.extend(a.as_ref());
            if r.data.is_empty() {
                return Err(NodeError::new("the image is empty"));
            }
            Ok((ch, a.is_some()))
        }
        other => Err(ctx.wrong_type("default", other)),
    }
}

/// An Image from 3 or 4 channels.
fn image_of(mut ch: Vec<Matrix>) -> Value {
    let a = if ch.len() > 3 { ch.pop() } else { None };
    let b = ch.pop().unwrap_or_default();
    let g = ch.pop().unwrap_or_default();
    let r = ch.pop().unwrap_or_default();
    Value::Image { r, g, b, a }
}
