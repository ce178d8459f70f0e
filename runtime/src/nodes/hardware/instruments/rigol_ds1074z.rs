//! Rigol DS1074Z (and DS1000Z) oscilloscope (Studio's `HARDWARE/OSCILLOSCOPES/RIGOL/DS1074Z`):
//! CONNECTION_DS1074Z, CHANNEL_ON_OFF_DS1074Z, TRIGGER_DS1074Z, VERTICAL_AXIS_DS1074Z,
//! TIME_AXIS_DS1074Z, EXTRACT_TRACE_DS1074Z: the SCPI of Studio's blocks, and for the calls they
//! make through QCoDeS's DS1074Z driver, the SCPI that driver sends (trigger source, level and
//! slope; the waveform preamble and `:WAVeform:DATA?` in BYTE format). A trace is
//! `(byte − YORigin − YREFerence) · YINCrement` volts, as Rigol's programming guide gives it,
//! against `XORigin + i · XINCrement` seconds.

use futures::future::LocalBoxFuture;

use super::{connect_logging_idn, num, number, query, send, with_connection_named};
use crate::devices::scpi::Model;
use crate::nodes::hardware::port::{device_param, instrument_of, scpi_error};
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "HARDWARE/OSCILLOSCOPES/RIGOL/DS1074Z";
/// With several instruments and no connection named, the one this node is for (Rigol's USB vendor id 0x1AB1).
const MODEL: Model = Model { vendor_id: 0x1AB1, product: "DS1", name: "Rigol DS1000Z scope" };
const CONNECT: &str = "CONNECTION_DS1074Z";
const CHANNELS: &[&str] = &["ch1", "ch2", "ch3", "ch4"];

pub(super) fn nodes() -> Vec<NodeDef> {
    vec![connection(), channel_on_off(), trigger(), vertical_axis(), time_axis(), extract_trace()]
}

fn node(func: &str, doc: &str) -> NodeSpec {
    with_connection_named(NodeSpec::new(func, PATH, doc), CONNECT, "default")
}

/// `ch2` → `CHANnel2`.
fn channel(ctx: &AsyncCtx) -> Result<String, NodeError> {
    let ch = ctx.text("channel");
    if !CHANNELS.contains(&ch) {
        return Err(NodeError(format!("'channel' must be one of {}, got '{ch}'", CHANNELS.join(", "))));
    }
    Ok(format!("CHANnel{}", &ch[2..]))
}

fn connection() -> NodeDef {
    let spec = NodeSpec::new(
        CONNECT,
        PATH,
        "Connect to a Rigol DS1074Z (or DS1000Z) oscilloscope; its *IDN? answer goes to the log.",
    );
    let spec = device_param(spec, "device", "VisaDevice", "The oscilloscope: a USB instrument or a VISA resource name")
        .optional_input("default", TypeSet::ANY, "Only sets the order")
        .output("default", TypeSet::ANY, "Nothing (Studio's block returns None)");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            connect_logging_idn(&ctx, "device", MODEL).await?;
            Ok(Outputs::none())
        })
    })
}

fn channel_on_off() -> NodeDef {
    let mut spec = node("CHANNEL_ON_OFF_DS1074Z", "Turn the DS1074Z's channels on or off.");
    for ch in CHANNELS {
        spec = spec.select(ch, &["ON", "OFF"], "ON", &format!("Channel {}", &ch[2..]));
    }
    let spec = spec.output("default", TypeSet::of(T::String), "Summary of channel settings");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let states: Vec<&str> =
                CHANNELS.iter().map(|ch| if ctx.text(ch) == "OFF" { "OFF" } else { "ON" }).collect();
            let commands: Vec<String> =
                states.iter().enumerate().map(|(i, s)| format!(":CHANnel{}:DISPlay {s}", i + 1)).collect();
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &commands).await?;
            let summary: Vec<String> =
                states.iter().enumerate().map(|(i, s)| format!("Channel {}: {s}", i + 1)).collect();
            Ok(Outputs::one(Value::string(summary.join(", "))))
        })
    })
}

fn query_set(spec: NodeSpec) -> NodeSpec {
    spec.select("query_set", &["query", "set"], "query", "Query the current settings or set them")
}

fn trigger() -> NodeDef {
    let spec = query_set(node(
        "TRIGGER_DS1074Z",
        "Query or set the DS1074Z's edge trigger: source channel, level, slope and coupling.",
    ))
    .select("channel", CHANNELS, "ch1", "The trigger source")
    .float("level", 0.5, "The trigger level, in volts")
    .select("slope", &["positive", "negative", "either", "unchanged"], "positive", "The edge")
    .select("coupling", &["AC", "DC", "LFReject", "HFReject", "unchanged"], "DC", "The trigger coupling")
    .output("default", TypeSet::of(T::String), "The trigger settings");
    NodeDef::asynchronous(spec, run_trigger)
}

