//! OPEN_IMAGE: an image file as an Image, read as matplotlib's `imread` reads it (Flojoy's block):
//! a PNG as floats 0..1, a JPEG or TIFF as its bytes 0..255; RGB or RGBA as the file holds it.

use futures::future::LocalBoxFuture;
use image::ImageFormat;
use serde_json::Value as Json;

use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, Matrix, TypeSet, Value};

pub(super) fn open_image() -> NodeDef {
    NodeDef::asynchronous(
        NodeSpec::new(
            "OPEN_IMAGE",
            "ETL/EXTRACT/FILE",
            "Load a PNG, JPEG or TIFF colour image as an Image, as matplotlib's imread reads it: a PNG's \
             channels as 0..1, a JPEG's or TIFF's as 0..255; an alpha channel if the file has one.",
        )
        .output("default", TypeSet::of(T::Image), "The image")
        .param(
            "file_path",
            ParamKind::File {
                accept: vec![".png".into(), ".jpg".into(), ".jpeg".into(), ".tif".into(), ".tiff".into()],
            },
            Json::Null,
            "The image file: a path (relative to the flow) or a picked file",
        ),
        run,
    )
}

fn run(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let path = ctx.text("file_path").to_owned();
        if path.is_empty() {
            return Err(NodeError::new("parameter 'file_path' is empty: pick an image file (PNG, JPEG or TIFF)"));
        }
        let bytes = ctx.host.read_file(&path).await.map_err(NodeError)?;
        Ok(Outputs::one(imread(&bytes).map_err(|e| NodeError(format!("{path}: {e}")))?))
    })
}

fn imread(bytes: &[u8]) -> Result<Value, String> {
    let format = image::guess_format(bytes).map_err(|e| format!("cannot read the image: {e}"))?;
    let img = image::load_from_memory_with_format(bytes, format).map_err(|e| format!("cannot read the image: {e}"))?;
    let color = img.color();
    if color.channel_count() < 3 {
        // Flojoy's block indexes a third axis that a grayscale image does not have
        return Err("a grayscale image: OPEN_IMAGE reads colour images (LOCAL_FILE reads grayscale ones)".into());
    }
    let alpha = color.has_alpha();
    let sixteen = color.bytes_per_pixel() / color.channel_count() > 1;
    // matplotlib scales a PNG to 0..1 by its bit depth, in float32; other formats keep their values
    let scale: Option<f32> = match (format, sixteen) {
        (ImageFormat::Png, true) => Some(65535.0),
        (ImageFormat::Png, false) => Some(255.0),
        _ => None,
    };
    let (w, h) = (img.width() as usize, img.height() as usize);
    let px: Vec<[f64; 4]> = if sixteen {
        img.to_rgba16().pixels().map(|p| p.0.map(f64::from)).collect()
    } else {
        img.to_rgba8().pixels().map(|p| p.0.map(f64::from)).collect()
    };
    let value = |v: f64| match scale {
        Some(s) => f64::from(v as f32 / s),
        None => v,
    };
    let channel = |i: usize| Matrix { rows: h, cols: w, data: px.iter().map(|p| value(p[i])).collect() };
    Ok(Value::Image { r: channel(0), g: channel(1), b: channel(2), a: alpha.then(|| channel(3)) })
}
