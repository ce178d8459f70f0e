//! QUERY_CURVE_MSO2X (the waveform, through tm_devices' `curve_query`: ASCII `CURVE?` data) and
//! SCREENSHOT_MSO2X (a PNG the scope saves and sends back with `FILESystem:READFile`).
//!
//! QUERY_CURVE scales as Studio's block does: y = level / 2^(8·BYT_Nr) · 5 · CH<n>:SCAle volts,
//! x = linspace(s·p, s·(p + 1), N) seconds with s = HORizontal:SCAle · HORizontal:DIVisions
//! and p = −HORizontal:POSition / 100.

use super::{MODEL, channel, node, set_and_check};
use crate::nodes::hardware::instruments::{number, query, send};
use crate::nodes::hardware::port::{instrument_of, scpi_error};
use crate::nodes::image_io::decode_rgba;
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::numeric::array::linspace;
use crate::spec::ParamKind;
use crate::value::{DataType as T, TypeSet, Value};
use serde_json::Value as Json;

pub(super) fn query_curve() -> NodeDef {
    let spec = node("QUERY_CURVE_MSO2X", "Read a channel's waveform from the MSO2, in volts against seconds.")
        .int("channel", 1, "The oscilloscope channel to read (1 or 2 on a 2-channel scope)")
        .output("default", TypeSet::of(T::OrderedPair), "The curve: x in seconds, y in volts");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let k = channel(&ctx, "channel")?;
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            // Studio's block sets the source to the bare number first
            send(&ctx, &c, &[format!("DATa:SOUrce {k}")]).await?;
            // tm_devices' curve_query: the channel must be an available source
            let available = query(&ctx, &c, ":DATA:SOURCE:AVAIL?").await?;
            let wanted = [format!("CH{k}"), format!("CH{k}_D0")];
            let Some(name) = available.trim().split(',').find(|s| wanted.iter().any(|w| w == s)) else {
                return Err(NodeError(format!(
                    "CH{k} is not among the scope's curve sources ('{available}' to ':DATA:SOURCE:AVAIL?'): is the channel on?"
                )));
            };
            set_and_check(&ctx, &c, "DATA:SOURCE", name).await?;
            set_and_check(&ctx, &c, ":DATA:ENC", "ASCII").await?;
            let command = ":CURVE?";
            let answer = query(&ctx, &c, command).await?;
            let levels = curve_levels(command, &answer)?;
            let command = "WFMOutpre:BYT_Nr?";
            let answer = query(&ctx, &c, command).await?;
            let width = match answer.trim().parse::<u32>() {
                Ok(w @ 1..=8) => w,
                _ => {
                    return Err(NodeError(format!(
                        "the scope answered '{answer}' to '{command}', which is not a byte count (1, 2, …)"
                    )));
                }
            };
            let scale_q = format!("CH{k}:SCAL?");
            let v_scale = number(&scale_q, &query(&ctx, &c, &scale_q).await?)?;
            let mut horizontal = [0.0; 3];
            for (value, q) in
                horizontal.iter_mut().zip(["HORizontal:DIVisions?", "HORizontal:SCAle?", "HORizontal:POSition?"])
            {
                *value = number(q, &query(&ctx, &c, q).await?)?;
            }
            let [divisions, h_scale, position] = horizontal;
            let full = 2f64.powi(8 * width as i32);
            let y: Vec<f64> = levels.iter().map(|l| l / full * (5.0 * v_scale)).collect();
            let span = h_scale * divisions;
            let shift = position / -100.0;
            let x = linspace(span * shift, span * (shift + 1.0), y.len());
            Ok(Outputs::one(Value::pair(x, y)))
        })
    })
}

