//! Tektronix MDO3000 series oscilloscope (Studio's `HARDWARE/OSCILLOSCOPES/TEKTRONIX/MDO3XXX`):
//! CONNECTION_MDO3XXX, MEASUREMENTS_MDO3XXX, ADVANCED_MEASUREMENTS_MDO3XXX, MEASURE_PHASE_MDO3XXX,
//! EXTRACT_TRACE_MDO3XXX, TERMINATION_MDO3XXX, TRIGGER_CHANNEL_MDO3XXX, TRIGGER_LEVEL_MDO3XXX,
//! TRIGGER_SETTINGS_MDO3XXX. Studio's blocks call Flojoy's QCoDeS driver `TektronixMDO30xx`
//! (`flojoy/instruments/tektronix/MDO30xx.py`, derived from QCoDeS's DPO7200xx driver); each
//! node sends the SCPI that driver sends for the block's calls, in the same order:
//! - the driver's constructor (CONNECTION) reads units for the parameters it declares:
//!   `HORizontal:MAIn:UNIts?` twice, for each channel five `DATa:SOU CH<n>` + `WFMOutpre:XUNit?`
//!   or `YUNit?` pairs, `TRIGger:A|B:EDGE:SOUrce?` twice each, then `*IDN?`;
//! - a measurement sets `MEASUrement:MEAS1:SOUrce1 CH<n>`, reads `MEASUrement:MEAS1:TYPe?`, sets
//!   the type when it differs, `MEASUrement:MEAS1:STATe 1`, waits the driver's 0.5 s, then asks
//!   `MEASUrement:MEAS1:VALue?` (or `MEAN?`, `MAX?`, `MINI?`, `STDdev?` for a statistic);
//! - a trace sets `DATa:STARt 1` / `DATa:STOP <n>` after checking `HORizontal:RECOrdlength?`
//!   (`HORizontal:SAMPLERate?` first for a length in nanoseconds), reads `WFMOutpre:NR_Pt?` and
//!   `XINCR?` for the axis, `WFMOutpre:ENCdg?` (and for binary data `BYT_Nr?`, `BN_Fmt?`,
//!   `BYT_Or?`), `CURVE?`, then `YOFF?`, `YMULT?`, `YZERO?` and (QCoDeS checking the trace's
//!   length) `NR_Pt?` again, each after `DATa:SOU CH<n>`.
//!   y = (raw − YOFF) · YMULT + YZERO volts; x = linspace(0, XINCR · N, N) seconds, the
//!   driver's axis (it starts at 0, not at XZERO, and its step is XINCR · N / (N − 1)).
//!
//! Differences from Studio (where a fresh driver object and this runtime differ):
//! - the driver caches the measurement type it last set and skips `TYPe?` after that; a
//!   node keeps nothing between runs, so it always asks, as the driver's first call does;
//! - the driver builds TRIGGER_LEVEL's command from the trigger source read when it
//!   connected; the node reads `TRIGger:A:EDGE:SOUrce?` itself just before (so a later
//!   TRIGGER_CHANNEL change is followed);
//! - Studio's `print` of a measurement goes to the node's log.
//!
//! Kept as Studio's driver has them (a file from Studio does what it did there):
//! TRIGGER_SETTINGS in "set" mode reads the edge coupling instead of setting it and sets only the
//! "edge" trigger type; TRIGGER_CHANNEL takes CH1 to CH3 (the driver's source list stops
//! before CH4); TERMINATION sets 50 Ω or 1 MΩ only (the driver refuses 75 Ω).

