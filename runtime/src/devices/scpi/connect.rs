//! From an instrument node's connection parameter to an open SCPI session: a VISA resource
//! name from a Flojoy file (`USB0::0x05E6::0x2450::04512345::INSTR`, `ASRL3::INSTR`), a
//! device id or label from the Devices list, or nothing (the only instrument connected).
//!
//! USB resources match granted USBTMC instruments by vendor and product id (hex or decimal,
//! any case) and serial number (case-insensitive; when only one instrument has the ids, a
//! different serial number picks it with a note, as a file written in another lab names
//! another unit). Network and GPIB resources cannot be reached from a page: with exactly one
//! USB instrument connected that one is used with a note, otherwise the error says why and
//! what to use instead.
//!
//! Sessions are kept per device, for as long as the host keeps that device open (one run):
//! every node naming the instrument shares one [`Connection`], and instruments share
//! nothing with each other.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::lock::Mutex;

use super::resource::{Resource, ResourceError};
use super::{Scpi, ScpiError};
use crate::devices::timer::Timer;
use crate::devices::usbtmc::{TmcError, UsbInstrument, Usbtmc, UsbtmcOptions, usb_instruments};
use crate::devices::{Devices, PortInfo, SerialOptions, SerialPort, UsbDevice};

/// A shared SCPI session: lock it for one exchange (or a sequence that must not be split).
pub type Connection = Rc<Mutex<Scpi>>;

/// The instrument a node is written for (a Tektronix AFG31000, say): with several instruments
/// connected and a connection parameter that names none (Studio's files leave it empty) or
/// names one a page cannot reach, the only connected instrument of this model is taken, with a
/// note. Matched on the USB vendor id and a piece of the USB product string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Model {
    pub vendor_id: u16,
    /// Found in the product string, ignoring case (`AFG31`); `|` separates alternatives
    /// (`MSO2|MSO4`: a family of models that speak the same commands).
    pub product: &'static str,
    /// For the note: `Tektronix AFG31000`.
    pub name: &'static str,
}

impl Model {
    fn fits(&self, u: &UsbInstrument) -> bool {
        u.info.vendor_id == self.vendor_id
            && u.info.product.as_deref().is_some_and(|p| {
                let p = p.to_lowercase();
                self.product.split('|').any(|piece| p.contains(&piece.to_lowercase()))
            })
    }
}

/// [`resolve_instrument`], and when that finds several instruments, or only an unreachable
/// one, the only connected instrument of `model`.
pub fn resolve_model(
    requested: &str,
    devices: &dyn Devices,
    model: Option<Model>,
) -> Result<(Target, Option<String>), ResourceError> {
    match (resolve_instrument(requested, devices), model) {
        (Err(ResourceError::Ambiguous(why) | ResourceError::Unreachable(why)), Some(model)) => {
            let fitting: Vec<UsbInstrument> = usb_instruments(devices).into_iter().filter(|u| model.fits(u)).collect();
            match fitting.as_slice() {
                [one] => {
                    let req = requested.trim();
                    let unreachable =
                        Resource::parse(req).ok().filter(|r| Resource::looks_like(req) && r.unreachable().is_some());
                    let what = match unreachable {
                        _ if req.is_empty() => "no instrument chosen and several instruments are connected".to_owned(),
                        Some(r) => format!("'{req}' is {}, which a web page cannot reach", kind(&r)),
                        None => why.split(": set the connection").next().unwrap_or(&why).to_owned(),
                    };
                    Ok((
                        Target::Usb(one.clone()),
                        Some(format!("{what}; using the only connected {} '{}'", model.name, one.port.label)),
                    ))
                }
                _ => Err(ResourceError::Ambiguous(why)),
            }
        }
        // a guess that is not of the node's model: say so (the product string may simply not name
        // the model, so this is a warning, not a refusal)
        (Ok((Target::Usb(u), Some(note))), Some(model)) if !model.fits(&u) => {
            let note = format!(
                "{note}; warning: it does not look like a {} (USB {} '{}'): if it is the wrong instrument, set the connection",
                model.name,
                ids(u.info.vendor_id, u.info.product_id),
                u.info.product.as_deref().unwrap_or("")
            );
            Ok((Target::Usb(u), Some(note)))
        }
        (result, _) => result,
    }
}

