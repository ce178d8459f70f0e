//! The scope's settings: its AFG, the channels shown, the vertical and horizontal axes, the
//! probe. Each answers Studio's fixed String.

use super::{MODEL, channel, choice, node, set_and_check};
use crate::nodes::hardware::instruments::{num, send};
use crate::nodes::hardware::port::instrument_of;
use crate::nodes::{AsyncCtx, NodeDef, NodeResult, Outputs};
use crate::value::{DataType as T, TypeSet, Value};

/// Studio's AFG function choices ("lorentz " with its trailing space, as Studio wrote it).
const FUNCTIONS: &[&str] = &[
    "sine",
    "square",
    "pulse",
    "ramp",
    "noise",
    "DC",
    "sinc",
    "gaussian",
    "lorentz ",
    "erise",
    "edecay",
    "haversine",
    "cardiac",
];
const IMPEDANCES: &[&str] = &["unchanged", "fifty", "highZ"];
const MODES: &[&str] = &["off", "continuous", "burst"];

fn done(text: &str) -> Outputs {
    Outputs::one(Value::string(text))
}

pub(super) fn afg() -> NodeDef {
    let spec = node("AFG_MSO2X", "Set the MSO2's built-in function generator (AFG): waveform, frequency, amplitude, …")
        .select("function", FUNCTIONS, "sine", "The type of waveform")
        .float("frequency", 100e6, "The frequency of the waveform, in Hz")
        .float("amplitude", 0.2, "The peak to peak voltage of the waveform, in volts")
        .float("offset", 0.0, "The voltage offset of the waveform, in volts")
        .float("ramp_symmetry", 50.0, "The ramp symmetry (ramp waveform), in percent")
        .float("square_duty", 50.0, "The duty cycle (square waveform), in percent")
        .float("pulse_width", 1e-6, "The pulse width (pulse waveform), in seconds")
        .select("impedance", IMPEDANCES, "unchanged", "The output's load impedance")
        .select("mode", MODES, "continuous", "The output mode")
        .output("default", TypeSet::of(T::String), "AFG settings");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let function = choice(&ctx, "function", FUNCTIONS)?;
            let mut commands = vec![
                format!("AFG:FUNCtion {function}"),
                format!("AFG:FREQuency {}", num(ctx.f64("frequency")?)),
                format!("AFG:AMPLitude {}", num(ctx.f64("amplitude")?)),
                format!("AFG:OFFSet {}", num(ctx.f64("offset")?)),
            ];
            match function {
                "ramp" => commands.push(format!("AFG:RAMP:SYMmetry {}", num(ctx.f64("ramp_symmetry")?))),
                "square" => commands.push(format!("AFG:SQUare:DUty {}", num(ctx.f64("square_duty")?))),
                "pulse" => commands.push(format!("AFG:PULse:WIDth {}", num(ctx.f64("pulse_width")?))),
                _ => {}
            }
            let impedance = choice(&ctx, "impedance", IMPEDANCES)?;
            if impedance != "unchanged" {
                commands.push(format!("AFG:OUTPut:LOAd:IMPEDance {impedance}"));
            }
            commands.push(format!("AFG:OUTPut:MODe {}", choice(&ctx, "mode", MODES)?));
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &commands).await?;
            Ok(done("AFG settings"))
        })
    })
}

pub(super) fn channel_display() -> NodeDef {
    let mut spec = node("CHANNEL_DISPLAY_MSO2X", "Turn the MSO2's analog channels 1 to 4 on (1) or off (0).");
    for k in 1..=4 {
        spec = spec.select(&format!("ch{k}_display"), &["1", "0"], "0", &format!("Channel {k} on (1) or off (0)"));
    }
    let spec = spec.output("default", TypeSet::of(T::String), "Channel display");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let mut states = Vec::new();
            for k in 1..=4 {
                states.push(choice(&ctx, &format!("ch{k}_display"), &["1", "0"])?);
            }
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            for (k, state) in (1..).zip(states) {
                set_and_check(&ctx, &c, &format!("DISplay:GLObal:CH{k}:STATE"), state).await?;
            }
            Ok(done("Channel display"))
        })
    })
}

