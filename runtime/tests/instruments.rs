//! Studio's instrument nodes against scripted instruments at the `UsbDevice` boundary (the
//! USB488 instrument of `support/usbtmc_instrument.rs`, here running a Keithley 2450's TSP
//! command set with a resistor load): Studio's IVSweep.json opens with every node known and
//! runs; golden checks on every line the instrument was told and on what came back (the
//! currents are the load's, V / R). The SCPI nodes take a USB instrument as well as a serial
//! port. Timeouts are deterministic: the host's timer fires at once.
#![allow(clippy::unwrap_used)]

#[path = "support/usbtmc_instrument.rs"]
mod instrument;
#[path = "support/lab.rs"]
mod lab;
mod support;

use std::rc::Rc;

use instrument::{Config, Instrument, Reply};
use lab::Lab;
use runtime::schedule::{Cache, RunOptions, RunReport, RunStatus};
use runtime::value::Value;
use serde_json::json;

const SERIAL: &str = "04512345";
const ID: &str = "05e6:2450";

/// A Keithley 2450 in its TSP command set, sourcing into a resistor.
struct Smu {
    ohms: f64,
    lang: &'static str,
    source_voltage: bool,
    measure_current: bool,
    level: f64,
    limit: f64,
    output: bool,
    sweep: Option<(f64, f64, usize)>,
    source_values: Vec<f64>,
    readings: Vec<f64>,
    /// `print(status.operation.condition)` answers 1 this many more times after initiate.
    running_polls: u32,
    /// The sweep never ends (a trigger model waiting forever).
    stuck: bool,
}

impl Smu {
    fn new(ohms: f64) -> Smu {
        Smu {
            ohms,
            lang: "TSP",
            source_voltage: true,
            measure_current: true,
            level: 0.0,
            limit: 1.05e-4,
            output: false,
            sweep: None,
            source_values: Vec::new(),
            readings: Vec::new(),
            running_polls: 0,
            stuck: false,
        }
    }

    /// The load: what is measured when `x` is sourced, within the compliance limit.
    fn measure(&self, x: f64) -> f64 {
        let y = if self.source_voltage { x / self.ohms } else { x * self.ohms };
        if self.measure_current != self.source_voltage {
            return x;
        }
        y.clamp(-self.limit, self.limit)
    }

    fn reset(&mut self) {
        *self = Smu { ohms: self.ohms, stuck: self.stuck, ..Smu::new(self.ohms) };
    }

    fn list(v: &[f64]) -> String {
        v.iter().map(|x| format!("{x:.9e}")).collect::<Vec<_>>().join(", ")
    }

    fn handle(&mut self, line: &str) -> Reply {
        let args = |l: &str| -> Vec<String> {
            let inner = &l[l.find('(').unwrap() + 1..l.rfind(')').unwrap()];
            inner.split(',').map(|s| s.trim().to_owned()).collect()
        };
        match line {
            "*LANG TSP" => Reply::Done,
            "*LANG?" => Reply::Text(self.lang.into()),
            "reset()" => {
                self.reset();
                Reply::Done
            }
            "trigger.model.initiate()" => {
                let Some((start, stop, n)) = self.sweep else { return Reply::Unknown };
                self.source_values = (0..n).map(|i| start + (stop - start) * i as f64 / (n - 1) as f64).collect();
                self.readings = self.source_values.iter().map(|x| self.measure(*x)).collect();
                self.running_polls = 2;
                Reply::Done
            }
            "print(status.operation.condition)" => {
                if self.running_polls > 0 || self.stuck {
                    self.running_polls = self.running_polls.saturating_sub(1);
                    Reply::Text("1".into())
                } else {
                    Reply::Text("0".into())
                }
            }
            "print(defbuffer1.n)" => Reply::Text(self.readings.len().to_string()),
            "print(smu.measure.read())" => {
                let x = if self.output { self.level } else { 0.0 };
                Reply::Text(format!("{:.9e}", self.measure(x)))
            }
            l if l.starts_with("printbuffer(") => {
                let a = args(l);
                let n: usize = a[1].parse().unwrap();
                match a[2].as_str() {
                    "defbuffer1.sourcevalues" => Reply::Text(Smu::list(&self.source_values[..n])),
                    "defbuffer1" => Reply::Text(Smu::list(&self.readings[..n])),
                    _ => Reply::Unknown,
                }
            }
            l if l.starts_with("smu.source.sweeplinear(") => {
                let a = args(l);
                let f = |i: usize| a[i].parse::<f64>().unwrap();
                self.sweep = Some((f(1), f(2), f(3) as usize));
                Reply::Done
            }
            l if l.starts_with("status.operation.setmap(") || l.starts_with("beeper.beep(") => Reply::Done,
            l => match l.split_once(" = ") {
                Some((attr, value)) => {
                    match (attr, value) {
                        ("smu.source.func", v) => self.source_voltage = v == "smu.FUNC_DC_VOLTAGE",
                        ("smu.measure.func", v) => self.measure_current = v == "smu.FUNC_DC_CURRENT",
                        ("smu.source.level", v) => self.level = v.parse().unwrap(),
                        ("smu.source.ilimit.level" | "smu.source.vlimit.level", v) => self.limit = v.parse().unwrap(),
                        ("smu.source.output", v) => self.output = v == "smu.ON",
                        _ => {}
                    }
                    Reply::Done
                }
                None => Reply::Unknown,
            },
        }
    }
}

fn keithley(smu: Smu) -> Instrument {
    let smu = std::cell::RefCell::new(smu);
    Instrument::new(
        Config { idn: format!("KEITHLEY INSTRUMENTS,MODEL 2450,{SERIAL},1.7.3c"), ..Config::default() },
        move |line| match line {
            "MEASURE:VOLTAGE:DC?" => Reply::Text("+2.500000E+00".into()),
            l => smu.borrow_mut().handle(l),
        },
    )
}

/// A Rigol DS1074Z showing a sine on channel 1: 1200 bytes 127 + round(100·sin(2πi/200)),
/// YORigin 0, YREFerence 127, YINCrement 0.01 V, XORigin −3 ms, XINCrement 5 µs.
fn rigol() -> (Instrument, Vec<u8>) {
    let raw: Vec<u8> = (0..1200)
        .map(|i| (127.0 + (100.0 * (2.0 * std::f64::consts::PI * i as f64 / 200.0).sin()).round()) as u8)
        .collect();
    let mut block = runtime::devices::scpi::block_header(raw.len());
    block.extend_from_slice(&raw);
    block.push(b'\n');
    let block = Rc::new(block);
    let inst = Instrument::new(
        Config { idn: "RIGOL TECHNOLOGIES,DS1074Z,DS1ZA000000001,00.04.04".into(), ..Config::default() },
        move |line| {
            let text = |s: &str| Reply::Text(s.into());
            match line {
                ":WAVeform:XORigin?" => text("-3.000000e-03"),
                ":WAVeform:XINCrement?" => text("5.000000e-06"),
                ":WAVeform:YORigin?" => text("0"),
                ":WAVeform:YINCrement?" => text("1.000000e-02"),
                ":WAVeform:YREFerence?" => text("127"),
                ":CHANnel1:UNITs?" => text("VOLT"),
                ":WAVeform:DATA?" => Reply::Bytes(block.clone()),
                l if l.starts_with(':') && !l.ends_with('?') => Reply::Done,
                _ => Reply::Unknown,
            }
        },
    );
    (inst, raw)
}

/// A bench of these instruments, as Keithley's USB ids (a second one and more get `#2`, …).
fn bench(instruments: Vec<Instrument>) -> Rc<Lab> {
    Lab::new(
        instruments
            .into_iter()
            .enumerate()
            .map(|(i, inst)| {
                let id = if i == 0 { ID.to_owned() } else { format!("{ID}#{}", i + 1) };
                (id, "Keithley Model 2450".to_owned(), SERIAL, inst)
            })
            .collect(),
    )
}

fn run(flow: &runtime::Flow, lab: &Rc<Lab>) -> RunReport {
    support::run_with(flow, lab.host(), &RunOptions::default(), &mut Cache::new()).0
}

fn told(inst: &Instrument) -> Vec<String> {
    inst.log(|l| {
        assert!(l.host_errors.is_empty(), "{:?}", l.host_errors);
        l.messages.clone()
    })
}

fn node<'r>(r: &'r RunReport, func: &str) -> &'r runtime::schedule::NodeReport {
    r.nodes.iter().map(|(_, n)| n).find(|n| n.func == func).unwrap_or_else(|| panic!("no {func} in {r:?}"))
}

