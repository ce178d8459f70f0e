//! SECOND_ORDER_SYSTEM: a second-order system driven by its input, one step per run.

use super::scalar_input;
use crate::nodes::{NodeDef, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

/// SECOND_ORDER_SYSTEM's memory: the last two outputs.
#[derive(Default)]
struct SecondOrderState {
    y1: f64,
    y2: f64,
}

pub(super) fn second_order_system() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SECOND_ORDER_SYSTEM",
            "DATA/GENERATION/SIMULATIONS",
            "A second-order system driven by the input: y[n] = (1−x₁)(1−x₂)·u + (x₁+x₂)·y[n−1] − x₁x₂·y[n−2], \
             x = e^(−1/d). Keeps its last outputs for the rest of the run (use it in a LOOP with PID). \
             Flojoy declares its output an OrderedPair but returns a Scalar.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Vector, T::Scalar]), "The drive u (a Scalar)")
        .output("default", TypeSet::union(&[T::OrderedPair, T::Scalar]), "The latest response, a Scalar")
        .float("d1", 250.0, "The first time constant")
        .float("d2", 100.0, "The second time constant"),
        |ctx| {
            let u = scalar_input(ctx, "default")?;
            let (d1, d2) = (ctx.f64("d1")?, ctx.f64("d2")?);
            let x1 = if d1 > 0.0 { (-1.0 / d1).exp() } else { 0.0 };
            let x2 = if d2 > 0.0 { (-1.0 / d2).exp() } else { 0.0 };
            let (ac, bpd, bd) = ((1.0 - x1) * (1.0 - x2), x1 + x2, x1 * x2);
            let s = ctx.memory::<SecondOrderState>();
            let response = ac * u + bpd * s.y1 - bd * s.y2;
            *s = SecondOrderState { y1: response, y2: s.y1 };
            Ok(Outputs::one(Value::scalar(response)))
        },
    )
    .stateful()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_machines_recur() {
        let mut s = SecondOrderState::default();
        let (x1, x2) = ((-1.0f64 / 250.0).exp(), (-1.0f64 / 100.0).exp());
        let ac = (1.0 - x1) * (1.0 - x2);
        for _ in 0..3 {
            let r = ac * 1.0 + (x1 + x2) * s.y1 - x1 * x2 * s.y2;
            s = SecondOrderState { y1: r, y2: s.y1 };
        }
        assert!(s.y1 > 0.0 && s.y1 < 1.0);
    }
}
