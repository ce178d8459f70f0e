//! CAN bus through an slcan adapter (a CANable, or any USB-to-CAN adapter speaking the Lawicel
//! ASCII protocol over a USB serial port): Studio's CANABLE_CONNECT, CREATE_CAN_MESSAGE,
//! SEND_CAN_MESSAGE, SEND_PERIODIC_CAN_MESSAGE, STOP_SEND_PERIODIC_CAN_MESSAGE and
//! RECEIVE_CAN_MESSAGE, with the blocks' names, ports and parameters. The bytes are
//! `devices::slcan`'s; the adapter is a serial port like any other (WebSerial in the page).
//!
//! Studio's blocks pass python-can `Message` lists around as `Stateful` objects; Flojoy Web has
//! no opaque Python objects, so a message list is a DataFrame with one row per frame and
//! python-can's attribute names as columns (`timestamp`, `arbitration_id`, `is_extended_id`,
//! `is_remote_frame`, `is_error_frame`, `is_fd`, `error_state_indicator`, `dlc`, `data` as hex
//! text, `channel`). CREATE_CAN_MESSAGE makes one, SEND_* read one, RECEIVE_CAN_MESSAGE outputs one.
//!
//! Connections are kept by `CAN_address` for the host session (one run), like Studio's
//! `DeviceConnectionManager`: CANABLE_CONNECT registers one, the other nodes name it. When the
//! run ends the host closes the serial port, which ends the connection and any periodic sending.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::future::{Either, LocalBoxFuture, select};
use futures::lock::Mutex;

use super::LINE_TIMEOUT_MS;
use super::port::{OpenPort, device_param, devices, open_serial_port, parse_hex, trigger, within};
use crate::devices::slcan::{self, CanFrame, FrameQueue, Reply, SlcanDecoder};
use crate::devices::{DeviceError, Devices, PortInfo, SerialOptions, SerialPort};
use crate::host::Host;
use crate::nodes::{AsyncCtx, Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{Column, ColumnData, DataFrame, DataType as T, TypeSet, Value};

const BUS: &str = "HARDWARE/PROTOCOLS/CAN/BUS";
const UTILS: &str = "HARDWARE/PROTOCOLS/CAN/UTILS";
/// How long to wait for the adapter's answer to a command (`S6`, `O`, `C`). Some CANable
/// firmware answers nothing (python-can never reads the answers): silence is taken as yes, a
/// BELL as no.
const REPLY_WAIT_MS: f64 = 250.0;
/// The most reads one drain takes (a busy bus keeps sending: the drain must end).
const DRAIN_READS: usize = 64;

/// How an adapter answered a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Ok,
    Refused,
    /// Nothing within [`REPLY_WAIT_MS`] (firmware that does not acknowledge).
    Silent,
}
/// python-can's slcan default; a CANable is a USB CDC device, so any rate works.
const ADAPTER_BAUD: u32 = 115_200;

pub(super) fn nodes() -> Vec<NodeDef> {
    vec![
        canable_connect(),
        create_can_message(),
        send_can_message(),
        send_periodic_can_message(),
        stop_send_periodic_can_message(),
        receive_can_message(),
    ]
}

// ---- the connections ----------------------------------------------------------------------

/// One open slcan adapter, named by its `CAN_address`.
struct Bus {
    address: String,
    port_id: String,
    port: Rc<dyn SerialPort>,
    devices: Rc<dyn Devices>,
    /// One writer at a time (a node's frames, the periodic task's one send, a command), so
    /// frames never interleave.
    writing: Rc<Mutex<()>>,
    /// One reader at a time (a command waiting for its answer, RECEIVE_CAN_MESSAGE waiting for
    /// frames). Separate from `writing`, so a RECEIVE that waits never holds up periodic sending.
    reading: Rc<Mutex<()>>,
    decoder: RefCell<SlcanDecoder>,
    received: RefCell<FrameQueue>,
    /// Error replies (BELL) that answered no command: frames the adapter refused.
    refused: Cell<u64>,
    periodic: RefCell<Vec<Rc<Periodic>>>,
}

