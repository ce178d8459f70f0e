//! ETL/TRANSFORM/MATRIX_MANIPULATION: products, inversion, sorting, shuffling and transposing
//! Matrices, plus the small dense linear algebra they (and LEAST_SQUARES) need: LU inversion
//! with partial pivoting (LAPACK's `gesv`, as `numpy.linalg.inv`), and a one-sided Jacobi SVD
//! for pseudo-inverses and minimum-norm least squares (`pinv`, `lstsq`).

use rand::seq::SliceRandom;

use super::vector::{rng, seed_param};
use super::{Ctx, NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Matrix, TypeSet, Value};

const PATH: &str = "ETL/TRANSFORM/MATRIX_MANIPULATION";
const MAT: TypeSet = TypeSet::of(T::Matrix);

pub fn nodes() -> Vec<NodeDef> {
    vec![dot_product(), invert(), matmul(), shuffle_matrix(), sort_matrix(), transpose()]
}

/// The Matrix on an input, or an error naming the input.
pub(crate) fn matrix_input<'a>(ctx: &Ctx<'a>, name: &str) -> Result<&'a Matrix, NodeError> {
    match ctx.need(name)? {
        Value::Matrix { m } => Ok(m),
        other => Err(ctx.wrong_type(name, other)),
    }
}

/// `a @ b` for dense matrices whose inner dimensions agree (checked by the caller).
pub(crate) fn matmul_raw(a: &Matrix, b: &Matrix) -> Matrix {
    let mut out = Matrix::zeros(a.rows, b.cols);
    for i in 0..a.rows {
        for k in 0..a.cols {
            let aik = a.data[i * a.cols + k];
            for j in 0..b.cols {
                out.data[i * b.cols + j] += aik * b.data[k * b.cols + j];
            }
        }
    }
    out
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
                    Value::Matrix { m: matmul_raw(a, b) }
                }
                (Value::Vector { .. } | Value::Matrix { .. }, b) => return Err(ctx.wrong_type("b", b)),
                (a, _) => return Err(ctx.wrong_type("a", a)),
            };
            Ok(Outputs::one(out))
        },
    )
}

/// `numpy.linalg.inv`: LU with partial pivoting (largest pivot, first on ties), solved
/// against the identity. `None` when a pivot is exactly zero (LAPACK's singular case).
pub(crate) fn inverse(m: &Matrix) -> Option<Matrix> {
    let n = m.rows;
    let mut lu = m.data.clone();
    let mut perm: Vec<usize> = (0..n).collect();
    for k in 0..n {
        let mut p = k;
        let mut best = lu[k * n + k].abs();
        for i in k + 1..n {
            let v = lu[i * n + k].abs();
            if v > best {
                best = v;
                p = i;
            }
        }
        if lu[p * n + k] == 0.0 {
            return None;
        }
        if p != k {
            for j in 0..n {
                lu.swap(k * n + j, p * n + j);
            }
            perm.swap(k, p);
        }
        let pivot = lu[k * n + k];
        for i in k + 1..n {
            let f = lu[i * n + k] / pivot;
            lu[i * n + k] = f;
            if f != 0.0 {
                for j in k + 1..n {
                    lu[i * n + j] -= f * lu[k * n + j];
                }
            }
        }
    }
    let mut inv = Matrix::zeros(n, n);
    let mut x = vec![0.0; n];
    for col in 0..n {
        // solve L U x = P e_col
        for i in 0..n {
            let mut s = if perm[i] == col { 1.0 } else { 0.0 };
            for j in 0..i {
                s -= lu[i * n + j] * x[j];
            }
            x[i] = s;
        }
        for i in (0..n).rev() {
            let mut s = x[i];
            for j in i + 1..n {
                s -= lu[i * n + j] * x[j];
            }
            x[i] = s / lu[i * n + i];
        }
        for (i, xi) in x.iter().enumerate() {
            inv.data[i * n + col] = *xi;
        }
    }
    Some(inv)
}

