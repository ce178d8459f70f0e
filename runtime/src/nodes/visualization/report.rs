//! REPORT_GENERATION: an HTML test report of a title, a logo, an introduction, a pass/fail
//! status and figures (each with the title and caption ANNOTATE_PLOTLY gave it).
//!
//! Where it differs from Flojoy: the report is saved through the host (a file beside the flow in
//! the command-line runner, a download in the browser) under `filename`, not on the Desktop
//! under a random name; the status reads the Boolean's value (Flojoy's test of the container
//! itself made every given Boolean a pass); the logo is the given http(s) URL (Flojoy's check
//! looked for "http" among the container's keys, so it always showed its default logo, which we
//! do not carry); text is escaped. Opening the report loads plotly.js from jsDelivr (the npm
//! package this site ships), as the report is a single file to send around.

use serde_json::Value as Json;

use super::PLOTLY;
use crate::nodes::{Ctx, NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{DataType as T, Figure, TypeSet, Value};

/// The plotly.js a report loads: the version the app draws with.
const PLOTLY_JS: &str = "https://cdn.jsdelivr.net/npm/plotly.js-dist-min@4.1.2/plotly.min.js";

pub(super) fn report_generation() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "REPORT_GENERATION",
            "DATA/VISUALIZATION/REPORT",
            "Save an HTML report: a title, a letterhead logo (an http(s) image URL), an introduction, a \
             Pass/Fail status and the figures wired in (in wire order; ANNOTATE_PLOTLY gives each a title \
             and a caption). The command-line runner writes it beside the flow; the browser downloads it.",
        )
        .optional_input("title", TypeSet::of(T::String), "The report's title")
        .optional_input("img_url", TypeSet::of(T::String), "The logo's URL")
        .optional_input("introduction", TypeSet::of(T::String), "The report's preamble")
        .optional_input("test_success", TypeSet::of(T::Boolean), "Pass (true) or Fail (false or absent)")
        .optional_multi_input("figures", PLOTLY, "The figures, in wire order")
        .output("default", TypeSet::ANY, "Nothing (the report is the result)")
        .str("filename", "report.html", "The report's file name"),
        |ctx| {
            let name = ctx.text("filename").trim().to_owned();
            if name.is_empty() {
                return Err(NodeError::new("parameter 'filename' is empty"));
            }
            let html = report(ctx)?;
            let place = ctx.host().write_file(&name, html.as_bytes()).map_err(NodeError)?;
            ctx.log(format!("saved {place}"));
            Ok(Outputs::none())
        },
    )
    .writes_files()
}

/// The text on an optional String input.
fn text(ctx: &Ctx, name: &str) -> Result<Option<String>, NodeError> {
    match ctx.input(name) {
        None => Ok(None),
        Some(Value::String { s }) => Ok(Some(s.clone())),
        Some(other) => Err(ctx.wrong_type(name, other)),
    }
}

fn report(ctx: &Ctx) -> Result<String, NodeError> {
    let title = text(ctx, "title")?.unwrap_or_else(|| "Report".into());
    let intro = text(ctx, "introduction")?.unwrap_or_default();
    let logo = text(ctx, "img_url")?
        .map(|u| u.trim().to_owned())
        .filter(|u| (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(char::is_whitespace));
    let pass = match ctx.input("test_success") {
        None => false,
        Some(Value::Boolean { b }) => *b,
        Some(other) => return Err(ctx.wrong_type("test_success", other)),
    };
    let mut figures = Vec::new();
    for d in ctx.multi("figures") {
        match &**d {
            Value::Plotly { fig } => figures.push(fig),
            other => return Err(ctx.wrong_type("figures", other)),
        }
    }
    let (status, color) = if pass { ("Pass", "green") } else { ("Fail", "red") };
    let mut html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n\
         <script src=\"{PLOTLY_JS}\"></script>\n<style>\nbody {{ font-family: system-ui, sans-serif; max-width: 960px; \
         margin: 2rem auto; padding: 0 1rem; color: #222; }}\nheader {{ display: flex; align-items: center; gap: 1rem; \
         border-bottom: 2px solid #6a4ff0; padding-bottom: 1rem; }}\nheader img {{ max-height: 64px; }}\n\
         .status {{ font-weight: bold; }}\n.figure {{ min-height: 420px; }}\n</style>\n</head>\n<body>\n<header>\n",
        t = escape(&title)
    );
    if let Some(url) = &logo {
        html += &format!("<img src=\"{}\" alt=\"logo\">\n", escape(url));
    }
    html += &format!(
        "<h1>{}</h1>\n</header>\n<p>{}</p>\n<p class=\"status\">Status: <span style=\"color: {color}\">{status}</span></p>\n",
        escape(&title),
        escape(&intro)
    );
    let mut script = String::new();
    for (i, fig) in figures.iter().enumerate() {
        let (title, caption) = title_and_caption(fig);
        html += &format!(
            "<h2>{}</h2>\n<div class=\"figure\" id=\"figure{i}\"></div>\n<p>{}</p>\n",
            escape(&title),
            escape(&caption)
        );
        script += &format!("Plotly.newPlot(document.getElementById('figure{i}'), {});\n", script_json(&fig.to_json()));
    }
    if !script.is_empty() {
        html += &format!("<script>\n{script}</script>\n");
    }
    html += "</body>\n</html>\n";
    Ok(html)
}

/// The figure's `layout.title.text` and its first annotation's text, as the block reads them.
fn title_and_caption(fig: &Figure) -> (String, String) {
    let title = match fig.layout.get("title") {
        Some(Json::String(s)) => s.clone(),
        Some(t) => t["text"].as_str().unwrap_or_default().to_owned(),
        None => String::new(),
    };
    let caption = fig.layout.get("annotations").and_then(|a| a[0]["text"].as_str()).unwrap_or_default().to_owned();
    (title, caption)
}

/// Text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// JSON inside a `<script>`: no `<` that could close it early.
fn script_json(v: &Json) -> String {
    v.to_string().replace('<', "\\u003c")
}
