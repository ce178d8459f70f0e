//! USBTMC and USB488 class requests on the control endpoint (USBTMC 1.0 §4.2, USB488 1.0
//! §4.3): their numbers, setup packets, status codes and replies.

use crate::devices::ControlSetup;

pub const INITIATE_ABORT_BULK_OUT: u8 = 1;
pub const CHECK_ABORT_BULK_OUT_STATUS: u8 = 2;
pub const INITIATE_ABORT_BULK_IN: u8 = 3;
pub const CHECK_ABORT_BULK_IN_STATUS: u8 = 4;
pub const INITIATE_CLEAR: u8 = 5;
pub const CHECK_CLEAR_STATUS: u8 = 6;
pub const GET_CAPABILITIES: u8 = 7;
pub const INDICATOR_PULSE: u8 = 64;
/// USB488.
pub const READ_STATUS_BYTE: u8 = 128;
pub const REN_CONTROL: u8 = 160;
pub const GO_TO_LOCAL: u8 = 161;
pub const LOCAL_LOCKOUT: u8 = 162;

/// Reply lengths (wLength) of the requests that answer.
pub const ABORT_REPLY_LEN: u16 = 2;
pub const CHECK_ABORT_REPLY_LEN: u16 = 8;
pub const CLEAR_REPLY_LEN: u16 = 1;
pub const CHECK_CLEAR_REPLY_LEN: u16 = 2;
pub const CAPABILITIES_REPLY_LEN: u16 = 0x18;
pub const STATUS_BYTE_REPLY_LEN: u16 = 3;

/// USBTMC_status, the first byte of every class request's reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Success,
    Pending,
    /// USB488: a READ_STATUS_BYTE came while the previous one's interrupt-IN answer is unread.
    InterruptInBusy,
    Failed,
    TransferNotInProgress,
    SplitNotInProgress,
    SplitInProgress,
    Other(u8),
}

impl Status {
    pub fn from_byte(b: u8) -> Status {
        match b {
            0x01 => Status::Success,
            0x02 => Status::Pending,
            0x20 => Status::InterruptInBusy,
            0x80 => Status::Failed,
            0x81 => Status::TransferNotInProgress,
            0x82 => Status::SplitNotInProgress,
            0x83 => Status::SplitInProgress,
            other => Status::Other(other),
        }
    }

    pub fn to_byte(self) -> u8 {
        match self {
            Status::Success => 0x01,
            Status::Pending => 0x02,
            Status::InterruptInBusy => 0x20,
            Status::Failed => 0x80,
            Status::TransferNotInProgress => 0x81,
            Status::SplitNotInProgress => 0x82,
            Status::SplitInProgress => 0x83,
            Status::Other(b) => b,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Success => write!(f, "STATUS_SUCCESS"),
            Status::Pending => write!(f, "STATUS_PENDING"),
            Status::InterruptInBusy => write!(f, "STATUS_INTERRUPT_IN_BUSY"),
            Status::Failed => write!(f, "STATUS_FAILED"),
            Status::TransferNotInProgress => write!(f, "STATUS_TRANSFER_NOT_IN_PROGRESS"),
            Status::SplitNotInProgress => write!(f, "STATUS_SPLIT_NOT_IN_PROGRESS"),
            Status::SplitInProgress => write!(f, "STATUS_SPLIT_IN_PROGRESS"),
            Status::Other(b) => write!(f, "status 0x{b:02x}"),
        }
    }
}

/// A class request to the USBTMC interface (`wIndex` = the interface number).
pub fn to_interface(request: u8, value: u16, interface: u8) -> ControlSetup {
    ControlSetup {
        request_type: "class".into(),
        recipient: "interface".into(),
        request,
        value,
        index: u16::from(interface),
    }
}

/// A class request to an endpoint (`wIndex` = the endpoint address, bit 7 set for IN).
pub fn to_endpoint(request: u8, value: u16, endpoint_address: u8) -> ControlSetup {
    ControlSetup {
        request_type: "class".into(),
        recipient: "endpoint".into(),
        request,
        value,
        index: u16::from(endpoint_address),
    }
}

/// What GET_CAPABILITIES says (USBTMC 1.0 Table 37, USB488 1.0 Table 8).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// bcdUSBTMC, e.g. 0x0100.
    pub bcd_usbtmc: u16,
    pub indicator_pulse: bool,
    pub talk_only: bool,
    pub listen_only: bool,
    /// The device can end a Bulk-IN transfer at a TermChar.
    pub term_char: bool,
    /// USB488 subclass capabilities (interface protocol 1).
    pub usb488: Option<Usb488Capabilities>,
}

/// The USB488 part of GET_CAPABILITIES.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usb488Capabilities {
    pub bcd_usb488: u16,
    /// A full IEEE 488.2 interface (`*` common commands, status byte, …).
    pub ieee488_2: bool,
    /// REN_CONTROL, GO_TO_LOCAL and LOCAL_LOCKOUT.
    pub remote_local: bool,
    /// The TRIGGER message.
    pub trigger: bool,
    /// The device understands SCPI.
    pub scpi: bool,
    /// SR1: service requests (the interrupt-IN endpoint is present).
    pub service_request: bool,
    pub remote_local_rl1: bool,
    pub device_trigger_dt1: bool,
}

