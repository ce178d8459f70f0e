//! Live streams: SERIAL_STREAM and USB_STREAM read a device in the background and output each frame's rows.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures::future::LocalBoxFuture;

use super::port::{device_param, devices, open_serial_port, open_usb};
use super::serial::describe;
use super::{LINE_TIMEOUT_MS, STREAMING};
use crate::devices::{
    self, ByteSource, Decoder, Devices, Framing, SampleFormat, SerialOptions, StreamBuffer, UsbIn, Window,
};
use crate::nodes::ctx::MAX_COUNT;
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

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

pub(super) fn serial_stream() -> NodeDef {
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

pub(super) fn usb_stream() -> NodeDef {
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
