//! slcan (the Lawicel ASCII protocol CANable and other USB-to-CAN adapters speak over a USB
//! serial port), byte by byte: the host's commands (`S0`..`S8` bit rate, `O` open, `C` close,
//! `tIIILDD..` / `TIIIIIIIILDD..` data frames, `rIIIL` / `RIIIIIIIIL` remote frames, each ended
//! by `\r`) and the adapter's replies (`\r` ok, `\x07` error, `z\r` / `Z\r` a frame was queued,
//! and received frames as `t...\r` lines, possibly with a 4-digit timestamp).
//!
//! Pure and tested natively; nothing here can panic on the adapter's bytes: a line that is not
//! slcan is counted and reported as an [`SlcanError`].

use std::collections::VecDeque;

/// The longest line an adapter sends: `T` + 8 id digits + DLC + 16 data digits + 4 timestamp
/// digits. Anything longer without a terminator is junk.
const MAX_LINE: usize = 32;

/// A classic CAN frame (no CAN FD: slcan adapters such as the CANable carry classic frames).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanFrame {
    /// 11-bit (standard) or 29-bit (extended) identifier.
    pub id: u32,
    pub extended: bool,
    /// A remote (RTR) frame: it asks for data and carries none; `dlc` is the length asked for.
    pub remote: bool,
    /// The data length code, 0..=8.
    pub dlc: u8,
    /// `dlc` bytes for a data frame, none for a remote frame.
    pub data: Vec<u8>,
}

/// Why bytes are not slcan, or a frame cannot be sent over it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlcanError {
    #[error("CAN id 0x{id:X} does not fit in {bits} bits ({kind} id is at most 0x{max:X})")]
    IdTooLarge { id: u64, bits: u8, kind: &'static str, max: u32 },
    #[error("a classic CAN frame carries at most 8 data bytes; got {0} (CAN FD frames cannot be sent over slcan)")]
    TooLong(usize),
    #[error("bit rate {0} bit/s is not one an slcan adapter can set: use one of {list}", list = BITRATE_LIST)]
    Bitrate(i64),
    #[error("the adapter sent '{line}', which is not an slcan reply: {why}")]
    BadLine { line: String, why: String },
}

/// slcan's bit-rate commands, as python-can maps bit rates to them (`S9`, 83.3 kbit/s, is
/// Lawicel's; a CANable's firmware refuses it with a BELL, which the node then reports).
pub const BITRATES: [(u32, &str); 10] = [
    (10_000, "S0"),
    (20_000, "S1"),
    (50_000, "S2"),
    (100_000, "S3"),
    (125_000, "S4"),
    (250_000, "S5"),
    (500_000, "S6"),
    (750_000, "S7"),
    (1_000_000, "S8"),
    (83_300, "S9"),
];
const BITRATE_LIST: &str = "10000, 20000, 50000, 83300, 100000, 125000, 250000, 500000, 750000, 1000000";

/// The command that sets `bitrate` (bit/s): `S6\r` for 500000.
pub fn bitrate_command(bitrate: i64) -> Result<Vec<u8>, SlcanError> {
    BITRATES
        .iter()
        .find(|(b, _)| i64::from(*b) == bitrate)
        .map(|(_, s)| format!("{s}\r").into_bytes())
        .ok_or(SlcanError::Bitrate(bitrate))
}

/// Opens the CAN channel.
pub const OPEN: &[u8] = b"O\r";
/// Closes the CAN channel.
pub const CLOSE: &[u8] = b"C\r";

impl CanFrame {
    /// A data frame; `extended` chooses the 29-bit id format.
    pub fn data(id: u64, extended: bool, data: &[u8]) -> Result<CanFrame, SlcanError> {
        let id = check_id(id, extended)?;
        if data.len() > 8 {
            return Err(SlcanError::TooLong(data.len()));
        }
        Ok(CanFrame { id, extended, remote: false, dlc: data.len() as u8, data: data.to_vec() })
    }