/// How [`connect`] opens an instrument it has no session for.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectOptions {
    /// Serial instruments' port settings (9600 8N1 unless the node says otherwise).
    pub serial: SerialOptions,
    pub usbtmc: UsbtmcOptions,
    /// The new session's [`Scpi::timeout_ms`].
    pub timeout_ms: f64,
    /// The model the node is written for, if it picks one among several (see [`Model`]).
    pub model: Option<Model>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            serial: SerialOptions::default(),
            usbtmc: UsbtmcOptions::default(),
            timeout_ms: super::DEFAULT_TIMEOUT_MS,
            model: None,
        }
    }
}

/// The device a connection parameter means.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Usb(UsbInstrument),
    Serial(PortInfo),
}

impl Target {
    pub fn port(&self) -> &PortInfo {
        match self {
            Target::Usb(u) => &u.port,
            Target::Serial(p) => p,
        }
    }
}

/// Picks the instrument `requested` names among the granted devices, with a note to log when
/// it had to guess. See the module docs for the rules.
pub fn resolve_instrument(requested: &str, devices: &dyn Devices) -> Result<(Target, Option<String>), ResourceError> {
    let req = requested.trim();
    let usb = usb_instruments(devices);
    let serial = devices.serial_ports();
    if !req.is_empty() {
        if let Some(u) = usb.iter().find(|u| u.port.id == req) {
            return Ok((Target::Usb(u.clone()), None));
        }
        if let Some(p) = serial.iter().find(|p| p.id == req) {
            return Ok((Target::Serial(p.clone()), None));
        }
        let labelled: Vec<Target> = usb
            .iter()
            .filter(|u| u.port.label == req)
            .map(|u| Target::Usb(u.clone()))
            .chain(serial.iter().filter(|p| p.label == req).map(|p| Target::Serial(p.clone())))
            .collect();
        match labelled.as_slice() {
            [one] => return Ok((one.clone(), None)),
            [] => {}
            several => {
                let ids: Vec<&str> = several.iter().map(|t| t.port().id.as_str()).collect();
                return Err(ResourceError::Ambiguous(format!(
                    "several devices are called '{req}': set the connection to one of {}",
                    ids.join(", ")
                )));
            }
        }
    }
    if Resource::looks_like(req) {
        let resource = Resource::parse(req)?;
        return match &resource {
            Resource::Usb { raw: false, vendor, product, serial: number, .. } => {
                match_usb(&resource, *vendor, *product, number.as_deref(), &usb, devices)
                    .map(|(u, note)| (Target::Usb(u.clone()), note))
            }
            Resource::Serial { .. } => {
                let name = resource.serial_port_name().unwrap_or_default();
                match serial.as_slice() {
                    [only] => Ok((
                        Target::Serial(only.clone()),
                        Some(format!(
                            "'{req}' names serial port {name} the operating system's way, which browsers do not show; using the only connected serial device '{}'",
                            only.label
                        )),
                    )),
                    [] => Err(ResourceError::NotConnected(format!(
                        "'{req}' is a serial port ({name}) and no serial device is connected: {}",
                        nothing_connected(devices)
                    ))),
                    several => Err(ResourceError::Ambiguous(format!(
                        "'{req}' names serial port {name}, which browsers do not show, and several serial devices are connected: set the connection to one of {}",
                        several.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
                    ))),
                }
            }
            _ => {
                let why = resource.unreachable().unwrap_or_default();
                match (&resource, usb.as_slice()) {
                    (Resource::Usb { .. }, _) | (_, [] | [_, _, ..]) => Err(ResourceError::Unreachable(why)),
                    (_, [only]) => Ok((
                        Target::Usb(only.clone()),
                        Some(format!(
                            "'{req}' is {}, which a web page cannot reach; using the only connected USB instrument '{}'",
                            kind(&resource),
                            only.port.label
                        )),
                    )),
                }
            }
        };
    }
    only_instrument(req, &usb, &serial, devices)
}

fn kind(r: &Resource) -> &'static str {
    match r {
        Resource::Tcpip { .. } => "a network instrument",
        Resource::Gpib { .. } => "a GPIB instrument",
        _ => "an instrument on a bus only VISA drivers reach",
    }
}

