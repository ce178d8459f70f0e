//! DATA/VISUALIZATION: nodes that turn data into plotly figures (or text) for the canvas and
//! the dashboard. Traces and layouts follow Flojoy's blocks attribute by attribute, so a
//! figure saved by Flojoy and one made here look the same.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Value as Json, json};

use super::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::array::{arange, linspace};
use crate::numeric::python;
use crate::spec::NodeSpec;
use crate::value::{Column, ColumnData, DataFrame, DataType as T, Figure, Matrix, Trace, TypeSet, Value};

const PLOTLY: TypeSet = TypeSet::of(T::Plotly);
const PLOTTABLE: TypeSet = TypeSet::union(&[T::OrderedPair, T::DataFrame, T::Matrix, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        xy_plot("LINE", "Plot the input as lines."),
        xy_plot("SCATTER", "Plot the input as points."),
        histogram(),
        big_number(),
        text_view(),
        bar(),
        table(),
        image(),
        heatmap(),
        scatter3d(),
        surface3d(),
        composite(),
        array_view(),
        matrix_view(),
        print_datacontainer(),
        datacontainer_type(),
        dc_content_type(),
    ]
}

/// Flojoy's `plot_layout(title)`: title, autosize, margins t30 r0 b0 l0, `xaxis.type "-"`, empty template.
pub(crate) fn plot_layout(traces: Vec<Trace>, title: &str) -> Figure {
    Figure::new(traces)
        .layout("title", json!({"text": title}))
        .layout("autosize", true)
        .layout("margin", json!({"t": 30, "r": 0, "b": 0, "l": 0}))
        .layout("xaxis", json!({"type": "-"}))
        .layout("template", json!({}))
}

/// `fig.update_layout(xaxis_title=…)`: merges a title into an axis.
pub(crate) fn axis_title(mut fig: Figure, axis: &str, title: &str) -> Figure {
    let a = fig.layout.entry(axis).or_insert_with(|| json!({}));
    if let Some(o) = a.as_object_mut() {
        o.insert("title".into(), json!({"text": title}));
    }
    fig
}

fn axis_log(mut fig: Figure, axis: &str) -> Figure {
    let a = fig.layout.entry(axis).or_insert_with(|| json!({}));
    if let Some(o) = a.as_object_mut() {
        o.insert("type".into(), json!("log"));
    }
    fig
}

/// A text column that holds dates (pandas' `is_datetime64_any_dtype` for our string dates).
pub(crate) fn is_date_column(c: &Column) -> bool {
    match &c.data {
        ColumnData::Text(v) => {
            !v.is_empty()
                && v.iter().all(|s| {
                    let b = s.as_bytes();
                    b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
                })
        }
        ColumnData::Num(_) => false,
    }
}

/// Plotly traces for a DataFrame, one per column, as LINE/SCATTER/BAR draw it: a date first
/// column becomes the x axis of the others, otherwise the row index is.
fn frame_traces(df: &DataFrame, kind: &str, mode: Option<&str>) -> Vec<Trace> {
    let dated = df.columns.first().is_some_and(is_date_column);
    let x_dates = dated.then(|| match &df.columns[0].data {
        ColumnData::Text(v) => json!(v),
        ColumnData::Num(_) => json!([]),
    });
    df.columns
        .iter()
        .skip(usize::from(dated))
        .map(|c| {
            let mut t = Trace::new(kind).attr("name", c.name.clone());
            if let Some(m) = mode {
                t = t.attr("mode", m);
            }
            t = match &x_dates {
                Some(x) => t.attr("x", x.clone()),
                None => t.array("x", arange(df.rows())),
            };
            match &c.data {
                ColumnData::Num(v) => t.array("y", v.clone()),
                ColumnData::Text(v) => t.attr("y", json!(v)),
            }
        })
        .collect()
}

fn xy_plot(func: &'static str, doc: &str) -> NodeDef {
    let mut spec = NodeSpec::new(func, "DATA/VISUALIZATION/PLOTLY", doc)
        .input("default", PLOTTABLE, "The data to plot")
        .output("default", PLOTLY, "The figure");
    if func == "LINE" {
        spec = spec
            .str("xaxis_title", "", "Title of the x axis")
            .str("yaxis_title", "", "Title of the y axis")
            .bool("x_log_scale", false, "Logarithmic x axis")
            .bool("y_log_scale", false, "Logarithmic y axis");
    }
    NodeDef::sync(spec, |ctx| {
        let line = ctx.spec.func == "LINE";
        let v = ctx.need("default")?;
        let mut fig = plot_layout(Vec::new(), &ctx.spec.func);
        let kind = if line { Kind::Line } else { Kind::Scatter };
        if !add_traces(&mut fig, kind, v, true) {
            return Err(ctx.wrong_type("default", v));
        }
        if line {
            for (param, axis) in [("xaxis_title", "xaxis"), ("yaxis_title", "yaxis")] {
                if !ctx.text(param).is_empty() {
                    fig = axis_title(fig, axis, ctx.text(param));
                }
            }
            if ctx.bool("x_log_scale") {
                fig = axis_log(fig, "xaxis");
            }
            if ctx.bool("y_log_scale") {
                fig = axis_log(fig, "yaxis");
            }
        }
        Ok(Outputs::one(Value::Plotly { fig }))
    })
}

fn histogram() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "HISTOGRAM",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot how the values are distributed (plotly bins them).",
        )
        .input("default", PLOTTABLE, "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let v = ctx.need("default")?;
            let mut fig = plot_layout(Vec::new(), "HISTOGRAM");
            if !add_traces(&mut fig, Kind::Histogram, v, true) {
                return Err(ctx.wrong_type("default", v));
            }
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}

/// BIG_NUMBER remembers the previous number of this run for its delta.
#[derive(Default)]
struct Previous(Option<f64>);

fn big_number() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "BIG_NUMBER",
            "DATA/VISUALIZATION/PLOTLY",
            "Show a number large, with its change since the previous value in this run.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Scalar, T::Vector]), "The number (the last y or element)")
        .output("default", PLOTLY, "The figure")
        .str("suffix", "", "Text after the number")
        .str("prefix", "", "Text before the number")
        .str("title", "", "Title (BIG_NUMBER when empty)")
        .int_range(
            "dec_places",
            0,
            Some(0),
            Some(15),
            "Decimal places (Flojoy 2023 files); unused with scientific notation",
        )
        .bool("relative_delta", true, "Show the change as a percentage")
        .bool("scientific_notation", false, "Use scientific notation"),
        |ctx| {
            let big = match ctx.need("default")? {
                Value::OrderedPair { y, .. } => y.last().copied(),
                Value::Scalar { c } => Some(*c),
                Value::Vector { v } => v.last().copied(),
                other => return Err(ctx.wrong_type("default", other)),
            }
            .ok_or_else(|| NodeError::new("the input is empty: there is no number to show"))?;
            let relative = ctx.bool("relative_delta");
            // Flojoy: "%g" (here: the decimal places a 2023 file asks for) or ".4e"
            let format = if ctx.bool("scientific_notation") {
                ".4e".to_owned()
            } else if ctx.opt_f64("dec_places").is_some_and(|d| d > 0.0) {
                format!(".{}f", ctx.count("dec_places")?)
            } else {
                "%g".to_owned()
            };
            let title = match ctx.text("title") {
                "" => "BIG_NUMBER".to_owned(),
                t => t.to_owned(),
            };
            let (prefix, suffix) = (ctx.text("prefix").to_owned(), ctx.text("suffix").to_owned());
            let prev = ctx.memory::<Previous>().0.replace(big);
            let mut trace = Trace::new("indicator")
                .attr("mode", "number+delta")
                .attr("value", big)
                .attr("domain", json!({"y": [0, 1], "x": [0, 1]}))
                .attr("number", json!({"prefix": prefix, "suffix": suffix, "valueformat": format}));
            if let Some(p) = prev {
                let f = if relative { ".1%" } else { ".1f" };
                trace = trace.attr("delta", json!({"reference": p, "relative": relative, "valueformat": f}));
            }
            Ok(Outputs::one(Value::Plotly { fig: plot_layout(vec![trace], &title) }))
        },
    )
    .stateful()
}

