//! Drawing runtime figures with plotly.js: attributes as JSON, number arrays as Float64Arrays
//! (one copy each, no per-number conversion).

use std::cell::Cell;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use js_sys::{Array, Float64Array};
use wasm_bindgen::JsValue;

use crate::js::json_to_js;
use runtime::value::{Figure, NumArray};

use crate::js;

/// Above this many points a scatter trace is drawn with WebGL (`scattergl`): SVG needs seconds
/// for 100,000 markers, WebGL tens of milliseconds. The figure itself is unchanged.
pub const WEBGL_ABOVE: usize = 5_000;

/// While streaming, line traces longer than this are thinned for display (min/max per pixel
/// column: every peak stays visible); still plots keep every point so zooming in shows them.
pub const DECIMATE_ABOVE: usize = 4_000;
const DECIMATE_BUCKETS: usize = 1_500;

thread_local! {
    static DRAWS: Cell<u64> = const { Cell::new(0) };
}

/// Plots drawn since the page loaded (the streaming benchmark counts frames with it).
pub fn draws() -> u64 {
    DRAWS.with(Cell::get)
}

/// Min/max decimation: the points of each of `buckets` consecutive slices with the smallest
/// and the largest y, in their original order (one if they are the same point); the first
/// and last points always stay. NaN (a gap) is kept when a slice holds nothing else.
pub fn decimate(x: &[f64], y: &[f64], buckets: usize) -> (Vec<f64>, Vec<f64>) {
    let n = x.len().min(y.len());
    if buckets == 0 || n <= buckets * 2 {
        return (x[..n].to_vec(), y[..n].to_vec());
    }
    let mut xs = Vec::with_capacity(buckets * 2 + 2);
    let mut ys = Vec::with_capacity(buckets * 2 + 2);
    let mut push = |i: usize| {
        xs.push(x[i]);
        ys.push(y[i]);
    };
    push(0);
    for b in 0..buckets {
        let (start, end) = ((b * n / buckets).max(1), ((b + 1) * n / buckets).min(n - 1));
        if start >= end {
            continue;
        }
        let (mut lo, mut hi) = (None::<usize>, None::<usize>);
        for i in start..end {
            let v = y[i];
            if v.is_nan() {
                continue;
            }
            if lo.is_none_or(|j| v < y[j]) {
                lo = Some(i);
            }
            if hi.is_none_or(|j| v > y[j]) {
                hi = Some(i);
            }
        }
        match (lo, hi) {
            (Some(a), Some(b)) if a == b => push(a),
            (Some(a), Some(b)) => {
                push(a.min(b));
                push(a.max(b));
            }
            _ => push(start),
        }
    }
    push(n - 1);
    (xs, ys)
}

fn points(t: &runtime::value::Trace) -> usize {
    t.arrays.iter().map(|(_, a)| if let NumArray::D1(v) = a { v.len() } else { 0 }).max().unwrap_or(0)
}

/// The figure's `data` and `layout` as JS values.
/// `thin`: decimate long line traces (streaming).
pub fn figure_to_js(fig: &Figure, thin: bool) -> (JsValue, JsValue) {
    let data = Array::new();
    for t in &fig.traces {
        let obj = json_to_js(&serde_json::Value::Object(t.attrs.clone()));
        let lines_only = t.attrs.get("mode").and_then(|m| m.as_str()).is_none_or(|m| !m.contains("markers"));
        if thin
            && t.kind() == "scatter"
            && lines_only
            && points(t) > DECIMATE_ABOVE
            && let (Some(NumArray::D1(x)), Some(NumArray::D1(y))) = (t.get_array("x"), t.get_array("y"))
        {
            let (x, y) = decimate(x, y, DECIMATE_BUCKETS);
            js::set(&obj, "x", &Float64Array::from(x.as_slice()).into());
            js::set(&obj, "y", &Float64Array::from(y.as_slice()).into());
            data.push(&obj);
            continue;
        }
        if t.kind() == "scatter" && points(t) > WEBGL_ABOVE {
            js::set(&obj, "type", &JsValue::from_str("scattergl"));
        }
        for (k, a) in &t.arrays {
            let v: JsValue = match a {
                NumArray::D1(v) => Float64Array::from(v.as_slice()).into(),
                NumArray::D2(m) => {
                    (0..m.rows).map(|r| JsValue::from(Float64Array::from(m.row(r)))).collect::<Array>().into()
                }
            };
            js::set(&obj, k, &v);
        }
        data.push(&obj);
    }
    (data.into(), json_to_js(&serde_json::Value::Object(fig.layout.clone())))
}

/// The picture of a figure that is one image and nothing else (IMAGE's figure: a PNG data URI).
pub fn lone_picture(fig: &Figure) -> Option<&str> {
    match fig.traces.as_slice() {
        [t] if t.kind() == "image" => t.attrs.get("source")?.as_str().filter(|s| s.starts_with("data:image/")),
        _ => None,
    }
}

/// Draws `fig` into `div`, updating it in place if it already holds a plot.
/// `thin` (streaming): long line traces are decimated, and a lone picture (a live camera view)
/// is shown as an `<img>` over the plot: plotly's redraw of an image trace took 80–330 ms a
/// frame (a webcam at 7 frames/s), an `<img>` decodes the same PNG in a few. When the stream
/// ends the view draws the whole figure with plotly again (axes, hover).
pub async fn draw(div: &web_sys::Element, fig: &Figure, thin: bool) -> Result<(), String> {
    let shown = match lone_picture(fig).filter(|_| thin) {
        Some(src) => match src.strip_prefix("data:image/png;base64,").and_then(|b| STANDARD.decode(b).ok()) {
            Some(png) => js::picture::show_png(div, &png).await,
            None => js::picture::show_uri(div, src).await,
        },
        None => Err(String::new()),
    };
    // not a live picture, or one the browser could not decode: plotly draws the figure
    if shown.is_err() {
        js::picture::remove_from(div);
        let (data, layout) = figure_to_js(fig, thin);
        js::plotly::react(div, &data, &layout).await?;
    }
    DRAWS.with(|d| d.set(d.get() + 1));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_traces_are_kept_whole() {
        let x = [0.0, 1.0, 2.0];
        assert_eq!(decimate(&x, &x, 10), (x.to_vec(), x.to_vec()));
    }

    #[test]
    fn every_peak_survives_and_order_is_kept() {
        let n = 100_000;
        let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut y: Vec<f64> = (0..n).map(|i| (i as f64 / 500.0).sin()).collect();
        y[12_345] = 50.0;
        y[77_777] = -50.0;
        let (dx, dy) = decimate(&x, &y, 1000);
        assert!(dx.len() <= 2002, "{}", dx.len());
        assert!(dx.windows(2).all(|w| w[0] < w[1]), "x stays increasing");
        assert!(dx.contains(&12_345.0) && dx.contains(&77_777.0));
        let max = dy.iter().cloned().fold(f64::MIN, f64::max);
        let min = dy.iter().cloned().fold(f64::MAX, f64::min);
        assert_eq!((max, min), (50.0, -50.0));
        assert_eq!((dx[0], dx[dx.len() - 1]), (0.0, (n - 1) as f64));
    }

    #[test]
    fn gaps_stay_gaps() {
        let x: Vec<f64> = (0..10_000).map(f64::from).collect();
        let y = vec![f64::NAN; 10_000];
        let (_, dy) = decimate(&x, &y, 100);
        assert!(dy.iter().all(|v| v.is_nan()));
    }
}
