//! CONNECT_MSO2X, SETUP_FILE_MSO2X, MEASUREMENT_MSO2X.

use super::{CONNECT, MODEL, PATH, choice, node};
use crate::nodes::hardware::instruments::{connect_logging_idn, number, query, send};
use crate::nodes::hardware::port::{device_param, instrument_of};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

/// Studio's channel choices (its list has D10 twice and no D11; kept as Studio wrote it, so its
/// files load with the same options).
const CHANNELS: &[&str] =
    &["1", "2", "3", "4", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D12", "D13", "D14", "D15"];
const MEASUREMENTS: &[&str] = &[
    "acrms",
    "amplitude",
    "area",
    "base",
    "burstwidth",
    "datarate",
    "delay",
    "fallslewrate",
    "falltime",
    "frequency",
    "hightime",
    "hold",
    "lowtime",
    "maximum",
    "mean",
    "minimum",
    "nduty",
    "novershoot",
    "nperiod",
    "nwidtth",
    "pduty",
    "period",
    "phase",
    "pk2pk",
    "povershoot",
    "pwidth",
    "riseslewrate",
    "risetime",
    "rms",
    "setup",
    "skew",
    "timeoutsidelevel",
    "timetomax",
    "timetomin",
    "top",
];
const STATISTICS: &[&str] = &["mean", "minumum", "maximum", "population", "stddev"];

pub(super) fn connect() -> NodeDef {
    let spec = NodeSpec::new(
        CONNECT,
        PATH,
        "Connect to a Tektronix MSO2 series oscilloscope; its *IDN? answer goes to the log.",
    );
    let spec = device_param(spec, "device", "VisaDevice", "The oscilloscope: a USB instrument or a VISA resource name")
        .output("default", TypeSet::of(T::String), "The device's address, as the parameter names it");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            // tm_devices' add_scope identifies the instrument first
            connect_logging_idn(&ctx, "device", MODEL).await?;
            Ok(Outputs::one(Value::string(ctx.text("device"))))
        })
    })
}

pub(super) fn setup_file() -> NodeDef {
    let spec = node("SETUP_FILE_MSO2X", "Save the scope's setup to, or recall it from, a .set file on its C: drive.")
        .select("save_or_recall", &["save", "recall"], "save", "Save or recall")
        .str("filename", "flojoy", "The file's name (\"flojoy\" is C:/flojoy.set)")
        .output("default", TypeSet::of(T::String), "The file name");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let name = ctx.text("filename").to_owned();
            if name.trim().is_empty() {
                return Err(NodeError::new("parameter 'filename' is empty"));
            }
            let command = match choice(&ctx, "save_or_recall", &["save", "recall"])? {
                "save" => format!("SAVe:SETUp c:/{name}.set"),
                _ => format!("RECAll:SETUp \"c:/{name}.set\""),
            };
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &[command]).await?;
            Ok(Outputs::one(Value::string(name)))
        })
    })
}

pub(super) fn measurement() -> NodeDef {
    let spec = node(
        "MEASUREMENT_MSO2X",
        "Measure a channel's waveform (amplitude, frequency, …) with one of the scope's measurement slots.",
    )
    .bool("delete_all", false, "Delete every measurement first")
    .select("channel", CHANNELS, "1", "The channel to measure")
    .int("measure_num", 1, "The scope's measurement slot")
    .select("measurement", MEASUREMENTS, "frequency", "What to measure")
    .select("statistic", STATISTICS, "mean", "Which statistic of the measurement to read")
    .output("default", TypeSet::of(T::Scalar), "The measured value");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let n = ctx.int("measure_num")?;
            let channel = choice(&ctx, "channel", CHANNELS)?;
            let mut commands = Vec::new();
            if ctx.bool("delete_all") {
                commands.push("MEASUrement:DELETEALL".to_owned());
            }
            commands.push(format!(":MEASUrement:MEAS{n}:TYPE {}", choice(&ctx, "measurement", MEASUREMENTS)?));
            commands.push(match channel.strip_prefix('D') {
                Some(_) => format!(":MEASUrement:MEAS{n}:SOURCE DCH1_{channel}"),
                None => format!(":MEASUrement:MEAS{n}:SOURCE CH{channel}"),
            });
            let statistic = choice(&ctx, "statistic", STATISTICS)?;
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &commands).await?;
            query(&ctx, &c, "*OPC?").await?;
            let command = format!("MEASUrement:MEAS{n}:RESUlts:CURRentacq:{statistic}?");
            let answer = query(&ctx, &c, &command).await?;
            Ok(Outputs::one(Value::scalar(number(&command, &answer)?)))
        })
    })
}
