//! Hardware nodes against scripted devices: an Arduino printing CSV lines in ragged chunks, an
//! SCPI voltmeter, ports fed by hand (partial lines, junk, a disconnect mid-stream), a USB
//! echo device, a USB streamer, and a CANable speaking slcan (Studio's canSend.json). Time is
//! virtual: devices and sleeps advance one clock, so timeouts and pacing are exact and the
//! tests take no real time. Streams run on a LocalPool,
//! as the page runs them on its event loop.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use futures::executor::{LocalPool, LocalSpawner};
use futures::future::{LocalBoxFuture, poll_fn};
use futures::task::{ArcWake, LocalSpawnExt};
use runtime::devices::{
    self, ByteSource, ControlSetup, Decoder, DeviceError, Devices, FlowControl, Framing, Parity, PortInfo,
    SampleFormat, SerialOptions, SerialPort, StreamBuffer, Streams, UsbDevice, UsbIn,
};
use runtime::host::{Host, NO_DEVICES, NativeHost};
use runtime::nodes::{self, NodeError};
use runtime::schedule::{self, Cache, CancelToken, NodeState, RunOptions, RunReport, RunStatus};
use runtime::value::Value;
use runtime::{Flow, validate};
use serde_json::{Map, Value as Json, json};
use support::*;

// ---- virtual time and scripted devices ----------------------------------------------------

/// Virtual time: sleeps register timers; when every task waits, [`Bench::drive`] jumps the
/// clock to the next timer.
#[derive(Default)]
struct Time {
    now: Cell<f64>,
    timers: RefCell<Vec<(f64, Waker)>>,
}

impl Time {
    fn now(&self) -> f64 {
        self.now.get()
    }

    /// Jumps to the earliest timer and wakes it; false when there is none.
    fn advance(&self) -> bool {
        let mut timers = self.timers.borrow_mut();
        let Some(i) = (0..timers.len()).min_by(|&a, &b| timers[a].0.total_cmp(&timers[b].0)) else {
            return false;
        };
        let (t, w) = timers.swap_remove(i);
        drop(timers);
        if t > self.now.get() {
            self.now.set(t);
        }
        w.wake();
        true
    }
}

struct Sleep {
    time: Rc<Time>,
    ms: f64,
    deadline: Option<f64>,
    registered: bool,
}

fn sleep(time: &Rc<Time>, ms: f64) -> Sleep {
    Sleep { time: time.clone(), ms, deadline: None, registered: false }
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let now = self.time.now();
        let ms = self.ms.max(0.0);
        let deadline = *self.deadline.get_or_insert(now + ms);
        if now >= deadline {
            return Poll::Ready(());
        }
        if !self.registered {
            self.registered = true;
            self.time.timers.borrow_mut().push((deadline, cx.waker().clone()));
        }
        Poll::Pending
    }
}

/// What a fake serial port does besides handing out scripted chunks.
enum Behaviour {
    /// Only what the test feeds.
    Script,
    /// An Arduino printing `i,i/4\r\n` forever; each read takes 2 ms and returns 5 bytes (so
    /// reads end mid-line).
    Arduino { next: u64, pending: VecDeque<u8> },
    /// An SCPI instrument: answers `*IDN?` and voltage queries (with `volts`) 20 ms after a
    /// command is written.
    Scpi { volts: String, command: Vec<u8> },
    /// A CANable with slcan firmware: answers `C`, `S0`..`S8`, `O` with `\r` or `\x07` (as
    /// Lawicel's spec says: `C` when closed, `S` or `O` when open are errors) and frames with
    /// `z\r`/`Z\r` when open, 1 ms after each command.
    Slcan { open: bool, command: Vec<u8> },
}

struct PortState {
    unread: VecDeque<Vec<u8>>,
    incoming: VecDeque<Result<Vec<u8>, DeviceError>>,
    behaviour: Behaviour,
    written: Vec<u8>,
    commands: Vec<String>,
    waker: Option<Waker>,
    /// Writes fail with `Disconnected` (see [`Bench::unplug`]).
    unplugged: bool,
}

impl PortState {
    fn arrive(&mut self, chunk: Result<Vec<u8>, DeviceError>) {
        self.incoming.push_back(chunk);
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }
}

#[derive(Clone)]
struct FakePort {
    st: Rc<RefCell<PortState>>,
    time: Rc<Time>,
}

impl FakePort {
    fn new(behaviour: Behaviour, time: &Rc<Time>) -> FakePort {
        FakePort {
            st: Rc::new(RefCell::new(PortState {
                unread: VecDeque::new(),
                incoming: VecDeque::new(),
                behaviour,
                written: Vec::new(),
                commands: Vec::new(),
                waker: None,
                unplugged: false,
            })),
            time: time.clone(),
        }
    }

    fn feed(&self, bytes: &[u8]) {
        self.st.borrow_mut().arrive(Ok(bytes.to_vec()));
    }

    fn fail(&self, e: DeviceError) {
        self.st.borrow_mut().arrive(Err(e));
    }

    fn written(&self) -> String {
        String::from_utf8_lossy(&self.st.borrow().written).into_owned()
    }

    fn commands(&self) -> Vec<String> {
        self.st.borrow().commands.clone()
    }
}

impl ByteSource for FakePort {
    fn read(&self) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        let (st, time) = (self.st.clone(), self.time.clone());
        Box::pin(async move {
            let unread = st.borrow_mut().unread.pop_front();
            if let Some(c) = unread {
                return Ok(c);
            }
            if matches!(st.borrow().behaviour, Behaviour::Arduino { .. }) {
                sleep(&time, 2.0).await;
                let mut st = st.borrow_mut();
                let Behaviour::Arduino { next, pending } = &mut st.behaviour else { unreachable!() };
                while pending.len() < 5 {
                    pending.extend(format!("{next},{}\r\n", *next as f64 / 4.0).bytes());
                    *next += 1;
                }
                return Ok(pending.drain(..5).collect());
            }
            poll_fn(|cx: &mut Context<'_>| {
                let mut st = st.borrow_mut();
                if let Some(c) = st.unread.pop_front() {
                    return Poll::Ready(Ok(c));
                }
                if let Some(r) = st.incoming.pop_front() {
                    return Poll::Ready(r);
                }
                st.waker = Some(cx.waker().clone());
                Poll::Pending
            })
            .await
        })
    }
}

impl SerialPort for FakePort {
    fn write(&self, bytes: Vec<u8>) -> LocalBoxFuture<'static, Result<(), DeviceError>> {
        let mut st = self.st.borrow_mut();
        if st.unplugged {
            return Box::pin(async { Err(DeviceError::Disconnected) });
        }
        st.written.extend_from_slice(&bytes);
        let mut replies = Vec::new();
        let mut commands = Vec::new();
        if let Behaviour::Scpi { volts, command } = &mut st.behaviour {
            for b in bytes.clone() {
                if b != b'\n' {
                    command.push(b);
                    continue;
                }
                let cmd = String::from_utf8_lossy(command).trim().to_owned();
                command.clear();
                let reply = match cmd.to_ascii_uppercase().as_str() {
                    "*IDN?" => Some("FLOJOY,SIM-DMM,0001,1.0".to_owned()),
                    "MEAS:VOLT?" | "MEASURE:VOLTAGE?" | "MEAS:VOLT:DC?" | "MEASURE:VOLTAGE:DC?" => Some(volts.clone()),
                    "SYST:ERR?" => Some("0,\"No error\"".to_owned()),
                    _ => None,
                };
                commands.push(cmd);
                if let Some(r) = reply {
                    replies.push(format!("{r}\r\n").into_bytes());
                }
            }
        }
        if let Behaviour::Slcan { open, command } = &mut st.behaviour {
            for b in bytes {
                if b != b'\r' {
                    command.push(b);
                    continue;
                }
                let cmd = String::from_utf8_lossy(command).into_owned();
                command.clear();
                let ok = match cmd.as_bytes().first() {
                    Some(b'C') => std::mem::replace(open, false),
                    Some(b'S') => !*open && cmd.len() == 2 && (b'0'..=b'8').contains(&cmd.as_bytes()[1]),
                    Some(b'O') => !std::mem::replace(open, true),
                    Some(b't' | b'r') if *open => {
                        replies.push(b"z\r".to_vec());
                        commands.push(cmd);
                        continue;
                    }
                    Some(b'T' | b'R') if *open => {
                        replies.push(b"Z\r".to_vec());
                        commands.push(cmd);
                        continue;
                    }
                    _ => false,
                };
                replies.push(if ok { b"\r".to_vec() } else { b"\x07".to_vec() });
                commands.push(cmd);
            }
        }
        st.commands.extend(commands);
        let slow = if matches!(st.behaviour, Behaviour::Slcan { .. }) { 1.0 } else { 20.0 };
        let (st, time) = (self.st.clone(), self.time.clone());
        Box::pin(async move {
            if !replies.is_empty() {
                sleep(&time, slow).await;
                let mut st = st.borrow_mut();
                for r in replies {
                    st.arrive(Ok(r));
                }
            }
            Ok(())
        })
    }

    fn unread(&self, bytes: Vec<u8>) {
        self.st.borrow_mut().unread.push_front(bytes);
    }

    fn discard_pending(&self) {
        let mut st = self.st.borrow_mut();
        st.unread.clear();
        st.incoming.retain(Result::is_err);
    }
}

