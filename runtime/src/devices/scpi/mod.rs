//! One SCPI session model over either connection an instrument can have in a browser: a
//! serial port (line-terminated text, WebSerial) or USBTMC (WebUSB). Instrument nodes take a
//! [`Scpi`] and never care which.
//!
//! - [`Scpi::write`], [`Scpi::query`] (text), [`Scpi::query_binary`] (an IEEE 488.2 block,
//!   e.g. a waveform), [`Scpi::idn`], [`Scpi::errors`] (draining `SYST:ERR?`), each bounded by
//!   the session's timeout or a per-call one.
//! - [`block`]: the block format and number decoding. [`resource`]: VISA resource names.
//!   [`connect`]: from a node's connection parameter to an open, shared session.

pub mod block;
pub mod connect;
pub mod resource;

use std::rc::Rc;

use super::timer::{Timer, within};
use super::usbtmc::{TmcError, Usbtmc};
use super::{DeviceError, SerialPort, read_line};

pub use block::{Block, ByteOrder, Word, block_data, block_header, decode, parse_block};
pub use connect::{ConnectOptions, Connection, Instruments, Model, Target, connect, resolve_instrument, resolve_model};
pub use resource::{Resource, ResourceError, TcpipEndpoint};

/// How long an instrument has to answer, unless a call says otherwise.
pub const DEFAULT_TIMEOUT_MS: f64 = 5000.0;
/// The most `SYST:ERR?` entries [`Scpi::errors`] reads (queues hold 10 to 100).
pub const MAX_ERRORS: usize = 100;

/// How a session reaches its instrument.
pub enum Link {
    /// Text lines on a serial port: commands end with the write termination, answers with
    /// `\n` (a `\r` before it is dropped).
    Serial(Rc<dyn SerialPort>),
    /// USBTMC messages: EOM ends each.
    Usbtmc(Box<Usbtmc>),
}

/// An entry of the instrument's error queue: `-113,"Undefined header"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorEntry {
    pub code: i32,
    pub message: String,
}

impl ErrorEntry {
    /// Reads a `SYST:ERR?` answer: `<code>,"<message>"` (`+0,"No error"`, `-113,"Undefined
    /// header;FOO"`); the quotes are optional.
    pub fn parse(answer: &str) -> Option<ErrorEntry> {
        let (code, message) = answer.trim().split_once(',').unwrap_or((answer.trim(), ""));
        let code = code.trim().trim_start_matches('+').parse().ok()?;
        let message = message.trim();
        let message = message.strip_prefix('"').and_then(|m| m.strip_suffix('"')).unwrap_or(message);
        Some(ErrorEntry { code, message: message.to_owned() })
    }
}

impl std::fmt::Display for ErrorEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},\"{}\"", self.code, self.message)
    }
}

/// The answer to `*IDN?`: `KEITHLEY INSTRUMENTS,MODEL 2450,04512345,1.7.3c`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Idn {
    pub manufacturer: String,
    pub model: String,
    pub serial: String,
    pub firmware: String,
    /// The whole answer.
    pub raw: String,
}

impl Idn {
    /// Splits an `*IDN?` answer into its four fields (missing ones are empty; commas in
    /// the last stay in it).
    pub fn parse(answer: &str) -> Idn {
        let raw = answer.trim().to_owned();
        let mut f = raw.splitn(4, ',').map(|s| s.trim().to_owned());
        Idn {
            manufacturer: f.next().unwrap_or_default(),
            model: f.next().unwrap_or_default(),
            serial: f.next().unwrap_or_default(),
            firmware: f.next().unwrap_or_default(),
            raw,
        }
    }
}

/// What went wrong in an SCPI exchange; each names the command.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScpiError {
    #[error("'{command}': {error}")]
    Usbtmc { command: String, error: TmcError },
    #[error("'{command}': {error}")]
    Serial { command: String, error: DeviceError },
    #[error("the instrument did not answer '{command}' within {seconds} s")]
    Timeout { command: String, seconds: f64 },
    /// The error queue was not empty after the command.
    #[error("the instrument reported {} after '{command}': {}", errors_count(.errors), errors_list(.errors))]
    Instrument { command: String, errors: Vec<ErrorEntry> },
    #[error("the answer to '{command}' is not a binary block: {detail}")]
    Block { command: String, detail: String },
    #[error("the answer to '{command}' {detail}")]
    Answer { command: String, detail: String },
    #[error(transparent)]
    Resource(#[from] ResourceError),
    #[error("cannot open '{id}': {error}")]
    Open { id: String, error: String },
}

