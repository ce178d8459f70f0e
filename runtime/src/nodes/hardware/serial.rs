//! Serial ports, as Flojoy's pyserial blocks: OPEN_SERIAL, SERIAL_WRITE, SERIAL_SINGLE_MEASUREMENT, SERIAL_TIMESERIES.

use futures::future::LocalBoxFuture;

use super::port::{dev, device_param, devices, exclusive, fresh_line, numbers, open_serial_port, trigger, within};
use super::{LINE_TIMEOUT_MS, SERIAL};
use crate::devices::{FlowControl, Parity, SerialOptions};
use crate::nodes::ctx::MAX_COUNT;
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, TypeSet, Value};

pub(super) fn open_serial() -> NodeDef {
    let spec = NodeSpec::new(
        "OPEN_SERIAL",
        SERIAL,
        "Open a serial port (an Arduino, a USB-serial adapter) for the nodes after it; outputs its settings as JSON.",
    );
    let spec = device_param(spec, "device", "SerialDevice", "The serial device (from the Devices list)")
        .output("default", TypeSet::of(T::String), "The port settings, as JSON (pyserial's get_settings)")
        .int_range("baudrate", 9600, Some(1), None, "Bits per second")
        .param(
            "connection_time",
            ParamKind::Float { min: Some(0.0), max: None },
            0.0,
            "Seconds to wait after opening (an Arduino restarts when its port opens)",
        )
        .select("data_bits", &["7", "8"], "8", "Data bits per character")
        .select("parity", &["none", "even", "odd"], "none", "Parity bit")
        .select("stop_bits", &["1", "2"], "1", "Stop bits")
        .select("flow_control", &["none", "hardware"], "none", "Hardware (RTS/CTS) flow control");
    NodeDef::asynchronous(spec, run_open_serial)
}

fn run_open_serial(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let options = SerialOptions {
            baud_rate: ctx.int_in("baudrate", 1, i64::from(u32::MAX))?,
            data_bits: if ctx.text("data_bits") == "7" { 7 } else { 8 },
            stop_bits: if ctx.text("stop_bits") == "2" { 2 } else { 1 },
            parity: match ctx.text("parity") {
                "even" => Parity::Even,
                "odd" => Parity::Odd,
                _ => Parity::None,
            },
            flow_control: if ctx.text("flow_control") == "hardware" {
                FlowControl::Hardware
            } else {
                FlowControl::None
            },
        };
        let port = open_serial_port(&ctx, &*devs, "device", &options).await?;
        ctx.log(format!("opened '{}' at {}", port.id, describe(&options)));
        let wait = ctx.f64("connection_time")?;
        if wait > 0.0 {
            ctx.host.sleep(wait * 1000.0).await;
        }
        Ok(Outputs::one(Value::string(settings_json(&options))))
    })
}

/// `9600 8N1`.
pub(super) fn describe(o: &SerialOptions) -> String {
    format!("{} {}{}{}", o.baud_rate, o.data_bits, parity_letter(o.parity), o.stop_bits)
}

fn parity_letter(p: Parity) -> char {
    match p {
        Parity::None => 'N',
        Parity::Even => 'E',
        Parity::Odd => 'O',
    }
}

/// pyserial's `json.dumps(ser.get_settings())`, as Flojoy's OPEN_SERIAL returns it.
fn settings_json(o: &SerialOptions) -> String {
    format!(
        "{{\"baudrate\": {}, \"bytesize\": {}, \"parity\": \"{}\", \"stopbits\": {}, \"xonxoff\": false, \"dsrdtr\": false, \"rtscts\": {}, \"timeout\": 1, \"write_timeout\": null, \"inter_byte_timeout\": null}}",
        o.baud_rate,
        o.data_bits,
        parity_letter(o.parity),
        o.stop_bits,
        o.flow_control == FlowControl::Hardware
    )
}

pub(super) fn serial_write() -> NodeDef {
    let spec = trigger(NodeSpec::new(
        "SERIAL_WRITE",
        SERIAL,
        "Write text to a serial device (a command for an Arduino sketch, for example); outputs what was written.",
    ));
    let spec = device_param(spec, "connection", "SerialDevice", "The serial device")
        .output("default", TypeSet::of(T::String), "The text written, terminator included")
        .str("write", "", "The text to write")
        .select(
            "encoding",
            &["bytes", "utf-8", "ascii"],
            "bytes",
            "bytes and utf-8 send the text's UTF-8 bytes; ascii refuses other characters",
        )
        .select("terminator", &["CR+LF", "CR", "LF", "None"], "None", "Appended to the text");
    NodeDef::asynchronous(spec, run_serial_write)
}