fn run_trigger(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
        if ctx.text("query_set") != "set" {
            let source = query(&ctx, &c, ":TRIGger:EDGE:SOURce?").await?;
            let level = query(&ctx, &c, ":TRIGger:EDGE:LEVel?").await?;
            let slope = query(&ctx, &c, ":TRIGger:EDGE:SLOPe?").await?;
            let coupling = query(&ctx, &c, ":TRIGger:COUPling?").await?;
            let source = source.strip_prefix("CHAN").map(|n| format!("ch{n}")).unwrap_or(source);
            let slope = match slope.as_str() {
                "POS" => "positive".to_owned(),
                "NEG" => "negative".to_owned(),
                "RFAL" => "either".to_owned(),
                other => other.to_owned(),
            };
            let s = format!("Channel: {source}; Level: {level}V ;; Slope: {slope}Coupling: {coupling}");
            return Ok(Outputs::one(Value::string(s)));
        }
        let ch = channel(&ctx)?;
        let level = ctx.f64("level")?;
        let slope = ctx.text("slope");
        let coupling = ctx.text("coupling");
        let mut commands = vec![format!(":TRIGger:EDGE:SOURce {ch}"), format!(":TRIGger:EDGE:LEVel {}", num(level))];
        match slope {
            "positive" => commands.push(":TRIGger:EDGE:SLOPe POS".into()),
            "negative" => commands.push(":TRIGger:EDGE:SLOPe NEG".into()),
            "either" => commands.push(":TRIGger:EDGE:SLOPe RFAL".into()),
            _ => {}
        }
        if coupling != "unchanged" {
            commands.push(format!(":TRIGger:COUPling {coupling}"));
        }
        send(&ctx, &c, &commands).await?;
        let s =
            format!("Channel: {}; Level: {}V ;; Slope: {slope}Coupling: {coupling}", ctx.text("channel"), num(level));
        Ok(Outputs::one(Value::string(s)))
    })
}

fn vertical_axis() -> NodeDef {
    let spec = query_set(node("VERTICAL_AXIS_DS1074Z", "Query or set a DS1074Z channel's vertical offset and scale."))
        .select("channel", CHANNELS, "ch1", "The channel")
        .float("offset", 0.0, "The vertical offset")
        .float("scale", 1e-3, "The vertical scale (per division)")
        .output("default", TypeSet::of(T::String), "The axis settings");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let ch = channel(&ctx)?;
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            let (offset, scale) = if ctx.text("query_set") == "set" {
                let (offset, scale) = (num(ctx.f64("offset")?), num(ctx.f64("scale")?));
                send(&ctx, &c, &[format!(":{ch}:SCALe {scale}"), format!(":{ch}:OFFSet {offset}")]).await?;
                (offset, scale)
            } else {
                (query(&ctx, &c, &format!(":{ch}:OFFSet?")).await?, query(&ctx, &c, &format!(":{ch}:SCALe?")).await?)
            };
            let unit = query(&ctx, &c, &format!(":{ch}:UNITs?")).await?;
            Ok(Outputs::one(Value::string(format!("Offset: {offset}{unit}; Scale: {scale}{unit}"))))
        })
    })
}

fn time_axis() -> NodeDef {
    let spec = query_set(node("TIME_AXIS_DS1074Z", "Query or set the DS1074Z's main timebase offset and scale."))
        .float("offset", 0.0, "The time offset, in seconds")
        .float("scale", 1e-3, "The time scale, in seconds per division")
        .output("default", TypeSet::of(T::String), "The axis settings");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            let (offset, scale) = if ctx.text("query_set") == "set" {
                let (offset, scale) = (num(ctx.f64("offset")?), num(ctx.f64("scale")?));
                send(&ctx, &c, &[format!(":TIMebase:MAIN:SCALe {scale}"), format!(":TIMebase:MAIN:OFFSet {offset}")])
                    .await?;
                (offset, scale)
            } else {
                (query(&ctx, &c, ":TIMebase:MAIN:OFFSet?").await?, query(&ctx, &c, ":TIMebase:MAIN:SCALe?").await?)
            };
            Ok(Outputs::one(Value::string(format!("Offset: {offset}s; Scale: {scale}s"))))
        })
    })
}

fn extract_trace() -> NodeDef {
    let spec =
        node("EXTRACT_TRACE_DS1074Z", "Read the waveform on screen from a DS1074Z channel: x in seconds, y in volts.")
            .select("channel", CHANNELS, "ch1", "The channel")
            .output("default", TypeSet::of(T::OrderedPair), "x: time, y: volts");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let ch = channel(&ctx)?;
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(
                &ctx,
                &c,
                &[format!(":WAVeform:SOURce {ch}"), ":WAVeform:FORMat BYTE".into(), ":WAVeform:MODE NORMal".into()],
            )
            .await?;
            let mut preamble = [0.0; 5];
            let queries = [
                ":WAVeform:XORigin?",
                ":WAVeform:XINCrement?",
                ":WAVeform:YORigin?",
                ":WAVeform:YINCrement?",
                ":WAVeform:YREFerence?",
            ];
            for (value, q) in preamble.iter_mut().zip(queries) {
                *value = number(q, &query(&ctx, &c, q).await?)?;
            }
            let [x0, dx, y0, dy, yref] = preamble;
            let raw = c.lock().await.query_binary(&*ctx.host, ":WAVeform:DATA?").await.map_err(scpi_error)?;
            let x = (0..raw.len()).map(|i| x0 + i as f64 * dx).collect();
            let y = raw.iter().map(|b| (f64::from(*b) - y0 - yref) * dy).collect();
            Ok(Outputs::one(Value::pair(x, y)))
        })
    })
}
