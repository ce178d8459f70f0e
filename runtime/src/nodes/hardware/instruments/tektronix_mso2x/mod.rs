//! Tektronix MSO2 series oscilloscope (Studio's `HARDWARE/OSCILLOSCOPES/TEKTRONIX/MSO2X`), every
//! block of Studio's family, sending the SCPI of Studio's blocks and, for the calls they make
//! through Tektronix's `tm_devices` (`add_scope`, the command tree's `write`/`query`,
//! `set_and_check`, `curve_query`), the lines that library writes:
//! - `basics.rs`: CONNECT_MSO2X, SETUP_FILE_MSO2X, MEASUREMENT_MSO2X;
//! - `settings.rs`: AFG_MSO2X, CHANNEL_DISPLAY_MSO2X, DIGITAL_CHANNELS_MSO2X,
//!   HORIZONTAL_POSITION_MSO2X, HORIZONTAL_SCALE_MSO2X, PROBE_ATTENUATION_MSO2X,
//!   VERTICAL_POSITION_MSO2X, VERTICAL_SCALE_MSO2X;
//! - `trigger.rs`: EDGE_TRIGGER_MSO2X, SINGLE_TRIGGER_MSO2X, I2C_TRIGGER_MSO2X, DECODE_I2C_MSO2X;
//! - `curve.rs`: QUERY_CURVE_MSO2X, SCREENSHOT_MSO2X.
//!
//! `set_and_check` (tm_devices) writes `<command> <value>`, then queries `<command>?` and fails
//! when the answer is not the value (numbers compared as numbers); here that failure is a
//! NodeError naming the command.

mod basics;
mod curve;
mod settings;
mod trigger;

use super::{choice, query, send, with_connection};
use crate::devices::scpi::{Connection, Model};
use crate::nodes::{AsyncCtx, NodeDef, NodeError};
use crate::spec::NodeSpec;

const PATH: &str = "HARDWARE/OSCILLOSCOPES/TEKTRONIX/MSO2X";
/// With several instruments and no connection named, the one this node is for (Tektronix's
/// USB vendor id 0x0699).
/// Studio's MSO2X blocks drive the MSO2 through tm_devices, whose MSO4, MSO5 and MSO6 series
/// speak the same commands: these nodes take any of them.
const MODEL: Model =
    Model { vendor_id: 0x0699, product: "MSO2|MSO4|MSO5|MSO6", name: "Tektronix MSO2/4/5/6 series scope" };
const CONNECT: &str = "CONNECT_MSO2X";

pub(super) fn nodes() -> Vec<NodeDef> {
    vec![
        basics::connect(),
        settings::afg(),
        settings::channel_display(),
        trigger::decode_i2c(),
        settings::digital_channels(),
        trigger::edge_trigger(),
        settings::horizontal_position(),
        settings::horizontal_scale(),
        trigger::i2c_trigger(),
        basics::measurement(),
        settings::probe_attenuation(),
        curve::query_curve(),
        curve::screenshot(),
        basics::setup_file(),
        trigger::single_trigger(),
        settings::vertical_position(),
        settings::vertical_scale(),
    ]
}

fn node(func: &str, doc: &str) -> NodeSpec {
    with_connection(NodeSpec::new(func, PATH, doc), CONNECT)
}

/// An `int` channel parameter (Studio's `channel: int`): 1 or more.
fn channel(ctx: &AsyncCtx, name: &str) -> Result<i64, NodeError> {
    let n = ctx.int(name)?;
    if n < 1 {
        return Err(NodeError(format!("'{name}' must be a channel number (1 to 4), got {n}")));
    }
    Ok(n)
}

/// tm_devices' `set_and_check`: `<command> <value>`, then `<command>?` must answer the value.
async fn set_and_check(ctx: &AsyncCtx, c: &Connection, command: &str, value: &str) -> Result<String, NodeError> {
    send(ctx, c, &[format!("{command} {value}")]).await?;
    let q = format!("{command}?");
    let answer = query(ctx, c, &q).await?;
    let same = match (value.trim().parse::<f64>(), answer.trim().parse::<f64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => value == answer,
    };
    if same {
        Ok(answer)
    } else {
        Err(NodeError(format!("failed to set {command} to {value}: the scope answered '{answer}' to '{q}'")))
    }
}
