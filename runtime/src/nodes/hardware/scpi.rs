//! SCPI instruments on a serial port: SCPI_WRITE, IDN, MEASURE_VOLTAGE, and `scpi`, the query an SCPI instrument node sends.

use futures::future::LocalBoxFuture;

use super::port::{dev, device_param, devices, exclusive, next_text_line, open_serial_port, trigger, within};
use super::{LINE_TIMEOUT_MS, SCPI, SCPI_TIMEOUT_MS};
use crate::devices::{DeviceError, SerialOptions};
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

/// Flojoy's SCPI voltage query (MEASURE_VOLTAGE.py).
pub const MEASURE_VOLTAGE_COMMAND: &str = "MEASURE:VOLTAGE:DC?";

fn scpi_node(func: &str, doc: &str, output: TypeSet, output_doc: &str) -> NodeSpec {
    let spec = trigger(NodeSpec::new(func, SCPI, doc));
    device_param(spec, "connection", "SerialConnection", "The instrument's serial port (opened by OPEN_SERIAL)")
        .output("default", output, output_doc)
}

pub(super) fn scpi_write() -> NodeDef {
    let spec = scpi_node(
        "SCPI_WRITE",
        "Send an SCPI command to an instrument on a serial port. A query (a command with '?') outputs the answer: a Scalar when it is a number, else a String; other commands output \"sent\".",
        TypeSet::union(&[T::Scalar, T::String]),
        "The answer, or \"sent\"",
    )
    .str("command", "*IDN?", "The SCPI command, e.g. *IDN? or MEAS:VOLT?");
    NodeDef::asynchronous(spec, run_scpi_write)
}

fn run_scpi_write(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let command = ctx.text("command").trim().to_owned();
        if command.is_empty() {
            return Err(NodeError::new("'command' is empty: write an SCPI command such as *IDN?"));
        }
        Ok(Outputs::one(match scpi(&ctx, &command).await? {
            None => Value::string("sent"),
            Some(answer) => match answer.parse::<f64>() {
                Ok(v) => Value::scalar(v),
                Err(_) => Value::string(answer),
            },
        }))
    })
}

pub(super) fn idn() -> NodeDef {
    let spec = scpi_node(
        "IDN",
        "Ask an instrument on a serial port who it is (the SCPI *IDN? query): maker, model, serial number, firmware.",
        TypeSet::of(T::String),
        "The instrument's answer",
    );
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let answer = scpi(&ctx, "*IDN?").await?.unwrap_or_default();
            Ok(Outputs::one(Value::string(answer)))
        })
    })
}

pub(super) fn measure_voltage() -> NodeDef {
    let spec = scpi_node(
        "MEASURE_VOLTAGE",
        "Measure a DC voltage with an instrument on a serial port (a multimeter, a power supply): sends MEASURE:VOLTAGE:DC?.",
        TypeSet::of(T::Scalar),
        "The voltage",
    );
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let answer = scpi(&ctx, MEASURE_VOLTAGE_COMMAND).await?.unwrap_or_default();
            let v = answer.parse::<f64>().map_err(|_| {
                NodeError(format!(
                    "the instrument answered '{answer}' to {MEASURE_VOLTAGE_COMMAND}, which is not a number"
                ))
            })?;
            Ok(Outputs::one(Value::scalar(v)))
        })
    })
}

/// Writes `command` and a newline; for a query, returns the answer line (trimmed).
async fn scpi(ctx: &AsyncCtx, command: &str) -> Result<Option<String>, NodeError> {
    let devs = devices(ctx)?;
    let port = open_serial_port(ctx, &*devs, "connection", &SerialOptions::default()).await?;
    let _turn = exclusive(&port.id).await;
    let host = &*ctx.host;
    // an answer left over from an earlier query must not be taken for this one's
    port.port.discard_pending();
    within(host, LINE_TIMEOUT_MS, port.port.write(format!("{command}\n").into_bytes())).await.map_err(dev)?;
    if !command.contains('?') {
        return Ok(None);
    }
    let answer = within(host, SCPI_TIMEOUT_MS, next_text_line(&*port.port)).await.map_err(|e| match e {
        DeviceError::Timeout(_) => {
            NodeError(format!("the instrument did not answer '{command}' within {} s", SCPI_TIMEOUT_MS / 1000.0))
        }
        other => dev(other),
    })?;
    Ok(Some(answer.trim().to_owned()))
}