struct UsbState {
    echo: VecDeque<u8>,
    /// Bytes of an int16 LE ramp still to send on endpoint 2.
    ramp: VecDeque<u8>,
    outs: Vec<(u8, Vec<u8>)>,
    controls: Vec<(ControlSetup, Vec<u8>)>,
    waker: Option<Waker>,
}

/// Echoes what is sent to endpoint 1 back on IN endpoint 1; streams a ramp on IN endpoint 2;
/// answers control-in transfers with the setup fields.
#[derive(Clone)]
struct FakeUsb {
    st: Rc<RefCell<UsbState>>,
}

impl FakeUsb {
    fn new(ramp_samples: i16) -> FakeUsb {
        let ramp = (0..ramp_samples).flat_map(i16::to_le_bytes).collect();
        FakeUsb {
            st: Rc::new(RefCell::new(UsbState {
                echo: VecDeque::new(),
                ramp,
                outs: Vec::new(),
                controls: Vec::new(),
                waker: None,
            })),
        }
    }
}

impl UsbDevice for FakeUsb {
    fn transfer_in(&self, endpoint: u8, length: u32) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        let st = self.st.clone();
        Box::pin(poll_fn(move |cx: &mut Context<'_>| {
            let mut st = st.borrow_mut();
            let queue = if endpoint == 2 { &mut st.ramp } else { &mut st.echo };
            if queue.is_empty() {
                st.waker = Some(cx.waker().clone());
                return Poll::Pending;
            }
            let n = queue.len().min(length as usize);
            Poll::Ready(Ok(queue.drain(..n).collect()))
        }))
    }

    fn transfer_out(&self, endpoint: u8, data: Vec<u8>) -> LocalBoxFuture<'static, Result<u32, DeviceError>> {
        let mut st = self.st.borrow_mut();
        let n = data.len() as u32;
        st.echo.extend(&data);
        st.outs.push((endpoint, data));
        if let Some(w) = st.waker.take() {
            w.wake();
        }
        Box::pin(async move { Ok(n) })
    }

    fn control_in(&self, setup: ControlSetup, length: u16) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        let [v0, v1] = setup.value.to_le_bytes();
        let [i0, i1] = setup.index.to_le_bytes();
        let mut answer = vec![setup.request, v0, v1, i0, i1];
        answer.truncate(usize::from(length));
        self.st.borrow_mut().controls.push((setup, Vec::new()));
        Box::pin(async move { Ok(answer) })
    }

    fn control_out(&self, setup: ControlSetup, data: Vec<u8>) -> LocalBoxFuture<'static, Result<u32, DeviceError>> {
        let n = data.len() as u32;
        self.st.borrow_mut().controls.push((setup, data));
        Box::pin(async move { Ok(n) })
    }
}

/// The scripted bench: ports, USB devices, what was opened, the streams, the spawner.
struct Lab {
    serial: RefCell<Vec<(PortInfo, FakePort)>>,
    usb: RefCell<Vec<(PortInfo, FakeUsb)>>,
    opened: RefCell<Vec<(String, SerialOptions)>>,
    claimed: RefCell<Vec<(String, u8)>>,
    spawner: LocalSpawner,
    streams: Streams,
    /// A browser without WebSerial/WebUSB.
    no_apis: std::cell::Cell<bool>,
}

fn info(id: &str, label: &str) -> PortInfo {
    PortInfo { id: id.into(), label: label.into(), open: false }
}

impl Devices for Lab {
    fn serial_ports(&self) -> Vec<PortInfo> {
        let opened = self.opened.borrow();
        self.serial
            .borrow()
            .iter()
            .map(|(i, _)| PortInfo { open: opened.iter().any(|(o, _)| *o == i.id), ..i.clone() })
            .collect()
    }

    fn open_serial(
        &self,
        id: &str,
        options: &SerialOptions,
    ) -> LocalBoxFuture<'static, Result<Rc<dyn SerialPort>, DeviceError>> {
        let found = self.serial.borrow().iter().find(|(i, _)| i.id == id).map(|(_, p)| p.clone());
        let mut opened = self.opened.borrow_mut();
        if found.is_some() && !opened.iter().any(|(o, _)| o == id) {
            opened.push((id.to_owned(), options.clone()));
        }
        let id = id.to_owned();
        Box::pin(async move {
            let port: Rc<dyn SerialPort> = Rc::new(found.ok_or(DeviceError::NotFound(id))?);
            Ok(port)
        })
    }

    fn usb_devices(&self) -> Vec<PortInfo> {
        self.usb.borrow().iter().map(|(i, _)| i.clone()).collect()
    }

    fn open_usb(&self, id: &str, interface: u8) -> LocalBoxFuture<'static, Result<Rc<dyn UsbDevice>, DeviceError>> {
        let found = self.usb.borrow().iter().find(|(i, _)| i.id == id).map(|(_, d)| d.clone());
        self.claimed.borrow_mut().push((id.to_owned(), interface));
        let id = id.to_owned();
        Box::pin(async move {
            let dev: Rc<dyn UsbDevice> = Rc::new(found.ok_or(DeviceError::NotFound(id))?);
            Ok(dev)
        })
    }

    /// Ids are `vvvv:pppp` (hex vendor and product ids), as the page names USB devices.
    fn usb_info(&self, id: &str) -> Option<runtime::devices::UsbInfo> {
        self.usb.borrow().iter().find(|(p, _)| p.id == id)?;
        let (v, p) = id.split_once(':')?;
        let hex = |s: &str| u16::from_str_radix(s.get(..4)?, 16).ok();
        Some(runtime::devices::UsbInfo {
            vendor_id: hex(v)?,
            product_id: hex(p)?,
            serial_number: None,
            manufacturer: None,
            product: None,
            interfaces: Vec::new(),
        })
    }

    fn serial_unsupported(&self) -> Option<String> {
        self.no_apis.get().then(|| "this browser has no WebSerial".to_owned())
    }

    fn usb_unsupported(&self) -> Option<String> {
        self.no_apis.get().then(|| "this browser has no WebUSB".to_owned())
    }

    fn spawn(&self, task: LocalBoxFuture<'static, ()>) {
        self.spawner.spawn_local(task).unwrap();
    }

    fn streams(&self) -> &Streams {
        &self.streams
    }
}

struct LabHost {
    time: Rc<Time>,
    lab: Rc<Lab>,
}

impl Host for LabHost {
    fn now_ms(&self) -> f64 {
        self.time.now()
    }
    fn unix_time_s(&self) -> f64 {
        1.7e9 + self.time.now() / 1000.0
    }
    fn entropy(&self) -> u64 {
        7
    }
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(sleep(&self.time, ms))
    }
    fn devices(&self) -> Option<Rc<dyn Devices>> {
        Some(self.lab.clone())
    }
}

struct Woken(AtomicBool);

impl ArcWake for Woken {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.0.store(true, Ordering::SeqCst);
    }
}

struct Bench {
    pool: LocalPool,
    time: Rc<Time>,
    lab: Rc<Lab>,
    host: Rc<LabHost>,
}

impl Bench {
    fn new() -> Bench {
        let pool = LocalPool::new();
        let time = Rc::new(Time::default());
        let lab = Rc::new(Lab {
            serial: RefCell::new(Vec::new()),
            usb: RefCell::new(Vec::new()),
            opened: RefCell::new(Vec::new()),
            claimed: RefCell::new(Vec::new()),
            spawner: pool.spawner(),
            streams: Streams::default(),
            no_apis: std::cell::Cell::new(false),
        });
        let host = Rc::new(LabHost { time: time.clone(), lab: lab.clone() });
        Bench { pool, time, lab, host }
    }

    fn now(&self) -> f64 {
        self.time.now()
    }

    fn serial(&self, id: &str, label: &str, behaviour: Behaviour) -> FakePort {
        let port = FakePort::new(behaviour, &self.time);
        self.lab.serial.borrow_mut().push((info(id, label), port.clone()));
        port
    }

    fn arduino(&self) -> FakePort {
        self.serial("demo:arduino", "Arduino Uno (simulated)", Behaviour::Arduino { next: 0, pending: VecDeque::new() })
    }

