//! AI_ML blocks that need no model weights: least-squares regression, train/test splitting,
//! one-hot encoding, accuracy, word counts (sklearn's CountVectorizer), and K_MEANS, which
//! Flojoy lacks (sklearn's KMeans: k-means++ initialisation and Lloyd iterations).
//!
//! Where pandas gives boolean columns (ONE_HOT_ENCODING's dummies, ACCURACY's
//! `prediction_correct`), ours are numbers 1/0: our DataFrames hold numbers or text, and numbers
//! are what later ML and math nodes can use.

use rand::seq::SliceRandom;

use super::{NodeDef, NodeError, Outputs, seed_param};
use crate::numeric::kmeans::kmeans;
use crate::numeric::linalg::lstsq;
use crate::numeric::sort::unique;
use crate::spec::{NodeSpec, ParamKind};
use crate::value::convert::{frame_to_matrix, integral_column};
use crate::value::{Column, ColumnData, DataFrame, DataType as T, Matrix, TypeSet, Value};

const DF: TypeSet = TypeSet::of(T::DataFrame);
const CLASSIFICATION: &str = "AI_ML/CLASSIFICATION";

pub fn nodes() -> Vec<NodeDef> {
    vec![least_squares(), train_test_split(), one_hot_encoding(), accuracy(), count_vectorizer(), k_means()]
}

// ---------------------------------------------------------------------------------------------
// LEAST_SQUARES

const LSQ_FAILED: &str = "Least Square Computation failed.";

/// numpy's lstsq on NaN or infinity ("SVD did not converge").
fn not_finite() -> NodeError {
    NodeError(format!("{LSQ_FAILED} (SVD did not converge: the data holds NaN or infinity)"))
}

/// Flojoy's fit: `p = lstsq([x, 1], y)`, then `slope·x + intercept`.
fn fit_line(x: &[f64], y: &[f64]) -> Result<Vec<f64>, NodeError> {
    if x.len() != y.len() {
        return Err(NodeError(format!(
            "{LSQ_FAILED} (incompatible dimensions: {} x values, {} y values)",
            x.len(),
            y.len()
        )));
    }
    if x.iter().chain(y).any(|v| !v.is_finite()) {
        return Err(not_finite());
    }
    let a = Matrix { rows: x.len(), cols: 2, data: x.iter().flat_map(|&v| [v, 1.0]).collect() };
    let p = lstsq(&a, &Matrix { rows: y.len(), cols: 1, data: y.to_vec() }).ok_or_else(not_finite)?;
    let (slope, intercept) = (p.data[0], p.data[1]);
    Ok(x.iter().map(|&v| slope * v + intercept).collect())
}

/// numpy broadcasting of two 2-D arrays through `f`.
fn broadcast2(a: &Matrix, b: &Matrix, f: impl Fn(f64, f64) -> f64) -> Result<Matrix, NodeError> {
    let dim = |p: usize, q: usize| match (p, q) {
        _ if p == q => Some(p),
        (1, _) => Some(q),
        (_, 1) => Some(p),
        _ => None,
    };
    let (Some(rows), Some(cols)) = (dim(a.rows, b.rows), dim(a.cols, b.cols)) else {
        return Err(NodeError(format!(
            "operands could not be broadcast together with shapes ({},{}) ({},{})",
            a.rows, a.cols, b.rows, b.cols
        )));
    };
    let at = |m: &Matrix, r: usize, c: usize| m.get(if m.rows == 1 { 0 } else { r }, if m.cols == 1 { 0 } else { c });
    let data =
        (0..rows).flat_map(|r| (0..cols).map(move |c| (r, c))).map(|(r, c)| f(at(a, r, c), at(b, r, c))).collect();
    Ok(Matrix { rows, cols, data })
}

