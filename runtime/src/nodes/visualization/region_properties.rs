//! REGION_PROPERTIES: scikit-image's `label` and `regionprops` of an integer image, drawn as
//! Flojoy's block draws them (the image, each region's axes, centroid, bounding box and
//! contour, with its measures on hover).
//!
//! Where it differs from Flojoy: the demo image (no input) shows both of its ellipses, as the
//! block's docs intend and scikit-image ≥ 0.22 computes; under the 0.21 that Flojoy pinned,
//! `rotate` turned the first ellipse into values of 1/255, which the cast to integers erased.

use super::PLOTLY;
use super::image::imshow;
use super::traces::plot_layout;
use crate::nodes::{Ctx, NodeDef, NodeError, Outputs};
use crate::numeric::array::is_u8;
use crate::numeric::image::pil_luma;
use crate::numeric::regions::{Labels, Region, find_contours, label, regionprops, two_ellipses};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Figure, Matrix, Trace, TypeSet, Value};

/// The most regions one figure draws (a noisy camera frame has a hundred thousand).
const MAX_REGIONS: usize = 2000;

pub(super) fn region_properties() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "REGION_PROPERTIES",
            "COMPUTER_VISION",
            "Find the regions of an integer image (pixels of one non-zero value touching by an edge or a \
             corner: scikit-image's label) and draw them with their measures (regionprops): each region's \
             centroid, major and minor axes, bounding box and contour, and on hover its area, \
             eccentricity, perimeter, centroid, orientation and axis lengths. An 8-bit Image is turned \
             grey first (Pillow's L); a Grayscale or Matrix is cut to whole numbers. With no input, a \
             demo image of two ellipses.",
        )
        .optional_input(
            "default",
            TypeSet::union(&[T::Image, T::Grayscale, T::Matrix]),
            "The image (none: a demo image)",
        )
        .output("default", PLOTLY, "The image with its regions"),
        |ctx| {
            let (image, rows, cols) = integer_image(ctx)?;
            let labels = label(&image, rows, cols);
            if labels.count as usize > MAX_REGIONS {
                return Err(NodeError(format!(
                    "the image has {} regions; REGION_PROPERTIES draws at most {MAX_REGIONS} (each is five traces): \
                     threshold or smooth the image first",
                    labels.count
                )));
            }
            let regions = regionprops(&labels);
            Ok(Outputs::one(Value::Plotly { fig: figure(&image, &labels, &regions) }))
        },
    )
}

/// The block's integer image: an 8-bit Image through `convert("L")`; a Grayscale or Matrix as
/// `astype(int64)` (toward zero); no input, the demo image.
fn integer_image(ctx: &Ctx) -> Result<(Vec<i64>, usize, usize), NodeError> {
    let m = match ctx.input("default") {
        None => return Ok(two_ellipses()),
        Some(Value::Image { r, g, b, a }) => {
            let mut ch = vec![r, g, b];
            ch.extend(a.as_ref());
            if !ch.iter().all(|m| is_u8(m)) {
                return Err(NodeError::new(
                    "REGION_PROPERTIES needs an 8-bit Image (whole numbers 0–255), as Pillow's fromarray does",
                ));
            }
            pil_luma(r, g, b)
        }
        Some(Value::Grayscale { m } | Value::Matrix { m }) => m.clone(),
        Some(other) => return Err(ctx.wrong_type("default", other)),
    };
    if let Some(bad) = m.data.iter().find(|v| !v.is_finite()) {
        return Err(NodeError(format!(
            "input 'default' holds {bad}: REGION_PROPERTIES labels whole numbers, so every value must be finite"
        )));
    }
    Ok((m.data.iter().map(|&v| v as i64).collect(), m.rows, m.cols))
}

fn line(x: [f64; 2], y: [f64; 2]) -> Trace {
    Trace::new("scatter")
        .array("x", x.to_vec())
        .array("y", y.to_vec())
        .attr("mode", "lines")
        .attr("line", serde_json::json!({"color": "red", "width": 2.5}))
        .attr("showlegend", false)
}

/// The block's figure: imshow of `image * 255` as uint8, then per region its two half axes, a
/// centroid marker and its bounding box, then per region its first contour, filled, with the
/// measures as the hover text; the axes' ranges as the block sets them (x to the row count).
fn figure(image: &[i64], labels: &Labels, regions: &[Region]) -> Figure {
    // rgb_image[..., c] = image * 255 into a uint8 array: numpy wraps
    let grey = image.iter().map(|v| f64::from(v.wrapping_mul(255) as u8)).collect();
    let grey = Matrix { rows: labels.rows, cols: labels.cols, data: grey };
    let mut traces = vec![imshow(&[&grey, &grey, &grey])];
    for p in regions {
        let (y0, x0) = p.centroid;
        let (sin, cos) = p.orientation.sin_cos();
        traces.push(line([x0, x0 + cos * 0.5 * p.axis_minor_length], [y0, y0 - sin * 0.5 * p.axis_minor_length]));
        traces.push(line([x0, x0 - sin * 0.5 * p.axis_major_length], [y0, y0 - cos * 0.5 * p.axis_major_length]));
        traces.push(
            Trace::new("scatter")
                .array("x", vec![x0])
                .array("y", vec![y0])
                .attr("mode", "markers")
                .attr("marker", serde_json::json!({"color": "green", "size": 15}))
                .attr("showlegend", false),
        );
        let (minr, minc, maxr, maxc) = p.bbox;
        let (minr, minc, maxr, maxc) = (minr as f64, minc as f64, maxr as f64, maxc as f64);
        traces.push(
            Trace::new("scatter")
                .array("x", vec![minc, maxc, maxc, minc, minc])
                .array("y", vec![minr, minr, maxr, maxr, minr])
                .attr("mode", "lines")
                .attr("line", serde_json::json!({"color": "blue", "width": 2}))
                .attr("showlegend", false),
        );
    }
    for p in regions {
        let contour = find_contours(labels, p.label, Some(p.bbox)).into_iter().next().unwrap_or_default();
        traces.push(
            Trace::new("scatter")
                .array("x", contour.iter().map(|p| p.1).collect())
                .array("y", contour.iter().map(|p| p.0).collect())
                .attr("name", p.label.to_string())
                .attr("mode", "lines")
                .attr("fill", "toself")
                .attr("showlegend", false)
                .attr("hovertemplate", hover(p))
                .attr("hoveron", "points+fills"),
        );
    }
    let mut fig = plot_layout(traces, &format!("IMAGE with {} objects", labels.count));
    if let Some(x) = fig.layout.get_mut("xaxis").and_then(|a| a.as_object_mut()) {
        x.insert("range".into(), serde_json::json!([0, labels.rows]));
    }
    fig.layout("yaxis", serde_json::json!({"range": [0, labels.cols]}))
}

/// The block's hover text: each measure with two decimals, a tuple's parts numbered.
fn hover(p: &Region) -> String {
    let one = |name: &str, v: f64| format!("<b>{name}: {v:.2}</b><br>");
    [
        one("area", p.area),
        one("eccentricity", p.eccentricity),
        one("perimeter", p.perimeter),
        format!(" <b>centroid_0: {:.2}</b>, <b>centroid_1: {:.2}</b><br>", p.centroid.0, p.centroid.1),
        one("orientation", p.orientation),
        one("axis_major_length", p.axis_major_length),
        one("axis_minor_length", p.axis_minor_length),
    ]
    .concat()
}
