//! SAVGOL: Savitzky-Golay smoothing (scipy's savgol_filter), with Flojoy's clamps of its parameters.

use super::{OP, WORK_LIMIT, err};
use crate::nodes::{Ctx, NodeDef, NodeResult, Outputs};
use crate::numeric::signal::savgol::savgol_filter;
use crate::spec::NodeSpec;
use crate::value::Value;

pub(super) fn savgol() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SAVGOL",
            "DSP",
            "Savitzky-Golay smoothing (scipy savgol_filter, mode 'interp': the ends are fitted with a polynomial). \
             As in Flojoy, a window as long as the input lowers poly_order to len−1, and a poly_order not below \
             the window is lowered to window_length−1.",
        )
        .input("default", OP, "The signal to smooth")
        .output("default", OP, "x = the input's x, y = the smoothed signal")
        .int("window_length", 50, "The length of the filter window (at most the input's length)")
        .int("poly_order", 1, "The order of the fitted polynomial"),
        run_savgol,
    )
}

fn run_savgol(ctx: &mut Ctx<'_>) -> NodeResult {
    let (x, y) = ctx.pair("default")?;
    let window = ctx.int("window_length")?;
    let mut order = ctx.int("poly_order")?;
    let len = y.len() as i64;
    if window >= len {
        ctx.log("Polynomial order is greater than the window size. Using p=w-1...");
        order = len - 1;
    }
    if order >= window {
        ctx.log("Polynomial order is greater than the window size. Using p=w-1...");
        order = window - 1;
    }
    if window < 1 {
        return Err(err(format!("parameter 'window_length' must be at least 1, got {window}")));
    }
    if window > len {
        return Err(err(format!(
            "If mode is 'interp', window_length must be less than or equal to the size of x (window_length {window}, {len} points)"
        )));
    }
    if order < 0 {
        return Err(err(format!("parameter 'poly_order' must be 0 or more, got {order}")));
    }
    let (w, p) = (window as usize, order as usize);
    if ((p + 1) as f64).powi(2) * w as f64 > WORK_LIMIT || w as f64 * len as f64 > WORK_LIMIT {
        return Err(err(format!("window_length {w} with poly_order {p} is too large to fit (lower one of them)")));
    }
    Ok(Outputs::one(Value::pair(x.to_vec(), savgol_filter(y, w, p)?)))
}