/// Flojoy's Matrix branch, shape for shape: `A = vstack([x, ones(len(x))]).T`, `p = lstsq(A, y)`,
/// `p[:-1] * x + p[-1]` (numpy broadcasting). It only works for a square x.
fn fit_matrix(x: &Matrix, y: &Matrix) -> Result<Matrix, NodeError> {
    let n = x.rows;
    if x.cols != n {
        return Err(NodeError(format!(
            "{LSQ_FAILED} Flojoy stacks a with a row of {n} ones, so a must be square; it is {}×{}",
            x.rows, x.cols
        )));
    }
    if y.rows != n {
        return Err(NodeError(format!("{LSQ_FAILED} (incompatible dimensions: a has {n} rows, b has {})", y.rows)));
    }
    if x.data.iter().chain(&y.data).any(|v| !v.is_finite()) {
        return Err(not_finite());
    }
    // A[i][j] = x[j][i] for j < n, A[i][n] = 1
    let mut a = Matrix::zeros(n, n + 1);
    for i in 0..n {
        for j in 0..n {
            a.data[i * (n + 1) + j] = x.get(j, i);
        }
        a.data[i * (n + 1) + n] = 1.0;
    }
    let p = lstsq(&a, y).ok_or_else(not_finite)?;
    let k = y.cols;
    let slope = Matrix { rows: n, cols: k, data: p.data[..n * k].to_vec() };
    let intercept = Matrix { rows: 1, cols: k, data: p.data[n * k..].to_vec() };
    broadcast2(&broadcast2(&slope, x, |s, v| s * v)?, &intercept, |a, b| a + b)
}

