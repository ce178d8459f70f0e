//! HARDWARE: serial ports (Flojoy's pyserial blocks), SCPI instruments over serial, USB
//! transfers, and live streams. Every node reaches devices through `Host::devices` (the page's
//! WebSerial/WebUSB or demo devices); without it each fails with [`NO_DEVICES`].
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

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use futures::future::{Either, LocalBoxFuture, select};
use futures::lock::{Mutex, OwnedMutexGuard};
use serde_json::json;

use super::ctx::MAX_COUNT;
use super::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::devices::{
    self, ByteSource, ControlSetup, Decoder, DeviceError, Devices, FlowControl, Framing, Parity, SampleFormat,
    SerialOptions, SerialPort, StreamBuffer, UsbDevice, UsbIn, Window, read_line,
};
use crate::host::{Host, NO_DEVICES};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, TypeSet, Value};

pub fn nodes() -> Vec<NodeDef> {
    vec![
        open_serial(),
        serial_write(),
        serial_single_measurement(),
        serial_timeseries(),
        scpi_write(),
        idn(),
        measure_voltage(),
        usb_open(),
        usb_transfer_out(),
        usb_transfer_in(),
        usb_control_transfer(),
        serial_stream(),
        usb_stream(),
    ]
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

/// Flojoy's SCPI voltage query (MEASURE_VOLTAGE.py).
pub const MEASURE_VOLTAGE_COMMAND: &str = "MEASURE:VOLTAGE:DC?";

fn device_param(spec: NodeSpec, name: &str, class: &str, doc: &str) -> NodeSpec {
    spec.param(name, ParamKind::Device { class: class.into() }, "", doc)
}

fn trigger(spec: NodeSpec) -> NodeSpec {
    spec.optional_input("default", TypeSet::ANY, "Only sets the order: the node runs after what is wired here")
}

fn open_serial() -> NodeDef {
    let spec = NodeSpec::new(
        "OPEN_SERIAL",
        SERIAL,
        "Open a serial port (an Arduino, a USB-serial adapter) for the nodes after it; outputs its settings as JSON.",
    );
    let spec = device_param(spec, "device", "SerialDevice", "The serial device (from the Devices list)")
        .output("default", TypeSet::of(T::String), "The port settings, as JSON (pyserial's get_settings)")
        .int_range("baudrate", 9600, Some(1), None, "Bits per second")
        .param(
            "connection_time",
            ParamKind::Float { min: Some(0.0), max: None },
            0.0,
            "Seconds to wait after opening (an Arduino restarts when its port opens)",
        )
        .select("data_bits", &["7", "8"], "8", "Data bits per character")
        .select("parity", &["none", "even", "odd"], "none", "Parity bit")
        .select("stop_bits", &["1", "2"], "1", "Stop bits")
        .select("flow_control", &["none", "hardware"], "none", "Hardware (RTS/CTS) flow control");
    NodeDef::asynchronous(spec, run_open_serial)
}

fn run_open_serial(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let options = SerialOptions {
            baud_rate: ctx.int_in("baudrate", 1, i64::from(u32::MAX))?,
            data_bits: if ctx.text("data_bits") == "7" { 7 } else { 8 },
            stop_bits: if ctx.text("stop_bits") == "2" { 2 } else { 1 },
            parity: match ctx.text("parity") {
                "even" => Parity::Even,
                "odd" => Parity::Odd,
                _ => Parity::None,
            },
            flow_control: if ctx.text("flow_control") == "hardware" {
                FlowControl::Hardware
            } else {
                FlowControl::None
            },
        };
        let port = open_serial_port(&ctx, &*devs, "device", &options).await?;
        ctx.log(format!("opened '{}' at {}", port.id, describe(&options)));
        let wait = ctx.f64("connection_time")?;
        if wait > 0.0 {
            ctx.host.sleep(wait * 1000.0).await;
        }
        Ok(Outputs::one(Value::string(settings_json(&options))))
    })
}

