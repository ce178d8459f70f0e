//! Keithley 2450 SourceMeter (Studio's `HARDWARE/SOURCEMETERS/KEITHLEY/2450`): CONNECT_2450,
//! RESET_2450, SOURCE_2450, MEASURE_SETTINGS_2450, OUTPUT_2450, MEASURE_READ_2450,
//! IV_SWEEP_2450, BEEP_2450.
//!
//! Studio drives the 2450 in its TSP command set through `tm_devices`: an attribute set is the
//! TSP line `smu.measure.func = smu.FUNC_DC_CURRENT`, a call is the call itself, a read is
//! `print(...)`. These nodes send those lines. Where we differ: MEASURE_SETTINGS_2450 sets
//! the sense mode it offers (Studio's block reads the constant without sending it), and the
//! sweep's buffers are read with one count query, `print(defbuffer1.n)`, then `printbuffer`.

use futures::future::LocalBoxFuture;

use super::{num, number, numbers, query, send, tsp_connect, with_connection};
use crate::devices::scpi::Model;
use crate::nodes::hardware::port::{device_param, instrument_of};
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "HARDWARE/SOURCEMETERS/KEITHLEY/2450";
/// With several instruments and no connection named, the one this node is for (Keithley's USB vendor id 0x05E6).
const MODEL: Model = Model { vendor_id: 0x05E6, product: "2450", name: "Keithley 2450" };
const CONNECT: &str = "CONNECT_2450";

/// How often IV_SWEEP_2450 asks whether the trigger model still runs (Studio: every 0.5 s).
const POLL_MS: f64 = 500.0;

pub(super) fn nodes() -> Vec<NodeDef> {
    vec![connect(), reset(), source(), measure_settings(), output(), measure_read(), iv_sweep(), beep()]
}

fn node(func: &str, doc: &str) -> NodeSpec {
    with_connection(NodeSpec::new(func, PATH, doc), CONNECT)
}

fn string_out(spec: NodeSpec, doc: &str) -> NodeSpec {
    spec.output("default", TypeSet::of(T::String), doc)
}

fn connect() -> NodeDef {
    let spec = NodeSpec::new(
        CONNECT,
        PATH,
        "Open a connection to a Keithley 2450 SourceMeter and switch it to its TSP command set (*LANG TSP), which the other 2450 nodes speak.",
    );
    let spec = device_param(
        spec,
        "device",
        "VisaDevice",
        "The 2450: a USB instrument, or a VISA resource name (USB0::0x05E6::0x2450::…)",
    );
    let spec = string_out(spec, "The device's address, as the parameter names it");
    NodeDef::asynchronous(spec, run_connect)
}

fn run_connect(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        tsp_connect(&ctx, "device", MODEL).await?;
        Ok(Outputs::one(Value::string(ctx.text("device"))))
    })
}

/// The lines a sending node writes, and the text it outputs.
type Lines = fn(&AsyncCtx) -> Result<(Vec<String>, String), NodeError>;

/// A node that sends lines built from its parameters and outputs a fixed text.
macro_rules! sender {
    ($spec:expr, $lines:expr) => {
        NodeDef::asynchronous($spec, |ctx| sending(ctx, $lines))
    };
}

fn sending(ctx: AsyncCtx, lines: Lines) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let (commands, out) = lines(&ctx)?;
        let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
        send(&ctx, &c, &commands).await?;
        Ok(Outputs::one(Value::string(out)))
    })
}

fn reset() -> NodeDef {
    let spec = string_out(node("RESET_2450", "Reset the 2450 and clear its buffers (TSP reset())."), "Reset 2450");
    sender!(spec, |_| Ok((vec!["reset()".into()], "Reset 2450".into())))
}

const PROTECT: &[&str] =
    &["NONE", "2V", "5V", "10V", "20V", "40V", "60V", "80V", "100V", "120V", "140V", "160V", "180V"];