impl Capabilities {
    /// Parses a GET_CAPABILITIES reply; `usb488`: the interface's protocol is 1.
    pub fn parse(b: &[u8], usb488: bool) -> Result<Capabilities, String> {
        let status = Status::from_byte(*b.first().ok_or("GET_CAPABILITIES answered nothing")?);
        if status != Status::Success {
            return Err(format!("GET_CAPABILITIES answered {status}"));
        }
        if b.len() < 6 {
            return Err(format!("GET_CAPABILITIES answered {} bytes, not 24", b.len()));
        }
        let bit = |byte: u8, n: u8| byte & (1 << n) != 0;
        let usb488 = (usb488 && b.len() >= 16).then(|| Usb488Capabilities {
            bcd_usb488: u16::from_le_bytes([b[12], b[13]]),
            ieee488_2: bit(b[14], 2),
            remote_local: bit(b[14], 1),
            trigger: bit(b[14], 0),
            scpi: bit(b[15], 3),
            service_request: bit(b[15], 2),
            remote_local_rl1: bit(b[15], 1),
            device_trigger_dt1: bit(b[15], 0),
        });
        Ok(Capabilities {
            bcd_usbtmc: u16::from_le_bytes([b[2], b[3]]),
            indicator_pulse: bit(b[4], 2),
            talk_only: bit(b[4], 1),
            listen_only: bit(b[4], 0),
            term_char: bit(b[5], 0),
            usb488,
        })
    }

    /// The 24-byte reply a device with these capabilities sends (scripted devices, tests).
    pub fn to_reply(&self) -> Vec<u8> {
        let flag = |on: bool, n: u8| if on { 1u8 << n } else { 0 };
        let mut b = vec![0u8; usize::from(CAPABILITIES_REPLY_LEN)];
        b[0] = Status::Success.to_byte();
        b[2..4].copy_from_slice(&self.bcd_usbtmc.to_le_bytes());
        b[4] = flag(self.indicator_pulse, 2) | flag(self.talk_only, 1) | flag(self.listen_only, 0);
        b[5] = flag(self.term_char, 0);
        if let Some(u) = &self.usb488 {
            b[12..14].copy_from_slice(&u.bcd_usb488.to_le_bytes());
            b[14] = flag(u.ieee488_2, 2) | flag(u.remote_local, 1) | flag(u.trigger, 0);
            b[15] = flag(u.scpi, 3)
                | flag(u.service_request, 2)
                | flag(u.remote_local_rl1, 1)
                | flag(u.device_trigger_dt1, 0);
        }
        b
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn capabilities_parse_bit_by_bit() {
        // a Keithley 2450-like reply: USBTMC 1.00, TermChar; USB488 1.00, 488.2, REN, TRIGGER, SCPI, SR1, RL1, DT1
        let mut b = vec![0u8; 24];
        b[0] = 1;
        b[2..4].copy_from_slice(&[0x00, 0x01]);
        b[5] = 0x01;
        b[12..14].copy_from_slice(&[0x00, 0x01]);
        b[14] = 0x07;
        b[15] = 0x0F;
        let c = Capabilities::parse(&b, true).unwrap();
        assert_eq!(c.bcd_usbtmc, 0x0100);
        assert!(c.term_char && !c.talk_only && !c.listen_only && !c.indicator_pulse);
        let u = c.usb488.clone().unwrap();
        assert!(u.ieee488_2 && u.remote_local && u.trigger && u.scpi && u.service_request);
        assert_eq!(Capabilities::parse(&c.to_reply(), true).unwrap(), c);
        // plain USBTMC (protocol 0): no USB488 part even if the bytes are there
        assert_eq!(Capabilities::parse(&b, false).unwrap().usb488, None);
        b[0] = 0x80;
        assert_eq!(Capabilities::parse(&b, true).unwrap_err(), "GET_CAPABILITIES answered STATUS_FAILED");
        assert!(Capabilities::parse(&[], true).is_err());
    }

    #[test]
    fn setups_name_the_interface_or_the_endpoint_address() {
        let s = to_endpoint(INITIATE_ABORT_BULK_IN, 42, 0x82);
        assert_eq!((s.recipient.as_str(), s.request, s.value, s.index), ("endpoint", 3, 42, 0x82));
        let s = to_interface(READ_STATUS_BYTE, 2, 1);
        assert_eq!((s.request_type.as_str(), s.recipient.as_str(), s.request, s.index), ("class", "interface", 128, 1));
        assert_eq!(Status::from_byte(0x81), Status::TransferNotInProgress);
        assert_eq!(Status::from_byte(0x55).to_byte(), 0x55);
    }
}