fn output(r: &RunReport, func: &str) -> Value {
    let n = node(r, func);
    assert!(n.error.is_none(), "{func}: {:?}", n.error);
    n.outputs.iter().find(|(k, _)| k == "default").map(|(_, d)| (**d).clone()).unwrap()
}

#[test]
fn studio_s_iv_sweep_app_opens_and_measures_the_load_through_usbtmc() {
    let text = std::fs::read_to_string(support::apps().join("studio-examples/IVSweep.json")).unwrap();
    let loaded = runtime::file::load(&text, 7).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let inst = keithley(Smu::new(1000.0));
    let lab = bench(vec![inst.clone()]);
    let r = run(&loaded.flow, &lab);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    // the app names the 2450 by a network address, which a page cannot reach: the only USB
    // instrument is used, and the log says so
    let log = node(&r, "CONNECT_2450").log.join("\n");
    assert!(log.contains("'TCPIP::169.254.175.123::INSTR' is a network instrument, which a web page cannot reach; using the only connected USB instrument 'Keithley Model 2450'"), "{log}");
    assert_eq!(output(&r, "CONNECT_2450"), Value::string("TCPIP::169.254.175.123::INSTR"));
    // what the instrument was told, line by line (the app: 0 to 1 V, 100 points, NPLC 1,
    // 50 ms delay, 1 A limit, 2 V range)
    let mut expected: Vec<String> = [
        "*LANG TSP",
        "*LANG?",
        "reset()",
        "smu.measure.func = smu.FUNC_DC_CURRENT",
        "smu.source.func = smu.FUNC_DC_VOLTAGE",
        "smu.terminals = smu.TERMINALS_FRONT",
        "smu.measure.sense = smu.SENSE_2WIRE",
        "smu.measure.autorange = smu.ON",
        "smu.measure.nplc = 1.0",
        "smu.source.highc = smu.OFF",
        "smu.source.range = 2.0",
        "smu.source.readback = smu.ON",
        "smu.source.ilimit.level = 1.0",
        "smu.source.sweeplinear(\"IVSweep\", 0.0, 1.0, 100.0, 0.05)",
        "status.operation.setmap(0, 2731, 2732)",
        "trigger.model.initiate()",
    ]
    .map(String::from)
    .to_vec();
    expected.extend(std::iter::repeat_n("print(status.operation.condition)".to_owned(), 3));
    expected.extend(
        ["print(defbuffer1.n)", "printbuffer(1, 100, defbuffer1.sourcevalues)", "printbuffer(1, 100, defbuffer1)"]
            .map(String::from),
    );
    assert_eq!(told(&inst), expected);
    // what came back: x is numpy.linspace(0, 1, 100), y the resistor's current x / 1 kΩ, to the
    // 10 significant digits the instrument prints
    let Value::OrderedPair { x, y } = output(&r, "IV_SWEEP_2450") else { panic!("not a pair") };
    assert_eq!(x.len(), 100);
    for (i, (x, y)) in x.iter().zip(&y).enumerate() {
        let v = i as f64 / 99.0;
        assert!((x - v).abs() <= 1e-9 * v.abs(), "x[{i}] = {x}, not {v}");
        assert!((y - v / 1000.0).abs() <= 1e-9 * (v / 1000.0).abs(), "y[{i}] = {y}, not {}", v / 1000.0);
    }
    assert_eq!(node(&r, "LINE").status, runtime::schedule::NodeState::Done);
}

#[test]
fn the_2450_nodes_send_studio_s_tsp_and_a_reading_is_the_load_s_current() {
    let inst = keithley(Smu::new(250.0));
    let lab = bench(vec![inst.clone()]);
    let conn = json!(format!("USB0::0x05E6::0x2450::{SERIAL}::INSTR"));
    let flow = support::flow(
        &[
            ("C", "CONNECT_2450", json!({"device": conn})),
            ("R", "RESET_2450", json!({"connection": conn})),
            (
                "S",
                "SOURCE_2450",
                json!({"connection": conn, "function": "voltage", "level": 0.5, "limit": 0.01, "protect": "20V"}),
            ),
            (
                "M",
                "MEASURE_SETTINGS_2450",
                json!({"connection": conn, "measure": "current", "wires": "4", "digits": "5.5", "meas_range": 0.01}),
            ),
            ("O", "OUTPUT_2450", json!({"connection": conn, "output": "on"})),
            ("READ", "MEASURE_READ_2450", json!({"connection": conn})),
            ("B", "BEEP_2450", json!({"connection": conn, "duration": 0.5, "frequency": 440})),
        ],
        &[
            ("C", "default", "R", "input"),
            ("R", "default", "S", "input"),
            ("S", "default", "M", "input"),
            ("M", "default", "O", "input"),
            ("O", "default", "READ", "input"),
            ("READ", "default", "B", "input"),
        ],
    );
    let r = run(&flow, &lab);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&inst),
        [
            "*LANG TSP",
            "*LANG?",
            "reset()",
            "smu.source.protect.level = smu.PROTECT_20V",
            "smu.terminals = smu.TERMINALS_FRONT",
            "smu.source.func = smu.FUNC_DC_VOLTAGE",
            "smu.source.ilimit.level = 0.01",
            "smu.source.level = 0.5",
            "smu.measure.displaydigits = smu.DIGITS_5_5",
            "smu.measure.func = smu.FUNC_DC_CURRENT",
            "smu.measure.sense = smu.SENSE_4WIRE",
            "smu.measure.range = 0.01",
            "smu.source.output = smu.ON",
            "print(smu.measure.read())",
            "beeper.beep(0.5, 440.0)",
        ]
    );
    // 0.5 V into 250 Ω: 2 mA
    let Value::Scalar { c } = output(&r, "MEASURE_READ_2450") else { panic!() };
    assert!((c - 0.002).abs() <= 1e-12, "{c}");
    assert_eq!(output(&r, "MEASURE_SETTINGS_2450"), Value::string("Measure current"));
    assert_eq!(output(&r, "OUTPUT_2450"), Value::string("Output on"));
    assert_eq!(output(&r, "RESET_2450"), Value::string("Reset 2450"));
    // one USBTMC session for the whole run: bTags keep counting, never restarting at 1
    inst.log(|l| assert!(l.tags.windows(2).all(|w| w[1] == w[0] % 255 + 1), "{:?}", l.tags));
}

#[test]
fn the_sweep_s_limit_is_the_compliance_the_instrument_applies() {
    // 0 to 1 V into 1 kΩ with a 0.5 mA limit: the current flattens at 0.5 mA
    let inst = keithley(Smu::new(1000.0));
    let lab = bench(vec![inst.clone()]);
    let flow =
        support::flow(&[("IV", "IV_SWEEP_2450", json!({"start": 0, "stop": 1, "points": 11, "y_limit": 5e-4}))], &[]);
    let r = run(&flow, &lab);
    let Value::OrderedPair { x, y } = output(&r, "IV_SWEEP_2450") else { panic!() };
    let expected: Vec<f64> = x.iter().map(|v| (v / 1000.0).min(5e-4)).collect();
    for (got, want) in y.iter().zip(&expected) {
        assert!((got - want).abs() <= 1e-9 * want.abs(), "{y:?} vs {expected:?}");
    }
    assert!(told(&inst).contains(&"smu.source.sweeplinear(\"IVSweep\", 0.0, 1.0, 11.0, 0.05)".to_owned()));
}

#[test]
fn faults_give_clear_errors_at_the_node() {
    // a 2450 in its SCPI command set
    let inst = keithley(Smu { lang: "SCPI", ..Smu::new(1000.0) });
    let lab = bench(vec![inst]);
    let r = run(&support::flow(&[("C", "CONNECT_2450", json!({}))], &[]), &lab);
    let e = node(&r, "CONNECT_2450").error.clone().unwrap();
    assert!(e.contains("answered 'SCPI' to *LANG?") && e.contains("Command Set"), "{e}");
    // a sweep that never ends: bounded, and says what to check
    let inst = keithley(Smu { stuck: true, ..Smu::new(1000.0) });
    let lab = bench(vec![inst]);
    let r = run(&support::flow(&[("IV", "IV_SWEEP_2450", json!({"points": 10}))], &[]), &lab);
    let e = node(&r, "IV_SWEEP_2450").error.clone().unwrap();
    assert!(e.starts_with("the sweep did not finish within 63 s"), "{e}");
    // bad parameters are refused before anything is sent
    let inst = keithley(Smu::new(1000.0));
    let lab = bench(vec![inst.clone()]);
    let r = run(&support::flow(&[("IV", "IV_SWEEP_2450", json!({"points": 1.5}))], &[]), &lab);
    assert!(node(&r, "IV_SWEEP_2450").error.clone().unwrap().contains("'points' must be a whole number"));
    assert!(told(&inst).is_empty());
    // a GPIB address with no instrument: why a page cannot reach it
    let lab = bench(vec![]);
    let r = run(&support::flow(&[("C", "CONNECT_2450", json!({"device": "GPIB0::24::INSTR"}))], &[]), &lab);
    let e = node(&r, "CONNECT_2450").error.clone().unwrap();
    assert!(e.contains("GPIB"), "{e}");
}

