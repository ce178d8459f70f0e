//! SURFACE3D: a 3-D surface.

use super::PLOTLY;
use super::heatmap::{plotly_js_number, triple_grid};
use super::traces::plot_layout;
use crate::nodes::{NodeDef, Outputs};
use crate::spec::NodeSpec;
use crate::value::{ColumnData, DataType as T, Matrix, Trace, TypeSet, Value};

pub(super) fn surface3d() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SURFACE3D",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot a 3-D surface: a Surface, a Matrix or DataFrame (z over the row and column indices), or \
             an OrderedTriple (z over the unique x and y, padded with zeros or cut to fit).",
        )
        .input("default", TypeSet::union(&[T::OrderedTriple, T::DataFrame, T::Surface, T::Matrix]), "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let trace = match ctx.need("default")? {
                Value::OrderedTriple { x, y, z } => {
                    let (ux, uy, z) = triple_grid(x, y, z);
                    // X, Y = np.meshgrid(x, y)
                    let gx = Matrix {
                        rows: uy.len(),
                        cols: ux.len(),
                        data: uy.iter().flat_map(|_| ux.iter().copied()).collect(),
                    };
                    let gy = Matrix {
                        rows: uy.len(),
                        cols: ux.len(),
                        data: uy.iter().flat_map(|&v| std::iter::repeat_n(v, ux.len())).collect(),
                    };
                    Trace::new("surface").matrix("x", gx).matrix("y", gy).matrix("z", z)
                }
                Value::Surface { x, y, z } => {
                    Trace::new("surface").array("x", x.clone()).array("y", y.clone()).matrix("z", z.clone())
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