    /// A remote frame asking for `dlc` bytes.
    pub fn remote(id: u64, extended: bool, dlc: usize) -> Result<CanFrame, SlcanError> {
        let id = check_id(id, extended)?;
        if dlc > 8 {
            return Err(SlcanError::TooLong(dlc));
        }
        Ok(CanFrame { id, extended, remote: true, dlc: dlc as u8, data: Vec::new() })
    }

    /// The slcan command that transmits this frame: `t0118090909..\r`.
    pub fn encode(&self) -> Vec<u8> {
        let kind = match (self.extended, self.remote) {
            (false, false) => 't',
            (true, false) => 'T',
            (false, true) => 'r',
            (true, true) => 'R',
        };
        let mut s = if self.extended {
            format!("{kind}{:08X}{}", self.id, self.dlc)
        } else {
            format!("{kind}{:03X}{}", self.id, self.dlc)
        };
        if !self.remote {
            for b in &self.data {
                s.push_str(&format!("{b:02X}"));
            }
        }
        s.push('\r');
        s.into_bytes()
    }

    /// Parses a frame line (without its `\r`): `t`/`T`/`r`/`R`, id, DLC, data, and an optional
    /// 4-hex-digit timestamp (adapters with timestamps on), which is dropped.
    pub fn parse(line: &[u8]) -> Result<CanFrame, SlcanError> {
        let bad = |why: &str| SlcanError::BadLine { line: printable(line), why: why.to_owned() };
        let (extended, remote) = match line.first() {
            Some(b't') => (false, false),
            Some(b'T') => (true, false),
            Some(b'r') => (false, true),
            Some(b'R') => (true, true),
            _ => return Err(bad("a frame starts with t, T, r or R")),
        };
        let id_len = if extended { 8 } else { 3 };
        let id_digits = line.get(1..1 + id_len).ok_or_else(|| bad("the line ends inside the id"))?;
        let id = hex(id_digits).ok_or_else(|| bad("the id is not hex digits"))?;
        let dlc = match line.get(1 + id_len) {
            Some(d @ b'0'..=b'8') => usize::from(d - b'0'),
            Some(_) => return Err(bad("the length must be a digit 0 to 8")),
            None => return Err(bad("the line ends before the length")),
        };
        let rest = &line[2 + id_len..];
        let data_digits = if remote { 0 } else { 2 * dlc };
        if rest.len() != data_digits && rest.len() != data_digits + 4 {
            return Err(bad(&format!("a length of {dlc} needs {data_digits} data digits")));
        }
        if !rest.iter().all(u8::is_ascii_hexdigit) {
            return Err(bad("the data is not hex digits"));
        }
        let mut data = Vec::with_capacity(dlc);
        for pair in rest[..data_digits].chunks(2) {
            data.push(hex(pair).ok_or_else(|| bad("the data is not hex digits"))? as u8);
        }
        let frame = if remote {
            CanFrame::remote(id.into(), extended, dlc)
        } else {
            CanFrame::data(id.into(), extended, &data)
        };
        frame.map_err(|e| bad(&e.to_string()))
    }
}

fn check_id(id: u64, extended: bool) -> Result<u32, SlcanError> {
    let (bits, kind, max) = if extended { (29, "an extended", 0x1FFF_FFFF) } else { (11, "a standard", 0x7FF) };
    if id > u64::from(max) {
        return Err(SlcanError::IdTooLarge { id, bits, kind, max });
    }
    Ok(id as u32)
}

fn hex(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

/// Bytes as text a person can read: control bytes escaped.
fn printable(bytes: &[u8]) -> String {
    bytes.iter().flat_map(|b| std::ascii::escape_default(*b)).map(char::from).collect()
}

/// One thing the adapter said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `\r`: the command was done.
    Ok,
    /// `\x07` (BELL): the command was refused.
    Error,
    /// `z\r` / `Z\r`: a frame was queued for sending.
    Sent,
    /// A frame the adapter received from the bus.
    Frame(CanFrame),
}

/// Splits the adapter's bytes into [`Reply`]s; bad lines become errors and are counted.
#[derive(Debug, Default)]
pub struct SlcanDecoder {
    line: Vec<u8>,
    /// Inside a line already refused as too long: bytes are dropped up to its end.
    skipping: bool,
    /// Lines that were not slcan (or too long).
    pub bad: u64,
}

