//! Teledyne LeCroy T3DSO1000(A)-2000 oscilloscopes (Studio's
//! `HARDWARE/OSCILLOSCOPES/TELEDYNE_LECROY/T3DSO1XXX`), rebadged Siglent SDS1000X-E/SDS2000X
//! scopes speaking Siglent's SCPI: CONNECT, AUTO_SETUP, DISPLAY_ON_OFF, EXTRACT_DIGITAL_TRACE,
//! EXTRACT_TRACE, MEASUREMENT, RESET, SCREENSHOT, SET_HORIZONTAL_SCALE, SET_VERTICAL_SCALE (each
//! `…_T3DSO1XXX`), sending the lines Studio's blocks send through pyvisa, with their waits.
//!
//! The traces are read as Studio's blocks read them (the recipe of Siglent's SDS1000X-E
//! programming guide, "Read waveform data"): `<trace>:wf? dat2` answered with a header, the
//! bytes and two `\n`; the blocks drop the first 15 bytes and the last 2. Siglent's guide shows
//! the header as `DAT2,#9` and nine length digits, 16 bytes, so the first point the blocks keep
//! is the length's last digit; this is kept as Studio computes it (the same file gives the same
//! trace). A byte b above 127 counts as b − 255 (the blocks' own arithmetic; Siglent's guide
//! subtracts 256); volts are b / 25 · VDIV − OFST and the i-th time −TDIV · 14 / 2 + i / SARA.
//! A digital trace's bytes hold 8 samples each, least significant bit first. The blocks read
//! `d0:wf? dat2` whatever digital trace is chosen (Studio's block ignores its `trace`; so does
//! this node). SCDP answers the screen as an image file (a BMP on Siglent's scopes). One
//! difference: where Studio's blocks slice any answer blindly, these nodes refuse one with no
//! `#` in its header (an error message is not a waveform) and say what came instead.

use futures::future::LocalBoxFuture;
use serde_json::Value as Json;

use super::{choice, num, query, send, with_connection_named};
use crate::devices::scpi::{Connection, Model, ScpiError};
use crate::nodes::hardware::port::{device_param, instrument_of, scpi_error};
use crate::nodes::image_io::decode_rgba;
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::python::parse_float;
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "HARDWARE/OSCILLOSCOPES/TELEDYNE_LECROY/T3DSO1XXX";
/// With several instruments and no connection named, the one this node is for: Teledyne
/// LeCroy's T3DSO scopes are Siglent's, with Siglent's USB vendor id 0xF4EC (not confirmed on
/// a T3DSO: a unit reporting another id is still used when it is the only instrument, or named).
const MODEL: Model = Model { vendor_id: 0xF4EC, product: "T3DSO", name: "Teledyne LeCroy T3DSO scope" };
const CONNECT: &str = "CONNECT_T3DSO1XXX";
const TRACES: &[&str] = &["C1", "C2", "C3", "C4"];
/// Studio's digital choices, "d8" in lower case as Studio wrote it.
const DIGITAL: &[&str] =
    &["D1", "D2", "D3", "D4", "D5", "D6", "D7", "d8", "D9", "D10", "D11", "D12", "D13", "D14", "D15"];
/// Studio's measurement names and the PACU/PAVA parameter each stands for.
const MEASUREMENTS: &[(&str, &str)] = &[
    ("Vertical peak-to-peak", "PKPK"),
    ("Maximum vertical value", "MAX"),
    ("Minimum vertical value", "MIN"),
    ("Vertical amplitude", "AMPL"),
    ("Waveform top value", "TOP"),
    ("Waveform base value", "BASE"),
    ("Average value in the first cycle", "CMEAN"),
    ("Average value", "MEAN"),
    ("RMS value", "RMS"),
    ("RMS value in the first cycle", "CRMS"),
    ("Overshoot of a falling edge", "OVSN"),
    ("Preshoot of a falling edge", "FPRE"),
    ("Overshoot of a rising edge", "OVSP"),
    ("Preshoot of a rising edge", "RPRE"),
    ("Period", "PER"),
    ("Frequency", "FREQ"),
    ("Positive pulse width", "PWID"),
    ("Negative pulse width", "NWID"),
    ("Rise-time", "RISE"),
    ("Fall-time", "FALL"),
    ("Burst width", "WID"),
    ("Positive duty cycle", "DUTY"),
    ("Negative duty cycle", "NDUTY"),
];
const STATISTICS: &[&str] = &["Instant", "Mean", "Min", "Max", "Std-dev", "count"];
/// What the blocks drop from a `wf? dat2` answer: the header before the bytes, the end after.
const HEADER: usize = 15;
const TRAILER: usize = 2;
/// How long answers may take once CONNECT has run (Studio's `scope.timeout = 20000`).
const CONNECT_TIMEOUT_MS: f64 = 20_000.0;

