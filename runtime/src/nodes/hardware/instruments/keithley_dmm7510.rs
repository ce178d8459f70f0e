//! Keithley DMM7510 multimeter (Studio's `HARDWARE/MULTIMETERS/KEITHLEY/DMM7510`):
//! CONNECT_DMM7510, RESET_DMM7510, FUNCTION_DMM7510, READ_MEASUREMENT_DMM7510, in its TSP
//! command set, the lines `tm_devices` writes for Studio's calls.

use super::{number, query, send, tsp_connect, with_connection};
use crate::devices::scpi::Model;
use crate::nodes::hardware::port::{device_param, instrument_of};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "HARDWARE/MULTIMETERS/KEITHLEY/DMM7510";
/// With several instruments and no connection named, the one this node is for (Keithley's USB vendor id 0x05E6).
const MODEL: Model = Model { vendor_id: 0x05E6, product: "7510", name: "Keithley DMM7510" };
const CONNECT: &str = "CONNECT_DMM7510";

/// FUNCTION_DMM7510's choices and their TSP constants.
const FUNCTIONS: &[(&str, &str)] = &[
    ("DC voltage", "DC_VOLTAGE"),
    ("DC current", "DC_CURRENT"),
    ("AC voltage", "AC_VOLTAGE"),
    ("AC current", "AC_CURRENT"),
    ("2W resistance", "RESISTANCE"),
    ("4W resistance", "4W_RESISTANCE"),
    ("temperature", "TEMPERATURE"),
    ("capacitance", "CAPACITANCE"),
    ("continuity", "CONTINUITY"),
    ("diode", "DIODE"),
    ("period", "PERIOD"),
    ("frequency", "FREQUENCY"),
    ("DCV ratio", "DCV_RATIO"),
];

pub(super) fn nodes() -> Vec<NodeDef> {
    vec![connect(), reset(), function(), read_measurement()]
}

fn node(func: &str, doc: &str) -> NodeSpec {
    with_connection(NodeSpec::new(func, PATH, doc), CONNECT)
}

fn connect() -> NodeDef {
    let spec = NodeSpec::new(
        CONNECT,
        PATH,
        "Open a connection to a Keithley DMM7510 and switch it to its TSP command set (*LANG TSP).",
    );
    let spec = device_param(spec, "device", "VisaDevice", "The DMM7510: a USB instrument or a VISA resource name")
        .output("default", TypeSet::of(T::String), "The device's address, as the parameter names it");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            tsp_connect(&ctx, "device", MODEL).await?;
            Ok(Outputs::one(Value::string(ctx.text("device"))))
        })
    })
}

fn reset() -> NodeDef {
    let spec = node("RESET_DMM7510", "Reset the DMM7510 (TSP reset()).").output(
        "default",
        TypeSet::of(T::String),
        "Reset DMM7510",
    );
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &["reset()".into()]).await?;
            Ok(Outputs::one(Value::string("Reset DMM7510")))
        })
    })
}

fn function() -> NodeDef {
    let names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
    let spec = node("FUNCTION_DMM7510", "Set what the DMM7510 measures.")
        .select("function", &names, "DC voltage", "The measurement function")
        .output("default", TypeSet::of(T::String), "Measure <function>");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let name = ctx.text("function");
            let Some((_, constant)) = FUNCTIONS.iter().find(|(n, _)| *n == name) else {
                let names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
                return Err(NodeError(format!("'function' must be one of {}, got '{name}'", names.join(", "))));
            };
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &[format!("dmm.measure.func = dmm.FUNC_{constant}")]).await?;
            Ok(Outputs::one(Value::string(format!("Measure {name}"))))
        })
    })
}

fn read_measurement() -> NodeDef {
    let spec = node("READ_MEASUREMENT_DMM7510", "Take one reading with the DMM7510's current function.").output(
        "default",
        TypeSet::of(T::Scalar),
        "The reading",
    );
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            let command = "print(dmm.measure.read())";
            let answer = query(&ctx, &c, command).await?;
            Ok(Outputs::one(Value::scalar(number(command, &answer)?)))
        })
    })
}