use super::{num, number, numbers, query, send, with_connection_named};
use crate::devices::scpi::{ByteOrder, Connection, Model, Word, decode};
use crate::nodes::hardware::port::{device_param, instrument_of, scpi_error};
use crate::nodes::{AsyncCtx, NodeDef, NodeError, Outputs};
use crate::numeric::array::linspace;
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "HARDWARE/OSCILLOSCOPES/TEKTRONIX/MDO3XXX";
/// With several instruments and no connection named, the one this node is for (Tektronix's
/// USB vendor id 0x0699).
const MODEL: Model = Model { vendor_id: 0x0699, product: "MDO3", name: "Tektronix MDO3000 series scope" };
const CONNECT: &str = "CONNECTION_MDO3XXX";
const STATISTICS: &[&str] = &["instant", "mean", "max", "min", "stdev"];
const QUERY_SET: &[&str] = &["query", "set"];
/// The driver's measurement types (`TektronixMSOMeasurement.measurements`).
const MEASUREMENTS: &[&str] = &[
    "amplitude",
    "area",
    "burst",
    "carea",
    "cmean",
    "crms",
    "delay",
    "distduty",
    "extinctdb",
    "extinctpct",
    "extinctratio",
    "eyeheight",
    "eyewidth",
    "fall",
    "frequency",
    "high",
    "hits",
    "low",
    "maximum",
    "mean",
    "median",
    "minimum",
    "ncross",
    "nduty",
    "novershoot",
    "nwidth",
    "pbase",
    "pcross",
    "pctcross",
    "pduty",
    "peakhits",
    "period",
    "phase",
    "pk2pk",
    "pkpkjitter",
    "pkpknoise",
    "povershoot",
    "ptop",
    "pwidth",
    "qfactor",
    "rise",
    "rms",
    "rmsjitter",
    "rmsnoise",
    "sigma1",
    "sigma2",
    "sigma3",
    "sixsigmajit",
    "snratio",
    "stddev",
    "undefined",
    "waveforms",
];
/// The driver's wait after setting a measurement's source or type ("found by trial and error").
const ADJUSTMENT_MS: f64 = 500.0;

pub(super) fn nodes() -> Vec<NodeDef> {
    vec![
        advanced_measurements(),
        connection(),
        extract_trace(),
        measurements(),
        measure_phase(),
        termination(),
        trigger_channel(),
        trigger_level(),
        trigger_settings(),
    ]
}

fn node(func: &str, doc: &str) -> NodeSpec {
    with_connection_named(NodeSpec::new(func, PATH, doc), CONNECT, "default")
}

/// A select parameter's value, checked against its choices.
fn choice<'a>(ctx: &'a AsyncCtx, name: &str, choices: &[&str]) -> Result<&'a str, NodeError> {
    super::choice(ctx, name, choices)
}

/// Studio's `channel: int` (0 is CH1): the driver's sources are CH1 to CH4.
fn channel(ctx: &AsyncCtx, name: &str) -> Result<i64, NodeError> {
    let n = ctx.int(name)?;
    if !(0..=3).contains(&n) {
        return Err(NodeError(format!("'{name}' must be a channel index from 0 (CH1) to 3 (CH4), got {n}")));
    }
    Ok(n)
}

fn connection() -> NodeDef {
    let spec = NodeSpec::new(
        CONNECT,
        PATH,
        "Connect to a Tektronix MDO3000 series oscilloscope (MDO4000, MSO4000 and DPO4000 may work too); its *IDN? answer goes to the log.",
    );
    let spec = device_param(spec, "device", "VisaDevice", "The oscilloscope: a USB instrument or a VISA resource name")
        .int("num_channels", 4, "The number of channels on the instrument that are in use (1 to 4)")
        .optional_input("default", TypeSet::ANY, "Only sets the order")
        .output("default", TypeSet::ANY, "Nothing (Studio's block returns None)");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let channels = ctx.int("num_channels")?;
            if !(1..=4).contains(&channels) {
                return Err(NodeError(format!("'num_channels' must be from 1 to 4, got {channels}")));
            }
            let c = instrument_of(&ctx, "device", Some(MODEL)).await?;
            // the driver's constructor reads the units of the parameters it declares
            for _ in 0..2 {
                query(&ctx, &c, "HORizontal:MAIn:UNIts?").await?;
            }
            for k in 1..=channels {
                for unit in ["XUNit", "YUNit", "YUNit", "XUNit", "YUNit"] {
                    send(&ctx, &c, &[format!("DATa:SOU CH{k}")]).await?;
                    query(&ctx, &c, &format!("WFMOutpre:{unit}?")).await?;
                }
            }
            for trigger in ["A", "B"] {
                for _ in 0..2 {
                    query(&ctx, &c, &format!("TRIGger:{trigger}:EDGE:SOUrce?")).await?;
                }
            }
            let idn = query(&ctx, &c, "*IDN?").await?;
            ctx.log(format!("connected to {idn}"));
            Ok(Outputs::none())
        })
    })
}