pub(super) fn nodes() -> Vec<NodeDef> {
    vec![
        connect(),
        auto_setup(),
        display_on_off(),
        extract_digital_trace(),
        extract_trace(),
        measurement(),
        reset(),
        screenshot(),
        set_horizontal_scale(),
        set_vertical_scale(),
    ]
}

fn node(func: &str, doc: &str) -> NodeSpec {
    with_connection_named(NodeSpec::new(func, PATH, doc), CONNECT, "default")
}

fn nothing(spec: NodeSpec) -> NodeSpec {
    spec.output("default", TypeSet::ANY, "Nothing (Studio's block returns None)")
}

async fn scope(ctx: &AsyncCtx) -> Result<Connection, NodeError> {
    instrument_of(ctx, "connection", Some(MODEL)).await
}

/// An answer read as Python's `float()` reads it.
fn python_float(command: &str, answer: &str, what: &str) -> Result<f64, NodeError> {
    parse_float(answer)
        .ok_or_else(|| NodeError(format!("the scope answered '{answer}' to '{command}', which is not {what}")))
}

fn connect() -> NodeDef {
    let spec = NodeSpec::new(
        CONNECT,
        PATH,
        "Connect to a Teledyne LeCroy T3DSO1000(A)-2000 oscilloscope: its *IDN? answer goes to the log and must name LeCroy; then headers are turned off (COMM_HEADER OFF) and answers may take 20 s.",
    );
    let spec = device_param(spec, "device", "VisaDevice", "The oscilloscope: a USB instrument or a VISA resource name")
        .optional_input("default", TypeSet::ANY, "Only sets the order");
    NodeDef::asynchronous(nothing(spec), |ctx| {
        Box::pin(async move {
            let c = instrument_of(&ctx, "device", Some(MODEL)).await?;
            let idn = query(&ctx, &c, "*IDN?").await?;
            ctx.log(format!("connected to {idn}"));
            if !idn.to_lowercase().contains("lecroy") {
                return Err(NodeError(format!(
                    "The instrument you provided does not seem to be a LeCroy oscilloscope, its name is {idn}. Choose the T3DSO as the device"
                )));
            }
            send(&ctx, &c, &["COMM_HEADER OFF".into()]).await?;
            c.lock().await.timeout_ms = CONNECT_TIMEOUT_MS;
            Ok(Outputs::none())
        })
    })
}

fn auto_setup() -> NodeDef {
    let spec = nothing(node(
        "AUTO_SETUP_T3DSO1XXX",
        "Let the T3DSO find the signal and set itself up to show it (ASET), then wait 2 s as Studio's block does.",
    ));
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let c = scope(&ctx).await?;
            send(&ctx, &c, &["ASET".into()]).await?;
            ctx.host.sleep(2000.0).await;
            Ok(Outputs::none())
        })
    })
}

fn display_on_off() -> NodeDef {
    let mut spec = node("DISPLAY_ON_OFF_T3DSO1XXX", "Show or hide each of the T3DSO's four channels.");
    for k in 1..=4 {
        spec = spec.bool(&format!("display_ch{k}"), true, &format!("Show channel {k}"));
    }
    NodeDef::asynchronous(nothing(spec), |ctx| {
        Box::pin(async move {
            let commands: Vec<String> = (1..=4)
                .map(|k| format!("C{k}:TRACE {}", if ctx.bool(&format!("display_ch{k}")) { "ON" } else { "OFF" }))
                .collect();
            let c = scope(&ctx).await?;
            send(&ctx, &c, &commands).await?;
            Ok(Outputs::none())
        })
    })
}

