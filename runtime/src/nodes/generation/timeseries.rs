//! TIMESERIES and UNIX_TIMESTAMP: dates and times.

use super::{SCALAR, SIMULATIONS};
use crate::nodes::{Ctx, NodeDef, NodeError, Outputs};
use crate::numeric::random::LegacyMt;
use crate::spec::NodeSpec;
use crate::value::{DataFrame, DataType as T, TypeSet, Value};

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

pub(super) fn timeseries() -> NodeDef {
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
            if n > crate::nodes::ctx::MAX_COUNT {
                return Err(NodeError(format!("too many days: {n} (at most {})", crate::nodes::ctx::MAX_COUNT)));
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

pub(super) fn unix_timestamp() -> NodeDef {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2023, 7, 20), (2000, 2, 29), (1899, 12, 31), (2400, 3, 1)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(2023, 7, 20) - days_from_civil(2023, 1, 1) + 1, 201);
    }
}