fn text_view() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("TEXT_VIEW", "DATA/VISUALIZATION/DATA_STRUCTURE", "Show text (a Boolean shows as True/False).")
            .input("default", TypeSet::union(&[T::String, T::Boolean]), "The text")
            .output("default", TypeSet::of(T::String), "The same text")
            .bool("prettify", false, "Show the text as Python's pprint would (quoted, wrapped at 80 columns)"),
        |ctx| {
            let s = match ctx.need("default")? {
                Value::String { s } if ctx.bool("prettify") => python::pformat_str(s),
                Value::String { s } => s.clone(),
                Value::Boolean { b } => if *b { "True" } else { "False" }.to_owned(),
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::string(s)))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Shared trace builders: LINE, SCATTER, HISTOGRAM, BAR and COMPOSITE add the same traces.

/// A trace kind of LINE/SCATTER/HISTOGRAM/BAR (COMPOSITE's `first_figure`/`second_figure`).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Line,
    Scatter,
    Histogram,
    Bar,
}

fn set_axis_title(fig: &mut Figure, axis: &str, title: &str) {
    let f = std::mem::take(fig);
    *fig = axis_title(f, axis, title);
}

/// A JSON array of numbers (NaN and ±Inf become null, as plotly's encoder writes them).
fn nums(v: &[f64]) -> Json {
    Json::Array(v.iter().map(|&x| serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)).collect())
}

fn column_json(c: &Column) -> Json {
    match &c.data {
        ColumnData::Num(v) => nums(v),
        ColumnData::Text(v) => json!(v),
    }
}

/// pandas' `value_counts()` of a text column: most frequent first, ties in order of first
/// appearance; missing cells ("" here) are left out, as pandas drops NaN.
fn value_counts(cells: &[String]) -> (Vec<String>, Vec<f64>) {
    let mut order: Vec<(&str, usize)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for c in cells.iter().filter(|c| !c.is_empty()) {
        match index.get(c.as_str()) {
            Some(&i) => order[i].1 += 1,
            None => {
                index.insert(c, order.len());
                order.push((c, 1));
            }
        }
    }
    order.sort_by_key(|o| std::cmp::Reverse(o.1));
    (order.iter().map(|(s, _)| (*s).to_owned()).collect(), order.iter().map(|(_, n)| *n as f64).collect())
}

/// Adds the traces Flojoy's block (or COMPOSITE's helper) adds for `v`, with their axis titles.
/// `dated_bars`: BAR looks for a date first column; COMPOSITE's bar helper never does.
/// Returns false for a type the kind cannot draw.
fn add_traces(fig: &mut Figure, kind: Kind, v: &Value, dated_bars: bool) -> bool {
    let mode = match kind {
        Kind::Line => "lines",
        _ => "markers",
    };
    let xy = |x: Vec<f64>, y: Vec<f64>| match kind {
        Kind::Line => Trace::new("scatter").array("x", x).array("y", y).attr("mode", "lines"),
        Kind::Scatter => {
            Trace::new("scatter").array("x", x).array("y", y).attr("mode", "markers").attr("marker", json!({"size": 4}))
        }
        Kind::Bar => Trace::new("bar").array("x", x).array("y", y),
        Kind::Histogram => Trace::new("histogram").array("x", y),
    };
    match v {
        Value::OrderedPair { x, y } => fig.traces.push(xy(x.clone(), y.clone())),
        Value::Vector { v } => fig.traces.push(xy(arange(v.len()), v.clone())),
        Value::Matrix { m } => {
            if kind == Kind::Histogram {
                fig.traces.push(Trace::new("histogram").array("x", m.data.clone()));
                return true;
            }
            for r in 0..m.rows {
                let t = match kind {
                    Kind::Bar => Trace::new("bar"),
                    _ => Trace::new("scatter").attr("mode", mode),
                };
                fig.traces.push(
                    t.attr("name", format!("Row {}", r + 1)).array("x", arange(m.cols)).array("y", m.row(r).to_vec()),
                );
            }
            set_axis_title(fig, "xaxis", "Column");
            set_axis_title(fig, "yaxis", "Value");
        }
        Value::DataFrame { m } => match kind {
            Kind::Line | Kind::Scatter => fig.traces.extend(frame_traces(m, "scatter", Some(mode))),
            Kind::Histogram => {
                for c in &m.columns {
                    fig.traces.push(match &c.data {
                        ColumnData::Num(v) => {
                            Trace::new("histogram").array("x", v.clone()).attr("name", c.name.clone())
                        }
                        ColumnData::Text(v) => Trace::new("histogram").attr("x", json!(v)).attr("name", c.name.clone()),
                    });
                }
                set_axis_title(fig, "xaxis", "Value");
                set_axis_title(fig, "yaxis", "Frequency");
            }
            Kind::Bar => {
                if dated_bars && m.columns.first().is_some_and(is_date_column) {
                    fig.traces.extend(frame_traces(m, "bar", None));
                    let first = m.columns[0].name.clone();
                    set_axis_title(fig, "xaxis", &first);
                } else {
                    for c in &m.columns {
                        fig.traces.push(match &c.data {
                            // an object (text) column is counted
                            ColumnData::Text(cells) => {
                                let (labels, counts) = value_counts(cells);
                                Trace::new("bar")
                                    .attr("x", json!(labels))
                                    .array("y", counts)
                                    .attr("name", c.name.clone())
                            }
                            ColumnData::Num(y) => Trace::new("bar")
                                .array("x", arange(m.rows()))
                                .array("y", y.clone())
                                .attr("name", c.name.clone()),
                        });
                    }
                    set_axis_title(fig, "xaxis", "DF index");
                    set_axis_title(fig, "yaxis", "Y Axis");
                }
            }
        },
        _ => return false,
    }
    true
}

fn bar() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "BAR",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot the input as bars. A DataFrame gives one bar series per column (a date first column \
             becomes the x axis); text columns are counted (pandas value_counts).",
        )
        .input("default", PLOTTABLE, "The data to plot")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let v = ctx.need("default")?;
            let mut fig = plot_layout(Vec::new(), "BAR");
            if !add_traces(&mut fig, Kind::Bar, v, true) {
                return Err(ctx.wrong_type("default", v));
            }
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}