/// Studio's `resolution: int | None` (5000): the most points to return.
fn with_resolution(spec: NodeSpec) -> NodeSpec {
    spec.param(
        "resolution",
        ParamKind::Int { min: None, max: None },
        5000,
        "The most points to return (every n-th point); empty: the whole trace",
    )
}

fn resolution(ctx: &AsyncCtx) -> Result<Option<usize>, NodeError> {
    if ctx.params.get("resolution").is_none_or(Json::is_null) {
        return Ok(None);
    }
    let n = ctx.int("resolution")?;
    if n <= 0 {
        return Err(NodeError(format!("'resolution' must be greater than zero, got {n}")));
    }
    Ok(Some(usize::try_from(n).unwrap_or(usize::MAX)))
}

/// The blocks' downsampling: with more points than `resolution`, every (len // resolution)-th.
fn downsample(ctx: &AsyncCtx, resolution: Option<usize>, x: Vec<f64>, y: Vec<f64>) -> Value {
    match resolution {
        Some(r) if r > x.len() => {
            ctx.log(format!(
                "Resolution ({r}) is greater than the number of points ({}). Returning full trace.",
                x.len()
            ));
            Value::pair(x, y)
        }
        Some(r) => {
            let step = (x.len() / r).max(1);
            Value::pair(x.into_iter().step_by(step).collect(), y.into_iter().step_by(step).collect())
        }
        None => Value::pair(x, y),
    }
}

/// A `sara?`/`di:sara?` answer as the blocks read it: the number before the first G, M or k
/// (in that order of search) times 1e9, 1e6 or 1e3 ("1.00GSa/s"), else the whole answer.
fn sample_rate(command: &str, answer: &str) -> Result<f64, NodeError> {
    let bad = || {
        NodeError(format!("the scope answered '{answer}' to '{command}', which is not a sample rate (like 1.00GSa/s)"))
    };
    let scaled = [("G", 1e9), ("M", 1e6), ("k", 1e3)]
        .into_iter()
        .find_map(|(unit, scale)| answer.find(unit).map(|at| parse_float(&answer[..at]).map(|v| v * scale)));
    let rate = scaled.unwrap_or_else(|| parse_float(answer)).ok_or_else(bad)?;
    if rate == 0.0 {
        return Err(NodeError(format!("the scope answered '{answer}' to '{command}': a sample rate of zero")));
    }
    Ok(rate)
}

/// The bytes of a `wf? dat2` answer the blocks keep: all but the first 15 and the last 2.
fn waveform_bytes(command: &str, raw: &[u8]) -> Result<Vec<u8>, NodeError> {
    if raw.len() < HEADER + TRAILER {
        return Err(NodeError(format!(
            "the scope's answer to '{command}' is {} bytes, too short for a waveform (a {HEADER}-byte header, the data and {TRAILER} end bytes)",
            raw.len()
        )));
    }
    if !raw[..HEADER].contains(&b'#') {
        let shown = String::from_utf8_lossy(&raw[..HEADER]);
        return Err(NodeError(format!(
            "the scope's answer to '{command}' does not start with a waveform header (DAT2,#9…) but with '{shown}'"
        )));
    }
    Ok(raw[HEADER..raw.len() - TRAILER].to_vec())
}

/// The i-th sample's time: −TDIV · 14 / 2 + i / SARA.
fn times(n: usize, tdiv: f64, rate: f64) -> Vec<f64> {
    let start = -(tdiv * 14.0 / 2.0);
    let dt = 1.0 / rate;
    (0..n).map(|i| start + i as f64 * dt).collect()
}

fn extract_trace() -> NodeDef {
    let spec = with_resolution(
        node(
            "EXTRACT_TRACE_T3DSO1XXX",
            "Read a T3DSO channel's trace as the screen shows it: x in seconds, y in volts.",
        )
        .select("trace", TRACES, "C1", "The channel to read"),
    )
    .output("default", TypeSet::of(T::OrderedPair), "The trace: x in seconds, y in volts");
    NodeDef::asynchronous(spec, run_extract_trace)
}

