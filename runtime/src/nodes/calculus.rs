//! MATH/CALCULUS: absolute value, derivatives and integrals, with Flojoy's quirks (DIFFERENTIATE
//! keeps the full x; its Vector path truncates the differences to integers; INTEGRATE is a
//! cumulative trapezoid starting at 0).
//!
//! DOUBLE_DEFINITE_INTEGRAL parses the function (`numeric::expr`, sympy's syntax) and integrates
//! it as scipy's nquad does (`numeric::quad`). Flojoy passes `tuple(func.free_symbols)` to nquad, a
//! set whose order follows Python's per-process string hashing, so which bounds belong to which
//! variable changes from run to run there; here the variables are taken in name order (x, then y),
//! the first over the x bounds, which is what the parameter names promise.

use super::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::expr::Expr;
use crate::numeric::quad::dblquad;
use crate::spec::NodeSpec;
use crate::value::convert::axis_numbers;
use crate::value::{DataType as T, Matrix, TypeSet, Value};

const OP: TypeSet = TypeSet::of(T::OrderedPair);
const OP_VEC: TypeSet = TypeSet::union(&[T::OrderedPair, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![abs(), differentiate(), integrate(), double_indefinite_integral(), double_definite_integral()]
}

fn err(msg: impl Into<String>) -> NodeError {
    NodeError(msg.into())
}

fn abs() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "ABS",
            "MATH/ARITHMETIC",
            "Absolute value, always as an OrderedPair: an OrderedPair keeps its x; a Vector or Scalar becomes \
             x = the original values, y = their absolute values.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Vector, T::Scalar]), "The values")
        .output("default", OP, "x as described, y = |values|"),
        |ctx| {
            let (x, vals) = match ctx.need("default")? {
                Value::OrderedPair { x, y } => (x.clone(), y.as_slice()),
                Value::Vector { v } => (v.clone(), v.as_slice()),
                Value::Scalar { c } => (vec![*c], std::slice::from_ref(c)),
                other => return Err(ctx.wrong_type("default", other)),
            };
            let y = vals.iter().map(|v| v.abs()).collect();
            Ok(Outputs::one(Value::pair(x, y)))
        },
    )
}

fn differentiate() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "DIFFERENTIATE",
            "MATH/CALCULUS",
            "Derivative by forward differences. As in Flojoy, an OrderedPair gives y = diff(y)/diff(x) with the \
             full x (so x has one more point than y); a Vector gives the differences v[i+1]−v[i] truncated to \
             whole numbers (Flojoy stores them in an integer array) over x = 0, 1, …, n−2.",
        )
        .input("default", OP_VEC, "The function to differentiate")
        .output("default", OP, "The derivative"),
        run_differentiate,
    )
}

fn run_differentiate(ctx: &mut Ctx<'_>) -> NodeResult {
    match ctx.need("default")? {
        Value::OrderedPair { x, y } => {
            if x.len() != y.len() {
                return Err(err(format!(
                    " X and Y keys must have the same length, got x of length {} and y {}",
                    x.len(),
                    y.len()
                )));
            }
            let d = x.windows(2).zip(y.windows(2)).map(|(xs, ys)| (ys[1] - ys[0]) / (xs[1] - xs[0])).collect();
            Ok(Outputs::one(Value::pair(x.clone(), d)))
        }
        Value::Vector { v } => {
            let mut d = Vec::with_capacity(v.len().saturating_sub(1));
            for w in v.windows(2) {
                let diff = w[1] - w[0];
                if diff.is_nan() {
                    return Err(err("cannot convert float NaN to integer (the Vector holds NaN)"));
                }
                if diff.is_infinite() {
                    return Err(err("cannot convert float infinity to integer (the Vector holds an infinity)"));
                }
                // numpy's cast to int64 truncates toward zero
                d.push(diff.trunc().clamp(i64::MIN as f64, i64::MAX as f64));
            }
            let x = (0..d.len()).map(|i| i as f64).collect();
            Ok(Outputs::one(Value::pair(x, d)))
        }
        other => Err(ctx.wrong_type("default", other)),
    }
}

fn integrate() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "INTEGRATE",
            "MATH/CALCULUS",
            "Cumulative integral by the trapezoidal rule, starting at 0. A Vector is integrated over x = 0, 1, 2, …",
        )
        .input("default", OP_VEC, "The function to integrate (at least 2 points)")
        .output("default", OP, "x = the input's x, y = the running integral"),
        |ctx| {
            let (x, y): (Vec<f64>, &[f64]) = match ctx.need("default")? {
                Value::OrderedPair { x, y } => (x.clone(), y),
                Value::Vector { v } => ((0..v.len()).map(|i| i as f64).collect(), v),
                other => return Err(ctx.wrong_type("default", other)),
            };
            if x.len() != y.len() {
                return Err(err(format!("X and Y keys must have the same length got, x:{} y:{}", x.len(), y.len())));
            }
            if x.len() < 2 {
                return Err(err(format!("INTEGRATE needs at least 2 points, got {}", x.len())));
            }
            let mut m = Vec::with_capacity(x.len());
            m.push(0.0);
            let mut acc = 0.0;
            for i in 1..x.len() {
                let trapezium = (1.0 / 2.0) * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
                acc = if i == 1 { trapezium } else { acc + trapezium };
                m.push(acc);
            }
            Ok(Outputs::one(Value::pair(x, m)))
        },
    )
}