#[test]
fn the_scpi_nodes_take_a_usb_instrument_too() {
    let inst = keithley(Smu::new(1000.0));
    let lab = bench(vec![inst.clone()]);
    let conn = json!(format!("USB0::0x05E6::0x2450::{SERIAL}::INSTR"));
    let flow = support::flow(
        &[
            ("ID", "IDN", json!({"connection": conn})),
            ("V", "MEASURE_VOLTAGE", json!({"connection": conn})),
            ("W", "SCPI_WRITE", json!({"connection": "", "command": "*CLS"})),
        ],
        &[("ID", "default", "V", "default"), ("V", "default", "W", "default")],
    );
    let r = run(&flow, &lab);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(output(&r, "IDN"), Value::string(format!("KEITHLEY INSTRUMENTS,MODEL 2450,{SERIAL},1.7.3c")));
    assert_eq!(output(&r, "MEASURE_VOLTAGE"), Value::scalar(2.5));
    assert_eq!(output(&r, "SCPI_WRITE"), Value::string("sent"));
    assert!(node(&r, "SCPI_WRITE").log.join(" ").contains("using the only connected USB instrument"));
    assert_eq!(told(&inst), ["*IDN?", "MEASURE:VOLTAGE:DC?", "*CLS"]);
}

#[test]
fn studio_s_rigol_extract_trace_app_reads_the_waveform_in_volts() {
    let text = std::fs::read_to_string(support::apps().join("studio-examples/rigolExtractTrace.json")).unwrap();
    let loaded = runtime::file::load(&text, 7).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let (inst, raw) = rigol();
    let lab = bench(vec![inst.clone()]);
    let r = run(&loaded.flow, &lab);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&inst),
        [
            "*IDN?",
            ":CHANnel1:DISPlay ON",
            ":CHANnel2:DISPlay ON",
            ":CHANnel3:DISPlay OFF",
            ":CHANnel4:DISPlay OFF",
            ":TRIGger:EDGE:SOURce CHANnel1",
            ":TRIGger:EDGE:LEVel 0.5",
            ":TRIGger:EDGE:SLOPe POS",
            ":TRIGger:COUPling DC",
            ":CHANnel1:SCALe 1.0",
            ":CHANnel1:OFFSet 0.0",
            ":CHANnel1:UNITs?",
            ":TIMebase:MAIN:SCALe 0.0005",
            ":TIMebase:MAIN:OFFSet 0.0",
            ":WAVeform:SOURce CHANnel1",
            ":WAVeform:FORMat BYTE",
            ":WAVeform:MODE NORMal",
            ":WAVeform:XORigin?",
            ":WAVeform:XINCrement?",
            ":WAVeform:YORigin?",
            ":WAVeform:YINCrement?",
            ":WAVeform:YREFerence?",
            ":WAVeform:DATA?",
        ]
    );
    assert!(node(&r, "CONNECTION_DS1074Z").log.join(" ").contains("connected to RIGOL TECHNOLOGIES,DS1074Z"));
    assert_eq!(
        output(&r, "CHANNEL_ON_OFF_DS1074Z"),
        Value::string("Channel 1: ON, Channel 2: ON, Channel 3: OFF, Channel 4: OFF")
    );
    assert_eq!(
        output(&r, "TRIGGER_DS1074Z"),
        Value::string("Channel: ch1; Level: 0.5V ;; Slope: positiveCoupling: DC")
    );
    assert_eq!(output(&r, "VERTICAL_AXIS_DS1074Z"), Value::string("Offset: 0.0VOLT; Scale: 1.0VOLT"));
    assert_eq!(output(&r, "TIME_AXIS_DS1074Z"), Value::string("Offset: 0.0s; Scale: 0.0005s"));
    // Rigol's formula, from the bytes the scope sent: (byte - 0 - 127) * 0.01 V at -3 ms + i * 5 us
    let Value::OrderedPair { x, y } = output(&r, "EXTRACT_TRACE_DS1074Z") else { panic!() };
    assert_eq!(y.len(), 1200);
    for (i, b) in raw.iter().enumerate() {
        assert!((y[i] - (f64::from(*b) - 127.0) * 0.01).abs() < 1e-12, "y[{i}]");
        assert!((x[i] - (-3e-3 + i as f64 * 5e-6)).abs() < 1e-15, "x[{i}]");
    }
    assert_eq!(y[50], 1.0, "the sine's crest: byte 227");
}

#[test]
fn studio_s_dmm_read_app_reads_the_dmm7510() {
    let text = std::fs::read_to_string(support::apps().join("studio-examples/dmmRead.json")).unwrap();
    let loaded = runtime::file::load(&text, 7).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let inst = Instrument::new(
        Config { idn: "KEITHLEY INSTRUMENTS,MODEL DMM7510,04400001,1.7.12b".into(), ..Config::default() },
        |line| match line {
            "*LANG?" => Reply::Text("TSP".into()),
            "print(dmm.measure.read())" => Reply::Text("1.234567890e+00".into()),
            "*LANG TSP" | "reset()" | "dmm.measure.func = dmm.FUNC_DC_VOLTAGE" => Reply::Done,
            _ => Reply::Unknown,
        },
    );
    let lab = bench(vec![inst.clone()]);
    let r = run(&loaded.flow, &lab);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&inst),
        ["*LANG TSP", "*LANG?", "reset()", "dmm.measure.func = dmm.FUNC_DC_VOLTAGE", "print(dmm.measure.read())"]
    );
    assert_eq!(output(&r, "READ_MEASUREMENT_DMM7510"), Value::scalar(1.23456789));
    assert_eq!(output(&r, "FUNCTION_DMM7510"), Value::string("Measure DC voltage"));
}

#[test]
fn studio_apps_for_vendor_driver_instruments_open_and_name_the_driver() {
    for (app, driver, nodes) in [
        ("cDAQReadAnalog.json", "NI-DAQmx", 5),
        ("labjack.json", "LabJack's driver", 1),
        ("picoExtractTrace.json", "Pico Technology's PicoSDK", 3),
    ] {
        let text = std::fs::read_to_string(support::apps().join("studio-examples").join(app)).unwrap();
        let loaded = runtime::file::load(&text, 7).unwrap();
        let errors: Vec<_> = runtime::validate::validate(&loaded.flow)
            .into_iter()
            .filter(|d| d.severity == runtime::validate::Severity::Error)
            .collect();
        // one error per vendor block, on that node, naming the driver; no node is unknown
        assert_eq!(errors.len(), nodes, "{app}: {errors:?}");
        for d in &errors {
            assert!(d.node.is_some(), "{app}: {d:?}");
            assert!(
                d.message.contains(&format!("cannot run here: it needs the vendor's driver, {driver}")),
                "{app}: {d:?}"
            );
        }
        // the file's wires and settings are kept: saved again, it still has every node
        let again = runtime::file::load(&runtime::file::save(&loaded.flow), 1).unwrap();
        assert_eq!(again.flow.len(), loaded.flow.len(), "{app}");
        assert_eq!(runtime::validate::validate(&again.flow).len(), runtime::validate::validate(&loaded.flow).len());
    }
}

/// A Tektronix instrument on USBTMC, answering through `reply`.
fn tektronix(model: &str, product_id: u16, reply: impl FnMut(&str) -> Reply + 'static) -> Instrument {
    Instrument::new(
        Config {
            idn: format!("TEKTRONIX,{model},C012345,CF:91.1CT FV:1.0"),
            vendor_id: 0x0699,
            product_id,
            manufacturer: "Tektronix".into(),
            product: model.into(),
            ..Config::default()
        },
        reply,
    )
}

