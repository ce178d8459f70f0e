//! Dense linear algebra, one family: `a @ b`; numpy.linalg's `inv` (LU with partial pivoting,
//! LAPACK's `gesv`); a one-sided Jacobi SVD for `pinv`; and `lstsq`, the one least-squares
//! solver (Householder QR, with the SVD for rank-deficient systems).

use crate::value::Matrix;

/// `a @ b` for dense matrices whose inner dimensions agree (checked by the caller).
pub fn matmul(a: &Matrix, b: &Matrix) -> Matrix {
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

/// `numpy.linalg.inv`: LU with partial pivoting (largest pivot, first on ties), solved
/// against the identity. `None` when a pivot is exactly zero (LAPACK's singular case).
pub fn inverse(m: &Matrix) -> Option<Matrix> {
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
pub fn pinv(a: &Matrix, rcond: f64) -> Matrix {
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

/// `numpy.linalg.lstsq(a, b, rcond=None)[0]`: the x that minimises ‖a x − b‖ for each column
/// of b; where that leaves x free (a wider than tall, or rank-deficient), the one of least norm.
/// numpy's rank rule holds: singular values up to `eps · max(rows, cols) · max(s)` count as zero.
/// `None` when a holds NaN or infinity.
///
/// The library's one least-squares solver (SAVGOL's coefficients and edge fits, LEAST_SQUARES).
/// It solves by Householder QR of a (of aᵀ when a is wide), which is backward stable and, on
/// SAVGOL's Vandermonde fits, closer to the exact rational solution than an SVD. Only when R's
/// diagonal spans more than 1e8 is a's rank checked by its singular values; a rank-deficient a
/// is then solved through the SVD (`pinv`), as numpy does.
pub fn lstsq(a: &Matrix, b: &Matrix) -> Option<Matrix> {
    if a.data.iter().any(|v| !v.is_finite()) {
        return None;
    }
    if a.rows == 0 || a.cols == 0 {
        return Some(Matrix::zeros(a.cols, b.cols));
    }
    let wide = a.rows < a.cols;
    let qr = Qr::new(if wide { a.transpose() } else { a.clone() });
    if let Some(qr) = qr.filter(|qr| qr.well_conditioned() || full_rank(a)) {
        let mut x = Matrix::zeros(a.cols, b.cols);
        for j in 0..b.cols {
            let column = b.column(j);
            let xj = if wide { qr.min_norm(&column) } else { qr.least_squares(&column) };
            for (i, v) in xj.into_iter().enumerate() {
                x.data[i * b.cols + j] = v;
            }
        }
        return Some(x);
    }
    Some(matmul(&pinv(a, lstsq_rcond(a)), b))
}

/// numpy.linalg.lstsq's default cutoff, relative to the largest singular value.
fn lstsq_rcond(a: &Matrix) -> f64 {
    f64::EPSILON * a.rows.max(a.cols) as f64
}

/// Whether a has full rank by numpy's rule: no singular value up to `rcond · max(s)`.
fn full_rank(a: &Matrix) -> bool {
    let (_, s, _) = if a.rows < a.cols { svd_tall(&a.transpose()) } else { svd_tall(a) };
    let cutoff = lstsq_rcond(a) * s.iter().copied().fold(0.0, f64::max);
    s.iter().all(|&sk| sk > cutoff)
}

/// Householder QR of an m × n matrix (m ≥ n): the reflectors are kept in the columns on and
/// below the diagonal, R above it, and R's diagonal apart.
struct Qr {
    m: usize,
    n: usize,
    a: Vec<f64>,
    rdiag: Vec<f64>,
}

impl Qr {
    /// `None` when a column is zero where its reflector would start (R would be singular).
    fn new(a: Matrix) -> Option<Qr> {
        let (m, n) = (a.rows, a.cols);
        let mut a = a.data;
        let mut rdiag = vec![0.0; n];
        for k in 0..n {
            let norm = (k..m).map(|i| a[i * n + k] * a[i * n + k]).sum::<f64>().sqrt();
            if norm == 0.0 || !norm.is_finite() {
                return None;
            }
            let alpha = if a[k * n + k] > 0.0 { -norm } else { norm };
            let v0k = a[k * n + k] - alpha;
            a[k * n + k] = v0k;
            let vnorm2 = (k..m).map(|i| a[i * n + k] * a[i * n + k]).sum::<f64>();
            for j in k + 1..n {
                let s = (k..m).map(|i| a[i * n + k] * a[i * n + j]).sum::<f64>() * 2.0 / vnorm2;
                for i in k..m {
                    a[i * n + j] -= s * a[i * n + k];
                }
            }
            rdiag[k] = alpha;
        }
        Some(Qr { m, n, a, rdiag })
    }

    /// R's diagonal spans less than 1e8 (1/√eps): far from rank-deficient by numpy's rule.
    fn well_conditioned(&self) -> bool {
        let (lo, hi) =
            self.rdiag.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), r| (lo.min(r.abs()), hi.max(r.abs())));
        lo > hi * f64::EPSILON.sqrt()
    }

    fn vnorm2(&self, k: usize) -> f64 {
        (k..self.m).map(|i| self.a[i * self.n + k] * self.a[i * self.n + k]).sum()
    }

    /// Applies reflector k (I − 2vvᵀ/vᵀv) to `b`.
    fn reflect(&self, k: usize, b: &mut [f64]) {
        let col = |i: usize| self.a[i * self.n + k];
        let s = (k..self.m).map(|i| col(i) * b[i]).sum::<f64>() * 2.0 / self.vnorm2(k);
        for (i, bi) in b.iter_mut().enumerate().take(self.m).skip(k) {
            *bi -= s * col(i);
        }
    }

    fn r(&self, i: usize, j: usize) -> f64 {
        if i == j { self.rdiag[i] } else { self.a[i * self.n + j] }
    }

    /// The least-squares x (length n) of M x = b, for the factored M (b of length m).
    fn least_squares(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut qb = b.to_vec();
        // Qᵀ b
        for k in 0..n {
            self.reflect(k, &mut qb);
        }
        let mut x = vec![0.0; n];
        for i in (0..n).rev() {
            let s = (i + 1..n).fold(qb[i], |s, j| s - self.r(i, j) * x[j]);
            x[i] = s / self.r(i, i);
        }
        x
    }

    /// The minimum-norm x (length m) with Mᵀ x = b, for the factored M (b of length n):
    /// Rᵀ u = b by forward substitution, then x = Q [u; 0].
    fn min_norm(&self, b: &[f64]) -> Vec<f64> {
        let mut u = vec![0.0; self.m];
        for i in 0..self.n {
            let s = (0..i).fold(b[i], |s, j| s - self.r(j, i) * u[j]);
            u[i] = s / self.r(i, i);
        }
        for k in (0..self.n).rev() {
            self.reflect(k, &mut u);
        }
        u
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let ata = matmul(&a.transpose(), &a);
        let want = matmul(&inverse(&ata).unwrap(), &a.transpose());
        assert!(close(&p, &want), "{p:?} vs {want:?}");
        assert!(close(&pinv(&a.transpose(), 1e-15), &want.transpose()));
        assert!(pinv(&a, 1.0).data.iter().all(|x| *x == 0.0));
    }

    #[test]
    fn lstsq_gives_the_minimum_norm_solution() {
        // all x equal: [c, 1] columns are dependent; min-norm p = ybar·(c, 1)/(c²+1)
        let a = m(&[&[2.0, 1.0], &[2.0, 1.0], &[2.0, 1.0]]);
        let b = m(&[&[1.0], &[2.0], &[3.0]]);
        let p = lstsq(&a, &b).unwrap();
        assert!((p.data[0] - 2.0 * 2.0 / 5.0).abs() < 1e-12 && (p.data[1] - 2.0 / 5.0).abs() < 1e-12);
    }

    #[test]
    fn lstsq_fits_tall_and_wide_systems() {
        // a line through 4 points: the normal equations' solution, for two right-hand sides
        let a = m(&[&[0.0, 1.0], &[1.0, 1.0], &[2.0, 1.0], &[3.0, 1.0]]);
        let b = m(&[&[1.0, 0.0], &[3.0, 1.0], &[5.0, 0.0], &[7.5, 1.0]]);
        let ata = matmul(&a.transpose(), &a);
        let want = matmul(&inverse(&ata).unwrap(), &matmul(&a.transpose(), &b));
        assert!(close(&lstsq(&a, &b).unwrap(), &want));
        // a wide system: the solution of least norm is aᵀ (a aᵀ)⁻¹ b
        let w = m(&[&[1.0, 2.0, 3.0], &[0.0, 1.0, 4.0]]);
        let bw = m(&[&[1.0], &[2.0]]);
        let aat = matmul(&w, &w.transpose());
        let want = matmul(&w.transpose(), &matmul(&inverse(&aat).unwrap(), &bw));
        assert!(close(&lstsq(&w, &bw).unwrap(), &want));
        // empty systems give zeros (numpy), NaN gives nothing
        assert_eq!(lstsq(&Matrix::zeros(0, 2), &Matrix::zeros(0, 1)).unwrap().data, vec![0.0, 0.0]);
        let nan = m(&[&[1.0, f64::NAN], &[0.0, 1.0]]);
        assert!(lstsq(&nan, &bw).is_none());
    }
}