fn run_extract_trace(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let trace = choice(&ctx, "trace", TRACES)?.to_owned();
        let resolution = resolution(&ctx)?;
        let c = scope(&ctx).await?;
        send(&ctx, &c, &["chdr off".into()]).await?;
        let mut numbers = [0.0; 3];
        for (value, (q, what)) in numbers.iter_mut().zip([
            (format!("{trace}:vdiv?"), "a vertical scale"),
            (format!("{trace}:ofst?"), "an offset"),
            ("tdiv?".to_owned(), "a time scale"),
        ]) {
            *value = python_float(&q, &query(&ctx, &c, &q).await?, what)?;
        }
        let [vdiv, ofst, tdiv] = numbers;
        let rate = sample_rate("sara?", &query(&ctx, &c, "sara?").await?)?;
        let command = format!("{trace}:wf? dat2");
        let raw = c.lock().await.query_raw(&*ctx.host, &command).await.map_err(scpi_error)?;
        let data = waveform_bytes(&command, &raw)?;
        let y: Vec<f64> = data
            .iter()
            .map(|&b| {
                let level = if b > 127 { i32::from(b) - 255 } else { i32::from(b) };
                f64::from(level) / 25.0 * vdiv - ofst
            })
            .collect();
        let x = times(y.len(), tdiv, rate);
        Ok(Outputs::one(downsample(&ctx, resolution, x, y)))
    })
}

fn extract_digital_trace() -> NodeDef {
    let spec = with_resolution(
        node(
            "EXTRACT_DIGITAL_TRACE_T3DSO1XXX",
            "Read the T3DSO's digital trace as the screen shows it: x in seconds, y 0 or 1. Like Studio's block it reads D0 (d0:wf? dat2) whichever trace is chosen.",
        )
        .select("trace", DIGITAL, "D1", "The digital trace (Studio's block reads D0 whatever is chosen)"),
    )
    .output("default", TypeSet::of(T::OrderedPair), "The trace: x in seconds, y 0 or 1");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            choice(&ctx, "trace", DIGITAL)?;
            let resolution = resolution(&ctx)?;
            let c = scope(&ctx).await?;
            send(&ctx, &c, &["chdr off".into()]).await?;
            let tdiv = python_float("tdiv?", &query(&ctx, &c, "tdiv?").await?, "a time scale")?;
            let rate = sample_rate("di:sara?", &query(&ctx, &c, "di:sara?").await?)?;
            let command = "d0:wf? dat2";
            let raw = c.lock().await.query_raw(&*ctx.host, command).await.map_err(scpi_error)?;
            let data = waveform_bytes(command, &raw)?;
            let y: Vec<f64> = data.iter().flat_map(|b| (0..8).map(move |i| f64::from((b >> i) & 1))).collect();
            let x = times(y.len(), tdiv, rate);
            Ok(Outputs::one(downsample(&ctx, resolution, x, y)))
        })
    })
}

fn measurement() -> NodeDef {
    let names: Vec<&str> = MEASUREMENTS.iter().map(|(n, _)| *n).collect();
    let spec = node(
        "MEASUREMENT_T3DSO1XXX",
        "Measure a T3DSO channel's waveform (PACU, then PAVA?): the value now, or a statistic of it (the scope's statistics are turned on when they are off).",
    )
    .select("trace", TRACES, "C1", "The channel to measure")
    .select("measurement", &names, "Vertical peak-to-peak", "What to measure")
    .select("statistic", STATISTICS, "Instant", "The value now (Instant) or one of the scope's statistics of it")
    .output("default", TypeSet::of(T::Scalar), "The measured value");
    NodeDef::asynchronous(spec, run_measurement)
}