#[test]
fn studio_s_bode_plot_app_drives_the_afg31000_and_measures_with_the_mso2x() {
    let text = std::fs::read_to_string(support::apps().join("studio-examples/bodePlot.json")).unwrap();
    let loaded = runtime::file::load(&text, 7).unwrap();
    // the bench: the AFG's channel 1 through an RC low-pass (fc = 1 MHz) into the scope's CH1
    let afg_state = Rc::new(std::cell::RefCell::new((0.0_f64, 0.0_f64, false))); // (Hz, Vpp, on)
    let state = afg_state.clone();
    let afg = tektronix("AFG31052", 0x035e, move |line| {
        let mut s = state.borrow_mut();
        if let Some(f) = line.strip_prefix("SOURCE1:FREQUENCY ") {
            s.0 = f.parse().unwrap();
        } else if let Some(a) = line.strip_prefix("SOURCE1:VOLTAGE:AMPLITUDE ") {
            s.1 = a.parse().unwrap();
        } else if line == "OUTPUT1:STATE on" {
            s.2 = true;
        }
        if line.ends_with('?') { Reply::Unknown } else { Reply::Done }
    });
    let state = afg_state.clone();
    let scope = tektronix("MSO24", 0x0105, move |line| match line {
        "*OPC?" => Reply::Text("1".into()),
        "MEASUrement:MEAS1:RESUlts:CURRentacq:mean?" => {
            let (f, vpp, on) = *state.borrow();
            let gain = 1.0 / (1.0 + (f / 1e6).powi(2)).sqrt();
            Reply::Text(format!("{:E}", if on { vpp * gain } else { 0.0 }))
        }
        l if l.ends_with('?') => Reply::Unknown,
        _ => Reply::Done,
    });
    let lab = bench(vec![afg.clone(), scope.clone()]);
    let r = run(&loaded.flow, &lab);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    // Studio's file leaves both connections empty: each node picks the one instrument of its model
    let log = node(&r, "CONNECT_AFG31000").log.join("\n");
    assert!(log.contains("using the only connected Tektronix AFG31000"), "{log}");
    // the generator: the function, the outputs, then the loop's frequency 250 times. The app's
    // frequency FEEDBACK refers to a node the file does not have (MULTIPLY-3d9a…), so, as in
    // Studio, it gives its input every time: 98000 × 1.02
    let mut expected: Vec<String> = [
        "*IDN?",
        "SOURCE1:FUNCtion:SHAPe sinusoid",
        "SOURCE1:FREQUENCY 1000000.0",
        "SOURCE1:VOLTAGE:AMPLITUDE 5.0",
        "SOURCE1:VOLTAGE:OFFSET 0.0",
        "SOURCE1:PHASE:ADJUST 0.0DEG",
        "OUTPut1:IMPedance 50",
        "OUTPut2:IMPedance 50",
        "OUTPUT1:STATE on",
        "OUTPUT2:STATE off",
    ]
    .map(String::from)
    .to_vec();
    expected.extend(std::iter::repeat_n("SOURCE1:FREQUENCY 99960.0".to_owned(), 250));
    assert_eq!(told(&afg), expected);
    // the scope: the setup recalled, then one amplitude measurement per step
    let mut expected: Vec<String> = ["*IDN?", "RECAll:SETUp \"c:/flojoy001.set\""].map(String::from).to_vec();
    for _ in 0..250 {
        expected.extend(
            [
                ":MEASUrement:MEAS1:TYPE amplitude",
                ":MEASUrement:MEAS1:SOURCE CH1",
                "*OPC?",
                "MEASUrement:MEAS1:RESUlts:CURRentacq:mean?",
            ]
            .map(String::from),
        );
    }
    assert_eq!(told(&scope), expected);
    // the plot's data: the gain in dB of the low-pass at 99.96 kHz, 20·log10(1/√(1 + (f/fc)²)),
    // after the app's first row is deleted: the seeds' row (1 Hz, 1 V: 20·log10(1/5) dB relative to
    // the 5 V reference), then 249 steps
    let Value::OrderedPair { x, y } = output(&r, "ORDERED_PAIR_DELETE") else { panic!("an OrderedPair") };
    let db = 20.0 * (1.0 / (1.0_f64 + 0.09996 * 0.09996).sqrt()).log10();
    assert_eq!((x.len(), y.len()), (250, 250));
    assert_eq!(x[0], 1.0);
    assert!((y[0] - 20.0 * 0.2_f64.log10()).abs() < 1e-12, "{}", y[0]);
    for i in 1..250 {
        assert_eq!(x[i], 99960.0, "x[{i}]");
        assert!((y[i] - db).abs() <= 1e-9 * db.abs(), "y[{i}] = {}, expected {db}", y[i]);
    }
}

/// An MSO24 that keeps what it is set to (`<header> <value>`) and answers `<header>?` with it;
/// `extra` answers first (the waveform, files, a setting read back in another form).
fn mso24(extra: impl Fn(&str) -> Option<Reply> + 'static) -> Instrument {
    let settings = std::cell::RefCell::new(std::collections::HashMap::<String, String>::new());
    tektronix("MSO24", 0x0105, move |line| {
        if let Some(reply) = extra(line) {
            return reply;
        }
        if let Some(header) = line.strip_suffix('?') {
            return settings.borrow().get(header).map_or(Reply::Unknown, |v| Reply::Text(v.clone()));
        }
        if let Some((header, value)) = line.split_once(' ') {
            settings.borrow_mut().insert(header.to_owned(), value.to_owned());
        }
        Reply::Done
    })
}

/// Runs `nodes` in the order given, each one's output wired into the next one's `input`.
fn chain(lab: &Rc<Lab>, nodes: &[(&str, &str, serde_json::Value)]) -> RunReport {
    let wires: Vec<(&str, &str, &str, &str)> = nodes.windows(2).map(|w| (w[0].0, "default", w[1].0, "input")).collect();
    run(&support::flow(nodes, &wires), lab)
}

fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_mso2x_setting_nodes_send_studio_s_scpi_and_check_what_tm_devices_checks() {
    // the horizontal scale read back in the scope's own notation: the same number
    let scope = mso24(|line| (line == ":HORIZONTAL:SCALE?").then(|| Reply::Text("2.0000E-6".into())));
    let lab = bench(vec![scope.clone()]);
    let r = chain(
        &lab,
        &[
            ("A", "AFG_MSO2X", json!({"function": "square", "impedance": "fifty"})),
            ("CD", "CHANNEL_DISPLAY_MSO2X", json!({"ch1_display": "1", "ch2_display": "1"})),
            ("D", "DIGITAL_CHANNELS_MSO2X", json!({"D0_display": true, "D1_display": true})),
            (
                "E",
                "EDGE_TRIGGER_MSO2X",
                json!({"channel": 2, "level": 0.5, "edge_coupling": "dc", "edge_slope": "fall"}),
            ),
            ("HP", "HORIZONTAL_POSITION_MSO2X", json!({})),
            ("HS", "HORIZONTAL_SCALE_MSO2X", json!({"scale": 2e-6})),
            (
                "I",
                "I2C_TRIGGER_MSO2X",
                json!({"condition": "addranddata", "addr_bits": "7", "addr": "1010000", "data_direction": "write", "data_size": 2, "data_value": "0000XXXX"}),
            ),
            ("P", "PROBE_ATTENUATION_MSO2X", json!({"attenuation": 10})),
            ("S", "SINGLE_TRIGGER_MSO2X", json!({})),
            ("VP", "VERTICAL_POSITION_MSO2X", json!({"position": -1.5})),
            ("VS", "VERTICAL_SCALE_MSO2X", json!({"channel": 1, "scale": 0.5})),
        ],
    );
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    let mut expected = lines(&[
        "AFG:FUNCtion square",
        "AFG:FREQuency 100000000.0",
        "AFG:AMPLitude 0.2",
        "AFG:OFFSet 0.0",
        "AFG:SQUare:DUty 50.0",
        "AFG:OUTPut:LOAd:IMPEDance fifty",
        "AFG:OUTPut:MODe continuous",
    ]);
    for (k, on) in [(1, 1), (2, 1), (3, 0), (4, 0)] {
        expected.push(format!("DISplay:GLObal:CH{k}:STATE {on}"));
        expected.push(format!("DISplay:GLObal:CH{k}:STATE?"));
    }
    for k in 0..16 {
        expected.push(format!("DISplay:WAVEView1:DCH1_D{k}:STATE {}", u8::from(k < 2)));
    }
    expected.extend(lines(&[
        "TRIGger:A:EDGE:COUPling dc",
        "TRIGger:A:EDGE:SLOpe fall",
        "TRIGger:A:LEVel:CH2 0.5",
        "HORizontal:DELay:MODe 0.0",
        "HORizontal:POSition 50.0",
        ":HORIZONTAL:SCALE 2e-06",
        ":HORIZONTAL:SCALE?",
        "TRIGger:A:BUS:B1:I2C:CONDition addranddata",
        "TRIGger:A:BUS:B1:I2C:ADDRess:MODe ADDR7",
        "TRIGger:A:BUS:B1:I2C:ADDRess:VALue 1010000",
        "TRIGger:A:BUS:B1:I2C:DIRection write",
        "TRIGger:A:BUS:B1:I2C:SIZe 2",
        "TRIGger:A:BUS:B1:I2C:VALue 0000XXXX",
        ":CH1:PROBEFunc:EXTAtten 10.0",
        ":CH1:PROBEFunc:EXTAtten?",
        "FPAnel:PRESS SINGleseq",
        ":CH1:POSITION -1.5",
        ":CH1:POSITION?",
        ":CH1:SCAL 0.5",
        ":CH1:SCAL?",
    ]));
    assert_eq!(told(&scope), expected);
    for (func, text) in [
        ("AFG_MSO2X", "AFG settings"),
        ("CHANNEL_DISPLAY_MSO2X", "Channel display"),
        ("DIGITAL_CHANNELS_MSO2X", "Digital display"),
        ("EDGE_TRIGGER_MSO2X", "Trigger settings"),
        ("HORIZONTAL_POSITION_MSO2X", "Horizontal position"),
        ("HORIZONTAL_SCALE_MSO2X", "Horizontal scale"),
        ("I2C_TRIGGER_MSO2X", "Trigger settings"),
        ("PROBE_ATTENUATION_MSO2X", "Attenuation"),
        ("SINGLE_TRIGGER_MSO2X", "Trigger once."),
        ("VERTICAL_POSITION_MSO2X", "Vertical position"),
        ("VERTICAL_SCALE_MSO2X", "Vertical scale"),
    ] {
        assert_eq!(output(&r, func), Value::string(text), "{func}");
    }

    // every digital channel at once; an address trigger quotes the address; AFG defaults
    let scope = mso24(|_| None);
    let lab = bench(vec![scope.clone()]);
    let r = chain(
        &lab,
        &[
            ("D", "DIGITAL_CHANNELS_MSO2X", json!({"all_channels": true, "D3_display": true})),
            ("I", "I2C_TRIGGER_MSO2X", json!({"bus_num": 2, "condition": "address"})),
            ("I2", "I2C_TRIGGER_MSO2X", json!({"condition": "data"})),
            ("A", "AFG_MSO2X", json!({"function": "ramp", "mode": "burst"})),
        ],
    );
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&scope),
        lines(&[
            "DISplay:WAVEView1:DCH1_DALL:STATE 1",
            "TRIGger:A:BUS:B2:I2C:CONDition address",
            "TRIGger:A:BUS:B2:I2C:ADDRess:MODe ADDR10",
            "TRIGger:A:BUS:B2:I2C:ADDRess:VALue \"0101010010\"",
            "TRIGger:A:BUS:B1:I2C:CONDition data",
            "TRIGger:A:BUS:B1:I2C:DIRection read",
            "TRIGger:A:BUS:B1:I2C:SIZe 1",
            "TRIGger:A:BUS:B1:I2C:VALue 1100101",
            "AFG:FUNCtion ramp",
            "AFG:FREQuency 100000000.0",
            "AFG:AMPLitude 0.2",
            "AFG:OFFSet 0.0",
            "AFG:RAMP:SYMmetry 50.0",
            "AFG:OUTPut:MODe burst",
        ])
    );

    // a setting that does not take is an error naming it; a bad pattern is refused before sending
    let scope = mso24(|line| (line == ":CH1:SCAL?").then(|| Reply::Text("1.0000".into())));
    let lab = bench(vec![scope.clone()]);
    let r = chain(
        &lab,
        &[("VS", "VERTICAL_SCALE_MSO2X", json!({"scale": 0.5})), ("I", "I2C_TRIGGER_MSO2X", json!({"addr": "10a1"}))],
    );
    let e = node(&r, "VERTICAL_SCALE_MSO2X").error.clone().unwrap();
    assert!(e.contains("failed to set :CH1:SCAL to 0.5") && e.contains("'1.0000'"), "{e}");
    assert_eq!(told(&scope), lines(&[":CH1:SCAL 0.5", ":CH1:SCAL?"]));
    let lab = bench(vec![mso24(|_| None)]);
    let r = chain(&lab, &[("I", "I2C_TRIGGER_MSO2X", json!({"addr": "10a1"}))]);
    let e = node(&r, "I2C_TRIGGER_MSO2X").error.clone().unwrap();
    assert!(e.contains("'addr' must contain only 0, 1 or X"), "{e}");
}

/// An MSO24 showing 1000 levels round(100·sin(2πi/250)) on CH1 in ASCII, BYT_Nr 1, 0.5 V/div,
/// 10 divisions of 2 µs, the trigger at 25 %; `fault` replaces one answer.
fn curve_scope(fault: Option<(&'static str, &'static str)>) -> Instrument {
    let levels: Vec<String> = (0..1000)
        .map(|i| format!("{}", (100.0 * (2.0 * std::f64::consts::PI * i as f64 / 250.0).sin()).round()))
        .collect();
    let curve = levels.join(",");
    mso24(move |line| {
        if let Some((_, a)) = fault.filter(|(q, _)| *q == line) {
            return Some(Reply::Text(a.into()));
        }
        let text = |s: &str| Some(Reply::Text(s.into()));
        match line {
            ":DATA:SOURCE:AVAIL?" => text("CH1,CH2"),
            ":CURVE?" => text(&curve),
            "WFMOutpre:BYT_Nr?" => text("1"),
            "CH1:SCAL?" => text("500.0000E-3"),
            "HORizontal:DIVisions?" => text("10"),
            "HORizontal:SCAle?" => text("2.0000E-6"),
            "HORizontal:POSition?" => text("25.0000"),
            _ => None,
        }
    })
}

#[test]
fn query_curve_mso2x_reads_the_ascii_curve_and_scales_it_as_studio_s_block() {
    let scope = curve_scope(None);
    let lab = bench(vec![scope.clone()]);
    let r = chain(&lab, &[("Q", "QUERY_CURVE_MSO2X", json!({"channel": 1}))]);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&scope),
        lines(&[
            "DATa:SOUrce 1",
            ":DATA:SOURCE:AVAIL?",
            "DATA:SOURCE CH1",
            "DATA:SOURCE?",
            ":DATA:ENC ASCII",
            ":DATA:ENC?",
            ":CURVE?",
            "WFMOutpre:BYT_Nr?",
            "CH1:SCAL?",
            "HORizontal:DIVisions?",
            "HORizontal:SCAle?",
            "HORizontal:POSition?",
        ])
    );
    let Value::OrderedPair { x, y } = output(&r, "QUERY_CURVE_MSO2X") else { panic!("an OrderedPair") };
    assert_eq!((x.len(), y.len()), (1000, 1000));
    // y = level / 2^8 · 5 · 0.5 V; x from −(25 / 100) · 20 µs to (1 − 0.25) · 20 µs
    for i in [0, 1, 62, 187, 500, 999] {
        let level = (100.0 * (2.0 * std::f64::consts::PI * i as f64 / 250.0).sin()).round();
        let want_y = level / 256.0 * 5.0 * 0.5;
        let want_x = -5e-6 + i as f64 * (20e-6 / 999.0);
        assert!((y[i] - want_y).abs() <= 1e-12, "y[{i}] = {} vs {want_y}", y[i]);
        assert!((x[i] - want_x).abs() <= 1e-18, "x[{i}] = {} vs {want_x}", x[i]);
    }
    // numpy's linspace ends exactly at its bounds, computed as the block computes them
    let span = 2e-6 * 10.0;
    assert_eq!((x[0], x[999]), (span * -0.25, span * 0.75));
}

