//! Pololu Tic stepper motor controllers over WebUSB (Studio's `HARDWARE/MOTORS/STEPPER/POLULU`):
//! TIC and TIC_KNOB. A Tic takes its commands as USB vendor requests (Pololu's Tic user's guide,
//! "USB commands"; the same requests Studio's `ticlib` sends): a quick command carries nothing,
//! a 32-bit one its value in wValue (low half) and wIndex (high half). The Tic is the first
//! granted USB device with Pololu's vendor id 0x1FFB, as `ticlib.TicUSB()` takes the first it
//! finds.

use super::USB_TIMEOUT_MS;
use super::port::{dev, devices, trigger, within};
use crate::devices::{ControlSetup, UsbDevice};
use crate::nodes::{AsyncCtx, NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "HARDWARE/MOTORS/STEPPER/POLULU";
const POLOLU: u16 = 0x1FFB;
/// The Tic's native USB interface.
const INTERFACE: u8 = 0;

/// The commands the nodes send: (name for errors, bRequest).
const HALT_AND_SET_POSITION: (&str, u8) = ("halt and set position", 0xEC);
const SET_TARGET_POSITION: (&str, u8) = ("set target position", 0xE0);
const SET_MAX_SPEED: (&str, u8) = ("set max speed", 0xE6);
const SET_CURRENT_LIMIT: (&str, u8) = ("set current limit", 0x91);
const ENERGIZE: (&str, u8) = ("energize", 0x85);
const DEENERGIZE: (&str, u8) = ("deenergize", 0x86);
const EXIT_SAFE_START: (&str, u8) = ("exit safe start", 0x83);
const ENTER_SAFE_START: (&str, u8) = ("enter safe start", 0x8F);

/// Where TIC moves the motor, in steps (Studio's block).
const POSITIONS: [i64; 4] = [50, 100, 150, 200];

pub(super) fn nodes() -> Vec<NodeDef> {
    vec![tic(), tic_knob()]
}

/// A granted Tic, opened.
async fn open_tic(ctx: &AsyncCtx) -> Result<Tic, NodeError> {
    let devs = devices(ctx)?;
    let tics: Vec<String> = devs
        .usb_devices()
        .into_iter()
        .filter(|p| devs.usb_info(&p.id).is_some_and(|i| i.vendor_id == POLOLU))
        .map(|p| p.id)
        .collect();
    let Some(id) = tics.first() else {
        let why = devs.usb_unsupported().unwrap_or_else(|| {
            "no Pololu Tic is connected: connect it by USB and pick it with Devices → Add USB device (USB vendor id 1FFB), or turn on demo devices".into()
        });
        return Err(NodeError(why));
    };
    if tics.len() > 1 {
        ctx.log(format!("{} Tics are connected; using the first, '{id}'", tics.len()));
    }
    let device =
        devs.open_usb(id, INTERFACE).await.map_err(|e| NodeError(format!("cannot open the Tic '{id}': {e}")))?;
    Ok(Tic { device })
}

struct Tic {
    device: std::rc::Rc<dyn UsbDevice>,
}

impl Tic {
    async fn send(&self, ctx: &AsyncCtx, (name, request): (&str, u8), value: Option<i64>) -> Result<(), NodeError> {
        // a 32-bit value in two's complement, split as ticlib splits it
        let v = value.map_or(0, |v| v as u32);
        let setup = ControlSetup {
            request_type: "vendor".into(),
            recipient: "device".into(),
            request,
            value: (v & 0xFFFF) as u16,
            index: (v >> 16) as u16,
        };
        within(&*ctx.host, USB_TIMEOUT_MS, self.device.control_out(setup, Vec::new()))
            .await
            .map_err(|e| NodeError(format!("the Tic refused '{name}': {}", dev(e).0)))?;
        Ok(())
    }

    /// Energized and out of safe start, as both blocks prepare the driver.
    async fn start(&self, ctx: &AsyncCtx, current_limit: i64) -> Result<(), NodeError> {
        self.send(ctx, SET_CURRENT_LIMIT, Some(current_limit)).await?;
        self.send(ctx, ENERGIZE, None).await?;
        self.send(ctx, EXIT_SAFE_START, None).await
    }

    async fn stop(&self, ctx: &AsyncCtx) -> Result<(), NodeError> {
        self.send(ctx, DEENERGIZE, None).await?;
        self.send(ctx, ENTER_SAFE_START, None).await
    }
}

/// A whole-number parameter within `lo..=hi` (what the Tic's 32-bit commands take).
fn int_param(ctx: &AsyncCtx, name: &str, lo: i64, hi: i64) -> Result<i64, NodeError> {
    ctx.int_in::<i64>(name, lo, hi)
}

/// The Tic's limits: a speed up to 500,000,000 microsteps per 10,000 s; a current limit code.
const MAX_SPEED: i64 = 500_000_000;
const MAX_CURRENT_CODE: i64 = 255;

/// Seconds to wait for the motor, as milliseconds.
fn wait_ms(ctx: &AsyncCtx) -> Result<f64, NodeError> {
    Ok(ctx.int_in::<u32>("sleep_time", 0, 3600)? as f64 * 1000.0)
}

fn node(func: &str, doc: &str) -> NodeSpec {
    trigger(NodeSpec::new(func, PATH, doc))
}

fn tic() -> NodeDef {
    let spec = node(
        "TIC",
        "Move a stepper motor through 50, 100, 150 and 200 steps with a Pololu Tic, waiting sleep_time seconds at each.",
    )
    .int("current_limit", 30, "The Tic's current limit setting")
    .int("sleep_time", 2, "Seconds to wait at each position")
    .int("speed", 100000, "The maximum speed (microsteps per 10,000 s)")
    .output("default", TypeSet::of(T::OrderedPair), "The positions (x and y)");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let limit = int_param(&ctx, "current_limit", 0, MAX_CURRENT_CODE)?;
            let (speed, wait) = (int_param(&ctx, "speed", 0, MAX_SPEED)?, wait_ms(&ctx)?);
            let tic = open_tic(&ctx).await?;
            tic.send(&ctx, HALT_AND_SET_POSITION, Some(0)).await?;
            tic.start(&ctx, limit).await?;
            for p in POSITIONS {
                tic.send(&ctx, SET_MAX_SPEED, Some(speed)).await?;
                tic.send(&ctx, SET_TARGET_POSITION, Some(p)).await?;
                ctx.host.sleep(wait).await;
            }
            tic.stop(&ctx).await?;
            let steps: Vec<f64> = POSITIONS.iter().map(|&p| p as f64).collect();
            Ok(Outputs::one(Value::pair(steps.clone(), steps)))
        })
    })
}

