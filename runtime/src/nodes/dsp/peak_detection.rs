//! PEAK_DETECTION: scipy's find_peaks, each condition a number or empty.

use serde_json::Value as Json;

use super::{OP, err};
use crate::nodes::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::python::parse_float;
use crate::numeric::signal::peaks::{PeakConditions, find_peaks};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::Value;

pub(super) fn peak_detection() -> NodeDef {
    let text = |spec: NodeSpec, name: &str, doc: &str| spec.param(name, ParamKind::Str, Json::Null, doc);
    let spec = NodeSpec::new(
        "PEAK_DETECTION",
        "DSP",
        "Find the peaks of the input's y (scipy find_peaks). Each condition is a number, or empty for none. \
         As in Flojoy, an empty rel_height is passed to scipy as None, so width needs rel_height set (e.g. 0.5).",
    )
    .input("default", OP, "The data to search")
    .output("default", OP, "x and y of the peaks");
    let spec = text(spec, "height", "Minimal height of a peak");
    let spec = text(spec, "threshold", "Minimal vertical distance of a peak to both its neighbours");
    let spec = text(spec, "distance", "Minimal distance (≥ 1) in samples between peaks; smaller peaks go first");
    let spec = text(spec, "prominence", "Minimal prominence of a peak");
    let spec = text(spec, "width", "Minimal width of a peak in samples");
    let spec = text(spec, "wlen", "Window length (whole number) for the prominences");
    let spec = text(spec, "rel_height", "Relative height at which the width is measured");
    let spec = text(spec, "plateau_size", "Minimal size of the flat top of a peak in samples");
    NodeDef::sync(spec, run_peak_detection)
}

/// A text parameter read as Python's `float(text)`, or None when empty.
fn opt_number(ctx: &Ctx<'_>, name: &str) -> Result<Option<f64>, NodeError> {
    let s = ctx.text(name).trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse_float(s).map(Some).ok_or_else(|| err(format!("parameter '{name}' must be a number or empty, got {s:?}")))
}

fn run_peak_detection(ctx: &mut Ctx<'_>) -> NodeResult {
    let (x, y) = ctx.pair("default")?;
    let wlen = {
        let s = ctx.text("wlen").trim();
        if s.is_empty() {
            None
        } else {
            Some(
                s.parse::<i64>()
                    .map_err(|_| err(format!("parameter 'wlen' must be a whole number or empty, got {s:?}")))?,
            )
        }
    };
    let conditions = PeakConditions {
        height: opt_number(ctx, "height")?,
        threshold: opt_number(ctx, "threshold")?,
        distance: opt_number(ctx, "distance")?,
        prominence: opt_number(ctx, "prominence")?,
        width: opt_number(ctx, "width")?,
        wlen,
        rel_height: opt_number(ctx, "rel_height")?,
        plateau_size: opt_number(ctx, "plateau_size")?,
    };
    let peaks = find_peaks(y, &conditions)?;
    if let Some(&last) = peaks.last()
        && last >= x.len()
    {
        return Err(err(format!("index {last} is out of bounds for x of size {} (x is shorter than y)", x.len())));
    }
    Ok(Outputs::one(Value::pair(peaks.iter().map(|&i| x[i]).collect(), peaks.iter().map(|&i| y[i]).collect())))
}