impl SlcanDecoder {
    pub fn new() -> SlcanDecoder {
        SlcanDecoder::default()
    }

    /// Everything `bytes` completes, in order. An unfinished line is kept for the next call.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Result<Reply, SlcanError>> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.skipping {
                self.skipping = !matches!(b, b'\r' | 0x07);
                // a BELL ends the skipped line and is itself an answer
                if b == 0x07 {
                    out.push(Ok(Reply::Error));
                }
                continue;
            }
            match b {
                0x07 => {
                    if !self.line.is_empty() {
                        out.push(Err(self.refuse("a line cut short by an error reply")));
                    }
                    out.push(Ok(Reply::Error));
                }
                b'\r' => {
                    let line = std::mem::take(&mut self.line);
                    let reply = match line.as_slice() {
                        [] => Ok(Reply::Ok),
                        [b'z'] | [b'Z'] => Ok(Reply::Sent),
                        _ => CanFrame::parse(&line).map(Reply::Frame),
                    };
                    if reply.is_err() {
                        self.bad += 1;
                    }
                    out.push(reply);
                }
                // some adapters end lines with \r\n
                b'\n' if self.line.is_empty() => {}
                _ => {
                    self.line.push(b);
                    if self.line.len() > MAX_LINE {
                        out.push(Err(self.refuse("a line longer than any slcan reply")));
                        self.skipping = true;
                    }
                }
            }
        }
        out
    }

    fn refuse(&mut self, why: &str) -> SlcanError {
        self.bad += 1;
        let line = std::mem::take(&mut self.line);
        SlcanError::BadLine { line: printable(&line), why: why.to_owned() }
    }
}

/// Received frames waiting for a reader, oldest first, with a cap (the oldest are dropped).
#[derive(Debug, Default)]
pub struct FrameQueue {
    frames: VecDeque<(f64, CanFrame)>,
    pub dropped: u64,
}

impl FrameQueue {
    pub const CAP: usize = 10_000;