/// A periodic sending task's state, shared with STOP_SEND_PERIODIC_CAN_MESSAGE.
#[derive(Default)]
struct Periodic {
    stop: Cell<bool>,
    done: Cell<bool>,
    sent: Cell<u64>,
    error: RefCell<Option<String>>,
}

thread_local! {
    static BUSES: RefCell<HashMap<String, Rc<Bus>>> = RefCell::new(HashMap::new());
}

impl Bus {
    /// The adapter's port is still open in this host session (not closed by the end of a run,
    /// not unplugged).
    fn port_open(&self) -> bool {
        self.devices.serial_ports().iter().any(|p| p.id == self.port_id && p.open)
    }

    fn why_closed(&self) -> String {
        if self.devices.serial_ports().iter().any(|p| p.id == self.port_id) {
            format!(
                "the CAN connection '{}' was closed when its run ended: CANABLE_CONNECT must run again in this run",
                self.address
            )
        } else {
            format!(
                "the CAN adapter '{}' of connection '{}' is no longer connected (unplugged?)",
                self.port_id, self.address
            )
        }
    }

    /// Takes in bytes from the adapter; what answers a command is returned, frames are queued.
    fn take_in(&self, host: &dyn Host, bytes: &[u8]) -> Vec<Reply> {
        let mut answers = Vec::new();
        for r in self.decoder.borrow_mut().push(bytes) {
            match r {
                Ok(Reply::Frame(f)) => self.received.borrow_mut().push(host.now_ms(), f),
                Ok(Reply::Sent) => {}
                Ok(r) => answers.push(r),
                Err(_) => {} // counted by the decoder
            }
        }
        answers
    }

    /// Writes `bytes`; an unplugged adapter or a closed port is the error.
    async fn write(&self, host: &dyn Host, bytes: Vec<u8>) -> Result<(), NodeError> {
        within(host, LINE_TIMEOUT_MS, self.port.write(bytes)).await.map_err(|e| self.device_error(&e))
    }

    fn device_error(&self, e: &DeviceError) -> NodeError {
        match e {
            DeviceError::Disconnected => NodeError(format!(
                "the CAN adapter '{}' (connection '{}') was disconnected",
                self.port_id, self.address
            )),
            e => NodeError(format!("CAN adapter '{}': {e}", self.port_id)),
        }
    }

    /// Sends a command and waits a moment for its answer. The caller holds both turns.
    async fn command(&self, host: &dyn Host, bytes: &[u8]) -> Result<Answer, NodeError> {
        self.write(host, bytes.to_vec()).await?;
        let deadline = host.now_ms() + REPLY_WAIT_MS;
        loop {
            let left = deadline - host.now_ms();
            if left <= 0.0 {
                return Ok(Answer::Silent);
            }
            let bytes = match within(host, left, self.port.read()).await {
                Ok(b) => b,
                Err(DeviceError::Timeout(_)) => continue,
                Err(e) => return Err(self.device_error(&e)),
            };
            if let Some(answer) = self.take_in(host, &bytes).into_iter().next() {
                return Ok(if answer == Reply::Ok { Answer::Ok } else { Answer::Refused });
            }
        }
    }

    /// Reads what has already arrived, without waiting for more.
    async fn drain(&self, host: &dyn Host) -> Result<(), NodeError> {
        for _ in 0..DRAIN_READS {
            let read = std::pin::pin!(self.port.read());
            match select(read, host.sleep(0.0)).await {
                Either::Left((Ok(bytes), _)) => {
                    let errors = self.take_in(host, &bytes).into_iter().filter(|r| *r == Reply::Error).count();
                    self.refused.set(self.refused.get() + errors as u64);
                }
                Either::Left((Err(e), _)) => return Err(self.device_error(&e)),
                Either::Right(_) => return Ok(()),
            }
        }
        Ok(())
    }