fn errors_count(e: &[ErrorEntry]) -> String {
    if e.len() == 1 { "an error".into() } else { format!("{} errors", e.len()) }
}

fn errors_list(e: &[ErrorEntry]) -> String {
    e.iter().map(ErrorEntry::to_string).collect::<Vec<_>>().join("; ")
}

/// An SCPI instrument session. Methods take `&mut self`: one exchange at a time (nodes
/// share a session through [`Connection`], a lock).
pub struct Scpi {
    link: Link,
    /// How long each answer (each transfer of it over USBTMC) may take.
    pub timeout_ms: f64,
    /// Appended to every command (`\n`; some serial instruments want `\r\n` or `\r`).
    pub write_termination: String,
    /// USBTMC only: end text answers at this byte as well as at EOM, when the instrument
    /// supports TermChar (VISA's termchar). `None` (the default): EOM alone.
    pub read_term_char: Option<u8>,
    /// The error-queue query ([`Scpi::errors`]).
    pub error_query: String,
}

impl Scpi {
    pub fn new(link: Link) -> Scpi {
        Scpi {
            link,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            write_termination: "\n".into(),
            read_term_char: None,
            error_query: "SYST:ERR?".into(),
        }
    }

    pub fn over_serial(port: Rc<dyn SerialPort>) -> Scpi {
        Scpi::new(Link::Serial(port))
    }

    pub fn over_usbtmc(session: Usbtmc) -> Scpi {
        Scpi::new(Link::Usbtmc(Box::new(session)))
    }

    pub fn link(&self) -> &Link {
        &self.link
    }

    pub fn link_mut(&mut self) -> &mut Link {
        &mut self.link
    }

    /// Sends a command (the write termination is added).
    pub async fn write(&mut self, timer: &(impl Timer + ?Sized), command: &str) -> Result<(), ScpiError> {
        let ms = self.timeout_ms;
        self.send(timer, command, ms).await
    }

    /// Sends a query and returns its answer, trimmed, within the session's timeout.
    pub async fn query(&mut self, timer: &(impl Timer + ?Sized), command: &str) -> Result<String, ScpiError> {
        let ms = self.timeout_ms;
        self.query_within(timer, command, ms).await
    }

    /// [`Scpi::query`] with its own timeout (a slow measurement, a long sweep).
    pub async fn query_within(
        &mut self,
        timer: &(impl Timer + ?Sized),
        command: &str,
        timeout_ms: f64,
    ) -> Result<String, ScpiError> {
        if let Link::Serial(port) = &self.link {
            // an answer left over from an earlier query must not be taken for this one's
            port.discard_pending();
        }
        self.send(timer, command, timeout_ms).await?;
        let term_char = self.read_term_char;
        match &mut self.link {
            Link::Serial(port) => match within(timer, timeout_ms, next_text_line(&**port)).await {
                None => Err(ScpiError::Timeout { command: command.to_owned(), seconds: timeout_ms / 1000.0 }),
                Some(Err(error)) => Err(ScpiError::Serial { command: command.to_owned(), error }),
                Some(Ok(line)) => Ok(line.trim().to_owned()),
            },
            Link::Usbtmc(t) => {
                let bytes = t
                    .read(timer, timeout_ms, term_char)
                    .await
                    .map_err(|error| ScpiError::Usbtmc { command: command.to_owned(), error })?;
                Ok(String::from_utf8_lossy(&bytes).trim().to_owned())
            }
        }
    }

    /// Sends a query whose answer is raw bytes up to the end of the message, not a block (a
    /// file the instrument sends as it is: Tektronix's `FILESystem:READFile`). USBTMC only: a
    /// serial port has no end of message to stop at.
    pub async fn query_raw(&mut self, timer: &(impl Timer + ?Sized), command: &str) -> Result<Vec<u8>, ScpiError> {
        if let Link::Serial(_) = &self.link {
            return Err(ScpiError::Answer {
                command: command.to_owned(),
                detail: "is a file transfer, which needs a USB (USBTMC) connection, not a serial port".into(),
            });
        }
        let ms = self.timeout_ms;
        self.send(timer, command, ms).await?;
        match &mut self.link {
            Link::Usbtmc(t) => {
                t.read(timer, ms, None).await.map_err(|error| ScpiError::Usbtmc { command: command.to_owned(), error })
            }
            Link::Serial(_) => Ok(Vec::new()),
        }
    }

    /// Sends a query whose answer is an IEEE 488.2 block (`CURV?`, `:WAV:DATA?`) and returns
    /// the block's data bytes ([`decode`] turns them into numbers).
    pub async fn query_binary(&mut self, timer: &(impl Timer + ?Sized), command: &str) -> Result<Vec<u8>, ScpiError> {
        let ms = self.timeout_ms;
        self.query_binary_within(timer, command, ms).await
    }