fn composite() -> NodeDef {
    let kinds = &["bar", "line", "histogram", "scatter"];
    NodeDef::sync(
        NodeSpec::new(
            "COMPOSITE",
            "DATA/VISUALIZATION/PLOTLY",
            "Overlay two plots in one figure: the primary input drawn as the first figure type, the \
             secondary as the second (bar, line, histogram or scatter, as those nodes draw them; bars of a \
             DataFrame never use a date column as x).",
        )
        .input("primary_trace", PLOTTABLE, "The data of the first figure")
        .input("secondary_trace", PLOTTABLE, "The data of the second figure")
        .output("default", PLOTLY, "The figure")
        .select("first_figure", kinds, "scatter", "How to draw the primary data")
        .select("second_figure", kinds, "line", "How to draw the secondary data"),
        |ctx| {
            let kind = |name: &str| match ctx.text(name) {
                "bar" => Kind::Bar,
                "line" => Kind::Line,
                "histogram" => Kind::Histogram,
                _ => Kind::Scatter,
            };
            let mut fig = plot_layout(Vec::new(), "COMPOSITE");
            for (input, param) in [("primary_trace", "first_figure"), ("secondary_trace", "second_figure")] {
                let v = ctx.need(input)?;
                if !add_traces(&mut fig, kind(param), v, false) {
                    return Err(ctx.wrong_type(input, v));
                }
            }
            // fig.update_layout(autosize=True, height=None, width=None) leaves this layout as it is
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}

fn table() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "TABLE",
            "DATA/VISUALIZATION/PLOTLY",
            "Show the data as a table: columns x, y (and z), v, or a DataFrame's columns.",
        )
        .input("default", TypeSet::union(&[T::OrderedTriple, T::OrderedPair, T::DataFrame, T::Vector]), "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let center = |headers: Json, cells: Json| {
                Trace::new("table")
                    .attr("header", json!({"values": headers, "align": "center"}))
                    .attr("cells", json!({"values": cells, "align": "center"}))
            };
            let trace = match ctx.need("default")? {
                Value::OrderedPair { x, y } => center(json!(["x", "y"]), json!([nums(x), nums(y)])),
                Value::OrderedTriple { x, y, z } => center(json!(["x", "y", "z"]), json!([nums(x), nums(y), nums(z)])),
                Value::Vector { v } => center(json!(["v"]), json!([nums(v)])),
                // Flojoy's block also draws a Scalar (its port does not list it)
                Value::Scalar { c } => Trace::new("table")
                    .attr("header", json!({"values": ["Scalar"], "align": "center", "font": {"size": 1}, "height": 0}))
                    .attr("cells", json!({"values": [nums(&[*c])], "align": "center", "font": {"size": 25}})),
                Value::DataFrame { m } => {
                    let names: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
                    center(json!(names), Json::Array(m.columns.iter().map(column_json).collect()))
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::Plotly { fig: plot_layout(vec![trace], "TABLE") }))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// IMAGE: plotly express' imshow sends RGB(A) images to plotly.js as a PNG data URI.

/// Whether every value is a whole number in 0..=255: what a uint8 image holds. Our channels are
/// f64, so this stands in for numpy's `dtype == uint8` test.
pub(crate) fn is_u8(m: &Matrix) -> bool {
    m.data.iter().all(|v| v.fract() == 0.0 && (0.0..=255.0).contains(v))
}

/// numpy's cast of a float to uint8 (`astype(np.uint8)` on x86-64): truncation toward zero, then
/// the low 8 bits; NaN and values beyond 64 bits give 0.
pub(crate) fn np_u8(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= 9.2e18 {
        return 0.0;
    }
    ((x.trunc() as i64).rem_euclid(256)) as f64
}

static CRC_TABLE: OnceLock<[u32; 256]> = OnceLock::new();

fn crc32(parts: &[&[u8]]) -> u32 {
    let table = CRC_TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (n, e) in t.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *e = c;
        }
        t
    });
    let mut c = 0xffff_ffffu32;
    for p in parts {
        for &b in *p {
            c = table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
    }
    c ^ 0xffff_ffff
}

/// An 8-bit RGB or RGBA PNG of `pixels` (row-major, `channels` bytes each): every row with filter
/// 0, the image data in uncompressed ("stored") deflate blocks of at most 65535 bytes. Simple and
/// exactly reproducible; plotly.js reads it like any PNG.
pub(crate) fn png_stored(width: usize, height: usize, channels: usize, pixels: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(height * (width * channels + 1));
    for row in pixels.chunks(width * channels).take(height) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if raw.is_empty() { vec![&[][..]] } else { raw.chunks(65535).collect() };
    let last = blocks.len() - 1;
    for (i, b) in blocks.iter().enumerate() {
        z.push(u8::from(i == last));
        let len = b.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(b);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
    };
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(width as u32).to_be_bytes());
    ihdr.extend_from_slice(&(height as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, if channels == 4 { 6 } else { 2 }, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &z);
    chunk(b"IEND", &[]);
    png
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            out.push(if i <= c.len() { char::from(ABC[((n >> shift) & 63) as usize]) } else { '=' });
        }
    }
    out
}

/// `px.imshow(img)` of an RGB(A) image: one `image` trace with the picture as a PNG data URI.
/// A uint8 image is sent as it is; any other is first rescaled to 0..255 over 0..zmax, zmax
/// inferred from its largest value (1, 255, 65535 or 2³²), and then its hover shows no colour.
fn imshow(channels: &[&Matrix]) -> Trace {
    let (h, w, n) = (channels[0].rows, channels[0].cols, channels.len());
    let uint8 = channels.iter().all(|m| is_u8(m));
    let mut changed = false;
    let zmax = if uint8 {
        255.0
    } else {
        let max =
            channels.iter().flat_map(|m| m.data.iter()).copied().filter(|v| v.is_finite()).fold(f64::MIN, f64::max);
        if max <= 1.05 {
            1.0
        } else if max <= 255.0 * 1.05 {
            255.0
        } else if max <= 65535.0 * 1.05 {
            65535.0
        } else {
            4_294_967_296.0
        }
    };
    let mut pixels = vec![0u8; h * w * n];
    for (c, m) in channels.iter().enumerate() {
        for (i, &v) in m.data.iter().enumerate() {
            let b = if uint8 {
                v
            } else {
                // rescale_intensity(img, in_range=(0, zmax), out_range=np.uint8): clip, scale, truncate
                let s = np_u8(v.clamp(0.0, zmax) / zmax * 255.0);
                changed |= s != v;
                s
            };
            pixels[i * n + c] = b as u8;
        }
    }
    let png = png_stored(w, h, n, &pixels);
    let hover = if changed {
        "x: %{x}<br>y: %{y}<extra></extra>"
    } else if n == 3 {
        "x: %{x}<br>y: %{y}<br>color: [%{z[0]}, %{z[1]}, %{z[2]}]<extra></extra>"
    } else {
        "x: %{x}<br>y: %{y}<br>color: %{z}<extra></extra>"
    };
    Trace::new("image")
        .attr("name", "0")
        .attr("source", format!("data:image/png;base64,{}", base64(&png)))
        .attr("xaxis", "x")
        .attr("yaxis", "y")
        .attr("hovertemplate", hover)
}