    fn stop_periodic(&self) -> Vec<Rc<Periodic>> {
        let tasks: Vec<Rc<Periodic>> = self.periodic.borrow_mut().drain(..).collect();
        for t in &tasks {
            t.stop.set(true);
        }
        tasks
    }
}

/// The connection `CAN_address` names, open in this host session.
fn bus(ctx: &AsyncCtx) -> Result<Rc<Bus>, NodeError> {
    devices(ctx)?;
    let address = ctx.text("CAN_address").trim().to_owned();
    let bus = BUSES.with(|b| b.borrow().get(&address).cloned()).ok_or_else(|| {
        NodeError(format!(
            "no CAN connection is called '{address}': a CANABLE_CONNECT node with CAN_address '{address}' must run before this one"
        ))
    })?;
    if !bus.port_open() {
        return Err(NodeError(bus.why_closed()));
    }
    Ok(bus)
}

fn address_param(spec: NodeSpec) -> NodeSpec {
    spec.str("CAN_address", "", "The name CANABLE_CONNECT gave the connection")
}

const NOTHING: &str = "Nothing (Studio's block returns None); wire it to order the nodes after it";

// ---- CANABLE_CONNECT ----------------------------------------------------------------------

fn canable_connect() -> NodeDef {
    let spec = trigger(NodeSpec::new(
        "CANABLE_CONNECT",
        BUS,
        "Connect to a CANable (or any slcan USB-to-CAN adapter) on a serial port, and name the connection for the CAN nodes after it.\n\nSends what python-can's slcan interface sends: C (close a channel left open), the bit rate (S0..S9), O (open); an adapter that answers nothing is taken at its word, as python-can does, and one that answers BELL fails the node. The connection lasts for the run: when the run ends the port is closed, which ends any periodic sending; python-can's shutdown also sends C, which a page cannot do once the run is over, so the channel stays open on the adapter until the next CANABLE_CONNECT closes it.",
    ));
    let spec = device_param(spec, "device", "SerialDevice", "The adapter's serial port (from the Devices list)")
        .output("default", TypeSet::ANY, NOTHING)
        .str("CAN_address", "", "The name other CAN nodes use for this connection (not a bus address)")
        .int(
            "bitrate",
            500_000,
            "The CAN bus bit rate: 10000, 20000, 50000, 100000, 125000, 250000, 500000, 750000 or 1000000",
        );
    NodeDef::asynchronous(spec, run_canable_connect)
}

