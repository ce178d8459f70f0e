//! Tables and matrices as pandas converts them: a DataFrame's numbers as a Matrix
//! (`df.to_numpy()`), a Matrix as a DataFrame (`pd.DataFrame(m)`), and which columns pandas
//! would keep as int64; an OrderedTriple's or Surface's axis as numbers.

use super::{Column, ColumnData, DataFrame, Matrix};
use crate::error::NodeError;

/// The numbers of a DataFrame column, or an error naming the column and the node.
pub fn numeric_column<'a>(c: &'a Column, node: &str) -> Result<&'a [f64], NodeError> {
    c.data.as_num().ok_or_else(|| NodeError(format!("column '{}' holds text; {node} needs numbers", c.name)))
}

/// The numbers of an OrderedTriple's or Surface's axis (`"x"`, `"y"`, `"z"`), or an error
/// naming the axis and the node.
pub fn axis_numbers<'a>(axis: &'a ColumnData, name: &str, node: &str) -> Result<&'a [f64], NodeError> {
    axis.as_num().ok_or_else(|| NodeError(format!("the {name} axis holds text; {node} needs numbers there")))
}

/// A DataFrame as a rows × columns Matrix of numbers (`df.to_numpy()`).
pub fn frame_to_matrix(df: &DataFrame, node: &str) -> Result<Matrix, NodeError> {
    let cols = df.columns.iter().map(|c| numeric_column(c, node)).collect::<Result<Vec<_>, _>>()?;
    let rows = df.rows();
    let data = (0..rows).flat_map(|r| cols.iter().map(move |c| c[r])).collect();
    Ok(Matrix { rows, cols: cols.len(), data })
}

/// `pd.DataFrame(matrix)`: one numeric column per matrix column, named 0, 1, 2, …
pub fn matrix_to_frame(m: &Matrix) -> DataFrame {
    DataFrame::new((0..m.cols).map(|c| DataFrame::num(&c.to_string(), m.column(c))).collect())
}

/// A whole-number column (no NaN), as pandas keeps int64 columns: written without ".0".
pub fn integral_column(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite() && x.fract() == 0.0 && x.abs() < 9.2e18)
}
