//! Instruments: what hardware nodes need from the place they run in.
//!
//! The page implements [`Devices`] over WebSerial and WebUSB (or the simulated demo devices);
//! the CLI has none. Ports are opened by id (`serial:2341:0043`, `demo:arduino`, …) and stay
//! open for the rest of the run, shared by the nodes that use them, like Flojoy's connection
//! manager. Byte-level logic (lines, frames, ring buffers, USBTMC, SCPI) is pure Rust here, so
//! it is tested natively; the host only moves bytes.

pub mod descriptor;
pub mod framing;
pub mod scpi;
pub mod slcan;
pub mod stream;
pub mod timer;
pub mod usbtmc;

use std::rc::Rc;

use futures::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};

pub use descriptor::{Direction, EndpointKind, UsbEndpointInfo, UsbInfo, UsbInterfaceInfo};
pub use framing::{Decoder, Framing, SampleFormat};
pub use stream::{StreamBuffer, StreamStats, Streams, UsbIn, Window, pump};

/// Why a device operation failed, in words the user can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeviceError {
    /// No such API here (the CLI, or a browser without WebSerial/WebUSB).
    #[error("{0}")]
    Unsupported(String),
    /// No device is connected (the requested name, possibly empty).
    #[error("{}", not_found(.0))]
    NotFound(String),
    /// Several devices are connected and the request names none of them.
    #[error("several devices are connected and none is called '{requested}': set the device parameter to one of {}", .ids.join(", "))]
    Ambiguous { requested: String, ids: Vec<String> },
    /// Unplugged while in use.
    #[error("device disconnected")]
    Disconnected,
    /// The browser refused (port busy, permission denied, …): its reason.
    #[error("the browser refused: {0}")]
    Refused(String),
    #[error("{0}")]
    Io(String),
    #[error("timed out after {0} s waiting for the device")]
    Timeout(f64),
}

fn not_found(requested: &str) -> String {
    let what = if requested.is_empty() { String::new() } else { format!(" '{requested}'") };
    format!("no device{what} is connected: connect one with the Devices button, or turn on demo devices")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parity {
    None,
    Even,
    Odd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowControl {
    None,
    Hardware,
}

/// WebSerial's `SerialOptions`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SerialOptions {
    pub baud_rate: u32,
    pub data_bits: u8,
    pub stop_bits: u8,
    pub parity: Parity,
    pub flow_control: FlowControl,
}

impl Default for SerialOptions {
    /// 9600 8N1, no flow control (pyserial's and Flojoy's default).
    fn default() -> Self {
        SerialOptions {
            baud_rate: 9600,
            data_bits: 8,
            stop_bits: 1,
            parity: Parity::None,
            flow_control: FlowControl::None,
        }
    }
}

/// A device the user granted (or a demo device), as the page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortInfo {
    /// Stable id used in node parameters: `2341:0043` (USB vendor:product, hex), `2341:0043#2`
    /// for a second identical one, `serial-1` when the browser gives no ids.
    pub id: String,
    /// What the user sees: product name, "(simulated)" for demo devices.
    pub label: String,
    /// Open right now (by a run or a stream).
    pub open: bool,
}

/// Bytes arriving from a device: a serial port's readable side or a USB IN endpoint.
pub trait ByteSource {
    /// The next bytes the device sent (waits for at least one byte).
    ///
    /// Nodes race reads against timeouts, so a read future may be dropped before it
    /// completes: the host must then keep whatever that read would have returned for the
    /// next one (no bytes are lost by a timeout).
    fn read(&self) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>>;
}

/// An open serial port.
pub trait SerialPort: ByteSource {
    fn write(&self, bytes: Vec<u8>) -> LocalBoxFuture<'static, Result<(), DeviceError>>;
    /// Puts bytes back in front of what `read` returns next (a reader that took more than one
    /// line or frame gives back the rest).
    fn unread(&self, bytes: Vec<u8>);
    /// Drops whatever arrived before now and was not read yet (a fresh measurement).
    fn discard_pending(&self);
}

/// A USB control transfer's setup packet (WebUSB's `USBControlTransferParameters`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControlSetup {
    /// "standard", "class" or "vendor".
    pub request_type: String,
    /// "device", "interface", "endpoint" or "other".
    pub recipient: String,
    pub request: u8,
    pub value: u16,
    pub index: u16,
}