fn run_canable_connect(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let address = ctx.text("CAN_address").trim().to_owned();
        let bitrate = slcan::bitrate_command(ctx.int("bitrate")?).map_err(|e| NodeError(e.to_string()))?;
        let options = SerialOptions { baud_rate: ADAPTER_BAUD, ..SerialOptions::default() };
        let opened = match pick_adapter(ctx.text("device"), &devs.serial_ports()) {
            Some((id, note)) => {
                ctx.log(note);
                let port =
                    devs.open_serial(&id, &options).await.map_err(|e| NodeError(format!("cannot open '{id}': {e}")))?;
                OpenPort { id, port }
            }
            None => open_serial_port(&ctx, &*devs, "device", &options).await?,
        };
        // a connection of the same name from before (an earlier run, or this one again) ends
        if let Some(old) = BUSES.with(|b| b.borrow_mut().remove(&address)) {
            old.stop_periodic();
        }
        let bus = Rc::new(Bus {
            address: address.clone(),
            port_id: opened.id.clone(),
            port: opened.port,
            devices: devs,
            writing: Rc::new(Mutex::new(())),
            reading: Rc::new(Mutex::new(())),
            decoder: RefCell::new(SlcanDecoder::new()),
            received: RefCell::new(FrameQueue::default()),
            refused: Cell::new(0),
            periodic: RefCell::new(Vec::new()),
        });
        let host = &*ctx.host;
        {
            let _writing = bus.writing.lock().await;
            let _reading = bus.reading.lock().await;
            bus.port.discard_pending();
            // a channel left open answers \r, a closed one \x07: both are fine
            let closed = bus.command(host, slcan::CLOSE).await?;
            let refused = |what: &str| {
                NodeError(format!("the CAN adapter '{}' refused {what} (it answered with an error, BELL)", opened.id))
            };
            let shown = String::from_utf8_lossy(&bitrate).trim_end().to_owned();
            let set = bus.command(host, &bitrate).await?;
            if set == Answer::Refused {
                return Err(refused(&format!("the bit rate command '{shown}'")));
            }
            let open = bus.command(host, slcan::OPEN).await?;
            if open == Answer::Refused {
                return Err(refused("to open the channel ('O')"));
            }
            if [closed, set, open].iter().all(|a| *a == Answer::Silent) {
                ctx.log(format!(
                    "'{}' acknowledged none of C, {shown}, O (firmware that does not answer): carrying on, as python-can does",
                    opened.id
                ));
            }
        }
        ctx.log(format!("'{}': {} bit/s, channel open, connection '{address}'", opened.id, ctx.int("bitrate")?));
        BUSES.with(|b| b.borrow_mut().insert(address, bus));
        Ok(Outputs::none())
    })
}

/// USB ids of slcan adapters: the CANable's slcan firmware (and CANable 2.0's).
const SLCAN_IDS: [&str; 2] = ["16d0:117e", "ad50:60c4"];

/// When `requested` names no connected port exactly (Studio files name ports the operating
/// system's way, `/dev/ttyACM0`, or leave them empty) and several serial devices are connected,
/// the only one that looks like a CAN adapter (its USB ids, or "CANable"/"slcan" in its label),
/// with a note for the log. `None`: resolve the usual way.
fn pick_adapter(requested: &str, ports: &[PortInfo]) -> Option<(String, String)> {
    let req = requested.trim();
    if ports.len() < 2 || ports.iter().any(|p| p.id == req || p.label == req) {
        return None;
    }
    let looks_like_can = |p: &&PortInfo| {
        let base = p.id.split('#').next().unwrap_or_default();
        let label = p.label.to_ascii_lowercase();
        SLCAN_IDS.contains(&base) || label.contains("canable") || label.contains("slcan")
    };
    let adapters: Vec<&PortInfo> = ports.iter().filter(looks_like_can).collect();
    let [only] = adapters.as_slice() else { return None };
    let asked =
        if req.is_empty() { "no device chosen".to_owned() } else { format!("no connected device is called '{req}'") };
    Some((only.id.clone(), format!("{asked}; using the only CAN adapter connected, '{}'", only.label)))
}

// ---- CREATE_CAN_MESSAGE -------------------------------------------------------------------

fn create_can_message() -> NodeDef {
    let spec = NodeSpec::new(
        "CREATE_CAN_MESSAGE",
        UTILS,
        "Create a CAN message, as a one-row DataFrame (python-can's Message attributes as columns; Studio's block gives a Stateful list of can.Message) that SEND_CAN_MESSAGE and SEND_PERIODIC_CAN_MESSAGE send.\n\nIds from 0x800 up are extended (29-bit), as in Studio's block.",
    )
    .optional_input("default", TypeSet::ANY, "Only sets the order")
    .output("default", TypeSet::of(T::DataFrame), "The message: one row")
    .param("frame_id", ParamKind::Int { min: Some(0), max: Some(0x1FFF_FFFF) }, serde_json::Value::Null, "The frame id")
    .param(
        "data",
        ParamKind::List { item: crate::spec::ListItem::Int },
        serde_json::Value::Null,
        "The data bytes (0 to 255), comma-separated",
    )
    .bool("error_frame", false, "An error frame")
    .bool("can_fd", false, "A CAN FD frame (slcan adapters cannot send these)")
    .str("channel", "", "Optional channel id");
    NodeDef::sync(spec, run_create_can_message)
}

