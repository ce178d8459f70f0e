//! HEATMAP: a grid of numbers as colours, optionally with its values and a histogram.

use serde_json::{Value as Json, json};

use super::PLOTLY;
use super::template::{merge, plotly_template, update_with_plot_layout};
use super::traces::axis_array;
use crate::nodes::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::array::{arange, triple_grid};
use crate::numeric::histogram::histogram_auto;
use crate::spec::NodeSpec;
use crate::value::{ColumnData, DataType as T, Figure, Matrix, Trace, TypeSet, Value};

/// `np.reshape(v, (2, len(v)//2))` of a 1-D array.
fn two_rows(v: &[f64]) -> Result<Matrix, NodeError> {
    let half = v.len() / 2;
    if v.len() != 2 * half {
        return Err(NodeError(format!("cannot reshape array of size {} into shape (2,{half})", v.len())));
    }
    Ok(Matrix { rows: 2, cols: half, data: v.to_vec() })
}

/// A text cell of z as plotly.js reads it (`Lib.cleanNumber`): quotes, `%`, `$`, `#` and
/// spaces stripped from both ends, commas and spaces removed, then a decimal number; anything
/// else is a gap (NaN). (plotly.js also reads hexadecimal; no Flojoy data has it.)
pub(super) fn plotly_js_number(s: &str) -> f64 {
    let edge = |c: char| matches!(c, '\'' | '"' | '%' | ',' | '$' | '#') || c.is_whitespace();
    let s: String = s.trim_matches(edge).chars().filter(|&c| c != ',' && c != ' ').collect();
    let numeric = !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if numeric { s.parse::<f64>().unwrap_or(f64::NAN) } else { f64::NAN }
}

pub(super) fn heatmap() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "HEATMAP",
            "DATA/VISUALIZATION/PLOTLY",
            "Show a grid of numbers as colours: a Matrix or Grayscale image, a DataFrame, an \
             OrderedTriple (z over the unique x and y), or a Vector/OrderedPair folded into two rows. \
             Optionally writes the values in the cells and adds a histogram of the values beside it.",
        )
        .input(
            "default",
            TypeSet::union(&[
                T::OrderedPair,
                T::Matrix,
                T::Grayscale,
                T::DataFrame,
                T::Vector,
                T::OrderedTriple,
                T::Surface,
            ]),
            "The data",
        )
        .output("default", PLOTLY, "The figure")
        .bool("show_text", false, "Write each value in its cell")
        .bool("histogram", false, "Add a histogram of the values beside the heatmap (a zmax slider too)"),
        run_heatmap,
    )
}