fn image() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "IMAGE",
            "DATA/VISUALIZATION/PLOTLY",
            "Show an Image (RGB or RGBA) or a Grayscale image (values 0–1, shown ×255), as plotly \
             express' imshow does.",
        )
        .input("default", TypeSet::union(&[T::Image, T::Grayscale]), "The image")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let trace = match ctx.need("default")? {
                Value::Image { r, g, b, a } => {
                    let mut ch = vec![r, g, b];
                    ch.extend(a.as_ref());
                    imshow(&ch)
                }
                Value::Grayscale { m } => {
                    // rgb_image[..., c] = img * 255 into a uint8 array
                    let u =
                        Matrix { rows: m.rows, cols: m.cols, data: m.data.iter().map(|v| np_u8(v * 255.0)).collect() };
                    imshow(&[&u, &u, &u])
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            // fig.layout = plot_layout("IMAGE") replaces plotly express' layout
            Ok(Outputs::one(Value::Plotly { fig: plot_layout(vec![trace], "IMAGE") }))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Figures that keep plotly.py's default "plotly" template (HEATMAP, px figures, the table views).

/// plotly.py's default template (`plotly.io.templates["plotly"]`, from plotly.py's package data,
/// MIT licence). Figures Flojoy builds without `plot_layout`'s empty template carry it.
const PLOTLY_TEMPLATE: &str = include_str!("../../assets/plotly_template.json");

fn plotly_template() -> Json {
    static T: OnceLock<Json> = OnceLock::new();
    T.get_or_init(|| serde_json::from_str(PLOTLY_TEMPLATE).unwrap_or_else(|_| json!({}))).clone()
}

/// Merges `patch` into `base` as plotly's `update_layout` does (objects merge key by key).
fn merge(base: &mut Json, patch: &Json) {
    match (base, patch) {
        (Json::Object(b), Json::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(old) if old.is_object() && v.is_object() => merge(old, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// `fig.update_layout(plot_layout(title))` on a figure that has the default template: updating
/// with an empty template leaves the template as it is.
fn update_with_plot_layout(fig: &mut Figure, title: &str) {
    let mut layout = Json::Object(std::mem::take(&mut fig.layout));
    merge(
        &mut layout,
        &json!({"title": {"text": title}, "autosize": true, "margin": {"t": 30, "r": 0, "b": 0, "l": 0}, "xaxis": {"type": "-"}}),
    );
    if let Json::Object(o) = layout {
        fig.layout = o;
    }
}

/// `np.unique`: sorted distinct values (NaNs, if any, as one NaN at the end).
fn unique(v: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s.dedup_by(|a, b| a == b || (a.is_nan() && b.is_nan()));
    // total_cmp puts negative NaNs first; numpy puts every NaN last
    if s.first().is_some_and(|x| x.is_nan()) && s.len() > 1 {
        s.rotate_left(1);
    }
    s
}

/// ORDERED_TRIPLE_2_SURFACE's grid: unique x and y, z zero-padded or cut to len(y)×len(x).
fn triple_grid(x: &[f64], y: &[f64], z: &[f64]) -> (Vec<f64>, Vec<f64>, Matrix) {
    let (ux, uy) = (unique(x), unique(y));
    let size = ux.len() * uy.len();
    let mut data: Vec<f64> = z.iter().copied().take(size).collect();
    data.resize(size, 0.0);
    (ux.clone(), uy.clone(), Matrix { rows: uy.len(), cols: ux.len(), data })
}

/// `np.reshape(v, (2, len(v)//2))` of a 1-D array.
fn two_rows(v: &[f64]) -> Result<Matrix, NodeError> {
    let half = v.len() / 2;
    if v.len() != 2 * half {
        return Err(NodeError(format!("cannot reshape array of size {} into shape (2,{half})", v.len())));
    }
    Ok(Matrix { rows: 2, cols: half, data: v.to_vec() })
}

/// numpy's `percentile(a, q)` with the default linear method, on sorted data.
fn percentile_sorted(s: &[f64], q: f64) -> f64 {
    let virt = (s.len() - 1) as f64 * (q / 100.0);
    let lo = virt.floor();
    let g = virt - lo;
    let i = lo as usize;
    let (a, b) = (s[i], s[(i + 1).min(s.len() - 1)]);
    let d = b - a;
    if g >= 0.5 { b - d * (1.0 - g) } else { a + d * g }
}

/// `np.histogram(a, bins="auto")`: counts and edges, with numpy's bin choice (the smaller of the
/// Sturges and Freedman–Diaconis widths) and its way of placing values in equal bins.
fn histogram_auto(a: &[f64]) -> Result<(Vec<f64>, Vec<f64>), NodeError> {
    let (mut first, mut last) = if a.is_empty() {
        (0.0, 1.0)
    } else {
        let lo = a.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !(lo.is_finite() && hi.is_finite()) || a.iter().any(|v| v.is_nan()) {
            return Err(NodeError(format!("autodetected range of [{lo}, {hi}] is not finite")));
        }
        (lo, hi)
    };
    if first == last {
        first -= 0.5;
        last += 0.5;
    }
    let bins = if a.is_empty() {
        1
    } else {
        let mut s = a.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len() as f64;
        let ptp = s[s.len() - 1] - s[0];
        let sturges = ptp / (n.log2() + 1.0);
        let iqr = percentile_sorted(&s, 75.0) - percentile_sorted(&s, 25.0);
        let fd = 2.0 * iqr * n.powf(-1.0 / 3.0);
        let width = if fd != 0.0 { fd.min(sturges) } else { sturges };
        if width != 0.0 { ((last - first) / width).ceil() as usize } else { 1 }
    };
    if bins > super::ctx::MAX_COUNT {
        return Err(NodeError(format!("too many histogram bins: {bins}")));
    }
    let edges = linspace(first, last, bins + 1);
    let mut counts = vec![0.0; bins];
    let denom = last - first;
    for &x in a {
        if x < first || x > last {
            continue;
        }
        let mut i = ((x - first) / denom * bins as f64) as usize;
        if i == bins {
            i -= 1;
        }
        if x < edges[i] {
            i = i.saturating_sub(1);
        } else if i + 1 < bins && x >= edges[i + 1] {
            i += 1;
        }
        counts[i] += 1.0;
    }
    Ok((counts, edges))
}

/// A text cell of z as plotly.js reads it (`Lib.cleanNumber`): quotes, `%`, `$`, `#` and
/// spaces stripped from both ends, commas and spaces removed, then a decimal number; anything
/// else is a gap (NaN). (plotly.js also reads hexadecimal; no Flojoy data has it.)
fn plotly_js_number(s: &str) -> f64 {
    let edge = |c: char| matches!(c, '\'' | '"' | '%' | ',' | '$' | '#') || c.is_whitespace();
    let s: String = s.trim_matches(edge).chars().filter(|&c| c != ',' && c != ' ').collect();
    let numeric = !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if numeric { s.parse::<f64>().unwrap_or(f64::NAN) } else { f64::NAN }
}

fn heatmap() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "HEATMAP",
            "DATA/VISUALIZATION/PLOTLY",
            "Show a grid of numbers as colours: a Matrix or Grayscale image, a DataFrame, an \
             OrderedTriple (z over the unique x and y), or a Vector/OrderedPair folded into two rows. \
             Optionally writes the values in the cells and adds a histogram of the values beside it.",
        )
        .input(
            "default",
            TypeSet::union(&[
                T::OrderedPair,
                T::Matrix,
                T::Grayscale,
                T::DataFrame,
                T::Vector,
                T::OrderedTriple,
                T::Surface,
            ]),
            "The data",
        )
        .output("default", PLOTLY, "The figure")
        .bool("show_text", false, "Write each value in its cell")
        .bool("histogram", false, "Add a histogram of the values beside the heatmap (a zmax slider too)"),
        run_heatmap,
    )
}

fn run_heatmap(ctx: &mut Ctx<'_>) -> NodeResult {
    let (show_text, with_hist) = (ctx.bool("show_text"), ctx.bool("histogram"));
    let mut fig = Figure::new(Vec::new()).layout("template", plotly_template());
    let heat = |z: &Matrix| {
        let t = Trace::new("heatmap").matrix("z", z.clone()).attr("texttemplate", "%{text}");
        let t = if show_text { t.matrix("text", z.clone()) } else { t };
        if with_hist { t.attr("xaxis", "x").attr("yaxis", "y") } else { t }
    };
    // (z for the histogram, whether its bars lie along y)
    let mut hist: Option<(Matrix, bool)> = None;
    match ctx.need("default")? {
        Value::Vector { v } => {
            let z = two_rows(v)?;
            fig.traces.push(heat(&z));
            hist = Some((z, false));
        }
        Value::OrderedPair { x, y } => {
            let z = two_rows(y)?;
            fig.traces.push(heat(&z).array("x", x.clone()).array("y", y.clone()));
            hist = Some((z, false));
        }
        Value::OrderedTriple { x, y, z } => {
            let (ux, uy, z) = triple_grid(x, y, z);
            fig.traces.push(heat(&z).array("x", ux).array("y", uy));
            hist = Some((z, false));
        }
        Value::Matrix { m } => {
            fig.traces.push(heat(m));
            hist = Some((m.clone(), false));
        }
        Value::Grayscale { m } => {
            fig.traces.push(heat(m));
            hist = Some((m.clone(), true));
        }
        Value::DataFrame { m } => {
            // px.imshow(df, text_auto=show_text) replaces the figure. (With histogram=True Flojoy then
            // fails, reading the histogram of a DataFrame it never made; here the heatmap is shown alone.)
            // A text column (iris' species) goes into z as strings, which plotly.js reads as numbers
            // where it can and draws as gaps where it cannot; z holds what plotly.js draws.
            let mut data = Vec::with_capacity(m.rows() * m.columns.len());
            for r in 0..m.rows() {
                for c in &m.columns {
                    data.push(match &c.data {
                        ColumnData::Num(v) => v[r],
                        ColumnData::Text(v) => plotly_js_number(&v[r]),
                    });
                }
            }
            let z = Matrix { rows: m.rows(), cols: m.columns.len(), data };
            let names: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
            let mut t = Trace::new("heatmap")
                .attr("coloraxis", "coloraxis")
                .attr("name", "0")
                .attr("x", json!(names))
                .array("y", arange(m.rows()))
                .matrix("z", z)
                .attr("xaxis", "x")
                .attr("yaxis", "y")
                .attr("hovertemplate", "x: %{x}<br>y: %{y}<br>color: %{z}<extra></extra>");
            if show_text {
                t = t.attr("texttemplate", "%{z}");
            }
            let sequential = plotly_template()["layout"]["colorscale"]["sequential"].clone();
            let mut f = Figure::new(vec![t])
                .layout("template", plotly_template())
                .layout(
                    "xaxis",
                    json!({"anchor": "y", "domain": [0.0, 1.0], "scaleanchor": "y", "constrain": "domain"}),
                )
                .layout(
                    "yaxis",
                    json!({"anchor": "x", "domain": [0.0, 1.0], "autorange": "reversed", "constrain": "domain"}),
                )
                .layout("coloraxis", json!({"colorscale": sequential}))
                .layout("margin", json!({"t": 60}));
            update_with_plot_layout(&mut f, "HEATMAP");
            return Ok(Outputs::one(Value::Plotly { fig: f }));
        }
        // Flojoy's port lists Surface but its block draws nothing for it: an empty heatmap figure
        Value::Surface { .. } => {}
        other => return Err(ctx.wrong_type("default", other)),
    }
    if with_hist {
        // make_subplots(rows=1, cols=2, column_widths=[0.9, 0.1], horizontal_spacing=0.05)
        fig.layout.insert("xaxis".into(), json!({"anchor": "y", "domain": [0.0, 0.855]}));
        fig.layout.insert("yaxis".into(), json!({"anchor": "x", "domain": [0.0, 1.0]}));
        fig.layout.insert("xaxis2".into(), json!({"anchor": "y2", "domain": [0.905, 1.0]}));
        fig.layout.insert("yaxis2".into(), json!({"anchor": "x2", "domain": [0.0, 1.0]}));
        let steps: Vec<Json> = (1..255)
            .map(|v| json!({"label": v.to_string(), "method": "restyle", "args": [{"zmin": 0, "zmax": v}]}))
            .collect();
        let mut extra = json!({"sliders": [{"steps": steps, "name": "zmax"}]});
        if let Some((z, along_y)) = hist {
            let (counts, edges) = histogram_auto(&z.data)?;
            let xv: Vec<f64> = edges[..edges.len() - 1].iter().map(|e| e + 0.05).collect();
            let bar = Trace::new("bar").attr("orientation", "h").attr("showlegend", false);
            let bar = if along_y {
                bar.array("y", xv.clone()).array("x", counts.clone())
            } else {
                bar.array("x", xv.clone()).array("y", counts.clone())
            };
            fig.traces.push(bar.attr("xaxis", "x2").attr("yaxis", "y2"));
            let top = counts.iter().copied().fold(f64::MIN, f64::max);
            let (lo, hi) = (xv.iter().copied().fold(f64::MAX, f64::min), xv.iter().copied().fold(f64::MIN, f64::max));
            merge(
                &mut extra,
                &json!({
                    "xaxis2": {"tickmode": "array", "tickvals": [0, top], "ticktext": ["0", format!("{top:.0}")]},
                    "yaxis2": {"tickmode": "array", "tickvals": [lo, hi], "ticktext": ["", ""]},
                }),
            );
        }
        let mut layout = Json::Object(std::mem::take(&mut fig.layout));
        merge(&mut layout, &extra);
        if let Json::Object(o) = layout {
            fig.layout = o;
        }
    }
    update_with_plot_layout(&mut fig, "HEATMAP");
    Ok(Outputs::one(Value::Plotly { fig }))
}

fn scatter3d() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SCATTER3D",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot points in 3-D: an OrderedTriple, or a DataFrame's first three columns (x, y, z; the \
             points coloured by z, as plotly express' scatter_3d does).",
        )
        .input("default", TypeSet::union(&[T::OrderedTriple, T::DataFrame]), "The points")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let fig = match ctx.need("default")? {
                Value::OrderedTriple { x, y, z } => plot_layout(
                    vec![
                        Trace::new("scatter3d")
                            .array("x", x.clone())
                            .array("y", y.clone())
                            .array("z", z.clone())
                            .attr("mode", "markers"),
                    ],
                    "SCATTER3D",
                ),
                Value::DataFrame { m } => {
                    if m.columns.len() < 3 {
                        return Err(NodeError::new(
                            "DataFrame must have at least 3 columns for x, y, and z coordinates.",
                        ));
                    }
                    let (cx, cy, cz) = (&m.columns[0], &m.columns[1], &m.columns[2]);
                    let ColumnData::Num(zv) = &cz.data else {
                        // plotly express would draw one trace per category; we colour by numbers only
                        return Err(NodeError(format!(
                            "SCATTER3D colours the points by the third column, which must hold numbers ('{}' holds text)",
                            cz.name
                        )));
                    };
                    let axis = |t: Trace, key: &str, c: &Column| match &c.data {
                        ColumnData::Num(v) => t.array(key, v.clone()),
                        ColumnData::Text(v) => t.attr(key, json!(v)),
                    };
                    let mut t = Trace::new("scatter3d")
                        .attr(
                            "hovertemplate",
                            format!(
                                "{}=%{{x}}<br>{}=%{{y}}<br>{}=%{{marker.color}}<extra></extra>",
                                cx.name, cy.name, cz.name
                            ),
                        )
                        .attr("legendgroup", "")
                        .attr("marker", json!({"color": nums(zv), "coloraxis": "coloraxis", "symbol": "circle"}))
                        .attr("mode", "markers")
                        .attr("name", "")
                        .attr("scene", "scene")
                        .attr("showlegend", false);
                    t = axis(t, "x", cx);
                    t = axis(t, "y", cy);
                    t = t.array("z", zv.clone());
                    let sequential = plotly_template()["layout"]["colorscale"]["sequential"].clone();
                    Figure::new(vec![t])
                        .layout("template", plotly_template())
                        .layout(
                            "scene",
                            json!({
                                "domain": {"x": [0.0, 1.0], "y": [0.0, 1.0]},
                                "xaxis": {"title": {"text": cx.name}},
                                "yaxis": {"title": {"text": cy.name}},
                                "zaxis": {"title": {"text": cz.name}},
                            }),
                        )
                        .layout(
                            "coloraxis",
                            json!({"colorbar": {"title": {"text": cz.name}}, "colorscale": sequential}),
                        )
                        .layout("legend", json!({"tracegroupgap": 0}))
                        .layout("margin", json!({"t": 60}))
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}

fn surface3d() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SURFACE3D",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot a 3-D surface: a Surface, a Matrix or DataFrame (z over the row and column indices), or \
             an OrderedTriple (z over the unique x and y, padded with zeros or cut to fit).",
        )
        .input("default", TypeSet::union(&[T::OrderedTriple, T::DataFrame, T::Surface, T::Matrix]), "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let trace = match ctx.need("default")? {
                Value::OrderedTriple { x, y, z } => {
                    let (ux, uy, z) = triple_grid(x, y, z);
                    // X, Y = np.meshgrid(x, y)
                    let gx = Matrix {
                        rows: uy.len(),
                        cols: ux.len(),
                        data: uy.iter().flat_map(|_| ux.iter().copied()).collect(),
                    };
                    let gy = Matrix {
                        rows: uy.len(),
                        cols: ux.len(),
                        data: uy.iter().flat_map(|&v| std::iter::repeat_n(v, ux.len())).collect(),
                    };
                    Trace::new("surface").matrix("x", gx).matrix("y", gy).matrix("z", z)
                }
                Value::Surface { x, y, z } => {
                    Trace::new("surface").array("x", x.clone()).array("y", y.clone()).matrix("z", z.clone())
                }
                Value::Matrix { m } => Trace::new("surface").matrix("z", m.clone()),
                Value::DataFrame { m } => {
                    let mut data = Vec::with_capacity(m.rows() * m.columns.len());
                    for r in 0..m.rows() {
                        for c in &m.columns {
                            match &c.data {
                                ColumnData::Num(v) => data.push(v[r]),
                                ColumnData::Text(_) => {
                                    return Err(NodeError(format!(
                                        "SURFACE3D needs a DataFrame of numbers, but column '{}' holds text",
                                        c.name
                                    )));
                                }
                            }
                        }
                    }
                    Trace::new("surface").matrix("z", Matrix { rows: m.rows(), cols: m.columns.len(), data })
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::Plotly { fig: plot_layout(vec![trace], "SURFACE3D") }))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// MATRIX_VIEW and ARRAY_VIEW: a few values of an array in a plotly table.

const L_DOT: &str = "$\\ldots$";
const V_DOT: &str = "$\\vdots$";
const D_DOT: &str = "$\\ddots$";

fn num(x: f64) -> Json {
    serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
}

/// The Table trace and fixed-size layout both views use (`fig.layout = go.Layout(...)` brings
/// back plotly's default template).
fn table_view(cell_values: Vec<Json>, width: u32) -> Figure {
    let t = Trace::new("table").attr("header", json!({"line": {"width": 0}, "values": []})).attr(
        "cells",
        json!({
            "values": cell_values,
            "line": {"width": 3},
            "font": {"size": 10},
            "height": 50,
            "align": "center",
            "format": [".3"],
        }),
    );
    Figure::new(vec![t])
        .layout("autosize", false)
        .layout("width", width)
        .layout("height", width + 80)
        .layout("margin", json!({"l": 0, "r": 0, "t": 0, "b": 0}))
        .layout("xaxis", json!({"visible": false}))
        .layout("yaxis", json!({"visible": false}))
        .layout("hovermode", "closest")
        .layout("font", json!({"size": 10}))
        .layout("template", plotly_template())
}

/// `arr.reshape(-1, 1)` as plotly cell columns: one single-cell column per element.
fn one_per_column(cells: Vec<Json>) -> Vec<Json> {
    cells.into_iter().map(|c| json!([c])).collect()
}

fn matrix_view() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "MATRIX_VIEW",
            "DATA/VISUALIZATION/DATA_STRUCTURE",
            "Show a Matrix (or a Vector, or an OrderedPair's y) as a table of at most 8×8 cells; larger \
             arrays show their corners with ellipses.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Matrix]), "The array")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            const MAX: usize = 8;
            let one_d = |v: &[f64]| -> Vec<Json> {
                let mut cells: Vec<Json> =
                    v.iter().take(if v.len() > MAX { MAX } else { v.len() }).map(|&x| num(x)).collect();
                if v.len() > MAX {
                    cells[MAX - 2] = json!(L_DOT);
                }
                one_per_column(cells)
            };
            let cells = match ctx.need("default")? {
                Value::Matrix { m } => {
                    let (rows, cols) = (m.rows, m.cols);
                    if rows > MAX || cols > MAX {
                        if rows < MAX - 2 || cols < MAX - 2 {
                            let (r, c) = (rows.min(MAX - 2), cols.min(MAX - 2));
                            return Err(NodeError(format!(
                                "could not broadcast input array from shape ({r},{c}) into shape (6,6) (MATRIX_VIEW \
                                 shows a large matrix only when it has at least 6 rows and 6 columns)"
                            )));
                        }
                        let mut n = vec![vec![json!(D_DOT); MAX]; MAX];
                        for (i, row) in n.iter_mut().enumerate().take(MAX - 2) {
                            for (j, cell) in row.iter_mut().enumerate().take(MAX - 2) {
                                *cell = num(m.get(i, j));
                            }
                            row[MAX - 1] = num(m.get(i, cols - 1));
                        }
                        for (j, cell) in n[MAX - 1].iter_mut().enumerate().take(MAX - 2) {
                            *cell = num(m.get(rows - 1, j));
                        }
                        n[MAX - 1][MAX - 1] = num(m.get(rows - 1, cols - 1));
                        n[0][MAX - 2] = json!(L_DOT);
                        n[MAX - 1][MAX - 2] = json!(L_DOT);
                        n[MAX - 2][0] = json!(V_DOT);
                        n[MAX - 2][MAX - 1] = json!(V_DOT);
                        // new_arr.T: plotly reads each inner list as a column
                        (0..MAX).map(|j| Json::Array((0..MAX).map(|i| n[i][j].clone()).collect())).collect()
                    } else {
                        (0..cols).map(|j| nums(&m.column(j))).collect()
                    }
                }
                Value::Vector { v } => one_d(v),
                Value::OrderedPair { y, .. } => one_d(y),
                other => return Err(ctx.wrong_type("default", other)),
            };
            Ok(Outputs::one(Value::Plotly { fig: table_view(cells, (MAX * 50 + 80) as u32) }))
        },
    )
}

