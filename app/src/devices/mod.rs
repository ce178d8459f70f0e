//! Instruments in the page: WebSerial ports and WebUSB devices the user granted, as the
//! runtime's [`Devices`]. Device pickers need a click (browsers require a user gesture);
//! granted devices come back with `getPorts()`/`getDevices()` on the next visit. Ports opened
//! during a session (one run, or a stream until Stop) are shared by the nodes naming them and
//! closed when it ends.
//!
//! The bindings are web-sys's typed WebSerial/WebUSB ones, used without `instanceof` checks, so
//! the simulated devices of `demo_devices.js` (bundled from `app/js/demo_devices/`: the app's
//! demo mode, and the tests) plug in at the browser API boundary and everything here runs for
//! real against them.

mod camera;
mod serial;
mod usb;

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use runtime::devices::{
    DeviceError, Devices, FlowControl, Parity, PortInfo, SerialOptions, SerialPort, StreamStats, Streams, UsbDevice,
    UsbInfo,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::js;
use crate::js::listener::Listener;
pub use serial::OpenSerial;
pub use usb::OpenUsb;

/// Which browsers have the APIs (said where they are missing).
pub const WHERE_IT_WORKS: &str =
    "Chrome, Edge or Opera on a desktop computer (version 89 or later), on an https:// page or localhost";

/// What the device panel shows.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DeviceView {
    pub serial_api: bool,
    pub usb_api: bool,
    pub serial: Vec<PortInfo>,
    pub usb: Vec<PortInfo>,
    /// Connect/disconnect/open/close messages, newest last.
    pub events: Vec<String>,
    /// Simulated devices are installed.
    pub demo: bool,
    /// Running streams by node key.
    pub streams: Vec<(String, StreamStats)>,
}

struct SerialEntry {
    info: PortInfo,
    port: web_sys::SerialPort,
    /// Shared, so every node of a session gets the same object (SCPI sessions are kept per
    /// device object).
    open: Option<Rc<OpenSerial>>,
}

struct UsbEntry {
    info: PortInfo,
    device: web_sys::UsbDevice,
    open: Option<Rc<OpenUsb>>,
}

/// A camera's device id ("" for the default camera).
type CameraKey = String;

#[derive(Default)]
struct State {
    serial: RefCell<Vec<SerialEntry>>,
    usb: RefCell<Vec<UsbEntry>>,
    streams: Streams,
    /// The `navigator.serial`/`navigator.usb` objects we listen to (demo mode replaces them),
    /// with their connect/disconnect listeners.
    attached: RefCell<Vec<(JsValue, [Listener; 2])>>,
    /// The cameras this session opened, by device id.
    cameras: RefCell<Vec<(CameraKey, Rc<camera::OpenCamera>)>>,
    /// Held while a port or device is being opened: two nodes of one run asking for the same
    /// device take turns, the second finding it open (WebUSB refuses a second `open()` while
    /// one is in progress; WebSerial a second open of an open port).
    opening: Rc<futures::lock::Mutex<()>>,
}

/// The page's devices; cheap to clone.
#[derive(Clone)]
pub struct BrowserDevices {
    state: Rc<State>,
    pub view: RwSignal<DeviceView>,
}

impl BrowserDevices {
    pub fn new() -> BrowserDevices {
        let me = BrowserDevices { state: Rc::new(State::default()), view: RwSignal::new(DeviceView::default()) };
        me.attach();
        let refresh = me.clone();
        leptos::task::spawn_local(async move { refresh.refresh().await });
        me
    }

    /// Listens to connect/disconnect on the current `navigator.serial` and `navigator.usb`.
    fn attach(&self) {
        for api in [serial_api().map(JsValue::from), usb_api().map(JsValue::from)].into_iter().flatten() {
            if self.state.attached.borrow().iter().any(|(a, _)| js_sys::Object::is(a, &api)) {
                continue;
            }
            let target: &web_sys::EventTarget = api.unchecked_ref();
            let listeners = [("connect", true), ("disconnect", false)].map(|(event, connected)| {
                // the listeners belong to the state: they hold it weakly
                let (state, view) = (Rc::downgrade(&self.state), self.view);
                Listener::new(target, event, move |e| {
                    if let Some(state) = state.upgrade() {
                        BrowserDevices { state, view }.on_plug(&e, connected);
                    }
                })
            });
            self.state.attached.borrow_mut().push((api, listeners));
        }
    }