fn run_heatmap(ctx: &mut Ctx<'_>) -> NodeResult {
    let (show_text, with_hist) = (ctx.bool("show_text"), ctx.bool("histogram"));
    let mut fig = Figure::new(Vec::new()).layout("template", plotly_template());
    let heat = |z: &Matrix| {
        let t = Trace::new("heatmap").matrix("z", z.clone()).attr("texttemplate", "%{text}");
        let t = if show_text { t.matrix("text", z.clone()) } else { t };
        if with_hist { t.attr("xaxis", "x").attr("yaxis", "y") } else { t }
    };
    // (z for the histogram, whether its bars lie along y)
    let mut hist: Option<(Matrix, bool)> = None;
    match ctx.need("default")? {
        Value::Vector { v } => {
            let z = two_rows(v)?;
            fig.traces.push(heat(&z));
            hist = Some((z, false));
        }
        Value::OrderedPair { x, y } => {
            let z = two_rows(y)?;
            fig.traces.push(heat(&z).array("x", x.clone()).array("y", y.clone()));
            hist = Some((z, false));
        }
        Value::OrderedTriple { x, y, z } => {
            let (ux, uy, z) = triple_grid(x, y, z, "HEATMAP")?;
            fig.traces.push(axis_array(axis_array(heat(&z), "x", &ux), "y", &uy));
            hist = Some((z, false));
        }
        Value::Matrix { m } => {
            fig.traces.push(heat(m));
            hist = Some((m.clone(), false));
        }
        Value::Grayscale { m } => {
            fig.traces.push(heat(m));
            hist = Some((m.clone(), true));
        }
        Value::DataFrame { m } => {
            // px.imshow(df, text_auto=show_text) replaces the figure. (With histogram=True Flojoy then
            // fails, reading the histogram of a DataFrame it never made; here the heatmap is shown alone.)
            // A text column (iris' species) goes into z as strings, which plotly.js reads as numbers
            // where it can and draws as gaps where it cannot; z holds what plotly.js draws.
            let mut data = Vec::with_capacity(m.rows() * m.columns.len());
            for r in 0..m.rows() {
                for c in &m.columns {
                    data.push(match &c.data {
                        ColumnData::Num(v) => v[r],
                        ColumnData::Text(v) => plotly_js_number(&v[r]),
                    });
                }
            }
            let z = Matrix { rows: m.rows(), cols: m.columns.len(), data };
            let names: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
            let mut t = Trace::new("heatmap")
                .attr("coloraxis", "coloraxis")
                .attr("name", "0")
                .attr("x", json!(names))
                .array("y", arange(m.rows()))
                .matrix("z", z)
                .attr("xaxis", "x")
                .attr("yaxis", "y")
                .attr("hovertemplate", "x: %{x}<br>y: %{y}<br>color: %{z}<extra></extra>");
            if show_text {
                t = t.attr("texttemplate", "%{z}");
            }
            let sequential = plotly_template()["layout"]["colorscale"]["sequential"].clone();
            let mut f = Figure::new(vec![t])
                .layout("template", plotly_template())
                .layout(
                    "xaxis",
                    json!({"anchor": "y", "domain": [0.0, 1.0], "scaleanchor": "y", "constrain": "domain"}),
                )
                .layout(
                    "yaxis",
                    json!({"anchor": "x", "domain": [0.0, 1.0], "autorange": "reversed", "constrain": "domain"}),
                )
                .layout("coloraxis", json!({"colorscale": sequential}))
                .layout("margin", json!({"t": 60}));
            update_with_plot_layout(&mut f, "HEATMAP");
            return Ok(Outputs::one(Value::Plotly { fig: f }));
        }
        // Flojoy's port lists Surface but its block draws nothing for it: an empty heatmap figure
        Value::Surface { .. } => {}
        other => ctx.cannot_draw("default", other),
    }
    if with_hist {
        // make_subplots(rows=1, cols=2, column_widths=[0.9, 0.1], horizontal_spacing=0.05)
        fig.layout.insert("xaxis".into(), json!({"anchor": "y", "domain": [0.0, 0.855]}));
        fig.layout.insert("yaxis".into(), json!({"anchor": "x", "domain": [0.0, 1.0]}));
        fig.layout.insert("xaxis2".into(), json!({"anchor": "y2", "domain": [0.905, 1.0]}));
        fig.layout.insert("yaxis2".into(), json!({"anchor": "x2", "domain": [0.0, 1.0]}));
        let steps: Vec<Json> = (1..255)
            .map(|v| json!({"label": v.to_string(), "method": "restyle", "args": [{"zmin": 0, "zmax": v}]}))
            .collect();
        let mut extra = json!({"sliders": [{"steps": steps, "name": "zmax"}]});
        if let Some((z, along_y)) = hist {
            let (counts, edges) = histogram_auto(&z.data)?;
            let xv: Vec<f64> = edges[..edges.len() - 1].iter().map(|e| e + 0.05).collect();
            let bar = Trace::new("bar").attr("orientation", "h").attr("showlegend", false);
            let bar = if along_y {
                bar.array("y", xv.clone()).array("x", counts.clone())
            } else {
                bar.array("x", xv.clone()).array("y", counts.clone())
            };
            fig.traces.push(bar.attr("xaxis", "x2").attr("yaxis", "y2"));
            let top = counts.iter().copied().fold(f64::MIN, f64::max);
            let (lo, hi) = (xv.iter().copied().fold(f64::MAX, f64::min), xv.iter().copied().fold(f64::MIN, f64::max));
            merge(
                &mut extra,
                &json!({
                    "xaxis2": {"tickmode": "array", "tickvals": [0, top], "ticktext": ["0", format!("{top:.0}")]},
                    "yaxis2": {"tickmode": "array", "tickvals": [lo, hi], "ticktext": ["", ""]},
                }),
            );
        }
        let mut layout = Json::Object(std::mem::take(&mut fig.layout));
        merge(&mut layout, &extra);
        if let Json::Object(o) = layout {
            fig.layout = o;
        }
    }
    update_with_plot_layout(&mut fig, "HEATMAP");
    Ok(Outputs::one(Value::Plotly { fig }))
}

#[cfg(test)]
mod tests {
    use super::plotly_js_number;

    #[test]
    fn text_cells_read_as_plotly_js_reads_them() {
        for (s, want) in [("12", 12.0), (" $1,200 ", 1200.0), ("'-3.5e2'", -350.0), ("50%", 50.0), (".5", 0.5)] {
            assert_eq!(plotly_js_number(s), want, "{s:?}");
        }
        for s in ["setosa", "", "inf", "NaN", "1_000", "2023-01-01", "1-"] {
            assert!(plotly_js_number(s).is_nan(), "{s:?}");
        }
    }
}
