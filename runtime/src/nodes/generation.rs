//! DATA/GENERATION: simulated signals, constants and random data.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Normal, Poisson, Uniform};

use super::numeric::{arange, linspace, sawtooth, sin_all, square};
use super::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{Column, DataFrame, DataType as T, Matrix, TypeSet, Value};

const OP: TypeSet = TypeSet::of(T::OrderedPair);
const VEC: TypeSet = TypeSet::of(T::Vector);
const SCALAR: TypeSet = TypeSet::of(T::Scalar);
const OP_VEC: TypeSet = TypeSet::union(&[T::OrderedPair, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        linspace_node(),
        sine(),
        constant(),
        rand_node(),
        scalar(),
        text(),
        basic_oscillator(),
        populate(),
        vector(),
        matrix(),
        boolean(),
        timeseries(),
        unix_timestamp(),
        vec_2_linspace(),
        skimage(),
        scikit_learn_dataset(),
        plotly_dataset(),
    ]
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
        _ => sine_wave(&x, a, f, off, ph),
    };
    Ok(Outputs::one(Value::pair(x, y)))
}

/// `offset + amplitude · sin(2π · frequency · t + phase)` for every t (vectorised `sin_all`).
fn sine_wave(t: &[f64], a: f64, f: f64, off: f64, ph: f64) -> Vec<f64> {
    let tau = std::f64::consts::TAU;
    let mut y: Vec<f64> = t.iter().map(|&t| tau * f * t + ph).collect();
    sin_all(&mut y);
    y.iter_mut().for_each(|v| *v = off + a * *v);
    y
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

const SIMULATIONS: &str = "DATA/GENERATION/SIMULATIONS";

fn basic_oscillator() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "BASIC_OSCILLATOR",
            SIMULATIONS,
            "Generate a waveform sampled over time: LINSPACE and SINE in one node. Unlike SINE, the square, \
             triangle and sawtooth shapes use the frequency as given.",
        )
        .output("default", OP, "x = time (numpy.linspace(0, time, sample_rate·time)), y = the waveform")
        .int("sample_rate", 100, "Samples per second")
        .int("time", 10, "Length of the signal in seconds")
        .select("waveform", &["sine", "square", "triangle", "sawtooth"], "sine", "The waveform type")
        .float("amplitude", 1.0, "The amplitude of the wave")
        .float("frequency", 1.0, "The wave frequency in radians/2pi")
        .float("offset", 0.0, "The y axis offset of the function")
        .float("phase", 0.0, "The x axis offset of the function"),
        |ctx| {
            let (rate, time) = (ctx.int("sample_rate")?, ctx.int("time")?);
            let samples = rate.checked_mul(time).unwrap_or(i64::MAX);
            if samples < 0 {
                return Err(NodeError(format!("Number of samples, {samples}, must be non-negative.")));
            }
            let n = usize::try_from(samples).unwrap_or(usize::MAX);
            if n > super::ctx::MAX_COUNT {
                return Err(NodeError(format!(
                    "sample_rate × time is too large: {samples} samples (at most {})",
                    super::ctx::MAX_COUNT
                )));
            }
            let x = linspace(0.0, time as f64, n);
            let (a, f, off, ph) = (ctx.f64("amplitude")?, ctx.f64("frequency")?, ctx.f64("offset")?, ctx.f64("phase")?);
            let tau = std::f64::consts::TAU;
            let y: Vec<f64> = match ctx.text("waveform") {
                "sine" => sine_wave(&x, a, f, off, ph),
                "square" => x.iter().map(|&t| off + a * square(tau * f * t + ph)).collect(),
                "triangle" => x.iter().map(|&t| off + a * sawtooth(tau * f * t + ph, 0.5)).collect(),
                _ => x.iter().map(|&t| off + a * sawtooth(tau * f * t + ph, 1.0)).collect(),
            };
            Ok(Outputs::one(Value::pair(x, y)))
        },
    )
}