/// `0x05E6:0x2450`.
fn ids(vendor: u16, product: u16) -> String {
    format!("0x{vendor:04X}:0x{product:04X}")
}

/// How a USB instrument is written as a resource name.
fn resource_of(u: &UsbInstrument) -> String {
    Resource::Usb {
        board: 0,
        vendor: u.info.vendor_id,
        product: u.info.product_id,
        serial: u.info.serial_number.clone(),
        interface: None,
        raw: false,
    }
    .to_string()
}

fn match_usb<'a>(
    resource: &Resource,
    vendor: u16,
    product: u16,
    number: Option<&str>,
    usb: &'a [UsbInstrument],
    devices: &dyn Devices,
) -> Result<(&'a UsbInstrument, Option<String>), ResourceError> {
    let same: Vec<&UsbInstrument> =
        usb.iter().filter(|u| u.info.vendor_id == vendor && u.info.product_id == product).collect();
    if let Some(n) = number {
        let exact: Vec<&&UsbInstrument> = same
            .iter()
            .filter(|u| u.info.serial_number.as_deref().is_some_and(|s| s.trim().eq_ignore_ascii_case(n)))
            .collect();
        if let [one] = exact.as_slice() {
            return Ok((one, None));
        }
    }
    match same.as_slice() {
        [one] => {
            let note = number.map(|n| {
                format!(
                    "no connected instrument has serial number '{n}'; using the only {} instrument '{}' (serial number '{}')",
                    ids(vendor, product),
                    one.port.label,
                    one.info.serial_number.as_deref().unwrap_or("none")
                )
            });
            Ok((one, note))
        }
        [] if usb.is_empty() => Err(ResourceError::NotConnected(format!(
            "no connected USB instrument is {} ('{resource}'): {}",
            ids(vendor, product),
            nothing_connected(devices)
        ))),
        [] => {
            let connected: Vec<String> = usb.iter().map(|u| format!("{} ({})", resource_of(u), u.port.label)).collect();
            Err(ResourceError::NotConnected(format!(
                "no connected USB instrument is {} ('{resource}'): connect it with the Devices button, or turn on demo devices (connected: {})",
                ids(vendor, product),
                connected.join(", ")
            )))
        }
        several => Err(ResourceError::Ambiguous(format!(
            "{} {} instruments are connected{}: set the connection to one of {}",
            several.len(),
            ids(vendor, product),
            number.map(|n| format!(" and none has serial number '{n}'")).unwrap_or_default(),
            several.iter().map(|u| resource_of(u)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn only_instrument(
    req: &str,
    usb: &[UsbInstrument],
    serial: &[PortInfo],
    devices: &dyn Devices,
) -> Result<(Target, Option<String>), ResourceError> {
    let why = if req.is_empty() {
        "no instrument chosen".to_owned()
    } else {
        format!("no connected device is called '{req}'")
    };
    match (usb, serial) {
        ([only], _) => Ok((
            Target::Usb(only.clone()),
            Some(format!("{why}; using the only connected USB instrument '{}'", only.port.label)),
        )),
        ([], [only]) => Ok((
            Target::Serial(only.clone()),
            Some(format!("{why}; using the only connected serial device '{}'", only.label)),
        )),
        ([], []) => Err(ResourceError::NotConnected(format!("{why}, and {}", nothing_connected(devices)))),
        _ => {
            let choices: Vec<String> = usb
                .iter()
                .map(|u| format!("{} ({})", resource_of(u), u.port.label))
                .chain(serial.iter().map(|p| format!("{} ({})", p.id, p.label)))
                .collect();
            Err(ResourceError::Ambiguous(format!(
                "{why} and several instruments are connected: set the connection to one of {}",
                choices.join(", ")
            )))
        }
    }
}

/// Why no instrument is there, and what to do.
fn nothing_connected(devices: &dyn Devices) -> String {
    let usb = devices.usb_devices();
    let described = usb.iter().filter(|p| devices.usb_info(&p.id).is_some()).count();
    match (devices.usb_unsupported(), devices.serial_unsupported()) {
        (Some(u), Some(s)) => return format!("{s}; {u}"),
        (Some(u), None) if devices.serial_ports().is_empty() => return u,
        _ => {}
    }
    if !usb.is_empty() && described == 0 {
        return "this host does not describe its USB devices' interfaces, so no USBTMC instrument can be found among them".into();
    }
    let others = if usb.is_empty() {
        String::new()
    } else {
        format!(
            " ({} USB device{} connected, none a USBTMC instrument)",
            usb.len(),
            if usb.len() == 1 { " is" } else { "s are" }
        )
    };
    format!(
        "no instrument is connected{others}: connect one with the Devices button (USB instruments appear as USBTMC devices), or turn on demo devices"
    )
}

/// What a kept session was opened on: the same device object means the same host session.
#[derive(Clone)]
enum Opened {
    Usb(Rc<dyn UsbDevice>),
    Serial(Rc<dyn SerialPort>),
}

impl Opened {
    fn same(&self, other: &Opened) -> bool {
        match (self, other) {
            (Opened::Usb(a), Opened::Usb(b)) => Rc::ptr_eq(a, b),
            (Opened::Serial(a), Opened::Serial(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Open SCPI sessions by device. A session lives as long as the device object the host
/// gave for it: when the host opens the device anew (the next run), a new session starts.
#[derive(Default)]
pub struct Instruments {
    open: RefCell<HashMap<String, (Opened, Connection)>>,
}

impl Instruments {
    pub fn new() -> Instruments {
        Instruments::default()
    }

    /// Sessions held.
    pub fn len(&self) -> usize {
        self.open.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn kept(&self, key: &str, device: &Opened) -> Option<Connection> {
        self.open.borrow().get(key).filter(|(d, _)| d.same(device)).map(|(_, c)| c.clone())
    }

    /// The session for the instrument `requested` names, opened (device, USBTMC
    /// capabilities) if this host session has none yet; with the note of
    /// [`resolve_instrument`].
    pub async fn connect(
        &self,
        devices: &dyn Devices,
        timer: &(impl Timer + ?Sized),
        requested: &str,
        options: &ConnectOptions,
    ) -> Result<(Connection, Option<String>), ScpiError> {
        let (target, note) = resolve_model(requested, devices, options.model)?;
        let open_error =
            |id: &str, e: &dyn std::fmt::Display| ScpiError::Open { id: id.to_owned(), error: e.to_string() };
        let (key, opened) = match &target {
            Target::Usb(u) => {
                let device =
                    devices.open_usb(&u.port.id, u.interface.number).await.map_err(|e| open_error(&u.port.id, &e))?;
                (format!("usb:{}", u.port.id), Opened::Usb(device))
            }
            Target::Serial(p) => {
                let port = devices.open_serial(&p.id, &options.serial).await.map_err(|e| open_error(&p.id, &e))?;
                (format!("serial:{}", p.id), Opened::Serial(port))
            }
        };
        if let Some(c) = self.kept(&key, &opened) {
            return Ok((c, note));
        }
        let mut scpi = match (&target, &opened) {
            (Target::Usb(u), Opened::Usb(device)) => {
                let session = Usbtmc::open(timer, device.clone(), u.interface.clone(), options.usbtmc.clone())
                    .await
                    .map_err(|e: TmcError| open_error(&u.port.id, &e))?;
                Scpi::over_usbtmc(session)
            }
            (_, Opened::Serial(port)) => Scpi::over_serial(port.clone()),
            (Target::Serial(p), Opened::Usb(_)) => {
                return Err(open_error(&p.id, &"the host opened a USB device for a serial port"));
            }
        };
        scpi.timeout_ms = options.timeout_ms;
        // another node may have opened it while this one waited
        if let Some(c) = self.kept(&key, &opened) {
            return Ok((c, note));
        }
        let connection: Connection = Rc::new(Mutex::new(scpi));
        self.open.borrow_mut().insert(key, (opened, connection.clone()));
        Ok((connection, note))
    }
}

thread_local! {
    static INSTRUMENTS: Rc<Instruments> = Rc::new(Instruments::new());
}

/// [`Instruments::connect`] on this thread's sessions (the page has one thread).
pub async fn connect(
    devices: &dyn Devices,
    timer: &(impl Timer + ?Sized),
    requested: &str,
    options: &ConnectOptions,
) -> Result<(Connection, Option<String>), ScpiError> {
    let instruments = INSTRUMENTS.with(Rc::clone);
    instruments.connect(devices, timer, requested, options).await
}