fn tic_knob() -> NodeDef {
    let spec = node("TIC_KNOB", "Move a stepper motor with a Pololu Tic to twice a knob's value, in steps.")
        .int("knob_value", 0, "The knob's value (the target is twice it)")
        .int("current_limit", 30, "The Tic's current limit setting")
        .int("sleep_time", 2, "Seconds to wait before and after the move")
        .int("speed", 200000, "The maximum speed (microsteps per 10,000 s)")
        .output("default", TypeSet::of(T::OrderedPair), "x: the target position; y: the speed");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            // the target, twice the knob, must fit the Tic's signed 32 bits
            let target = int_param(&ctx, "knob_value", -(1 << 30), (1 << 30) - 1)? * 2;
            let limit = int_param(&ctx, "current_limit", 0, MAX_CURRENT_CODE)?;
            let (speed, wait) = (int_param(&ctx, "speed", 0, MAX_SPEED)?, wait_ms(&ctx)?);
            let tic = open_tic(&ctx).await?;
            tic.start(&ctx, limit).await?;
            tic.send(&ctx, SET_MAX_SPEED, Some(speed)).await?;
            tic.send(&ctx, HALT_AND_SET_POSITION, Some(0)).await?;
            ctx.host.sleep(wait).await;
            tic.send(&ctx, SET_TARGET_POSITION, Some(target)).await?;
            ctx.host.sleep(wait).await;
            tic.stop(&ctx).await?;
            Ok(Outputs::one(Value::pair(vec![target as f64], vec![speed as f64])))
        })
    })
}