/// `9600 8N1`.
fn describe(o: &SerialOptions) -> String {
    format!("{} {}{}{}", o.baud_rate, o.data_bits, parity_letter(o.parity), o.stop_bits)
}

fn parity_letter(p: Parity) -> char {
    match p {
        Parity::None => 'N',
        Parity::Even => 'E',
        Parity::Odd => 'O',
    }
}

/// pyserial's `json.dumps(ser.get_settings())`, as Flojoy's OPEN_SERIAL returns it.
fn settings_json(o: &SerialOptions) -> String {
    format!(
        "{{\"baudrate\": {}, \"bytesize\": {}, \"parity\": \"{}\", \"stopbits\": {}, \"xonxoff\": false, \"dsrdtr\": false, \"rtscts\": {}, \"timeout\": 1, \"write_timeout\": null, \"inter_byte_timeout\": null}}",
        o.baud_rate,
        o.data_bits,
        parity_letter(o.parity),
        o.stop_bits,
        o.flow_control == FlowControl::Hardware
    )
}

fn serial_write() -> NodeDef {
    let spec = trigger(NodeSpec::new(
        "SERIAL_WRITE",
        SERIAL,
        "Write text to a serial device (a command for an Arduino sketch, for example); outputs what was written.",
    ));
    let spec = device_param(spec, "connection", "SerialDevice", "The serial device")
        .output("default", TypeSet::of(T::String), "The text written, terminator included")
        .str("write", "", "The text to write")
        .select(
            "encoding",
            &["bytes", "utf-8", "ascii"],
            "bytes",
            "bytes and utf-8 send the text's UTF-8 bytes; ascii refuses other characters",
        )
        .select("terminator", &["CR+LF", "CR", "LF", "None"], "None", "Appended to the text");
    NodeDef::asynchronous(spec, run_serial_write)
}

fn run_serial_write(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let terminator = match ctx.text("terminator") {
            "CR+LF" => "\r\n",
            "CR" => "\r",
            "LF" => "\n",
            _ => "",
        };
        let text = format!("{}{terminator}", ctx.text("write"));
        if ctx.text("encoding") == "ascii"
            && let Some(c) = text.chars().find(|c| !c.is_ascii())
        {
            return Err(NodeError(format!(
                "'{c}' (U+{:04X}) is not an ASCII character: remove it or choose the bytes or utf-8 encoding",
                u32::from(c)
            )));
        }
        let port = open_serial_port(&ctx, &*devs, "connection", &SerialOptions::default()).await?;
        within(&*ctx.host, LINE_TIMEOUT_MS, port.port.write(text.clone().into_bytes())).await.map_err(dev)?;
        Ok(Outputs::one(Value::string(text)))
    })
}

fn serial_single_measurement() -> NodeDef {
    let spec = trigger(NodeSpec::new(
        "SERIAL_SINGLE_MEASUREMENT",
        SERIAL,
        "Take one reading from a serial device that prints lines of comma-separated numbers (an Arduino's Serial.println); outputs them as a Vector.\n\nThe reading is fresh: what arrived before the node ran is dropped, and so is the rest of a line already under way, so the numbers come from the next whole line. Fails after 5 s without a line.",
    ));
    let spec = device_param(spec, "connection", "SerialDevice", "The serial device").output(
        "default",
        TypeSet::of(T::Vector),
        "The numbers of one line",
    );
    NodeDef::asynchronous(spec, run_serial_single_measurement)
}

fn run_serial_single_measurement(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let port = open_serial_port(&ctx, &*devs, "connection", &SerialOptions::default()).await?;
        let _turn = exclusive(&port.id).await;
        let line = fresh_line(&*ctx.host, &*port.port).await.map_err(dev)?;
        Ok(Outputs::one(Value::vector(numbers(&line)?)))
    })
}

