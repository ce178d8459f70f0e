//! DATA/GENERATION: simulated signals, constants and random data.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal, Poisson, Uniform};

use super::numeric::{arange, linspace, sawtooth, square};
use super::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const OP: TypeSet = TypeSet::of(T::OrderedPair);
const VEC: TypeSet = TypeSet::of(T::Vector);
const SCALAR: TypeSet = TypeSet::of(T::Scalar);
const OP_VEC: TypeSet = TypeSet::union(&[T::OrderedPair, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![linspace_node(), sine(), constant(), rand_node(), scalar(), text()]
}

fn linspace_node() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "LINSPACE",
            "DATA/GENERATION/SIMULATIONS",
            "Generate evenly spaced numbers (numpy.linspace). Note Flojoy's defaults run downwards, from 10 to 0.",
        )
        .optional_input("default", OP_VEC, "Ignored; lets LINSPACE sit inside a chain.")
        .output("default", VEC, "The numbers")
        .float("start", 10.0, "The first number")
        .float("end", 0.0, "The last number")
        .int_range("step", 1000, Some(0), None, "How many numbers"),
        |ctx| Ok(Outputs::one(Value::vector(linspace(ctx.f64("start")?, ctx.f64("end")?, ctx.count("step")?)))),
    )
}

fn sine() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SINE",
            "DATA/GENERATION/SIMULATIONS",
            "Generate a waveform (sine, square, triangle or sawtooth) over the input's values. \
             As in Flojoy, an OrderedPair input is read from its y values, and the non-sine shapes divide the frequency by 10.",
        )
        .input("default", OP_VEC, "The time axis: a Vector, or an OrderedPair (its y is used)")
        .output("default", OP, "x = the input axis, y = the waveform")
        .float("amplitude", 1.0, "The amplitude of the wave")
        .float("frequency", 1.0, "The wave frequency in radians/2pi")
        .float("offset", 0.0, "The y axis offset of the function")
        .float("phase", 0.0, "The x axis offset of the function")
        .select("waveform", &["sine", "square", "triangle", "sawtooth"], "sine", "The waveform type"),
        run_sine,
    )
}

fn run_sine(ctx: &mut Ctx<'_>) -> NodeResult {
    let x: Vec<f64> = match ctx.need("default")? {
        Value::OrderedPair { y, .. } => y.clone(),
        Value::Vector { v } => v.clone(),
        other => return Err(ctx.wrong_type("default", other)),
    };
    let (a, f, off, ph) = (ctx.f64("amplitude")?, ctx.f64("frequency")?, ctx.f64("offset")?, ctx.f64("phase")?);
    let tau = std::f64::consts::TAU;
    let y: Vec<f64> = match ctx.text("waveform") {
        "square" => x.iter().map(|&t| off + a * square(tau * f * t / 10.0 + ph)).collect(),
        "triangle" => x.iter().map(|&t| off + a * sawtooth(tau * f * t / 10.0 + ph, 0.5)).collect(),
        "sawtooth" => x.iter().map(|&t| off + a * sawtooth(tau * f / 10.0 * t + ph, 1.0)).collect(),
        _ => x.iter().map(|&t| off + a * (tau * f * t + ph).sin()).collect(),
    };
    Ok(Outputs::one(Value::pair(x, y)))
}

fn constant() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "CONSTANT",
            "DATA/GENERATION/SIMULATIONS",
            "Generate a constant: a Scalar, or a Vector/OrderedPair filled with one value. Its label shows the value.",
        )
        .optional_input("default", OP_VEC, "Optional: the x axis to fill (its y for an OrderedPair)")
        .output("default", TypeSet::union(&[T::OrderedPair, T::Vector, T::Scalar]), "The constant")
        .select("dc_type", &["Scalar", "Vector", "OrderedPair"], "OrderedPair", "The type of the output")
        .float("constant", 3.0, "The value")
        .int_range("step", 1000, Some(0), None, "How many points when there is no input"),
        |ctx| {
            let c = ctx.f64("constant")?;
            let x = match ctx.input("default") {
                Some(Value::OrderedPair { y, .. }) => y.clone(),
                Some(Value::Vector { v }) => v.clone(),
                Some(other) => return Err(ctx.wrong_type("default", other)),
                None => arange(ctx.count("step")?),
            };
            Ok(Outputs::one(match ctx.text("dc_type") {
                "Scalar" => Value::scalar(c),
                "Vector" => Value::vector(vec![c; x.len()]),
                _ => {
                    let y = vec![c; x.len()];
                    Value::pair(x, y)
                }
            }))
        },
    )
}

/// A generator seeded from the node's `seed` parameter, else freshly from the host.
pub(crate) fn rng(ctx: &Ctx<'_>) -> StdRng {
    match ctx.opt_f64("seed") {
        Some(s) => StdRng::seed_from_u64(s as u64),
        None => StdRng::seed_from_u64(ctx.host().entropy() ^ hash(ctx.key())),
    }
}

fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Draws `n` numbers from the distribution named by the node's parameters.
pub(crate) fn draw(ctx: &Ctx<'_>, n: usize) -> Result<Vec<f64>, NodeError> {
    let mut rng = rng(ctx);
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

fn rand_node() -> NodeDef {
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

fn scalar() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("SCALAR", "DATA/GENERATION/SIMULATIONS", "Generate a single number (a Scalar).")
            .optional_input("_", TypeSet::ANY, "Optional: only triggers the node")
            .output("default", SCALAR, "The number")
            .float("value", 3.0, "The number"),
        |ctx| Ok(Outputs::one(Value::scalar(ctx.f64("value")?))),
    )
}

fn text() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("TEXT", "DATA/GENERATION/SIMULATIONS", "Generate a piece of text (a String).")
            .optional_input("_", TypeSet::ANY, "Optional: only triggers the node")
            .output("default", TypeSet::of(T::String), "The text")
            .param("value", crate::spec::ParamKind::TextArea, "Hello World!", "The text"),
        |ctx| Ok(Outputs::one(Value::string(ctx.text("value")))),
    )
}
