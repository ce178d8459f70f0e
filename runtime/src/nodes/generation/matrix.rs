//! MATRIX: a Matrix of random numbers.

use rand::RngExt;

use super::{SCALAR, SIMULATIONS};
use crate::nodes::{Ctx, NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Matrix, TypeSet, Value};

/// A whole-number size from an optional Scalar input (its `c`), or the default.
fn size_input(ctx: &Ctx<'_>, name: &str, default: usize) -> Result<usize, NodeError> {
    match ctx.input(name) {
        None => Ok(default),
        Some(Value::Scalar { c }) => {
            if c.fract() != 0.0 || !c.is_finite() {
                return Err(NodeError(format!("input '{name}' must be a whole number, got {c}")));
            }
            if *c < 0.0 {
                return Err(NodeError::new("negative dimensions are not allowed"));
            }
            Ok(*c as usize)
        }
        Some(other) => Err(ctx.wrong_type(name, other)),
    }
}

pub(super) fn matrix() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "MATRIX",
            SIMULATIONS,
            "A Matrix of random numbers, uniform in [0, 1) (numpy.random.random_sample). Its size comes from \
             the row and column inputs (Scalars), 100 × 100 when they are not connected.",
        )
        // Flojoy declares `row: Scalar = 100, column: Scalar = 100`, which makes them input ports; a
        // connected Scalar reaches numpy as a DataContainer and fails there. Here its value is the size.
        .optional_input("row", SCALAR, "Number of rows (100 when not connected)")
        .optional_input("column", SCALAR, "Number of columns (100 when not connected)")
        .output("default", TypeSet::of(T::Matrix), "The random Matrix")
        .param(
            "seed",
            crate::spec::ParamKind::Int { min: Some(0), max: None },
            serde_json::Value::Null,
            "Seed for repeatable numbers; empty draws new ones each run (like Flojoy)",
        ),
        |ctx| {
            let (rows, cols) = (size_input(ctx, "row", 100)?, size_input(ctx, "column", 100)?);
            let n = rows.checked_mul(cols).filter(|n| *n <= crate::nodes::ctx::MAX_COUNT).ok_or_else(|| {
                NodeError(format!(
                    "a {rows} × {cols} Matrix is too large (at most {} numbers)",
                    crate::nodes::ctx::MAX_COUNT
                ))
            })?;
            let mut rng = ctx.rng();
            let data: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
            Ok(Outputs::one(Value::Matrix { m: Matrix { rows, cols, data } }))
        },
    )
}