/// The levels of an ASCII `CURVE?` answer: integers separated by commas (its first line; one
/// frame: several, separated by `;`, are FastFrame's, which the block does not handle either).
fn curve_levels(command: &str, answer: &str) -> Result<Vec<f64>, NodeError> {
    let line = answer.lines().next().unwrap_or("").trim();
    if line.contains(';') {
        return Err(NodeError(format!(
            "the answer to '{command}' has several frames (FastFrame is on): turn FastFrame off to read one curve"
        )));
    }
    if line.is_empty() {
        return Err(NodeError(format!("the scope sent no curve data for '{command}'")));
    }
    line.split(',')
        .map(|field| {
            field.trim().parse::<i64>().map(|v| v as f64).map_err(|_| {
                let shown: String = field.chars().take(20).collect();
                NodeError(format!("the answer to '{command}' has '{shown}' where a whole number (a level) belongs"))
            })
        })
        .collect()
}

pub(super) fn screenshot() -> NodeDef {
    let spec = node(
        "SCREENSHOT_MSO2X",
        "Save a screenshot on the scope, copy it to this computer (a download in the browser) and output it as an Image.",
    )
    .param("local_file_path", ParamKind::Directory, Json::Null, "The folder to save the screenshot in (the CLI; the browser downloads it)")
    .str("path_on_scope", "C:\\screenshots\\screenshot.png", "The file's path on the scope (its folder must exist)")
    .str("filename", "screenshot.png", "The name of the file saved here")
    .bool("auto_index", false, "Add _000, _001, … to the file's name, the first not yet in the folder")
    .output("default", TypeSet::of(T::Image), "The screenshot");
    NodeDef::asynchronous(spec, |ctx| {
        Box::pin(async move {
            let on_scope = ctx.text("path_on_scope").to_owned();
            let name = local_name(&ctx)?;
            let c = instrument_of(&ctx, "connection", Some(MODEL)).await?;
            send(&ctx, &c, &[format!("SAVe:IMAGe {on_scope}")]).await?;
            // Studio's pause while the scope writes the image
            ctx.host.sleep(1000.0).await;
            let command = format!("FILESystem:READFile {on_scope}");
            let bytes = c.lock().await.query_raw(&*ctx.host, &command).await.map_err(scpi_error)?;
            let image =
                decode_rgba(&bytes).map_err(|e| NodeError(format!("the scope's answer to '{command}': {e}")))?;
            let place = ctx.host.write_file(&name, &bytes).map_err(NodeError)?;
            ctx.log(format!("saved {place}"));
            Ok(Outputs::one(image))
        })
    })
    .writes_files()
}

/// Where the screenshot goes here: `local_file_path/filename`, with `_NNN` before the last
/// four characters and ".png" after it when `auto_index` is on: the first index not in the folder.
fn local_name(ctx: &crate::nodes::AsyncCtx) -> Result<String, NodeError> {
    let (dir, file) = (ctx.text("local_file_path"), ctx.text("filename"));
    if file.is_empty() {
        return Err(NodeError::new("parameter 'filename' is empty"));
    }
    let join = |f: &str| {
        if dir.is_empty() {
            f.to_owned()
        } else if dir.ends_with('/') || dir.ends_with('\\') {
            format!("{dir}{f}")
        } else {
            format!("{dir}/{f}")
        }
    };
    if !ctx.bool("auto_index") {
        return Ok(join(file));
    }
    let cut = file.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    // Studio cuts the name's last four characters and adds "_NNN.png"
    let (stem, ext) = (&file[..cut], ".png");
    let taken =
        ctx.host.list_files(if dir.is_empty() { "." } else { dir }, &format!("{stem}_*{ext}")).unwrap_or_default();
    let index = (0..1000)
        .find(|i| {
            let candidate = format!("{stem}_{i:03}{ext}");
            !taken.iter().any(|t| t.ends_with(&candidate))
        })
        .ok_or_else(|| NodeError(format!("{stem}_000{ext} to {stem}_999{ext} all exist already")))?;
    Ok(join(&format!("{stem}_{index:03}{ext}")))
}