/// A thin SVD `a = u · diag(s) · vᵀ` by one-sided Jacobi rotations (accurate to a few ulps
/// relative to the largest singular value). Requires `a.rows >= a.cols`; `u` is rows×cols,
/// `v` cols×cols.
fn svd_tall(a: &Matrix) -> (Matrix, Vec<f64>, Matrix) {
    let (m, n) = (a.rows, a.cols);
    // column-major copies make the rotations cache-friendly
    let mut u: Vec<Vec<f64>> = (0..n).map(|c| a.column(c)).collect();
    let mut v: Vec<Vec<f64>> = (0..n).map(|c| (0..n).map(|r| if r == c { 1.0 } else { 0.0 }).collect()).collect();
    let eps = f64::EPSILON;
    for _sweep in 0..80 {
        let mut rotated = false;
        for p in 0..n {
            for q in p + 1..n {
                let alpha: f64 = u[p].iter().map(|x| x * x).sum();
                let beta: f64 = u[q].iter().map(|x| x * x).sum();
                let gamma: f64 = u[p].iter().zip(&u[q]).map(|(x, y)| x * y).sum();
                if gamma == 0.0 || gamma.abs() <= eps * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                for cols in [&mut u, &mut v] {
                    let (lo, hi) = cols.split_at_mut(q);
                    for (x, y) in lo[p].iter_mut().zip(hi[0].iter_mut()) {
                        let (xp, xq) = (*x, *y);
                        *x = c * xp - s * xq;
                        *y = s * xp + c * xq;
                    }
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let s: Vec<f64> = u.iter().map(|c| c.iter().map(|x| x * x).sum::<f64>().sqrt()).collect();
    let mut um = Matrix::zeros(m, n);
    let mut vm = Matrix::zeros(n, n);
    for (j, (uj, vj)) in u.iter().zip(&v).enumerate() {
        for (i, uji) in uj.iter().enumerate() {
            um.data[i * n + j] = if s[j] > 0.0 { uji / s[j] } else { 0.0 };
        }
        for (i, vji) in vj.iter().enumerate() {
            vm.data[i * n + j] = *vji;
        }
    }
    (um, s, vm)
}

/// `numpy.linalg.pinv(a, rcond)`: singular values not above `rcond · max(s)` are dropped
/// (so Flojoy's default rcond = 1.0 drops them all and gives zeros).
pub(crate) fn pinv(a: &Matrix, rcond: f64) -> Matrix {
    if a.rows < a.cols {
        return pinv(&a.transpose(), rcond).transpose();
    }
    let (u, s, v) = svd_tall(a);
    let cutoff = rcond * s.iter().copied().fold(0.0, f64::max);
    let n = a.cols;
    // pinv = v · diag(1/s) · uᵀ  (cols × rows)
    let mut out = Matrix::zeros(n, a.rows);
    for (k, &sk) in s.iter().enumerate() {
        if sk <= cutoff || sk == 0.0 {
            continue;
        }
        for i in 0..n {
            let vik = v.data[i * n + k] / sk;
            if vik == 0.0 {
                continue;
            }
            for j in 0..a.rows {
                out.data[i * a.rows + j] += vik * u.data[j * n + k];
            }
        }
    }
    out
}

/// `numpy.linalg.lstsq(a, b, rcond=None)[0]`: the minimum-norm least-squares solution, with
/// singular values below `eps · max(rows, cols) · max(s)` treated as zero.
pub(crate) fn lstsq(a: &Matrix, b: &Matrix) -> Matrix {
    let rcond = f64::EPSILON * a.rows.max(a.cols) as f64;
    matmul_raw(&pinv(a, rcond), b)
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
            let (a, b) = (matrix_input(ctx, "a")?, matrix_input(ctx, "b")?);
            if a.cols != b.rows {
                return Err(NodeError(format!(
                    "matmul: a is {}×{} and b is {}×{}: a's columns must equal b's rows \
                     (mismatch in its core dimension 0: {} is different from {})",
                    a.rows, a.cols, b.rows, b.cols, b.rows, a.cols
                )));
            }
            Ok(Outputs::one(Value::Matrix { m: matmul_raw(a, b) }))
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
            let m = matrix_input(ctx, "default")?;
            let axis = ctx.int("axis")?;
            let mut g = rng(ctx);
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

/// numpy's sort order for floats: ascending, NaNs last.
pub(crate) fn np_sort(v: &mut [f64]) {
    v.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        _ => a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal),
    });
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
            let m = matrix_input(ctx, "a")?;
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
        |ctx| Ok(Outputs::one(Value::Matrix { m: matrix_input(ctx, "default")?.transpose() })),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nodes::vector::run_node;

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

    fn m(rows: &[&[f64]]) -> Matrix {
        Matrix::from_rows(&rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>()).unwrap()
    }

    fn close(a: &Matrix, b: &Matrix) -> bool {
        a.same_shape(b) && a.data.iter().zip(&b.data).all(|(x, y)| (x - y).abs() < 1e-12 * (1.0 + y.abs()))
    }

    #[test]
    fn inverse_and_pinv_agree_with_numpy() {
        // np.linalg.inv([[4,7],[2,6]]) = [[0.6,-0.7],[-0.2,0.4]]
        let inv = inverse(&m(&[&[4.0, 7.0], &[2.0, 6.0]])).unwrap();
        assert!(close(&inv, &m(&[&[0.6, -0.7], &[-0.2, 0.4]])));
        assert!(inverse(&m(&[&[1.0, 2.0], &[2.0, 4.0]])).is_none());
        // pinv of a full-column-rank matrix is (AᵀA)⁻¹Aᵀ
        let a = m(&[&[1.0, 2.0], &[3.0, 4.0], &[5.0, 7.0]]);
        let p = pinv(&a, 1e-15);
        let ata = matmul_raw(&a.transpose(), &a);
        let want = matmul_raw(&inverse(&ata).unwrap(), &a.transpose());
        assert!(close(&p, &want), "{p:?} vs {want:?}");
        assert!(close(&pinv(&a.transpose(), 1e-15), &want.transpose()));
        assert!(pinv(&a, 1.0).data.iter().all(|x| *x == 0.0));
    }

    #[test]
    fn lstsq_gives_the_minimum_norm_solution() {
        // all x equal: [c, 1] columns are dependent; min-norm p = ybar·(c, 1)/(c²+1)
        let a = m(&[&[2.0, 1.0], &[2.0, 1.0], &[2.0, 1.0]]);
        let b = m(&[&[1.0], &[2.0], &[3.0]]);
        let p = lstsq(&a, &b);
        assert!((p.data[0] - 2.0 * 2.0 / 5.0).abs() < 1e-12 && (p.data[1] - 2.0 / 5.0).abs() < 1e-12);
    }
}
