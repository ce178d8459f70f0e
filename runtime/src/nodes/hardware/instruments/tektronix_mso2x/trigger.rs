//! Triggers and the I2C bus: EDGE_TRIGGER_MSO2X, SINGLE_TRIGGER_MSO2X, I2C_TRIGGER_MSO2X and
//! DECODE_I2C_MSO2X (a bus decode whose event table the scope saves as a CSV file and sends back
//! with `FILESystem:READFile`).

use super::{MODEL, channel, choice, node};
use crate::nodes::hardware::instruments::{num, send};
use crate::nodes::hardware::port::{instrument_of, scpi_error};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::value::{DataType as T, TypeSet, Value};

const COUPLINGS: &[&str] = &["unchanged", "dc", "hfrej", "lfrej", "noiserej"];
const SLOPES: &[&str] = &["unchanged", "rise", "fall", "either"];
const CONDITIONS: &[&str] = &["start", "stop", "repeatstart", "ackmiss", "address", "data", "addranddata"];
const DIRECTIONS: &[&str] = &["read", "write", "nocare"];
/// DECODE_I2C's channel choices (Studio's list has D10 twice and no D11; its one D10 is kept).
const BUS_CHANNELS: &[&str] = &[
    "1", "2", "3", "4", "D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D12", "D13", "D14", "D15",
];

pub(super) fn edge_trigger() -> NodeDef {
    let spec = node("EDGE_TRIGGER_MSO2X", "Set the MSO2's edge trigger: a channel's level, coupling and slope.")
        .int("channel", 1, "The oscilloscope channel whose level is set")
        .float("level", 1.0, "The trigger threshold, in volts")
        .select("edge_coupling", COUPLINGS, "unchanged", "The trigger coupling")
        .select("edge_slope", SLOPES, "unchanged", "The edge to trigger on")
        .output("default", TypeSet::of(T::String), "Trigger settings");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let mut commands = Vec::new();
            let coupling = choice(&ctx, "edge_coupling", COUPLINGS)?;
            if coupling != "unchanged" {
                commands.push(format!("TRIGger:A:EDGE:COUPling {coupling}"));
            }
            let slope = choice(&ctx, "edge_slope", SLOPES)?;
            if slope != "unchanged" {
                commands.push(format!("TRIGger:A:EDGE:SLOpe {slope}"));
            }
            let k = channel(&ctx, "channel")?;
            commands.push(format!("TRIGger:A:LEVel:CH{k} {}", num(ctx.f64("level")?)));
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &commands).await?;
            Ok(Outputs::one(Value::string("Trigger settings")))
        })
    })
}

pub(super) fn single_trigger() -> NodeDef {
    let spec = node("SINGLE_TRIGGER_MSO2X", "Put the scope into single trigger mode (its Single/Seq button).").output(
        "default",
        TypeSet::of(T::String),
        "Trigger",
    );
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &["FPAnel:PRESS SINGleseq".into()]).await?;
            Ok(Outputs::one(Value::string("Trigger once.")))
        })
    })
}

/// A bit pattern parameter: 0, 1 and X (either) only.
fn bits<'a>(ctx: &'a crate::nodes::AsyncCtx, name: &str) -> Result<&'a str, NodeError> {
    let v = ctx.text(name);
    if v.chars().all(|ch| matches!(ch, '0' | '1' | 'X' | 'x')) {
        Ok(v)
    } else {
        Err(NodeError(format!("'{name}' must contain only 0, 1 or X, got '{v}'")))
    }
}

pub(super) fn i2c_trigger() -> NodeDef {
    let spec = node("I2C_TRIGGER_MSO2X", "Set the MSO2's I2C bus trigger: start, stop, an address, data, …")
        .int("bus_num", 1, "The bus to trigger on")
        .select("condition", CONDITIONS, "start", "What to trigger on")
        .select("addr_bits", &["7", "10"], "10", "The address's number of bits")
        .str("addr", "0101010010", "The address to trigger on, in binary; X is either bit")
        .select("data_direction", DIRECTIONS, "read", "Trigger on a read, a write or either")
        .int("data_size", 1, "The data size, in bytes")
        .str("data_value", "1100101", "The data to trigger on, in binary; X is either bit")
        .output("default", TypeSet::of(T::String), "Trigger settings");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let addr = bits(&ctx, "addr")?;
            let value = bits(&ctx, "data_value")?;
            let n = ctx.int("bus_num")?;
            let condition = choice(&ctx, "condition", CONDITIONS)?;
            let b = format!("TRIGger:A:BUS:B{n}:I2C");
            let mut commands = vec![format!("{b}:CONDition {condition}")];
            let mode = || choice(&ctx, "addr_bits", &["7", "10"]).map(|m| format!("{b}:ADDRess:MODe ADDR{m}"));
            let data = || -> Result<[String; 3], NodeError> {
                Ok([
                    format!("{b}:DIRection {}", choice(&ctx, "data_direction", DIRECTIONS)?),
                    format!("{b}:SIZe {}", ctx.int("data_size")?),
                    format!("{b}:VALue {value}"),
                ])
            };
            match condition {
                "address" => {
                    commands.push(mode()?);
                    commands.push(format!("{b}:ADDRess:VALue \"{addr}\""));
                }
                "data" => commands.extend(data()?),
                "addranddata" => {
                    commands.push(mode()?);
                    // Studio quotes the address for "address" only
                    commands.push(format!("{b}:ADDRess:VALue {addr}"));
                    commands.extend(data()?);
                }
                _ => {}
            }
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &commands).await?;
            Ok(Outputs::one(Value::string("Trigger settings")))
        })
    })
}

