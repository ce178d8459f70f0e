//! A scripted USB488 instrument at the `UsbDevice` boundary, for tests and benchmarks: it
//! parses the host's bulk headers and class requests the way a real instrument does
//! (rejecting malformed ones), keeps an output queue and an error queue, sends its answers
//! in packet-sized pieces with a zero-length packet where USB needs one, and does what the
//! USBTMC spec says on aborts and clears. Answers come from a script; faults are queued.
//! Everything the host did is logged for the tests to check.
#![allow(dead_code, clippy::unwrap_used)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Poll, Waker};

use futures::future::{LocalBoxFuture, poll_fn};
use runtime::devices::usbtmc::UsbtmcInterface;
use runtime::devices::usbtmc::control::{self, Capabilities, Status, Usb488Capabilities};
use runtime::devices::usbtmc::header::{self, HEADER_LEN, InHeader};
use runtime::devices::{
    ControlSetup, DeviceError, Direction, EndpointKind, UsbDevice, UsbEndpointInfo, UsbInfo, UsbInterfaceInfo,
};

pub const BULK_OUT: u8 = 1;
pub const BULK_IN: u8 = 2;
pub const INTERRUPT_IN: u8 = 3;
pub const INTERFACE: u8 = 0;

/// What the script answers to a message.
pub enum Reply {
    /// A text answer (a newline is added).
    Text(String),
    /// Answer bytes as they are (binary blocks), shared so a big waveform is built once.
    Bytes(Rc<Vec<u8>>),
    /// A command that needs no answer.
    Done,
    /// A query the instrument never answers (it sits on the request until aborted).
    Silent,
    /// Not understood: error -113 goes into the error queue.
    Unknown,
}

/// One-shot faults, taken in order by the operation they concern.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// The next Bulk-OUT transfer never completes, until INITIATE_ABORT_BULK_OUT (which
    /// then fails it with a stall and halts the endpoint).
    StuckOut,
    /// The next answer transfer carries another bTag.
    WrongTag,
    /// The next answer transfer's bTagInverse is corrupt.
    BadInverse,
    /// The next answer transfer sends one byte more than the request allowed.
    Oversize,
    /// The next INITIATE_ABORT_BULK_IN answers STATUS_TRANSFER_NOT_IN_PROGRESS.
    AbortRefused,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub packet: usize,
    pub term_char: bool,
    pub interrupt: bool,
    /// Send the 0–3 alignment bytes after each answer transfer (the spec allows both).
    pub pad_in: bool,
    /// Hand the host at most this many packets per Bulk-IN read (a host that returns
    /// transfers in pieces).
    pub max_packets_per_read: Option<usize>,
    pub idn: String,
    /// The USB descriptors' vendor and product ids and strings.
    pub vendor_id: u16,
    pub product_id: u16,
    pub manufacturer: String,
    pub product: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            packet: 512,
            term_char: true,
            interrupt: true,
            pad_in: true,
            max_packets_per_read: None,
            idn: "KEITHLEY INSTRUMENTS,MODEL 2450,04512345,1.7.3c".into(),
            vendor_id: 0x05E6,
            product_id: 0x2450,
            manufacturer: "Keithley Instruments".into(),
            product: "Model 2450".into(),
        }
    }
}

/// What the host did.
#[derive(Default, Debug)]
pub struct Log {
    /// Whole messages received (DEV_DEP_MSG_OUT up to EOM), as text.
    pub messages: Vec<String>,
    /// Every Bulk-OUT header's bTag, in order.
    pub tags: Vec<u8>,
    /// DEV_DEP_MSG_OUT transfer sizes (TransferSize), in order.
    pub out_sizes: Vec<u32>,
    /// REQUEST_DEV_DEP_MSG_IN: (bTag, TransferSize, TermChar).
    pub requests: Vec<(u8, u32, Option<u8>)>,
    /// Class/standard control requests: (bRequest, wValue, wIndex).
    pub controls: Vec<(u8, u16, u16)>,
    pub halts_cleared: Vec<(Direction, u8)>,
    /// Bulk-IN reads and the lengths asked.
    pub in_lengths: Vec<u32>,
    /// Malformed things the host sent (a real device would stall): should stay empty.
    pub host_errors: Vec<String>,
    pub triggers: usize,
}

