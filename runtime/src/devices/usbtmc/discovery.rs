//! Finding USBTMC instruments among granted USB devices: an interface of class 0xFE
//! (application specific), subclass 0x03 (test and measurement), protocol 0 (USBTMC) or 1
//! (USB488), with a Bulk-OUT, a Bulk-IN and optionally an Interrupt-IN endpoint.

use crate::devices::{Devices, Direction, EndpointKind, PortInfo, UsbEndpointInfo, UsbInfo, UsbInterfaceInfo};

pub const CLASS: u8 = 0xFE;
pub const SUBCLASS: u8 = 0x03;
/// bInterfaceProtocol of a USB488 interface (0 is plain USBTMC).
pub const PROTOCOL_USB488: u8 = 1;

/// A device's USBTMC interface and the endpoints a session uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsbtmcInterface {
    /// bInterfaceNumber (what `Devices::open_usb` claims).
    pub number: u8,
    /// bInterfaceProtocol is 1: USB488 (status byte, TRIGGER, REN).
    pub usb488: bool,
    pub bulk_out: UsbEndpointInfo,
    pub bulk_in: UsbEndpointInfo,
    /// USB488's interrupt-IN endpoint (service requests, READ_STATUS_BYTE answers).
    pub interrupt_in: Option<UsbEndpointInfo>,
}

impl UsbtmcInterface {
    /// `interface` as a USBTMC interface, if it is one with the endpoints it needs.
    pub fn from_interface(interface: &UsbInterfaceInfo) -> Option<UsbtmcInterface> {
        if interface.class != CLASS || interface.subclass != SUBCLASS {
            return None;
        }
        let find = |dir: Direction, kind: EndpointKind| {
            interface.endpoints.iter().find(|e| e.direction == dir && e.kind == kind).cloned()
        };
        Some(UsbtmcInterface {
            number: interface.number,
            usb488: interface.protocol == PROTOCOL_USB488,
            bulk_out: find(Direction::Out, EndpointKind::Bulk)?,
            bulk_in: find(Direction::In, EndpointKind::Bulk)?,
            interrupt_in: find(Direction::In, EndpointKind::Interrupt),
        })
    }

    /// The device's first USBTMC interface (an instrument has one).
    pub fn find(info: &UsbInfo) -> Option<UsbtmcInterface> {
        info.interfaces.iter().find_map(UsbtmcInterface::from_interface)
    }
}

/// A granted USB device with a USBTMC interface.
#[derive(Clone, Debug, PartialEq)]
pub struct UsbInstrument {
    pub port: PortInfo,
    pub info: UsbInfo,
    pub interface: UsbtmcInterface,
}

/// The granted USB devices that are USBTMC instruments, in the host's order.
pub fn usb_instruments(devices: &dyn Devices) -> Vec<UsbInstrument> {
    devices
        .usb_devices()
        .into_iter()
        .filter_map(|port| {
            let info = devices.usb_info(&port.id)?;
            let interface = UsbtmcInterface::find(&info)?;
            Some(UsbInstrument { port, info, interface })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn ep(number: u8, direction: Direction, kind: EndpointKind) -> UsbEndpointInfo {
        UsbEndpointInfo { number, direction, kind, packet_size: 512 }
    }

    #[test]
    fn a_usb488_interface_is_found_with_its_endpoints_and_others_are_not() {
        let hid = UsbInterfaceInfo {
            number: 0,
            alternate: 0,
            class: 3,
            subclass: 0,
            protocol: 0,
            endpoints: vec![ep(1, Direction::In, EndpointKind::Interrupt)],
        };
        let tmc = UsbInterfaceInfo {
            number: 1,
            alternate: 0,
            class: 0xFE,
            subclass: 3,
            protocol: 1,
            endpoints: vec![
                ep(3, Direction::In, EndpointKind::Interrupt),
                ep(2, Direction::In, EndpointKind::Bulk),
                ep(1, Direction::Out, EndpointKind::Bulk),
            ],
        };
        let info = UsbInfo {
            vendor_id: 0x05E6,
            product_id: 0x2450,
            serial_number: Some("04512345".into()),
            manufacturer: None,
            product: None,
            interfaces: vec![hid.clone(), tmc.clone()],
        };
        let i = UsbtmcInterface::find(&info).unwrap();
        assert_eq!((i.number, i.usb488, i.bulk_out.number, i.bulk_in.address()), (1, true, 1, 0x82));
        assert_eq!(i.interrupt_in.unwrap().number, 3);
        // DFU (0xFE/0x01) is not USBTMC; USBTMC without a Bulk-IN is unusable
        let dfu = UsbInterfaceInfo { subclass: 1, ..tmc.clone() };
        assert_eq!(UsbtmcInterface::from_interface(&dfu), None);
        let mute = UsbInterfaceInfo { endpoints: vec![ep(1, Direction::Out, EndpointKind::Bulk)], ..tmc };
        assert_eq!(UsbtmcInterface::from_interface(&mute), None);
        assert_eq!(UsbtmcInterface::from_interface(&hid), None);
    }
}