#[test]
fn malformed_curves_and_preambles_are_node_errors() {
    for (q, a, says) in [
        (":CURVE?", "12,-3,abc,4", "'abc' where a whole number"),
        (":CURVE?", "1,2;3,4", "several frames"),
        (":CURVE?", "", "no curve data"),
        (":CURVE?", "\u{1}\u{2}\u{ff}", "where a whole number"),
        ("WFMOutpre:BYT_Nr?", "1.5", "'WFMOutpre:BYT_Nr?', which is not a byte count"),
        ("CH1:SCAL?", "volts", "'CH1:SCAL?', which is not a number"),
        ("HORizontal:SCAle?", "", "'HORizontal:SCAle?', which is not a number"),
        (":DATA:SOURCE:AVAIL?", "CH2,CH3", "CH1 is not among the scope's curve sources"),
        ("DATA:SOURCE?", "CH2", "failed to set DATA:SOURCE to CH1"),
    ] {
        let lab = bench(vec![curve_scope(Some((q, a)))]);
        let r = chain(&lab, &[("Q", "QUERY_CURVE_MSO2X", json!({}))]);
        let e = node(&r, "QUERY_CURVE_MSO2X").error.clone().unwrap_or_else(|| panic!("{q} → {a}: no error"));
        assert!(e.contains(says), "{q} → {a}: {e}");
    }
}

#[test]
fn decode_i2c_mso2x_sets_up_the_bus_and_lists_the_event_table_s_writes_and_reads() {
    let mut table = b"Index,Time,Address,Direction,Data,Missing Ack\r\n".to_vec();
    for (i, t, dir, data) in
        [(1, "-24.5", "Write", "0x00 0x10"), (2, "102.3", "Read", "0xA5 0x5A"), (3, "230.0", "Write", "0x6B")]
    {
        table.extend_from_slice(format!("{i},{t}").as_bytes());
        table.extend_from_slice(b"\xb5s");
        table.extend_from_slice(format!(",0x50,{dir},{data},No\r\n").as_bytes());
    }
    let table = Rc::new(table);
    let file = table.clone();
    let scope =
        mso24(move |line| (line == "FILESystem:READFile \"c:/flojoy.csv\"").then(|| Reply::Bytes(file.clone())));
    let lab = bench(vec![scope.clone()]);
    let r = chain(
        &lab,
        &[(
            "I",
            "DECODE_I2C_MSO2X",
            json!({"bus_number": 2, "clock_channel": "D0", "data_channel": "D1", "clock_threshold": 1.65, "data_threshold": 1.65}),
        )],
    );
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&scope),
        lines(&[
            "BUS:ADDNEW \"B2\"",
            "DISPLAY:WAVEVIEW1:BUS:B2:STATE",
            "BUS:B2:I2C:CLOCK:SOUrce DCH1_D0",
            "BUS:B2:I2C:DATa:SOUrce DCH1_D1",
            "BUS:B2:I2C:CLOCK:THRESHOLD 1.65",
            "BUS:B2:I2C:DATa:THRESHOLD 1.65",
            "BUSTABLE:ADDNEW \"Table1\"",
            "SAVe:EVENTtable:BUS \"c:/flojoy.csv\"",
            "FILESystem:READFile \"c:/flojoy.csv\"",
        ])
    );
    // Studio's order: a write, a read, the next write, …
    assert_eq!(output(&r, "DECODE_I2C_MSO2X"), Value::string("Write 0x00 0x10 Read 0xA5 0x5A Write 0x6B "));
    // a file that is not text
    let scope =
        mso24(|line| line.starts_with("FILESystem:READFile").then(|| Reply::Bytes(Rc::new(vec![b'a', 0xff, 0xfe]))));
    let lab = bench(vec![scope]);
    let r = chain(&lab, &[("I", "DECODE_I2C_MSO2X", json!({}))]);
    let e = node(&r, "DECODE_I2C_MSO2X").error.clone().unwrap();
    assert!(e.contains("not UTF-8 text"), "{e}");
}

#[test]
fn screenshot_mso2x_reads_the_png_the_scope_saved_and_keeps_a_copy() {
    let png = Rc::new(runtime::numeric::png::png_stored(2, 1, 4, &[255, 0, 0, 255, 0, 0, 255, 128]));
    let file = png.clone();
    let scope = mso24(move |line| line.starts_with("FILESystem:READFile").then(|| Reply::Bytes(file.clone())));
    let lab = bench(vec![scope.clone()]);
    let r = chain(
        &lab,
        &[
            ("S", "SCREENSHOT_MSO2X", json!({"local_file_path": "shots"})),
            (
                "S2",
                "SCREENSHOT_MSO2X",
                json!({"local_file_path": "shots/", "auto_index": true, "path_on_scope": "C:/s.png"}),
            ),
        ],
    );
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&scope),
        lines(&[
            "SAVe:IMAGe C:\\screenshots\\screenshot.png",
            "FILESystem:READFile C:\\screenshots\\screenshot.png",
            "SAVe:IMAGe C:/s.png",
            "FILESystem:READFile C:/s.png",
        ])
    );
    let Value::Image { r: red, b, a, .. } = output(&r, "SCREENSHOT_MSO2X") else { panic!("an Image") };
    assert_eq!((red.data, b.data, a.unwrap().data), (vec![255.0, 0.0], vec![0.0, 255.0], vec![255.0, 128.0]));
    let saved = lab.saved.borrow();
    assert_eq!(saved.len(), 2);
    assert_eq!((saved[0].0.as_str(), saved[1].0.as_str()), ("shots/screenshot.png", "shots/screenshot_000.png"));
    assert_eq!(saved[0].1, *png);
    drop(saved);
    // not a PNG: an error naming the command
    let scope = mso24(|line| line.starts_with("FILESystem:READFile").then(|| Reply::Bytes(Rc::new(b"oops".to_vec()))));
    let lab = bench(vec![scope]);
    let r = chain(&lab, &[("S", "SCREENSHOT_MSO2X", json!({}))]);
    let e = node(&r, "SCREENSHOT_MSO2X").error.clone().unwrap();
    assert!(e.contains("FILESystem:READFile") && e.contains("cannot read the image"), "{e}");
}

// ---- MDO3XXX: Studio's blocks through Flojoy's QCoDeS driver TektronixMDO30xx ----------------

/// An MDO3034 that keeps what it is set to (`<header> <value>`) and answers `<header>?` with it
/// (CH1 triggers, measurement 1 measures a period, the units are the driver's "s" and "V");
/// measurement 1 reads a 1 kHz sine of 1 V peak on CH1 and 45° of phase between CH1 and CH2;
/// `extra` answers first.
fn mdo3(extra: impl Fn(&str) -> Option<Reply> + 'static) -> Instrument {
    let settings = std::cell::RefCell::new(std::collections::HashMap::<String, String>::from(
        [
            ("TRIGger:A:EDGE:SOUrce", "CH1"),
            ("TRIGger:B:EDGE:SOUrce", "CH1"),
            ("TRIGger:A:EDGE:COUPling", "DC"),
            ("TRIGger:A:TYPE", "EDGE"),
            ("TRIGger:A:EDGE:SLOpe", "RISE"),
            ("MEASUrement:MEAS1:TYPe", "PERIOD"),
            ("HORizontal:MAIn:UNIts", "\"s\""),
            ("WFMOutpre:XUNit", "\"s\""),
            ("WFMOutpre:YUNit", "\"V\""),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    ));
    tektronix("MDO3034", 0x0408, move |line| {
        if let Some(reply) = extra(line) {
            return reply;
        }
        let text = |s: &str| Reply::Text(s.into());
        if let Some(metric) = line.strip_prefix("MEASUrement:MEAS1:").and_then(|l| l.strip_suffix('?'))
            && ["VALue", "MEAN", "MAX", "MINI", "STDdev"].contains(&metric)
        {
            let s = settings.borrow();
            let kind = s.get("MEASUrement:MEAS1:TYPe").map(|t| t.to_lowercase()).unwrap_or_default();
            if s.get("MEASUrement:MEAS1:STATe").map(String::as_str) != Some("1") {
                return text("9.91E37");
            }
            return match (kind.as_str(), metric) {
                (_, "STDdev") => text("0.0E+0"),
                ("period", _) => text("1.000E-3"),
                ("frequency", _) => text("1.000E+3"),
                ("amplitude" | "pk2pk", _) => text("2.000"),
                ("phase", _) => text("45.00"),
                _ => text("9.91E37"),
            };
        }
        if let Some(header) = line.strip_suffix('?') {
            return settings.borrow().get(header).map_or(Reply::Unknown, |v| Reply::Text(v.clone()));
        }
        if let Some((header, value)) = line.split_once(' ') {
            settings.borrow_mut().insert(header.to_owned(), value.to_owned());
        }
        Reply::Done
    })
}

/// Runs `nodes` in the order given, each one's output wired into the next one's `default`
/// input (the MDO3XXX blocks' ordering input).
fn chain_default(lab: &Rc<Lab>, nodes: &[(&str, &str, serde_json::Value)]) -> RunReport {
    let wires: Vec<(&str, &str, &str, &str)> =
        nodes.windows(2).map(|w| (w[0].0, "default", w[1].0, "default")).collect();
    run(&support::flow(nodes, &wires), lab)
}

fn labelled<'r>(r: &'r RunReport, label: &str) -> &'r runtime::schedule::NodeReport {
    r.nodes.iter().map(|(_, n)| n).find(|n| n.label == label).unwrap_or_else(|| panic!("no {label} in {r:?}"))
}