fn serial_timeseries() -> NodeDef {
    let spec = NodeSpec::new(
        "SERIAL_TIMESERIES",
        SERIAL,
        "Record a number from a serial device (an Arduino printing lines) at a fixed period; outputs (seconds since the first reading, value).\n\nEach reading is the first whole line after its turn comes (what arrived in between is dropped), and readings are paced to record_period. Flojoy's block instead read the lines buffered since the previous reading, so its values lagged behind their times; this is a deliberate difference. With several numbers per line, the first is recorded.",
    )
    .optional_input("default", TypeSet::of(T::OrderedPair), "Only sets the order")
    .output("default", TypeSet::of(T::OrderedPair), "x: seconds since the first reading, y: the readings")
    .str("comport", "/dev/ttyUSB0", "The serial device (an id or name from the Devices list)")
    .int_range("baudrate", 9600, Some(1), None, "Bits per second (when this node opens the port)")
    .int_range("num_readings", 100, Some(1), Some(MAX_COUNT as i64), "Number of points to record")
    .int_range("record_period", 1, Some(0), None, "Seconds between two readings");
    NodeDef::asynchronous(spec, run_serial_timeseries)
}

fn run_serial_timeseries(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let options =
            SerialOptions { baud_rate: ctx.int_in("baudrate", 1, i64::from(u32::MAX))?, ..Default::default() };
        let n: usize = ctx.int_in("num_readings", 1, MAX_COUNT as i64)?;
        let period_ms = ctx.int_in::<i64>("record_period", 0, i64::from(u32::MAX))? as f64 * 1000.0;
        let port = open_serial_port(&ctx, &*devs, "comport", &options).await?;
        let _turn = exclusive(&port.id).await;
        let host = &*ctx.host;
        let (mut x, mut y) = (Vec::with_capacity(n.min(10_000)), Vec::with_capacity(n.min(10_000)));
        let mut t0 = None;
        for i in 0..n {
            let turn = host.now_ms();
            let line = fresh_line(host, &*port.port).await.map_err(dev)?;
            let t = host.now_ms();
            let first = *numbers(&line)?.first().ok_or_else(|| NodeError::new("the device sent an empty line"))?;
            let t0 = *t0.get_or_insert(t);
            x.push((t - t0) / 1000.0);
            y.push(first);
            let wait = period_ms - (host.now_ms() - turn);
            if i + 1 < n && wait > 0.0 {
                host.sleep(wait).await;
            }
        }
        Ok(Outputs::one(Value::pair(x, y)))
    })
}

fn scpi_node(func: &str, doc: &str, output: TypeSet, output_doc: &str) -> NodeSpec {
    let spec = trigger(NodeSpec::new(func, SCPI, doc));
    device_param(spec, "connection", "SerialConnection", "The instrument's serial port (opened by OPEN_SERIAL)")
        .output("default", output, output_doc)
}

fn scpi_write() -> NodeDef {
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

fn idn() -> NodeDef {
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

fn measure_voltage() -> NodeDef {
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

fn usb_node(func: &str, doc: &str) -> NodeSpec {
    let spec = trigger(NodeSpec::new(func, USB, doc));
    device_param(spec, "device", "UsbDevice", "The USB device (from the Devices list)").int_range(
        "interface",
        0,
        Some(0),
        Some(255),
        "The interface to claim",
    )
}

fn usb_open() -> NodeDef {
    let spec = NodeSpec::new(
        "USB_OPEN",
        USB,
        "Open a USB device and claim one of its interfaces for the USB nodes after it; outputs which, as JSON.",
    );
    let spec = device_param(spec, "device", "UsbDevice", "The USB device (from the Devices list)")
        .int_range("interface", 0, Some(0), Some(255), "The interface to claim")
        .output("default", TypeSet::of(T::String), "The device id and interface, as JSON");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let (id, _) = open_usb(&ctx).await?;
            let interface: u8 = ctx.int_in("interface", 0, 255)?;
            ctx.log(format!("opened '{id}', interface {interface}"));
            Ok(Outputs::one(Value::string(json!({"device": id, "interface": interface}).to_string())))
        })
    })
}