/// The driver's `MEAS1` reading of `measurement` (its `_get`): the type set when `TYPe?`
/// differs, the state on, the driver's wait, then the value or the statistic.
async fn measure(ctx: &AsyncCtx, c: &Connection, measurement: &str, statistic: &str) -> Result<f64, NodeError> {
    let metric = match statistic {
        "mean" => "MEAN",
        "max" => "MAX",
        "min" => "MINI",
        "stdev" => "STDdev",
        _ => "VALue",
    };
    let current = query(ctx, c, "MEASUrement:MEAS1:TYPe?").await?;
    if current.trim().to_lowercase() != measurement {
        send(ctx, c, &[format!("MEASUrement:MEAS1:TYPe {measurement}")]).await?;
    }
    send(ctx, c, &["MEASUrement:MEAS1:STATe 1".into()]).await?;
    ctx.host.sleep(ADJUSTMENT_MS).await;
    let command = format!("MEASUrement:MEAS1:{metric}?");
    number(&command, &query(ctx, c, &command).await?)
}

fn statistic_param(spec: NodeSpec) -> NodeSpec {
    spec.select(
        "statistic",
        STATISTICS,
        "instant",
        "instant: one measurement; mean, max, min, stdev: the scope's statistics of it",
    )
}

fn measurements() -> NodeDef {
    let spec = statistic_param(
        node(
            "MEASUREMENTS_MDO3XXX",
            "Measure a channel's period (s), frequency (Hz) or amplitude (V) with the MDO3's measurement 1, or a statistic of it.",
        )
        .int("channel", 0, "The channel: 0 is CH1")
        .select("measurement", &["period", "frequency", "amplitude"], "period", "What to measure"),
    )
    .output("default", TypeSet::of(T::Scalar), "The measurement");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let k = channel(&ctx, "channel")?;
            let measurement = choice(&ctx, "measurement", &["period", "frequency", "amplitude"])?;
            let statistic = choice(&ctx, "statistic", STATISTICS)?;
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &[format!("MEASUrement:MEAS1:SOUrce1 CH{}", k + 1)]).await?;
            let source = query(&ctx, &c, "MEASUrement:MEAS1:SOUrce1?").await?;
            let value = measure(&ctx, &c, measurement, statistic).await?;
            let (name, unit) = match measurement {
                "frequency" => ("Frequency", "Hz"),
                "amplitude" => ("Amplitude", "V"),
                _ => ("Period", "s"),
            };
            ctx.log(format!("{name} of signal at channel {source}: {} {unit}", python_e2(value)));
            Ok(Outputs::one(Value::scalar(value)))
        })
    })
}

/// Python's `f"{x:.2E}"`: `1.00E+03`, `-2.50E-04`.
fn python_e2(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NAN".into()
        } else if x > 0.0 {
            "INF".into()
        } else {
            "-INF".into()
        };
    }
    let s = format!("{x:.2E}");
    match s.split_once('E') {
        Some((mantissa, exp)) => {
            let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
            format!("{mantissa}E{sign}{digits:0>2}")
        }
        None => s,
    }
}

