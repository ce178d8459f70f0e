//! WAVEPACKET: a Gaussian wave packet in a box, one Crank-Nicolson step per run.

use std::f64::consts::PI;

use rustfft::num_complex::Complex64 as C;

use super::OP;
use crate::nodes::{Ctx, NodeDef, NodeResult, Outputs};
use crate::numeric::array::linspace;
use crate::numeric::complex::cdiv;
use crate::spec::NodeSpec;
use crate::value::Value;

/// WAVEPACKET's memory: the wave function after the last step.
#[derive(Default)]
struct WavepacketState {
    psi: Option<Vec<C>>,
}

pub(super) fn wavepacket() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "WAVEPACKET",
            "DATA/GENERATION/SIMULATIONS",
            "A 1D Gaussian wave packet in a box (1000 grid points), advanced by one Crank-Nicolson step of the \
             Schrödinger equation per run; the state is kept for the rest of the run (use it in a LOOP).",
        )
        .optional_input("default", OP, "Optional: only triggers the node")
        .output("default", OP, "x = the grid, y = |ψ|")
        .float("L_box", 20.0, "The width of the box in Bohr lengths")
        .float("center", 0.0, "The center of the initial wave packet")
        .float("momentum", 5.0, "The momentum of the initial wave packet")
        .float("sigma", 1.0, "The width of the initial wave packet")
        .float("dt", 0.2, "The time step in atomic units (1 a.u. = 24.188 as)"),
        run_wavepacket,
    )
    .stateful()
}

fn run_wavepacket(ctx: &mut Ctx<'_>) -> NodeResult {
    let (l_box, center, momentum, sigma, dt) =
        (ctx.f64("L_box")?, ctx.f64("center")?, ctx.f64("momentum")?, ctx.f64("sigma")?, ctx.f64("dt")?);
    let xmin = -l_box / 2.0;
    let x = linspace(xmin, xmin + l_box, 1000);
    let state = ctx.memory::<WavepacketState>();
    let psi = match state.psi.take() {
        Some(psi) => psi,
        None => {
            let norm = (1.0 / PI.sqrt() / sigma).sqrt();
            x.iter()
                .map(|xi| {
                    let d = xi - center;
                    let g = norm * (-(d * d) / 2.0 / (sigma * sigma)).exp();
                    let phase = momentum * d;
                    C::new(phase.cos() * g, phase.sin() * g)
                })
                .collect()
        }
    };
    let next = crank_nicolson(&psi, x[1] - x[0], dt);
    let y = next.iter().map(|c| c.norm()).collect();
    state.psi = Some(next);
    Ok(Outputs::one(Value::pair(x, y)))
}

/// One Crank-Nicolson step with zero potential: (I + iΔt/2·T) ψ' = (I − iΔt/2·T) ψ, T the
/// kinetic operator −½ d²/dx² (tridiagonal). scipy factors U2 with SuperLU; U2 is strictly
/// diagonally dominant, so the Thomas algorithm (no pivoting) solves the same system.
fn crank_nicolson(psi: &[C], dx: f64, dt: f64) -> Vec<C> {
    let n = psi.len();
    let tc = -1.0 / 2.0 / (dx * dx);
    let h = 0.5 * dt;
    let (hd, ho) = (tc * -2.0 * h, tc * h);
    let (d2, o2) = (C::new(1.0, hd), C::new(0.0, ho));
    let (d1, o1) = (C::new(1.0, -hd), C::new(0.0, -ho));
    let mut b: Vec<C> = (0..n)
        .map(|i| {
            let mut s = C::new(0.0, 0.0);
            if i > 0 {
                s += o1 * psi[i - 1];
            }
            s += d1 * psi[i];
            if i + 1 < n {
                s += o1 * psi[i + 1];
            }
            s
        })
        .collect();
    let mut cp = vec![C::new(0.0, 0.0); n];
    let mut m = d2;
    for i in 0..n {
        if i > 0 {
            m = d2 - o2 * cp[i - 1];
            let prev = b[i - 1];
            b[i] -= o2 * prev;
        }
        cp[i] = cdiv(o2, m);
        b[i] = cdiv(b[i], m);
    }
    for i in (0..n.saturating_sub(1)).rev() {
        let next = b[i + 1];
        b[i] -= cp[i] * next;
    }
    b
}