fn usb_transfer_out() -> NodeDef {
    let spec = usb_node("USB_TRANSFER_OUT", "Send bytes to a USB device's bulk or interrupt OUT endpoint.")
        .int_range("endpoint", 1, Some(1), Some(15), "The OUT endpoint number")
        .str("data", "", "What to send")
        .select("encoding", &["text", "hex"], "text", "text: the UTF-8 bytes of data; hex: bytes like '01 ff 2a'")
        .output("default", TypeSet::of(T::Scalar), "How many bytes were sent");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let data = match ctx.text("encoding") {
                "hex" => parse_hex(ctx.text("data"), "data")?,
                _ => ctx.text("data").as_bytes().to_vec(),
            };
            let endpoint: u8 = ctx.int_in("endpoint", 1, 15)?;
            let (_, device) = open_usb(&ctx).await?;
            let n = within(&*ctx.host, USB_TIMEOUT_MS, device.transfer_out(endpoint, data)).await.map_err(dev)?;
            Ok(Outputs::one(Value::scalar(f64::from(n))))
        })
    })
}

fn usb_transfer_in() -> NodeDef {
    let spec = usb_node("USB_TRANSFER_IN", "Read bytes from a USB device's bulk or interrupt IN endpoint.")
        .int_range("endpoint", 1, Some(1), Some(15), "The IN endpoint number")
        .int_range("length", 64, Some(1), Some(65536), "The most bytes to read")
        .select("output", &["bytes", "text"], "bytes", "bytes: a Vector of byte values; text: a String (UTF-8)")
        .output("default", TypeSet::union(&[T::Vector, T::String]), "What the device sent");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let endpoint: u8 = ctx.int_in("endpoint", 1, 15)?;
            let length: u32 = ctx.int_in("length", 1, 65536)?;
            let (_, device) = open_usb(&ctx).await?;
            let bytes = within(&*ctx.host, USB_TIMEOUT_MS, device.transfer_in(endpoint, length)).await.map_err(dev)?;
            Ok(Outputs::one(bytes_value(bytes, ctx.text("output") == "text")))
        })
    })
}

fn usb_control_transfer() -> NodeDef {
    let spec = usb_node(
        "USB_CONTROL_TRANSFER",
        "Send a USB control transfer (a vendor request, a class request) to a device: 'in' reads bytes back, 'out' sends data.",
    )
    .select("direction", &["in", "out"], "in", "in: the device answers; out: send data")
    .select("request_type", &["standard", "class", "vendor"], "vendor", "bmRequestType's type")
    .select("recipient", &["device", "interface", "endpoint", "other"], "device", "bmRequestType's recipient")
    .int_range("request", 0, Some(0), Some(255), "bRequest")
    .int_range("value", 0, Some(0), Some(65535), "wValue")
    .int_range("index", 0, Some(0), Some(65535), "wIndex")
    .int_range("length", 64, Some(0), Some(65535), "The most bytes to read (in)")
    .shown_when("direction", &["in"])
    .str("data", "", "Hex bytes to send, like '01 ff 2a' (out)")
    .shown_when("direction", &["out"])
    .output("default", TypeSet::union(&[T::Vector, T::Scalar]), "in: the bytes read; out: how many bytes were sent");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let setup = ControlSetup {
                request_type: ctx.text("request_type").to_owned(),
                recipient: ctx.text("recipient").to_owned(),
                request: ctx.int_in("request", 0, 255)?,
                value: ctx.int_in("value", 0, 65535)?,
                index: ctx.int_in("index", 0, 65535)?,
            };
            let out = ctx.text("direction") == "out";
            let data = if out { parse_hex(ctx.text("data"), "data")? } else { Vec::new() };
            let length: u16 = if out { 0 } else { ctx.int_in("length", 0, 65535)? };
            let (_, device) = open_usb(&ctx).await?;
            let host = &*ctx.host;
            let value = if out {
                let n = within(host, USB_TIMEOUT_MS, device.control_out(setup, data)).await.map_err(dev)?;
                Value::scalar(f64::from(n))
            } else {
                bytes_value(within(host, USB_TIMEOUT_MS, device.control_in(setup, length)).await.map_err(dev)?, false)
            };
            Ok(Outputs::one(value))
        })
    })
}