/// An open, configured USB device with a claimed interface.
pub trait UsbDevice {
    /// Bulk or interrupt IN transfer of up to `length` bytes.
    fn transfer_in(&self, endpoint: u8, length: u32) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>>;
    /// Bulk or interrupt OUT transfer; the number of bytes written.
    fn transfer_out(&self, endpoint: u8, data: Vec<u8>) -> LocalBoxFuture<'static, Result<u32, DeviceError>>;
    fn control_in(&self, setup: ControlSetup, length: u16) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>>;
    fn control_out(&self, setup: ControlSetup, data: Vec<u8>) -> LocalBoxFuture<'static, Result<u32, DeviceError>>;

    /// Clears a halt (stall) on endpoint `endpoint` (its number, as in the transfers) in
    /// `direction`, resetting its data toggle on both sides (WebUSB's `clearHalt`). USBTMC
    /// needs it after aborting a Bulk-OUT transfer and after INITIATE_CLEAR. The default says
    /// the host cannot; recovery then goes on without it.
    fn clear_halt(&self, direction: Direction, endpoint: u8) -> LocalBoxFuture<'static, Result<(), DeviceError>> {
        let _ = (direction, endpoint);
        Box::pin(async { Err(DeviceError::Unsupported("this host cannot clear a USB endpoint's halt".into())) })
    }
}

/// What a host without cameras says (the command-line runner).
pub const NO_CAMERA: &str = "the webcam nodes run in the browser app (getUserMedia); this host has no camera";

/// One picture from a camera: RGBA bytes, row by row.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// An open camera.
pub trait Camera {
    /// The camera's current picture.
    fn frame(&self) -> LocalBoxFuture<'static, Result<Frame, DeviceError>>;
}

/// The instruments the host can reach. Ports opened during a session (one run, or a streaming
/// session until Stop) stay open and are shared by every node that names them, like Flojoy's
/// connection manager; the host closes them when the session ends.
pub trait Devices {
    /// The serial ports the user has granted (and demo devices, if enabled).
    fn serial_ports(&self) -> Vec<PortInfo>;

    /// Opens serial port `id` (an exact id from [`Devices::serial_ports`]) with `options`, or
    /// returns it if this session already opened it.
    fn open_serial(
        &self,
        id: &str,
        options: &SerialOptions,
    ) -> LocalBoxFuture<'static, Result<Rc<dyn SerialPort>, DeviceError>>;

    /// The USB devices the user has granted.
    fn usb_devices(&self) -> Vec<PortInfo>;

    /// Opens USB device `id`, selects configuration 1 and claims `interface`, or returns it if
    /// this session already did.
    fn open_usb(&self, id: &str, interface: u8) -> LocalBoxFuture<'static, Result<Rc<dyn UsbDevice>, DeviceError>>;

    /// What USB device `id` (from [`Devices::usb_devices`]) says about itself: vendor and
    /// product ids, serial number, interfaces and their endpoints. Instrument discovery
    /// (USBTMC) and VISA resource names need it; `None` (the default): this host does not
    /// describe its devices, so no USB instrument can be found.
    fn usb_info(&self, id: &str) -> Option<UsbInfo> {
        let _ = id;
        None
    }

    /// Why there can be no serial devices here (a browser without WebSerial), if so: said
    /// instead of "no device is connected", which would send the user looking for a cable.
    fn serial_unsupported(&self) -> Option<String> {
        None
    }

    /// Why there can be no USB devices here, if so.
    fn usb_unsupported(&self) -> Option<String> {
        None
    }

    /// Opens camera `id` (a device id or label; empty or Flojoy's `0`: the default camera),
    /// asking for `resolution` (width, height) if given, or returns it if this session opened
    /// it (asking it for `resolution`, as Flojoy's WEBCAM sets it on the opened camera). The
    /// default: no cameras here.
    fn open_camera(
        &self,
        id: &str,
        resolution: Option<(u32, u32)>,
    ) -> LocalBoxFuture<'static, Result<Rc<dyn Camera>, DeviceError>> {
        let _ = (id, resolution);
        Box::pin(async { Err(DeviceError::Unsupported(NO_CAMERA.into())) })
    }

    /// Runs a background task (a stream's reader) until it returns.
    fn spawn(&self, task: LocalBoxFuture<'static, ()>);

    /// The streams of this session, by the key of the node that started each.
    fn streams(&self) -> &Streams;
}