fn output_of(r: &RunReport, label: &str) -> Value {
    let n = labelled(r, label);
    assert!(n.error.is_none(), "{label}: {:?}", n.error);
    n.outputs.iter().find(|(k, _)| k == "default").map(|(_, d)| (**d).clone()).unwrap()
}

#[test]
fn the_mdo3xxx_nodes_send_what_studio_s_driver_sends_and_read_the_scope_s_answers() {
    let scope = mdo3(|_| None);
    // another Tektronix scope is connected too: each node picks the MDO3 by its product name
    let other = mso24(|_| None);
    let lab = bench(vec![other.clone(), scope.clone()]);
    let r = chain_default(
        &lab,
        &[
            ("C", "CONNECTION_MDO3XXX", json!({"num_channels": 2})),
            ("M1", "MEASUREMENTS_MDO3XXX", json!({})),
            ("M2", "MEASUREMENTS_MDO3XXX", json!({"channel": 1, "measurement": "frequency", "statistic": "mean"})),
            ("A", "ADVANCED_MEASUREMENTS_MDO3XXX", json!({"measurement": "pk2pk", "statistic": "stdev"})),
            ("P", "MEASURE_PHASE_MDO3XXX", json!({})),
            ("TS", "TERMINATION_MDO3XXX", json!({"channel": 2, "termination": "1M ohm", "query_set": "set"})),
            ("TQ", "TERMINATION_MDO3XXX", json!({"channel": 2})),
            ("T50", "TERMINATION_MDO3XXX", json!({"channel": 3, "query_set": "set"})),
            ("CS", "TRIGGER_CHANNEL_MDO3XXX", json!({"channel": 1, "query_set": "set"})),
            ("CQ", "TRIGGER_CHANNEL_MDO3XXX", json!({})),
            ("LS", "TRIGGER_LEVEL_MDO3XXX", json!({"trigger_volts": 0.25, "query_set": "set"})),
            ("LQ", "TRIGGER_LEVEL_MDO3XXX", json!({})),
            (
                "SS",
                "TRIGGER_SETTINGS_MDO3XXX",
                json!({"query_set": "set", "edge_couplings": "ac", "trigger_types": "edge", "edge_slope": "fall"}),
            ),
            ("SQ", "TRIGGER_SETTINGS_MDO3XXX", json!({})),
        ],
    );
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert!(told(&other).is_empty(), "{:?}", told(&other));
    let mut expected = lines(&["HORizontal:MAIn:UNIts?", "HORizontal:MAIn:UNIts?"]);
    for k in 1..=2 {
        for unit in ["XUNit", "YUNit", "YUNit", "XUNit", "YUNit"] {
            expected.push(format!("DATa:SOU CH{k}"));
            expected.push(format!("WFMOutpre:{unit}?"));
        }
    }
    expected.extend(lines(&[
        "TRIGger:A:EDGE:SOUrce?",
        "TRIGger:A:EDGE:SOUrce?",
        "TRIGger:B:EDGE:SOUrce?",
        "TRIGger:B:EDGE:SOUrce?",
        "*IDN?",
        // MEASUREMENTS: period of CH1 (the type is already a period)
        "MEASUrement:MEAS1:SOUrce1 CH1",
        "MEASUrement:MEAS1:SOUrce1?",
        "MEASUrement:MEAS1:TYPe?",
        "MEASUrement:MEAS1:STATe 1",
        "MEASUrement:MEAS1:VALue?",
        // frequency of CH2, its mean
        "MEASUrement:MEAS1:SOUrce1 CH2",
        "MEASUrement:MEAS1:SOUrce1?",
        "MEASUrement:MEAS1:TYPe?",
        "MEASUrement:MEAS1:TYPe frequency",
        "MEASUrement:MEAS1:STATe 1",
        "MEASUrement:MEAS1:MEAN?",
        // ADVANCED: pk2pk's standard deviation
        "MEASUrement:MEAS1:SOUrce1 CH1",
        "MEASUrement:MEAS1:TYPe?",
        "MEASUrement:MEAS1:TYPe pk2pk",
        "MEASUrement:MEAS1:STATe 1",
        "MEASUrement:MEAS1:STDdev?",
        // MEASURE_PHASE
        "MEASUrement:MEAS1:SOUrce1 CH1",
        "MEASUrement:MEAS1:SOUrce2 CH2",
        "MEASUrement:MEAS1:TYPe?",
        "MEASUrement:MEAS1:TYPe phase",
        "MEASUrement:MEAS1:STATe 1",
        "MEASUrement:MEAS1:VALue?",
        // TERMINATION: set 1 MΩ as the float 1e6, read it back; 50 Ω as the int 50
        "CH3:TER 1000000.0",
        "CH3:TER?",
        "CH4:TER 50",
        // TRIGGER_CHANNEL
        "TRIGger:A:EDGE:SOUrce CH2",
        "TRIGger:A:EDGE:SOUrce?",
        // TRIGGER_LEVEL: on the trigger source
        "TRIGger:A:EDGE:SOUrce?",
        "TRIGger:A:LEVel:CH2 0.25",
        "TRIGger:A:EDGE:SOUrce?",
        "TRIGger:A:LEVel:CH2?",
        // TRIGGER_SETTINGS: set reads the coupling (as Studio's block does), sets type and slope
        "TRIGger:A:EDGE:COUPling?",
        "TRIGger:A:TYPE edge",
        "TRIGger:A:EDGE:SLOpe fall",
        "TRIGger:A:EDGE:COUPling?",
        "TRIGger:A:TYPE?",
        "TRIGger:A:EDGE:SLOpe?",
    ]));
    assert_eq!(told(&scope), expected);
    assert!(labelled(&r, "C").log.join("\n").contains("connected to TEKTRONIX,MDO3034,C012345"));
    assert_eq!(output_of(&r, "M1"), Value::scalar(1e-3));
    assert_eq!(output_of(&r, "M2"), Value::scalar(1e3));
    assert!(labelled(&r, "M2").log.contains(&"Frequency of signal at channel CH2: 1.00E+03 Hz".to_owned()));
    assert_eq!(output_of(&r, "A"), Value::scalar(0.0));
    assert_eq!(output_of(&r, "P"), Value::scalar(45.0));
    assert_eq!(output_of(&r, "TS"), Value::scalar(1e6));
    assert_eq!(output_of(&r, "TQ"), Value::scalar(1e6));
    assert_eq!(output_of(&r, "T50"), Value::scalar(50.0));
    assert_eq!(output_of(&r, "CS"), Value::string("CH2"));
    assert_eq!(output_of(&r, "CQ"), Value::string("CH2"));
    assert_eq!(output_of(&r, "LS"), Value::scalar(0.25));
    assert_eq!(output_of(&r, "LQ"), Value::scalar(0.25));
    assert_eq!(output_of(&r, "SS"), Value::string("Edge coupling: dc,\nTrigger type: edge,\nEdge slope: fall"));
    assert_eq!(output_of(&r, "SQ"), Value::string("Edge coupling: dc,\nTrigger type: edge,\nEdge slope: fall"));
}

