//! SURFACE3D: a 3-D surface.

use super::PLOTLY;
use serde_json::Value as Json;

use super::heatmap::plotly_js_number;
use super::traces::{axis_array, plot_layout};
use crate::nodes::{NodeDef, Outputs};
use crate::numeric::array::triple_grid;
use crate::spec::NodeSpec;
use crate::value::{ColumnData, DataType as T, Matrix, Trace, TypeSet, Value};

/// One of np.meshgrid's rows × cols arrays of an axis as a trace attribute: cell (r, c) holds
/// `axis[at(r, c)]`; numbers as a matrix, text as rows of strings.
fn meshgrid(t: Trace, key: &str, axis: &ColumnData, rows: usize, cols: usize, at: fn(usize, usize) -> usize) -> Trace {
    match axis {
        ColumnData::Num(v) => {
            let data = (0..rows).flat_map(|r| (0..cols).map(move |c| v[at(r, c)])).collect();
            t.matrix(key, Matrix { rows, cols, data })
        }
        ColumnData::Text(v) => {
            let grid = (0..rows).map(|r| (0..cols).map(|c| Json::from(v[at(r, c)].as_str())).collect()).collect();
            t.attr(key, Json::Array(grid))
        }
    }
}

pub(super) fn surface3d() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SURFACE3D",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot a 3-D surface: a Surface, a Matrix or DataFrame (z over the row and column indices), or \
             an OrderedTriple (z over the unique x and y, padded with zeros or cut to fit; a text axis as \
             categories, sorted as Python sorts strings).",
        )
        .input("default", TypeSet::union(&[T::OrderedTriple, T::DataFrame, T::Surface, T::Matrix]), "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let trace = match ctx.need("default")? {
                Value::OrderedTriple { x, y, z } => {
                    let (ux, uy, z) = triple_grid(x, y, z, "SURFACE3D")?;
                    // X, Y = np.meshgrid(x, y): x along each row, y down each column
                    let (rows, cols) = (uy.len(), ux.len());
                    let t = meshgrid(Trace::new("surface"), "x", &ux, rows, cols, |_, c| c);
                    meshgrid(t, "y", &uy, rows, cols, |r, _| r).matrix("z", z)
                }
                Value::Surface { x, y, z } => {
                    let t = axis_array(axis_array(Trace::new("surface"), "x", x), "y", y);
                    t.matrix("z", z.clone())
                }
                Value::Matrix { m } => Trace::new("surface").matrix("z", m.clone()),
                Value::DataFrame { m } => {
                    let mut data = Vec::with_capacity(m.rows() * m.columns.len());
                    for r in 0..m.rows() {
                        for c in &m.columns {
                            match &c.data {
                                ColumnData::Num(v) => data.push(v[r]),
                                // go.Surface(z=df.values) sends the text as is and plotly.js reads
                                // it as HEATMAP's z does: a number where it can, else a gap
                                ColumnData::Text(v) => data.push(plotly_js_number(&v[r])),
                            }
                        }
                    }
                    Trace::new("surface").matrix("z", Matrix { rows: m.rows(), cols: m.columns.len(), data })
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::Plotly { fig: plot_layout(vec![trace], "SURFACE3D") }))
        },
    )
}