/// Reads one line (up to `\n`, without `\r\n`), giving back what follows it.
pub async fn read_line(port: &dyn SerialPort) -> Result<String, DeviceError> {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let chunk = port.read().await?;
        let start = buf.len();
        buf.extend_from_slice(&chunk);
        if let Some(i) = buf[start..].iter().position(|b| *b == b'\n') {
            let end = start + i;
            let rest = buf.split_off(end + 1);
            if !rest.is_empty() {
                port.unread(rest);
            }
            buf.truncate(end);
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(String::from_utf8_lossy(&buf).into_owned());
        }
    }
}

/// Picks the device a node parameter means among the connected `ports`: the one whose id or
/// label is `requested`; else, when exactly one is connected, that one, with a note to log
/// (Flojoy files name ports the way the operating system does, `COM3` or `/dev/ttyUSB0`,
/// which browsers never show, and an empty parameter means "the device"). No device, or
/// several and none named, is an error that says what to do.
pub fn resolve(requested: &str, ports: &[PortInfo]) -> Result<(String, Option<String>), DeviceError> {
    let req = requested.trim();
    if !req.is_empty() {
        if let Some(p) = ports.iter().find(|p| p.id == req) {
            return Ok((p.id.clone(), None));
        }
        let labelled: Vec<&PortInfo> = ports.iter().filter(|p| p.label == req).collect();
        match labelled.as_slice() {
            [one] => return Ok((one.id.clone(), None)),
            [] => {}
            several => {
                return Err(DeviceError::Ambiguous {
                    requested: req.to_owned(),
                    ids: several.iter().map(|p| p.id.clone()).collect(),
                });
            }
        }
    }
    match ports {
        [] => Err(DeviceError::NotFound(req.to_owned())),
        [only] => {
            let using = format!("using the only connected device '{}'", only.label);
            let note = if req.is_empty() {
                format!("no device chosen; {using}")
            } else if is_os_port_name(req) {
                format!("'{req}' is an operating-system port name, which browsers do not expose; {using}")
            } else {
                format!("no connected device is called '{req}'; {using}")
            };
            Ok((only.id.clone(), Some(note)))
        }
        several => Err(DeviceError::Ambiguous {
            requested: req.to_owned(),
            ids: several.iter().map(|p| p.id.clone()).collect(),
        }),
    }
}

/// `/dev/ttyUSB0`, `/dev/cu.usbserial-X`, `COM3`, `\\.\COM12`: names only an operating system knows.
fn is_os_port_name(s: &str) -> bool {
    let upper = s.to_ascii_uppercase();
    let com = upper.trim_start_matches("\\\\.\\");
    s.starts_with("/dev/") || (com.len() > 3 && com.starts_with("COM") && com[3..].bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::VecDeque;

    use super::*;

    /// A port that hands out scripted chunks.
    struct Scripted {
        chunks: RefCell<VecDeque<Vec<u8>>>,
    }

    impl SerialPort for Scripted {
        fn write(&self, _: Vec<u8>) -> LocalBoxFuture<'static, Result<(), DeviceError>> {
            Box::pin(async { Ok(()) })
        }
        fn unread(&self, bytes: Vec<u8>) {
            self.chunks.borrow_mut().push_front(bytes);
        }
        fn discard_pending(&self) {
            self.chunks.borrow_mut().clear();
        }
    }

    impl ByteSource for Scripted {
        fn read(&self) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
            let next = self.chunks.borrow_mut().pop_front();
            Box::pin(async move { next.ok_or(DeviceError::Disconnected) })
        }
    }

    #[test]
    fn lines_are_read_across_chunks_and_the_rest_is_kept() {
        let p = Scripted {
            chunks: RefCell::new(VecDeque::from(vec![b"1.5,2".to_vec(), b".5\r\n3,".to_vec(), b"4\r\n".to_vec()])),
        };
        assert_eq!(futures::executor::block_on(read_line(&p)).unwrap(), "1.5,2.5");
        assert_eq!(futures::executor::block_on(read_line(&p)).unwrap(), "3,4");
        assert_eq!(futures::executor::block_on(read_line(&p)), Err(DeviceError::Disconnected));
    }
}
