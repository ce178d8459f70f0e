//! SCPI instruments over either connection (a serial port, or USBTMC over WebUSB): SCPI_WRITE,
//! IDN, MEASURE_VOLTAGE, and `scpi`, the exchange an SCPI node makes.

use futures::future::LocalBoxFuture;

use super::port::{device_param, instrument, scpi_error, trigger};
use super::{SCPI, SCPI_TIMEOUT_MS};
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

/// Flojoy's SCPI voltage query (MEASURE_VOLTAGE.py).
pub const MEASURE_VOLTAGE_COMMAND: &str = "MEASURE:VOLTAGE:DC?";

fn scpi_node(func: &str, doc: &str, output: TypeSet, output_doc: &str) -> NodeSpec {
    let spec = trigger(NodeSpec::new(func, SCPI, doc));
    device_param(
        spec,
        "connection",
        "VisaConnection",
        "The instrument: a USB (USBTMC) instrument, a serial port (opened by OPEN_SERIAL), or a VISA resource name",
    )
    .output("default", output, output_doc)
}

pub(super) fn scpi_write() -> NodeDef {
    let spec = scpi_node(
        "SCPI_WRITE",
        "Send an SCPI command to an instrument (USB or serial). A query (a command with '?') outputs the answer: a Scalar when it is a number, else a String; other commands output \"sent\".",
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
        "Ask an instrument (USB or serial) who it is (the SCPI *IDN? query): maker, model, serial number, firmware.",
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
        "Measure a DC voltage with an instrument, USB or serial (a multimeter, a power supply): sends MEASURE:VOLTAGE:DC?.",
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

/// Sends `command`; for a query (a command with '?'), returns the answer (trimmed).
async fn scpi(ctx: &AsyncCtx, command: &str) -> Result<Option<String>, NodeError> {
    let connection = instrument(ctx, "connection").await?;
    let mut session = connection.lock().await;
    let host = &*ctx.host;
    if !command.contains('?') {
        session.write(host, command).await.map_err(scpi_error)?;
        return Ok(None);
    }
    Ok(Some(session.query_within(host, command, SCPI_TIMEOUT_MS).await.map_err(scpi_error)?))
}