fn source() -> NodeDef {
    let spec = node(
        "SOURCE_2450",
        "Set the 2450's source: voltage or current, its level and limit, the terminals and overvoltage protection.",
    )
    .select("function", &["current", "voltage"], "voltage", "The type of output to use")
    .float("level", 1.0, "The fixed voltage or current to output")
    .float("limit", 1.0, "Output limit (if function=voltage, current is limited and vice versa)")
    .select("terminal", &["front", "rear"], "front", "The panel to output from")
    .select("protect", PROTECT, "NONE", "The overvoltage protection value");
    sender!(string_out(spec, "Source settings"), |ctx| {
        let protect = ctx.text("protect");
        if !PROTECT.contains(&protect) {
            return Err(NodeError(format!("'protect' must be one of {}, got '{protect}'", PROTECT.join(", "))));
        }
        let terminals = if ctx.text("terminal") == "rear" { "REAR" } else { "FRONT" };
        let (func, limit) =
            if ctx.text("function") == "current" { ("CURRENT", "vlimit") } else { ("VOLTAGE", "ilimit") };
        Ok((
            vec![
                format!("smu.source.protect.level = smu.PROTECT_{protect}"),
                format!("smu.terminals = smu.TERMINALS_{terminals}"),
                format!("smu.source.func = smu.FUNC_DC_{func}"),
                format!("smu.source.{limit}.level = {}", num(ctx.f64("limit")?)),
                format!("smu.source.level = {}", num(ctx.f64("level")?)),
            ],
            "Source settings".into(),
        ))
    })
}

fn measure_settings() -> NodeDef {
    let spec = node(
        "MEASURE_SETTINGS_2450",
        "Set what the 2450 measures, its sense mode, display digits and range (0: auto).",
    )
    .select("measure", &["voltage", "current", "resistance", "power"], "voltage", "The measured quantity")
    .select("wires", &["2", "4"], "2", "2-wire or 4-wire sense")
    .select("digits", &["3.5", "4.5", "5.5", "6.5"], "6.5", "Display digits")
    .float("meas_range", 0.0, "The measurement range; 0 is auto");
    sender!(spec.output("default", TypeSet::of(T::String), "Measure <quantity>"), |ctx| {
        let digits = ctx.text("digits").chars().next().filter(|c| ('3'..='6').contains(c)).unwrap_or('6');
        let measure = ctx.text("measure");
        let func = match measure {
            "current" => "CURRENT",
            "resistance" => "RESISTANCE",
            "power" => "POWER",
            _ => "VOLTAGE",
        };
        let wires = if ctx.text("wires") == "4" { "4" } else { "2" };
        let range = ctx.f64("meas_range")?;
        Ok((
            vec![
                format!("smu.measure.displaydigits = smu.DIGITS_{digits}_5"),
                format!("smu.measure.func = smu.FUNC_DC_{func}"),
                format!("smu.measure.sense = smu.SENSE_{wires}WIRE"),
                if range == 0.0 {
                    "smu.measure.autorange = smu.ON".into()
                } else {
                    format!("smu.measure.range = {}", num(range))
                },
            ],
            format!("Measure {measure}"),
        ))
    })
}

fn output() -> NodeDef {
    let spec =
        node("OUTPUT_2450", "Turn the 2450's output on or off.").select("output", &["on", "off"], "on", "On or off");
    sender!(string_out(spec, "Output on / Output off"), |ctx| {
        let on = ctx.text("output") != "off";
        Ok((
            vec![format!("smu.source.output = smu.{}", if on { "ON" } else { "OFF" })],
            format!("Output {}", if on { "on" } else { "off" }),
        ))
    })
}

fn beep() -> NodeDef {
    let spec = node("BEEP_2450", "Make the 2450 beep.")
        .float("duration", 0.25, "The duration of the beep in seconds")
        .float("frequency", 2000.0, "The frequency of the beep in Hz");
    sender!(string_out(spec, "BEEP"), |ctx| {
        Ok((vec![format!("beeper.beep({}, {})", num(ctx.f64("duration")?), num(ctx.f64("frequency")?))], "BEEP".into()))
    })
}

fn measure_read() -> NodeDef {
    let spec = node("MEASURE_READ_2450", "Take one reading with the 2450's measure settings (MEASURE_SETTINGS_2450).")
        .output("default", TypeSet::of(T::Scalar), "The reading");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            let command = "print(smu.measure.read())";
            let answer = query(&ctx, &c, command).await?;
            Ok(Outputs::one(Value::scalar(number(command, &answer)?)))
        })
    })
}

