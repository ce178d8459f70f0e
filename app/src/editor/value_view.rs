//! Any value, shown: figures as plots, tables for arrays and frames, images on a canvas,
//! big numbers for scalars, text as text.

use std::sync::Arc;

use leptos::prelude::*;
use runtime::value::{ColumnData, Value};
use wasm_bindgen::{Clamped, JsCast};

use crate::editor::plot_view::PlotView;

const MAX_ROWS: usize = 200;
const MAX_COLS: usize = 20;

fn num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.6}").trim_end_matches('0').to_owned()
    }
}

/// A table of columns (header, cells as text), cut to what a person reads.
fn table(headers: Vec<String>, columns: Vec<Vec<String>>, total_rows: usize) -> impl IntoView {
    let rows = columns.first().map_or(0, Vec::len);
    let head = headers.into_iter().map(|h| view! { <th>{h}</th> }).collect_view();
    let body = (0..rows)
        .map(|r| {
            let cells = columns.iter().map(|c| view! { <td>{c[r].clone()}</td> }).collect_view();
            view! { <tr><td class="index">{r}</td>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="value-table">
            <table data-testid="value-table">
                <thead><tr><th></th>{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
            {(total_rows > rows).then(|| view! { <p class="muted">{format!("… {} more rows", total_rows - rows)}</p> })}
        </div>
    }
}

/// The first cells of a DataFrame column or an OrderedTriple's axis, as text.
fn cells(c: &ColumnData) -> Vec<String> {
    match c {
        ColumnData::Num(v) => v.iter().take(MAX_ROWS).map(|x| num(*x)).collect(),
        ColumnData::Text(v) => v.iter().take(MAX_ROWS).cloned().collect(),
    }
}

fn cols(arrays: &[(&str, &[f64])]) -> impl IntoView + use<> {
    let total = arrays.iter().map(|(_, a)| a.len()).max().unwrap_or(0);
    let headers = arrays.iter().map(|(h, _)| (*h).to_owned()).collect();
    let columns = arrays.iter().map(|(_, a)| a.iter().take(MAX_ROWS).map(|x| num(*x)).collect()).collect();
    table(headers, columns, total)
}

/// Draws an image value on a canvas (one copy of the pixels, no plot library).
#[component]
fn ImageView(value: Arc<Value>) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let v = value.clone();
    Effect::new(move |_| {
        let Some(c) = canvas.get() else { return };
        let (w, h, rgba) = match &*v {
            Value::Image { r, g, b, a } => {
                let mut px = Vec::with_capacity(r.data.len() * 4);
                for i in 0..r.data.len() {
                    px.extend(
                        [r.data[i], g.data[i], b.data[i], a.as_ref().map_or(255.0, |a| a.data[i])]
                            .map(|x| x.clamp(0.0, 255.0) as u8),
                    );
                }
                (r.cols, r.rows, px)
            }
            Value::Grayscale { m } => {
                let mut px = Vec::with_capacity(m.data.len() * 4);
                for x in &m.data {
                    let g = (x * 255.0).clamp(0.0, 255.0) as u8;
                    px.extend([g, g, g, 255]);
                }
                (m.cols, m.rows, px)
            }
            _ => return,
        };
        c.set_width(w as u32);
        c.set_height(h as u32);
        let ctx =
            c.get_context("2d").ok().flatten().and_then(|x| x.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
        if let (Some(ctx), Ok(img)) =
            (ctx, web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), w as u32, h as u32))
        {
            let _ = ctx.put_image_data(&img, Default::default(), Default::default());
        }
    });
    view! { <canvas class="value-image" data-testid="value-image" node_ref=canvas></canvas> }
}

#[component]
pub fn ValueView(value: Arc<Value>, testid: String) -> impl IntoView {
    let body = match &*value {
        Value::Plotly { .. } => {
            let v = crate::state::run::Same(value.clone());
            view! { <PlotView figure=Signal::derive(move || Some(v.clone())) testid=testid.clone()/> }.into_any()
        }
        Value::Scalar { c } => view! { <div class="value-scalar">{num(*c)}</div> }.into_any(),
        Value::String { s } => view! { <pre class="value-text">{s.clone()}</pre> }.into_any(),
        Value::Boolean { b } => view! { <div class="value-scalar">{if *b { "True" } else { "False" }}</div> }.into_any(),
        Value::Bytes { b } => view! { <pre class="value-text">{format!("{} bytes: {}", b.len(), String::from_utf8_lossy(&b[..b.len().min(400)]))}</pre> }.into_any(),
        Value::OrderedPair { x, y } => cols(&[("x", x), ("y", y)]).into_any(),
        Value::OrderedTriple { x, y, z } => {
            table(vec!["x".into(), "y".into(), "z".into()], vec![cells(x), cells(y), cells(z)], x.len()).into_any()
        }
        Value::Vector { v } => cols(&[("v", v)]).into_any(),
        Value::Matrix { m } | Value::Surface { z: m, .. } => {
            let c = m.cols.min(MAX_COLS);
            let columns = (0..c).map(|j| (0..m.rows.min(MAX_ROWS)).map(|i| num(m.get(i, j))).collect()).collect();
            table((0..c).map(|j| j.to_string()).collect(), columns, m.rows).into_any()
        }
        Value::DataFrame { m } => {
            let columns = m
                .columns
                .iter()
                .take(MAX_COLS)
                .map(|c| cells(&c.data))
                .collect();
            table(m.columns.iter().take(MAX_COLS).map(|c| c.name.clone()).collect(), columns, m.rows()).into_any()
        }
        Value::Image { .. } | Value::Grayscale { .. } => view! { <ImageView value=value.clone()/> }.into_any(),
    };
    view! {
        <div class="value-view">
            <div class="value-summary">{value.summary()}</div>
            {body}
        </div>
    }
}