    fn voltmeter(&self, volts: &str) -> FakePort {
        let b = Behaviour::Scpi { volts: volts.into(), command: Vec::new() };
        self.serial("demo:dmm", "SCPI voltmeter (simulated)", b)
    }

    fn canable(&self) -> FakePort {
        self.serial("demo:canable", "CANable (simulated)", Behaviour::Slcan { open: false, command: Vec::new() })
    }

    /// Pulls serial port `id` out: it leaves the list, writes fail, reads end.
    fn unplug(&self, id: &str) {
        let mut serial = self.lab.serial.borrow_mut();
        if let Some(i) = serial.iter().position(|(p, _)| p.id == id) {
            let (_, port) = serial.remove(i);
            port.st.borrow_mut().unplugged = true;
            port.fail(DeviceError::Disconnected);
        }
        self.lab.opened.borrow_mut().retain(|(o, _)| o != id);
    }

    fn usb(&self, id: &str, ramp_samples: i16) -> FakeUsb {
        let dev = FakeUsb::new(ramp_samples);
        self.lab.usb.borrow_mut().push((info(id, "USB device (simulated)"), dev.clone()));
        dev
    }

    /// Runs `fut` with the background tasks, jumping the clock whenever everything waits.
    fn drive<F: Future>(&mut self, fut: F) -> F::Output {
        let woken = Arc::new(Woken(AtomicBool::new(false)));
        let waker = futures::task::waker(woken.clone());
        let mut cx = Context::from_waker(&waker);
        let mut fut = std::pin::pin!(fut);
        loop {
            woken.0.store(false, Ordering::SeqCst);
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                return v;
            }
            self.pool.run_until_stalled();
            if woken.0.load(Ordering::SeqCst) {
                continue;
            }
            assert!(self.time.advance(), "stuck: every task waits and no timer is set");
        }
    }

    /// Runs one node on its own (node key = its name).
    fn invoke(&mut self, func: &str, params: Json) -> Result<Value, NodeError> {
        let def = nodes::lookup(func).unwrap();
        let params: Map<String, Json> = params.as_object().cloned().unwrap_or_default();
        let host: Rc<dyn Host> = self.host.clone();
        let out = self.drive(nodes::invoke(def, &[], &params, host))?;
        Ok(out.into_iter().find(|(n, _)| n == "default").and_then(|(_, d)| d).map(|d| (*d).clone()).unwrap())
    }

    /// Runs one node that outputs nothing (a connection, a send).
    fn act(&mut self, func: &str, params: Json) -> Result<(), NodeError> {
        let def = nodes::lookup(func).unwrap();
        let params: Map<String, Json> = params.as_object().cloned().unwrap_or_default();
        let host: Rc<dyn Host> = self.host.clone();
        self.drive(nodes::invoke(def, &[], &params, host)).map(|_| ())
    }

    fn run(&mut self, flow: &Flow, opts: &RunOptions) -> RunReport {
        let host: Rc<dyn Host> = self.host.clone();
        let (cancel, mut cache) = (CancelToken::new(), Cache::new());
        self.drive(schedule::run(flow, host, opts, &cancel, &mut cache, &mut |_| {}))
    }

    /// Lets background readers (streams) take what the devices have sent.
    fn settle(&mut self) {
        self.pool.run_until_stalled();
    }

    /// Runs `task` in the background (a device that sends later).
    fn later(&self, task: impl Future<Output = ()> + 'static) {
        self.pool.spawner().spawn_local(task).unwrap();
    }
}

fn ys_of(v: &Value) -> Vec<f64> {
    ys(v).to_vec()
}

fn err(r: Result<Value, NodeError>) -> String {
    r.unwrap_err().0
}

// ---- resolve ------------------------------------------------------------------------------

#[test]
fn resolve_picks_by_id_or_label_else_the_only_device_with_a_note() {
    let one = [info("demo:arduino", "Arduino Uno (simulated)")];
    assert_eq!(devices::resolve("demo:arduino", &one).unwrap(), ("demo:arduino".into(), None));
    assert_eq!(devices::resolve("Arduino Uno (simulated)", &one).unwrap(), ("demo:arduino".into(), None));
    assert_eq!(
        devices::resolve("COM3", &one).unwrap().1.unwrap(),
        "'COM3' is an operating-system port name, which browsers do not expose; using the only connected device 'Arduino Uno (simulated)'"
    );
    for os in ["/dev/ttyUSB0", "/dev/cu.usbserial-PX75GRVT", "\\\\.\\COM12"] {
        assert!(devices::resolve(os, &one).unwrap().1.unwrap().contains("operating-system port name"), "{os}");
    }
    assert_eq!(
        devices::resolve("", &one).unwrap().1.unwrap(),
        "no device chosen; using the only connected device 'Arduino Uno (simulated)'"
    );
    assert_eq!(
        devices::resolve("my scope", &one).unwrap().1.unwrap(),
        "no connected device is called 'my scope'; using the only connected device 'Arduino Uno (simulated)'"
    );

    let none = devices::resolve("COM3", &[]).unwrap_err();
    assert!(matches!(none, DeviceError::NotFound(_)));
    assert_eq!(
        none.to_string(),
        "no device 'COM3' is connected: connect one with the Devices button, or turn on demo devices"
    );
    assert_eq!(
        devices::resolve("", &[]).unwrap_err().to_string(),
        "no device is connected: connect one with the Devices button, or turn on demo devices"
    );

    let two = [info("2341:0043", "Arduino Uno"), info("2341:0043#2", "Arduino Uno")];
    assert_eq!(devices::resolve("2341:0043#2", &two).unwrap(), ("2341:0043#2".into(), None));
    for ambiguous in ["COM3", "", "Arduino Uno"] {
        let e = devices::resolve(ambiguous, &two).unwrap_err();
        assert!(e.to_string().contains("set the device parameter to one of 2341:0043, 2341:0043#2"), "{e}");
    }
}

// ---- without devices ----------------------------------------------------------------------

#[test]
fn every_hardware_node_says_where_it_runs_when_the_host_has_no_devices() {
    let host: Rc<dyn Host> = Rc::new(NativeHost::default());
    // (PEAK_CONNECT is listed under HARDWARE but unavailable: it needs PEAK's driver)
    let hardware: Vec<_> = nodes::all()
        .iter()
        .filter(|d| d.spec.path.starts_with("HARDWARE/"))
        .filter(|d| d.spec.availability == runtime::spec::Availability::Native)
        // (it only builds a message DataFrame)
        .filter(|d| d.spec.func != "CREATE_CAN_MESSAGE")
        .collect();
    assert_eq!(hardware.len(), 80);
    for def in hardware {
        let r = futures::executor::block_on(nodes::invoke(def, &[], &Map::new(), host.clone()));
        assert_eq!(r.unwrap_err().0, NO_DEVICES, "{}", def.spec.func);
        assert!(!def.pure, "{} must never be cached", def.spec.func);
    }
    for func in ["SERIAL_STREAM", "USB_STREAM"] {
        assert!(nodes::lookup(func).unwrap().streaming);
    }
    assert!(!nodes::lookup("SERIAL_WRITE").unwrap().streaming);
    // a camera streams only when asked to (WEBCAM's live)
    let webcam = nodes::lookup("WEBCAM").unwrap();
    assert!(!webcam.streaming && webcam.streams_when == Some("live"));
}

#[test]
fn without_the_browser_apis_nodes_say_so_rather_than_no_device_is_connected() {
    let mut b = Bench::new();
    assert!(err(b.invoke("IDN", json!({}))).contains("no instrument is connected"));
    b.lab.no_apis.set(true);
    assert!(err(b.invoke("IDN", json!({}))).contains("no WebSerial"));
    assert!(err(b.invoke("USB_TRANSFER_IN", json!({}))).contains("no WebUSB"));
}

// ---- serial nodes -------------------------------------------------------------------------

#[test]
fn open_serial_opens_with_the_chosen_settings_and_describes_them_like_pyserial() {
    let mut b = Bench::new();
    b.arduino();
    let params = json!({"device": "demo:arduino", "baudrate": 115200, "connection_time": 2, "data_bits": "7",
        "parity": "even", "stop_bits": "2", "flow_control": "hardware"});
    let v = b.invoke("OPEN_SERIAL", params).unwrap();
    assert_eq!(
        v,
        Value::string(
            r#"{"baudrate": 115200, "bytesize": 7, "parity": "E", "stopbits": 2, "xonxoff": false, "dsrdtr": false, "rtscts": true, "timeout": 1, "write_timeout": null, "inter_byte_timeout": null}"#
        )
    );
    let opened = b.lab.opened.borrow();
    let want = SerialOptions {
        baud_rate: 115200,
        data_bits: 7,
        stop_bits: 2,
        parity: Parity::Even,
        flow_control: FlowControl::Hardware,
    };
    assert_eq!(opened.as_slice(), [("demo:arduino".to_owned(), want)]);
    // connection_time: the Arduino restarts when its port opens
    assert_eq!(b.now(), 2000.0);
}