    /// [`Scpi::query_binary`] with its own timeout. Over USBTMC it bounds each transfer;
    /// over serial the whole answer.
    pub async fn query_binary_within(
        &mut self,
        timer: &(impl Timer + ?Sized),
        command: &str,
        timeout_ms: f64,
    ) -> Result<Vec<u8>, ScpiError> {
        if let Link::Serial(port) = &self.link {
            port.discard_pending();
        }
        self.send(timer, command, timeout_ms).await?;
        let block_error = |detail: String| ScpiError::Block { command: command.to_owned(), detail };
        match &mut self.link {
            Link::Serial(port) => match within(timer, timeout_ms, read_serial_block(&**port)).await {
                None => Err(ScpiError::Timeout { command: command.to_owned(), seconds: timeout_ms / 1000.0 }),
                Some(Err(SerialBlock::Device(error))) => Err(ScpiError::Serial { command: command.to_owned(), error }),
                Some(Err(SerialBlock::Format(detail))) => Err(block_error(detail)),
                Some(Ok(data)) => Ok(data),
            },
            Link::Usbtmc(t) => {
                let answer = t
                    .read(timer, timeout_ms, None)
                    .await
                    .map_err(|error| ScpiError::Usbtmc { command: command.to_owned(), error })?;
                block_data(answer).map_err(block_error)
            }
        }
    }

    /// `*IDN?`, split into its fields.
    pub async fn idn(&mut self, timer: &(impl Timer + ?Sized)) -> Result<Idn, ScpiError> {
        Ok(Idn::parse(&self.query(timer, "*IDN?").await?))
    }

    /// Drains the error queue: asks [`Scpi::error_query`] until the instrument answers code 0
    /// (`0,"No error"`), at most [`MAX_ERRORS`] times; the entries, oldest first.
    pub async fn errors(&mut self, timer: &(impl Timer + ?Sized)) -> Result<Vec<ErrorEntry>, ScpiError> {
        let command = self.error_query.clone();
        let mut entries = Vec::new();
        for _ in 0..MAX_ERRORS {
            let answer = self.query(timer, &command).await?;
            let entry = ErrorEntry::parse(&answer).ok_or_else(|| ScpiError::Answer {
                command: command.clone(),
                detail: format!("is '{answer}', not an error queue entry like 0,\"No error\""),
            })?;
            if entry.code == 0 {
                return Ok(entries);
            }
            entries.push(entry);
        }
        Ok(entries)
    }

    /// Drains the error queue after `command` and fails with its entries if there were any.
    pub async fn check_errors(&mut self, timer: &(impl Timer + ?Sized), command: &str) -> Result<(), ScpiError> {
        let errors = self.errors(timer).await?;
        if errors.is_empty() { Ok(()) } else { Err(ScpiError::Instrument { command: command.to_owned(), errors }) }
    }

    /// The IEEE 488.2 status byte: USB488 READ_STATUS_BYTE over USBTMC, `*STB?` over serial.
    pub async fn status_byte(&mut self, timer: &(impl Timer + ?Sized)) -> Result<u8, ScpiError> {
        let ms = self.timeout_ms;
        match &mut self.link {
            Link::Usbtmc(t) => t
                .read_status_byte(timer, ms)
                .await
                .map_err(|error| ScpiError::Usbtmc { command: "READ_STATUS_BYTE".into(), error }),
            Link::Serial(_) => {
                let answer = self.query(timer, "*STB?").await?;
                answer.parse::<u8>().map_err(|_| ScpiError::Answer {
                    command: "*STB?".into(),
                    detail: format!("is '{answer}', not a status byte (0 to 255)"),
                })
            }
        }
    }

    /// Device clear: USBTMC INITIATE_CLEAR (the instrument drops its input and output); over
    /// serial, what has arrived and was not read is dropped.
    pub async fn clear(&mut self, timer: &(impl Timer + ?Sized)) -> Result<(), ScpiError> {
        match &mut self.link {
            Link::Usbtmc(t) => {
                t.clear(timer).await.map_err(|error| ScpiError::Usbtmc { command: "device clear".into(), error })
            }
            Link::Serial(port) => {
                port.discard_pending();
                Ok(())
            }
        }
    }

