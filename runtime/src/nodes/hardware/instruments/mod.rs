//! Flojoy Studio's instrument nodes (`HARDWARE/SOURCEMETERS/…`, `HARDWARE/OSCILLOSCOPES/…`),
//! one file per instrument family, with Studio's names, ports, parameters and output types, so
//! Studio's example apps open unchanged. Each sends what Studio's block sends (its SCPI, or for
//! TSP instruments the TSP lines Tektronix's `tm_devices` writes for the block's calls) over
//! the one SCPI session model: USBTMC over WebUSB or a serial port, never VISA. The connection
//! parameter may be a VISA resource name: `USB0::…` picks the granted instrument by ids and
//! serial number; a `TCPIP::…` name (which a page cannot reach) picks the only connected USB
//! instrument, with a note (see `devices::scpi::connect`).

mod keithley2450;
mod keithley_dmm7510;
mod rigol_ds1074z;
mod tektronix_afg31000;
mod tektronix_mdo3xxx;
mod tektronix_mso2x;
mod teledyne_t3dso1xxx;

use crate::devices::scpi::{Connection, Model};
use crate::nodes::{AsyncCtx, NodeDef, NodeError};
use crate::numeric::python::float_repr;
use crate::spec::NodeSpec;
use crate::value::TypeSet;

use super::port::{device_param, instrument_of, scpi_error};

pub fn nodes() -> Vec<NodeDef> {
    keithley2450::nodes()
        .into_iter()
        .chain(keithley_dmm7510::nodes())
        .chain(rigol_ds1074z::nodes())
        .chain(tektronix_afg31000::nodes())
        .chain(tektronix_mdo3xxx::nodes())
        .chain(tektronix_mso2x::nodes())
        .chain(teledyne_t3dso1xxx::nodes())
        .collect()
}

/// Studio's `connection: VisaConnection` parameter and optional `input` (it only orders).
fn with_connection(spec: NodeSpec, connect_node: &str) -> NodeSpec {
    with_connection_named(spec, connect_node, "input")
}

/// [`with_connection`] whose ordering input is called `input`.
fn with_connection_named(spec: NodeSpec, connect_node: &str, input: &str) -> NodeSpec {
    let spec = device_param(
        spec,
        "connection",
        "VisaConnection",
        &format!("The instrument (opened by {connect_node}): a USB instrument, a serial port or a VISA resource name"),
    );
    spec.optional_input(input, TypeSet::ANY, "Only sets the order: the node runs after what is wired here")
}

/// A select parameter's value, checked against its choices.
fn choice<'a>(ctx: &'a AsyncCtx, name: &str, choices: &[&str]) -> Result<&'a str, NodeError> {
    let v = ctx.text(name);
    if choices.contains(&v) {
        Ok(v)
    } else {
        Err(NodeError(format!("'{name}' must be one of {}, got '{v}'", choices.join(", "))))
    }
}

/// What a CONNECT node of an SCPI instrument does: opens the instrument `param` names (of
/// `model`, when it has to choose) and logs its `*IDN?` answer.
async fn connect_logging_idn(ctx: &AsyncCtx, param: &str, model: Model) -> Result<Connection, NodeError> {
    let c = instrument_of(ctx, param, Some(model)).await?;
    let idn = query(ctx, &c, "*IDN?").await?;
    ctx.log(format!("connected to {idn}"));
    Ok(c)
}

/// A number as Python's `str(float)` writes it (what the blocks' f-strings and `tm_devices` send).
fn num(x: f64) -> String {
    float_repr(x)
}

/// Sends each command in order, holding the session for all of them.
async fn send(ctx: &AsyncCtx, c: &Connection, commands: &[String]) -> Result<(), NodeError> {
    let mut s = c.lock().await;
    for command in commands {
        s.write(&*ctx.host, command).await.map_err(scpi_error)?;
    }
    Ok(())
}

async fn query(ctx: &AsyncCtx, c: &Connection, command: &str) -> Result<String, NodeError> {
    c.lock().await.query(&*ctx.host, command).await.map_err(scpi_error)
}

/// An answer that must be a number.
fn number(command: &str, answer: &str) -> Result<f64, NodeError> {
    answer
        .trim()
        .parse::<f64>()
        .map_err(|_| NodeError(format!("the instrument answered '{answer}' to '{command}', which is not a number")))
}

/// An answer that must be comma-separated numbers.
fn numbers(command: &str, answer: &str) -> Result<Vec<f64>, NodeError> {
    if answer.trim().is_empty() {
        return Ok(Vec::new());
    }
    answer.split(',').map(|field| number(command, field)).collect()
}

/// Opens the Keithley instrument `param` names and switches it to its TSP command set, as
/// Studio's CONNECT blocks do (`*LANG TSP`, then `*LANG?` must answer TSP).
async fn tsp_connect(ctx: &AsyncCtx, param: &str, model: Model) -> Result<Connection, NodeError> {
    let c = instrument_of(ctx, param, Some(model)).await?;
    send(ctx, &c, &["*LANG TSP".into()]).await?;
    let lang = query(ctx, &c, "*LANG?").await?;
    if lang != "TSP" {
        return Err(NodeError(format!(
            "the instrument answered '{lang}' to *LANG?: its command set is not TSP. Set it to TSP on its front panel (Menu > System > Settings > Command Set) and restart it"
        )));
    }
    Ok(c)
}
