//! USBTMC (USB Test and Measurement Class 1.0, with its USB488 1.0 subclass): how nearly
//! every bench instrument on USB takes commands and answers, over any [`UsbDevice`] (WebUSB in
//! the page). Byte-level and host-agnostic, so it is tested natively against a scripted
//! instrument.
//!
//! - [`header`]: bulk headers, bTag sequence, padding. [`control`]: class requests.
//!   [`discovery`]: finding the USBTMC interface of a granted device.
//! - [`Usbtmc`]: one instrument's session. A command goes out as DEV_DEP_MSG_OUT transfers of
//!   at most [`UsbtmcOptions::max_transfer`] bytes, the last with EOM. An answer is read by
//!   REQUEST_DEV_DEP_MSG_IN + DEV_DEP_MSG_IN pairs until a transfer has EOM (or ends at the
//!   TermChar, when asked for and the device supports it); each reply's bTag/bTagInverse is
//!   checked against the request's.
//! - Every transfer is raced against the host's timer. WebUSB transfers cannot be cancelled,
//!   so a transfer that timed out is kept, not dropped, and the session's next read of that
//!   endpoint continues it: no byte it later brings is lost to a forgotten transfer.
//! - On a timeout the session aborts the transfer (INITIATE_ABORT_BULK_IN/OUT, draining and
//!   polling CHECK_ABORT_BULK_*_STATUS, clearing the Bulk-OUT halt); on a protocol violation
//!   (wrong bTag, bad header, more bytes than asked for) or when an abort fails it clears the
//!   instrument (INITIATE_CLEAR, CHECK_CLEAR_STATUS, clear halt). Every wait is bounded, so a
//!   stuck instrument gives an error and is usable again, never a hang. A disconnected
//!   device fails fast from then on.
//!
//! Sessions share nothing: several instruments are several [`Usbtmc`]s.

pub mod control;
pub mod discovery;
pub mod header;
mod recovery;

use std::rc::Rc;

use futures::future::{Either, LocalBoxFuture, select};

pub use control::{Capabilities, Status, Usb488Capabilities};
pub use discovery::{UsbInstrument, UsbtmcInterface, usb_instruments};
pub use recovery::Recovery;

use super::timer::{Timer, within};
use super::{DeviceError, UsbDevice};
use header::{HEADER_LEN, InHeader, Tags};

/// A transfer under way.
type Transfer<T> = LocalBoxFuture<'static, Result<T, DeviceError>>;

/// How a session moves bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct UsbtmcOptions {
    /// The most message bytes in one transfer, each way: longer commands are split into
    /// several DEV_DEP_MSG_OUT transfers, and each REQUEST_DEV_DEP_MSG_IN asks for at most
    /// this many. USBTMC has no descriptor for it; 1 MiB is what instruments take.
    pub max_transfer: u32,
    /// The longest answer accepted (an instrument that never sets EOM cannot fill memory).
    pub max_message: usize,
    /// How long each control request and each drain read of a recovery may take.
    pub recovery_timeout_ms: f64,
    /// The wait between CHECK_*_STATUS requests while the instrument says STATUS_PENDING.
    pub poll_interval_ms: f64,
    /// How many CHECK_*_STATUS requests before giving up on an abort or clear.
    pub max_polls: u32,
}

impl Default for UsbtmcOptions {
    fn default() -> Self {
        UsbtmcOptions {
            max_transfer: 1 << 20,
            max_message: 1 << 30,
            recovery_timeout_ms: 1000.0,
            poll_interval_ms: 10.0,
            max_polls: 100,
        }
    }
}

