//! VISA resource names (IVI VPP-4.3 §4.3.1.1), as Flojoy Studio files name instruments:
//!
//! ```text
//! USB[board]::manufacturer ID::model code::serial number[::USB interface number][::INSTR]
//! USB[board]::manufacturer ID::model code::serial number[::USB interface number]::RAW
//! ASRL[board][::INSTR]                      (pyvisa-py also writes ASRL/dev/ttyUSB0::INSTR)
//! TCPIP[board]::host address[::LAN device name][::INSTR]
//! TCPIP[board]::host address::port::SOCKET
//! GPIB[board]::primary address[::secondary address][::INSTR]
//! GPIB[board]::INTFC
//! ```
//!
//! Keywords are case-insensitive; numbers are decimal or `0x` hex. A browser reaches USB
//! instruments (USBTMC over WebUSB) and serial ones (WebSerial); for the others
//! [`Resource::unreachable`] says why not and what to use instead.

/// A parsed resource name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    Usb {
        board: u32,
        vendor: u16,
        product: u16,
        /// VISA requires it; a name without one (`USB::0x05E6::0x2450::INSTR`) is accepted.
        serial: Option<String>,
        interface: Option<u8>,
        /// `::RAW` (not USBTMC) rather than `::INSTR`.
        raw: bool,
    },
    /// A serial port: `ASRL3` (`board` "3") or `ASRL/dev/ttyUSB0` (`board` "/dev/ttyUSB0").
    Serial {
        board: String,
    },
    Tcpip {
        board: u32,
        host: String,
        endpoint: TcpipEndpoint,
    },
    Gpib {
        board: u32,
        primary: u8,
        secondary: Option<u8>,
        /// `GPIB0::INTFC`: the board itself.
        interface_only: bool,
    },
    /// VXI, GPIB-VXI, PXI, VICP, FireWire: named, not reachable.
    Other {
        interface: String,
        name: String,
    },
}

/// What a TCPIP resource connects to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TcpipEndpoint {
    /// VXI-11 (`inst0`) or HiSLIP (`hislip0`).
    Instr { device: String },
    /// A raw socket (SCPI-RAW, usually port 5025).
    Socket { port: u16 },
}

/// Why a resource name could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error("'{name}' is not a VISA resource name: {detail} (the form is {form})")]
    Syntax { name: String, detail: String, form: &'static str },
    /// TCPIP, GPIB, …: why a browser cannot reach it, and what to do.
    #[error("{0}")]
    Unreachable(String),
    /// No granted device fits.
    #[error("{0}")]
    NotConnected(String),
    /// Several granted devices fit and the name does not pick one.
    #[error("{0}")]
    Ambiguous(String),
}

const USB_FORM: &str = "USB[board]::vendor id::product id::serial number[::interface][::INSTR]";
const ASRL_FORM: &str = "ASRL[board][::INSTR]";
const TCPIP_FORM: &str = "TCPIP[board]::host[::device name][::INSTR] or TCPIP[board]::host::port::SOCKET";
const GPIB_FORM: &str = "GPIB[board]::primary address[::secondary address][::INSTR]";

/// Interface keywords, longest first where one starts another.
const INTERFACES: [&str; 9] = ["GPIB-VXI", "FIREWIRE", "TCPIP", "ASRL", "GPIB", "VICP", "USB", "VXI", "PXI"];
const CLASSES: [&str; 7] = ["INSTR", "RAW", "SOCKET", "INTFC", "BACKPLANE", "MEMACC", "SERVANT"];

impl Resource {
    /// Whether `text` starts like a VISA resource name (an interface keyword and a board
    /// number or `::`), so a device id or label is not mistaken for one.
    pub fn looks_like(text: &str) -> bool {
        let t = text.trim();
        let upper = t.to_ascii_uppercase();
        INTERFACES.iter().any(|i| {
            upper.starts_with(i)
                && upper[i.len()..].chars().next().is_none_or(|c| c.is_ascii_digit() || c == ':' || c == '/')
        }) && (t.contains("::") || upper.starts_with("ASRL"))
    }