fn advanced_measurements() -> NodeDef {
    let spec = statistic_param(
        node(
            "ADVANCED_MEASUREMENTS_MDO3XXX",
            &format!(
                "Measure a channel with the MDO3's measurement 1 (any of the scope's types: {}), or a statistic of it.",
                MEASUREMENTS.join(", ")
            ),
        )
        .int("channel", 0, "The channel: 0 is CH1")
        .str("measurement", "period", "The measurement type (see the list above)"),
    )
    .output("default", TypeSet::of(T::Scalar), "The measurement");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let k = channel(&ctx, "channel")?;
            let measurement = ctx.text("measurement");
            if !MEASUREMENTS.contains(&measurement) {
                return Err(NodeError(format!(
                    "the selected measurement ({measurement}) is not available: use one of {}",
                    MEASUREMENTS.join(", ")
                )));
            }
            let statistic = choice(&ctx, "statistic", STATISTICS)?;
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &[format!("MEASUrement:MEAS1:SOUrce1 CH{}", k + 1)]).await?;
            let value = measure(&ctx, &c, measurement, statistic).await?;
            Ok(Outputs::one(Value::scalar(value)))
        })
    })
}

fn measure_phase() -> NodeDef {
    let spec = node("MEASURE_PHASE_MDO3XXX", "Measure the phase between two channels of the MDO3, in degrees.")
        .int("channel1", 0, "The first channel: 0 is CH1")
        .int("channel2", 1, "The second channel: 1 is CH2")
        .output("default", TypeSet::of(T::Scalar), "The phase, in degrees");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let (a, b) = (channel(&ctx, "channel1")?, channel(&ctx, "channel2")?);
            if a == b {
                return Err(NodeError(format!("the channels must not be the same (both are {a})")));
            }
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(
                &ctx,
                &c,
                &[format!("MEASUrement:MEAS1:SOUrce1 CH{}", a + 1), format!("MEASUrement:MEAS1:SOUrce2 CH{}", b + 1)],
            )
            .await?;
            let value = measure(&ctx, &c, "phase", "instant").await?;
            Ok(Outputs::one(Value::scalar(value)))
        })
    })
}

fn termination() -> NodeDef {
    let spec = node(
        "TERMINATION_MDO3XXX",
        "Query or set a channel's termination (input impedance) on the MDO3: 50 Ω or 1 MΩ (Studio's driver refuses 75 Ω).",
    )
    .int("channel", 0, "The channel: 0 is CH1")
    .select("termination", &["50 ohm", "75 ohm", "1M ohm"], "50 ohm", "The termination to set")
    .select("query_set", QUERY_SET, "query", "Query the termination or set it")
    .output("default", TypeSet::of(T::Scalar), "The termination, in ohms");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let k = channel(&ctx, "channel")? + 1;
            let ohms = match choice(&ctx, "termination", &["50 ohm", "75 ohm", "1M ohm"])? {
                "50 ohm" => 50.0,
                "75 ohm" => 75.0,
                _ => 1e6,
            };
            let set = choice(&ctx, "query_set", QUERY_SET)? == "set";
            if set && ohms == 75.0 {
                return Err(NodeError(
                    "Studio's MDO3 driver sets the termination to 50 ohm or 1M ohm only, not 75 ohm".into(),
                ));
            }
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            if set {
                // the driver formats the value it was given: 50 (an int) or 1000000.0 (a float)
                let value = if ohms == 50.0 { "50".to_owned() } else { num(ohms) };
                send(&ctx, &c, &[format!("CH{k}:TER {value}")]).await?;
                return Ok(Outputs::one(Value::scalar(ohms)));
            }
            let command = format!("CH{k}:TER?");
            let answer = query(&ctx, &c, &command).await?;
            Ok(Outputs::one(Value::scalar(number(&command, &answer)?)))
        })
    })
}