fn populate() -> NodeDef {
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

/// Python's `float(text)`: surrounding whitespace ignored, underscores allowed between digits.
fn py_float(text: &str) -> Option<f64> {
    let t = text.trim();
    let bytes = t.as_bytes();
    let ok_underscores = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'_' || (i > 0 && i + 1 < bytes.len() && bytes[i - 1].is_ascii_digit() && bytes[i + 1].is_ascii_digit())
    });
    if !ok_underscores || t.is_empty() {
        return None;
    }
    let cleaned: String = t.chars().filter(|c| *c != '_').collect();
    let lower = cleaned.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    // Rust also reads "infinity"/"nan" like Python; it refuses what Python refuses ("0x10", "1e")
    if !(body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || body == "inf"
        || body == "infinity"
        || body == "nan")
    {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

fn vector() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "VECTOR",
            SIMULATIONS,
            "Make a Vector from comma-separated elements. boolean: each element is true when it is exactly \
             'true' (any case, no spaces), else false. numeric: each element is a number, kept as written \
             (Studio's block makes whole numbers ints and the rest floats, in one numpy array).",
        )
        .output("default", VEC, "The elements")
        .str("elements", "", "The elements, comma-separated")
        .select("elements_type", &["boolean", "numeric"], "boolean", "How to read the elements"),
        |ctx| {
            let elements: Vec<&str> = ctx.text("elements").split(',').collect();
            let v = match ctx.text("elements_type") {
                "boolean" => elements.iter().map(|e| if e.to_lowercase() == "true" { 1.0 } else { 0.0 }).collect(),
                "numeric" => {
                    let mut out = Vec::with_capacity(elements.len());
                    for e in &elements {
                        let f = py_float(e)
                            .ok_or_else(|| NodeError(format!("all elements of the vector must be numeric: {e}")))?;
                        if f.is_nan() {
                            return Err(NodeError(format!("all elements of the vector must be numeric: {e}")));
                        }
                        if f.is_infinite() {
                            return Err(NodeError::new("cannot convert float infinity to integer"));
                        }
                        // int(x) when x is whole, else x, then numpy.array: the numbers as written
                        // (-0.0 is whole, so it becomes the int 0)
                        out.push(f + 0.0);
                    }
                    out
                }
                other => {
                    return Err(NodeError(format!(
                        "all elements of the vector must be in boolean or integer type (elements_type '{other}')"
                    )));
                }
            };
            Ok(Outputs::one(Value::vector(v)))
        },
    )
}

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

fn matrix() -> NodeDef {
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
            let n = rows.checked_mul(cols).filter(|n| *n <= super::ctx::MAX_COUNT).ok_or_else(|| {
                NodeError(format!("a {rows} × {cols} Matrix is too large (at most {} numbers)", super::ctx::MAX_COUNT))
            })?;
            let mut rng = rng(ctx);
            let data: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
            Ok(Outputs::one(Value::Matrix { m: Matrix { rows, cols, data } }))
        },
    )
}

fn boolean() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("BOOLEAN", SIMULATIONS, "Generate a Boolean: True or False.")
            .output("default", TypeSet::of(T::Boolean), "The Boolean")
            .bool("status", true, "The value"),
        |ctx| Ok(Outputs::one(Value::Boolean { b: ctx.bool("status") })),
    )
}

/// numpy's legacy `RandomState` generator: MT19937 seeded by `init_genrand`, doubles from two
/// 32-bit words, and the polar Box–Muller `gauss` that keeps its second value for the next call.
pub(crate) struct LegacyMt {
    key: [u32; 624],
    pos: usize,
    gauss: Option<f64>,
}