    fn on_plug(&self, e: &web_sys::Event, connected: bool) {
        // a serial event's target is the port; a USB event carries `.device`
        let device = js_sys::Reflect::get(e, &"device".into()).ok().filter(|d| d.is_object());
        let subject = device.or_else(|| e.target().map(JsValue::from)).unwrap_or(JsValue::UNDEFINED);
        let label = self.label_of(&subject).unwrap_or_else(|| label_for(&subject, None));
        let what = if connected { "connected" } else { "disconnected" };
        self.event(format!("{label} {what}"));
        let me = self.clone();
        leptos::task::spawn_local(async move { me.refresh().await });
    }

    fn label_of(&self, obj: &JsValue) -> Option<String> {
        let serial = self.state.serial.borrow();
        let usb = self.state.usb.borrow();
        serial
            .iter()
            .find(|e| js_sys::Object::is(&e.port, obj))
            .map(|e| e.info.label.clone())
            .or_else(|| usb.iter().find(|e| js_sys::Object::is(&e.device, obj)).map(|e| e.info.label.clone()))
    }

    fn event(&self, line: String) {
        self.view.update(|v| {
            v.events.push(line);
            let n = v.events.len();
            if n > 50 {
                v.events.drain(..n - 50);
            }
        });
    }

    /// Re-reads the granted devices (keeping open ones open).
    pub async fn refresh(&self) {
        let ports: Vec<web_sys::SerialPort> = match serial_api() {
            Some(api) => match JsFuture::from(api.get_ports()).await {
                Ok(a) => js_sys::Array::from(&a).iter().map(|p| p.unchecked_into()).collect(),
                Err(_) => Vec::new(),
            },
            None => Vec::new(),
        };
        let devices: Vec<web_sys::UsbDevice> = match usb_api() {
            Some(api) => match JsFuture::from(api.get_devices()).await {
                Ok(a) => js_sys::Array::from(&a).iter().map(|d| d.unchecked_into()).collect(),
                Err(_) => Vec::new(),
            },
            None => Vec::new(),
        };
        {
            let mut old = std::mem::take(&mut *self.state.serial.borrow_mut());
            let ids = unique_ids(ports.iter().map(serial_ids).collect(), "serial");
            let fresh = ports
                .into_iter()
                .zip(ids)
                .map(|(port, id)| {
                    let open = old
                        .iter_mut()
                        .find(|e| js_sys::Object::is(&e.port, &port))
                        .and_then(|e| e.open.take())
                        .filter(|o| o.failed().is_none());
                    let label = label_for(&port, serial_ids(&port));
                    SerialEntry { info: PortInfo { id, label, open: open.is_some() }, port, open }
                })
                .collect();
            *self.state.serial.borrow_mut() = fresh;
        }
        {
            let mut old = std::mem::take(&mut *self.state.usb.borrow_mut());
            let ids = unique_ids(devices.iter().map(|d| Some((d.vendor_id(), d.product_id()))).collect(), "usb");
            let fresh = devices
                .into_iter()
                .zip(ids)
                .map(|(device, id)| {
                    let open =
                        old.iter_mut().find(|e| js_sys::Object::is(&e.device, &device)).and_then(|e| e.open.take());
                    let label = usb_label(&device);
                    UsbEntry { info: PortInfo { id, label, open: open.is_some() }, device, open }
                })
                .collect();
            *self.state.usb.borrow_mut() = fresh;
        }
        self.publish();
    }

