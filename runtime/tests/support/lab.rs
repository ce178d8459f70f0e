//! A bench of scripted USB instruments (`usbtmc_instrument.rs`) as the runtime's `Devices`, and
//! a host on which time stands still (every wait ends at once, so timeouts are deterministic)
//! and saved files are kept. Shared by the instrument tests:
//! `#[path = "support/lab.rs"] mod lab;` after `mod instrument;`.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use runtime::devices::{DeviceError, Devices, PortInfo, SerialOptions, SerialPort, Streams, UsbDevice, UsbInfo};
use runtime::host::Host;

use crate::instrument::{INTERFACE, Instrument};

/// The granted devices: USB instruments only (each opened once per lab: one run).
pub struct Lab {
    usb: Vec<(PortInfo, Instrument, UsbInfo)>,
    opened: RefCell<Vec<(String, Rc<dyn UsbDevice>)>>,
    streams: Streams,
    /// The files nodes saved (`Host::write_file`).
    pub saved: RefCell<Vec<(String, Vec<u8>)>>,
}

impl Lab {
    /// Instruments as (port id, label, serial number, instrument).
    pub fn new(instruments: Vec<(String, String, &str, Instrument)>) -> Rc<Lab> {
        let usb = instruments
            .into_iter()
            .map(|(id, label, serial, inst)| {
                let info = inst.info(serial);
                (PortInfo { id, label, open: false }, inst, info)
            })
            .collect();
        Rc::new(Lab { usb, opened: RefCell::default(), streams: Streams::default(), saved: RefCell::default() })
    }

    /// A host on this bench.
    pub fn host(self: &Rc<Lab>) -> Rc<dyn Host> {
        Rc::new(LabHost(self.clone()))
    }
}

impl Devices for Lab {
    fn serial_ports(&self) -> Vec<PortInfo> {
        Vec::new()
    }
    fn open_serial(
        &self,
        id: &str,
        _: &SerialOptions,
    ) -> LocalBoxFuture<'static, Result<Rc<dyn SerialPort>, DeviceError>> {
        let id = id.to_owned();
        Box::pin(async move { Err(DeviceError::NotFound(id)) })
    }
    fn usb_devices(&self) -> Vec<PortInfo> {
        self.usb.iter().map(|(p, _, _)| p.clone()).collect()
    }
    fn open_usb(&self, id: &str, interface: u8) -> LocalBoxFuture<'static, Result<Rc<dyn UsbDevice>, DeviceError>> {
        assert_eq!(interface, INTERFACE);
        let kept = self.opened.borrow().iter().find(|(i, _)| i == id).map(|(_, d)| d.clone());
        let r = kept.or_else(|| {
            let d: Rc<dyn UsbDevice> = Rc::new(self.usb.iter().find(|(p, _, _)| p.id == id)?.1.clone());
            self.opened.borrow_mut().push((id.to_owned(), d.clone()));
            Some(d)
        });
        let id = id.to_owned();
        Box::pin(async move { r.ok_or(DeviceError::NotFound(id)) })
    }
    fn usb_info(&self, id: &str) -> Option<UsbInfo> {
        self.usb.iter().find(|(p, _, _)| p.id == id).map(|(_, _, i)| i.clone())
    }
    fn spawn(&self, _task: LocalBoxFuture<'static, ()>) {}
    fn streams(&self) -> &Streams {
        &self.streams
    }
}

/// Time stands still and every wait ends at once.
struct LabHost(Rc<Lab>);

impl Host for LabHost {
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn unix_time_s(&self) -> f64 {
        1.7e9
    }
    fn entropy(&self) -> u64 {
        7
    }
    fn sleep(&self, _ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(async {})
    }
    fn devices(&self) -> Option<Rc<dyn Devices>> {
        Some(self.0.clone())
    }
    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<String, String> {
        self.0.saved.borrow_mut().push((name.to_owned(), bytes.to_vec()));
        Ok(name.to_owned())
    }
}
