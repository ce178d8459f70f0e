//! CHANNEL_SPLIT and CHANNEL_MERGE.

use super::{IMAGE, PATH};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Matrix, TypeSet, Value};

pub(super) fn channel_split() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "CHANNEL_SPLIT",
            PATH,
            "Split an image into four images, one per channel: r, g and b each alone (the others 0, alpha \
             255), and a with only the alpha channel.",
        )
        .input("default", TypeSet::union(&[T::Image, T::Matrix]), "The image")
        .output("r", IMAGE, "The red channel")
        .output("g", IMAGE, "The green channel")
        .output("b", IMAGE, "The blue channel")
        .output("a", IMAGE, "The alpha channel"),
        |ctx| {
            let (r, g, b, a) = match ctx.need("default")? {
                Value::Image { r, g, b, a } => (r, g, b, a),
                // Flojoy's Matrix branch always ends in this error (its shape test can never pass)
                Value::Matrix { .. } => {
                    return Err(NodeError::new("Input array is not of sensible size to split channels"));
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            let zeros = Matrix::zeros(r.rows, r.cols);
            let ones = Matrix { rows: r.rows, cols: r.cols, data: vec![255.0; r.rows * r.cols] };
            let img = |r: &Matrix, g: &Matrix, b: &Matrix, a: Option<&Matrix>| Value::Image {
                r: r.clone(),
                g: g.clone(),
                b: b.clone(),
                a: a.cloned(),
            };
            Ok(Outputs::none()
                .with("r", img(r, &zeros, &zeros, Some(&ones)))
                .with("g", img(&zeros, g, &zeros, Some(&ones)))
                .with("b", img(&zeros, &zeros, b, Some(&ones)))
                .with("a", img(&zeros, &zeros, &zeros, a.as_ref())))
        },
    )
}

pub(super) fn channel_merge() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "CHANNEL_MERGE",
            PATH,
            "Merge four single-channel images (as CHANNEL_SPLIT makes them) into one: red's r, green's g, \
             blue's b and alpha's a. Each input must hold only its channel (the others 0, alpha 255).",
        )
        .input("red", IMAGE, "The red channel")
        .input("green", IMAGE, "The green channel")
        .input("blue", IMAGE, "The blue channel")
        .input("alpha", IMAGE, "The alpha channel")
        .output("default", IMAGE, "The merged image"),
        |ctx| {
            let get = |name: &str| -> Result<(&Matrix, &Matrix, &Matrix, Option<&Matrix>), NodeError> {
                match ctx.need(name)? {
                    Value::Image { r, g, b, a } => Ok((r, g, b, a.as_ref())),
                    other => Err(ctx.wrong_type(name, other)),
                }
            };
            let (red, green, blue, alpha) = (get("red")?, get("green")?, get("blue")?, get("alpha")?);
            let shape = (red.0.rows, red.0.cols);
            let is = |m: Option<&Matrix>, v: f64| {
                m.is_some_and(|m| (m.rows, m.cols) == shape && m.data.iter().all(|x| *x == v))
            };
            if !(is(Some(red.1), 0.0) && is(Some(red.2), 0.0) && is(red.3, 255.0)) {
                return Err(NodeError::new("Red input had nonzero values for the other channels."));
            }
            if !(is(Some(blue.0), 0.0) && is(Some(blue.1), 0.0) && is(blue.3, 255.0)) {
                return Err(NodeError::new("Blue input had nonzero values for the other channels."));
            }
            if !(is(Some(green.0), 0.0) && is(Some(green.2), 0.0) && is(green.3, 255.0)) {
                return Err(NodeError::new("Green input had nonzero values for the other channels."));
            }
            // Flojoy checks alpha's r and b (b twice), not its g
            if !(is(Some(alpha.0), 0.0) && is(Some(alpha.2), 0.0)) {
                return Err(NodeError::new("Alpha input had nonzero values for the other channels."));
            }
            Ok(Outputs::one(Value::Image {
                r: red.0.clone(),
                g: green.1.clone(),
                b: blue.2.clone(),
                a: alpha.3.cloned(),
            }))
        },
    )
}