impl LegacyMt {
    /// `np.random.seed(seed)` for a seed in 0..2³².
    pub(crate) fn new(seed: u32) -> LegacyMt {
        let mut key = [0u32; 624];
        let mut s = seed;
        for (i, k) in key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32.wrapping_mul(s ^ (s >> 30)).wrapping_add(i as u32 + 1);
        }
        LegacyMt { key, pos: 624, gauss: None }
    }

    fn next_u32(&mut self) -> u32 {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        if self.pos == 624 {
            for i in 0..624 {
                let y = (self.key[i] & UPPER) | (self.key[(i + 1) % 624] & LOWER);
                let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
                self.key[i] = self.key[(i + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.pos = 0;
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// `random_sample()`: 53 random bits in [0, 1).
    pub(crate) fn double(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `standard_normal()` / `randn()` (legacy_gauss).
    pub(crate) fn gauss(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.double() - 1.0;
            let x2 = 2.0 * self.double() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A `YYYY-MM-DD` (or `YYYY/MM/DD`) date parameter as days since 1970-01-01.
fn date_param(ctx: &Ctx<'_>, name: &str) -> Result<i64, NodeError> {
    let text = ctx.text(name).trim();
    let bad = || NodeError(format!("parameter '{name}' must be a date like 2023-01-01, got '{text}'"));
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    if y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return Err(bad());
    }
    let num = |s: &str| s.parse::<i64>().ok().filter(|_| s.bytes().all(|b| b.is_ascii_digit()));
    let (y, m, d) = (num(y).ok_or_else(bad)?, num(m).ok_or_else(bad)?, num(d).ok_or_else(bad)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month[(m - 1) as usize] {
        return Err(NodeError(format!("parameter '{name}': {text} is not a valid date")));
    }
    Ok(days_from_civil(y, m, d))
}

fn timeseries() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "TIMESERIES",
            SIMULATIONS,
            "A daily time series of random numbers: a DataFrame with a Timestamp column (one row per day, \
             both dates included) and a Data column drawn exactly as Flojoy does (numpy.random.seed(42), then \
             randn), so the same dates give the same numbers.",
        )
        .output("default", TypeSet::of(T::DataFrame), "Columns Timestamp (YYYY-MM-DD) and Data")
        .str("start_date", "2023-01-01", "The first day, YYYY-MM-DD")
        .str("end_date", "2023-07-20", "The last day, YYYY-MM-DD"),
        |ctx| {
            let (start, end) = (date_param(ctx, "start_date")?, date_param(ctx, "end_date")?);
            let n = end - start + 1;
            if n < 0 {
                // np.random.randn(negative)
                return Err(NodeError::new("negative dimensions are not allowed (end_date is before start_date)"));
            }
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            if n > super::ctx::MAX_COUNT {
                return Err(NodeError(format!("too many days: {n} (at most {})", super::ctx::MAX_COUNT)));
            }
            let dates: Vec<String> = (0..n)
                .map(|i| {
                    let (y, m, d) = civil_from_days(start + i as i64);
                    format!("{y:04}-{m:02}-{d:02}")
                })
                .collect();
            let mut mt = LegacyMt::new(42);
            let data: Vec<f64> = (0..n).map(|_| mt.gauss()).collect();
            let df = DataFrame::new(vec![DataFrame::text("Timestamp", dates), DataFrame::num("Data", data)]);
            Ok(Outputs::one(Value::DataFrame { m: df }))
        },
    )
}

fn unix_timestamp() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "UNIX_TIMESTAMP",
            SIMULATIONS,
            "The current time in whole seconds since 1970 (time.mktime(datetime.now().timetuple())): a \
             Scalar or a one-element Vector, or, with a Scalar input, an OrderedPair (x = [time], y = [the \
             input]).",
        )
        .optional_input("default", SCALAR, "Optional: a value to timestamp")
        .output("default", TypeSet::union(&[T::Scalar, T::Vector, T::OrderedPair]), "The timestamp")
        .select("dc_type", &["Scalar", "Vector"], "Scalar", "The type of the output"),
        |ctx| {
            let ts = ctx.host().unix_time_s().floor();
            if let Some(v) = ctx.input("default") {
                return match v {
                    Value::Scalar { c } => Ok(Outputs::one(Value::pair(vec![ts], vec![*c]))),
                    other => Err(ctx.wrong_type("default", other)),
                };
            }
            Ok(Outputs::one(match ctx.text("dc_type") {
                "Vector" => Value::vector(vec![ts]),
                _ => Value::scalar(ts),
            }))
        },
    )
    .stateful()
}

fn vec_2_linspace() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "VEC_2_LINSPACE",
            SIMULATIONS,
            "Evenly spaced numbers from start to end (numpy.linspace), as many as the input Vector has \
             elements, or as the input Scalar says.",
        )
        .input("default", TypeSet::union(&[T::Scalar, T::Vector]), "A Vector (its length) or a Scalar (a count)")
        .output("default", VEC, "The numbers")
        .float("start", -10.0, "The first number")
        .float("end", 10.0, "The last number"),
        |ctx| {
            let n = match ctx.need("default")? {
                Value::Vector { v } => v.len(),
                Value::Scalar { c } => {
                    // numpy takes only an integer count; our Scalars do not keep int/float apart, so a
                    // whole number is accepted where numpy would refuse a float like 5.0
                    if c.fract() != 0.0 || !c.is_finite() {
                        return Err(NodeError(format!("the count must be a whole number, got {c}")));
                    }
                    if *c < 0.0 {
                        return Err(NodeError(format!("Number of samples, {c}, must be non-negative.")));
                    }
                    if *c > super::ctx::MAX_COUNT as f64 {
                        return Err(NodeError(format!(
                            "the count is too large: {c} (at most {})",
                            super::ctx::MAX_COUNT
                        )));
                    }
                    *c as usize
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::vector(linspace(ctx.f64("start")?, ctx.f64("end")?, n))))
        },
    )
}