fn bytes_value(bytes: Vec<u8>, text: bool) -> Value {
    if text {
        Value::string(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        Value::vector(bytes.into_iter().map(f64::from).collect())
    }
}

/// Hex bytes: `01 ff 2a`, `01ff2a`, `0x01,0xff`; a lone digit is one byte.
fn parse_hex(s: &str, param: &str) -> Result<Vec<u8>, NodeError> {
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

fn stream_params(spec: NodeSpec, framing: Framing, format: SampleFormat) -> NodeSpec {
    let binary: Vec<&str> = Framing::ALL.iter().filter(|f| f.is_binary()).map(|f| f.name()).collect();
    spec.select("framing", &Framing::NAMES, framing.name(), "How the bytes are cut into rows of numbers")
        .select("sample_format", &SampleFormat::NAMES, format.name(), "How binary frames hold numbers")
        .shown_when("framing", &binary)
        .int_range("channel", 0, Some(0), None, "The column to output (0 = the first number of each row)")
        .int_range("window", 10_000, Some(1), Some(MAX_COUNT as i64), "Rows to output in window mode")
        .select(
            "mode",
            &["window", "new"],
            "window",
            "window: the last N rows, for live plots; new: only rows that arrived since the last frame, each row exactly once",
        )
        .int_range(
            "capacity",
            1_000_000,
            Some(1),
            Some(MAX_COUNT as i64),
            "Rows kept in memory (older ones are dropped; rows dropped before a read are counted)",
        )
        .output("default", TypeSet::of(T::OrderedPair), "x: the row number since the stream started, y: the channel")
}

const STREAM_DOC: &str = "\n\nWhile a flow has a streaming node the app runs it once per frame until Stop; the stream starts at the first run and keeps reading in the background, its counters (rows, dropped, malformed, rate) shown by the app. Port settings and framing apply when the stream starts; channel, window and mode apply at every frame.";

fn serial_stream() -> NodeDef {
    let spec = NodeSpec::new(
        "SERIAL_STREAM",
        STREAMING,
        &format!(
            "Stream numbers from a serial device at full speed (CSV or JSON lines, or binary frames) and output them live.{STREAM_DOC}"
        ),
    );
    let spec = device_param(spec, "connection", "SerialDevice", "The serial device").int_range(
        "baudrate",
        115_200,
        Some(1),
        None,
        "Bits per second",
    );
    NodeDef::asynchronous(stream_params(spec, Framing::CsvLines, SampleFormat::I16Le), run_serial_stream).streaming()
}

fn run_serial_stream(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let ctx = &ctx;
        stream_frame(ctx, |devs, framing| async move {
            let options =
                SerialOptions { baud_rate: ctx.int_in("baudrate", 1, i64::from(u32::MAX))?, ..Default::default() };
            let port = open_serial_port(ctx, &*devs, "connection", &options).await?;
            ctx.log(format!("streaming from '{}' at {}, {framing}", port.id, describe(&options)));
            let source: Rc<dyn ByteSource> = port.port;
            Ok(source)
        })
        .await
    })
}