    /// Parses a resource name.
    pub fn parse(name: &str) -> Result<Resource, ResourceError> {
        let text = name.trim();
        let err = |detail: String, form: &'static str| ResourceError::Syntax { name: text.to_owned(), detail, form };
        let mut parts: Vec<&str> = text.split("::").map(str::trim).collect();
        let upper_first = parts[0].to_ascii_uppercase();
        let Some(interface) = INTERFACES.iter().find(|i| upper_first.starts_with(**i)) else {
            return Err(err(
                format!("it does not start with an interface type ({})", INTERFACES.join(", ")),
                "INTERFACE[board]::…::CLASS",
            ));
        };
        let board_text = parts[0][interface.len()..].to_owned();
        parts.remove(0);
        let class = match parts.last().map(|p| p.to_ascii_uppercase()) {
            Some(c) if CLASSES.contains(&c.as_str()) => {
                parts.pop();
                Some(c)
            }
            _ => None,
        };
        let class = class.as_deref();
        let board = |form: &'static str| -> Result<u32, ResourceError> {
            if board_text.is_empty() {
                Ok(0)
            } else {
                board_text.parse().map_err(|_| err(format!("board '{board_text}' is not a number"), form))
            }
        };
        match *interface {
            "USB" => {
                let raw = match class {
                    None | Some("INSTR") => false,
                    Some("RAW") => true,
                    Some(c) => return Err(err(format!("USB resources are INSTR or RAW, not {c}"), USB_FORM)),
                };
                let board = board(USB_FORM)?;
                if !(2..=4).contains(&parts.len()) {
                    return Err(err(
                        format!(
                            "it has {} parts after the interface, not a vendor id, product id and serial number",
                            parts.len()
                        ),
                        USB_FORM,
                    ));
                }
                let id = |p: &str, what: &str| {
                    number(p).and_then(|n| u16::try_from(n).ok()).ok_or_else(|| {
                        err(format!("{what} '{p}' is not a 16-bit number (write 0x05E6 for hex, or decimal)"), USB_FORM)
                    })
                };
                let vendor = id(parts[0], "the vendor id")?;
                let product = id(parts[1], "the product id")?;
                let serial = parts.get(2).filter(|s| !s.is_empty()).map(|s| (*s).to_owned());
                let interface = match parts.get(3) {
                    None => None,
                    Some(p) => Some(number(p).and_then(|n| u8::try_from(n).ok()).ok_or_else(|| {
                        err(format!("the interface number '{p}' is not a number from 0 to 255"), USB_FORM)
                    })?),
                };
                Ok(Resource::Usb { board, vendor, product, serial, interface, raw })
            }
            "ASRL" => {
                if !matches!(class, None | Some("INSTR")) || !parts.is_empty() {
                    return Err(err("a serial resource is ASRL and a port, then ::INSTR".into(), ASRL_FORM));
                }
                let board = if board_text.is_empty() { "0".to_owned() } else { board_text };
                Ok(Resource::Serial { board })
            }
            "TCPIP" => {
                let board = board(TCPIP_FORM)?;
                let host = match parts.first() {
                    Some(h) if !h.is_empty() => (*h).to_owned(),
                    _ => return Err(err("the host address is missing".into(), TCPIP_FORM)),
                };
                let endpoint = match (class, parts.len()) {
                    (Some("SOCKET"), 2) => TcpipEndpoint::Socket {
                        port: parts[1].parse().map_err(|_| {
                            err(format!("port '{}' is not a number from 0 to 65535", parts[1]), TCPIP_FORM)
                        })?,
                    },
                    (None | Some("INSTR"), 1) => TcpipEndpoint::Instr { device: "inst0".into() },
                    (None | Some("INSTR"), 2) => TcpipEndpoint::Instr { device: parts[1].to_owned() },
                    _ => return Err(err("the parts after the host do not fit".into(), TCPIP_FORM)),
                };
                Ok(Resource::Tcpip { board, host, endpoint })
            }
            "GPIB" => {
                let board = board(GPIB_FORM)?;
                let address = |p: &str, what: &str| {
                    p.parse::<u8>()
                        .ok()
                        .filter(|a| *a <= 30)
                        .ok_or_else(|| err(format!("the {what} address '{p}' is not a number from 0 to 30"), GPIB_FORM))
                };
                match (class, parts.as_slice()) {
                    (Some("INTFC"), []) => {
                        Ok(Resource::Gpib { board, primary: 0, secondary: None, interface_only: true })
                    }
                    (None | Some("INSTR"), [p]) => Ok(Resource::Gpib {
                        board,
                        primary: address(p, "primary")?,
                        secondary: None,
                        interface_only: false,
                    }),
                    (None | Some("INSTR"), [p, s]) => Ok(Resource::Gpib {
                        board,
                        primary: address(p, "primary")?,
                        secondary: Some(address(s, "secondary")?),
                        interface_only: false,
                    }),
                    _ => Err(err("it needs a primary address (and optionally a secondary one)".into(), GPIB_FORM)),
                }
            }
            other => Ok(Resource::Other { interface: other.to_owned(), name: text.to_owned() }),
        }
    }

    /// Why a web page cannot reach this instrument and what to use instead; `None` for USB
    /// (USBTMC over WebUSB) and serial (WebSerial) resources.
    pub fn unreachable(&self) -> Option<String> {
        let instead = "connect the instrument by USB (most bench instruments have a USB device port; it shows up as a USBTMC instrument) or by serial (RS-232 through a USB adapter), and pick it with the Devices button; the command-line runner is to reach network and GPIB instruments natively in a future version";
        match self {
            Resource::Usb { raw: true, .. } => Some(format!(
                "'{self}' is a raw USB device (::RAW), not a USBTMC instrument: use the USB transfer nodes for it"
            )),
            Resource::Usb { .. } | Resource::Serial { .. } => None,
            Resource::Tcpip { endpoint, .. } => {
                let what = match endpoint {
                    TcpipEndpoint::Socket { port } => format!("a raw TCP socket (port {port})"),
                    TcpipEndpoint::Instr { device } if device.to_ascii_lowercase().starts_with("hislip") => {
                        "HiSLIP over TCP".to_owned()
                    }
                    TcpipEndpoint::Instr { .. } => "VXI-11 (ONC RPC over TCP)".to_owned(),
                };
                Some(format!(
                    "'{self}' is a network instrument reached by {what}, which a web page cannot open: browsers give pages no raw TCP sockets, only HTTP and WebSocket, which instruments do not speak; {instead}"
                ))
            }
            Resource::Gpib { .. } => Some(format!(
                "'{self}' is a GPIB instrument, reached through a GPIB adapter (NI GPIB-USB-HS, Keysight 82357B, …) whose vendor driver (NI-488.2, Keysight IO Libraries) a web page cannot use; {instead}"
            )),
            Resource::Other { interface, .. } => Some(format!(
                "'{self}' is a {interface} resource, which only the vendor's VISA driver reaches and a web page cannot; {instead}"
            )),
        }
    }

    /// The operating system's name for a serial resource's port (`COM3`, `/dev/ttyUSB0`).
    pub fn serial_port_name(&self) -> Option<String> {
        match self {
            Resource::Serial { board } if board.bytes().all(|b| b.is_ascii_digit()) => Some(format!("COM{board}")),
            Resource::Serial { board } => Some(board.clone()),
            _ => None,
        }
    }
}

