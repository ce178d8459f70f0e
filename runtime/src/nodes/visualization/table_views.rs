//! MATRIX_VIEW and ARRAY_VIEW: a few values of an array in a plotly table.

use serde_json::{Value as Json, json};

use super::PLOTLY;
use super::template::plotly_template;
use super::traces::nums;
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{ColumnData, DataType as T, Figure, Trace, TypeSet, Value};

const L_DOT: &str = "$\\ldots$";

const V_DOT: &str = "$\\vdots$";

const D_DOT: &str = "$\\ddots$";

fn num(x: f64) -> Json {
    serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
}

/// The Table trace and fixed-size layout both views use (`fig.layout = go.Layout(...)` brings
/// back plotly's default template).
fn table_view(cell_values: Vec<Json>, width: u32) -> Figure {
    let t = Trace::new("table").attr("header", json!({"line": {"width": 0}, "values": []})).attr(
        "cells",
        json!({
            "values": cell_values,
            "line": {"width": 3},
            "font": {"size": 10},
            "height": 50,
            "align": "center",
            "format": [".3"],
        }),
    );
    Figure::new(vec![t])
        .layout("autosize", false)
        .layout("width", width)
        .layout("height", width + 80)
        .layout("margin", json!({"l": 0, "r": 0, "t": 0, "b": 0}))
        .layout("xaxis", json!({"visible": false}))
        .layout("yaxis", json!({"visible": false}))
        .layout("hovermode", "closest")
        .layout("font", json!({"size": 10}))
        .layout("template", plotly_template())
}

/// `arr.reshape(-1, 1)` as plotly cell columns: one single-cell column per element.
fn one_per_column(cells: Vec<Json>) -> Vec<Json> {
    cells.into_iter().map(|c| json!([c])).collect()
}

pub(super) fn matrix_view() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "MATRIX_VIEW",
            "DATA/VISUALIZATION/DATA_STRUCTURE",
            "Show a Matrix (or a Vector, or an OrderedPair's y) as a table of at most 8×8 cells; larger \
             arrays show their corners with ellipses.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Matrix]), "The array")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            const MAX: usize = 8;
            let one_d = |v: &[f64]| -> Vec<Json> {
                let mut cells: Vec<Json> =
                    v.iter().take(if v.len() > MAX { MAX } else { v.len() }).map(|&x| num(x)).collect();
                if v.len() > MAX {
                    cells[MAX - 2] = json!(L_DOT);
                }
                one_per_column(cells)
            };
            let cells = match ctx.need("default")? {
                Value::Matrix { m } => {
                    let (rows, cols) = (m.rows, m.cols);
                    if rows > MAX || cols > MAX {
                        if rows < MAX - 2 || cols < MAX - 2 {
                            let (r, c) = (rows.min(MAX - 2), cols.min(MAX - 2));
                            return Err(NodeError(format!(
                                "could not broadcast input array from shape ({r},{c}) into shape (6,6) (MATRIX_VIEW \
                                 shows a large matrix only when it has at least 6 rows and 6 columns)"
                            )));
                        }
                        let mut n = vec![vec![json!(D_DOT); MAX]; MAX];
                        for (i, row) in n.iter_mut().enumerate().take(MAX - 2) {
                            for (j, cell) in row.iter_mut().enumerate().take(MAX - 2) {
                                *cell = num(m.get(i, j));
                            }
                            row[MAX - 1] = num(m.get(i, cols - 1));
                        }
                        for (j, cell) in n[MAX - 1].iter_mut().enumerate().take(MAX - 2) {
                            *cell = num(m.get(rows - 1, j));
                        }
                        n[MAX - 1][MAX - 1] = num(m.get(rows - 1, cols - 1));
                        n[0][MAX - 2] = json!(L_DOT);
                        n[MAX - 1][MAX - 2] = json!(L_DOT);
                        n[MAX - 2][0] = json!(V_DOT);
                        n[MAX - 2][MAX - 1] = json!(V_DOT);
                        // new_arr.T: plotly reads each inner list as a column
                        (0..MAX).map(|j| Json::Array((0..MAX).map(|i| n[i][j].clone()).collect())).collect()
                    } else {
                        (0..cols).map(|j| nums(&m.column(j))).collect()
                    }
                }
                Value::Vector { v } => one_d(v),
                Value::OrderedPair { y, .. } => one_d(y),
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::Plotly { fig: table_view(cells, (MAX * 50 + 80) as u32) }))
        },
    )
}

pub(super) fn array_view() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "ARRAY_VIEW",
            "DATA/VISUALIZATION/DATA_STRUCTURE",
            "Show the first values of an array in a table: an OrderedPair's y, a Matrix's or DataFrame's \
             rows (a DataFrame without its last column, as in Flojoy), or an Image's pixels.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Matrix, T::DataFrame, T::Image]), "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            const MAX: usize = 10;
            // numpy_array_as_table: rows of cells (a 1-D array has one cell per row)
            let rows: Vec<Vec<Json>> = match ctx.need("default")? {
                Value::OrderedPair { y, .. } => y.iter().map(|&x| vec![num(x)]).collect(),
                Value::Matrix { m } => (0..m.rows).map(|r| m.row(r).iter().map(|&x| num(x)).collect()).collect(),
                Value::DataFrame { m } => {
                    let keep = m.columns.len().saturating_sub(1);
                    (0..m.rows())
                        .map(|r| {
                            m.columns[..keep]
                                .iter()
                                .map(|c| match &c.data {
                                    ColumnData::Num(v) => num(v[r]),
                                    ColumnData::Text(v) => json!(v[r]),
                                })
                                .collect()
                        })
                        .collect()
                }
                Value::Image { r, g, b, a } => {
                    let mut ch = vec![r, g, b];
                    ch.extend(a.as_ref());
                    (0..r.data.len()).map(|i| ch.iter().map(|m| num(m.data[i])).collect()).collect()
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            let size: usize = rows.iter().map(Vec::len).sum();
            let mut rows = rows;
            if size > MAX {
                rows.truncate(MAX);
                let Some(row) = rows.get_mut(MAX - 2) else {
                    return Err(NodeError(format!(
                        "index 8 is out of bounds for axis 0 with size {} (ARRAY_VIEW needs at least 9 rows when \
                         there are more than 10 values)",
                        rows.len()
                    )));
                };
                for cell in row.iter_mut() {
                    *cell = json!(L_DOT);
                }
            }
            let cells = one_per_column(rows.into_iter().flatten().collect());
            // Flojoy compares the type with "image"/"dataframe" in lower case, which never matches:
            // the width is always 10·50 + 80
            Ok(Outputs::one(Value::Plotly { fig: table_view(cells, (MAX * 50 + 80) as u32) }))
        },
    )
}