fn run_create_can_message(ctx: &mut Ctx<'_>) -> NodeResult {
    let id = ctx.int("frame_id")?;
    let data = ctx
        .int_list("data")?
        .into_iter()
        .map(|b| {
            u8::try_from(b).map_err(|_| NodeError(format!("parameter 'data': a byte must be from 0 to 255, got {b}")))
        })
        .collect::<Result<Vec<u8>, NodeError>>()?;
    let (mut error_frame, fd) = (ctx.bool("error_frame"), ctx.bool("can_fd"));
    let esi = error_frame && fd;
    if esi {
        error_frame = false;
    }
    let max = if fd { 64 } else { 8 };
    if data.len() > max {
        return Err(NodeError(format!(
            "a {} frame carries at most {max} data bytes; 'data' has {}",
            if fd { "CAN FD" } else { "classic CAN" },
            data.len()
        )));
    }
    let extended = id >= 0x800;
    if !(0..=0x1FFF_FFFF).contains(&id) {
        return Err(NodeError(format!("parameter 'frame_id' must be from 0 to 0x1FFFFFFF (29 bits), got {id}")));
    }
    let row = Row {
        timestamp: 0.0,
        id: id as u32,
        extended,
        remote: false,
        error_frame,
        fd,
        esi,
        dlc: data.len() as u8,
        data,
        channel: ctx.text("channel").to_owned(),
    };
    Ok(Outputs::one(Value::DataFrame { m: table(&[row]) }))
}

/// One message as a DataFrame row.
struct Row {
    timestamp: f64,
    id: u32,
    extended: bool,
    remote: bool,
    error_frame: bool,
    fd: bool,
    esi: bool,
    dlc: u8,
    data: Vec<u8>,
    channel: String,
}

fn py_bool(b: bool) -> String {
    if b { "True" } else { "False" }.to_owned()
}

fn table(rows: &[Row]) -> DataFrame {
    let num = |name: &str, f: &dyn Fn(&Row) -> f64| Column {
        name: name.into(),
        data: ColumnData::Num(rows.iter().map(f).collect()),
    };
    let text = |name: &str, f: &dyn Fn(&Row) -> String| Column {
        name: name.into(),
        data: ColumnData::Text(rows.iter().map(f).collect()),
    };
    DataFrame::new(vec![
        num("timestamp", &|r| r.timestamp),
        num("arbitration_id", &|r| f64::from(r.id)),
        text("is_extended_id", &|r| py_bool(r.extended)),
        text("is_remote_frame", &|r| py_bool(r.remote)),
        text("is_error_frame", &|r| py_bool(r.error_frame)),
        text("is_fd", &|r| py_bool(r.fd)),
        text("error_state_indicator", &|r| py_bool(r.esi)),
        num("dlc", &|r| f64::from(r.dlc)),
        text("data", &|r| r.data.iter().map(|b| format!("{b:02x}")).collect()),
        text("channel", &|r| r.channel.clone()),
    ])
}

