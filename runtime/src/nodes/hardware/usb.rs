//! USB transfers over WebUSB: USB_OPEN, USB_TRANSFER_OUT, USB_TRANSFER_IN, USB_CONTROL_TRANSFER.

use serde_json::json;

use super::port::{bytes_value, dev, device_param, open_usb, parse_hex, trigger, within};
use super::{USB, USB_TIMEOUT_MS};
use crate::devices::ControlSetup;
use crate::nodes::{NodeDef, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

fn usb_node(func: &str, doc: &str) -> NodeSpec {
    let spec = trigger(NodeSpec::new(func, USB, doc));
    device_param(spec, "device", "UsbDevice", "The USB device (from the Devices list)").int_range(
        "interface",
        0,
        Some(0),
        Some(255),
        "The interface to claim",
    )
}

pub(super) fn usb_open() -> NodeDef {
    let spec = NodeSpec::new(
        "USB_OPEN",
        USB,
        "Open a USB device and claim one of its interfaces for the USB nodes after it; outputs which, as JSON.",
    );
    let spec = device_param(spec, "device", "UsbDevice", "The USB device (from the Devices list)")
        .int_range("interface", 0, Some(0), Some(255), "The interface to claim")
        .output("default", TypeSet::of(T::String), "The device id and interface, as JSON");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let (id, _) = open_usb(&ctx).await?;
            let interface: u8 = ctx.int_in("interface", 0, 255)?;
            ctx.log(format!("opened '{id}', interface {interface}"));
            Ok(Outputs::one(Value::string(json!({"device": id, "interface": interface}).to_string())))
        })
    })
}

pub(super) fn usb_transfer_out() -> NodeDef {
    let spec = usb_node("USB_TRANSFER_OUT", "Send bytes to a USB device's bulk or interrupt OUT endpoint.")
        .int_range("endpoint", 1, Some(1), Some(15), "The OUT endpoint number")
        .str("data", "", "What to send")
        .select("encoding", &["text", "hex"], "text", "text: the UTF-8 bytes of data; hex: bytes like '01 ff 2a'")
        .output("default", TypeSet::of(T::Scalar), "How many bytes were sent");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let data = match ctx.text("encoding") {
                "hex" => parse_hex(ctx.text("data"), "data")?,
                _ => ctx.text("data").as_bytes().to_vec(),
            };
            let endpoint: u8 = ctx.int_in("endpoint", 1, 15)?;
            let (_, device) = open_usb(&ctx).await?;
            let n = within(&*ctx.host, USB_TIMEOUT_MS, device.transfer_out(endpoint, data)).await.map_err(dev)?;
            Ok(Outputs::one(Value::scalar(f64::from(n))))
        })
    })
}

pub(super) fn usb_transfer_in() -> NodeDef {
    let spec = usb_node("USB_TRANSFER_IN", "Read bytes from a USB device's bulk or interrupt IN endpoint.")
        .int_range("endpoint", 1, Some(1), Some(15), "The IN endpoint number")
        .int_range("length", 64, Some(1), Some(65536), "The most bytes to read")
        .select("output", &["bytes", "text"], "bytes", "bytes: a Vector of byte values; text: a String (UTF-8)")
        .output("default", TypeSet::union(&[T::Vector, T::String]), "What the device sent");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let endpoint: u8 = ctx.int_in("endpoint", 1, 15)?;
            let length: u32 = ctx.int_in("length", 1, 65536)?;
            let (_, device) = open_usb(&ctx).await?;
            let bytes = within(&*ctx.host, USB_TIMEOUT_MS, device.transfer_in(endpoint, length)).await.map_err(dev)?;
            Ok(Outputs::one(bytes_value(bytes, ctx.text("output") == "text")))
        })
    })
}

pub(super) fn usb_control_transfer() -> NodeDef {
    let spec = usb_node(
        "USB_CONTROL_TRANSFER",
        "Send a USB control transfer (a vendor request, a class request) to a device: 'in' reads bytes back, 'out' sends data.",
    )
    .select("direction", &["in", "out"], "in", "in: the device answers; out: send data")
    .select("request_type", &["standard", "class", "vendor"], "vendor", "bmRequestType's type")
    .select("recipient", &["device", "interface", "endpoint", "other"], "device", "bmRequestType's recipient")
    .int_range("request", 0, Some(0), Some(255), "bRequest")
    .int_range("value", 0, Some(0), Some(65535), "wValue")
    .int_range("index", 0, Some(0), Some(65535), "wIndex")
    .int_range("length", 64, Some(0), Some(65535), "The most bytes to read (in)")
    .shown_when("direction", &["in"])
    .str("data", "", "Hex bytes to send, like '01 ff 2a' (out)")
    .shown_when("direction", &["out"])
    .output("default", TypeSet::union(&[T::Vector, T::Scalar]), "in: the bytes read; out: how many bytes were sent");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let setup = ControlSetup {
                request_type: ctx.text("request_type").to_owned(),
                recipient: ctx.text("recipient").to_owned(),
                request: ctx.int_in("request", 0, 255)?,
                value: ctx.int_in("value", 0, 65535)?,
                index: ctx.int_in("index", 0, 65535)?,
            };
            let out = ctx.text("direction") == "out";
            let data = if out { parse_hex(ctx.text("data"), "data")? } else { Vec::new() };
            let length: u16 = if out { 0 } else { ctx.int_in("length", 0, 65535)? };
            let (_, device) = open_usb(&ctx).await?;
            let host = &*ctx.host;
            let value = if out {
                let n = within(host, USB_TIMEOUT_MS, device.control_out(setup, data)).await.map_err(dev)?;
                Value::scalar(f64::from(n))
            } else {
                bytes_value(within(host, USB_TIMEOUT_MS, device.control_in(setup, length)).await.map_err(dev)?, false)
            };
            Ok(Outputs::one(value))
        })
    })
}
