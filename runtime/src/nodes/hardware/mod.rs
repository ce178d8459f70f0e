//! HARDWARE: serial ports (Flojoy's pyserial blocks), SCPI instruments over serial or USBTMC,
//! Studio's instrument nodes (`instruments/`), CAN through slcan adapters (`can.rs`), USB
//! transfers, and live streams. Every node reaches devices through `Host::devices` (the page's
//! WebSerial/WebUSB or demo devices); without it each fails with [`NO_DEVICES`](crate::host::NO_DEVICES).
//!
//! Ports are named by the id the page lists (or its label). Flojoy files name them the
//! operating system's way (`COM3`, `/dev/ttyUSB0`), which browsers never show: such a name
//! picks the only connected device, with a note in the node's log (see `devices::resolve`).
//! A port opened by one node stays open for the run and is shared, like Flojoy's connection
//! manager; a node that finds it closed opens it at 9600 8N1.
//!
//! Reading a port: nodes that read lines (SERIAL_SINGLE_MEASUREMENT, SERIAL_TIMESERIES, the
//! SCPI nodes) take the port's lock first, so two of them reading one port at the same time
//! take turns instead of splitting each other's lines. A port that streams (SERIAL_STREAM)
//! belongs to its stream: other nodes should not read it at the same time.

use super::NodeDef;

mod can;
mod instruments;
mod pololu_tic;
mod port;
mod scpi;
mod serial;
mod stream;
mod usb;
mod vendor;
mod webcam;

pub use scpi::MEASURE_VOLTAGE_COMMAND;
pub use vendor::needs_driver;

pub fn nodes() -> Vec<NodeDef> {
    vec![
        serial::open_serial(),
        serial::serial_write(),
        serial::serial_single_measurement(),
        serial::serial_timeseries(),
        scpi::scpi_write(),
        scpi::idn(),
        scpi::measure_voltage(),
        usb::usb_open(),
        usb::usb_transfer_out(),
        usb::usb_transfer_in(),
        usb::usb_control_transfer(),
        webcam::open_webcam(),
        webcam::webcam(),
        stream::serial_stream(),
        stream::usb_stream(),
    ]
    .into_iter()
    .chain(can::nodes())
    .chain(instruments::nodes())
    .chain(pololu_tic::nodes())
    .collect()
}

const SERIAL: &str = "HARDWARE/PROTOCOLS/SERIAL";
const SCPI: &str = "HARDWARE/PROTOCOLS/SCPI";
const USB: &str = "HARDWARE/PROTOCOLS/USB";
const STREAMING: &str = "HARDWARE/STREAMING";

/// How long a line-reading node waits for a line (and, before it, for the end of the line
/// that was under way), and a write for the port to take it.
const LINE_TIMEOUT_MS: f64 = 5000.0;
/// How long an SCPI instrument has to answer a query.
const SCPI_TIMEOUT_MS: f64 = 2000.0;
/// How long a USB transfer may take.
const USB_TIMEOUT_MS: f64 = 5000.0;