type Script = Box<dyn FnMut(&str) -> Reply>;

struct Answer {
    bytes: Rc<Vec<u8>>,
    pos: usize,
}

struct State {
    cfg: Config,
    caps: Capabilities,
    script: Script,
    errors: VecDeque<(i32, String)>,
    faults: VecDeque<Fault>,
    log: Log,
    incoming: Vec<u8>,
    output: Option<Answer>,
    /// A REQUEST_DEV_DEP_MSG_IN waiting for output: (bTag, TransferSize, TermChar).
    request: Option<(u8, u32, Option<u8>)>,
    /// Answer transfers on their way to the host; the front one partly read.
    pipe: VecDeque<Vec<u8>>,
    pipe_pos: usize,
    interrupt: VecDeque<Vec<u8>>,
    out_stuck: bool,
    out_halted: bool,
    unplug_after: Option<usize>,
    unplugged: bool,
    wakers: Vec<Waker>,
}

impl State {
    fn wake(&mut self) {
        for w in self.wakers.drain(..) {
            w.wake();
        }
    }

    fn take_fault(&mut self, f: &Fault) -> bool {
        if self.faults.front() == Some(f) {
            self.faults.pop_front();
            true
        } else {
            false
        }
    }

    fn receive(&mut self, data: &[u8]) -> Result<(), String> {
        if data.len() < HEADER_LEN {
            return Err(format!("a {}-byte Bulk-OUT transfer has no header", data.len()));
        }
        let (msg_id, tag) = (data[0], data[1]);
        if data[2] != !tag || data[3] != 0 {
            return Err(format!("bad bTagInverse/reserved in {:02x?}", &data[..4]));
        }
        if tag == 0 {
            return Err("bTag 0".into());
        }
        if self.log.tags.last() == Some(&tag) {
            return Err(format!("bTag {tag} repeated"));
        }
        self.log.tags.push(tag);
        let size = u32::from_le_bytes([data[4], data[5], data[6], data[7]]);
        match msg_id {
            header::DEV_DEP_MSG_OUT => {
                let size = size as usize;
                if size == 0 || data.len() != HEADER_LEN + size + header::padding(size) {
                    return Err(format!("DEV_DEP_MSG_OUT of {} bytes announces {size}", data.len()));
                }
                if data[HEADER_LEN + size..].iter().any(|b| *b != 0) || data[9..12] != [0, 0, 0] {
                    return Err("non-zero padding or reserved bytes".into());
                }
                self.log.out_sizes.push(size as u32);
                self.incoming.extend_from_slice(&data[HEADER_LEN..HEADER_LEN + size]);
                if data[8] & header::ATTR_EOM != 0 {
                    let msg = std::mem::take(&mut self.incoming);
                    self.handle(&msg);
                }
            }
            header::REQUEST_DEV_DEP_MSG_IN => {
                if data.len() != HEADER_LEN {
                    return Err("REQUEST_DEV_DEP_MSG_IN is not 12 bytes".into());
                }
                let term = (data[8] & header::ATTR_TERM_CHAR != 0).then_some(data[9]);
                if term.is_some() && !self.caps.term_char {
                    return Err("TermChar asked of a device without the capability".into());
                }
                self.log.requests.push((tag, size, term));
                self.request = Some((tag, size, term));
                self.serve();
            }
            header::TRIGGER => self.log.triggers += 1,
            other => return Err(format!("MsgID {other}")),
        }
        Ok(())
    }