    /// Copies the lists and stream counters into the reactive view.
    pub fn publish(&self) {
        let serial: Vec<PortInfo> = self.state.serial.borrow().iter().map(|e| e.info.clone()).collect();
        let usb: Vec<PortInfo> = self.state.usb.borrow().iter().map(|e| e.info.clone()).collect();
        let demo = js::window()
            .and_then(|w| js_sys::Reflect::get(&w, &"flojoyDemoDevices".into()).ok())
            .and_then(|d| js_sys::Reflect::get(&d, &"installed".into()).ok())
            .is_some_and(|v| v.is_truthy());
        let (serial_api, usb_api) = (serial_api().is_some(), usb_api().is_some());
        self.view.update(|v| {
            if v.serial != serial
                || v.usb != usb
                || v.demo != demo
                || v.serial_api != serial_api
                || v.usb_api != usb_api
            {
                v.serial = serial;
                v.usb = usb;
                v.demo = demo;
                v.serial_api = serial_api;
                v.usb_api = usb_api;
            }
        });
    }

    /// Only the stream counters (every frame of a streaming session). A stream's last counters
    /// stay on show after it stops.
    pub fn publish_streams(&self) {
        let now = self.state.streams.stats();
        let changed = self.view.with_untracked(|v| {
            now.iter().any(|(k, s)| v.streams.iter().find(|(vk, _)| vk == k).is_none_or(|(_, vs)| vs != s))
        });
        if changed {
            self.view.update(|v| {
                for (k, s) in now {
                    match v.streams.iter_mut().find(|(vk, _)| *vk == k) {
                        Some((_, vs)) => *vs = s,
                        None => v.streams.push((k, s)),
                    }
                }
            });
        }
    }

    /// Forgets the counters of earlier sessions (a new one starts).
    pub fn clear_stream_stats(&self) {
        self.view.update(|v| v.streams.clear());
    }

    /// Opens the browser's serial port picker. Call it straight from a click handler.
    pub fn request_serial(&self) {
        let Some(api) = serial_api() else {
            self.event(format!("This browser has no WebSerial: use {WHERE_IT_WORKS}."));
            return;
        };
        let promise = api.request_port();
        let me = self.clone();
        leptos::task::spawn_local(async move {
            match JsFuture::from(promise).await {
                Ok(port) => {
                    me.refresh().await;
                    let label = me.label_of(&port).unwrap_or_default();
                    me.event(format!("{label} added"));
                }
                Err(e) => me.event(format!("no port added: {}", device_error(e))),
            }
        });
    }

    /// Opens the browser's USB device picker (every device). Call it straight from a click.
    pub fn request_usb(&self) {
        let Some(api) = usb_api() else {
            self.event(format!("This browser has no WebUSB: use {WHERE_IT_WORKS}."));
            return;
        };
        let options = web_sys::UsbDeviceRequestOptions::new(&[]);
        let promise = api.request_device(&options);
        let me = self.clone();
        leptos::task::spawn_local(async move {
            match JsFuture::from(promise).await {
                Ok(device) => {
                    me.refresh().await;
                    let label = me.label_of(&device).unwrap_or_default();
                    me.event(format!("{label} added"));
                }
                Err(e) => me.event(format!("no device added: {}", device_error(e))),
            }
        });
    }

    /// Replaces the browser's device APIs with simulated instruments (demo mode).
    pub async fn enable_demo(&self) -> Result<(), String> {
        let w = js::window().ok_or("no window")?;
        if !js_sys::Reflect::has(&w, &"flojoyDemoDevices".into()).unwrap_or(false) {
            js::load_script("demo_devices.js").await?;
        }
        let demo = js_sys::Reflect::get(&w, &"flojoyDemoDevices".into()).map_err(|_| "demo devices missing")?;
        let options = js_sys::Object::new();
        js::set(&options, "demo", &JsValue::TRUE);
        js::call_export(&demo, "install", &[&options])?;
        self.attach();
        self.refresh().await;
        self.event("demo devices on: simulated instruments, no hardware involved".into());
        Ok(())
    }