fn run_measurement(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let trace = choice(&ctx, "trace", TRACES)?.to_owned();
        let name = ctx.text("measurement").to_owned();
        let Some(&(_, mode)) = MEASUREMENTS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = MEASUREMENTS.iter().map(|(n, _)| *n).collect();
            return Err(NodeError(format!("'measurement' must be one of {}, got '{name}'", names.join(", "))));
        };
        let statistic = choice(&ctx, "statistic", STATISTICS)?.to_owned();
        let c = scope(&ctx).await?;
        send(&ctx, &c, &[format!("PACU {mode},{trace}")]).await?;
        let value = if statistic == "Instant" {
            let q = format!("{trace}:PAVA? {mode}");
            let answer = query(&ctx, &c, &q).await?;
            let Some(field) = answer.trim_matches('\n').split(',').nth(1) else {
                return Err(NodeError(format!(
                    "the scope answered '{answer}' to '{q}', which has no value after a comma (like {mode},1.23E+00V)"
                )));
            };
            field.to_owned()
        } else {
            enable_statistics(&ctx, &c).await?;
            let wanted = format!("{trace} {mode}").to_lowercase();
            let mut found = None;
            for k in (1..=5).rev() {
                let q = format!("PAVA? STAT{k}");
                let answer = query(&ctx, &c, &q).await?.to_lowercase();
                let parts: Vec<&str> = answer.trim_matches('\n').split(':').collect();
                let [label, values] = parts.as_slice() else {
                    return Err(NodeError(format!(
                        "the scope answered '{answer}' to '{q}', which is not '<slot>:<statistics>' (like STAT1 C1 PKPK:cur,…)"
                    )));
                };
                if label.contains(&wanted) {
                    found = Some(((*values).to_owned(), q));
                    break;
                }
            }
            let Some((values, q)) = found else {
                return Err(NodeError(format!(
                    "could not find the statistics of {name} on {trace} in STAT1 to STAT5: are the scope's statistics on?"
                )));
            };
            let fields: Vec<&str> = values.split(',').collect();
            if !fields.len().is_multiple_of(2) {
                return Err(NodeError(format!("the scope's answer to '{q}' is not name,value pairs: '{values}'")));
            }
            let key = statistic.to_lowercase();
            // a dict of the pairs: the last of a name wins
            let Some(pair) = fields.chunks(2).rfind(|p| p[0] == key) else {
                return Err(NodeError(format!("the scope's answer to '{q}' has no '{key}' statistic: '{values}'")));
            };
            pair[1].to_uppercase()
        };
        ctx.log(format!("Measurement: {value}"));
        let number = without_unit(&value);
        let v = parse_float(number)
            .ok_or_else(|| NodeError(format!("the scope's {name} of {trace} is '{value}', which is not a number")))?;
        Ok(Outputs::one(Value::scalar(v)))
    })
}

/// The blocks' unit removal: up to the end of the first `E[+-]dd` (`3.2E+00V` → `3.2E+00`).
fn without_unit(m: &str) -> &str {
    let b = m.as_bytes();
    (0..b.len().saturating_sub(3))
        .find(|&i| {
            b[i] == b'E' && matches!(b[i + 1], b'+' | b'-') && b[i + 2].is_ascii_digit() && b[i + 3].is_ascii_digit()
        })
        .map_or(m, |i| &m[..i + 4])
}

/// Studio's `enable_statistic`: the statistics are on when `PAVA? STAT1` (asked after
/// `PACU FREQ,C1`) does not answer STAT1:OFF; else it presses Statistics (SY_FP 4,1), then
/// Measure (SY_FP 26,1), then Statistics again, a second after each.
async fn enable_statistics(ctx: &AsyncCtx, c: &Connection) -> Result<(), NodeError> {
    async fn enabled(ctx: &AsyncCtx, c: &Connection) -> Result<bool, NodeError> {
        send(ctx, c, &["PACU FREQ,C1".into()]).await?;
        Ok(!query(ctx, c, "PAVA? STAT1").await?.contains("STAT1:OFF"))
    }
    if enabled(ctx, c).await? {
        return Ok(());
    }
    for key in ["SY_FP 4,1", "SY_FP 26,1"] {
        send(ctx, c, &[key.into()]).await?;
        ctx.host.sleep(1000.0).await;
        if enabled(ctx, c).await? {
            return Ok(());
        }
    }
    send(ctx, c, &["SY_FP 4,1".into()]).await?;
    ctx.host.sleep(1000.0).await;
    if enabled(ctx, c).await? {
        Ok(())
    } else {
        Err(NodeError::new(
            "could not turn the scope's statistics on: after SY_FP 4,1 (Statistics) and SY_FP 26,1 (Measure) 'PAVA? STAT1' still answers STAT1:OFF",
        ))
    }
}