/// skimage.data's sample images, as Flojoy lists them (all but the astronaut need files we do not ship).
const SKIMAGE_KEYS: &[&str] = &[
    "astronaut",
    "binary_blobs",
    "brain",
    "brick",
    "camera",
    "cat",
    "cell",
    "cells3d",
    "checkerboard",
    "chelsea",
    "clock",
    "coffee",
    "coins",
    "colorwheel",
    "create_image_fetcher",
    "data_dir",
    "download_all",
    "eagle",
    "file_hash",
    "grass",
    "gravel",
    "horse",
    "hubble_deep_field",
    "human_mitosis",
    "image_fetcher",
    "immunohistochemistry",
    "kidney",
    "lbp_frontal_face_cascade_filename",
    "lfw_subset",
    "lily",
    "logo",
    "microaneurysms",
    "moon",
    "nickel_solidification",
    "page",
    "protein_transport",
    "retina",
    "rocket",
    "shepp_logan_phantom",
    "skin",
    "stereo_motorcycle",
    "text",
    "vortex",
];

fn skimage() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SKIMAGE",
            "DATA/GENERATION/SAMPLE_IMAGES",
            "Load a sample image as an RGB Image. Flojoy Web bundles the astronaut only; the other \
             scikit-image samples are not included.",
        )
        .output("default", TypeSet::of(T::Image), "The image (r, g, b channels, 0–255)")
        .select("img_key", SKIMAGE_KEYS, "astronaut", "The sample image"),
        |ctx| match ctx.text("img_key") {
            // NOTE: this is Flojoy's bundled astronaut.png (LOCAL_FILE's default, 640×480), not
            // skimage.data.astronaut() (512×512), which Flojoy's SKIMAGE returns.
            "astronaut" => Ok(Outputs::one(super::image_io::decode_rgb(super::image_io::ASTRONAUT_PNG)?)),
            other => Err(NodeError(format!(
                "the sample image '{other}' is not available: Flojoy Web bundles only 'astronaut'"
            ))),
        },
    )
}

/// The iris data set (Fisher 1936, public domain), as scikit-learn ships it, with species names.
const IRIS_CSV: &str = include_str!("../../assets/iris.csv");

/// The iris table: four numeric columns and the species.
fn iris() -> Result<(Vec<Vec<f64>>, Vec<String>), NodeError> {
    let mut cols: Vec<Vec<f64>> = (0..4).map(|_| Vec::with_capacity(150)).collect();
    let mut species = Vec::with_capacity(150);
    for line in IRIS_CSV.lines().skip(1).filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        let [a, b, c, d, s] = cells.as_slice() else {
            return Err(NodeError::new("the bundled iris table is damaged"));
        };
        for (col, cell) in cols.iter_mut().zip([a, b, c, d]) {
            col.push(cell.parse::<f64>().map_err(|_| NodeError::new("the bundled iris table is damaged"))?);
        }
        species.push((*s).to_owned());
    }
    Ok((cols, species))
}