/// `0x05E6` (hex), `1510` (decimal).
fn number(p: &str) -> Option<u32> {
    let p = p.trim();
    match p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() => u32::from_str_radix(hex, 16).ok(),
        Some(_) => None,
        None if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok(),
        None => None,
    }
}

impl std::fmt::Display for Resource {
    /// The canonical form (`USB0::0x05E6::0x2450::04512345::INSTR`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Resource::Usb { board, vendor, product, serial, interface, raw } => {
                write!(f, "USB{board}::0x{vendor:04X}::0x{product:04X}")?;
                if let Some(s) = serial {
                    write!(f, "::{s}")?;
                }
                if let Some(i) = interface {
                    write!(f, "::{i}")?;
                }
                write!(f, "::{}", if *raw { "RAW" } else { "INSTR" })
            }
            Resource::Serial { board } => write!(f, "ASRL{board}::INSTR"),
            Resource::Tcpip { board, host, endpoint: TcpipEndpoint::Instr { device } } => {
                write!(f, "TCPIP{board}::{host}::{device}::INSTR")
            }
            Resource::Tcpip { board, host, endpoint: TcpipEndpoint::Socket { port } } => {
                write!(f, "TCPIP{board}::{host}::{port}::SOCKET")
            }
            Resource::Gpib { board, interface_only: true, .. } => write!(f, "GPIB{board}::INTFC"),
            Resource::Gpib { board, primary, secondary: None, .. } => write!(f, "GPIB{board}::{primary}::INSTR"),
            Resource::Gpib { board, primary, secondary: Some(s), .. } => {
                write!(f, "GPIB{board}::{primary}::{s}::INSTR")
            }
            Resource::Other { name, .. } => write!(f, "{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn canon(s: &str) -> String {
        Resource::parse(s).unwrap().to_string()
    }

    #[test]
    fn usb_names_follow_the_visa_grammar() {
        assert_eq!(
            Resource::parse("USB0::0x05E6::0x2450::04512345::INSTR").unwrap(),
            Resource::Usb {
                board: 0,
                vendor: 0x05E6,
                product: 0x2450,
                serial: Some("04512345".into()),
                interface: None,
                raw: false
            }
        );
        // board omitted, interface number given, lower-case hex and keywords
        assert_eq!(
            Resource::parse("usb::0x0699::0x0522::C012345::0::instr").unwrap(),
            Resource::Usb {
                board: 0,
                vendor: 0x0699,
                product: 0x0522,
                serial: Some("C012345".into()),
                interface: Some(0),
                raw: false
            }
        );
        // decimal model codes (VISA allows them), the class omitted, RAW
        assert_eq!(canon("USB2::0x1234::125::A22-5"), "USB2::0x1234::0x007D::A22-5::INSTR");
        assert_eq!(canon("USB::0x1234::125::A22-5::3::RAW"), "USB0::0x1234::0x007D::A22-5::3::RAW");
        // no serial number: accepted, matched by ids only
        assert_eq!(canon("USB0::0x05e6::0x2450::INSTR"), "USB0::0x05E6::0x2450::INSTR");
        for bad in [
            "USB0::0x05E6::INSTR",
            "USB0::05E6::0x2450::X::INSTR",
            "USB0::0x1FFFF::1::X",
            "USBx::1::2::3",
            "USB0::1::2::3::999",
        ] {
            let e = Resource::parse(bad).unwrap_err();
            assert!(matches!(e, ResourceError::Syntax { .. }), "{bad}: {e}");
        }
        assert!(Resource::parse("USB0::05E6::0x2450::X::INSTR").unwrap_err().to_string().contains("'05E6'"));
    }

    #[test]
    fn serial_tcpip_and_gpib_names() {
        assert_eq!(Resource::parse("ASRL3::INSTR").unwrap(), Resource::Serial { board: "3".into() });
        assert_eq!(
            Resource::parse("ASRL/dev/ttyUSB0::INSTR").unwrap(),
            Resource::Serial { board: "/dev/ttyUSB0".into() }
        );
        assert_eq!(Resource::parse("ASRL1").unwrap().serial_port_name().unwrap(), "COM1");
        assert_eq!(Resource::parse("ASRL/dev/ttyUSB0::INSTR").unwrap().serial_port_name().unwrap(), "/dev/ttyUSB0");
        assert_eq!(canon("TCPIP0::192.168.1.5::inst0::INSTR"), "TCPIP0::192.168.1.5::inst0::INSTR");
        assert_eq!(canon("TCPIP::169.254.175.123::INSTR"), "TCPIP0::169.254.175.123::inst0::INSTR");
        assert_eq!(canon("TCPIP3::dev.company.com::hislip0"), "TCPIP3::dev.company.com::hislip0::INSTR");
        assert_eq!(
            Resource::parse("TCPIP::host::5025::SOCKET").unwrap(),
            Resource::Tcpip { board: 0, host: "host".into(), endpoint: TcpipEndpoint::Socket { port: 5025 } }
        );
        assert_eq!(canon("GPIB0::12::INSTR"), "GPIB0::12::INSTR");
        assert_eq!(canon("GPIB::1::1::INSTR"), "GPIB0::1::1::INSTR");
        assert_eq!(canon("GPIB1::1"), "GPIB1::1::INSTR");
        assert_eq!(canon("GPIB3::INTFC"), "GPIB3::INTFC");
        assert!(Resource::parse("GPIB0::31::INSTR").is_err());
        assert!(Resource::parse("GPIB::::INSTR").is_err());
        assert!(Resource::parse("TCPIP::1.2.3.4::99999::SOCKET").is_err());
        assert!(Resource::parse("TCPIP::::INSTR").is_err());
        assert!(Resource::parse("RJ45::1").is_err());
        assert_eq!(
            Resource::parse("VXI0::1::INSTR").unwrap(),
            Resource::Other { interface: "VXI".into(), name: "VXI0::1::INSTR".into() }
        );
    }

    #[test]
    fn looks_like_tells_resources_from_device_ids_and_labels() {
        for r in [
            "USB0::0x05E6::0x2450::1::INSTR",
            "usb::1::2::3",
            "ASRL3::INSTR",
            "ASRL/dev/ttyS0::INSTR",
            "TCPIP::h::INSTR",
            "GPIB0::12::INSTR",
        ] {
            assert!(Resource::looks_like(r), "{r}");
        }
        for not in ["05e6:2450", "USB Camera", "usb-1", "Keithley 2450", "", "TCPIPX"] {
            assert!(!Resource::looks_like(not), "{not}");
        }
    }

    #[test]
    fn unreachable_resources_say_why_and_what_instead() {
        let why = |s: &str| Resource::parse(s).unwrap().unreachable().unwrap();
        let t = why("TCPIP0::192.168.1.5::inst0::INSTR");
        assert!(t.contains("VXI-11") && t.contains("no raw TCP sockets") && t.contains("by USB"), "{t}");
        assert!(why("TCPIP::host::5025::SOCKET").contains("raw TCP socket (port 5025)"));
        assert!(why("TCPIP::host::hislip0::INSTR").contains("HiSLIP"));
        let g = why("GPIB0::12::INSTR");
        assert!(g.contains("GPIB adapter") && g.contains("vendor driver") && g.contains("by serial"), "{g}");
        assert!(why("USB0::1::2::3::RAW").contains("USB transfer nodes"));
        assert!(why("PXI0::1::BACKPLANE").contains("PXI"));
        assert_eq!(Resource::parse("USB0::1::2::3").unwrap().unreachable(), None);
        assert_eq!(Resource::parse("ASRL1::INSTR").unwrap().unreachable(), None);
    }
}
