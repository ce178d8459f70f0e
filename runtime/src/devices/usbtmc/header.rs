//! USBTMC bulk headers (USBTMC 1.0 §3.2 and §3.3, USB488 1.0 §3.2): the 12 bytes in front of
//! every bulk transfer, the bTag sequence and the alignment padding.
//!
//! Bulk-OUT header: `MsgID, bTag, bTagInverse, 0x00`, then 8 bytes that depend on the
//! message (little-endian `TransferSize`, `bmTransferAttributes`, …). A DEV_DEP_MSG_OUT's data
//! follows, padded with zeros to a multiple of 4 bytes. A device answers a
//! REQUEST_DEV_DEP_MSG_IN with a DEV_DEP_MSG_IN transfer that echoes the request's bTag.

/// Every bulk header is 12 bytes.
pub const HEADER_LEN: usize = 12;

/// MsgID of a host's device-dependent message (SCPI text, …).
pub const DEV_DEP_MSG_OUT: u8 = 1;
/// MsgID of the host's request for the device's answer (Bulk-OUT).
pub const REQUEST_DEV_DEP_MSG_IN: u8 = 2;
/// MsgID of the device's answer (Bulk-IN); the same number as the request.
pub const DEV_DEP_MSG_IN: u8 = 2;
pub const VENDOR_SPECIFIC_OUT: u8 = 126;
pub const REQUEST_VENDOR_SPECIFIC_IN: u8 = 127;
pub const VENDOR_SPECIFIC_IN: u8 = 127;
/// USB488's TRIGGER message (the GPIB GET, `*TRG`).
pub const TRIGGER: u8 = 128;

/// bmTransferAttributes bit 0 (DEV_DEP_MSG_OUT and DEV_DEP_MSG_IN): the last byte of this
/// transfer is the last byte of the message.
pub const ATTR_EOM: u8 = 0x01;
/// bmTransferAttributes bit 1: in REQUEST_DEV_DEP_MSG_IN, TermChar is enabled; in
/// DEV_DEP_MSG_IN, the transfer ended because its last byte is the TermChar.
pub const ATTR_TERM_CHAR: u8 = 0x02;

/// The bTag sequence: 1, 2, …, 255, 1, … (never 0; each header's differs from the last).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tags {
    last: u8,
}

impl Default for Tags {
    fn default() -> Self {
        Tags::new()
    }
}

impl Tags {
    /// A sequence whose first tag is 1.
    pub fn new() -> Tags {
        Tags { last: 0 }
    }

    /// A sequence whose next tag follows `last` (a session continuing an earlier one's
    /// numbering).
    pub fn after(last: u8) -> Tags {
        Tags { last }
    }

    /// The next bTag.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u8 {
        self.last = if self.last == 255 { 1 } else { self.last + 1 };
        self.last
    }

    /// The tag handed out last (0 before the first).
    pub fn last(&self) -> u8 {
        self.last
    }
}

/// Zero bytes that make `len` a multiple of 4.
pub fn padding(len: usize) -> usize {
    (4 - len % 4) % 4
}

fn out_header(msg_id: u8, tag: u8, transfer_size: u32, attributes: u8, term_char: u8) -> [u8; HEADER_LEN] {
    let s = transfer_size.to_le_bytes();
    [msg_id, tag, !tag, 0, s[0], s[1], s[2], s[3], attributes, term_char, 0, 0]
}

/// A DEV_DEP_MSG_OUT transfer: header, `data` (not empty: TransferSize must be > 0), zero
/// padding to a multiple of 4. `eom`: `data` ends the message.
pub fn dev_dep_msg_out(tag: u8, data: &[u8], eom: bool) -> Vec<u8> {
    let mut t = Vec::with_capacity(HEADER_LEN + data.len() + 3);
    t.extend_from_slice(&out_header(DEV_DEP_MSG_OUT, tag, data.len() as u32, if eom { ATTR_EOM } else { 0 }, 0));
    t.extend_from_slice(data);
    t.resize(t.len() + padding(data.len()), 0);
    t
}

/// A REQUEST_DEV_DEP_MSG_IN: the device may send up to `max` bytes of its answer in the
/// transfer that follows, ending early after `term_char` when one is given (only for devices
/// whose capabilities say they support TermChar).
pub fn request_dev_dep_msg_in(tag: u8, max: u32, term_char: Option<u8>) -> [u8; HEADER_LEN] {
    match term_char {
        Some(c) => out_header(REQUEST_DEV_DEP_MSG_IN, tag, max, ATTR_TERM_CHAR, c),
        None => out_header(REQUEST_DEV_DEP_MSG_IN, tag, max, 0, 0),
    }
}

