//! PID: a discrete PID controller that keeps its state for the rest of the run.

use super::{SCALAR, scalar_input};
use crate::nodes::{NodeDef, Outputs};
use crate::spec::NodeSpec;
use crate::value::Value;

/// PID's memory ("pid-info"): the running integral and the last three errors.
#[derive(Default)]
struct PidState {
    started: bool,
    integral: f64,
    errors: [f64; 3],
}

pub(super) fn pid() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "PID",
            "DSP",
            "A discrete PID controller: each run takes the regulation error and returns the control output \
             −(Kp·e + I + 0.1667·Kd·(e − e₃ + 3(e₁ − e₂))), where I accumulates 0.5·Ki·(e + e₁). Keeps its \
             state for the rest of the run (use it in a LOOP).",
        )
        .input("single_input", SCALAR, "The regulation error")
        .output("default", SCALAR, "The control output")
        .float("Kp", 5.0, "The proportional gain")
        .float("Ki", 0.0143, "The integral gain")
        .float("Kd", 356.25, "The derivative gain"),
        |ctx| {
            let e = scalar_input(ctx, "single_input")?;
            let (kp, ki, kd) = (ctx.f64("Kp")?, ctx.f64("Ki")?, ctx.f64("Kd")?);
            let s = ctx.memory::<PidState>();
            let (integral, ep) = if s.started { (s.integral, s.errors) } else { (0.0, [0.0; 3]) };
            let integral = integral + 0.5 * ki * (e + ep[0]);
            let output = -(kp * e + integral + 0.1667 * kd * (e - ep[2] + 3.0 * (ep[0] - ep[1])));
            *s = PidState { started: true, integral, errors: [e, ep[0], ep[1]] };
            Ok(Outputs::one(Value::scalar(output)))
        },
    )
    .stateful()
}