#[test]
fn serial_write_encodes_and_terminates_like_flojoy() {
    let mut b = Bench::new();
    let port = b.serial("demo:echo", "Echo", Behaviour::Script);
    let w = |b: &mut Bench, text: &str, encoding: &str, terminator: &str| {
        b.invoke(
            "SERIAL_WRITE",
            json!({"connection": "demo:echo", "write": text, "encoding": encoding, "terminator": terminator}),
        )
    };
    assert_eq!(w(&mut b, "G", "bytes", "None").unwrap(), Value::string("G"));
    assert_eq!(w(&mut b, "R", "ascii", "CR+LF").unwrap(), Value::string("R\r\n"));
    assert_eq!(w(&mut b, "µ", "utf-8", "LF").unwrap(), Value::string("µ\n"));
    w(&mut b, "x", "bytes", "CR").unwrap();
    assert_eq!(port.written(), "GR\r\nµ\nx\r");
    assert_eq!(port.st.borrow().written.len(), 1 + 3 + 3 + 2, "bytes and utf-8 send UTF-8");
    assert_eq!(
        err(w(&mut b, "5 µV", "ascii", "None")),
        "'µ' (U+00B5) is not an ASCII character: remove it or choose the bytes or utf-8 encoding"
    );
    assert_eq!(port.written().len(), "GR\r\nµ\nx\r".len(), "nothing was written");
}

#[test]
fn single_measurement_reads_the_next_whole_line() {
    let mut b = Bench::new();
    b.arduino();
    for _ in 0..20 {
        let v = ys_of(&b.invoke("SERIAL_SINGLE_MEASUREMENT", json!({"connection": ""})).unwrap());
        // "i,i/4": a cut line would break the pair
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[1], v[0] / 4.0, "{v:?}");
        assert_eq!(v[0].fract(), 0.0);
    }
    // the port was opened implicitly at 9600 8N1
    assert_eq!(b.lab.opened.borrow()[0].1, SerialOptions::default());
}

#[test]
fn single_measurement_skips_blank_lines_drops_stale_input_and_quotes_bad_lines() {
    // what arrived before the node ran is dropped, and the line after it may be a tail: a
    // port that sends nothing more times out rather than answer with stale or partial data
    let mut b = Bench::new();
    let port = b.serial("p", "Port", Behaviour::Script);
    port.feed(b"99,99\r\n");
    let (p, time) = (port.clone(), b.time.clone());
    b.later(async move {
        sleep(&time, 100.0).await;
        p.feed(b"5\r\n");
    });
    let e = err(b.invoke("SERIAL_SINGLE_MEASUREMENT", json!({"connection": "p"})));
    assert_eq!(e, "timed out after 5 s waiting for the device");
    assert_eq!(b.now(), 5100.0);

    // a line under way, blank lines, then the reading, in ragged chunks
    let mut b = Bench::new();
    let port = b.serial("p", "Port", Behaviour::Script);
    let (p, time) = (port.clone(), b.time.clone());
    b.later(async move {
        for chunk in [&b"7,3\r"[..], b"\n\r\n", b"\n  \r\n12", b".5, -3", b"e2\r\n"] {
            sleep(&time, 1.0).await;
            p.feed(chunk);
        }
    });
    assert_eq!(ys_of(&b.invoke("SERIAL_SINGLE_MEASUREMENT", json!({"connection": "Port"})).unwrap()), [12.5, -300.0]);

    let mut b = Bench::new();
    let port = b.serial("p", "Port", Behaviour::Script);
    let p = port.clone();
    b.later(async move { p.feed(b"x\ntemp=21.5,ok\r\n") });
    assert_eq!(
        err(b.invoke("SERIAL_SINGLE_MEASUREMENT", json!({"connection": "p"}))),
        "the device sent 'temp=21.5,ok', which is not comma-separated numbers ('temp=21.5' is not a number)"
    );
}

#[test]
fn a_silent_port_times_out_after_5_s() {
    let mut b = Bench::new();
    b.serial("p", "Port", Behaviour::Script);
    let e = err(b.invoke("SERIAL_SINGLE_MEASUREMENT", json!({"connection": "p"})));
    assert_eq!(e, "timed out after 5 s waiting for the device");
    assert_eq!(b.now(), 5000.0);
}

#[test]
fn a_disconnect_while_reading_is_reported() {
    let mut b = Bench::new();
    let port = b.serial("p", "Port", Behaviour::Script);
    let p = port.clone();
    b.later(async move {
        p.feed(b"1,2");
        p.fail(DeviceError::Disconnected);
    });
    assert_eq!(err(b.invoke("SERIAL_SINGLE_MEASUREMENT", json!({"connection": "p"}))), "device disconnected");
}

#[test]
fn serial_timeseries_paces_readings_and_records_the_first_column() {
    let mut b = Bench::new();
    b.arduino();
    let v = b
        .invoke("SERIAL_TIMESERIES", json!({"comport": "/dev/ttyUSB0", "num_readings": 5, "record_period": 1}))
        .unwrap();
    let (x, y) = (xs(&v).to_vec(), ys_of(&v));
    assert_eq!(x.len(), 5);
    assert_eq!(x[0], 0.0);
    // a reading is timed when its line has arrived (a few ms into its turn)
    for w in x.windows(2) {
        assert!((w[1] - w[0] - 1.0).abs() < 0.03, "readings 1 s apart: {x:?}");
    }
    // whole lines only, each one newer than the last
    assert!(y.iter().all(|v| v.fract() == 0.0), "{y:?}");
    assert!(y.windows(2).all(|w| w[1] > w[0]), "{y:?}");
    assert_eq!(b.lab.opened.borrow()[0].1.baud_rate, 9600);
}

#[test]
fn scpi_nodes_query_the_instrument() {
    let mut b = Bench::new();
    let dmm = b.voltmeter("1.2345");
    let conn = json!({"connection": "SCPI voltmeter (simulated)"});
    assert_eq!(b.invoke("IDN", conn.clone()).unwrap(), Value::string("FLOJOY,SIM-DMM,0001,1.0"));
    assert_eq!(b.invoke("MEASURE_VOLTAGE", conn.clone()).unwrap(), Value::scalar(1.2345));
    let scpi = |b: &mut Bench, cmd: &str| b.invoke("SCPI_WRITE", json!({"connection": "demo:dmm", "command": cmd}));
    assert_eq!(scpi(&mut b, "MEAS:VOLT?").unwrap(), Value::scalar(1.2345));
    assert_eq!(scpi(&mut b, "SYST:ERR?").unwrap(), Value::string("0,\"No error\""));
    assert_eq!(scpi(&mut b, "*RST").unwrap(), Value::string("sent"));
    assert_eq!(dmm.written(), "*IDN?\nMEASURE:VOLTAGE:DC?\nMEAS:VOLT?\nSYST:ERR?\n*RST\n");
    assert_eq!(dmm.commands().len(), 5);
    // a query nobody answers
    assert_eq!(err(scpi(&mut b, "SYST:SILENT?")), "the instrument did not answer 'SYST:SILENT?' within 2 s");
    assert_eq!(err(scpi(&mut b, "  ")), "'command' is empty: write an SCPI command such as *IDN?");

    let mut b = Bench::new();
    b.voltmeter("OVERLOAD");
    assert_eq!(
        err(b.invoke("MEASURE_VOLTAGE", json!({"connection": ""}))),
        "the instrument answered 'OVERLOAD' to MEASURE:VOLTAGE:DC?, which is not a number"
    );
}

#[test]
fn two_readers_of_one_port_take_turns() {
    // two measurements started together (parallel branches) each get whole lines
    let mut b = Bench::new();
    b.arduino();
    let f = flow(
        &[
            ("A", "SERIAL_SINGLE_MEASUREMENT", json!({"connection": ""})),
            ("B", "SERIAL_SINGLE_MEASUREMENT", json!({"connection": ""})),
        ],
        &[],
    );
    let r = b.run(&f, &RunOptions::default());
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    for n in ["A", "B"] {
        let v = ys(out(&r, n, "default"));
        assert_eq!(v[1], v[0] / 4.0);
    }
    assert_ne!(ys(out(&r, "A", "default")), ys(out(&r, "B", "default")));
}

// ---- USB nodes ----------------------------------------------------------------------------

