//! DATA/VISUALIZATION: nodes that turn data into plotly figures (or text) for the canvas and
//! the dashboard. Traces and layouts follow Flojoy's blocks attribute by attribute, so a
//! figure saved by Flojoy and one made here look the same.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Value as Json, json};

use super::{Ctx, NodeDef, NodeError, NodeResult, Outputs};
use crate::numeric::array::{arange, is_u8, np_u8};
use crate::numeric::array_repr::np_array_repr;
use crate::numeric::histogram::histogram_auto;
use crate::numeric::png::{base64, png_stored};
use crate::numeric::python;
use crate::numeric::sort::unique;
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