fn usb_stream() -> NodeDef {
    let spec = NodeSpec::new(
        "USB_STREAM",
        STREAMING,
        &format!(
            "Stream numbers from a USB device's bulk or interrupt IN endpoint at full speed and output them live.{STREAM_DOC}"
        ),
    );
    let spec = device_param(spec, "device", "UsbDevice", "The USB device (from the Devices list)")
        .int_range("interface", 0, Some(0), Some(255), "The interface to claim")
        .int_range("endpoint", 2, Some(1), Some(15), "The IN endpoint number")
        .int_range("packet_size", 512, Some(1), Some(1 << 20), "Bytes asked for per transfer");
    NodeDef::asynchronous(stream_params(spec, Framing::Raw, SampleFormat::I16Le), run_usb_stream).streaming()
}

fn run_usb_stream(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let ctx = &ctx;
        stream_frame(ctx, |_, framing| async move {
            let endpoint: u8 = ctx.int_in("endpoint", 1, 15)?;
            let length: u32 = ctx.int_in("packet_size", 1, 1 << 20)?;
            let (id, device) = open_usb(ctx).await?;
            ctx.log(format!("streaming from '{id}' endpoint {endpoint}, {framing}"));
            let source: Rc<dyn ByteSource> = Rc::new(UsbIn { device, endpoint, length });
            Ok(source)
        })
        .await
    })
}

/// One frame of a streaming node: the stream this node started (the first frame starts it,
/// with `open` giving the device's bytes; it is told the devices and the framing, for its log),
/// then this frame's rows.
async fn stream_frame<F, Fut>(ctx: &AsyncCtx, open: F) -> NodeResult
where
    F: FnOnce(Rc<dyn Devices>, String) -> Fut,
    Fut: Future<Output = Result<Rc<dyn ByteSource>, NodeError>>,
{
    let devs = devices(ctx)?;
    let buffer = match devs.streams().get(&ctx.key) {
        Some(b) => b,
        None => {
            let decoder = decoder(ctx)?;
            let capacity = ctx.int_in("capacity", 1, MAX_COUNT as i64)?;
            let source = open(devs.clone(), framing_text(&decoder)).await?;
            start_stream(ctx, &*devs, source, decoder, capacity)
        }
    };
    first_row(ctx, &buffer).await;
    stream_output(ctx, &buffer)
}

fn decoder(ctx: &AsyncCtx) -> Result<Decoder, NodeError> {
    let framing = Framing::from_name(ctx.text("framing")).ok_or_else(|| {
        NodeError(format!("'framing' must be one of {}, got '{}'", Framing::NAMES.join(", "), ctx.text("framing")))
    })?;
    let format = SampleFormat::from_name(ctx.text("sample_format")).ok_or_else(|| {
        NodeError(format!(
            "'sample_format' must be one of {}, got '{}'",
            SampleFormat::NAMES.join(", "),
            ctx.text("sample_format")
        ))
    })?;
    Ok(Decoder::new(framing, format))
}

fn framing_text(d: &Decoder) -> String {
    if d.framing().is_binary() {
        format!("{} of {}", d.framing().name(), d.format().name())
    } else {
        d.framing().name().to_owned()
    }
}

/// Starts a stream's reader and registers its buffer under the node's key.
fn start_stream(
    ctx: &AsyncCtx,
    devs: &dyn Devices,
    source: Rc<dyn ByteSource>,
    decoder: Decoder,
    capacity: usize,
) -> Rc<RefCell<StreamBuffer>> {
    let buffer = Rc::new(RefCell::new(StreamBuffer::new(decoder, capacity)));
    let host = ctx.host.clone();
    let clock: Rc<dyn Fn() -> f64> = Rc::new(move || host.now_ms());
    devs.spawn(Box::pin(devices::pump(source, buffer.clone(), clock)));
    devs.streams().insert(ctx.key.clone(), buffer.clone());
    buffer
}