/// USB488's TRIGGER message (bytes 4 to 11 reserved).
pub fn trigger(tag: u8) -> [u8; HEADER_LEN] {
    [TRIGGER, tag, !tag, 0, 0, 0, 0, 0, 0, 0, 0, 0]
}

/// A Bulk-IN header, as the device sent it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InHeader {
    pub msg_id: u8,
    pub tag: u8,
    /// Message bytes in this transfer (not counting the header or alignment bytes).
    pub transfer_size: u32,
    /// The transfer's last byte ends the message.
    pub eom: bool,
    /// The transfer ended because its last byte is the requested TermChar.
    pub term_char: bool,
}

impl InHeader {
    /// Reads a header, checking what the header itself can show: bTagInverse is bTag's
    /// one's complement and the reserved byte is 0. Whether the tag is the expected one is
    /// the session's business.
    pub fn parse(b: &[u8; HEADER_LEN]) -> Result<InHeader, String> {
        if b[2] != !b[1] {
            return Err(format!(
                "its answer's bTagInverse 0x{:02x} is not the complement of its bTag 0x{:02x} (the header is corrupt)",
                b[2], b[1]
            ));
        }
        Ok(InHeader {
            msg_id: b[0],
            tag: b[1],
            transfer_size: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
            eom: b[8] & ATTR_EOM != 0,
            term_char: b[8] & ATTR_TERM_CHAR != 0,
        })
    }

    /// The header bytes a device sends (for scripted devices and tests).
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let s = self.transfer_size.to_le_bytes();
        let attrs = if self.eom { ATTR_EOM } else { 0 } | if self.term_char { ATTR_TERM_CHAR } else { 0 };
        [self.msg_id, self.tag, !self.tag, 0, s[0], s[1], s[2], s[3], attrs, 0, 0, 0]
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn tags_run_from_1_to_255_and_wrap_to_1_never_0() {
        let mut t = Tags::new();
        let seq: Vec<u8> = (0..600).map(|_| t.next()).collect();
        assert_eq!(seq[0], 1);
        assert_eq!(seq[254], 255);
        assert_eq!(seq[255], 1);
        assert!(seq.iter().all(|&x| x != 0));
        assert!(seq.windows(2).all(|w| w[0] != w[1]));
        assert_eq!(Tags::after(255).next(), 1);
    }

    #[test]
    fn dev_dep_msg_out_is_the_spec_layout_with_padding() {
        // USBTMC 1.0 Table 1/3: MsgID, bTag, bTagInverse, 0, TransferSize LE, attrs, 3 reserved
        let t = dev_dep_msg_out(0x5B, b"*IDN?\n", true);
        assert_eq!(&t[..12], &[1, 0x5B, 0xA4, 0, 6, 0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(&t[12..18], b"*IDN?\n");
        assert_eq!(t.len(), 20);
        assert_eq!(&t[18..], &[0, 0]);
        // a multiple of 4 needs no padding; not the end of the message: EOM clear
        let t = dev_dep_msg_out(7, b"ABCD", false);
        assert_eq!((t.len(), t[8]), (16, 0));
        let big = vec![0x55; 70_000];
        let t = dev_dep_msg_out(9, &big, true);
        assert_eq!(&t[4..8], &70_000u32.to_le_bytes());
    }

    #[test]
    fn request_dev_dep_msg_in_carries_size_and_term_char() {
        assert_eq!(request_dev_dep_msg_in(3, 1 << 20, None), [2, 3, 0xFC, 0, 0, 0, 0x10, 0, 0, 0, 0, 0]);
        assert_eq!(request_dev_dep_msg_in(3, 64, Some(b'\n')), [2, 3, 0xFC, 0, 64, 0, 0, 0, 2, b'\n', 0, 0]);
        assert_eq!(trigger(0xFF), [128, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn in_headers_round_trip_and_a_bad_inverse_is_caught() {
        let h = InHeader { msg_id: 2, tag: 200, transfer_size: 123_456, eom: true, term_char: false };
        assert_eq!(InHeader::parse(&h.to_bytes()).unwrap(), h);
        let mut b = h.to_bytes();
        b[2] ^= 1;
        assert!(InHeader::parse(&b).unwrap_err().contains("bTagInverse 0x36"));
    }
}