fn reset() -> NodeDef {
    let spec = nothing(node(
        "RESET_T3DSO1XXX",
        "Reset the T3DSO to its default setup (*RST, like the Default key), then wait until it answers INR? again.",
    ));
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let c = scope(&ctx).await?;
            send(&ctx, &c, &["*RST".into()]).await?;
            // Studio asks INR? until it works, 2 s apart, giving up after 10 more tries. Studio
            // retries only pyvisa's VI_ERROR_IO (a USB transfer failing while the scope resets);
            // here a scope still busy resetting shows as a timeout too (USBTMC aborts the read),
            // so a timeout is retried as well: a scope that never answers fails after 11 tries
            let mut tries = 0;
            loop {
                ctx.log("Waiting for scope to reset ...");
                let answer = c.lock().await.query(&*ctx.host, "INR?").await;
                match answer {
                    Ok(_) => break,
                    Err(ScpiError::Timeout { .. } | ScpiError::Usbtmc { .. } | ScpiError::Serial { .. })
                        if tries < 10 =>
                    {
                        ctx.host.sleep(2000.0).await;
                        tries += 1;
                    }
                    Err(e) => {
                        return Err(NodeError(format!("the scope did not come back after *RST: {}", scpi_error(e).0)));
                    }
                }
            }
            ctx.host.sleep(1000.0).await;
            Ok(Outputs::none())
        })
    })
}

fn screenshot() -> NodeDef {
    let spec = node("SCREENSHOT_T3DSO1XXX", "Take a picture of the T3DSO's screen (SCDP) as an Image.").output(
        "default",
        TypeSet::of(T::Image),
        "The screen, RGBA",
    );
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let c = scope(&ctx).await?;
            let command = "SCDP";
            let bytes = c.lock().await.query_raw(&*ctx.host, command).await.map_err(scpi_error)?;
            let image =
                decode_rgba(&bytes).map_err(|e| NodeError(format!("the scope's answer to '{command}': {e}")))?;
            Ok(Outputs::one(image))
        })
    })
}

fn set_horizontal_scale() -> NodeDef {
    let spec = nothing(
        node("SET_HORIZONTAL_SCALE_T3DSO1XXX", "Set the T3DSO's time scale, per division (TIME_DIV).")
            .int("time_value", 500, "The time per division, in time_unit (more than 0)")
            .select("time_unit", &["ns", "us", "ms", "s"], "us", "The unit of time_value"),
    );
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let value = ctx.int("time_value")?;
            if value <= 0 {
                return Err(NodeError(format!("Invalid time value {value}, must be greater than 0")));
            }
            let unit = choice(&ctx, "time_unit", &["ns", "us", "ms", "s"])?.to_owned();
            let c = scope(&ctx).await?;
            send(&ctx, &c, &[format!("TIME_DIV {value}{unit}")]).await?;
            Ok(Outputs::none())
        })
    })
}

fn set_vertical_scale() -> NodeDef {
    let spec = nothing(
        node("SET_VERTICAL_SCALE_T3DSO1XXX", "Set a T3DSO channel's vertical scale, in volts per division (VOLT_DIV).")
            .select("channel", TRACES, "C1", "The channel")
            .float("volt_gain", 1.0, "Volts per division (0.0005 V to 10 V)"),
    );
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let channel = choice(&ctx, "channel", TRACES)?.to_owned();
            let gain = ctx.f64("volt_gain")?;
            if !(0.0005..=10.0).contains(&gain) {
                return Err(NodeError(format!("Invalid volt_gain {}, must be between 0.0005V and 10V", num(gain))));
            }
            let c = scope(&ctx).await?;
            send(&ctx, &c, &[format!("{channel}:VOLT_DIV {}", num(gain))]).await?;
            Ok(Outputs::none())
        })
    })
}