fn least_squares() -> NodeDef {
    let op_m = TypeSet::union(&[T::OrderedPair, T::Matrix]);
    NodeDef::sync(
        NodeSpec::new(
            "LEAST_SQUARES",
            "AI_ML/REGRESSION",
            "Fit a straight line by least squares (numpy.linalg.lstsq) and return it evaluated at x. With only \
             an OrderedPair a, the line fits its (x, y); with two OrderedPairs, x = a.y and y = b.y. With two \
             Matrices, Flojoy's matrix formula is applied as is (a must be square).",
        )
        .input("a", op_m, "The points (OrderedPair), or the coefficient Matrix")
        .optional_input("b", op_m, "Optional: the dependent values (same type as a)")
        .output("default", op_m, "x and the fitted values slope·x + intercept"),
        |ctx| {
            let a = ctx.need("a")?;
            let out = match (a, ctx.input("b")) {
                (Value::OrderedPair { x, y }, None) => Value::pair(x.clone(), fit_line(x, y)?),
                (Value::Matrix { .. }, None) => return Err(NodeError::new("For matrix type b must be specified!")),
                (Value::OrderedPair { y: x, .. }, Some(Value::OrderedPair { y, .. })) => {
                    Value::pair(x.clone(), fit_line(x, y)?)
                }
                (Value::Matrix { m: x }, Some(Value::Matrix { m: y })) => Value::Matrix { m: fit_matrix(x, y)? },
                (Value::OrderedPair { .. } | Value::Matrix { .. }, Some(_)) => {
                    return Err(NodeError::new("a and b must be of same type!"));
                }
                (other, _) => return Err(ctx.wrong_type("a", other)),
            };
            Ok(Outputs::one(out))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// TRAIN_TEST_SPLIT

/// The rows of a DataFrame, in the given order.
fn select_rows(df: &DataFrame, rows: &[usize]) -> DataFrame {
    DataFrame::new(df.columns.iter().map(|c| Column { name: c.name.clone(), data: c.data.select(rows) }).collect())
}

/// sklearn's `_validate_shuffle_split` for a float test_size: (n_train, n_test).
fn split_sizes(n: usize, test_size: f64) -> Result<(usize, usize), NodeError> {
    if !(test_size > 0.0 && test_size < 1.0) {
        return Err(NodeError(format!(
            "test_size={test_size} should be either positive and smaller than the number of samples {n} or a \
             float in the (0, 1) range"
        )));
    }
    let n_test = (test_size * n as f64).ceil() as usize;
    let n_train = n - n_test.min(n);
    if n_train == 0 {
        return Err(NodeError(format!(
            "With n_samples={n}, test_size={test_size} and train_size=None, the resulting train set will be \
             empty. Adjust any of the aforementioned parameters."
        )));
    }
    Ok((n_train, n_test))
}

fn train_test_split() -> NodeDef {
    NodeDef::sync(
        seed_param(
            NodeSpec::new(
                "TRAIN_TEST_SPLIT",
                CLASSIFICATION,
                "Shuffle the rows of a DataFrame and split them into a training and a test set \
                 (sklearn's train_test_split): the test set gets ceil(test_size × rows) rows, the training \
                 set the rest, both in shuffled order.",
            )
            .input("default", DF, "The DataFrame to split")
            .output("train", DF, "The training rows")
            .output("test", DF, "The test rows")
            .float("test_size", 0.2, "The share of rows for the test set, between 0 and 1"),
        ),
        |ctx| {
            let df = ctx.frame("default")?;
            let (n_train, n_test) = split_sizes(df.rows(), ctx.f64("test_size")?)?;
            let mut perm: Vec<usize> = (0..df.rows()).collect();
            perm.shuffle(&mut ctx.rng());
            let test = select_rows(df, &perm[..n_test]);
            let train = select_rows(df, &perm[n_test..n_test + n_train]);
            Ok(Outputs::none().with("train", Value::DataFrame { m: train }).with("test", Value::DataFrame { m: test }))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// ONE_HOT_ENCODING

/// How pandas names a numeric category: as an int64 column prints its values when every value
/// is a whole number (as READ_CSV gives), else as Python prints floats ("1.5", "2.0").
fn category_name(x: f64, int_column: bool) -> String {
    if int_column { format!("{}", x as i64) } else { crate::numeric::python::float_repr(x) }
}

/// `pd.get_dummies(df, columns=cols)`: the other columns first, then for each encoded column one
/// 1/0 column `<col>_<value>` per distinct value, values sorted; missing cells are all zeros.
pub(crate) fn get_dummies(df: &DataFrame, cols: &[&str]) -> Result<DataFrame, NodeError> {
    if let Some(missing) = cols.iter().find(|c| df.column(c).is_none()) {
        let names: Vec<&str> = df.columns.iter().map(|c| c.name.as_str()).collect();
        return Err(NodeError(format!("column '{missing}' is not in the data (its columns: {})", names.join(", "))));
    }
    let mut out: Vec<Column> = df.columns.iter().filter(|c| !cols.contains(&c.name.as_str())).cloned().collect();
    for name in cols {
        let Some(col) = df.column(name) else { continue };
        let (cats, keys): (Vec<String>, Vec<Option<usize>>) = match &col.data {
            ColumnData::Num(v) => {
                let cats = unique(v).into_iter().filter(|x| !x.is_nan()).collect::<Vec<_>>();
                let keys = v.iter().map(|x| cats.iter().position(|c| c == x)).collect();
                let int = integral_column(v);
                (cats.iter().map(|c| category_name(*c, int)).collect(), keys)
            }
            ColumnData::Text(v) => {
                let mut cats: Vec<&String> = v.iter().filter(|s| !s.is_empty()).collect();
                cats.sort();
                cats.dedup();
                let keys = v.iter().map(|s| cats.binary_search(&s).ok().filter(|_| !s.is_empty())).collect();
                (cats.into_iter().cloned().collect(), keys)
            }
        };
        for (i, cat) in cats.iter().enumerate() {
            let data = keys.iter().map(|k| if *k == Some(i) { 1.0 } else { 0.0 }).collect();
            out.push(DataFrame::num(&format!("{name}_{cat}"), data));
        }
    }
    Ok(DataFrame::new(out))
}

fn one_hot_encoding() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "ONE_HOT_ENCODING",
            CLASSIFICATION,
            "One-hot encode categorical columns (pandas.get_dummies): each encoded column is replaced, at the \
             end, by one column `<column>_<value>` per distinct value, 1 where the row has that value and 0 \
             elsewhere. Without feature_col every text column is encoded; with it, the columns named by \
             feature_col's columns (numbers too).",
        )
        .input("data", DF, "The data with categorical columns")
        .optional_input("feature_col", DF, "Optional: a DataFrame whose column names say which columns to encode")
        .output("default", DF, "The encoded DataFrame"),
        |ctx| {
            let df = ctx.frame("data")?;
            let cols: Vec<&str> = match ctx.input("feature_col") {
                Some(Value::DataFrame { m }) => m.columns.iter().map(|c| c.name.as_str()).collect(),
                Some(other) => return Err(ctx.wrong_type("feature_col", other)),
                None => df.columns.iter().filter(|c| c.data.as_num().is_none()).map(|c| c.name.as_str()).collect(),
            };
            Ok(Outputs::one(Value::DataFrame { m: get_dummies(df, &cols)? }))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// ACCURACY

fn pick_column<'a>(df: &'a DataFrame, label: &str, input: &str) -> Result<&'a Column, NodeError> {
    if label.is_empty() {
        df.columns.first().ok_or_else(|| NodeError(format!("input '{input}' has no columns")))
    } else {
        df.column(label).ok_or_else(|| {
            let names: Vec<&str> = df.columns.iter().map(|c| c.name.as_str()).collect();
            NodeError(format!("column '{label}' is not in {input} (its columns: {})", names.join(", ")))
        })
    }
}

/// pandas' element-wise `==` of two cells: numbers with numbers (NaN never equal), text with
/// text (missing never equal), numbers never equal to text.
fn cells_equal(a: &ColumnData, b: &ColumnData, i: usize) -> bool {
    match (a, b) {
        (ColumnData::Num(x), ColumnData::Num(y)) => x[i] == y[i],
        (ColumnData::Text(x), ColumnData::Text(y)) => !x[i].is_empty() && x[i] == y[i],
        _ => false,
    }
}

fn accuracy() -> NodeDef {
    let opt_str =
        |spec: NodeSpec, name: &str, doc: &str| spec.param(name, ParamKind::Str, serde_json::Value::Null, doc);
    NodeDef::sync(
        opt_str(
            opt_str(
                NodeSpec::new(
                    "ACCURACY",
                    CLASSIFICATION,
                    "Compare true and predicted labels row by row: the predicted DataFrame comes back with a \
                     column prediction_correct, 1 where the labels are equal and 0 where not.",
                )
                .input("true_data", DF, "The true labels")
                .input("predicted_data", DF, "The predicted labels")
                .output("default", DF, "predicted_data with a prediction_correct column"),
                "true_label",
                "The column of true_data holding the labels (empty: the first column)",
            ),
            "predicted_label",
            "The column of predicted_data holding the labels (empty: the first column)",
        ),
        |ctx| {
            let (t, p) = (ctx.frame("true_data")?, ctx.frame("predicted_data")?);
            let tc = pick_column(t, ctx.text("true_label"), "true_data")?;
            let pc = pick_column(p, ctx.text("predicted_label"), "predicted_data")?;
            if tc.data.len() != pc.data.len() {
                return Err(NodeError(format!(
                    "Can only compare identically-labeled Series objects: true_data has {} rows, predicted_data {}",
                    tc.data.len(),
                    pc.data.len()
                )));
            }
            let correct: Vec<f64> =
                (0..tc.data.len()).map(|i| if cells_equal(&tc.data, &pc.data, i) { 1.0 } else { 0.0 }).collect();
            let mut out = p.clone();
            let col = DataFrame::num("prediction_correct", correct);
            match out.columns.iter_mut().find(|c| c.name == "prediction_correct") {
                Some(c) => *c = col,
                None => out.columns.push(col),
            }
            Ok(Outputs::one(Value::DataFrame { m: out }))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// COUNT_VECTORIZER

/// sklearn's default analyzer: lowercase, then every run of 2+ word characters
/// (`(?u)\b\w\w+\b`).
fn tokens(doc: &str) -> Vec<String> {
    let lower = doc.to_lowercase();
    let mut out = Vec::new();
    let mut cur = String::new();
    for ch in lower.chars().chain(std::iter::once(' ')) {
        if ch.is_alphanumeric() || ch == '_' {
            cur.push(ch);
        } else {
            if cur.chars().count() >= 2 {
                out.push(std::mem::take(&mut cur));
            }
            cur.clear();
        }
    }
    out
}

fn count_vectorizer() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "COUNT_VECTORIZER",
            "AI_ML/NLP",
            "Count the words of a collection of texts (sklearn's CountVectorizer with its defaults: lowercase, \
             words of 2+ letters or digits). Every cell of the DataFrame, row by row, is one document. tokens \
             lists the vocabulary in sorted order; word_count_vector holds the counts, one row of len(tokens) \
             numbers per document, rows one after another (Flojoy's 2-D array, flattened).",
        )
        .input("default", TypeSet::union(&[T::DataFrame, T::Matrix, T::Vector]), "The documents: a DataFrame of text")
        .output("tokens", DF, "The vocabulary, in a column named tokens")
        .output("word_count_vector", TypeSet::of(T::Vector), "documents × tokens counts, row by row"),
        |ctx| {
            let docs: Vec<&str> = match ctx.need("default")? {
                Value::DataFrame { m } => {
                    let cols = m
                        .columns
                        .iter()
                        .map(|c| match &c.data {
                            ColumnData::Text(v) => Ok(v),
                            ColumnData::Num(_) => Err(NodeError(format!(
                                "column '{}' holds numbers; COUNT_VECTORIZER needs text documents",
                                c.name
                            ))),
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    (0..m.rows()).flat_map(|r| cols.iter().map(move |c| c[r].as_str())).collect()
                }
                other => {
                    return Err(NodeError(format!(
                        "COUNT_VECTORIZER needs text documents; a {} holds numbers (use a DataFrame of text)",
                        other.data_type()
                    )));
                }
            };
            let docs: Vec<Vec<String>> = docs.iter().map(|d| tokens(d)).collect();
            let mut vocab: Vec<&String> = docs.iter().flatten().collect();
            vocab.sort();
            vocab.dedup();
            if vocab.is_empty() {
                return Err(NodeError::new("empty vocabulary; perhaps the documents only contain stop words"));
            }
            let size = docs.len().saturating_mul(vocab.len());
            if size > super::ctx::MAX_COUNT {
                return Err(NodeError(format!(
                    "{} documents × {} tokens is too many counts ({size}, at most {})",
                    docs.len(),
                    vocab.len(),
                    super::ctx::MAX_COUNT
                )));
            }
            let mut counts = vec![0.0; size];
            for (d, doc) in docs.iter().enumerate() {
                for t in doc {
                    if let Ok(j) = vocab.binary_search(&t) {
                        counts[d * vocab.len() + j] += 1.0;
                    }
                }
            }
            let tokens = DataFrame::new(vec![DataFrame::text("tokens", vocab.into_iter().cloned().collect())]);
            Ok(Outputs::none()
                .with("tokens", Value::DataFrame { m: tokens })
                .with("word_count_vector", Value::vector(counts)))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// K_MEANS

fn k_means() -> NodeDef {
    let int = |min: i64| ParamKind::Int { min: Some(min), max: None };
    NodeDef::sync(
        seed_param(
            NodeSpec::new(
                "K_MEANS",
                "AI_ML/CLUSTERING",
                "Group the rows of a DataFrame or Matrix (or the points of an OrderedPair) into n_clusters \
                 clusters with k-means, as sklearn's KMeans does it: k-means++ initial centers, then Lloyd \
                 iterations until the labels stop changing, the centers move less than tol (relative to the \
                 data's variance) or max_iter is reached; the best of n_init runs is kept. labels gives each \
                 row's cluster, numbered in order of first appearance (row 0 is in cluster 0); centers has one \
                 row per cluster. Not a Flojoy block (Flojoy has no clustering).",
            )
            .input(
                "default",
                TypeSet::union(&[T::DataFrame, T::Matrix, T::OrderedPair]),
                "The samples: one per row (numeric columns), or the (x, y) points of an OrderedPair",
            )
            .output("labels", TypeSet::of(T::Vector), "The cluster of each sample (0, 1, …)")
            .output("centers", TypeSet::of(T::Matrix), "The cluster centers, one row per cluster")
            .param("n_clusters", int(1), 8, "How many clusters")
            .param("n_init", int(1), 1, "How many k-means++ starts; the one with the lowest inertia wins")
            .param("max_iter", int(1), 300, "The most Lloyd iterations per start")
            .param(
                "tol",
                ParamKind::Float { min: Some(0.0), max: None },
                1e-4,
                "Convergence tolerance (relative)",
            ),
        ),
        |ctx| {
            let data = match ctx.need("default")? {
                Value::DataFrame { m } => frame_to_matrix(m, "K_MEANS")?,
                Value::Matrix { m } => m.clone(),
                Value::OrderedPair { x, y } => {
                    if x.len() != y.len() {
                        return Err(NodeError(format!("x has {} values but y has {}", x.len(), y.len())));
                    }
                    Matrix { rows: x.len(), cols: 2, data: x.iter().zip(y).flat_map(|(a, b)| [*a, *b]).collect() }
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            let (n, d) = (data.rows, data.cols);
            if n == 0 || d == 0 {
                return Err(NodeError(format!(
                    "Found array with {n} sample(s) and {d} feature(s) (shape=({n}, {d})); K_MEANS needs at least one of each"
                )));
            }
            if data.data.iter().any(|v| v.is_nan()) {
                return Err(NodeError::new("Input X contains NaN."));
            }
            if data.data.iter().any(|v| v.is_infinite()) {
                return Err(NodeError::new("Input X contains infinity or a value too large for dtype('float64')."));
            }
            let k = ctx.count("n_clusters")?;
            if k == 0 || n < k {
                return Err(NodeError(format!("n_samples={n} should be >= n_clusters={k}.")));
            }
            let (n_init, max_iter) = (ctx.count("n_init")?, ctx.count("max_iter")?);
            let fit = kmeans(&data.data, d, k, n_init, max_iter, ctx.f64("tol")?, &mut ctx.rng());
            Ok(Outputs::none()
                .with("labels", Value::vector(fit.labels.iter().map(|&l| l as f64).collect()))
                .with("centers", Value::Matrix { m: Matrix { rows: k, cols: d, data: fit.centers } }))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nodes::testing::run_node;

    #[test]
    fn train_test_split_partitions_the_rows() {
        let df = DataFrame::new(vec![
            DataFrame::num("i", (0..20).map(f64::from).collect()),
            DataFrame::text("t", (0..20).map(|i| format!("r{i}")).collect()),
        ]);
        let out = run_node(
            "TRAIN_TEST_SPLIT",
            vec![("default", Value::DataFrame { m: df })],
            serde_json::json!({"test_size": 0.25}),
        );
        let ids = |name: &str| -> Vec<f64> {
            let (_, v) = out.iter().find(|(k, _)| k == name).unwrap();
            let Value::DataFrame { m } = v else { panic!() };
            // rows stay whole: the text column follows the number column
            let (ColumnData::Num(i), ColumnData::Text(t)) = (&m.columns[0].data, &m.columns[1].data) else { panic!() };
            assert!(i.iter().zip(t).all(|(i, t)| *t == format!("r{i}")));
            i.clone()
        };
        let (train, test) = (ids("train"), ids("test"));
        assert_eq!((train.len(), test.len()), (15, 5));
        let mut all = [train.clone(), test].concat();
        assert_ne!(all, (0..20).map(f64::from).collect::<Vec<_>>());
        all.sort_by(f64::total_cmp);
        assert_eq!(all, (0..20).map(f64::from).collect::<Vec<_>>());
    }

    #[test]
    fn tokens_follow_sklearn() {
        assert_eq!(tokens("Is this the first document?"), ["is", "this", "the", "first", "document"]);
        assert_eq!(tokens("a b2 c_d, x"), ["b2", "c_d"]);
    }

    #[test]
    fn split_sizes_follow_sklearn() {
        assert_eq!(split_sizes(10, 0.2).unwrap(), (8, 2));
        assert_eq!(split_sizes(7, 0.3).unwrap(), (4, 3));
        assert!(split_sizes(3, 0.7).unwrap_err().0.contains("train set will be empty"));
        assert!(split_sizes(10, 1.0).is_err());
        assert!(split_sizes(1, 0.5).unwrap_err().0.contains("train set will be empty"));
    }

    #[test]
    fn get_dummies_matches_pandas_layout() {
        let df = DataFrame::new(vec![
            DataFrame::text("c", vec!["b".into(), "a".into(), String::new()]),
            DataFrame::num("n", vec![1.0, 2.0, 3.0]),
        ]);
        let out = get_dummies(&df, &["c"]).unwrap();
        let names: Vec<&str> = out.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["n", "c_a", "c_b"]);
        assert_eq!(out.columns[1].data, ColumnData::Num(vec![0.0, 1.0, 0.0]));
    }
}