    fn handle(&mut self, msg: &[u8]) {
        let text = String::from_utf8_lossy(msg).trim_end_matches(['\n', '\r']).to_owned();
        self.log.messages.push(text.clone());
        let t = text.trim().to_ascii_uppercase();
        let reply = match t.as_str() {
            "SYST:ERR?" | "SYSTEM:ERROR?" | ":SYST:ERR?" => {
                let (code, m) = self.errors.pop_front().unwrap_or((0, "No error".into()));
                Reply::Text(format!("{code},\"{m}\""))
            }
            "*IDN?" => Reply::Text(self.cfg.idn.clone()),
            "*CLS" => {
                self.errors.clear();
                Reply::Done
            }
            _ => (self.script)(&text),
        };
        let bytes = match reply {
            Reply::Text(s) => Rc::new(format!("{s}\n").into_bytes()),
            Reply::Bytes(b) => b,
            Reply::Done | Reply::Silent => return,
            Reply::Unknown => {
                self.errors.push_back((-113, format!("Undefined header;{text}")));
                return;
            }
        };
        // a new answer replaces an unread one (488.2 would report -410 Query INTERRUPTED)
        self.output = Some(Answer { bytes, pos: 0 });
        self.serve();
    }

    /// Sends an answer transfer if a request and output are both there.
    fn serve(&mut self) {
        let (Some((tag, max, term)), Some(out)) = (self.request, self.output.as_mut()) else { return };
        let rest = &out.bytes[out.pos..];
        let mut n = rest.len().min(max as usize);
        let mut ended_at_term = false;
        if let Some(c) = term
            && let Some(i) = rest[..n].iter().position(|b| *b == c)
        {
            n = i + 1;
            ended_at_term = true;
        }
        let eom = out.pos + n == out.bytes.len();
        let mut declared = n as u32;
        let mut payload_end = out.pos + n;
        if self.faults.front() == Some(&Fault::Oversize) {
            self.faults.pop_front();
            declared = max + 1;
            payload_end = (out.pos + max as usize + 1).min(out.bytes.len());
        }
        let mut h =
            InHeader { msg_id: header::DEV_DEP_MSG_IN, tag, transfer_size: declared, eom, term_char: ended_at_term }
                .to_bytes();
        if self.faults.front() == Some(&Fault::WrongTag) {
            self.faults.pop_front();
            let wrong = if tag == 255 { 1 } else { tag + 1 };
            h[1] = wrong;
            h[2] = !wrong;
        } else if self.faults.front() == Some(&Fault::BadInverse) {
            self.faults.pop_front();
            h[2] ^= 0x40;
        }
        let body = &out.bytes[out.pos..payload_end];
        let mut t = Vec::with_capacity(HEADER_LEN + body.len() + 3);
        t.extend_from_slice(&h);
        t.extend_from_slice(body);
        if self.cfg.pad_in {
            t.resize(t.len() + header::padding(body.len()), 0);
        }
        out.pos += n;
        if out.pos >= out.bytes.len() {
            self.output = None;
        }
        self.request = None;
        self.pipe.push_back(t);
        self.wake();
    }

    /// One Bulk-IN read of up to `len` bytes, like a host controller: whole packets, ending
    /// early at a short packet; a transfer that ends on a packet boundary is ended by a
    /// zero-length packet, which a read that asked for exactly its bytes leaves queued.
    fn read_in(&mut self, len: usize) -> Option<Vec<u8>> {
        let packet = self.cfg.packet;
        let front = self.pipe.front()?;
        let remaining = front.len() - self.pipe_pos;
        let mut limit = len;
        if let Some(p) = self.cfg.max_packets_per_read {
            limit = limit.min(p * packet);
        }
        let take = remaining.min(limit);
        let chunk = front[self.pipe_pos..self.pipe_pos + take].to_vec();
        if take == remaining {
            self.pipe.pop_front();
            self.pipe_pos = 0;
            if take == limit && take > 0 && take.is_multiple_of(packet) {
                self.pipe.push_front(Vec::new());
            }
        } else {
            self.pipe_pos += take;
        }
        Some(chunk)
    }

