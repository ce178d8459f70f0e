//! Parameter sweeps and batches: the axes `flojoy sweep` and `flojoy batch` take, the grid of
//! parameter sets they make, and the result rows they write (one JSON line per run). Pure: the
//! runner (`bin/flojoy/sweep.rs`) runs the sets on threads.

use serde_json::{Map, Value as Json, json};

/// The largest grid a sweep may ask for (a typo like `0:1:1e9` should not start a billion runs).
pub const MAX_RUNS: usize = 1_000_000;

/// One swept parameter: `LABEL.PARAM` and the values it takes, as text the editor's checks read.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub target: String,
    pub values: Vec<String>,
}

/// `LABEL.PARAM=START:STOP:COUNT` (COUNT evenly spaced numbers from START to STOP, both
/// included, as numpy's linspace) or `LABEL.PARAM=v1,v2,…` (or one value).
pub fn parse_axis(arg: &str) -> Result<Axis, String> {
    let (target, spec) = arg.split_once('=').ok_or("expected LABEL.PARAM=START:STOP:COUNT or LABEL.PARAM=v1,v2,…")?;
    if !target.contains('.') {
        return Err(format!("'{target}' names no parameter: expected LABEL.PARAM"));
    }
    let parts: Vec<&str> = spec.split(':').collect();
    let values = if let [start, stop, count] = parts.as_slice() {
        let num = |s: &str, what: &str| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("{what} '{s}' is not a number"))
        };
        let (start, stop) = (num(start, "START")?, num(stop, "STOP")?);
        let count = count
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|&c| (1..=MAX_RUNS).contains(&c))
            .ok_or_else(|| format!("COUNT '{count}' must be a whole number from 1 to {MAX_RUNS}"))?;
        linspace(start, stop, count).into_iter().map(number_text).collect()
    } else if parts.len() == 1 {
        spec.split(',').map(|v| v.trim().to_owned()).collect()
    } else {
        return Err(format!("'{spec}': a range is START:STOP:COUNT"));
    };
    Ok(Axis { target: target.to_owned(), values })
}

/// numpy's linspace (endpoint included; one point is START).
fn linspace(start: f64, stop: f64, count: usize) -> Vec<f64> {
    if count == 1 {
        return vec![start];
    }
    let step = (stop - start) / (count - 1) as f64;
    (0..count).map(|i| if i == count - 1 { stop } else { start + step * i as f64 }).collect()
}

/// A number as the shortest text that reads back to it.
fn number_text(v: f64) -> String {
    format!("{v:?}")
}

/// Every combination of the axes' values (the last axis changes fastest), as `(target, value)`
/// lists, or an error if there would be more than [`MAX_RUNS`].
pub fn grid(axes: &[Axis]) -> Result<Vec<Vec<(String, String)>>, String> {
    let total = axes.iter().try_fold(1usize, |n, a| n.checked_mul(a.values.len()).filter(|&n| n <= MAX_RUNS));
    let total = total.ok_or_else(|| format!("the sweep would make more than {MAX_RUNS} runs"))?;
    Ok((0..total)
        .map(|mut i| {
            let mut set = vec![(String::new(), String::new()); axes.len()];
            for (k, axis) in axes.iter().enumerate().rev() {
                set[k] = (axis.target.clone(), axis.values[i % axis.values.len()].clone());
                i /= axis.values.len();
            }
            set
        })
        .collect())
}

/// A parameter set as the row's `params` object: numbers as numbers, anything else as text.
pub fn params_json(set: &[(String, String)]) -> Json {
    let mut m = Map::new();
    for (k, v) in set {
        let n = v.parse::<f64>().ok().filter(|n| n.is_finite()).and_then(serde_json::Number::from_f64);
        m.insert(k.clone(), n.map_or_else(|| Json::String(v.clone()), Json::Number));
    }
    Json::Object(m)
}

/// The identity of a row's parameter set, for `--resume` (the same set in any key order).
pub fn set_key(params: &Json) -> String {
    let mut pairs: Vec<(String, String)> =
        params.as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), v.to_string())).collect()).unwrap_or_default();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\u{1f}")
}

/// One result row: `{"run", "params", "status", "error", "ms", "worker", "outputs"}`.
pub fn row(run: usize, params: Json, error: Option<&str>, ms: f64, worker: &str, outputs: Json) -> Json {
    json!({
        "run": run,
        "params": params,
        "status": if error.is_some() { "failed" } else { "ok" },
        "error": error,
        "ms": ms,
        "worker": worker,
        "outputs": outputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_lists_and_grids() {
        let a = parse_axis("SINE 1.frequency=1:3:5").unwrap();
        assert_eq!(a.target, "SINE 1.frequency");
        assert_eq!(a.values, ["1.0", "1.5", "2.0", "2.5", "3.0"]);
        assert_eq!(parse_axis("X.k=0.1:0.3:3").unwrap().values, ["0.1", "0.2", "0.3"]);
        assert_eq!(parse_axis("X.mode=sine, square").unwrap().values, ["sine", "square"]);
        assert_eq!(parse_axis("X.k=7").unwrap().values, ["7"]);
        for bad in ["X.k", "k=1", "X.k=1:2", "X.k=a:2:3", "X.k=0:1:0", "X.k=0:1:2.5", "X.k=0:1:2000000"] {
            assert!(parse_axis(bad).is_err(), "{bad}");
        }
        let g = grid(&[parse_axis("A.x=1,2").unwrap(), parse_axis("B.y=a,b,c").unwrap()]).unwrap();
        assert_eq!(g.len(), 6);
        assert_eq!(g[1], [("A.x".to_owned(), "1".to_owned()), ("B.y".to_owned(), "b".to_owned())]);
        assert_eq!(g[5][0].1, "2");
        let big = parse_axis("A.x=0:1:1000000").unwrap();
        assert!(grid(&[big.clone(), parse_axis("B.y=1,2").unwrap()]).is_err());
    }

    #[test]
    fn rows_and_their_identity() {
        let p = params_json(&[("A.x".into(), "2.5".into()), ("B.mode".into(), "sine".into())]);
        assert_eq!(p, json!({"A.x": 2.5, "B.mode": "sine"}));
        assert_eq!(set_key(&p), set_key(&json!({"B.mode": "sine", "A.x": 2.5})));
        assert_ne!(set_key(&p), set_key(&json!({"A.x": 2.0, "B.mode": "sine"})));
        let r = row(3, p, Some("boom"), 1.5, "local", json!({}));
        assert_eq!(
            (r["status"].as_str(), r["error"].as_str(), r["run"].as_u64()),
            (Some("failed"), Some("boom"), Some(3))
        );
    }
}