/// `1` → `CH1`, `D3` → `DCH1_D3`.
fn source(channel: &str) -> String {
    if channel.starts_with('D') { format!("DCH1_{channel}") } else { format!("CH{channel}") }
}

pub(super) fn decode_i2c() -> NodeDef {
    let spec = node(
        "DECODE_I2C_MSO2X",
        "Decode an I2C bus: add a bus and its event table on the scope, save the table and read its writes and reads.",
    )
    .int("bus_number", 1, "The bus number to use")
    .select("clock_channel", BUS_CHANNELS, "1", "The clock (SCL) channel")
    .select("data_channel", BUS_CHANNELS, "1", "The data (SDA) channel")
    .float("clock_threshold", 1.0, "The clock threshold, in volts")
    .float("data_threshold", 1.0, "The data threshold, in volts")
    .output("default", TypeSet::of(T::String), "I2C messages");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let n = ctx.int("bus_number")?;
            let clock = source(choice(&ctx, "clock_channel", BUS_CHANNELS)?);
            let data = source(choice(&ctx, "data_channel", BUS_CHANNELS)?);
            let setup = [
                format!("BUS:ADDNEW \"B{n}\""),
                format!("DISPLAY:WAVEVIEW1:BUS:B{n}:STATE"),
                format!("BUS:B{n}:I2C:CLOCK:SOUrce {clock}"),
                format!("BUS:B{n}:I2C:DATa:SOUrce {data}"),
                format!("BUS:B{n}:I2C:CLOCK:THRESHOLD {}", num(ctx.f64("clock_threshold")?)),
                format!("BUS:B{n}:I2C:DATa:THRESHOLD {}", num(ctx.f64("data_threshold")?)),
                "BUSTABLE:ADDNEW \"Table1\"".to_owned(),
            ];
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &setup).await?;
            // Studio's pauses: the table fills, then the file is saved
            ctx.host.sleep(200.0).await;
            send(&ctx, &c, &["SAVe:EVENTtable:BUS \"c:/flojoy.csv\"".into()]).await?;
            ctx.host.sleep(300.0).await;
            let command = "FILESystem:READFile \"c:/flojoy.csv\"";
            let bytes = c.lock().await.query_raw(&*ctx.host, command).await.map_err(scpi_error)?;
            Ok(Outputs::one(Value::string(i2c_messages(command, &bytes)?)))
        })
    })
}

/// The event table's writes and reads as Studio's block lists them: the CSV (µ as Latin-1
/// 0xB5 before "s" made "us") split at every comma; five times, the first field containing
/// "Write" and the one after it, then the first containing "Read" and the one after it (each
/// taken once; a match in the last field does not count).
fn i2c_messages(command: &str, bytes: &[u8]) -> Result<String, NodeError> {
    let mut clean = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0xb5 && bytes.get(i + 1) == Some(&b's') {
            clean.extend_from_slice(b"us");
            i += 2;
        } else {
            clean.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(clean).map_err(|e| {
        NodeError(format!(
            "the scope's answer to '{command}' is not UTF-8 text (byte {}): not an event table",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let mut fields: Vec<&str> = text.split(',').collect();
    let mut formatted = String::new();
    for _ in 0..5 {
        for word in ["Write", "Read"] {
            let last = fields.len().saturating_sub(1);
            let at = fields.iter().position(|f| f.contains(word)).unwrap_or(last);
            if at < last {
                formatted.push_str(&format!("{} {} ", fields[at], fields[at + 1]));
                fields[at] = " ";
            }
        }
    }
    Ok(formatted)
}