    /// Ends a session: stops streams, closes every port and device this session opened.
    pub async fn close_session(&self) {
        // a run started meanwhile opens its devices after these have closed (Chrome refuses
        // to claim an interface while the device is closing)
        let opening = self.state.opening.clone();
        let _turn = opening.lock().await;
        self.publish_streams();
        self.state.streams.stop_all();
        if self.view.with_untracked(|v| v.streams.iter().any(|(_, s)| s.running)) {
            self.view.update(|v| v.streams.iter_mut().for_each(|(_, s)| s.running = false));
        }
        let serial: Vec<Rc<OpenSerial>> =
            self.state.serial.borrow_mut().iter_mut().filter_map(|e| e.open.take()).collect();
        let usb: Vec<Rc<OpenUsb>> = self.state.usb.borrow_mut().iter_mut().filter_map(|e| e.open.take()).collect();
        for s in &serial {
            s.close().await;
        }
        for u in &usb {
            u.close().await;
        }
        for (_, c) in self.state.cameras.borrow_mut().drain(..) {
            c.stop();
        }
        for e in self.state.serial.borrow_mut().iter_mut() {
            e.info.open = false;
        }
        for e in self.state.usb.borrow_mut().iter_mut() {
            e.info.open = false;
        }
        self.publish();
    }

    /// Streams are running (a streaming session is on).
    pub fn streaming(&self) -> bool {
        !self.state.streams.is_empty()
    }
}