/// What went wrong talking to an instrument, and what the session did about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TmcError {
    /// Unplugged (or lost by the browser). Every later call fails at once with this.
    #[error("the instrument was disconnected {during}: plug it back in and run again")]
    Disconnected { during: &'static str },
    #[error("the instrument did not respond within {seconds} s {during}; {recovery}")]
    Timeout { during: &'static str, seconds: f64, recovery: Recovery },
    #[error("the instrument broke the USBTMC protocol {during}: {detail}; {recovery}")]
    Protocol { during: &'static str, detail: String, recovery: Recovery },
    /// The host reported a failed transfer (a stall, babble, …).
    #[error("the USB transfer failed {during}: {error}; {recovery}")]
    Transfer { during: &'static str, error: DeviceError, recovery: Recovery },
    /// A request the instrument answered with an error status, or does not support.
    #[error("the instrument refused {request}: {why}")]
    Refused { request: &'static str, why: String },
}

const SENDING: &str = "while taking a command";
const ANSWERING: &str = "while sending its answer";
const STATUS: &str = "while reading its status byte";
const CLEARING: &str = "while being cleared";
const EARLIER: &str = "during an earlier transfer";

/// Why a transfer did not complete (before recovery).
enum Fault {
    Timeout,
    Protocol(String),
    Device(DeviceError),
}

/// Bytes asked for by a first read of an answer: small answers need no big buffers.
const FIRST_READ: usize = 64 * 1024;

/// One instrument's USBTMC session. Methods take `&mut self`: one command or query at a
/// time (share a session behind a lock).
pub struct Usbtmc {
    device: Rc<dyn UsbDevice>,
    interface: UsbtmcInterface,
    capabilities: Option<Capabilities>,
    options: UsbtmcOptions,
    tags: Tags,
    last_write_tag: u8,
    last_request_tag: u8,
    /// READ_STATUS_BYTE's own bTag, 2 to 127.
    status_tag: u8,
    /// A service request the interrupt endpoint announced (its status byte) while the
    /// session waited for a READ_STATUS_BYTE answer.
    service_request: Option<u8>,
    pending_in: Option<Transfer<Vec<u8>>>,
    pending_out: Option<Transfer<u32>>,
    pending_interrupt: Option<Transfer<Vec<u8>>>,
    disconnected: bool,
}

impl Usbtmc {
    /// A session on an opened device whose USBTMC `interface` is claimed, without asking
    /// for its capabilities (so TermChar is never used).
    pub fn new(device: Rc<dyn UsbDevice>, interface: UsbtmcInterface, options: UsbtmcOptions) -> Usbtmc {
        Usbtmc {
            device,
            interface,
            capabilities: None,
            options,
            tags: Tags::new(),
            last_write_tag: 0,
            last_request_tag: 0,
            status_tag: 1,
            service_request: None,
            pending_in: None,
            pending_out: None,
            pending_interrupt: None,
            disconnected: false,
        }
    }

    /// A session that first asks GET_CAPABILITIES (what [`Usbtmc::capabilities`] then
    /// returns). A device that does not answer it is still usable, without TermChar; a
    /// disconnected one is an error.
    pub async fn open(
        timer: &(impl Timer + ?Sized),
        device: Rc<dyn UsbDevice>,
        interface: UsbtmcInterface,
        options: UsbtmcOptions,
    ) -> Result<Usbtmc, TmcError> {
        let mut s = Usbtmc::new(device, interface, options);
        let setup = control::to_interface(control::GET_CAPABILITIES, 0, s.interface.number);
        if let Ok(reply) = s.control_in(timer, setup, control::CAPABILITIES_REPLY_LEN).await {
            s.capabilities = Capabilities::parse(&reply, s.interface.usb488).ok();
        }
        if s.disconnected {
            return Err(TmcError::Disconnected { during: "while being opened" });
        }
        Ok(s)
    }

    /// GET_CAPABILITIES's answer, when the session asked and the device answered.
    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.capabilities.as_ref()
    }

    pub fn interface(&self) -> &UsbtmcInterface {
        &self.interface
    }

    pub fn options(&self) -> &UsbtmcOptions {
        &self.options
    }

    /// The device this session talks to.
    pub fn device(&self) -> &Rc<dyn UsbDevice> {
        &self.device
    }

    /// The bTag of the last Bulk-OUT header sent (0 before the first).
    pub fn last_tag(&self) -> u8 {
        self.tags.last()
    }

    /// Whether the device was found disconnected.
    pub fn is_disconnected(&self) -> bool {
        self.disconnected
    }

    /// A service request (SRQ) the instrument announced on its interrupt endpoint, with the
    /// status byte it came with; taken once.
    pub fn take_service_request(&mut self) -> Option<u8> {
        self.service_request.take()
    }

    fn supports_term_char(&self) -> bool {
        self.capabilities.as_ref().is_some_and(|c| c.term_char)
    }

    fn alive(&self) -> Result<(), TmcError> {
        if self.disconnected { Err(TmcError::Disconnected { during: EARLIER }) } else { Ok(()) }
    }

    /// Sends `data` as one device-dependent message: DEV_DEP_MSG_OUT transfers of at most
    /// `max_transfer` bytes each, EOM on the last. Each transfer may take `timeout_ms`; one
    /// that does not finish is aborted (INITIATE_ABORT_BULK_OUT) before the error returns.
    /// Nothing is sent for empty `data`.
    pub async fn write(&mut self, timer: &(impl Timer + ?Sized), data: &[u8], timeout_ms: f64) -> Result<(), TmcError> {
        self.alive()?;
        let max = self.options.max_transfer.max(1) as usize;
        let count = data.len().div_ceil(max);
        for (i, chunk) in data.chunks(max).enumerate() {
            let tag = self.tags.next();
            self.last_write_tag = tag;
            let transfer = header::dev_dep_msg_out(tag, chunk, i + 1 == count);
            if let Err(fault) = self.bulk_out(timer, timeout_ms, transfer).await {
                return Err(self.recover_out(timer, fault, tag, timeout_ms, SENDING).await);
            }
        }
        Ok(())
    }

    /// Reads one whole answer: REQUEST_DEV_DEP_MSG_IN, then its DEV_DEP_MSG_IN transfer,
    /// again until a transfer carries EOM, or ends at `term_char` (used only when the device
    /// supports TermChar; `None` for binary answers). `timeout_ms` bounds each wait for the
    /// instrument, so a long waveform that keeps coming does not time out. On a timeout the
    /// transfer is aborted (INITIATE_ABORT_BULK_IN); on a protocol violation the instrument
    /// is cleared (INITIATE_CLEAR); the error says which.
    pub async fn read(
        &mut self,
        timer: &(impl Timer + ?Sized),
        timeout_ms: f64,
        term_char: Option<u8>,
    ) -> Result<Vec<u8>, TmcError> {
        self.alive()?;
        let term_char = term_char.filter(|_| self.supports_term_char());
        let max = self.options.max_transfer.max(1);
        let mut message = Vec::new();
        loop {
            let tag = self.tags.next();
            self.last_request_tag = tag;
            let request = header::request_dev_dep_msg_in(tag, max, term_char).to_vec();
            if let Err(fault) = self.bulk_out(timer, timeout_ms, request).await {
                return Err(self.recover_out(timer, fault, tag, timeout_ms, ANSWERING).await);
            }
            let got = match self.read_transfer(timer, timeout_ms, tag, max, &mut message).await {
                Ok(h) => h,
                Err(fault) => return Err(self.recover_in(timer, fault, tag, timeout_ms, ANSWERING).await),
            };
            if got.eom || (term_char.is_some() && got.term_char) {
                return Ok(message);
            }
            let fault = if got.transfer_size == 0 {
                Some("it sent an empty transfer that does not end its answer".to_owned())
            } else if message.len() > self.options.max_message {
                Some(format!("its answer is longer than {} bytes", self.options.max_message))
            } else {
                None
            };
            if let Some(detail) = fault {
                return Err(self.recover_in(timer, Fault::Protocol(detail), tag, timeout_ms, ANSWERING).await);
            }
        }
    }

    /// [`Usbtmc::write`] then [`Usbtmc::read`].
    pub async fn query(
        &mut self,
        timer: &(impl Timer + ?Sized),
        data: &[u8],
        timeout_ms: f64,
        term_char: Option<u8>,
    ) -> Result<Vec<u8>, TmcError> {
        self.write(timer, data, timeout_ms).await?;
        self.read(timer, timeout_ms, term_char).await
    }

    /// USB488's TRIGGER message (like `*TRG`), for devices whose capabilities list it.
    pub async fn trigger(&mut self, timer: &(impl Timer + ?Sized), timeout_ms: f64) -> Result<(), TmcError> {
        self.alive()?;
        if !self.capabilities.as_ref().and_then(|c| c.usb488.as_ref()).is_some_and(|u| u.trigger) {
            return Err(TmcError::Refused {
                request: "TRIGGER",
                why: "it does not list the USB488 TRIGGER capability: send *TRG instead".into(),
            });
        }
        let tag = self.tags.next();
        self.last_write_tag = tag;
        if let Err(fault) = self.bulk_out(timer, timeout_ms, header::trigger(tag).to_vec()).await {
            return Err(self.recover_out(timer, fault, tag, timeout_ms, SENDING).await);
        }
        Ok(())
    }

    /// USB488 READ_STATUS_BYTE: the IEEE 488.2 status byte (MAV, ESB, RQS, …) without a
    /// query. Devices with an interrupt-IN endpoint answer there (a notification with
    /// bNotify1 = 0x80 | bTag); others in the control reply. A service request notification
    /// met on the way is kept for [`Usbtmc::take_service_request`].
    pub async fn read_status_byte(&mut self, timer: &(impl Timer + ?Sized), timeout_ms: f64) -> Result<u8, TmcError> {
        self.alive()?;
        // bTag 1 is the interrupt endpoint's SRQ notification, so READ_STATUS_BYTE uses 2..=127
        self.status_tag = if (2..127).contains(&self.status_tag) { self.status_tag + 1 } else { 2 };
        let tag = self.status_tag;
        let setup = control::to_interface(control::READ_STATUS_BYTE, u16::from(tag), self.interface.number);
        let reply = match within(timer, timeout_ms, self.device.control_in(setup, control::STATUS_BYTE_REPLY_LEN)).await
        {
            None => {
                return Err(TmcError::Timeout {
                    during: STATUS,
                    seconds: timeout_ms / 1000.0,
                    recovery: Recovery::Nothing,
                });
            }
            Some(Err(DeviceError::Disconnected)) => {
                self.disconnected = true;
                return Err(TmcError::Disconnected { during: STATUS });
            }
            Some(Err(e)) => return Err(TmcError::Refused { request: "READ_STATUS_BYTE", why: e.to_string() }),
            Some(Ok(r)) => r,
        };
        let status = Status::from_byte(reply.first().copied().unwrap_or(0));
        match status {
            Status::Success => {}
            Status::InterruptInBusy => {
                return Err(TmcError::Refused {
                    request: "READ_STATUS_BYTE",
                    why: "it is still sending the answer to an earlier one (STATUS_INTERRUPT_IN_BUSY)".into(),
                });
            }
            other => {
                return Err(TmcError::Refused { request: "READ_STATUS_BYTE", why: format!("it answered {other}") });
            }
        }
        let protocol = |detail: String| TmcError::Protocol { during: STATUS, detail, recovery: Recovery::Nothing };
        if reply.get(1) != Some(&tag) {
            return Err(protocol(format!("its READ_STATUS_BYTE reply is for bTag {:?}, not {tag}", reply.get(1))));
        }
        let Some(endpoint) = self.interface.interrupt_in.clone() else {
            return reply
                .get(2)
                .copied()
                .ok_or_else(|| protocol("its READ_STATUS_BYTE reply has no status byte".into()));
        };
        // a few notifications may be queued (service requests) before ours
        for _ in 0..8 {
            let fut = match self.pending_interrupt.take() {
                Some(f) => f,
                None => self.device.transfer_in(endpoint.number, u32::from(endpoint.packet_size.max(2))),
            };
            let note = match select(fut, timer.sleep(timeout_ms)).await {
                Either::Left((Ok(n), _)) => n,
                Either::Left((Err(DeviceError::Disconnected), _)) => {
                    self.disconnected = true;
                    return Err(TmcError::Disconnected { during: STATUS });
                }
                Either::Left((Err(e), _)) => {
                    return Err(TmcError::Transfer { during: STATUS, error: e, recovery: Recovery::Nothing });
                }
                Either::Right((_, fut)) => {
                    self.pending_interrupt = Some(fut);
                    return Err(TmcError::Timeout {
                        during: STATUS,
                        seconds: timeout_ms / 1000.0,
                        recovery: Recovery::Nothing,
                    });
                }
            };
            match note.as_slice() {
                [b1, stb, ..] if *b1 == 0x80 | tag => return Ok(*stb),
                [0x81, stb, ..] => self.service_request = Some(*stb),
                other => {
                    return Err(protocol(format!(
                        "its interrupt endpoint sent {other:02x?}, not the status byte for bTag {tag} (0x{:02x}, …)",
                        0x80 | tag
                    )));
                }
            }
        }
        Err(protocol("its interrupt endpoint sent only service requests, never the status byte".into()))
    }

    /// Device clear (USBTMC INITIATE_CLEAR, then CHECK_CLEAR_STATUS until done, then the
    /// Bulk-OUT halt is cleared): the instrument drops what it had received and what it was
    /// about to send (IEEE 488.2's device clear, VISA's `viClear`).
    pub async fn clear(&mut self, timer: &(impl Timer + ?Sized)) -> Result<(), TmcError> {
        self.alive()?;
        match self.clear_instrument(timer).await {
            Ok(()) => Ok(()),
            Err(_) if self.disconnected => Err(TmcError::Disconnected { during: CLEARING }),
            Err(why) => Err(TmcError::Refused { request: "INITIATE_CLEAR", why }),
        }
    }

    // ---- transfers ---------------------------------------------------------------------

    /// Bytes to ask of a Bulk-IN read that expects at most `max` more bytes of a transfer:
    /// whole packets, strictly more than `max`, so the transfer's end (a short or zero-length
    /// packet) always falls inside this read and never leaves a stray empty packet behind.
    fn in_length(&self, max: usize) -> u32 {
        let packet = usize::from(self.interface.bulk_in.packet_size.max(1));
        let n = (max + 1).div_ceil(packet) * packet;
        u32::try_from(n).unwrap_or(u32::MAX / packet as u32 * packet as u32)
    }

    async fn bulk_in(&mut self, timer: &(impl Timer + ?Sized), timeout_ms: f64, length: u32) -> Result<Vec<u8>, Fault> {
        let fut = match self.pending_in.take() {
            Some(f) => f,
            None => self.device.transfer_in(self.interface.bulk_in.number, length),
        };
        match select(fut, timer.sleep(timeout_ms)).await {
            Either::Left((r, _)) => r.map_err(Fault::Device),
            Either::Right((_, fut)) => {
                self.pending_in = Some(fut);
                Err(Fault::Timeout)
            }
        }
    }

    async fn bulk_out(&mut self, timer: &(impl Timer + ?Sized), timeout_ms: f64, data: Vec<u8>) -> Result<(), Fault> {
        // an earlier transfer that never finished was settled (or given up) by its recovery
        self.pending_out = None;
        let n = data.len();
        let fut = self.device.transfer_out(self.interface.bulk_out.number, data);
        match select(fut, timer.sleep(timeout_ms)).await {
            Either::Left((Ok(w), _)) if w as usize == n => Ok(()),
            Either::Left((Ok(w), _)) => Err(Fault::Protocol(format!("it took {w} of the {n} bytes sent"))),
            Either::Left((Err(e), _)) => Err(Fault::Device(e)),
            Either::Right((_, fut)) => {
                self.pending_out = Some(fut);
                Err(Fault::Timeout)
            }
        }
    }

    /// Reads one DEV_DEP_MSG_IN transfer answering request `tag` (which asked for at most
    /// `requested` bytes), appending its message bytes to `message`.
    async fn read_transfer(
        &mut self,
        timer: &(impl Timer + ?Sized),
        timeout_ms: f64,
        tag: u8,
        requested: u32,
        message: &mut Vec<u8>,
    ) -> Result<InHeader, Fault> {
        let most = HEADER_LEN + requested as usize + 3;
        let mut head: Vec<u8> = Vec::new();
        let mut empty_reads = 0;
        while head.len() < HEADER_LEN {
            let length = self.in_length(if head.is_empty() { most.min(FIRST_READ) } else { most - head.len() });
            let chunk = self.bulk_in(timer, timeout_ms, length).await?;
            if chunk.is_empty() {
                // a zero-length packet that ended an earlier transfer
                empty_reads += 1;
                if empty_reads > 8 {
                    return Err(Fault::Protocol("it keeps sending empty transfers instead of its answer".into()));
                }
            } else if head.is_empty() {
                head = chunk;
            } else {
                head.extend_from_slice(&chunk);
            }
        }
        let mut bytes = [0u8; HEADER_LEN];
        bytes.copy_from_slice(&head[..HEADER_LEN]);
        let h = InHeader::parse(&bytes).map_err(Fault::Protocol)?;
        if h.msg_id != header::DEV_DEP_MSG_IN {
            return Err(Fault::Protocol(format!(
                "it answered with MsgID {} instead of DEV_DEP_MSG_IN ({})",
                h.msg_id,
                header::DEV_DEP_MSG_IN
            )));
        }
        if h.tag != tag {
            return Err(Fault::Protocol(format!("it answered request bTag {tag} with bTag {}", h.tag)));
        }
        if h.transfer_size > requested {
            return Err(Fault::Protocol(format!(
                "it sent {} bytes in one transfer when {requested} were asked for",
                h.transfer_size
            )));
        }
        let size = h.transfer_size as usize;
        let start = message.len();
        let body = &head[HEADER_LEN..];
        let take = body.len().min(size);
        message.reserve(size);
        message.extend_from_slice(&body[..take]);
        let mut extra = body.len() - take;
        while message.len() - start < size {
            let missing = size - (message.len() - start);
            let chunk = self.bulk_in(timer, timeout_ms, self.in_length(missing + 3)).await?;
            if chunk.is_empty() {
                return Err(Fault::Protocol(format!(
                    "it ended a transfer after {} of the {size} bytes its header announced",
                    message.len() - start
                )));
            }
            let take = chunk.len().min(missing);
            message.extend_from_slice(&chunk[..take]);
            extra += chunk.len() - take;
        }
        if extra > 3 {
            message.truncate(start);
            return Err(Fault::Protocol(format!("it sent {extra} bytes more than its header announced ({size})")));
        }
        Ok(h)
    }

    /// A control IN request, bounded by the recovery timeout; notes a disconnection.
    async fn control_in(
        &mut self,
        timer: &(impl Timer + ?Sized),
        setup: super::ControlSetup,
        length: u16,
    ) -> Result<Vec<u8>, String> {
        let name = request_name(setup.request);
        match within(timer, self.options.recovery_timeout_ms, self.device.control_in(setup, length)).await {
            None => Err(format!("{name} got no answer within {} s", self.options.recovery_timeout_ms / 1000.0)),
            Some(Err(DeviceError::Disconnected)) => {
                self.disconnected = true;
                Err("the instrument was disconnected".into())
            }
            Some(Err(e)) => Err(format!("{name} failed: {e}")),
            Some(Ok(r)) if r.is_empty() => Err(format!("{name} answered nothing")),
            Some(Ok(r)) => Ok(r),
        }
    }
}

fn request_name(request: u8) -> &'static str {
    match request {
        control::INITIATE_ABORT_BULK_OUT => "INITIATE_ABORT_BULK_OUT",
        control::CHECK_ABORT_BULK_OUT_STATUS => "CHECK_ABORT_BULK_OUT_STATUS",
        control::INITIATE_ABORT_BULK_IN => "INITIATE_ABORT_BULK_IN",
        control::CHECK_ABORT_BULK_IN_STATUS => "CHECK_ABORT_BULK_IN_STATUS",
        control::INITIATE_CLEAR => "INITIATE_CLEAR",
        control::CHECK_CLEAR_STATUS => "CHECK_CLEAR_STATUS",
        control::GET_CAPABILITIES => "GET_CAPABILITIES",
        control::READ_STATUS_BYTE => "READ_STATUS_BYTE",
        _ => "the control request",
    }
}
