//! What every hardware node shares: reaching the devices, opening a serial port or a USB device (or finding it open), taking turns at a port, timeouts, reading lines, and parameters for devices and bytes. A new instrument node builds on these.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use futures::future::{Either, select};
use futures::lock::{Mutex, OwnedMutexGuard};

use super::{LINE_TIMEOUT_MS, SCPI_TIMEOUT_MS};
use crate::devices::scpi::{self, ConnectOptions, Connection, Model, ScpiError};
use crate::devices::{self, DeviceError, Devices, SerialOptions, SerialPort, UsbDevice, read_line};
use crate::host::{Host, NO_DEVICES};
use crate::nodes::{AsyncCtx, NodeError};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{TypeSet, Value};

pub(super) fn device_param(spec: NodeSpec, name: &str, class: &str, doc: &str) -> NodeSpec {
    spec.param(name, ParamKind::Device { class: class.into() }, "", doc)
}

pub(super) fn trigger(spec: NodeSpec) -> NodeSpec {
    spec.optional_input("default", TypeSet::ANY, "Only sets the order: the node runs after what is wired here")
}

pub(super) fn bytes_value(bytes: Vec<u8>, text: bool) -> Value {
    if text {
        Value::string(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        Value::vector(bytes.into_iter().map(f64::from).collect())
    }
}

/// Hex bytes: `01 ff 2a`, `01ff2a`, `0x01,0xff`; a lone digit is one byte.
pub(super) fn parse_hex(s: &str, param: &str) -> Result<Vec<u8>, NodeError> {
    let mut out = Vec::new();
    for token in s.split(|c: char| c.is_whitespace() || c == ',' || c == ':').filter(|t| !t.is_empty()) {
        let digits = token.strip_prefix("0x").or_else(|| token.strip_prefix("0X")).unwrap_or(token);
        let bad = || NodeError(format!("'{param}' must be hex bytes like '01 ff 2a'; '{token}' is not"));
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        if digits.len() == 1 {
            out.push(u8::from_str_radix(digits, 16).map_err(|_| bad())?);
            continue;
        }
        if !digits.len().is_multiple_of(2) {
            return Err(bad());
        }
        for i in (0..digits.len()).step_by(2) {
            out.push(u8::from_str_radix(&digits[i..i + 2], 16).map_err(|_| bad())?);
        }
    }
    Ok(out)
}

pub(super) fn devices(ctx: &AsyncCtx) -> Result<Rc<dyn Devices>, NodeError> {
    ctx.host.devices().ok_or_else(|| NodeError::new(NO_DEVICES))
}

pub(super) fn dev(e: DeviceError) -> NodeError {
    NodeError(e.to_string())
}

pub(super) struct OpenPort {
    pub(super) id: String,
    pub(super) port: Rc<dyn SerialPort>,
}

/// Opens (or finds open) the serial port that parameter `param` names.
pub(super) async fn open_serial_port(
    ctx: &AsyncCtx,
    devs: &dyn Devices,
    param: &str,
    options: &SerialOptions,
) -> Result<OpenPort, NodeError> {
    let ports = devs.serial_ports();
    if let (true, Some(why)) = (ports.is_empty(), devs.serial_unsupported()) {
        return Err(dev(DeviceError::Unsupported(why)));
    }
    let (id, note) = devices::resolve(ctx.text(param), &ports).map_err(dev)?;
    if let Some(note) = note {
        ctx.log(note);
    }
    let port = devs.open_serial(&id, options).await.map_err(|e| NodeError(format!("cannot open '{id}': {e}")))?;
    Ok(OpenPort { id, port })
}

/// Opens (or finds open) the USB device that `device` names, with `interface` claimed.
pub(super) async fn open_usb(ctx: &AsyncCtx) -> Result<(String, Rc<dyn UsbDevice>), NodeError> {
    let devs = devices(ctx)?;
    let interface: u8 = ctx.int_in("interface", 0, 255)?;
    let ports = devs.usb_devices();
    if let (true, Some(why)) = (ports.is_empty(), devs.usb_unsupported()) {
        return Err(dev(DeviceError::Unsupported(why)));
    }
    let (id, note) = devices::resolve(ctx.text("device"), &ports).map_err(dev)?;
    if let Some(note) = note {
        ctx.log(note);
    }
    let device = devs.open_usb(&id, interface).await.map_err(|e| NodeError(format!("cannot open '{id}': {e}")))?;
    Ok((id, device))
}

/// The instrument parameter `param` names (a granted USBTMC instrument, a serial port, a VISA
/// resource name such as `USB0::0x05E6::0x2450::04512345::INSTR`), as an SCPI session shared
/// by every node of the run that names it; a guess (an OS port name, a network address while
/// one USB instrument is connected) is noted in the node's log.
pub(super) async fn instrument(ctx: &AsyncCtx, param: &str) -> Result<Connection, NodeError> {
    instrument_of(ctx, param, None).await
}

/// [`instrument`] for a node written for one model: among several instruments, and with a
/// connection that names none, the only connected one of that model.
pub(super) async fn instrument_of(ctx: &AsyncCtx, param: &str, model: Option<Model>) -> Result<Connection, NodeError> {
    let devs = devices(ctx)?;
    let options = ConnectOptions { timeout_ms: SCPI_TIMEOUT_MS, model, ..ConnectOptions::default() };
    let (connection, note) = scpi::connect(&*devs, &*ctx.host, ctx.text(param), &options).await.map_err(scpi_error)?;
    if let Some(note) = note {
        ctx.log(note);
    }
    Ok(connection)
}

pub(super) fn scpi_error(e: ScpiError) -> NodeError {
    NodeError(e.to_string())
}

/// `fut`, or [`DeviceError::Timeout`] after `ms`.
pub(super) async fn within<T>(
    host: &dyn Host,
    ms: f64,
    fut: impl Future<Output = Result<T, DeviceError>>,
) -> Result<T, DeviceError> {
    let fut = std::pin::pin!(fut);
    match select(fut, host.sleep(ms)).await {
        Either::Left((r, _)) => r,
        Either::Right(_) => Err(DeviceError::Timeout(ms / 1000.0)),
    }
}

thread_local! {
    /// One lock per port id: readers of a port take turns (the page is single-threaded, but
    /// nodes interleave at every await).
    static PORT_LOCKS: RefCell<HashMap<String, Arc<Mutex<()>>>> = RefCell::new(HashMap::new());
}

/// Waits for this node's turn at port `id`; the turn lasts while the guard lives.
pub(super) async fn exclusive(id: &str) -> OwnedMutexGuard<()> {
    let lock = PORT_LOCKS.with(|m| m.borrow_mut().entry(id.to_owned()).or_default().clone());
    lock.lock_owned().await
}

/// The first non-empty whole line that starts after now: drops what arrived before, then the
/// end of a line already under way (it would parse as a wrong, shorter number), then reads
/// lines until one is not blank. Each of the two waits is bounded by [`LINE_TIMEOUT_MS`].
pub(super) async fn fresh_line(host: &dyn Host, port: &dyn SerialPort) -> Result<String, DeviceError> {
    port.discard_pending();
    within(host, LINE_TIMEOUT_MS, read_line(port)).await?;
    within(host, LINE_TIMEOUT_MS, next_text_line(port)).await
}

/// The next line that is not blank.
pub(super) async fn next_text_line(port: &dyn SerialPort) -> Result<String, DeviceError> {
    loop {
        let line = read_line(port).await?;
        if !line.trim().is_empty() {
            return Ok(line);
        }
    }
}

/// A line of comma-separated numbers (Flojoy: `s[:-2].split(",")` as float64).
pub(super) fn numbers(line: &str) -> Result<Vec<f64>, NodeError> {
    line.split(',')
        .map(|field| {
            field.trim().parse::<f64>().map_err(|_| {
                NodeError(format!(
                    "the device sent '{line}', which is not comma-separated numbers ('{}' is not a number)",
                    field.trim()
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn hex_bytes() {
        assert_eq!(parse_hex("01 ff 2A", "data").unwrap(), vec![1, 255, 42]);
        assert_eq!(parse_hex("0x01,0xFF:0a", "data").unwrap(), vec![1, 255, 10]);
        assert_eq!(parse_hex("01ff2a f", "data").unwrap(), vec![1, 255, 42, 15]);
        assert_eq!(parse_hex("", "data").unwrap(), Vec::<u8>::new());
        assert_eq!(parse_hex("01 zz", "data").unwrap_err().0, "'data' must be hex bytes like '01 ff 2a'; 'zz' is not");
        assert!(parse_hex("123", "data").is_err());
    }

    #[test]
    fn lines_of_numbers() {
        assert_eq!(numbers("1.5, 2,-3e2").unwrap(), vec![1.5, 2.0, -300.0]);
        assert_eq!(
            numbers("temp=21").unwrap_err().0,
            "the device sent 'temp=21', which is not comma-separated numbers ('temp=21' is not a number)"
        );
    }
}