/// The frames of a message DataFrame (CREATE_CAN_MESSAGE's, RECEIVE_CAN_MESSAGE's, or one made
/// by hand with at least `arbitration_id` and `data`).
fn frames(value: &Value) -> Result<Vec<CanFrame>, NodeError> {
    let Value::DataFrame { m } = value else {
        return Err(NodeError(format!(
            "'message' must be a message DataFrame (from CREATE_CAN_MESSAGE), got {:?}",
            value.data_type()
        )));
    };
    let col = |name: &str| m.column(name).map(|c| &c.data);
    let ids = col("arbitration_id")
        .ok_or_else(|| NodeError("the message DataFrame has no 'arbitration_id' column".into()))?;
    let flag = |name: &str, i: usize| -> bool {
        col(name).is_some_and(|c| match c {
            ColumnData::Num(v) => v.get(i).is_some_and(|x| *x != 0.0 && !x.is_nan()),
            ColumnData::Text(v) => v.get(i).is_some_and(|s| matches!(s.trim(), "True" | "true" | "1")),
        })
    };
    let mut out = Vec::with_capacity(m.rows());
    for i in 0..m.rows() {
        let id = match ids {
            ColumnData::Num(v) => v.get(i).copied().unwrap_or(f64::NAN),
            ColumnData::Text(v) => v.get(i).and_then(|s| s.trim().parse().ok()).unwrap_or(f64::NAN),
        };
        if !(id.is_finite() && id >= 0.0 && id.fract() == 0.0) {
            return Err(NodeError(format!("row {i}: arbitration_id must be a whole number, got {}", ids.cell_text(i))));
        }
        if flag("is_fd", i) || flag("error_state_indicator", i) {
            return Err(NodeError(format!("row {i} is a CAN FD frame, which an slcan adapter cannot send")));
        }
        if flag("is_error_frame", i) {
            return Err(NodeError(format!("row {i} is an error frame, which an slcan adapter cannot send")));
        }
        let extended = match col("is_extended_id") {
            Some(_) => flag("is_extended_id", i),
            None => id >= 2048.0,
        };
        let data = match col("data") {
            Some(c) => parse_hex(&c.cell_text(i), "data").map_err(|e| NodeError(format!("row {i}: {}", e.0)))?,
            None => Vec::new(),
        };
        let frame = if flag("is_remote_frame", i) {
            let dlc = col("dlc").and_then(ColumnData::as_num).and_then(|v| v.get(i).copied()).unwrap_or(0.0);
            CanFrame::remote(id as u64, extended, dlc.clamp(0.0, 9.0) as usize)
        } else {
            CanFrame::data(id as u64, extended, &data)
        };
        out.push(frame.map_err(|e| NodeError(format!("row {i}: {e}")))?);
    }
    Ok(out)
}

fn message_input(ctx: &AsyncCtx) -> Result<Vec<CanFrame>, NodeError> {
    let data = ctx.input_data("message").ok_or_else(|| NodeError("input 'message' is not connected".into()))?;
    frames(&data)
}

fn with_message(spec: NodeSpec) -> NodeSpec {
    spec.input("message", TypeSet::of(T::DataFrame), "The messages (from CREATE_CAN_MESSAGE): one frame per row")
}

// ---- SEND_CAN_MESSAGE ---------------------------------------------------------------------

fn send_can_message() -> NodeDef {
    let spec = NodeSpec::new(
        "SEND_CAN_MESSAGE",
        BUS,
        "Send messages on a CAN bus opened by CANABLE_CONNECT: each row of the message DataFrame, in order.",
    );
    let spec = trigger(address_param(with_message(spec))).output("default", TypeSet::ANY, NOTHING);
    NodeDef::asynchronous(spec, run_send_can_message)
}

fn run_send_can_message(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let bus = bus(&ctx)?;
        let frames = message_input(&ctx)?;
        let host = &*ctx.host;
        {
            let _writing = bus.writing.lock().await;
            for f in &frames {
                bus.write(host, f.encode()).await?;
            }
        }
        // error replies that have come already are counted (RECEIVE_CAN_MESSAGE logs them)
        if let Some(_reading) = bus.reading.try_lock() {
            bus.drain(host).await?;
        }
        ctx.log(format!("sent {} frame{}", frames.len(), if frames.len() == 1 { "" } else { "s" }));
        Ok(Outputs::none())
    })
}

// ---- SEND_PERIODIC_CAN_MESSAGE / STOP -----------------------------------------------------