    fn control(&mut self, s: &ControlSetup) -> Result<Vec<u8>, DeviceError> {
        self.log.controls.push((s.request, s.value, s.index));
        let ok = |b: Status| b.to_byte();
        let ep_in = 0x80 | u16::from(BULK_IN);
        let tag = (s.value & 0xFF) as u8;
        Ok(match (s.request_type.as_str(), s.request) {
            ("class", control::GET_CAPABILITIES) => self.caps.to_reply(),
            ("class", control::INITIATE_ABORT_BULK_IN) if s.index == ep_in => {
                if self.take_fault(&Fault::AbortRefused) {
                    vec![ok(Status::TransferNotInProgress), tag]
                } else if self.request.is_some_and(|r| r.0 == tag) {
                    // waiting on this request: abort it; a zero-length packet ends the transfer
                    self.request = None;
                    self.output = None;
                    self.pipe.push_back(Vec::new());
                    self.wake();
                    vec![ok(Status::Success), tag]
                } else if !self.pipe.is_empty() {
                    // the transfer under way is cut short; what is queued stays to be drained
                    self.output = None;
                    vec![ok(Status::Success), tag]
                } else {
                    vec![ok(Status::Failed), tag]
                }
            }
            ("class", control::CHECK_ABORT_BULK_IN_STATUS) if s.index == ep_in => {
                if self.pipe.is_empty() {
                    vec![ok(Status::Success), 0, 0, 0, 0, 0, 0, 0]
                } else {
                    vec![ok(Status::Pending), 1, 0, 0, 0, 0, 0, 0]
                }
            }
            ("class", control::INITIATE_ABORT_BULK_OUT) if s.index == u16::from(BULK_OUT) => {
                if self.out_stuck {
                    self.out_stuck = false;
                    self.out_halted = true;
                    self.incoming.clear();
                    self.wake();
                    vec![ok(Status::Success), tag]
                } else {
                    vec![ok(Status::Failed), tag]
                }
            }
            ("class", control::CHECK_ABORT_BULK_OUT_STATUS) if s.index == u16::from(BULK_OUT) => {
                vec![ok(Status::Success), 0, 0, 0, 0, 0, 0, 0]
            }
            ("class", control::INITIATE_CLEAR) if s.index == u16::from(INTERFACE) => {
                self.incoming.clear();
                self.output = None;
                self.request = None;
                if self.out_stuck {
                    self.out_stuck = false;
                    self.out_halted = true;
                    self.wake();
                }
                vec![ok(Status::Success)]
            }
            ("class", control::CHECK_CLEAR_STATUS) if s.index == u16::from(INTERFACE) => {
                if self.pipe.is_empty() {
                    vec![ok(Status::Success), 0]
                } else {
                    vec![ok(Status::Pending), 1]
                }
            }
            ("class", control::READ_STATUS_BYTE) if s.index == u16::from(INTERFACE) => {
                let stb = self.status_byte();
                if self.cfg.interrupt {
                    self.interrupt.push_back(vec![0x80 | tag, stb]);
                    self.wake();
                    vec![ok(Status::Success), tag, 0]
                } else {
                    vec![ok(Status::Success), tag, stb]
                }
            }
            _ => return Err(DeviceError::Io("the device stalled the transfer".into())),
        })
    }

    /// MAV (bit 4) when an answer waits; EAV (bit 2) when the error queue is not empty.
    fn status_byte(&self) -> u8 {
        (if self.output.is_some() || !self.pipe.is_empty() { 0x10 } else { 0 })
            | (if self.errors.is_empty() { 0 } else { 0x04 })
    }
}

/// The instrument. Clones share it.
#[derive(Clone)]
pub struct Instrument {
    st: Rc<RefCell<State>>,
}