fn array_view() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "ARRAY_VIEW",
            "DATA/VISUALIZATION/DATA_STRUCTURE",
            "Show the first values of an array in a table: an OrderedPair's y, a Matrix's or DataFrame's \
             rows (a DataFrame without its last column, as in Flojoy), or an Image's pixels.",
        )
        .input("default", TypeSet::union(&[T::OrderedPair, T::Matrix, T::DataFrame, T::Image]), "The data")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            const MAX: usize = 10;
            // numpy_array_as_table: rows of cells (a 1-D array has one cell per row)
            let rows: Vec<Vec<Json>> = match ctx.need("default")? {
                Value::OrderedPair { y, .. } => y.iter().map(|&x| vec![num(x)]).collect(),
                Value::Matrix { m } => (0..m.rows).map(|r| m.row(r).iter().map(|&x| num(x)).collect()).collect(),
                Value::DataFrame { m } => {
                    let keep = m.columns.len().saturating_sub(1);
                    (0..m.rows())
                        .map(|r| {
                            m.columns[..keep]
                                .iter()
                                .map(|c| match &c.data {
                                    ColumnData::Num(v) => num(v[r]),
                                    ColumnData::Text(v) => json!(v[r]),
                                })
                                .collect()
                        })
                        .collect()
                }
                Value::Image { r, g, b, a } => {
                    let mut ch = vec![r, g, b];
                    ch.extend(a.as_ref());
                    (0..r.data.len()).map(|i| ch.iter().map(|m| num(m.data[i])).collect()).collect()
                }
                other => return Err(ctx.wrong_type("default", other)),
            };
            let size: usize = rows.iter().map(Vec::len).sum();
            let mut rows = rows;
            if size > MAX {
                rows.truncate(MAX);
                let Some(row) = rows.get_mut(MAX - 2) else {
                    return Err(NodeError(format!(
                        "index 8 is out of bounds for axis 0 with size {} (ARRAY_VIEW needs at least 9 rows when \
                         there are more than 10 values)",
                        rows.len()
                    )));
                };
                for cell in row.iter_mut() {
                    *cell = json!(L_DOT);
                }
            }
            let cells = one_per_column(rows.into_iter().flatten().collect());
            // Flojoy compares the type with "image"/"dataframe" in lower case, which never matches:
            // the width is always 10·50 + 80
            Ok(Outputs::one(Value::Plotly { fig: table_view(cells, (MAX * 50 + 80) as u32) }))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// DEBUGGING