    async fn send(&mut self, timer: &(impl Timer + ?Sized), command: &str, timeout_ms: f64) -> Result<(), ScpiError> {
        let mut bytes = Vec::with_capacity(command.len() + self.write_termination.len());
        bytes.extend_from_slice(command.as_bytes());
        bytes.extend_from_slice(self.write_termination.as_bytes());
        match &mut self.link {
            Link::Serial(port) => match within(timer, timeout_ms, port.write(bytes)).await {
                None => Err(ScpiError::Serial {
                    command: command.to_owned(),
                    error: DeviceError::Timeout(timeout_ms / 1000.0),
                }),
                Some(r) => r.map_err(|error| ScpiError::Serial { command: command.to_owned(), error }),
            },
            Link::Usbtmc(t) => t
                .write(timer, &bytes, timeout_ms)
                .await
                .map_err(|error| ScpiError::Usbtmc { command: command.to_owned(), error }),
        }
    }
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

enum SerialBlock {
    Device(DeviceError),
    Format(String),
}

impl From<DeviceError> for SerialBlock {
    fn from(e: DeviceError) -> Self {
        SerialBlock::Device(e)
    }
}

/// Reads one definite-length block from a serial port, then the newline that ends the
/// answer; what follows is given back to the port.
async fn read_serial_block(port: &dyn SerialPort) -> Result<Vec<u8>, SerialBlock> {
    let mut buf: Vec<u8> = Vec::new();
    // up to the '#'
    loop {
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) if buf[i] == b'#' => {
                buf.drain(..i);
                break;
            }
            Some(_) => {
                let detail = match parse_block(&buf) {
                    Err(e) => e,
                    Ok(_) => "it does not start with '#'".into(),
                };
                return Err(SerialBlock::Format(detail));
            }
            None => {
                buf.clear();
                buf.extend_from_slice(&port.read().await?);
            }
        }
    }
    fill(port, &mut buf, 2).await?;
    let n = match buf[1] {
        b'0' => {
            return Err(SerialBlock::Format(
                "it is an indefinite-length block (#0), whose end a serial line cannot mark: set the instrument to send definite-length blocks".into(),
            ));
        }
        d @ b'1'..=b'9' => usize::from(d - b'0'),
        other => return Err(SerialBlock::Format(format!("'#' is followed by byte 0x{other:02x}, not a digit"))),
    };
    fill(port, &mut buf, 2 + n).await?;
    let digits = &buf[2..2 + n];
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(SerialBlock::Format(format!("its {n} length digits are {:?}", String::from_utf8_lossy(digits))));
    }
    let len = digits.iter().fold(0usize, |acc, d| acc * 10 + usize::from(d - b'0'));
    let end = 2 + n + len;
    buf.reserve(end.saturating_sub(buf.len()));
    fill(port, &mut buf, end).await?;
    let rest = buf.split_off(end);
    buf.drain(..2 + n);
    if !rest.is_empty() {
        port.unread(rest);
    }
    let after = read_line(port).await?;
    if !after.trim().is_empty() {
        return Err(SerialBlock::Format(format!("'{}' follows the {len}-byte block", after.trim())));
    }
    Ok(buf)
}

async fn fill(port: &dyn SerialPort, buf: &mut Vec<u8>, n: usize) -> Result<(), DeviceError> {
    while buf.len() < n {
        buf.extend_from_slice(&port.read().await?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_entries_and_idn_parse() {
        assert_eq!(ErrorEntry::parse("+0,\"No error\""), Some(ErrorEntry { code: 0, message: "No error".into() }));
        let e = ErrorEntry::parse("-113,\"Undefined header;FOO:BAR\"\n");
        assert_eq!(e, Some(ErrorEntry { code: -113, message: "Undefined header;FOO:BAR".into() }));
        assert_eq!(ErrorEntry::parse("0, No events"), Some(ErrorEntry { code: 0, message: "No events".into() }));
        assert_eq!(ErrorEntry::parse("0"), Some(ErrorEntry { code: 0, message: String::new() }));
        assert_eq!(ErrorEntry::parse("OK"), None);
        let i = Idn::parse("KEITHLEY INSTRUMENTS,MODEL 2450,04512345,1.7.3c\n");
        assert_eq!(
            (i.manufacturer.as_str(), i.model.as_str(), i.serial.as_str()),
            ("KEITHLEY INSTRUMENTS", "MODEL 2450", "04512345")
        );
        assert_eq!(i.firmware, "1.7.3c");
        let i = Idn::parse("TEKTRONIX,MSO24,C012345,CF:91.1CT FV:2.0.3.950, extra");
        assert_eq!(i.firmware, "CF:91.1CT FV:2.0.3.950, extra");
        assert_eq!(Idn::parse("SOMETHING").model, "");
    }
}