pub(super) fn digital_channels() -> NodeDef {
    let mut spec = node("DIGITAL_CHANNELS_MSO2X", "Turn the MSO2's digital channels D0 to D15 on or off.").bool(
        "all_channels",
        false,
        "Turn every digital channel on (the others are then not used)",
    );
    for k in 0..16 {
        spec = spec.bool(&format!("D{k}_display"), false, &format!("Digital channel D{k} on"));
    }
    let spec = spec.output("default", TypeSet::of(T::String), "Digital display");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let commands: Vec<String> = if ctx.bool("all_channels") {
                vec!["DISplay:WAVEView1:DCH1_DALL:STATE 1".into()]
            } else {
                (0..16)
                    .map(|k| {
                        let on = u8::from(ctx.bool(&format!("D{k}_display")));
                        format!("DISplay:WAVEView1:DCH1_D{k}:STATE {on}")
                    })
                    .collect()
            };
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &commands).await?;
            Ok(done("Digital display"))
        })
    })
}

pub(super) fn horizontal_position() -> NodeDef {
    let spec = node("HORIZONTAL_POSITION_MSO2X", "Set the MSO2's horizontal delay mode and trigger position.")
        .float("delay", 0.0, "The horizontal delay mode (Studio sends it to HORizontal:DELay:MODe)")
        .float("position", 50.0, "The trigger's horizontal position, in percent of the screen")
        .output("default", TypeSet::of(T::String), "Horizontal position");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let commands = [
                format!("HORizontal:DELay:MODe {}", num(ctx.f64("delay")?)),
                format!("HORizontal:POSition {}", num(ctx.f64("position")?)),
            ];
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &commands).await?;
            Ok(done("Horizontal position"))
        })
    })
}

pub(super) fn horizontal_scale() -> NodeDef {
    let spec = node("HORIZONTAL_SCALE_MSO2X", "Set the MSO2's horizontal scale (seconds per division).")
        .float("scale", 1e-3, "The horizontal scale, in seconds per division")
        .output("default", TypeSet::of(T::String), "Horizontal scale");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let scale = num(ctx.f64("scale")?);
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            set_and_check(&ctx, &c, ":HORIZONTAL:SCALE", &scale).await?;
            Ok(done("Horizontal scale"))
        })
    })
}

/// A channel node's spec: `channel` and its one float parameter.
fn channel_spec(func: &str, doc: &str, param: (&str, f64, &str), text: &str) -> crate::spec::NodeSpec {
    node(func, doc).int("channel", 1, "The oscilloscope channel to set").float(param.0, param.1, param.2).output(
        "default",
        TypeSet::of(T::String),
        text,
    )
}

/// `set_and_check(":CH<n>:<header>", <param>)`, then Studio's String.
async fn set_channel(ctx: AsyncCtx, param: &str, header: &str, text: &str) -> NodeResult {
    let k = channel(&ctx, "channel")?;
    let value = num(ctx.f64(param)?);
    let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
    set_and_check(&ctx, &c, &format!(":CH{k}:{header}"), &value).await?;
    Ok(done(text))
}

pub(super) fn probe_attenuation() -> NodeDef {
    let spec = channel_spec(
        "PROBE_ATTENUATION_MSO2X",
        "Set a channel's external probe attenuation.",
        ("attenuation", 1.0, "The attenuation to set"),
        "Attenuation",
    );
    NodeDef::asynchronous(spec, |ctx| Box::pin(set_channel(ctx, "attenuation", "PROBEFunc:EXTAtten", "Attenuation")))
}

pub(super) fn vertical_position() -> NodeDef {
    let spec = channel_spec(
        "VERTICAL_POSITION_MSO2X",
        "Set a channel's vertical position (offset on screen).",
        ("position", 0.0, "The vertical position, in divisions"),
        "Vertical position",
    );
    NodeDef::asynchronous(spec, |ctx| Box::pin(set_channel(ctx, "position", "POSITION", "Vertical position")))
}

pub(super) fn vertical_scale() -> NodeDef {
    let spec = channel_spec(
        "VERTICAL_SCALE_MSO2X",
        "Set a channel's vertical scale (volts per division).",
        ("scale", 1.0, "The vertical scale, in volts per division"),
        "Vertical scale",
    );
    NodeDef::asynchronous(spec, |ctx| Box::pin(set_channel(ctx, "scale", "SCAL", "Vertical scale")))
}