/// An MDO3034 whose CH2 record is 1000 points of two-byte little-endian signed levels
/// (-100, 0, 37, 127, -128 repeated), YOFF 12, YMULT 1.5625e-4 V, YZERO 0.05 V, XINCR 0.4 µs,
/// a 10000-point record at 2.5 GS/s; `fault` replaces one answer.
fn trace_scope(fault: Option<(&'static str, &'static str)>) -> Instrument {
    let levels: Vec<i16> = (0..1000).map(|i| [-100, 0, 37, 127, -128][i % 5]).collect();
    let mut block = runtime::devices::scpi::block_header(2 * levels.len());
    block.extend(levels.iter().flat_map(|l| l.to_le_bytes()));
    block.push(b'\n');
    let block = Rc::new(block);
    let ascii = levels.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(",");
    mdo3(move |line| {
        if let Some((_, a)) = fault.filter(|(q, _)| *q == line) {
            return Some(Reply::Text(a.into()));
        }
        let text = |s: &str| Some(Reply::Text(s.into()));
        match line {
            "HORizontal:RECOrdlength?" => text("10000"),
            "HORizontal:SAMPLERate?" => text("2.5000E+9"),
            "WFMOutpre:NR_Pt?" => text("1000"),
            "WFMOutPRE:XINCR?" => text("400.0000E-9"),
            "WFMOutpre:ENCdg?" => text(if fault == Some(("ascii", "")) { "ASCII" } else { "BINARY" }),
            "WFMOutpre:BYT_Nr?" => text("2"),
            "WFMOutpre:BN_Fmt?" => text("RI"),
            "WFMOutpre:BYT_Or?" => text("LSB"),
            "CURVE?" if fault == Some(("ascii", "")) => text(&ascii),
            "CURVE?" => Some(Reply::Bytes(block.clone())),
            "WFMOutPRE:YOFF?" => text("12.0"),
            "WFMOutPRE:YMULT?" => text("156.2500E-6"),
            "WFMOutPRE:YZERO?" => text("50.0000E-3"),
            _ => None,
        }
    })
}

#[test]
fn extract_trace_mdo3xxx_scales_the_curve_with_the_preamble_as_the_driver_does() {
    let scope = trace_scope(None);
    let lab = bench(vec![scope.clone()]);
    let r = chain_default(&lab, &[("X", "EXTRACT_TRACE_MDO3XXX", json!({"channel": 1, "x_length": 1000}))]);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    assert_eq!(
        told(&scope),
        lines(&[
            "HORizontal:RECOrdlength?",
            "DATa:STARt 1",
            "DATa:STOP 1000",
            "DATa:SOU CH2",
            "WFMOutpre:NR_Pt?",
            "DATa:SOU CH2",
            "WFMOutPRE:XINCR?",
            "DATa:SOU CH2",
            "WFMOutpre:ENCdg?",
            "WFMOutpre:BYT_Nr?",
            "WFMOutpre:BN_Fmt?",
            "WFMOutpre:BYT_Or?",
            "CURVE?",
            "DATa:SOU CH2",
            "WFMOutPRE:YOFF?",
            "DATa:SOU CH2",
            "WFMOutPRE:YMULT?",
            "DATa:SOU CH2",
            "WFMOutPRE:YZERO?",
            "DATa:SOU CH2",
            "WFMOutpre:NR_Pt?",
        ])
    );
    let Value::OrderedPair { x, y } = output_of(&r, "X") else { panic!("an OrderedPair") };
    assert_eq!((x.len(), y.len()), (1000, 1000));
    // y = (raw − YOFF)·YMULT + YZERO, by numpy: (np.array([-100, 0, 37, 127, -128.]) - 12)*1.5625e-4 + 0.05
    let want = [0.0325, 0.048125, 0.05390625, 0.06796875000000001, 0.028125];
    for (i, v) in y.iter().enumerate() {
        assert_eq!(*v, want[i % 5], "y[{i}]");
    }
    // x = np.linspace(0, 4e-7 * 1000, 1000), the driver's axis
    assert_eq!(
        (x[0], x[1], x[500], x[999]),
        (0.0, 4.0040040040040034e-07, 0.00020020020020020018, 0.00039999999999999996)
    );

    // a length in nanoseconds: int(2.5e9 · 333e-9) = 832 points, read as ASCII
    let scope = trace_scope(Some(("ascii", "")));
    let lab = bench(vec![scope.clone()]);
    let r =
        chain_default(&lab, &[("X", "EXTRACT_TRACE_MDO3XXX", json!({"x_length": 333, "length_type": "nanoseconds"}))]);
    assert_eq!(r.status, RunStatus::Ok, "{r:?}");
    let sent = told(&scope);
    assert_eq!(
        sent[..4],
        lines(&["HORizontal:SAMPLERate?", "HORizontal:RECOrdlength?", "DATa:STARt 1", "DATa:STOP 832"])
    );
    assert_eq!(sent[9..11], lines(&["WFMOutpre:ENCdg?", "CURVE?"]));
    let Value::OrderedPair { y, .. } = output_of(&r, "X") else { panic!("an OrderedPair") };
    assert_eq!(y[3], 0.06796875000000001);
}

#[test]
fn malformed_mdo3xxx_answers_and_parameters_are_node_errors() {
    let trace = json!({"channel": 1, "x_length": 1000});
    for (q, a, says) in [
        ("WFMOutpre:ENCdg?", "BIN", "'BIN' to 'WFMOutpre:ENCdg?', which is not an encoding"),
        ("WFMOutpre:BYT_Nr?", "3", "'3' to 'WFMOutpre:BYT_Nr?', which is not a byte count"),
        ("WFMOutpre:BN_Fmt?", "XX", "'XX' to 'WFMOutpre:BN_Fmt?', which is not a binary format"),
        ("WFMOutpre:BYT_Or?", "big", "'big' to 'WFMOutpre:BYT_Or?', which is not a byte order"),
        ("WFMOutpre:NR_Pt?", "999", "sent 1000 points but 'WFMOutpre:NR_Pt?' announced 999"),
        ("WFMOutpre:NR_Pt?", "many", "'many' to 'WFMOutpre:NR_Pt?', which is not a number of points"),
        ("WFMOutPRE:YMULT?", "", "'WFMOutPRE:YMULT?', which is not a number"),
        ("WFMOutPRE:XINCR?", "0.4us", "'WFMOutPRE:XINCR?', which is not a number"),
        ("HORizontal:RECOrdlength?", "500", "the record length is 500"),
        ("CURVE?", "#9abc", "CURVE?"),
    ] {
        let lab = bench(vec![trace_scope(Some((q, a)))]);
        let r = chain_default(&lab, &[("X", "EXTRACT_TRACE_MDO3XXX", trace.clone())]);
        let e = labelled(&r, "X").error.clone().unwrap_or_else(|| panic!("{q} → {a}: no error"));
        assert!(e.contains(says), "{q} → {a}: {e}");
    }
    for (func, params, fault, says) in [
        (
            "MEASUREMENTS_MDO3XXX",
            json!({}),
            Some(("MEASUrement:MEAS1:VALue?", "abc")),
            "'abc' to 'MEASUrement:MEAS1:VALue?', which is not a number",
        ),
        ("TERMINATION_MDO3XXX", json!({}), Some(("CH1:TER?", "FIFTY")), "'FIFTY' to 'CH1:TER?', which is not a number"),
        (
            "TRIGGER_LEVEL_MDO3XXX",
            json!({}),
            Some(("TRIGger:A:EDGE:SOUrce?", "CH 1;")),
            "'CH 1;' to 'TRIGger:A:EDGE:SOUrce?', which is not a trigger source",
        ),
        ("MEASURE_PHASE_MDO3XXX", json!({"channel2": 0}), None, "the channels must not be the same"),
        (
            "MEASUREMENTS_MDO3XXX",
            json!({"channel": 4}),
            None,
            "'channel' must be a channel index from 0 (CH1) to 3 (CH4), got 4",
        ),
        (
            "ADVANCED_MEASUREMENTS_MDO3XXX",
            json!({"measurement": "volume"}),
            None,
            "the selected measurement (volume) is not available",
        ),
        ("TERMINATION_MDO3XXX", json!({"termination": "75 ohm", "query_set": "set"}), None, "50 ohm or 1M ohm only"),
        ("TRIGGER_CHANNEL_MDO3XXX", json!({"channel": 3, "query_set": "set"}), None, "CH1 to CH3"),
        (
            "TRIGGER_SETTINGS_MDO3XXX",
            json!({"query_set": "set", "trigger_types": "logic"}),
            None,
            "only the 'edge' trigger type, not 'logic'",
        ),
        (
            "ADVANCED_MEASUREMENTS_MDO3XXX",
            json!({"channel": -1}),
            None,
            "'channel' must be a channel index from 0 (CH1) to 3 (CH4), got -1",
        ),
    ] {
        let scope = mdo3(move |line| fault.filter(|(q, _)| *q == line).map(|(_, a)| Reply::Text(a.into())));
        let lab = bench(vec![scope.clone()]);
        let r = chain_default(&lab, &[("N", func, params.clone())]);
        let e = labelled(&r, "N").error.clone().unwrap_or_else(|| panic!("{func} {params}: no error"));
        assert!(e.contains(says), "{func} {params}: {e}");
        if fault.is_none() {
            assert!(told(&scope).is_empty(), "{func}: refused before sending, not {:?}", told(&scope));
        }
    }
}