fn trigger_channel() -> NodeDef {
    let spec = node("TRIGGER_CHANNEL_MDO3XXX", "Query or set the MDO3's (A, edge) trigger source channel.")
        .int("channel", 0, "The channel to trigger on when setting: 0 is CH1")
        .select("query_set", QUERY_SET, "query", "Query the trigger channel or set it")
        .output("default", TypeSet::of(T::String), "The trigger channel (e.g. CH1)");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let set = choice(&ctx, "query_set", QUERY_SET)? == "set";
            let k = ctx.int("channel")?;
            if set && !(0..=2).contains(&k) {
                return Err(NodeError(format!(
                    "Studio's MDO3 driver takes CH1 to CH3 as the trigger source: 'channel' must be 0, 1 or 2, got {k}"
                )));
            }
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            if set {
                let source = format!("CH{}", k + 1);
                send(&ctx, &c, &[format!("TRIGger:A:EDGE:SOUrce {source}")]).await?;
                return Ok(Outputs::one(Value::string(source)));
            }
            let source = query(&ctx, &c, "TRIGger:A:EDGE:SOUrce?").await?;
            Ok(Outputs::one(Value::string(source)))
        })
    })
}

fn trigger_level() -> NodeDef {
    let spec = node("TRIGGER_LEVEL_MDO3XXX", "Query or set the MDO3's trigger level on its trigger source, in volts.")
        .float("trigger_volts", 0.1, "The level to set, in volts")
        .select("query_set", QUERY_SET, "query", "Query the trigger level or set it")
        .output("default", TypeSet::of(T::Scalar), "The trigger level, in volts");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let set = choice(&ctx, "query_set", QUERY_SET)? == "set";
            let volts = ctx.f64("trigger_volts")?;
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            let source = query(&ctx, &c, "TRIGger:A:EDGE:SOUrce?").await?;
            let source = source.trim();
            if source.is_empty() || !source.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                return Err(NodeError(format!(
                    "the scope answered '{source}' to 'TRIGger:A:EDGE:SOUrce?', which is not a trigger source (CH1, D0, LINE, …)"
                )));
            }
            if set {
                send(&ctx, &c, &[format!("TRIGger:A:LEVel:{source} {}", num(volts))]).await?;
                return Ok(Outputs::one(Value::scalar(volts)));
            }
            let command = format!("TRIGger:A:LEVel:{source}?");
            let answer = query(&ctx, &c, &command).await?;
            Ok(Outputs::one(Value::scalar(number(&command, &answer)?)))
        })
    })
}

fn trigger_settings() -> NodeDef {
    const COUPLINGS: &[&str] = &["unchanged", "ac", "dc", "hfrej", "lfrej", "noiserej"];
    const TYPES: &[&str] = &["unchanged", "edge", "logic", "pulse"];
    const SLOPES: &[&str] = &["unchanged", "rise", "fall", "either"];
    let spec = node(
        "TRIGGER_SETTINGS_MDO3XXX",
        "Query or set the MDO3's trigger type and edge slope (as in Studio, 'set' reads the edge coupling back rather than setting it, and sets only the edge type).",
    )
    .select("query_set", QUERY_SET, "query", "Query the settings or set them")
    .select("edge_couplings", COUPLINGS, "unchanged", "The edge coupling (read, not set, as in Studio)")
    .select("trigger_types", TYPES, "unchanged", "The trigger type (the driver sets edge only)")
    .select("edge_slope", SLOPES, "unchanged", "The edge slope")
    .output("default", TypeSet::of(T::String), "Summary of trigger settings");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let set = choice(&ctx, "query_set", QUERY_SET)? == "set";
            let mut coupling = choice(&ctx, "edge_couplings", COUPLINGS)?.to_owned();
            let mut kind = choice(&ctx, "trigger_types", TYPES)?.to_owned();
            let mut slope = choice(&ctx, "edge_slope", SLOPES)?.to_owned();
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            if !set {
                coupling = lower(&ctx, &c, "TRIGger:A:EDGE:COUPling?").await?;
                kind = lower(&ctx, &c, "TRIGger:A:TYPE?").await?;
                slope = lower(&ctx, &c, "TRIGger:A:EDGE:SLOpe?").await?;
            } else {
                if coupling != "unchanged" {
                    // Studio's block reads the coupling here instead of setting it
                    coupling = lower(&ctx, &c, "TRIGger:A:EDGE:COUPling?").await?;
                }
                if kind != "unchanged" {
                    if kind != "edge" {
                        return Err(NodeError(format!(
                            "Studio's MDO3 driver sets only the 'edge' trigger type, not '{kind}'"
                        )));
                    }
                    send(&ctx, &c, &["TRIGger:A:TYPE edge".into()]).await?;
                }
                if slope != "unchanged" {
                    send(&ctx, &c, &[format!("TRIGger:A:EDGE:SLOpe {slope}")]).await?;
                }
            }
            let s = format!("Edge coupling: {coupling},\nTrigger type: {kind},\nEdge slope: {slope}");
            Ok(Outputs::one(Value::string(s)))
        })
    })
}

