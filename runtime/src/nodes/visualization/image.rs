//! IMAGE: plotly express' imshow, which sends RGB(A) images to plotly.js as a PNG data URI.

use super::PLOTLY;
use super::traces::plot_layout;
use crate::nodes::{NodeDef, Outputs};
use crate::numeric::array::np_u8;
use crate::numeric::png::{base64, png_stored};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Matrix, Trace, TypeSet, Value};

/// `px.imshow(img)` of an RGB(A) image: one `image` trace with the picture as a PNG data URI.
/// A uint8 image is sent as it is; any other is first rescaled to 0..255 over 0..zmax, zmax
/// inferred from its largest value (1, 255, 65535 or 2³²), and then its hover shows no colour.
pub(super) fn imshow(channels: &[&Matrix]) -> Trace {
    let (h, w, n) = (channels[0].rows, channels[0].cols, channels.len());
    // one pass while every value is a byte (a camera's or a file's picture, the common case)
    let mut pixels = vec![0u8; h * w * n];
    let uint8 = channels.iter().enumerate().all(|(c, m)| {
        m.data.iter().zip(pixels.iter_mut().skip(c).step_by(n)).all(|(&v, p)| {
            *p = v as u8;
            v.fract() == 0.0 && (0.0..=255.0).contains(&v)
        })
    });
    let mut changed = false;
    if !uint8 {
        let max =
            channels.iter().flat_map(|m| m.data.iter()).copied().filter(|v| v.is_finite()).fold(f64::MIN, f64::max);
        let zmax = if max <= 1.05 {
            1.0
        } else if max <= 255.0 * 1.05 {
            255.0
        } else if max <= 65535.0 * 1.05 {
            65535.0
        } else {
            4_294_967_296.0
        };
        for (c, m) in channels.iter().enumerate() {
            for (&v, p) in m.data.iter().zip(pixels.iter_mut().skip(c).step_by(n)) {
                // rescale_intensity(img, in_range=(0, zmax), out_range=np.uint8): clip, scale, truncate
                let s = np_u8(v.clamp(0.0, zmax) / zmax * 255.0);
                changed |= s != v;
                *p = s as u8;
            }
        }
    }
    let png = png_stored(w, h, n, &pixels);
    let hover = if changed {
        "x: %{x}<br>y: %{y}<extra></extra>"
    } else if n == 3 {
        "x: %{x}<br>y: %{y}<br>color: [%{z[0]}, %{z[1]}, %{z[2]}]<extra></extra>"
    } else {
        "x: %{x}<br>y: %{y}<br>color: %{z}<extra></extra>"
    };
    Trace::new("image")
        .attr("name", "0")
        .attr("source", format!("data:image/png;base64,{}", base64(&png)))
        .attr("xaxis", "x")
        .attr("yaxis", "y")
        .attr("hovertemplate", hover)
}

pub(super) fn image() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "IMAGE",
            "DATA/VISUALIZATION/PLOTLY",
            "Show an Image (RGB or RGBA) or a Grayscale image (values 0–1, shown ×255), as plotly \
             express' imshow does.",
        )
        .input("default", TypeSet::union(&[T::Image, T::Grayscale]), "The image")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let trace = match ctx.need("default")? {
                Value::Image { r, g, b, a } => {
                    let mut ch = vec![r, g, b];
                    ch.extend(a.as_ref());
                    imshow(&ch)
                }
                Value::Grayscale { m } => {
                    // rgb_image[..., c] = img * 255 into a uint8 array
                    let u =
                        Matrix { rows: m.rows, cols: m.cols, data: m.data.iter().map(|v| np_u8(v * 255.0)).collect() };
                    imshow(&[&u, &u, &u])
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            // fig.layout = plot_layout("IMAGE") replaces plotly express' layout
            Ok(Outputs::one(Value::Plotly { fig: plot_layout(vec![trace], "IMAGE") }))
        },
    )
}