fn datacontainer_type() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("DATACONTAINER_TYPE", "DEBUGGING", "The type of the input DataContainer, as text (e.g. Vector).")
            .input("default", TypeSet::ANY, "Any value")
            .output("default", TypeSet::of(T::String), "The type name"),
        |ctx| Ok(Outputs::one(Value::string(ctx.need("default")?.data_type().name()))),
    )
}

// ---------------------------------------------------------------------------------------------
// PRINT_DATACONTAINER: Python's pprint.pformat of the DataContainer's dict, arrays as numpy
// prints them (float64, default print options).

/// The shortest round-trip decimal digits of |x| and the exponent of the first digit.
fn shortest_digits(x: f64) -> (String, i32) {
    let s = format!("{:e}", x.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    (mant.replace('.', ""), exp.parse().unwrap_or(0))
}

/// Digits with the decimal point placed by `exp` (the first digit's power of ten).
fn positional(digits: &str, exp: i32, add_dot_zero: bool) -> String {
    let n = digits.len() as i32;
    let (int, frac) = if exp < 0 {
        ("0".to_owned(), format!("{}{digits}", "0".repeat((-exp - 1) as usize)))
    } else if exp + 1 >= n {
        (format!("{digits}{}", "0".repeat((exp + 1 - n) as usize)), String::new())
    } else {
        (digits[..(exp + 1) as usize].to_owned(), digits[(exp + 1) as usize..].to_owned())
    };
    if frac.is_empty() {
        if add_dot_zero { format!("{int}.0") } else { format!("{int}.") }
    } else {
        format!("{int}.{frac}")
    }
}

/// numpy's `dragon4_positional(x, precision=8, unique=True, trim='.')`: (integer part, fraction).
fn np_positional(x: f64) -> (String, String) {
    let (digits, exp) = shortest_digits(x);
    let frac_len = (digits.len() as i32 - 1 - exp).max(0);
    let s = if frac_len > 8 {
        let t = format!("{:.8}", x.abs());
        let t = t.trim_end_matches('0');
        t.to_owned()
    } else {
        positional(&digits, exp, false)
    };
    let neg = if x.is_sign_negative() { "-" } else { "" };
    let (i, f) = s.split_once('.').unwrap_or((&s, ""));
    (format!("{neg}{i}"), f.to_owned())
}

/// numpy's `dragon4_scientific(x, precision=8, unique=True, trim='.')`: (integer digit with sign,
/// fraction digits, exponent).
fn np_scientific(x: f64) -> (String, String, i32) {
    let (mut digits, mut exp) = shortest_digits(x);
    if digits.len() > 9 {
        let s = format!("{:.8e}", x.abs());
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        digits = m.replace('.', "").trim_end_matches('0').to_owned();
        exp = e.parse().unwrap_or(0);
    }
    let neg = if x.is_sign_negative() { "-" } else { "" };
    (format!("{neg}{}", &digits[..1]), digits[1..].to_owned(), exp)
}

/// numpy's FloatingFormat (floatmode "maxprec", precision 8) fitted to `data`.
struct FloatFormat {
    exp: bool,
    pad_left: usize,
    pad_right: usize,
    precision: usize,
    exp_size: usize,
}

impl FloatFormat {
    fn new(data: &[f64]) -> FloatFormat {
        let finite: Vec<f64> = data.iter().copied().filter(|v| v.is_finite()).collect();
        let nonzero: Vec<f64> = finite.iter().filter(|v| **v != 0.0).map(|v| v.abs()).collect();
        let mut exp = false;
        if !nonzero.is_empty() {
            let max = nonzero.iter().copied().fold(f64::MIN, f64::max);
            let min = nonzero.iter().copied().fold(f64::MAX, f64::min);
            exp = max >= 1e8 || min < 0.0001 || max / min > 1000.0;
        }
        let mut f = FloatFormat { exp, pad_left: 0, pad_right: 0, precision: 8, exp_size: 0 };
        if finite.is_empty() {
        } else if exp {
            let parts: Vec<(String, String, i32)> = finite.iter().map(|&x| np_scientific(x)).collect();
            f.exp_size = parts.iter().map(|(_, _, e)| format!("{:02}", e.abs()).len()).max().unwrap_or(2);
            f.precision = parts.iter().map(|(_, fr, _)| fr.len()).max().unwrap_or(0);
            f.pad_left = parts.iter().map(|(i, _, _)| i.len()).max().unwrap_or(1);
            f.pad_right = f.exp_size + 2 + f.precision;
        } else {
            let parts: Vec<(String, String)> = finite.iter().map(|&x| np_positional(x)).collect();
            f.pad_left = parts.iter().map(|(i, _)| i.len()).max().unwrap_or(1);
            f.pad_right = parts.iter().map(|(_, fr)| fr.len()).max().unwrap_or(0);
        }
        if finite.len() != data.len() {
            let neginf = usize::from(data.iter().any(|v| v.is_infinite() && *v < 0.0));
            let offset = f.pad_right + 1;
            f.pad_left = f.pad_left.max(3usize.saturating_sub(offset)).max((3 + neginf).saturating_sub(offset));
        }
        f
    }

    fn format(&self, x: f64) -> String {
        if !x.is_finite() {
            let ret = if x.is_nan() {
                "nan"
            } else if x > 0.0 {
                "inf"
            } else {
                "-inf"
            };
            let width = self.pad_left + self.pad_right + 1;
            return format!("{ret:>width$}");
        }
        if self.exp {
            let (i, mut fr, e) = np_scientific(x);
            while fr.len() < self.precision {
                fr.push('0');
            }
            let sign = if e < 0 { '-' } else { '+' };
            let ed = format!("{:0width$}", e.abs(), width = self.exp_size);
            format!("{i:>pl$}.{fr}e{sign}{ed}", pl = self.pad_left)
        } else {
            let (i, fr) = np_positional(x);
            format!("{i:>pl$}.{fr:<pr$}", pl = self.pad_left, pr = self.pad_right)
        }
    }
}

/// `repr(ndarray)` of a float64 array with numpy's default print options (line width 75,
/// summaries with "..." beyond 1000 elements).
pub(crate) fn np_array_repr(data: &[f64], shape: (usize, Option<usize>)) -> String {
    let (rows, cols) = shape;
    if data.is_empty() {
        return match cols {
            None => "array([], dtype=float64)".into(),
            Some(c) => format!("array([], shape=({rows}, {c}), dtype=float64)"),
        };
    }
    let summarize = data.len() > 1000;
    let edge = |n: usize| -> Vec<Option<usize>> {
        if summarize && n > 6 {
            let mut v: Vec<Option<usize>> = (0..3).map(Some).collect();
            v.push(None);
            v.extend((n - 3..n).map(Some));
            v
        } else {
            (0..n).map(Some).collect()
        }
    };
    let row_idx = edge(rows);
    let col_idx = cols.map(edge);
    // the format is fitted to the values that are shown
    let shown: Vec<f64> = match &col_idx {
        None => row_idx.iter().flatten().map(|&i| data[i]).collect(),
        Some(ci) => {
            let c = cols.unwrap_or(1);
            row_idx.iter().flatten().flat_map(|&r| ci.iter().flatten().map(move |&j| data[r * c + j])).collect()
        }
    };
    let ff = FloatFormat::new(&shown);
    // one bracketed row, wrapped at `width` with `indent` on continuation lines
    let line_of = |items: &mut dyn Iterator<Item = Option<f64>>, indent: &str, width: usize| -> String {
        let words: Vec<String> = items.map(|x| x.map_or_else(|| "...".to_owned(), |x| ff.format(x))).collect();
        let mut s = String::new();
        let mut line = indent.to_owned();
        for (k, w) in words.iter().enumerate() {
            if line.len() + w.len() > width && line.len() > indent.len() {
                s.push_str(line.trim_end());
                s.push('\n');
                line = indent.to_owned();
            }
            line.push_str(w);
            if k + 1 < words.len() {
                line.push_str(", ");
            }
        }
        s.push_str(&line);
        format!("[{}]", &s[indent.len()..])
    };
    let body = match (cols, &col_idx) {
        (Some(c), Some(ci)) => {
            let inner = "        ";
            let lines: Vec<String> = row_idx
                .iter()
                .map(|r| match r {
                    Some(r) => line_of(&mut ci.iter().map(|j| j.map(|j| data[r * c + j])), inner, 72),
                    None => "...".to_owned(),
                })
                .collect();
            format!("[{}]", lines.join(",\n       "))
        }
        _ => line_of(&mut row_idx.iter().map(|i| i.map(|i| data[i])), "       ", 73),
    };
    format!("array({body})")
}

/// One value of the dict as pprint writes it: (repr, is a string to wrap).
enum Item {
    Repr(String),
    Str(String),
}

fn matrix_repr(m: &Matrix) -> String {
    np_array_repr(&m.data, (m.rows, Some(m.cols)))
}

fn vec_repr(v: &[f64]) -> String {
    np_array_repr(v, (v.len(), None))
}

/// A short pandas-like text of a DataFrame (pandas' own layout is not reproduced exactly).
fn frame_repr(df: &DataFrame) -> String {
    let n = df.rows();
    let index: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let iw = index.iter().map(String::len).max().unwrap_or(0);
    let cols: Vec<(String, Vec<String>)> =
        df.columns.iter().map(|c| (c.name.clone(), (0..n).map(|i| c.data.cell_text(i)).collect())).collect();
    let widths: Vec<usize> =
        cols.iter().map(|(h, v)| v.iter().map(String::len).chain([h.len()]).max().unwrap_or(0)).collect();
    let mut lines = vec![format!(
        "{}{}",
        " ".repeat(iw),
        cols.iter().zip(&widths).map(|((h, _), w)| format!("  {h:>w$}")).collect::<String>()
    )];
    for (i, idx) in index.iter().enumerate() {
        lines.push(format!(
            "{idx:<iw$}{}",
            cols.iter().zip(&widths).map(|((_, v), w)| format!("  {:>w$}", v[i])).collect::<String>()
        ));
    }
    if df.columns.is_empty() {
        return format!("Empty DataFrame\nColumns: []\nIndex: [{}]", index.join(", "));
    }
    lines.join("\n")
}

fn dc_items(v: &Value) -> Vec<(&'static str, Item)> {
    let none = || Item::Repr("None".into());
    let r = |s: String| Item::Repr(s);
    let mut items = match v {
        Value::OrderedPair { x, y } => vec![("extra", none()), ("x", r(vec_repr(x))), ("y", r(vec_repr(y)))],
        Value::OrderedTriple { x, y, z } => {
            vec![("extra", none()), ("x", r(vec_repr(x))), ("y", r(vec_repr(y))), ("z", r(vec_repr(z)))]
        }
        Value::Surface { x, y, z } => {
            vec![("extra", none()), ("x", r(vec_repr(x))), ("y", r(vec_repr(y))), ("z", r(matrix_repr(z)))]
        }
        Value::Scalar { c } => vec![("c", r(python::float_repr(*c))), ("extra", none())],
        Value::Vector { v } => vec![("extra", none()), ("v", r(vec_repr(v)))],
        Value::Matrix { m } | Value::Grayscale { m } => vec![("extra", none()), ("m", r(matrix_repr(m)))],
        Value::DataFrame { m } => vec![("extra", none()), ("m", r(frame_repr(m)))],
        Value::Image { r: red, g, b, a } => vec![
            ("a", a.as_ref().map_or_else(none, |a| r(matrix_repr(a)))),
            ("b", r(matrix_repr(b))),
            ("extra", none()),
            ("g", r(matrix_repr(g))),
            ("r", r(matrix_repr(red))),
        ],
        Value::Plotly { fig } => vec![("extra", none()), ("fig", r(format!("Figure({})", fig.to_json())))],
        Value::String { s } => vec![("s", Item::Str(s.clone()))],
        Value::Bytes { b } => vec![("b", r(python::bytes_repr(b)))],
        Value::Boolean { b } => vec![("b", r(if *b { "True" } else { "False" }.into()))],
    };
    items.push(("type", Item::Str(v.data_type().name().into())));
    items.sort_by_key(|(k, _)| *k);
    items
}

/// `pprint.pformat(dc.to_dict())`.
fn pformat_dc(v: &Value) -> String {
    let items = dc_items(v);
    let rep = |i: &Item| match i {
        Item::Repr(s) => s.clone(),
        Item::Str(s) => python::str_repr(s),
    };
    let one_line =
        format!("{{{}}}", items.iter().map(|(k, i)| format!("'{k}': {}", rep(i))).collect::<Vec<_>>().join(", "));
    if one_line.chars().count() <= 80 {
        return one_line;
    }
    let last = items.len() - 1;
    let mut out = String::from("{");
    for (n, (k, item)) in items.iter().enumerate() {
        let key = format!("'{k}'");
        out.push_str(&key);
        out.push_str(": ");
        // pprint passes the dict's allowance (1) to its last value and 1 to the others
        let allowance = 1;
        let indent = 1 + key.len() + 2;
        match item {
            Item::Str(s) => out.push_str(&python::pformat_nested_str(s, indent, allowance)),
            Item::Repr(s) => out.push_str(s),
        }
        if n != last {
            out.push_str(",\n ");
        }
    }
    out.push('}');
    out
}

fn print_datacontainer() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "PRINT_DATACONTAINER",
            "DEBUGGING",
            "The input DataContainer as text (Python's pprint of its fields, arrays as numpy prints \
             them), in a ``` block; show it with TEXT_VIEW.",
        )
        .input("default", TypeSet::ANY, "Any value")
        .output("default", TypeSet::of(T::String), "The text"),
        |ctx| Ok(Outputs::one(Value::string(format!("```\n{}\n```", pformat_dc(ctx.need("default")?))))),
    )
}