fn iv_sweep() -> NodeDef {
    let spec = node(
        "IV_SWEEP_2450",
        "Sweep the 2450's voltage (or current) linearly and measure the current (or voltage) at each point: x is the source value read back, y the measurement.",
    )
    .select("sweep", &["voltage", "current"], "voltage", "What is swept; the other is measured")
    .select("sense", &["2-wire", "4-wire"], "2-wire", "2-wire or 4-wire sense")
    .float("start", 0.0, "The first source value")
    .float("stop", 1.0, "The last source value")
    .float("points", 100.0, "The number of points from start to stop")
    .float("measurement_time", 1.0, "How long to measure each point, in power line cycles (NPLC)")
    .float("measurement_delay", 0.05, "The delay between two points, in seconds")
    .float("y_limit", 1.0, "The limit of the measured quantity")
    .float("source_range", 1.0, "The source range")
    .output("default", TypeSet::of(T::OrderedPair), "x: source values, y: measurements");
    NodeDef::asynchronous(spec, run_iv_sweep)
}

fn run_iv_sweep(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let points = ctx.f64("points")?;
        if !((2.0..=1e6).contains(&points) && points.fract() == 0.0) {
            return Err(NodeError(format!("'points' must be a whole number from 2 to 1000000, got {points}")));
        }
        let (delay, nplc) = (ctx.f64("measurement_delay")?, ctx.f64("measurement_time")?);
        if !(delay >= 0.0 && nplc > 0.0) {
            return Err(NodeError("'measurement_delay' must be 0 or more and 'measurement_time' more than 0".into()));
        }
        let current = ctx.text("sweep") == "current";
        let (measured, sourced, limit) =
            if current { ("VOLTAGE", "CURRENT", "vlimit") } else { ("CURRENT", "VOLTAGE", "ilimit") };
        let sense = if ctx.text("sense") == "4-wire" { "4" } else { "2" };
        let setup = vec![
            "reset()".to_owned(),
            format!("smu.measure.func = smu.FUNC_DC_{measured}"),
            format!("smu.source.func = smu.FUNC_DC_{sourced}"),
            "smu.terminals = smu.TERMINALS_FRONT".into(),
            format!("smu.measure.sense = smu.SENSE_{sense}WIRE"),
            "smu.measure.autorange = smu.ON".into(),
            format!("smu.measure.nplc = {}", num(nplc)),
            "smu.source.highc = smu.OFF".into(),
            format!("smu.source.range = {}", num(ctx.f64("source_range")?)),
            "smu.source.readback = smu.ON".into(),
            format!("smu.source.{limit}.level = {}", num(ctx.f64("y_limit")?)),
            format!(
                "smu.source.sweeplinear(\"IVSweep\", {}, {}, {}, {})",
                num(ctx.f64("start")?),
                num(ctx.f64("stop")?),
                num(points),
                num(delay)
            ),
            "status.operation.setmap(0, 2731, 2732)".into(),
            "trigger.model.initiate()".into(),
        ];
        let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
        send(&ctx, &c, &setup).await?;
        // the trigger model holds operation bit 0 high while it runs; bounded by three times
        // the sweep's own length (a point takes its delay and at most 1/50 s per NPLC) plus a minute
        let expected_ms = points * (delay + nplc / 50.0) * 1000.0;
        let polls = ((3.0 * expected_ms + 60_000.0) / POLL_MS).ceil() as u64;
        let condition = "print(status.operation.condition)";
        let mut running = true;
        for _ in 0..polls {
            ctx.host.sleep(POLL_MS).await;
            if number(condition, &query(&ctx, &c, condition).await?)? == 0.0 {
                running = false;
                break;
            }
        }
        if running {
            return Err(NodeError(format!(
                "the sweep did not finish within {} s (status.operation.condition stayed non-zero); the instrument may be waiting on a trigger or an interlock",
                (polls as f64 * POLL_MS / 1000.0).round()
            )));
        }
        let count_query = "print(defbuffer1.n)";
        let n = number(count_query, &query(&ctx, &c, count_query).await?)?;
        let read = |buffer: &'static str| {
            let command = format!("printbuffer(1, {}, {buffer})", n as u64);
            let (ctx, c) = (&ctx, &c);
            async move { numbers(&command, &query(ctx, c, &command).await?) }
        };
        let x = read("defbuffer1.sourcevalues").await?;
        let y = read("defbuffer1").await?;
        if x.len() != y.len() {
            return Err(NodeError(format!(
                "the instrument sent {} source values and {} readings; they should pair up",
                x.len(),
                y.len()
            )));
        }
        Ok(Outputs::one(Value::pair(x, y)))
    })
}