fn double_definite_integral() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "DOUBLE_DEFINITE_INTEGRAL",
            "MATH/CALCULUS",
            "The double integral of a function of two variables over a rectangle (scipy's nquad, tolerance \
             1.49e-8). Write the function in Python syntax with '*' for products: 2*x*y, sin(x)*exp(-y**2). \
             The variables are taken in name order: the first (x) runs over the x bounds, the second over y.",
        )
        .output("default", TypeSet::of(T::Scalar), "The integral")
        .str("function", "", "The function of two variables, e.g. x*y")
        .float("upper_bound_x", 0.0, "Upper bound of the first variable")
        .float("lower_bound_x", 0.0, "Lower bound of the first variable")
        .float("upper_bound_y", 0.0, "Upper bound of the second variable")
        .float("lower_bound_y", 0.0, "Lower bound of the second variable"),
        |ctx| {
            let text = ctx.text("function");
            let f = Expr::parse(text).map_err(|e| err(format!("parameter 'function': {e}")))?;
            let vars = f.variables();
            if vars.len() != 2 {
                return Err(err(format!(
                    "parameter 'function' must use two variables (it uses {}: {}); nquad integrates over two",
                    vars.len(),
                    if vars.is_empty() { "none".to_owned() } else { vars.join(", ") }
                )));
            }
            let mut bounds = [0.0; 4];
            for (b, name) in bounds.iter_mut().zip(["lower_bound_x", "upper_bound_x", "lower_bound_y", "upper_bound_y"])
            {
                *b = ctx.f64(name)?;
                if !b.is_finite() {
                    return Err(err(format!("parameter '{name}' must be a finite number")));
                }
            }
            let c = dblquad(|x, y| f.eval(&vars, &[x, y]), (bounds[0], bounds[1]), (bounds[2], bounds[3]));
            Ok(Outputs::one(Value::Scalar { c }))
        },
    )
}

fn double_indefinite_integral() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "DOUBLE_INDEFINITE_INTEGRAL",
            "MATH/CALCULUS",
            "Double integral of an OrderedTriple sampled on a grid: x, y and z are reshaped to height × width \
             matrices, and each cell of the result holds the volume up to that point (trapezoids of the four \
             corners, accumulated).",
        )
        .input("default", TypeSet::of(T::OrderedTriple), "The samples, row by row (width × height points)")
        .output("default", TypeSet::of(T::Matrix), "The accumulated volumes (height × width)")
        .int("width", 3, "Columns of the grid")
        .int("height", 3, "Rows of the grid"),
        |ctx| {
            let (x, y, z) = match ctx.need("default")? {
                Value::OrderedTriple { x, y, z } => {
                    let node = "DOUBLE_INDEFINITE_INTEGRAL";
                    (axis_numbers(x, "x", node)?, axis_numbers(y, "y", node)?, axis_numbers(z, "z", node)?)
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            let (width, height) = (ctx.int("width")?, ctx.int("height")?);
            // Flojoy tests np.divide(len(x), width) == height
            if (x.len() as f64 / width as f64) != height as f64 {
                return Err(err(format!(
                    "Cannot reshape size {} in a matrix of {width} by {height}. Please enter appropriate width and height.",
                    x.len()
                )));
            }
            let (Ok(w), Ok(h)) = (usize::try_from(width), usize::try_from(height)) else {
                return Err(err(format!("width and height must be 0 or more, got {width} and {height}")));
            };
            for (name, v) in [("y", y), ("z", z)] {
                if v.len() != x.len() {
                    return Err(err(format!("cannot reshape array of size {} into shape ({h},{w}) ({name})", v.len())));
                }
            }
            let at = |v: &[f64], i: usize, j: usize| v[i * w + j];
            let mut cells = vec![0.0; h * w];
            for i in 1..h {
                for j in 1..w {
                    let cal = (at(x, i, j) - at(x, i, j - 1)) * (at(y, i, j) - at(y, i - 1, j)) / 4.0;
                    cells[i * w + j] = cal * (at(z, i - 1, j - 1) + at(z, i, j - 1) + at(z, i - 1, j) + at(z, i, j));
                }
            }
            let mut r = cells;
            for i in 1..h {
                for j in 1..w {
                    r[i * w + j] = if i == 1 {
                        r[i * w + j - 1] + r[i * w + j]
                    } else if j == 1 {
                        r[(i - 1) * w + j] + r[i * w + j]
                    } else {
                        r[i * w + j - 1] + r[(i - 1) * w + j] + r[i * w + j] - r[(i - 1) * w + j - 1]
                    };
                }
            }
            let m = Matrix::new(h, w, r).ok_or_else(|| err("could not build the result matrix"))?;
            Ok(Outputs::one(Value::Matrix { m }))
        },
    )
}