fn scikit_learn_dataset() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SCIKIT_LEARN_DATASET",
            "DATA/GENERATION/SAMPLE_DATASETS",
            "A scikit-learn sample data set as a DataFrame of its features (load_X(as_frame=True, \
             return_X_y=True)[0]). Flojoy Web bundles 'iris' only.",
        )
        .output("default", TypeSet::of(T::DataFrame), "The features")
        .select(
            "dataset_name",
            &["iris", "diabetes", "digits", "linnerud", "wine", "breast_cancer"],
            "iris",
            "The data set",
        ),
        |ctx| match ctx.text("dataset_name") {
            "iris" => {
                let (cols, _) = iris()?;
                let names = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];
                let columns: Vec<Column> = names.iter().zip(cols).map(|(n, v)| DataFrame::num(n, v)).collect();
                Ok(Outputs::one(Value::DataFrame { m: DataFrame::new(columns) }))
            }
            other => Err(NodeError(format!("the data set '{other}' is not available: Flojoy Web bundles only 'iris'"))),
        },
    )
}

fn plotly_dataset() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "PLOTLY_DATASET",
            "DATA/GENERATION/SAMPLE_DATASETS",
            "A Plotly Express sample data set as a DataFrame. Flojoy Web bundles 'iris' only.",
        )
        .output("default", TypeSet::of(T::DataFrame), "The table")
        .select(
            "dataset_key",
            &[
                "wind",
                "iris",
                "carshare",
                "tips",
                "election",
                "experiment",
                "gapminder",
                "medals_long",
                "medals_wide",
                "stocks",
            ],
            "wind",
            "The data set",
        ),
        |ctx| match ctx.text("dataset_key") {
            "iris" => {
                let (mut cols, species) = iris()?;
                // plotly.express.data.iris() is the UCI copy of the table, which differs from Fisher's
                // (and scikit-learn's) in two flowers: rows 35 and 38 read 4.9, 3.1, 1.5, 0.1
                for row in [34, 37] {
                    for (col, v) in cols.iter_mut().zip([4.9, 3.1, 1.5, 0.1]) {
                        if let Some(cell) = col.get_mut(row) {
                            *cell = v;
                        }
                    }
                }
                let ids: Vec<f64> = species
                    .iter()
                    .map(|s| match s.as_str() {
                        "setosa" => 1.0,
                        "versicolor" => 2.0,
                        _ => 3.0,
                    })
                    .collect();
                let names = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
                let mut columns: Vec<Column> = names.iter().zip(cols).map(|(n, v)| DataFrame::num(n, v)).collect();
                columns.push(DataFrame::text("species", species));
                columns.push(DataFrame::num("species_id", ids));
                Ok(Outputs::one(Value::DataFrame { m: DataFrame::new(columns) }))
            }
            other => Err(NodeError(format!("the data set '{other}' is not available: Flojoy Web bundles only 'iris'"))),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_randn_matches_numpy_seed_42() {
        // np.random.seed(42); np.random.randn(3) = [0.49671415, -0.1382643, 0.64768854]
        let mut mt = LegacyMt::new(42);
        let v: Vec<f64> = (0..201).map(|_| mt.gauss()).collect();
        assert!((v[0] - 0.496_714_153_011_232_7).abs() < 1e-15, "{}", v[0]);
        assert!((v[1] + 0.138_264_301_171_184_66).abs() < 1e-15, "{}", v[1]);
        assert!((v[2] - 0.647_688_538_100_692_5).abs() < 1e-15, "{}", v[2]);
        assert!((v.iter().sum::<f64>() + 7.796_406).abs() < 1e-6);
    }

    #[test]
    fn civil_dates_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2023, 7, 20), (2000, 2, 29), (1899, 12, 31), (2400, 3, 1)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(2023, 7, 20) - days_from_civil(2023, 1, 1) + 1, 201);
    }

    #[test]
    fn python_float_parsing() {
        assert_eq!(py_float(" 3 "), Some(3.0));
        assert_eq!(py_float("1_000"), Some(1000.0));
        assert_eq!(py_float("+.5"), Some(0.5));
        assert_eq!(py_float("0x10"), None);
        assert_eq!(py_float("1__0"), None);
        assert_eq!(py_float(""), None);
        assert!(py_float("nan").is_some_and(f64::is_nan));
    }
}