/// A query whose answer the driver lowercases (`get_parser=str.lower`).
async fn lower(ctx: &AsyncCtx, c: &Connection, command: &str) -> Result<String, NodeError> {
    Ok(query(ctx, c, command).await?.trim().to_lowercase())
}

fn extract_trace() -> NodeDef {
    let spec = node(
        "EXTRACT_TRACE_MDO3XXX",
        "Read a channel's trace from the MDO3: x_length points (pixels) or x_length nanoseconds of its record, in volts against seconds.",
    )
    .int("channel", 0, "The channel: 0 is CH1")
    .int("x_length", 5000, "The trace's length, in points (pixels) or nanoseconds")
    .select("length_type", &["pixels", "nanoseconds"], "pixels", "The unit of x_length")
    .output("default", TypeSet::of(T::OrderedPair), "The trace: x in seconds, y in volts");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let k = channel(&ctx, "channel")? + 1;
            let length = ctx.int("x_length")?;
            let nanoseconds = choice(&ctx, "length_type", &["pixels", "nanoseconds"])? == "nanoseconds";
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            let points = if nanoseconds {
                let q = "HORizontal:SAMPLERate?";
                let rate = number(q, &query(&ctx, &c, q).await?)?;
                // Python's int(): toward zero
                (rate * (length as f64 / 1e9)).trunc()
            } else {
                length as f64
            };
            let q = "HORizontal:RECOrdlength?";
            let record = number(q, &query(&ctx, &c, q).await?)?;
            if record < points {
                return Err(NodeError(format!(
                    "cannot read a trace of {points} points: the record length is {record}. Lower x_length, or switch the scope's horizontal mode to manual and raise the record length"
                )));
            }
            send(&ctx, &c, &["DATa:STARt 1".into(), format!("DATa:STOP {points}")]).await?;
            // the axis: WFMOutpre:NR_Pt? and XINCR?, each after selecting the source
            let n = points_announced(&source_query(&ctx, &c, k, "WFMOutpre:NR_Pt?").await?)?;
            let dx = number("WFMOutPRE:XINCR?", &source_query(&ctx, &c, k, "WFMOutPRE:XINCR?").await?)?;
            let raw = curve(&ctx, &c, k).await?;
            let mut preamble = [0.0; 3];
            for (v, q) in preamble.iter_mut().zip(["WFMOutPRE:YOFF?", "WFMOutPRE:YMULT?", "WFMOutPRE:YZERO?"]) {
                *v = number(q, &source_query(&ctx, &c, k, q).await?)?;
            }
            // QCoDeS validates the trace's shape against the length parameter, read once more
            let again = points_announced(&source_query(&ctx, &c, k, "WFMOutpre:NR_Pt?").await?)?;
            for announced in [again, n] {
                if announced != raw.len() {
                    return Err(NodeError(format!(
                        "the scope's 'CURVE?' sent {} points but 'WFMOutpre:NR_Pt?' announced {announced}",
                        raw.len()
                    )));
                }
            }
            let [yoff, ymult, yzero] = preamble;
            let y = raw.iter().map(|r| (r - yoff) * ymult + yzero).collect();
            let x = linspace(0.0, dx * n as f64, n);
            Ok(Outputs::one(Value::pair(x, y)))
        })
    })
}

/// A `WFMOutpre:NR_Pt?` answer: a number of points (Python's `int()` of it).
fn points_announced(answer: &str) -> Result<usize, NodeError> {
    answer.trim().trim_start_matches('+').parse::<usize>().map_err(|_| {
        NodeError(format!("the scope answered '{answer}' to 'WFMOutpre:NR_Pt?', which is not a number of points"))
    })
}

