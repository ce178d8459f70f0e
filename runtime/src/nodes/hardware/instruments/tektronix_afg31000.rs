//! Tektronix AFG31000 arbitrary function generator (Studio's
//! `HARDWARE/FUNCTION_GENERATORS/TEKTRONIX/AFG31000`): CONNECT_AFG31000, FUNCTION_AFG31000,
//! OUTPUT_AFG31000, INPUT_PARAM_AFG31000, sending the SCPI lines of Studio's blocks (numbers
//! as Python's `str(float)` writes them).
//!
//! Differences from Studio:
//! - INPUT_PARAM_AFG31000 sends the pulse width (Studio's block compares with a misspelt
//!   "pulse_wdith" and sends nothing); a missing or non-Scalar input is an error naming the port
//!   rather than a Python AttributeError.
//! - OUTPUT_AFG31000 sends a 1 MΩ impedance as `1000000`: Studio's `int("1e6")` raises a
//!   ValueError, so that choice never worked there.
//! - FUNCTION_AFG31000 checks the ramp symmetry before sending anything; Studio's block sends
//!   the shape, frequency, amplitude, offset and phase first, then fails its assert.
//! - CONNECT_AFG31000 asks `*IDN?` (for the log, and to find out early that the instrument
//!   answers); Studio's pyvisa `open_resource` sends nothing.

use super::{choice, connect_logging_idn, num, send, with_connection};
use crate::devices::scpi::Model;
use crate::nodes::hardware::port::{device_param, instrument_of};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "HARDWARE/FUNCTION_GENERATORS/TEKTRONIX/AFG31000";
/// With several instruments and no connection named, the one this node is for (Tektronix's
/// USB vendor id 0x0699).
const MODEL: Model = Model { vendor_id: 0x0699, product: "AFG31", name: "Tektronix AFG31000" };
const CONNECT: &str = "CONNECT_AFG31000";
const SOURCES: &[&str] = &["1", "2"];
const FUNCTIONS: &[&str] = &[
    "sinusoid",
    "square",
    "pulse",
    "ramp",
    "prnoise",
    "DC",
    "sinc",
    "gaussian",
    "lorentz",
    "erise",
    "edecay",
    "haversine",
];
const PARAMETERS: &[&str] = &["frequency", "amplitude", "offset", "phase", "pulse_width", "ramp_symmetry"];

pub(super) fn nodes() -> Vec<NodeDef> {
    vec![connect(), function(), output(), input_param()]
}

fn node(func: &str, doc: &str) -> NodeSpec {
    with_connection(NodeSpec::new(func, PATH, doc), CONNECT)
}

fn phase_in_range(phase: f64) -> Result<f64, NodeError> {
    if (-180.0..=180.0).contains(&phase) {
        Ok(phase)
    } else {
        Err(NodeError(format!("the phase must be between -180 and 180 degrees, got {}", num(phase))))
    }
}

fn symmetry_in_range(symmetry: f64) -> Result<f64, NodeError> {
    if (0.0..=100.0).contains(&symmetry) {
        Ok(symmetry)
    } else {
        Err(NodeError(format!("the ramp symmetry must be between 0 and 100 %, got {}", num(symmetry))))
    }
}

fn connect() -> NodeDef {
    let spec = NodeSpec::new(
        CONNECT,
        PATH,
        "Connect to a Tektronix AFG31000 (or compatible AFG31xxx) function generator; its *IDN? answer goes to the log.",
    );
    let spec =
        device_param(spec, "device", "VisaDevice", "The function generator: a USB instrument or a VISA resource name")
            .output("default", TypeSet::of(T::String), "The device's address, as the parameter names it");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            connect_logging_idn(&ctx, "device", MODEL).await?;
            Ok(Outputs::one(Value::string(ctx.text("device"))))
        })
    })
}

