//! WebUSB devices: what a granted one says about itself ([`describe`]), and one open device
//! with a claimed interface, moving bytes as the runtime asks (transfers, control requests,
//! clearing a halt).

use std::rc::Rc;

use futures::future::LocalBoxFuture;
use runtime::devices::{
    ControlSetup, DeviceError, Direction, EndpointKind, UsbDevice, UsbEndpointInfo, UsbInfo, UsbInterfaceInfo,
};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    UsbControlTransferParameters, UsbDirection, UsbEndpointType, UsbRecipient, UsbRequestType, UsbTransferStatus,
};

use super::device_error;

/// A granted device's ids, strings and the interfaces (alternate setting 0) of the
/// configuration it is in, or of the one [`OpenUsb::open`] will select (value 1, else the
/// first), as WebUSB reports them without opening the device.
pub fn describe(d: &web_sys::UsbDevice) -> UsbInfo {
    let configuration = d.configuration().or_else(|| {
        let all: Vec<web_sys::UsbConfiguration> = d.configurations().iter().collect();
        all.iter().find(|c| c.configuration_value() == 1).or(all.first()).cloned()
    });
    let interfaces = configuration
        .map(|c| c.interfaces().iter().filter_map(|i| describe_interface(&i)).collect())
        .unwrap_or_default();
    let text = |s: Option<String>| s.filter(|s| !s.is_empty());
    UsbInfo {
        vendor_id: d.vendor_id(),
        product_id: d.product_id(),
        serial_number: text(d.serial_number()),
        manufacturer: text(d.manufacturer_name()),
        product: text(d.product_name()),
        interfaces,
    }
}

fn describe_interface(i: &web_sys::UsbInterface) -> Option<UsbInterfaceInfo> {
    let alternates: Vec<web_sys::UsbAlternateInterface> = i.alternates().iter().collect();
    let alt = alternates.iter().find(|a| a.alternate_setting() == 0).or(alternates.first())?;
    let endpoints = alt
        .endpoints()
        .iter()
        .filter_map(|e| {
            let kind = match e.type_() {
                UsbEndpointType::Bulk => EndpointKind::Bulk,
                UsbEndpointType::Interrupt => EndpointKind::Interrupt,
                UsbEndpointType::Isochronous => EndpointKind::Isochronous,
                _ => return None,
            };
            let direction = match e.direction() {
                UsbDirection::In => Direction::In,
                UsbDirection::Out => Direction::Out,
                _ => return None,
            };
            Some(UsbEndpointInfo {
                number: e.endpoint_number(),
                direction,
                kind,
                packet_size: u16::try_from(e.packet_size()).unwrap_or(u16::MAX),
            })
        })
        .collect();
    Some(UsbInterfaceInfo {
        number: i.interface_number(),
        alternate: alt.alternate_setting(),
        class: alt.interface_class(),
        subclass: alt.interface_subclass(),
        protocol: alt.interface_protocol(),
        endpoints,
    })
}

#[derive(Clone)]
pub struct OpenUsb {
    pub device: Rc<web_sys::UsbDevice>,
    pub interface: u8,
}

impl OpenUsb {
    /// Opens the device, selects configuration 1 (unless one is selected) and claims `interface`.
    pub async fn open(device: web_sys::UsbDevice, interface: u8) -> Result<OpenUsb, DeviceError> {
        if !device.opened() {
            JsFuture::from(device.open()).await.map_err(device_error)?;
        }
        if device.configuration().is_none() {
            JsFuture::from(device.select_configuration(1)).await.map_err(device_error)?;
        }
        JsFuture::from(device.claim_interface(interface)).await.map_err(device_error)?;
        Ok(OpenUsb { device: Rc::new(device), interface })
    }

    pub async fn close(&self) {
        let _ = JsFuture::from(self.device.release_interface(self.interface)).await;
        let _ = JsFuture::from(self.device.close()).await;
    }
}

fn status_error(status: UsbTransferStatus) -> Result<(), DeviceError> {
    match status {
        UsbTransferStatus::Ok => Ok(()),
        UsbTransferStatus::Stall => Err(DeviceError::Io(
            "the device stalled the transfer (it does not support this request or endpoint)".into(),
        )),
        UsbTransferStatus::Babble => Err(DeviceError::Io("the device sent more data than asked for (babble)".into())),
        _ => Err(DeviceError::Io("the transfer failed".into())),
    }
}

fn in_bytes(r: web_sys::UsbInTransferResult) -> Result<Vec<u8>, DeviceError> {
    status_error(r.status())?;
    Ok(r.data()
        .map(|d| {
            js_sys::Uint8Array::new_with_byte_offset_and_length(
                &d.buffer(),
                d.byte_offset() as u32,
                d.byte_length() as u32,
            )
            .to_vec()
        })
        .unwrap_or_default())
}

fn out_count(r: web_sys::UsbOutTransferResult) -> Result<u32, DeviceError> {
    status_error(r.status())?;
    Ok(r.bytes_written())
}

fn setup(s: &ControlSetup) -> Result<UsbControlTransferParameters, DeviceError> {
    let request_type = match s.request_type.as_str() {
        "standard" => UsbRequestType::Standard,
        "class" => UsbRequestType::Class,
        "vendor" => UsbRequestType::Vendor,
        other => return Err(DeviceError::Io(format!("unknown request type '{other}' (standard, class or vendor)"))),
    };
    let recipient = match s.recipient.as_str() {
        "device" => UsbRecipient::Device,
        "interface" => UsbRecipient::Interface,
        "endpoint" => UsbRecipient::Endpoint,
        "other" => UsbRecipient::Other,
        other => {
            return Err(DeviceError::Io(format!("unknown recipient '{other}' (device, interface, endpoint or other)")));
        }
    };
    Ok(UsbControlTransferParameters::new(s.index, recipient, s.request, request_type, s.value))
}

impl UsbDevice for OpenUsb {
    fn transfer_in(&self, endpoint: u8, length: u32) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        let d = self.device.clone();
        Box::pin(async move { in_bytes(JsFuture::from(d.transfer_in(endpoint, length)).await.map_err(device_error)?) })
    }

    fn transfer_out(&self, endpoint: u8, data: Vec<u8>) -> LocalBoxFuture<'static, Result<u32, DeviceError>> {
        let d = self.device.clone();
        Box::pin(async move {
            let p = d.transfer_out_with_u8_slice(endpoint, &data).map_err(device_error)?;
            out_count(JsFuture::from(p).await.map_err(device_error)?)
        })
    }

    fn control_in(&self, s: ControlSetup, length: u16) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        let d = self.device.clone();
        Box::pin(async move {
            let params = setup(&s)?;
            in_bytes(JsFuture::from(d.control_transfer_in(&params, length)).await.map_err(device_error)?)
        })
    }

    fn control_out(&self, s: ControlSetup, data: Vec<u8>) -> LocalBoxFuture<'static, Result<u32, DeviceError>> {
        let d = self.device.clone();
        Box::pin(async move {
            let params = setup(&s)?;
            let p = d.control_transfer_out_with_u8_slice(&params, &data).map_err(device_error)?;
            out_count(JsFuture::from(p).await.map_err(device_error)?)
        })
    }

    fn clear_halt(&self, direction: Direction, endpoint: u8) -> LocalBoxFuture<'static, Result<(), DeviceError>> {
        let d = self.device.clone();
        let direction = match direction {
            Direction::In => UsbDirection::In,
            Direction::Out => UsbDirection::Out,
        };
        Box::pin(async move {
            JsFuture::from(d.clear_halt(direction, endpoint)).await.map_err(device_error)?;
            Ok(())
        })
    }
}