/// The driver's per-source query: `DATa:SOU CH<k>`, then `command`.
async fn source_query(ctx: &AsyncCtx, c: &Connection, k: i64, command: &str) -> Result<String, NodeError> {
    send(ctx, c, &[format!("DATa:SOU CH{k}")]).await?;
    query(ctx, c, command).await
}

/// The driver's `_get_trace_data` before scaling: the raw `CURVE?` values, as text or binary
/// as `WFMOutpre:ENCdg?` says.
async fn curve(ctx: &AsyncCtx, c: &Connection, k: i64) -> Result<Vec<f64>, NodeError> {
    send(ctx, c, &[format!("DATa:SOU CH{k}")]).await?;
    let encoding = query(ctx, c, "WFMOutpre:ENCdg?").await?;
    match encoding.trim() {
        "ASCII" => {
            let answer = query(ctx, c, "CURVE?").await?;
            if answer.trim().is_empty() {
                return Err(NodeError("the scope sent no curve data for 'CURVE?'".into()));
            }
            numbers("CURVE?", &answer)
        }
        "BINARY" => {
            let q = "WFMOutpre:BYT_Nr?";
            let width = query(ctx, c, q).await?;
            let width = match width.trim() {
                "1" => 1,
                "2" => 2,
                "4" => 4,
                "8" => 8,
                other => {
                    return Err(NodeError(format!(
                        "the scope answered '{other}' to '{q}', which is not a byte count (1, 2, 4 or 8)"
                    )));
                }
            };
            let q = "WFMOutpre:BN_Fmt?";
            let format = query(ctx, c, q).await?;
            let unsigned = match format.trim() {
                "RP" => true,
                "RI" | "FP" => false,
                other => {
                    return Err(NodeError(format!(
                        "the scope answered '{other}' to '{q}', which is not a binary format (RI, RP or FP)"
                    )));
                }
            };
            let q = "WFMOutpre:BYT_Or?";
            let order = query(ctx, c, q).await?;
            let order = match order.trim() {
                "MSB" => ByteOrder::Big,
                "LSB" => ByteOrder::Little,
                other => {
                    return Err(NodeError(format!(
                        "the scope answered '{other}' to '{q}', which is not a byte order (MSB or LSB)"
                    )));
                }
            };
            // the driver's struct codes by width: b/B, h/H, then f and d (floats) whatever the format
            let word = match (width, unsigned) {
                (1, false) => Word::I8,
                (1, true) => Word::U8,
                (2, false) => Word::I16,
                (2, true) => Word::U16,
                (4, false) => Word::F32,
                (8, false) => Word::F64,
                _ => {
                    return Err(NodeError(format!(
                        "the scope sends {width}-byte unsigned (RP) data, which Studio's MDO3 driver cannot read: set DATa:WIDth to 1 or 2"
                    )));
                }
            };
            let data = c.lock().await.query_binary(&*ctx.host, "CURVE?").await.map_err(scpi_error)?;
            decode(&data, word, order).map_err(|e| NodeError(format!("the scope's answer to 'CURVE?': {e}")))
        }
        other => Err(NodeError(format!(
            "the scope answered '{other}' to 'WFMOutpre:ENCdg?', which is not an encoding (BINARY or ASCII)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::python_e2;

    #[test]
    fn python_e2_writes_what_python_s_format_writes() {
        // Python: f"{1000.0:.2E}", f"{-0.00025:.2E}", f"{1.2345e123:.2E}", f"{0.0:.2E}"
        assert_eq!(python_e2(1000.0), "1.00E+03");
        assert_eq!(python_e2(-0.00025), "-2.50E-04");
        assert_eq!(python_e2(1.2345e123), "1.23E+123");
        assert_eq!(python_e2(0.0), "0.00E+00");
        assert_eq!(python_e2(f64::NAN), "NAN");
    }
}