/// A stream's counters in a line: "98,304 rows/s · 1,234,567 received · 0 dropped".
pub fn stats_line(s: &StreamStats) -> String {
    let mut line = format!(
        "{} rows/s · {} received · {} dropped · {} malformed",
        thousands(s.rate.round() as u64),
        thousands(s.received),
        thousands(s.dropped),
        thousands(s.malformed)
    );
    if !s.running {
        line = format!("stopped · {line}");
    }
    if let Some(e) = &s.error {
        line = format!("{e} · {line}");
    }
    line
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Default for BrowserDevices {
    fn default() -> Self {
        BrowserDevices::new()
    }
}

impl Devices for BrowserDevices {
    fn open_camera(
        &self,
        id: &str,
        resolution: Option<(u32, u32)>,
    ) -> LocalBoxFuture<'static, Result<Rc<dyn runtime::devices::Camera>, DeviceError>> {
        let key: CameraKey = if id == "0" { String::new() } else { id.to_owned() };
        let state = self.state.clone();
        Box::pin(async move {
            let opening = state.opening.clone();
            let _turn = opening.lock().await;
            let open = state.cameras.borrow().iter().find(|(k, _)| *k == key).map(|(_, c)| c.clone());
            if let Some(c) = open {
                c.ask(resolution).await;
                return Ok(c as Rc<dyn runtime::devices::Camera>);
            }
            let camera = Rc::new(camera::open(&key, resolution).await?);
            state.cameras.borrow_mut().push((key, camera.clone()));
            Ok(camera as Rc<dyn runtime::devices::Camera>)
        })
    }

    fn serial_ports(&self) -> Vec<PortInfo> {
        self.state.serial.borrow().iter().map(|e| e.info.clone()).collect()
    }

    fn open_serial(
        &self,
        id: &str,
        options: &SerialOptions,
    ) -> LocalBoxFuture<'static, Result<Rc<dyn SerialPort>, DeviceError>> {
        let me = self.clone();
        let id = id.to_owned();
        let options = options.clone();
        Box::pin(async move {
            if let Some(why) = me.serial_unsupported() {
                return Err(DeviceError::Unsupported(why));
            }
            let opening = me.state.opening.clone();
            let _turn = opening.lock().await;
            let port = {
                let serial = me.state.serial.borrow();
                let entry = serial.iter().find(|e| e.info.id == id).ok_or_else(|| DeviceError::NotFound(id.clone()))?;
                if let Some(open) = entry.open.as_ref().filter(|o| o.failed().is_none()) {
                    return Ok(open.clone() as Rc<dyn SerialPort>);
                }
                entry.port.clone()
            };
            JsFuture::from(port.open(&web_options(&options))).await.map_err(device_error)?;
            let open = Rc::new(OpenSerial::start(port.clone())?);
            let label = {
                let mut serial = me.state.serial.borrow_mut();
                match serial.iter_mut().find(|e| js_sys::Object::is(&e.port, &port)) {
                    Some(e) => {
                        e.open = Some(open.clone());
                        e.info.open = true;
                        e.info.label.clone()
                    }
                    None => id.clone(),
                }
            };
            me.event(format!("{label} opened at {} baud", options.baud_rate));
            me.publish();
            Ok(open as Rc<dyn SerialPort>)
        })
    }

    fn serial_unsupported(&self) -> Option<String> {
        serial_api().is_none().then(|| {
            format!("this browser has no WebSerial: serial devices work in {WHERE_IT_WORKS} (or turn on demo devices in Devices)")
        })
    }

    fn usb_unsupported(&self) -> Option<String> {
        usb_api().is_none().then(|| {
            format!(
                "this browser has no WebUSB: USB devices work in {WHERE_IT_WORKS} (or turn on demo devices in Devices)"
            )
        })
    }

    fn usb_devices(&self) -> Vec<PortInfo> {
        self.state.usb.borrow().iter().map(|e| e.info.clone()).collect()
    }

    fn open_usb(&self, id: &str, interface: u8) -> LocalBoxFuture<'static, Result<Rc<dyn UsbDevice>, DeviceError>> {
        let me = self.clone();
        let id = id.to_owned();
        Box::pin(async move {
            if let Some(why) = me.usb_unsupported() {
                return Err(DeviceError::Unsupported(why));
            }
            let opening = me.state.opening.clone();
            let _turn = opening.lock().await;
            let device = {
                let usb = me.state.usb.borrow();
                let entry = usb.iter().find(|e| e.info.id == id).ok_or_else(|| DeviceError::NotFound(id.clone()))?;
                if let Some(open) = entry.open.as_ref().filter(|o| o.interface == interface) {
                    return Ok(open.clone() as Rc<dyn UsbDevice>);
                }
                entry.device.clone()
            };
            let open = Rc::new(OpenUsb::open(device.clone(), interface).await?);
            let label = {
                let mut usb = me.state.usb.borrow_mut();
                match usb.iter_mut().find(|e| js_sys::Object::is(&e.device, &device)) {
                    Some(e) => {
                        e.open = Some(open.clone());
                        e.info.open = true;
                        e.info.label.clone()
                    }
                    None => id.clone(),
                }
            };
            me.event(format!("{label} opened (interface {interface})"));
            me.publish();
            Ok(open as Rc<dyn UsbDevice>)
        })
    }

    fn usb_info(&self, id: &str) -> Option<UsbInfo> {
        self.state.usb.borrow().iter().find(|e| e.info.id == id).map(|e| usb::describe(&e.device))
    }

    fn spawn(&self, task: LocalBoxFuture<'static, ()>) {
        leptos::task::spawn_local(task);
    }

    fn streams(&self) -> &Streams {
        &self.state.streams
    }
}

/// `navigator.serial`, where the browser has it.
fn serial_api() -> Option<web_sys::Serial> {
    let nav = js::window()?.navigator();
    let api = js_sys::Reflect::get(&nav, &"serial".into()).ok()?;
    (api.is_object()).then(|| api.unchecked_into())
}

/// `navigator.usb`, where the browser has it.
fn usb_api() -> Option<web_sys::Usb> {
    let nav = js::window()?.navigator();
    let api = js_sys::Reflect::get(&nav, &"usb".into()).ok()?;
    (api.is_object()).then(|| api.unchecked_into())
}