fn send_periodic_can_message() -> NodeDef {
    let spec = NodeSpec::new(
        "SEND_PERIODIC_CAN_MESSAGE",
        BUS,
        "Send messages on a CAN bus every `period` seconds, in the background, for `duration` seconds (or until STOP_SEND_PERIODIC_CAN_MESSAGE, or the end of the run); the node itself returns at once, as python-can's send_periodic does.\n\nThe first send is at once, then one every period while less than `duration` has passed. Without a duration the sending goes on until STOP_SEND_PERIODIC_CAN_MESSAGE or the end of the run (when the page closes the port), where python-can's would go on until the program ends.",
    );
    let spec = trigger(address_param(with_message(spec)))
        .output("default", TypeSet::ANY, NOTHING)
        .param(
            "period",
            ParamKind::Float { min: Some(0.001), max: None },
            serde_json::Value::Null,
            "Seconds between two sends",
        )
        .param(
            "duration",
            ParamKind::Float { min: Some(0.0), max: None },
            serde_json::Value::Null,
            "About how many seconds to keep sending; empty: until stopped",
        );
    NodeDef::asynchronous(spec, run_send_periodic)
}

fn run_send_periodic(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let bus = bus(&ctx)?;
        let frames = message_input(&ctx)?;
        let period = ctx.f64("period")?;
        if !(period.is_finite() && period > 0.0) {
            return Err(NodeError(format!("parameter 'period' must be more than 0 seconds, got {period}")));
        }
        let duration = ctx.params.get("duration").and_then(serde_json::Value::as_f64);
        let task = Rc::new(Periodic::default());
        bus.periodic.borrow_mut().push(task.clone());
        // python-can's cyclic task sends one message per period, going round the list
        let each: Vec<Vec<u8>> = frames.iter().map(CanFrame::encode).collect();
        bus.periodic.borrow_mut().retain(|t| !t.done.get());
        bus.devices.spawn(Box::pin(periodic(
            bus.clone(),
            ctx.host.clone(),
            task,
            each,
            period * 1000.0,
            duration.map(|d| d * 1000.0),
        )));
        ctx.log(match duration {
            Some(d) => format!("sending {} frame(s) every {period} s for {d} s", frames.len()),
            None => format!("sending {} frame(s) every {period} s until stopped", frames.len()),
        });
        Ok(Outputs::none())
    })
}

/// The background sending: python-can's cyclic task (send the next message of the list, then
/// sleep to the next multiple of the period; stop once `duration` has passed), ended also by
/// STOP, a closed port, or an error. Periods missed while the page was held up (a background
/// tab's slowed timers) are skipped, not sent in a burst.
async fn periodic(
    bus: Rc<Bus>,
    host: Rc<dyn Host>,
    task: Rc<Periodic>,
    frames: Vec<Vec<u8>>,
    period_ms: f64,
    duration_ms: Option<f64>,
) {
    let start = host.now_ms();
    let mut k: u64 = 0;
    loop {
        if task.stop.get() || duration_ms.is_some_and(|d| host.now_ms() - start >= d) {
            break;
        }
        if !bus.port_open() {
            *task.error.borrow_mut() = Some(bus.why_closed());
            break;
        }
        {
            let _writing = bus.writing.lock().await;
            if task.stop.get() {
                break;
            }
            let Some(bytes) = frames.get(task.sent.get() as usize % frames.len().max(1)) else { break };
            if let Err(e) = bus.write(&*host, bytes.clone()).await {
                *task.error.borrow_mut() = Some(e.0);
                break;
            }
        }
        task.sent.set(task.sent.get() + 1);
        k += 1;
        let behind = ((host.now_ms() - start) / period_ms).floor();
        if behind >= k as f64 {
            k = behind as u64 + 1;
        }
        let wait = start + k as f64 * period_ms - host.now_ms();
        if wait > 0.0 {
            host.sleep(wait).await;
        }
    }
    task.done.set(true);
}