/// Gives a new stream up to [`LINE_TIMEOUT_MS`] for its first row: an empty first frame
/// would only make what is downstream (a BIG_NUMBER, a fit) fail or flash empty. A device
/// still silent after that gets an empty frame (the node's counters show 0 rows received).
async fn first_row(ctx: &AsyncCtx, buffer: &Rc<RefCell<StreamBuffer>>) {
    let start = ctx.host.now_ms();
    while ctx.host.now_ms() - start < LINE_TIMEOUT_MS {
        {
            let b = buffer.borrow();
            if b.stats().received > 0 || b.error().is_some() || b.is_stopped() {
                return;
            }
        }
        ctx.host.sleep(10.0).await;
    }
}

/// This frame's rows of the chosen channel.
fn stream_output(ctx: &AsyncCtx, buffer: &Rc<RefCell<StreamBuffer>>) -> NodeResult {
    let channel: usize = ctx.int_in("channel", 0, i64::MAX)?;
    let window: usize = ctx.int_in("window", 1, MAX_COUNT as i64)?;
    let mut b = buffer.borrow_mut();
    if let Some(e) = b.error() {
        return Err(NodeError(format!("{e} ({} rows received before it are kept)", b.stats().received)));
    }
    let columns = b.columns();
    if columns > 0 && channel >= columns {
        return Err(NodeError(format!(
            "channel {channel} does not exist: the stream has {columns} column{} (channels 0 to {})",
            if columns == 1 { "" } else { "s" },
            columns - 1
        )));
    }
    let Window { first, mut columns, .. } = if ctx.text("mode") == "new" { b.take_new() } else { b.window(window) };
    let y = if channel < columns.len() { columns.swap_remove(channel) } else { Vec::new() };
    let x = (0..y.len() as u64).map(|i| (first + i) as f64).collect();
    Ok(Outputs::one(Value::pair(x, y)))
}

// ---- shared plumbing -------------------------------------------------------------------

fn devices(ctx: &AsyncCtx) -> Result<Rc<dyn Devices>, NodeError> {
    ctx.host.devices().ok_or_else(|| NodeError::new(NO_DEVICES))
}

fn dev(e: DeviceError) -> NodeError {
    NodeError(e.to_string())
}

struct OpenPort {
    id: String,
    port: Rc<dyn SerialPort>,
}

/// Opens (or finds open) the serial port that parameter `param` names.
async fn open_serial_port(
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
async fn open_usb(ctx: &AsyncCtx) -> Result<(String, Rc<dyn UsbDevice>), NodeError> {
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

/// `fut`, or [`DeviceError::Timeout`] after `ms`.
async fn within<T>(
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
async fn exclusive(id: &str) -> OwnedMutexGuard<()> {
    let lock = PORT_LOCKS.with(|m| m.borrow_mut().entry(id.to_owned()).or_default().clone());
    lock.lock_owned().await
}

/// The first non-empty whole line that starts after now: drops what arrived before, then the
/// end of a line already under way (it would parse as a wrong, shorter number), then reads
/// lines until one is not blank. Each of the two waits is bounded by [`LINE_TIMEOUT_MS`].
async fn fresh_line(host: &dyn Host, port: &dyn SerialPort) -> Result<String, DeviceError> {
    port.discard_pending();
    within(host, LINE_TIMEOUT_MS, read_line(port)).await?;
    within(host, LINE_TIMEOUT_MS, next_text_line(port)).await
}

/// The next line that is not blank.
async fn next_text_line(port: &dyn SerialPort) -> Result<String, DeviceError> {
    loop {
        let line = read_line(port).await?;
        if !line.trim().is_empty() {
            return Ok(line);
        }
    }
}

/// A line of comma-separated numbers (Flojoy: `s[:-2].split(",")` as float64).
fn numbers(line: &str) -> Result<Vec<f64>, NodeError> {
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
    fn settings_are_pyserials() {
        assert_eq!(
            settings_json(&SerialOptions::default()),
            r#"{"baudrate": 9600, "bytesize": 8, "parity": "N", "stopbits": 1, "xonxoff": false, "dsrdtr": false, "rtscts": false, "timeout": 1, "write_timeout": null, "inter_byte_timeout": null}"#
        );
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