fn web_options(o: &SerialOptions) -> web_sys::SerialOptions {
    let w = web_sys::SerialOptions::new(o.baud_rate);
    w.set_data_bits(o.data_bits);
    w.set_stop_bits(o.stop_bits);
    w.set_parity(match o.parity {
        Parity::None => web_sys::ParityType::None,
        Parity::Even => web_sys::ParityType::Even,
        Parity::Odd => web_sys::ParityType::Odd,
    });
    w.set_flow_control(match o.flow_control {
        FlowControl::None => web_sys::FlowControlType::None,
        FlowControl::Hardware => web_sys::FlowControlType::Hardware,
    });
    // the browser's default (255 bytes) overflows at high rates; we read continuously anyway
    w.set_buffer_size(1 << 20);
    w
}

/// A serial port's USB vendor and product ids, when the browser knows them.
fn serial_ids(port: &web_sys::SerialPort) -> Option<(u16, u16)> {
    let info = port.get_info();
    Some((info.get_usb_vendor_id()?, info.get_usb_product_id()?))
}

/// Ids for a list of devices: `2341:0043`, `2341:0043#2` for a second identical one,
/// `serial-3` without USB ids.
fn unique_ids(ids: Vec<Option<(u16, u16)>>, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let base = match id {
            Some((v, p)) => format!("{v:04x}:{p:04x}"),
            None => format!("{prefix}-{}", i + 1),
        };
        let n = out.iter().filter(|o| o.split('#').next() == Some(base.as_str())).count();
        out.push(if n == 0 { base } else { format!("{base}#{}", n + 1) });
    }
    out
}

/// A simulated device's own label, if it is one.
fn demo_label(obj: &JsValue) -> Option<String> {
    js_sys::Reflect::get(obj, &"flojoyLabel".into()).ok()?.as_string()
}

/// What to call a serial port: the demo label, else a known USB-serial chip's maker.
fn label_for(port: &JsValue, ids: Option<(u16, u16)>) -> String {
    if let Some(l) = demo_label(port) {
        return l;
    }
    match ids {
        Some((v, p)) => {
            let maker = match v {
                0x2341 | 0x2a03 => "Arduino",
                0x0403 => "FTDI USB serial",
                0x10c4 => "Silicon Labs CP210x",
                0x1a86 => "CH340 USB serial",
                0x239a => "Adafruit",
                0x2e8a => "Raspberry Pi Pico",
                0x067b => "Prolific USB serial",
                _ => "USB serial",
            };
            format!("{maker} ({v:04x}:{p:04x})")
        }
        None => "Serial port".into(),
    }
}

fn usb_label(d: &web_sys::UsbDevice) -> String {
    if let Some(l) = demo_label(d) {
        return l;
    }
    let name = d.product_name().filter(|n| !n.is_empty());
    let maker = d.manufacturer_name().filter(|n| !n.is_empty());
    match (maker, name) {
        (Some(m), Some(n)) => format!("{m} {n}"),
        (None, Some(n)) => n,
        _ => format!("USB device {:04x}:{:04x}", d.vendor_id(), d.product_id()),
    }
}

/// A browser error as the runtime's [`DeviceError`], keeping the browser's reason.
pub fn device_error(e: JsValue) -> DeviceError {
    let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    let message = js_sys::Reflect::get(&e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into());
    let lost = message.contains("device has been lost") || message.contains("was disconnected");
    match name.as_str() {
        _ if lost => DeviceError::Disconnected,
        "NetworkError" if message.contains("Failed to open") => DeviceError::Refused(format!(
            "{message} Another program or browser tab may be using the port: close it there and run again."
        )),
        "NetworkError" | "InvalidStateError" | "SecurityError" | "NotFoundError" | "NotAllowedError" => {
            DeviceError::Refused(message)
        }
        _ => DeviceError::Io(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_stable() {
        let ids = unique_ids(vec![Some((0x2341, 0x43)), None, Some((0x2341, 0x43)), Some((0x403, 0x6001))], "serial");
        assert_eq!(ids, vec!["2341:0043", "serial-2", "2341:0043#2", "0403:6001"]);
    }

    #[test]
    fn big_counts_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
