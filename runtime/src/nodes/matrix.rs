//! ETL/TRANSFORM/MATRIX_MANIPULATION: products, inversion, sorting, shuffling and transposing
//! Matrices, plus the small dense linear algebra they (and LEAST_SQUARES) need: LU inversion
//! with partial pivoting (LAPACK's `gesv`, as `numpy.linalg.inv`), and a one-sided Jacobi SVD
//! for pseudo-inverses and minimum-norm least squares (`pinv`, `lstsq`).

use rand::seq::SliceRandom;

use super::{NodeDef, NodeError, Outputs, seed_param};
use crate::numeric::linalg::{self, inverse, pinv};
use crate::numeric::sort::np_sort;
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Matrix, TypeSet, Value};

const PATH: &str = "ETL/TRANSFORM/MATRIX_MANIPULATION";
const MAT: TypeSet = TypeSet::of(T::Matrix);

pub fn nodes() -> Vec<NodeDef> {
    vec![dot_product(), invert(), matmul(), shuffle_matrix(), sort_matrix(), transpose()]
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn dot_product() -> NodeDef {
    let mv = TypeSet::union(&[T::Matrix, T::Vector]);
    NodeDef::sync(
        NodeSpec::new(
            "DOT_PRODUCT",
            PATH,
            "The dot product (numpy.dot) of two Vectors (a Scalar), a Matrix and a Vector (a Vector), or two \
             Matrices (a Matrix). To multiply by a Scalar, use MULTIPLY.",
        )
        .input("a", mv, "The left operand")
        .input("b", mv, "The right operand")
        .output("default", TypeSet::union(&[T::Matrix, T::Vector, T::Scalar]), "a · b"),
        |ctx| {
            let out = match (ctx.need("a")?, ctx.need("b")?) {
                (Value::Vector { v: a }, Value::Vector { v: b }) => {
                    if a.len() != b.len() {
                        return Err(NodeError::new("Vector sizes must be equal."));
                    }
                    Value::scalar(dot(a, b))
                }
                (Value::Matrix { m }, Value::Vector { v }) => {
                    if m.rows != v.len() {
                        return Err(NodeError::new("Vector size must be equal to Matrix column size."));
                    }
                    // Flojoy checks the rows, numpy then needs the columns to match too
                    if m.cols != v.len() {
                        return Err(NodeError(format!(
                            "shapes ({},{}) and ({},) not aligned: {} (dim 1) != {} (dim 0)",
                            m.rows,
                            m.cols,
                            v.len(),
                            m.cols,
                            v.len()
                        )));
                    }
                    Value::vector((0..m.rows).map(|r| dot(m.row(r), v)).collect())
                }
                (Value::Vector { v }, Value::Matrix { m }) => {
                    if v.len() != m.rows {
                        return Err(NodeError::new("Vector size must be equal to Matrix column size."));
                    }
                    Value::vector((0..m.cols).map(|c| (0..m.rows).map(|r| v[r] * m.get(r, c)).sum()).collect())
                }
                (Value::Matrix { m: a }, Value::Matrix { m: b }) => {
                    if a.cols != b.rows {
                        return Err(NodeError::new("Matrix 1 row length must be equal to Matrix 2 column length."));
                    }
                    Value::Matrix { m: linalg::matmul(a, b) }
                }
                (Value::Vector { .. } | Value::Matrix { .. }, b) => return Err(ctx.wrong_type("b", b)),
                (a, _) => return Err(ctx.wrong_type("a", a)),
            };
            Ok(Outputs::one(out))
        },
    )
}

fn invert() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "INVERT",
            PATH,
            "Invert a Matrix (numpy.linalg.inv; a non-square Matrix gets the pseudo-inverse, numpy.linalg.pinv \
             with rcond), or each y of an OrderedPair (x = the old y, y = 1/y). Note: with Flojoy's default \
             rcond = 1.0 every singular value is cut, so the pseudo-inverse is all zeros.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Matrix]), "The Matrix or OrderedPair to invert")
        .output("default", TypeSet::union(&[T::OrderedPair, T::Matrix]), "The inverse")
        .float(
            "rcond",
            1.0,
            "Pseudo-inverse only: singular values up to rcond × the largest are treated as zero",
        ),
        |ctx| {
            let out = match ctx.need("default")? {
                Value::OrderedPair { y, .. } => Value::pair(y.clone(), y.iter().map(|v| 1.0 / v).collect()),
                Value::Matrix { m } if m.rows != m.cols => {
                    let rcond = ctx
                        .opt_f64("rcond")
                        .ok_or_else(|| NodeError::new("Need scalar value to compare SVDs for pseudoinversion"))?;
                    if m.data.iter().any(|x| !x.is_finite()) {
                        return Err(NodeError::new("SVD did not converge: the Matrix holds NaN or infinity"));
                    }
                    Value::Matrix { m: pinv(m, rcond) }
                }
                Value::Matrix { m } => Value::Matrix {
                    m: inverse(m).ok_or_else(|| NodeError::new("Inversion failed! Singular matrix returned..."))?,
                },
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(out))
        },
    )
}