impl Instrument {
    pub fn new(cfg: Config, script: impl FnMut(&str) -> Reply + 'static) -> Instrument {
        let caps = Capabilities {
            bcd_usbtmc: 0x0100,
            term_char: cfg.term_char,
            usb488: Some(Usb488Capabilities {
                bcd_usb488: 0x0100,
                ieee488_2: true,
                remote_local: true,
                trigger: true,
                scpi: true,
                service_request: cfg.interrupt,
                remote_local_rl1: true,
                device_trigger_dt1: true,
            }),
            ..Capabilities::default()
        };
        Instrument {
            st: Rc::new(RefCell::new(State {
                cfg,
                caps,
                script: Box::new(script),
                errors: VecDeque::new(),
                faults: VecDeque::new(),
                log: Log::default(),
                incoming: Vec::new(),
                output: None,
                request: None,
                pipe: VecDeque::new(),
                pipe_pos: 0,
                interrupt: VecDeque::new(),
                out_stuck: false,
                out_halted: false,
                unplug_after: None,
                unplugged: false,
                wakers: Vec::new(),
            })),
        }
    }

    /// The descriptors a host would report for it.
    pub fn info(&self, serial: &str) -> UsbInfo {
        let st = self.st.borrow();
        let packet = st.cfg.packet as u16;
        let mut endpoints = vec![
            UsbEndpointInfo {
                number: BULK_OUT,
                direction: Direction::Out,
                kind: EndpointKind::Bulk,
                packet_size: packet,
            },
            UsbEndpointInfo {
                number: BULK_IN,
                direction: Direction::In,
                kind: EndpointKind::Bulk,
                packet_size: packet,
            },
        ];
        if st.cfg.interrupt {
            endpoints.push(UsbEndpointInfo {
                number: INTERRUPT_IN,
                direction: Direction::In,
                kind: EndpointKind::Interrupt,
                packet_size: 8,
            });
        }
        UsbInfo {
            vendor_id: st.cfg.vendor_id,
            product_id: st.cfg.product_id,
            serial_number: Some(serial.to_owned()),
            manufacturer: Some(st.cfg.manufacturer.clone()),
            product: Some(st.cfg.product.clone()),
            interfaces: vec![UsbInterfaceInfo {
                number: INTERFACE,
                alternate: 0,
                class: 0xFE,
                subclass: 3,
                protocol: 1,
                endpoints,
            }],
        }
    }

    pub fn interface(&self) -> UsbtmcInterface {
        UsbtmcInterface::find(&self.info("x")).unwrap()
    }

    pub fn fault(&self, f: Fault) {
        self.st.borrow_mut().faults.push_back(f);
    }

    /// Announces a service request on the interrupt endpoint (bNotify1 0x81).
    pub fn service_request(&self, stb: u8) {
        let mut st = self.st.borrow_mut();
        st.interrupt.push_back(vec![0x81, stb]);
        st.wake();
    }

    pub fn push_error(&self, code: i32, message: &str) {
        self.st.borrow_mut().errors.push_back((code, message.into()));
    }

    /// Unplugs after `bytes` more Bulk-IN bytes (0: now).
    pub fn unplug_after(&self, bytes: usize) {
        let mut st = self.st.borrow_mut();
        st.unplug_after = Some(bytes);
        if bytes == 0 {
            st.unplugged = true;
            st.wake();
        }
    }

    pub fn log<R>(&self, f: impl FnOnce(&Log) -> R) -> R {
        f(&self.st.borrow().log)
    }

    pub fn clear_log(&self) {
        self.st.borrow_mut().log = Log::default();
    }

    /// Nothing is waiting to be read or sent (the instrument is idle).
    pub fn idle(&self) -> bool {
        let st = self.st.borrow();
        st.pipe.is_empty() && st.output.is_none() && st.request.is_none() && st.incoming.is_empty()
    }
}