fn run_serial_write(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let terminator = match ctx.text("terminator") {
            "CR+LF" => "\r\n",
            "CR" => "\r",
            "LF" => "\n",
            _ => "",
        };
        let text = format!("{}{terminator}", ctx.text("write"));
        if ctx.text("encoding") == "ascii"
            && let Some(c) = text.chars().find(|c| !c.is_ascii())
        {
            return Err(NodeError(format!(
                "'{c}' (U+{:04X}) is not an ASCII character: remove it or choose the bytes or utf-8 encoding",
                u32::from(c)
            )));
        }
        let port = open_serial_port(&ctx, &*devs, "connection", &SerialOptions::default()).await?;
        within(&*ctx.host, LINE_TIMEOUT_MS, port.port.write(text.clone().into_bytes())).await.map_err(dev)?;
        Ok(Outputs::one(Value::string(text)))
    })
}

pub(super) fn serial_single_measurement() -> NodeDef {
    let spec = trigger(NodeSpec::new(
        "SERIAL_SINGLE_MEASUREMENT",
        SERIAL,
        "Take one reading from a serial device that prints lines of comma-separated numbers (an Arduino's Serial.println); outputs them as a Vector.\n\nThe reading is fresh: what arrived before the node ran is dropped, and so is the rest of a line already under way, so the numbers come from the next whole line. Fails after 5 s without a line.",
    ));
    let spec = device_param(spec, "connection", "SerialDevice", "The serial device").output(
        "default",
        TypeSet::of(T::Vector),
        "The numbers of one line",
    );
    NodeDef::asynchronous(spec, run_serial_single_measurement)
}

fn run_serial_single_measurement(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let port = open_serial_port(&ctx, &*devs, "connection", &SerialOptions::default()).await?;
        let _turn = exclusive(&port.id).await;
        let line = fresh_line(&*ctx.host, &*port.port).await.map_err(dev)?;
        Ok(Outputs::one(Value::vector(numbers(&line)?)))
    })
}

pub(super) fn serial_timeseries() -> NodeDef {
    let spec = NodeSpec::new(
        "SERIAL_TIMESERIES",
        SERIAL,
        "Record a number from a serial device (an Arduino printing lines) at a fixed period; outputs (seconds since the first reading, value).\n\nEach reading is the first whole line after its turn comes (what arrived in between is dropped), and readings are paced to record_period. Flojoy's block instead read the lines buffered since the previous reading, so its values lagged behind their times; this is a deliberate difference. With several numbers per line, the first is recorded.",
    )
    .optional_input("default", TypeSet::of(T::OrderedPair), "Only sets the order")
    .output("default", TypeSet::of(T::OrderedPair), "x: seconds since the first reading, y: the readings")
    .str("comport", "/dev/ttyUSB0", "The serial device (an id or name from the Devices list)")
    .int_range("baudrate", 9600, Some(1), None, "Bits per second (when this node opens the port)")
    .int_range("num_readings", 100, Some(1), Some(MAX_COUNT as i64), "Number of points to record")
    .int_range("record_period", 1, Some(0), None, "Seconds between two readings");
    NodeDef::asynchronous(spec, run_serial_timeseries)
}

fn run_serial_timeseries(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let options =
            SerialOptions { baud_rate: ctx.int_in("baudrate", 1, i64::from(u32::MAX))?, ..Default::default() };
        let n: usize = ctx.int_in("num_readings", 1, MAX_COUNT as i64)?;
        let period_ms = ctx.int_in::<i64>("record_period", 0, i64::from(u32::MAX))? as f64 * 1000.0;
        let port = open_serial_port(&ctx, &*devs, "comport", &options).await?;
        let _turn = exclusive(&port.id).await;
        let host = &*ctx.host;
        let (mut x, mut y) = (Vec::with_capacity(n.min(10_000)), Vec::with_capacity(n.min(10_000)));
        let mut t0 = None;
        for i in 0..n {
            let turn = host.now_ms();
            let line = fresh_line(host, &*port.port).await.map_err(dev)?;
            let t = host.now_ms();
            let first = *numbers(&line)?.first().ok_or_else(|| NodeError::new("the device sent an empty line"))?;
            let t0 = *t0.get_or_insert(t);
            x.push((t - t0) / 1000.0);
            y.push(first);
            let wait = period_ms - (host.now_ms() - turn);
            if i + 1 < n && wait > 0.0 {
                host.sleep(wait).await;
            }
        }
        Ok(Outputs::one(Value::pair(x, y)))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn settings_are_pyserials() {
        assert_eq!(
            settings_json(&SerialOptions::default()),
            r#"{"baudrate": 9600, "bytesize": 8, "parity": "N", "stopbits": 1, "xonxoff": false, "dsrdtr": false, "rtscts": false, "timeout": 1, "write_timeout": null, "inter_byte_timeout": null}"#
        );
    }
}