fn dc_content_type() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "DC_CONTENT_TYPE",
            "DEBUGGING",
            "The Python types of the input DataContainer's fields, as text (e.g. v: <class 'numpy.ndarray'>).",
        )
        .input("default", TypeSet::ANY, "Any value")
        .output("default", TypeSet::of(T::String), "The field types"),
        |ctx| {
            const ARRAY: &str = "<class 'numpy.ndarray'>";
            let v = ctx.need("default")?;
            let s = match v {
                Value::OrderedPair { .. } => format!("x: {ARRAY}, \ny: {ARRAY}"),
                Value::OrderedTriple { .. } | Value::Surface { .. } => {
                    format!("x: {ARRAY}, \ny: {ARRAY}, \nz: {ARRAY}")
                }
                Value::Vector { .. } => format!("v: {ARRAY}"),
                Value::Matrix { .. } | Value::Grayscale { .. } => format!("m: {ARRAY}"),
                Value::DataFrame { .. } => "m: <class 'pandas.core.frame.DataFrame'>".to_owned(),
                // a Scalar's c is kept as the Python number it was made from (SCALAR gives a float)
                Value::Scalar { .. } => "c: <class 'float'>".to_owned(),
                Value::Image { .. } => format!("r: {ARRAY}, \ng: {ARRAY}, \nb: {ARRAY}"),
                Value::String { .. } => "s: <class 'str'>".to_owned(),
                other => {
                    return Err(NodeError(format!(
                        "Unsupported DC type {}. Please add it to the node.",
                        other.data_type().name()
                    )));
                }
            };
            Ok(Outputs::one(Value::string(s)))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::plotly_js_number;

    #[test]
    fn text_cells_read_as_plotly_js_reads_them() {
        for (s, want) in [("12", 12.0), (" $1,200 ", 1200.0), ("'-3.5e2'", -350.0), ("50%", 50.0), (".5", 0.5)] {
            assert_eq!(plotly_js_number(s), want, "{s:?}");
        }
        for s in ["setosa", "", "inf", "NaN", "1_000", "2023-01-01", "1-"] {
            assert!(plotly_js_number(s).is_nan(), "{s:?}");
        }
    }
}