impl UsbDevice for Instrument {
    fn transfer_in(&self, endpoint: u8, length: u32) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        let st = self.st.clone();
        {
            let mut s = st.borrow_mut();
            if endpoint == BULK_IN {
                s.log.in_lengths.push(length);
                if !(length as usize).is_multiple_of(s.cfg.packet) {
                    let e = format!("a Bulk-IN read of {length} bytes is not whole packets");
                    s.log.host_errors.push(e);
                }
            }
        }
        Box::pin(poll_fn(move |cx| {
            let mut s = st.borrow_mut();
            if s.unplugged {
                return Poll::Ready(Err(DeviceError::Disconnected));
            }
            let got = match endpoint {
                BULK_IN => s.read_in(length as usize),
                INTERRUPT_IN => s.interrupt.pop_front(),
                other => return Poll::Ready(Err(DeviceError::Io(format!("no IN endpoint {other}")))),
            };
            match got {
                Some(mut chunk) => {
                    if let Some(left) = s.unplug_after {
                        if chunk.len() >= left {
                            chunk.truncate(left);
                            s.unplugged = true;
                            s.wake();
                            if chunk.is_empty() {
                                return Poll::Ready(Err(DeviceError::Disconnected));
                            }
                        } else {
                            s.unplug_after = Some(left - chunk.len());
                        }
                    }
                    Poll::Ready(Ok(chunk))
                }
                None => {
                    s.wakers.push(cx.waker().clone());
                    Poll::Pending
                }
            }
        }))
    }

    fn transfer_out(&self, endpoint: u8, data: Vec<u8>) -> LocalBoxFuture<'static, Result<u32, DeviceError>> {
        let st = self.st.clone();
        let n = data.len() as u32;
        let stuck = {
            let mut s = st.borrow_mut();
            if s.unplugged {
                return Box::pin(async { Err(DeviceError::Disconnected) });
            }
            if endpoint != BULK_OUT {
                return Box::pin(async move { Err(DeviceError::Io(format!("no OUT endpoint {endpoint}"))) });
            }
            if s.out_halted {
                return Box::pin(async { Err(DeviceError::Io("the device stalled the transfer (halted)".into())) });
            }
            if s.take_fault(&Fault::StuckOut) {
                s.out_stuck = true;
                true
            } else {
                if let Err(e) = s.receive(&data) {
                    s.log.host_errors.push(e.clone());
                    return Box::pin(async move { Err(DeviceError::Io(format!("the device stalled: {e}"))) });
                }
                false
            }
        };
        if !stuck {
            return Box::pin(async move { Ok(n) });
        }
        Box::pin(poll_fn(move |cx| {
            let mut s = st.borrow_mut();
            if s.unplugged {
                Poll::Ready(Err(DeviceError::Disconnected))
            } else if s.out_stuck {
                s.wakers.push(cx.waker().clone());
                Poll::Pending
            } else {
                Poll::Ready(Err(DeviceError::Io("the device stalled the transfer".into())))
            }
        }))
    }

    fn control_in(&self, setup: ControlSetup, length: u16) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        let r = {
            let mut s = self.st.borrow_mut();
            if s.unplugged {
                Err(DeviceError::Disconnected)
            } else {
                s.control(&setup).map(|mut b| {
                    b.truncate(usize::from(length));
                    b
                })
            }
        };
        Box::pin(async move { r })
    }

    fn control_out(&self, setup: ControlSetup, _data: Vec<u8>) -> LocalBoxFuture<'static, Result<u32, DeviceError>> {
        self.st.borrow_mut().log.controls.push((setup.request, setup.value, setup.index));
        Box::pin(async { Err(DeviceError::Io("the device stalled the transfer".into())) })
    }

    fn clear_halt(&self, direction: Direction, endpoint: u8) -> LocalBoxFuture<'static, Result<(), DeviceError>> {
        let mut s = self.st.borrow_mut();
        let r = if s.unplugged {
            Err(DeviceError::Disconnected)
        } else {
            s.log.halts_cleared.push((direction, endpoint));
            if direction == Direction::Out && endpoint == BULK_OUT {
                s.out_halted = false;
            }
            Ok(())
        };
        Box::pin(async move { r })
    }
}