fn function() -> NodeDef {
    let spec = node("FUNCTION_AFG31000", "Set the waveform of one of the AFG31000's channels.")
        .select("source", SOURCES, "1", "The channel to set")
        .select("functions", FUNCTIONS, "sinusoid", "The waveform")
        .float("frequency", 1e6, "Frequency, in Hz")
        .float("amplitude", 1.0, "Amplitude, in volts (peak to peak)")
        .float("offset", 0.0, "Offset, in volts")
        .float("phase", 0.0, "Phase, in degrees (-180 to 180)")
        .float("pulse_width", 1e-6, "Pulse width, in seconds (pulse waveform)")
        .float("ramp_symmetry", 50.0, "Ramp symmetry, in percent (ramp waveform)")
        .output("default", TypeSet::of(T::String), "Set FG parameters");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let s = choice(&ctx, "source", SOURCES)?;
            let shape = choice(&ctx, "functions", FUNCTIONS)?;
            let phase = phase_in_range(ctx.f64("phase")?)?;
            let mut commands = vec![
                format!("SOURCE{s}:FUNCtion:SHAPe {shape}"),
                format!("SOURCE{s}:FREQUENCY {}", num(ctx.f64("frequency")?)),
                format!("SOURCE{s}:VOLTAGE:AMPLITUDE {}", num(ctx.f64("amplitude")?)),
                format!("SOURCE{s}:VOLTAGE:OFFSET {}", num(ctx.f64("offset")?)),
                format!("SOURCE{s}:PHASE:ADJUST {}DEG", num(phase)),
            ];
            if shape == "pulse" {
                commands.push(format!("SOURCE{s}:PULSE:WIDTH {}", num(ctx.f64("pulse_width")?)));
            }
            if shape == "ramp" {
                let symmetry = symmetry_in_range(ctx.f64("ramp_symmetry")?)?;
                commands.push(format!("SOURCE{s}:FUNCtion:RAMP:SYMMETRY {}", num(symmetry)));
            }
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &commands).await?;
            Ok(Outputs::one(Value::string("Set FG parameters")))
        })
    })
}

fn output() -> NodeDef {
    let spec = node("OUTPUT_AFG31000", "Set the AFG31000's output impedances and turn its outputs on or off.")
        .select("ch1", &["on", "off"], "on", "Channel 1's output")
        .select("ch2", &["on", "off"], "on", "Channel 2's output")
        .select("ch1_impedance", &["50", "1e6"], "50", "Channel 1's load impedance, in ohms")
        .select("ch2_impedance", &["50", "1e6"], "50", "Channel 2's load impedance, in ohms")
        .output("default", TypeSet::of(T::String), "Set output parameters");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            // 50 Ω or 1 MΩ as a whole number (Studio's int("1e6") raises instead)
            let ohms =
                |name: &str| choice(&ctx, name, &["50", "1e6"]).map(|v| if v == "50" { "50" } else { "1000000" });
            let commands = vec![
                format!("OUTPut1:IMPedance {}", ohms("ch1_impedance")?),
                format!("OUTPut2:IMPedance {}", ohms("ch2_impedance")?),
                format!("OUTPUT1:STATE {}", choice(&ctx, "ch1", &["on", "off"])?),
                format!("OUTPUT2:STATE {}", choice(&ctx, "ch2", &["on", "off"])?),
            ];
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &commands).await?;
            Ok(Outputs::one(Value::string("Set output parameters")))
        })
    })
}

fn input_param() -> NodeDef {
    let spec = NodeSpec::new(
        "INPUT_PARAM_AFG31000",
        PATH,
        "Set one parameter of an AFG31000 channel to the Scalar wired in (a frequency sweep's step, say).",
    );
    let spec = device_param(
        spec,
        "connection",
        "VisaConnection",
        &format!("The instrument (opened by {CONNECT}): a USB instrument, a serial port or a VISA resource name"),
    )
    .optional_input("input", TypeSet::of(T::Scalar), "The value to set")
    .select("source", SOURCES, "1", "The channel to set")
    .select("parameter", PARAMETERS, "frequency", "The parameter to set")
    .output("default", TypeSet::of(T::Scalar), "The input value");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            let x = match ctx.input_data("input").as_deref() {
                Some(Value::Scalar { c }) => *c,
                Some(other) => {
                    return Err(NodeError(format!("input 'input' must be a Scalar, got {}", other.data_type())));
                }
                None => return Err(NodeError::new("input 'input' is not connected: wire the Scalar to set")),
            };
            let s = choice(&ctx, "source", SOURCES)?;
            let command = match choice(&ctx, "parameter", PARAMETERS)? {
                "frequency" => format!("SOURCE{s}:FREQUENCY {}", num(x)),
                "amplitude" => format!("SOURCE{s}:VOLTAGE:AMPLITUDE {}", num(x)),
                "offset" => format!("SOURCE{s}:VOLTAGE:OFFSET {}", num(x)),
                "phase" => format!("SOURCE{s}:PHASE:ADJUST {}DEG", num(phase_in_range(x)?)),
                "pulse_width" => format!("SOURCE{s}:PULSE:WIDTH {}", num(x)),
                _ => format!("SOURCE{s}:FUNCtion:RAMP:SYMMETRY {}", num(symmetry_in_range(x)?)),
            };
            send(&ctx, &c, &[command]).await?;
            Ok(Outputs::one(Value::scalar(x)))
        })
    })
}
