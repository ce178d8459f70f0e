//! OPEN_WEBCAM and WEBCAM: Flojoy Studio's camera nodes, through the host's cameras (the page's
//! getUserMedia). OPEN_WEBCAM opens the camera for the run (asking the user's permission the
//! first time); WEBCAM takes its current picture as an Image (RGB channels 0–255), opening the
//! camera itself if OPEN_WEBCAM did not. Flojoy's camera `0` is the default camera.

use futures::future::LocalBoxFuture;

use super::port::{dev, device_param, devices, trigger};
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Matrix, TypeSet, Value};

const PATH: &str = "HARDWARE/IMAGING";

const RESOLUTIONS: [&str; 5] = ["default", "640x360", "640x480", "1280x720", "1920x1080"];

pub(super) fn open_webcam() -> NodeDef {
    NodeDef::asynchronous(
        trigger(device_param(
            NodeSpec::new(
                "OPEN_WEBCAM",
                PATH,
                "Open a camera for the run (the browser asks your permission the first time). WEBCAM then \
                 takes pictures from it.",
            ),
            "camera",
            "CameraDevice",
            "The camera (empty or 0: the default camera)",
        ))
        .output("default", TypeSet::ANY, "Nothing (sets the order)"),
        run_open,
    )
    .stateful()
}

fn run_open(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let id = ctx.text("camera").to_owned();
        devs.open_camera(&id, None).await.map_err(dev)?;
        ctx.log(format!(
            "opened the camera{}",
            if id.is_empty() || id == "0" { String::new() } else { format!(" '{id}'") }
        ));
        Ok(Outputs::none())
    })
}

pub(super) fn webcam() -> NodeDef {
    NodeDef::asynchronous(
        trigger(device_param(
            NodeSpec::new(
                "WEBCAM",
                PATH,
                "Take a picture with a camera as an Image (RGB channels 0–255). The camera opens on first \
                 use if OPEN_WEBCAM did not open it. With live on, the flow runs once per frame until Stop \
                 (a live view in IMAGE).",
            ),
            "connection",
            "CameraConnection",
            "The camera (empty or 0: the default camera)",
        ))
        .select("resolution", &RESOLUTIONS, "default", "The picture's size (the camera may give the nearest it has)")
        .bool("live", false, "Keep taking pictures until Stop: the flow runs once per frame, a live view")
        .output("default", TypeSet::of(T::Image), "The picture"),
        run_webcam,
    )
    .streaming_when("live")
}

fn run_webcam(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let devs = devices(&ctx)?;
        let resolution = match ctx.text("resolution") {
            "default" | "" => None,
            r => Some(parse_resolution(r).ok_or_else(|| NodeError(format!("resolution '{r}' is not WIDTHxHEIGHT")))?),
        };
        let camera = devs.open_camera(ctx.text("connection"), resolution).await.map_err(dev)?;
        let frame = camera.frame().await.map_err(dev)?;
        Ok(Outputs::one(image_of(&frame)?))
    })
}

fn parse_resolution(r: &str) -> Option<(u32, u32)> {
    let (w, h) = r.split_once('x')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

/// An RGBA frame as Flojoy's Image of R, G and B (the camera's alpha is always opaque; Studio's
/// block gives no alpha channel either).
fn image_of(frame: &crate::devices::Frame) -> Result<Value, NodeError> {
    let (w, h) = (frame.width as usize, frame.height as usize);
    if w == 0 || h == 0 || frame.rgba.len() != w * h * 4 {
        return Err(NodeError(format!("the camera gave a damaged picture ({w}×{h}, {} bytes)", frame.rgba.len())));
    }
    let channel = |c: usize| Matrix {
        rows: h,
        cols: w,
        data: frame.rgba.iter().skip(c).step_by(4).map(|&b| f64::from(b)).collect(),
    };
    Ok(Value::Image { r: channel(0), g: channel(1), b: channel(2), a: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_webcam_makes_its_flow_stream() {
        let node = |live: bool| {
            let text = serde_json::json!({"rfInstance": {"nodes": [{"id": "W", "data": {"id": "W", "label": "W", "func": "WEBCAM",
                "ctrls": {"live": {"param": "live", "value": live}}}, "position": {"x": 0, "y": 0}}], "edges": []}});
            crate::file::load_json(&text, 1).unwrap().flow
        };
        assert!(node(true).is_streaming() && node(true).has_streaming_node());
        assert!(!node(false).is_streaming() && !node(false).has_streaming_node());
    }

    #[test]
    fn resolutions_and_frames() {
        assert_eq!(parse_resolution("1280x720"), Some((1280, 720)));
        assert_eq!(parse_resolution("wide"), None);
        let frame = crate::devices::Frame { width: 2, height: 1, rgba: vec![1, 2, 3, 255, 4, 5, 6, 255] };
        let Value::Image { r, g, b, a } = image_of(&frame).unwrap() else { panic!() };
        assert_eq!((r.data, g.data, b.data, a), (vec![1.0, 4.0], vec![2.0, 5.0], vec![3.0, 6.0], None));
        assert!(image_of(&crate::devices::Frame { width: 2, height: 2, rgba: vec![0; 8] }).is_err());
    }
}