#[test]
fn usb_transfers_and_control_requests() {
    let mut b = Bench::new();
    let usb = b.usb("cafe:4000", 0);
    let v = b.invoke("USB_OPEN", json!({"device": "", "interface": 2})).unwrap();
    assert_eq!(v, Value::string(r#"{"device":"cafe:4000","interface":2}"#));
    assert_eq!(b.lab.claimed.borrow()[0], ("cafe:4000".to_owned(), 2));

    let out = |b: &mut Bench, data: &str, enc: &str| {
        b.invoke("USB_TRANSFER_OUT", json!({"device": "cafe:4000", "data": data, "encoding": enc}))
    };
    assert_eq!(out(&mut b, "hi", "text").unwrap(), Value::scalar(2.0));
    assert_eq!(out(&mut b, "01 ff 0x2a", "hex").unwrap(), Value::scalar(3.0));
    assert_eq!(err(out(&mut b, "01 fg", "hex")), "'data' must be hex bytes like '01 ff 2a'; 'fg' is not");
    assert_eq!(usb.st.borrow().outs, vec![(1, b"hi".to_vec()), (1, vec![1, 255, 42])]);

    let inp = |b: &mut Bench, length: u32, output: &str| {
        b.invoke("USB_TRANSFER_IN", json!({"device": "cafe:4000", "length": length, "output": output}))
    };
    assert_eq!(inp(&mut b, 2, "text").unwrap(), Value::string("hi"));
    assert_eq!(inp(&mut b, 64, "bytes").unwrap(), Value::vector(vec![1.0, 255.0, 42.0]));
    assert_eq!(err(inp(&mut b, 64, "bytes")), "timed out after 5 s waiting for the device");

    let ctl = |b: &mut Bench, p: Json| {
        let mut params = json!({"device": "cafe:4000"});
        params.as_object_mut().unwrap().extend(p.as_object().unwrap().clone());
        b.invoke("USB_CONTROL_TRANSFER", params)
    };
    let v = ctl(&mut b, json!({"request": 9, "value": 0x1234, "index": 3, "length": 4})).unwrap();
    assert_eq!(v, Value::vector(vec![9.0, 0x34 as f64, 0x12 as f64, 3.0]));
    let v = ctl(
        &mut b,
        json!({"direction": "out", "request_type": "class", "recipient": "interface", "request": 1, "data": "de ad"}),
    )
    .unwrap();
    assert_eq!(v, Value::scalar(2.0));
    let controls = &usb.st.borrow().controls;
    assert_eq!(
        controls[0].0,
        ControlSetup { request_type: "vendor".into(), recipient: "device".into(), request: 9, value: 0x1234, index: 3 }
    );
    assert_eq!((controls[1].0.request_type.as_str(), controls[1].0.recipient.as_str()), ("class", "interface"));
    assert_eq!(controls[1].1, vec![0xde, 0xad]);

    // out-of-range fields are refused with the range
    assert_eq!(err(ctl(&mut b, json!({"request": 300}))), "'request' must be at most 255, got 300");
    assert_eq!(err(ctl(&mut b, json!({"value": 70000}))), "'value' must be at most 65535, got 70000");
    assert_eq!(err(ctl(&mut b, json!({"index": -1}))), "'index' must be at least 0, got -1");
    assert_eq!(
        err(b.invoke("USB_TRANSFER_IN", json!({"device": "cafe:4000", "endpoint": 16}))),
        "'endpoint' must be at most 15, got 16"
    );
}

// ---- streams ------------------------------------------------------------------------------

fn stream_flow(params: Json) -> Flow {
    flow(&[("STREAM", "SERIAL_STREAM", params)], &[])
}

/// Runs the flow once (a frame) and returns the stream node's output or error.
fn frame(b: &mut Bench, f: &Flow) -> Result<Value, String> {
    let r = b.run(f, &RunOptions::default());
    let n = r.by_label("STREAM").unwrap();
    match n.status {
        NodeState::Done => Ok((*n.outputs[0].1).clone()),
        _ => Err(n.error.clone().unwrap_or_default()),
    }
}

fn stats(b: &Bench) -> devices::StreamStats {
    b.lab.streams.stats().into_iter().next().unwrap().1
}

#[test]
fn serial_stream_window_and_new_modes() {
    let mut b = Bench::new();
    let port = b.serial("demo:fast", "Fast Arduino", Behaviour::Script);
    let window = stream_flow(json!({"connection": "", "channel": 1, "window": 3}));
    // first frame: the stream starts, nothing has arrived yet
    assert_eq!(frame(&mut b, &window).unwrap(), Value::pair(vec![], vec![]));
    assert_eq!(b.lab.opened.borrow()[0].1.baud_rate, 115200);
    assert!(stats(&b).running);

    port.feed(b"0,0\r\n1,10\r\n2,2");
    port.feed(b"0\r\n3,30\r\n4,40\r\n5,");
    b.settle();
    assert_eq!(frame(&mut b, &window).unwrap(), Value::pair(vec![2.0, 3.0, 4.0], vec![20.0, 30.0, 40.0]));

    // "new": each row exactly once, across frames
    let new = stream_flow(json!({"connection": "", "channel": 0, "mode": "new"}));
    assert_eq!(frame(&mut b, &new).unwrap(), Value::pair(vec![], vec![]), "the window frame delivered rows 0-4");
    port.feed(b"50\r\n6,60\r\n");
    b.settle();
    assert_eq!(frame(&mut b, &new).unwrap(), Value::pair(vec![5.0, 6.0], vec![5.0, 6.0]));
    assert_eq!(frame(&mut b, &new).unwrap(), Value::pair(vec![], vec![]));

    // junk and a row of another width are counted, not fatal
    port.feed(b"oops\r\n7,70,700\r\n\r\n8,80\r\n");
    b.settle();
    assert_eq!(frame(&mut b, &new).unwrap(), Value::pair(vec![7.0], vec![8.0]));
    let s = stats(&b);
    assert_eq!((s.received, s.malformed, s.dropped, s.columns), (8, 2, 0, 2));
    let fed = ["0,0\r\n1,10\r\n2,2", "0\r\n3,30\r\n4,40\r\n5,", "50\r\n6,60\r\n", "oops\r\n7,70,700\r\n\r\n8,80\r\n"];
    assert_eq!(s.bytes, fed.iter().map(|f| f.len() as u64).sum::<u64>());

    let bad = stream_flow(json!({"connection": "", "channel": 2}));
    assert_eq!(
        frame(&mut b, &bad).unwrap_err(),
        "channel 2 does not exist: the stream has 2 columns (channels 0 to 1)"
    );

    // Stop forgets the stream; the next run starts a new one (row numbers start again)
    b.lab.streams.stop_all();
    // the host closes the port, which ends the stopped reader's pending read
    port.fail(DeviceError::Disconnected);
    b.settle();
    assert!(b.lab.streams.is_empty());
    assert_eq!(frame(&mut b, &window).unwrap(), Value::pair(vec![], vec![]));
    port.feed(b"9,90\r\n");
    b.settle();
    assert_eq!(frame(&mut b, &window).unwrap(), Value::pair(vec![0.0], vec![90.0]));
}

#[test]
fn serial_stream_counts_rows_evicted_before_a_read_as_dropped() {
    let mut b = Bench::new();
    let port = b.serial("p", "Port", Behaviour::Script);
    let new = stream_flow(json!({"connection": "p", "mode": "new", "capacity": 4}));
    frame(&mut b, &new).unwrap();
    let ten: String = (0..10).map(|i| format!("{i}\n")).collect();
    port.feed(ten.as_bytes());
    b.settle();
    assert_eq!(frame(&mut b, &new).unwrap(), Value::pair(vec![6.0, 7.0, 8.0, 9.0], vec![6.0, 7.0, 8.0, 9.0]));
    let s = stats(&b);
    assert_eq!((s.received, s.dropped), (10, 6));
}

#[test]
fn a_stream_that_fails_reports_why_and_what_it_kept() {
    let mut b = Bench::new();
    let port = b.serial("p", "Port", Behaviour::Script);
    let f = stream_flow(json!({"connection": "p"}));
    frame(&mut b, &f).unwrap();
    port.feed(b"1\n2\n3\n4");
    port.fail(DeviceError::Disconnected);
    b.settle();
    assert_eq!(frame(&mut b, &f).unwrap_err(), "device disconnected (3 rows received before it are kept)");
    let s = stats(&b);
    assert!(!s.running);
    assert_eq!(s.error.as_deref(), Some("device disconnected"));
}

#[test]
fn every_framing_through_serial_stream() {
    // reference encodings written out by hand: (framing, sample format, bytes, channel, values)
    type Case = (&'static str, &'static str, Vec<u8>, u32, Vec<f64>);
    let cases: Vec<Case> = vec![
        ("csv lines", "uint8", b"1;2\r\n3\t4\r\n".to_vec(), 1, vec![2.0, 4.0]),
        ("json lines", "uint8", b"{\"t\": 1, \"v\": 2.5}\n{\"v\": 3.5, \"t\": 2}\n".to_vec(), 1, vec![2.5, 3.5]),
        // int16 LE 1 and -2, one column
        ("raw bytes", "int16 LE", vec![0x01, 0x00, 0xFE, 0xFF], 0, vec![1.0, -2.0]),
        // [len 4][1, 2 as int16 LE], [len 4][3, 4]
        (
            "length-prefixed",
            "int16 LE",
            vec![0x04, 0x01, 0x00, 0x02, 0x00, 0x04, 0x03, 0x00, 0x04, 0x00],
            1,
            vec![2.0, 4.0],
        ),
        // COBS of 01 00 02 00 is 02 01 02 02 01, then the 00 delimiter; 03 00 04 00 likewise
        (
            "COBS",
            "int16 LE",
            vec![0x02, 0x01, 0x02, 0x02, 0x01, 0x00, 0x02, 0x03, 0x02, 0x04, 0x01, 0x00],
            1,
            vec![2.0, 4.0],
        ),
        // float32 LE 1.5 = 00 00 C0 3F → 01 01 03 C0 3F; -0.25 = 00 00 80 BE → 01 01 03 80 BE
        (
            "COBS",
            "float32 LE",
            vec![0x01, 0x01, 0x03, 0xC0, 0x3F, 0x00, 0x01, 0x01, 0x03, 0x80, 0xBE, 0x00],
            0,
            vec![1.5, -0.25],
        ),
    ];
    for (framing, format, bytes, channel, want) in cases {
        let mut b = Bench::new();
        let port = b.serial("p", "Port", Behaviour::Script);
        let f =
            stream_flow(json!({"connection": "p", "framing": framing, "sample_format": format, "channel": channel}));
        frame(&mut b, &f).unwrap();
        // byte by byte: every frame must survive being cut anywhere
        for byte in &bytes {
            port.feed(&[*byte]);
        }
        b.settle();
        let v = frame(&mut b, &f).unwrap();
        assert_eq!(ys_of(&v), want, "{framing} {format}");
        assert_eq!(stats(&b).malformed, 0, "{framing} {format}");
    }
}

#[test]
fn malformed_binary_frames_are_counted() {
    let mut b = Bench::new();
    let port = b.serial("p", "Port", Behaviour::Script);
    let f = stream_flow(json!({"connection": "p", "framing": "length-prefixed", "sample_format": "int16 LE"}));
    frame(&mut b, &f).unwrap();
    // len 0; len 3 (not a whole number of int16); then a good frame
    port.feed(&[0x00, 0x03, 1, 2, 3, 0x02, 0x07, 0x00]);
    b.settle();
    assert_eq!(ys_of(&frame(&mut b, &f).unwrap()), [7.0]);
    assert_eq!(stats(&b).malformed, 2);

    let mut b = Bench::new();
    let port = b.serial("p", "Port", Behaviour::Script);
    let f = stream_flow(json!({"connection": "p", "framing": "COBS", "sample_format": "uint8"}));
    frame(&mut b, &f).unwrap();
    // a code that runs past the end of its frame, then 02 05 = [5]
    port.feed(&[0x05, 0x01, 0x00, 0x02, 0x05, 0x00]);
    b.settle();
    assert_eq!(ys_of(&frame(&mut b, &f).unwrap()), [5.0]);
    assert_eq!(stats(&b).malformed, 1);
}

#[test]
fn usb_stream_reads_an_endpoint_through_the_same_pump() {
    let mut b = Bench::new();
    b.usb("cafe:4000", 1000);
    // 7-byte packets cut int16 samples in half
    let f = flow(&[("STREAM", "USB_STREAM", json!({"device": "", "packet_size": 7, "window": 5}))], &[]);
    // the first frame waits for the stream's first rows instead of coming out empty
    let first = frame(&mut b, &f).unwrap();
    assert!(!xs(&first).is_empty());
    assert_eq!(xs(&first), ys(&first));
    b.settle();
    let v = frame(&mut b, &f).unwrap();
    assert_eq!(xs(&v), [995.0, 996.0, 997.0, 998.0, 999.0]);
    assert_eq!(ys(&v), [995.0, 996.0, 997.0, 998.0, 999.0]);
    let s = stats(&b);
    assert_eq!((s.received, s.bytes, s.malformed), (1000, 2000, 0));
    assert_eq!(b.lab.claimed.borrow()[0], ("cafe:4000".to_owned(), 0));
}

#[test]
fn pump_stops_when_its_buffer_is_stopped_and_usb_in_repeats_transfers() {
    let mut pool = LocalPool::new();
    let usb = FakeUsb::new(10);
    let source: Rc<dyn ByteSource> = Rc::new(UsbIn { device: Rc::new(usb.clone()), endpoint: 2, length: 4 });
    let buf = Rc::new(RefCell::new(StreamBuffer::new(Decoder::new(Framing::Raw, SampleFormat::I16Le), 100)));
    let clock: Rc<dyn Fn() -> f64> = Rc::new(|| 0.0);
    pool.spawner().spawn_local(devices::pump(source, buf.clone(), clock)).unwrap();
    pool.run_until_stalled();
    assert_eq!(buf.borrow().stats().received, 10);
    // stopped while a read is pending: the reader ends at its next wake and keeps nothing
    buf.borrow_mut().stop();
    usb.st.borrow_mut().ramp.extend([1, 0]);
    if let Some(w) = usb.st.borrow_mut().waker.take() {
        w.wake();
    }
    pool.run_until_stalled();
    assert_eq!(buf.borrow().stats().received, 10);
    assert!(!pool.try_run_one(), "the pump ended");
}

// ---- Flojoy's example flows ---------------------------------------------------------------

fn app(path: &str) -> Flow {
    let f = load_file(&apps().join("blocks/HARDWARE/PROTOCOLS").join(path).join("app.json"));
    let errors: Vec<_> =
        validate::validate(&f).into_iter().filter(|d| d.severity == validate::Severity::Error).collect();
    assert!(errors.is_empty(), "{path}: {errors:?}");
    f
}

/// A LOOP of −1 runs until the run's maximum time (virtual: devices advance the clock).
fn until(ms: f64) -> RunOptions {
    RunOptions { max_runtime_ms: ms, ..RunOptions::default() }
}

#[test]
fn arduino_gallery_flow_reads_lines_into_a_table_until_the_deadline() {
    let mut b = Bench::new();
    b.arduino();
    let r = b.run(&gallery("arduino.json"), &until(1000.0));
    assert_eq!(r.status, RunStatus::Cancelled, "{}", r.summary());
    assert!(r.error.as_deref().unwrap().contains("maximum run time"));
    let m = r.by_label("SERIAL SINGLE MEASUREMENT").unwrap();
    assert!(m.runs > 10, "{}", m.runs);
    let v = out(&r, "SERIAL SINGLE MEASUREMENT", "default");
    assert!(matches!(v, Value::Vector { .. }));
    assert_eq!(ys(v)[1], ys(v)[0] / 4.0);
    let table = r.by_label("TABLE").unwrap();
    assert!(table.runs >= m.runs - 1, "the TABLE got each Vector");
    assert!(matches!(out(&r, "TABLE", "default"), Value::Plotly { .. }));
    // the empty connection picked the only device, and said so
    assert!(m.log.iter().any(|l| l == "no device chosen; using the only connected device 'Arduino Uno (simulated)'"));
}

#[test]
fn serial_single_measurement_app() {
    let mut b = Bench::new();
    b.arduino();
    let r = b.run(&app("SERIAL/SERIAL_SINGLE_MEASUREMENT"), &until(500.0));
    assert_eq!(r.status, RunStatus::Cancelled, "{}", r.summary());
    assert!(matches!(out(&r, "TABLE", "default"), Value::Plotly { .. }));
    assert_eq!(ys(out(&r, "SERIAL SINGLE MEASUREMENT", "default")).len(), 2);
}

#[test]
fn serial_timeseries_app() {
    let mut b = Bench::new();
    b.arduino();
    let r = b.run(&app("SERIAL/SERIAL_TIMESERIES"), &RunOptions::default());
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    let v = out(&r, "SERIAL TIMESERIES", "default");
    assert_eq!(xs(v).len(), 100);
    assert!((xs(v)[99] - 99.0).abs() < 0.03, "100 readings 1 s apart: {}", xs(v)[99]);
    let log = &r.by_label("SERIAL TIMESERIES").unwrap().log;
    assert!(log[0].starts_with("'/dev/ttyUSB0' is an operating-system port name"), "{log:?}");
}

#[test]
fn serial_write_app_sends_each_command_in_order() {
    let mut b = Bench::new();
    let port = b.serial("demo:arduino", "Arduino Uno (simulated)", Behaviour::Script);
    let r = b.run(&app("SERIAL/SERIAL_WRITE"), &RunOptions::default());
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    assert_eq!(port.written(), "RG0");
    // OPEN_SERIAL waited 2 s, each TIMER 2 s
    assert_eq!(b.now(), 6000.0);
    let open = r.by_label("OPEN SERIAL").unwrap();
    assert!(open.log.contains(
        &"'COM3' is an operating-system port name, which browsers do not expose; using the only connected device 'Arduino Uno (simulated)'".to_owned()
    ));
}

#[test]
fn open_serial_and_idn_apps() {
    for path in ["SERIAL/OPEN_SERIAL", "SCPI/IDN"] {
        let mut b = Bench::new();
        b.voltmeter("0.5");
        let r = b.run(&app(path), &RunOptions::default());
        assert_eq!(r.status, RunStatus::Ok, "{path}: {}", r.summary());
        assert_eq!(out(&r, "IDN", "default"), &Value::string("FLOJOY,SIM-DMM,0001,1.0"));
        let settings = r.nodes.iter().find(|(_, n)| n.func == "OPEN_SERIAL").unwrap();
        let Value::String { s } = &*settings.1.outputs[0].1 else { panic!() };
        assert!(s.starts_with("{\"baudrate\": 9600, \"bytesize\": 8, \"parity\": \"N\""), "{s}");
    }
}

#[test]
fn scpi_write_app() {
    let mut b = Bench::new();
    b.voltmeter("3.3");
    let r = b.run(&app("SCPI/SCPI_WRITE"), &RunOptions::default());
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    assert_eq!(out(&r, "SCPI WRITE", "default"), &Value::scalar(3.3));
}

#[test]
fn measure_voltage_app_loops_until_the_deadline() {
    let mut b = Bench::new();
    let dmm = b.voltmeter("1.25");
    let r = b.run(&app("SCPI/MEASURE_VOLTAGE"), &until(2000.0));
    assert_eq!(r.status, RunStatus::Cancelled, "{}", r.summary());
    let loops = r.nodes.iter().filter(|(_, n)| n.func == "MEASURE_VOLTAGE").map(|(_, n)| n.runs).max().unwrap();
    assert!(loops > 10, "{loops}");
    assert!(dmm.commands().iter().all(|c| c == "MEASURE:VOLTAGE:DC?"));
    let big = r.nodes.iter().find(|(_, n)| n.func == "BIG_NUMBER").unwrap();
    assert_eq!(big.1.status, NodeState::Done);
    let line = r.nodes.iter().find(|(_, n)| n.func == "LINE").unwrap();
    assert!(line.1.runs > 1);
    let appended = r.nodes.iter().find(|(_, n)| n.func == "APPEND").unwrap();
    assert!(ys(&appended.1.outputs[0].1).len() > 10, "APPEND collected the readings");
}

// ---- Pololu Tic ---------------------------------------------------------------------------

/// The vendor requests a Tic was sent: (bRequest, wValue, wIndex), each a vendor request to the
/// device with no data.
fn tic_commands(usb: &FakeUsb) -> Vec<(u8, u16, u16)> {
    let st = usb.st.borrow();
    for (setup, data) in &st.controls {
        assert_eq!((setup.request_type.as_str(), setup.recipient.as_str(), data.len()), ("vendor", "device", 0));
    }
    st.controls.iter().map(|(s, _)| (s.request, s.value, s.index)).collect()
}

#[test]
fn tic_moves_the_stepper_through_studios_positions_with_ticlibs_requests() {
    let mut b = Bench::new();
    b.usb("cafe:4000", 0); // another USB device, which is not a Tic
    let tic = b.usb("1ffb:00b5", 0);
    let start = b.now();
    let v = b.invoke("TIC", json!({"current_limit": 40, "sleep_time": 1, "speed": 70000})).unwrap();
    assert_eq!(v, Value::pair(vec![50.0, 100.0, 150.0, 200.0], vec![50.0, 100.0, 150.0, 200.0]));
    // Pololu's USB commands: 0xEC halt and set position, 0x91 current limit, 0x85 energize,
    // 0x83 exit safe start, then per position 0xE6 max speed (70000 = 0x1_1170: low half in
    // wValue, high in wIndex) and 0xE0 target, then 0x86 deenergize and 0x8F enter safe start
    let mut expected = vec![(0xEC, 0, 0), (0x91, 40, 0), (0x85, 0, 0), (0x83, 0, 0)];
    for p in [50, 100, 150, 200] {
        expected.extend([(0xE6, 0x1170, 1), (0xE0, p, 0)]);
    }
    expected.extend([(0x86, 0, 0), (0x8F, 0, 0)]);
    assert_eq!(tic_commands(&tic), expected);
    // one second at each of the four positions
    assert_eq!(b.now() - start, 4000.0);
    assert_eq!(b.lab.claimed.borrow().last(), Some(&("1ffb:00b5".to_owned(), 0)));
}

#[test]
fn tic_knob_moves_to_twice_the_knob_and_negative_values_go_in_twos_complement() {
    let mut b = Bench::new();
    let tic = b.usb("1ffb:00b3", 0);
    let v = b.invoke("TIC_KNOB", json!({"knob_value": -3, "sleep_time": 0, "speed": 200000})).unwrap();
    assert_eq!(v, Value::pair(vec![-6.0], vec![200000.0]));
    // -6 as 32 bits: 0xFFFF_FFFA; 200000 = 0x3_0D40
    assert_eq!(
        tic_commands(&tic),
        [
            (0x91, 30, 0),
            (0x85, 0, 0),
            (0x83, 0, 0),
            (0xE6, 0x0D40, 3),
            (0xEC, 0, 0),
            (0xE0, 0xFFFA, 0xFFFF),
            (0x86, 0, 0),
            (0x8F, 0, 0)
        ]
    );
    // no Tic: the error says how to connect one
    let mut none = Bench::new();
    none.usb("cafe:4000", 0);
    let e = none.invoke("TIC", json!({})).unwrap_err().0;
    assert!(e.starts_with("no Pololu Tic is connected") && e.contains("1FFB"), "{e}");
}

// ---- CAN over slcan -------------------------------------------------------------------------

fn can_send_app() -> Flow {
    let f = load_file(&apps().join("studio-examples/canSend.json"));
    let errors: Vec<_> =
        validate::validate(&f).into_iter().filter(|d| d.severity == validate::Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    f
}

const FRAME_9: &str = "t01180909090909090909";
const FRAME_5: &str = "t01180909090909090905";
const FRAME_0: &str = "t01180909090909090900";

#[test]
fn can_send_app_sends_what_python_can_sends() {
    let mut b = Bench::new();
    b.arduino();
    let can = b.canable();
    let r = b.run(&can_send_app(), &RunOptions::default());
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    let sent = can.commands();
    // python-can's slcan: close a channel left open, bit rate, open
    assert_eq!(sent[..4], ["C", "S6", "O", FRAME_9]);
    // every 0.1 s while less than 5 s has passed: 50 frames, then TIMER's 10 s, STOP, the last
    let periodic = sent[4..].iter().take_while(|c| *c == FRAME_5).count();
    assert_eq!(periodic, 50, "{sent:?}");
    assert_eq!(sent[4 + periodic..], [FRAME_0]);
    assert!(b.now() >= 10_000.0, "TIMER slept 10 s: {}", b.now());
    // the port was opened at python-can's slcan rate
    assert_eq!(b.lab.opened.borrow()[0].1.baud_rate, 115_200);
    let connect = r.by_label("CANABLE CONNECT").unwrap();
    assert_eq!(
        connect.log,
        [
            "no device chosen; using the only CAN adapter connected, 'CANable (simulated)'",
            "'demo:canable': 500000 bit/s, channel open, connection 'canable'"
        ]
    );
}

#[test]
fn stop_ends_periodic_sending_before_its_duration() {
    let mut b = Bench::new();
    let can = b.canable();
    let mut f = can_send_app();
    let timer = f.nodes().find(|n| n.func() == "TIMER").map(|n| n.id).unwrap();
    runtime::flow::edit::apply(
        &mut f,
        runtime::flow::edit::Edit::SetParam { node: timer, name: "sleep_time".into(), value: json!(1.0) },
    )
    .unwrap();
    let r = b.run(&f, &RunOptions::default());
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    let sent = can.commands();
    let periodic = sent.iter().filter(|c| *c == FRAME_5).count();
    assert!((10..=11).contains(&periodic), "about 1 s at 0.1 s: {periodic}");
    assert_eq!(sent.last().unwrap(), FRAME_0);
    // nothing after STOP, even once the flow is over
    b.settle();
    let t = b.now();
    b.drive(sleep(&b.time.clone(), 2000.0));
    assert!(b.now() >= t + 2000.0);
    assert_eq!(can.commands().len(), sent.len());
}

#[test]
fn unplugging_the_adapter_mid_run_fails_at_the_node_that_meets_it() {
    let mut b = Bench::new();
    b.canable();
    let time = b.time.clone();
    let lab = b.lab.clone();
    b.later(async move {
        sleep(&time, 1000.0).await;
        let mut serial = lab.serial.borrow_mut();
        let (_, port) = serial.remove(0);
        port.st.borrow_mut().unplugged = true;
        lab.opened.borrow_mut().clear();
    });
    let r = b.run(&can_send_app(), &RunOptions::default());
    assert_eq!(r.status, RunStatus::Failed, "{}", r.summary());
    let stop = r.by_label("STOP SEND PERIODIC CAN MESSAGE").unwrap();
    assert_eq!(stop.status, NodeState::Failed);
    assert_eq!(
        stop.error.as_deref().unwrap(),
        "the periodic sending had stopped early: the CAN adapter 'demo:canable' of connection 'canable' is no longer connected (unplugged?)"
    );
}

#[test]
fn a_write_to_an_unplugged_adapter_names_it() {
    let mut b = Bench::new();
    b.canable();
    b.act("CANABLE_CONNECT", json!({"CAN_address": "bus", "bitrate": 250000})).unwrap();
    b.unplug("demo:canable");
    let e = err(b.invoke("RECEIVE_CAN_MESSAGE", json!({"CAN_address": "bus", "timeout": 1})));
    assert_eq!(e, "the CAN adapter 'demo:canable' of connection 'bus' is no longer connected (unplugged?)");
}

#[test]
fn received_frames_become_a_dataframe_and_junk_is_counted() {
    let mut b = Bench::new();
    let can = b.canable();
    assert!(b.act("CANABLE_CONNECT", json!({"CAN_address": "bus", "bitrate": 125000})).is_ok());
    assert_eq!(can.commands(), ["C", "S4", "O"]);
    can.feed(b"t1232ABCD\rT000012341FF\r");
    can.feed(b"junk\rr7FF8\r");
    let v = b.invoke("RECEIVE_CAN_MESSAGE", json!({"CAN_address": "bus", "timeout": 1})).unwrap();
    let Value::DataFrame { m } = v else { panic!("{v:?}") };
    assert_eq!(m.rows(), 3);
    let col = |n: &str| (0..3).map(|i| m.column(n).unwrap().data.cell_text(i)).collect::<Vec<_>>();
    assert_eq!(col("arbitration_id"), ["291", "4660", "2047"]);
    assert_eq!(col("is_extended_id"), ["False", "True", "False"]);
    assert_eq!(col("is_remote_frame"), ["False", "False", "True"]);
    assert_eq!(col("dlc"), ["2", "1", "8"]);
    assert_eq!(col("data"), ["abcd", "ff", ""]);
    // a frame that comes later, within the timeout
    let port = can.clone();
    let time = b.time.clone();
    b.later(async move {
        sleep(&time, 300.0).await;
        port.feed(b"t0010\r");
    });
    let t0 = b.now();
    let v = b.invoke("RECEIVE_CAN_MESSAGE", json!({"CAN_address": "bus", "timeout": 1})).unwrap();
    assert_eq!(v.rows_hint(), 1);
    assert!(b.now() - t0 < 400.0);
    // none: Studio's error, or an empty table
    let e = err(b.invoke("RECEIVE_CAN_MESSAGE", json!({"CAN_address": "bus", "timeout": 1})));
    assert_eq!(e, "No data received: no CAN frame came within 1 s");
    let v = b.invoke("RECEIVE_CAN_MESSAGE", json!({"CAN_address": "bus", "timeout": 0, "raise_error": false})).unwrap();
    assert_eq!(v.rows_hint(), 0);
}

trait Rows {
    fn rows_hint(&self) -> usize;
}

impl Rows for Value {
    fn rows_hint(&self) -> usize {
        match self {
            Value::DataFrame { m } => m.rows(),
            _ => usize::MAX,
        }
    }
}

#[test]
fn can_nodes_fail_with_what_to_do() {
    let mut b = Bench::new();
    b.canable();
    let e = b.act("SEND_PERIODIC_CAN_MESSAGE", json!({"CAN_address": "nope", "period": 0.1})).unwrap_err().0;
    assert_eq!(
        e,
        "no CAN connection is called 'nope': a CANABLE_CONNECT node with CAN_address 'nope' must run before this one"
    );
    let e = b.act("CANABLE_CONNECT", json!({"CAN_address": "bus", "bitrate": 12345})).unwrap_err().0;
    assert!(e.starts_with("bit rate 12345 bit/s is not one an slcan adapter can set: use one of 10000, 20000,"), "{e}");
    // python-can's S9 (83.3 kbit/s) is sent; this adapter, like a CANable, refuses it
    let e = b.act("CANABLE_CONNECT", json!({"CAN_address": "bus", "bitrate": 83300})).unwrap_err().0;
    assert!(e.contains("refused the bit rate command 'S9'"), "{e}");
    // an adapter whose firmware acknowledges nothing (python-can never reads the answers):
    // silence is yes, and the frames go out
    let mut b = Bench::new();
    let quiet = b.serial("demo:quiet", "CANable, silent firmware", Behaviour::Script);
    b.act("CANABLE_CONNECT", json!({"CAN_address": "bus"})).unwrap();
    let msg = b.invoke("CREATE_CAN_MESSAGE", json!({"frame_id": 17, "data": "1,2"})).unwrap();
    let def = nodes::lookup("SEND_CAN_MESSAGE").unwrap();
    let params: Map<String, Json> = json!({"CAN_address": "bus"}).as_object().cloned().unwrap();
    let host: Rc<dyn Host> = b.host.clone();
    let inputs = [("message", vec![runtime::Data::new(msg)])];
    b.drive(nodes::invoke(def, &inputs, &params, host)).unwrap();
    assert_eq!(quiet.written(), "C\rS6\rO\rt01120102\r");
    // an adapter whose channel is open refuses a bit rate (a connection from before without C)
    let mut b = Bench::new();
    let can = b.serial("demo:canable", "CANable", Behaviour::Slcan { open: true, command: Vec::new() });
    b.act("CANABLE_CONNECT", json!({"CAN_address": "bus"})).unwrap();
    assert_eq!(can.commands(), ["C", "S6", "O"], "C closed it first, as python-can does");
    // a message
    let e = err(b.invoke("CREATE_CAN_MESSAGE", json!({"frame_id": 1, "data": "1,2,256"})));
    assert_eq!(e, "parameter 'data': a byte must be from 0 to 255, got 256");
    let e = err(b.invoke("CREATE_CAN_MESSAGE", json!({"frame_id": 1, "data": "1,2,3,4,5,6,7,8,9"})));
    assert_eq!(e, "a classic CAN frame carries at most 8 data bytes; 'data' has 9");
    let v = b.invoke("CREATE_CAN_MESSAGE", json!({"frame_id": 2048, "data": "1"})).unwrap();
    let Value::DataFrame { m } = v else { panic!() };
    assert_eq!(
        m.column("is_extended_id").unwrap().data.cell_text(0),
        "True",
        "ids from 0x800 are extended, as Studio's"
    );
    // PCAN needs its vendor's driver
    for func in ["PEAK_CONNECT", "PEAK_DETECT_AVAILABLE_DEVICES"] {
        let e = b.act(func, json!({})).unwrap_err().0;
        assert!(e.starts_with(&format!("{func} cannot run in Flojoy Web: it needs the vendor's driver")), "{e}");
        assert!(
            e.contains("PCAN-Basic") && e.ends_with("Use a CANable or another slcan adapter with CANABLE_CONNECT"),
            "{e}"
        );
    }
}

#[test]
fn send_can_message_refuses_frames_slcan_cannot_carry() {
    let mut b = Bench::new();
    let can = b.canable();
    let f = flow(
        &[
            ("connect", "CANABLE_CONNECT", json!({"CAN_address": "bus"})),
            ("fd", "CREATE_CAN_MESSAGE", json!({"frame_id": 5, "data": "1,2", "can_fd": true})),
            ("send", "SEND_CAN_MESSAGE", json!({"CAN_address": "bus"})),
        ],
        &[("connect", "default", "send", "default"), ("fd", "default", "send", "message")],
    );
    let r = b.run(&f, &RunOptions::default());
    assert_eq!(r.status, RunStatus::Failed, "{}", r.summary());
    assert_eq!(
        r.by_label("send").unwrap().error.as_deref().unwrap(),
        "row 0 is a CAN FD frame, which an slcan adapter cannot send"
    );
    assert_eq!(can.commands(), ["C", "S6", "O"]);
}
