//! Cameras in the page (getUserMedia), as the runtime's [`Camera`]: the stream plays in a
//! `<video>` that is never shown, and a picture is that video's current frame drawn on a
//! canvas. The browser asks the user's permission the first time; a session's cameras are
//! stopped when it ends (the camera light goes off).

use futures::future::LocalBoxFuture;
use runtime::devices::{Camera, DeviceError, Frame};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::js;

/// How long a camera may take to send its first picture.
const FIRST_FRAME_MS: f64 = 10_000.0;

pub struct OpenCamera {
    video: web_sys::HtmlVideoElement,
    canvas: web_sys::HtmlCanvasElement,
    stream: web_sys::MediaStream,
    /// The resolution last asked for (`None`: the camera's own).
    asked: std::cell::Cell<Option<(u32, u32)>>,
}

/// Opens a camera: `id` empty or "0" is the default one, anything else a device id.
pub async fn open(id: &str, resolution: Option<(u32, u32)>) -> Result<OpenCamera, DeviceError> {
    let media = web_sys::window().and_then(|w| w.navigator().media_devices().ok()).ok_or_else(|| {
        DeviceError::Unsupported(
            "this browser gives pages no camera (getUserMedia needs an https:// page or localhost)".into(),
        )
    })?;
    let video = js_sys::Object::new();
    if let Some((w, h)) = resolution {
        js::set(&video, "width", &ideal(w));
        js::set(&video, "height", &ideal(h));
    }
    if !(id.is_empty() || id == "0") {
        js::set(&video, "deviceId", &ideal_str(id));
    }
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_video(&video);
    constraints.set_audio(&JsValue::FALSE);
    let promise = media.get_user_media_with_constraints(&constraints).map_err(refusal)?;
    let stream: web_sys::MediaStream = JsFuture::from(promise).await.map_err(refusal)?.unchecked_into();
    let doc = js::document().ok_or_else(|| DeviceError::Io("no document".into()))?;
    let element = |tag: &str| doc.create_element(tag).map_err(|_| DeviceError::Io(format!("cannot make a {tag}")));
    let video: web_sys::HtmlVideoElement = element("video")?.unchecked_into();
    let canvas: web_sys::HtmlCanvasElement = element("canvas")?.unchecked_into();
    video.set_muted(true);
    let _ = video.set_attribute("playsinline", "");
    video.set_src_object(Some(&stream));
    let camera = OpenCamera { video, canvas, stream, asked: std::cell::Cell::new(resolution) };
    if let Ok(p) = camera.video.play() {
        let _ = JsFuture::from(p).await;
    }
    // the first picture: the video knows its size once one has arrived
    let start = js::now_ms();
    while camera.video.video_width() == 0 {
        if js::now_ms() - start > FIRST_FRAME_MS {
            camera.stop();
            return Err(DeviceError::Timeout(FIRST_FRAME_MS / 1000.0));
        }
        js::sleep(15.0).await;
    }
    Ok(camera)
}

fn ideal(v: u32) -> JsValue {
    let o = js_sys::Object::new();
    js::set(&o, "ideal", &JsValue::from(v));
    o.into()
}

fn ideal_str(v: &str) -> JsValue {
    let o = js_sys::Object::new();
    js::set(&o, "exact", &JsValue::from_str(v));
    o.into()
}

/// getUserMedia's refusals, said so the user knows what to do.
fn refusal(e: JsValue) -> DeviceError {
    let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" => DeviceError::Refused(
            "permission to use the camera was refused: allow the camera for this site (the camera icon in the \
             address bar) and run again"
                .into(),
        ),
        "NotFoundError" | "OverconstrainedError" => DeviceError::NotFound(String::new()),
        "NotReadableError" | "AbortError" => {
            DeviceError::Refused("the camera is busy: another application or tab is using it".into())
        }
        _ => super::device_error(e),
    }
}

impl OpenCamera {
    /// Asks the open camera for another resolution (Flojoy's WEBCAM sets it on the opened
    /// camera) and waits for a picture of that size; a camera that cannot gives its nearest.
    pub async fn ask(&self, resolution: Option<(u32, u32)>) {
        let Some((w, h)) = resolution.filter(|r| Some(*r) != self.asked.get()) else { return };
        self.asked.set(resolution);
        let constraints = js_sys::Object::new();
        js::set(&constraints, "width", &ideal(w));
        js::set(&constraints, "height", &ideal(h));
        for track in self.stream.get_video_tracks().iter() {
            let apply = js_sys::Reflect::get(&track, &"applyConstraints".into()).ok();
            if let Some(f) = apply.and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                && let Ok(p) = f.call1(&track, &constraints)
                && let Ok(p) = p.dyn_into::<js_sys::Promise>()
            {
                let _ = JsFuture::from(p).await;
            }
        }
        let start = js::now_ms();
        while (self.video.video_width(), self.video.video_height()) != (w, h) && js::now_ms() - start < 2000.0 {
            js::sleep(15.0).await;
        }
    }

    /// Stops the camera (its light goes off).
    pub fn stop(&self) {
        for track in self.stream.get_tracks().iter() {
            if let Ok(t) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                t.stop();
            }
        }
        self.video.set_src_object(None);
    }

    fn grab(&self) -> Result<Frame, DeviceError> {
        let (w, h) = (self.video.video_width(), self.video.video_height());
        if w == 0 || h == 0 {
            return Err(DeviceError::Disconnected);
        }
        if self.canvas.width() != w || self.canvas.height() != h {
            self.canvas.set_width(w);
            self.canvas.set_height(h);
        }
        // read back every frame: a context kept in memory, not on the GPU (no read-back stall)
        let opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&opts, &"willReadFrequently".into(), &wasm_bindgen::JsValue::TRUE);
        let ctx: web_sys::CanvasRenderingContext2d = self
            .canvas
            .get_context_with_context_options("2d", &opts)
            .ok()
            .flatten()
            .ok_or_else(|| DeviceError::Io("no 2-D canvas".into()))?
            .unchecked_into();
        ctx.draw_image_with_html_video_element(&self.video, 0.0, 0.0)
            .map_err(|e| DeviceError::Io(format!("cannot draw the picture: {}", super::device_error(e))))?;
        let data = ctx
            .get_image_data(0, 0, w as i32, h as i32)
            .map_err(|e| DeviceError::Io(format!("cannot read the picture: {}", super::device_error(e))))?;
        Ok(Frame { width: w, height: h, rgba: data.data().0 })
    }
}

/// A camera dropped anywhere (a run stopped while it was opening) turns off.
impl Drop for OpenCamera {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Camera for OpenCamera {
    fn frame(&self) -> LocalBoxFuture<'static, Result<Frame, DeviceError>> {
        let frame = self.grab();
        Box::pin(async move { frame })
    }
}
