//! What a granted USB device says about itself: ids, serial number, interfaces and endpoints
//! (WebUSB's `USBDevice`, `USBInterface`/`USBAlternateInterface`, `USBEndpoint`). Instrument
//! discovery (USBTMC is interface class 0xFE, subclass 0x03) and VISA resource matching
//! (`USB0::0x05E6::0x2450::04512345::INSTR`) read these.

use serde::{Deserialize, Serialize};

/// A transfer's direction, seen from the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Device to host.
    In,
    /// Host to device.
    Out,
}

/// An endpoint's transfer type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointKind {
    Bulk,
    Interrupt,
    Isochronous,
}

/// One endpoint of an interface's current alternate setting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsbEndpointInfo {
    /// The endpoint number, 1 to 15, without the direction bit (WebUSB's `endpointNumber`,
    /// what `UsbDevice::transfer_in`/`transfer_out` take).
    pub number: u8,
    pub direction: Direction,
    pub kind: EndpointKind,
    /// wMaxPacketSize: 64 on full-speed bulk endpoints, 512 on high-speed ones.
    pub packet_size: u16,
}

impl UsbEndpointInfo {
    /// The endpoint address as control requests name it (`wIndex` of a request to an
    /// endpoint): the number with bit 7 set for IN endpoints.
    pub fn address(&self) -> u8 {
        match self.direction {
            Direction::In => 0x80 | self.number,
            Direction::Out => self.number,
        }
    }
}

/// One interface (its alternate setting 0, or the one in use).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsbInterfaceInfo {
    /// bInterfaceNumber.
    pub number: u8,
    /// bAlternateSetting.
    pub alternate: u8,
    pub class: u8,
    pub subclass: u8,
    pub protocol: u8,
    pub endpoints: Vec<UsbEndpointInfo>,
}

/// A granted USB device's descriptors, as the host reads them without opening it (WebUSB
/// reports them for every device `getDevices()` returns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsbInfo {
    pub vendor_id: u16,
    pub product_id: u16,
    /// The iSerialNumber string, when the device has one.
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    /// The interfaces of the configuration the device is (or will be) used in.
    pub interfaces: Vec<UsbInterfaceInfo>,
}