fn stop_send_periodic_can_message() -> NodeDef {
    let spec = NodeSpec::new(
        "STOP_SEND_PERIODIC_CAN_MESSAGE",
        BUS,
        "Stop every periodic sending SEND_PERIODIC_CAN_MESSAGE started on a CAN connection. Fails if one had stopped early because of an error (an unplugged adapter).",
    );
    let spec = trigger(address_param(spec)).output("default", TypeSet::ANY, NOTHING);
    NodeDef::asynchronous(spec, run_stop_periodic)
}

fn run_stop_periodic(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let address = ctx.text("CAN_address").trim().to_owned();
        let found = BUSES.with(|b| b.borrow().get(&address).cloned());
        let bus = match found {
            Some(b) => b,
            None => bus(&ctx)?, // the error
        };
        let tasks = bus.stop_periodic();
        let sent: u64 = tasks.iter().map(|t| t.sent.get()).sum();
        ctx.log(format!("stopped {} periodic sending(s); {sent} sent", tasks.len()));
        if let Some(e) = tasks.iter().find_map(|t| t.error.borrow().clone()) {
            return Err(NodeError(format!("the periodic sending had stopped early: {e}")));
        }
        if !bus.port_open() {
            return Err(NodeError(bus.why_closed()));
        }
        Ok(Outputs::none())
    })
}

// ---- RECEIVE_CAN_MESSAGE ------------------------------------------------------------------

fn receive_can_message() -> NodeDef {
    let spec = NodeSpec::new(
        "RECEIVE_CAN_MESSAGE",
        BUS,
        "Read the frames a CAN connection has received: waits up to `timeout` seconds for one, then outputs every frame received so far and not yet read, one row each (timestamp: seconds since the page started).\n\nStudio's block outputs one can.Message per run (a Stateful list of one); this one gives all waiting frames, so a loop misses none between its runs.",
    );
    let spec = trigger(address_param(spec))
        .output("default", TypeSet::of(T::DataFrame), "The frames received, one row each")
        .int_range("timeout", 10, Some(0), None, "Seconds to wait for a frame")
        .bool("raise_error", true, "Fail when no frame came; otherwise output an empty DataFrame");
    NodeDef::asynchronous(spec, run_receive)
}

fn run_receive(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let bus = bus(&ctx)?;
        let host = &*ctx.host;
        let timeout_ms = ctx.f64("timeout")?.max(0.0) * 1000.0;
        let _reading = bus.reading.lock().await;
        let deadline = host.now_ms() + timeout_ms;
        bus.drain(host).await?;
        while bus.received.borrow().is_empty() {
            let left = deadline - host.now_ms();
            if left <= 0.0 {
                break;
            }
            match within(host, left, bus.port.read()).await {
                Ok(bytes) => {
                    bus.take_in(host, &bytes);
                }
                Err(DeviceError::Timeout(_)) => break,
                Err(e) => return Err(bus.device_error(&e)),
            }
        }
        bus.drain(host).await?;
        let got = bus.received.borrow_mut().take();
        let bad = bus.decoder.borrow().bad;
        if bad > 0 {
            ctx.log(format!("{bad} line(s) from the adapter were not slcan and were dropped"));
        }
        if bus.refused.get() > 0 {
            ctx.log(format!("the adapter refused {} frame(s) (error replies)", bus.refused.get()));
        }
        if got.is_empty() && ctx.bool("raise_error") {
            return Err(NodeError(format!("No data received: no CAN frame came within {} s", timeout_ms / 1000.0)));
        }
        let rows: Vec<Row> = got
            .into_iter()
            .map(|(at, f)| Row {
                timestamp: at / 1000.0,
                id: f.id,
                extended: f.extended,
                remote: f.remote,
                error_frame: false,
                fd: false,
                esi: false,
                dlc: f.dlc,
                data: f.data,
                channel: bus.port_id.clone(),
            })
            .collect();
        Ok(Outputs::one(Value::DataFrame { m: table(&rows) }))
    })
}
