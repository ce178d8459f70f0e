//! RAND and POPULATE: random numbers from a normal, uniform or Poisson distribution.

use rand_distr::{Distribution, Normal, Poisson, Uniform};

use super::{OP, OP_VEC, SIMULATIONS};
use crate::nodes::{Ctx, NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

/// Draws `n` numbers from the distribution named by the node's parameters.
pub(crate) fn draw(ctx: &Ctx<'_>, n: usize) -> Result<Vec<f64>, NodeError> {
    let mut rng = ctx.rng();
    let bad = |e: &dyn std::fmt::Display| NodeError(format!("invalid distribution parameters: {e}"));
    Ok(match ctx.text("distribution") {
        "uniform" => {
            let (mut lo, mut hi) = (ctx.f64("lower_bound")?, ctx.f64("upper_bound")?);
            if lo > hi {
                std::mem::swap(&mut lo, &mut hi);
            }
            if lo == hi {
                vec![lo; n]
            } else {
                let d = Uniform::new(lo, hi).map_err(|e| bad(&e))?;
                (0..n).map(|_| d.sample(&mut rng)).collect()
            }
        }
        "poisson" => {
            let lam = ctx.f64("poisson_events")?;
            let d = Poisson::new(lam).map_err(|e| bad(&e))?;
            (0..n).map(|_| d.sample(&mut rng)).collect()
        }
        _ => {
            let d = Normal::new(ctx.f64("normal_mean")?, ctx.f64("normal_standard_deviation")?).map_err(|e| bad(&e))?;
            (0..n).map(|_| d.sample(&mut rng)).collect()
        }
    })
}

/// Adds RAND/POPULATE's distribution parameters (each shown only for its distribution).
pub(crate) fn distribution_params(spec: NodeSpec) -> NodeSpec {
    spec.select("distribution", &["normal", "uniform", "poisson"], "normal", "The probability distribution")
        .float("lower_bound", 0.0, "Lowest value (uniform)")
        .shown_when("distribution", &["uniform"])
        .float("upper_bound", 1.0, "Highest value (uniform)")
        .shown_when("distribution", &["uniform"])
        .float("normal_mean", 0.0, "Mean (normal)")
        .shown_when("distribution", &["normal"])
        .float("normal_standard_deviation", 1.0, "Standard deviation (normal)")
        .shown_when("distribution", &["normal"])
        .float("poisson_events", 1.0, "Expected number of events λ (poisson)")
        .shown_when("distribution", &["poisson"])
        .param(
            "seed",
            crate::spec::ParamKind::Int { min: Some(0), max: None },
            serde_json::Value::Null,
            "Seed for repeatable numbers; empty draws new ones each run (like Flojoy)",
        )
}

pub(super) fn rand_node() -> NodeDef {
    NodeDef::sync(
        distribution_params(
            NodeSpec::new(
                "RAND",
                "DATA/GENERATION/SIMULATIONS",
                "Generate random numbers from a normal, uniform or Poisson distribution. One number gives a Scalar.",
            )
            .optional_input("default", TypeSet::ANY, "Optional: only triggers the node")
            .output("default", TypeSet::union(&[T::Vector, T::Scalar]), "The random numbers")
            .int_range("size", 1000, Some(1), None, "How many numbers"),
        ),
        |ctx| {
            let n = ctx.count("size")?;
            let v = draw(ctx, n)?;
            Ok(Outputs::one(if n == 1 { Value::scalar(v[0]) } else { Value::vector(v) }))
        },
    )
}

pub(super) fn populate() -> NodeDef {
    NodeDef::sync(
        distribution_params(
            NodeSpec::new(
                "POPULATE",
                SIMULATIONS,
                "Random numbers, one per element of the input: x = the input (an OrderedPair's x, a Vector's \
                 values), y = samples of a normal, uniform or Poisson distribution.",
            )
            .input("default", OP_VEC, "The x axis: an OrderedPair (its x) or a Vector")
            .output("default", OP, "x = the input axis, y = the random samples"),
        ),
        |ctx| {
            let x = match ctx.need("default")? {
                Value::OrderedPair { x, .. } => x.clone(),
                Value::Vector { v } => v.clone(),
                other => return Err(ctx.wrong_type("default", other)),
            };
            let y = draw(ctx, x.len())?;
            Ok(Outputs::one(Value::pair(x, y)))
        },
    )
}