    pub fn push(&mut self, at_ms: f64, frame: CanFrame) {
        if self.frames.len() == Self::CAP {
            self.frames.pop_front();
            self.dropped += 1;
        }
        self.frames.push_back((at_ms, frame));
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Every queued frame, with the host time (ms) it arrived.
    pub fn take(&mut self) -> Vec<(f64, CanFrame)> {
        self.frames.drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_bell_that_ends_an_overlong_line_is_still_an_answer() {
        let mut d = SlcanDecoder::new();
        let mut junk = vec![b'x'; MAX_LINE + 5];
        junk.push(0x07);
        let out = d.push(&junk);
        assert_eq!(out.last(), Some(&Ok(Reply::Error)), "{out:?}");
        assert_eq!(d.bad, 1);
    }

    #[test]
    fn bitrates_are_python_cans_s0_to_s9() {
        assert_eq!(bitrate_command(500_000).unwrap(), b"S6\r");
        assert_eq!(bitrate_command(10_000).unwrap(), b"S0\r");
        assert_eq!(bitrate_command(1_000_000).unwrap(), b"S8\r");
        assert_eq!(bitrate_command(83_300).unwrap(), b"S9\r");
        let e = bitrate_command(12_345).unwrap_err().to_string();
        assert!(e.starts_with("bit rate 12345 bit/s is not one an slcan adapter can set: use one of 10000,"), "{e}");
    }

    #[test]
    fn frames_encode_as_python_can_writes_them() {
        let f = CanFrame::data(17, false, &[9, 9, 9, 9, 9, 9, 9, 5]).unwrap();
        assert_eq!(f.encode(), b"t01180909090909090905\r".to_vec());
        assert_eq!(CanFrame::data(0x7FF, false, &[]).unwrap().encode(), b"t7FF0\r");
        assert_eq!(CanFrame::data(0x1234_5678, true, &[0xAB]).unwrap().encode(), b"T123456781AB\r");
        assert_eq!(CanFrame::remote(0x100, false, 8).unwrap().encode(), b"r1008\r");
        assert_eq!(CanFrame::remote(0x800, true, 0).unwrap().encode(), b"R000008000\r");
        assert_eq!(
            CanFrame::data(0x800, false, &[]).unwrap_err().to_string(),
            "CAN id 0x800 does not fit in 11 bits (a standard id is at most 0x7FF)"
        );
        assert!(CanFrame::data(0x2000_0000, true, &[]).is_err());
        assert!(CanFrame::data(1, false, &[0; 9]).unwrap_err().to_string().contains("at most 8 data bytes"));
        assert!(CanFrame::remote(1, false, 9).is_err());
    }

    #[test]
    fn every_dlc_round_trips() {
        for dlc in 0..=8usize {
            let data: Vec<u8> = (0..dlc as u8).map(|i| i * 31).collect();
            for extended in [false, true] {
                let f = CanFrame::data(0x123, extended, &data).unwrap();
                let line = f.encode();
                assert_eq!(CanFrame::parse(&line[..line.len() - 1]).unwrap(), f);
                let r = CanFrame::remote(0x123, extended, dlc).unwrap();
                let line = r.encode();
                assert_eq!(CanFrame::parse(&line[..line.len() - 1]).unwrap(), r);
            }
        }
    }

    #[test]
    fn replies_and_received_frames_are_decoded_across_chunks() {
        let mut d = SlcanDecoder::new();
        assert_eq!(d.push(b"\r\x07z"), vec![Ok(Reply::Ok), Ok(Reply::Error)]);
        assert_eq!(d.push(b"\rt12"), vec![Ok(Reply::Sent)]);
        let got = d.push(b"320102\r\nT000012341ff1A2B\r");
        assert_eq!(
            got,
            vec![
                Ok(Reply::Frame(CanFrame::data(0x123, false, &[1, 2]).unwrap())),
                // with a timestamp
                Ok(Reply::Frame(CanFrame::data(0x1234, true, &[0xFF]).unwrap())),
            ]
        );
        assert_eq!(d.bad, 0);
    }

    #[test]
    fn bad_lines_are_counted_and_refused_never_a_panic() {
        let mut d = SlcanDecoder::new();
        let bad = [
            &b"t1\r"[..],
            b"t1239\r",
            b"t12320\r",
            b"t1232zz\r",
            b"x\r",
            b"T1\r",
            b"tGGG0\r",
            b"t123401\r",
            b"\xff\xfe\r",
        ];
        for (i, line) in bad.iter().enumerate() {
            let got = d.push(line);
            assert!(matches!(got.as_slice(), [Err(SlcanError::BadLine { .. })]), "{line:?}: {got:?}");
            assert_eq!(d.bad, i as u64 + 1);
        }
        let e = d.push(b"t12\x07").into_iter().next().unwrap().unwrap_err().to_string();
        assert_eq!(e, "the adapter sent 't12', which is not an slcan reply: a line cut short by an error reply");
        let long = d.push(&[b'1'; 40]);
        assert_eq!(long.len(), 1);
        assert!(long[0].as_ref().unwrap_err().to_string().contains("longer than any slcan reply"));
        // the rest of that line is dropped, and the decoder goes on
        assert_eq!(d.push(b"111\r\r"), vec![Ok(Reply::Ok)]);
        for n in 0..2000u32 {
            let junk: Vec<u8> =
                (0..n % 50).map(|i| (i.wrapping_mul(n).wrapping_mul(2_654_435_761) >> 7) as u8).collect();
            let _ = d.push(&junk);
        }
    }

    #[test]
    fn the_queue_keeps_the_newest() {
        let mut q = FrameQueue::default();
        let f = CanFrame::data(1, false, &[]).unwrap();
        for i in 0..FrameQueue::CAP + 3 {
            q.push(i as f64, f.clone());
        }
        assert_eq!((q.len(), q.dropped), (FrameQueue::CAP, 3));
        assert_eq!(q.take()[0].0, 3.0);
        assert!(q.is_empty());
    }
}