fn matmul() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("MATMUL", PATH, "Multiply two matrices (numpy.matmul): a is n×k, b is k×m, the result n×m.")
            .input("a", MAT, "The matrix on the left")
            .input("b", MAT, "The matrix on the right")
            .output("default", MAT, "a × b"),
        |ctx| {
            let (a, b) = (ctx.matrix("a")?, ctx.matrix("b")?);
            if a.cols != b.rows {
                return Err(NodeError(format!(
                    "matmul: a is {}×{} and b is {}×{}: a's columns must equal b's rows \
                     (mismatch in its core dimension 0: {} is different from {})",
                    a.rows, a.cols, b.rows, b.cols, b.rows, a.cols
                )));
            }
            Ok(Outputs::one(Value::Matrix { m: linalg::matmul(a, b) }))
        },
    )
}

fn shuffle_matrix() -> NodeDef {
    NodeDef::sync(
        seed_param(
            NodeSpec::new(
                "SHUFFLE_MATRIX",
                PATH,
                "Shuffle a Matrix randomly. As Flojoy's code does it (opposite to its docs): axis 0 permutes \
                 the columns, axis 1 permutes the rows.",
            )
            .input("default", MAT, "The input Matrix")
            .output("default", MAT, "The shuffled Matrix")
            .int("axis", 0, "0: shuffle the columns; 1: shuffle the rows"),
        ),
        |ctx| {
            let m = ctx.matrix("default")?;
            let axis = ctx.int("axis")?;
            let mut g = ctx.rng();
            let out = match axis {
                1 => {
                    let mut order: Vec<usize> = (0..m.rows).collect();
                    order.shuffle(&mut g);
                    Matrix { rows: m.rows, cols: m.cols, data: order.iter().flat_map(|&r| m.row(r).to_vec()).collect() }
                }
                0 => {
                    let mut order: Vec<usize> = (0..m.cols).collect();
                    order.shuffle(&mut g);
                    let data = (0..m.rows).flat_map(|r| order.iter().map(move |&c| m.get(r, c))).collect();
                    Matrix { rows: m.rows, cols: m.cols, data }
                }
                _ => return Err(NodeError(format!("Axis must be either 0 or 1, but provided {axis}"))),
            };
            Ok(Outputs::one(Value::Matrix { m: out }))
        },
    )
}

fn sort_matrix() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SORT_MATRIX",
            PATH,
            "Sort a Matrix along an axis (numpy.sort): each row (axis −1 or 1) or each column (axis 0 or −2) \
             independently, ascending, NaNs last.",
        )
        .input("a", MAT, "The input Matrix")
        .output("default", MAT, "The sorted Matrix")
        .int("axis", -1, "−1 or 1 sorts within rows; 0 or −2 within columns"),
        |ctx| {
            let m = ctx.matrix("a")?;
            let axis = ctx.int("axis")?;
            let out = match axis {
                -1 | 1 => {
                    let mut out = m.clone();
                    if m.cols > 0 {
                        out.data.chunks_mut(m.cols).for_each(np_sort);
                    }
                    out
                }
                0 | -2 => {
                    let mut t = m.transpose();
                    if t.cols > 0 {
                        t.data.chunks_mut(t.cols).for_each(np_sort);
                    }
                    t.transpose()
                }
                _ => return Err(NodeError(format!("axis {axis} is out of bounds for array of dimension 2"))),
            };
            Ok(Outputs::one(Value::Matrix { m: out }))
        },
    )
}

fn transpose() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("TRANSPOSE_MATRIX", PATH, "Transpose a Matrix: rows become columns.")
            .input("default", MAT, "The input Matrix")
            .output("default", MAT, "The transposed Matrix"),
        |ctx| Ok(Outputs::one(Value::Matrix { m: ctx.matrix("default")?.transpose() })),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nodes::testing::run_node;

    #[test]
    fn shuffle_matrix_permutes_rows_or_columns() {
        let mut rows: Vec<Vec<f64>> = (0..6).map(|r| (0..4).map(|c| f64::from(r * 10 + c)).collect()).collect();
        let input = Matrix::from_rows(&rows).unwrap();
        let run = |axis: i64| match &run_node(
            "SHUFFLE_MATRIX",
            vec![("default", Value::Matrix { m: input.clone() })],
            serde_json::json!({"axis": axis, "seed": 3}),
        )[0]
        .1
        {
            Value::Matrix { m } => m.clone(),
            other => panic!("{other:?}"),
        };
        // axis 1: the rows, each intact, in another order
        let by_rows = run(1);
        let mut got: Vec<Vec<f64>> = (0..by_rows.rows).map(|r| by_rows.row(r).to_vec()).collect();
        assert_ne!(got, rows);
        got.sort_by(|a, b| a[0].total_cmp(&b[0]));
        assert_eq!(got, rows);
        // axis 0: the columns, each intact, in another order
        let by_cols = run(0).transpose();
        let mut got: Vec<Vec<f64>> = (0..by_cols.rows).map(|r| by_cols.row(r).to_vec()).collect();
        got.sort_by(|a, b| a[0].total_cmp(&b[0]));
        rows = (0..4).map(|c| input.column(c)).collect();
        assert_eq!(got, rows);
    }
}
