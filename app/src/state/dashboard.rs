//! The dashboard (Flojoy's control panel) as a typed model over the flow file's JSON:
//! input widgets bound to node parameters (`controlNodes`), output panels bound to node
//! results (`controlVisualizationNodes`), and markdown panels (`controlTextNodes`).
//!
//! Flojoy 2024 stores `{id, type, data: {blockId, blockParameter | blockOutput, label, config},
//! position}`; we add `width`/`height` (our layout is free and resizable) and keep every other
//! field as it was, so a file survives a round trip through either app.

use runtime::Flow;
use runtime::flow::Dashboard;
use runtime::spec::{ParamKind, ParamSpec};
use serde_json::{Map, Value as Json, json};

/// Input widgets, limited by the parameter's type as in Flojoy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Widget {
    Slider,
    Knob,
    Number,
    Checkbox,
    Switch,
    Dropdown,
    Radio,
    Text,
    FileUpload,
}

impl Widget {
    pub const ALL: [Widget; 9] = [
        Widget::Slider,
        Widget::Knob,
        Widget::Number,
        Widget::Checkbox,
        Widget::Switch,
        Widget::Dropdown,
        Widget::Radio,
        Widget::Text,
        Widget::FileUpload,
    ];

    /// Flojoy's widget `type` string.
    pub fn name(self) -> &'static str {
        match self {
            Widget::Slider => "slider",
            Widget::Knob => "knob",
            Widget::Number => "number input",
            Widget::Checkbox => "checkbox",
            Widget::Switch => "switch",
            Widget::Dropdown => "combobox",
            Widget::Radio => "radio group",
            Widget::Text => "text input",
            Widget::FileUpload => "file upload",
        }
    }

    pub fn from_name(s: &str) -> Option<Widget> {
        let s = s.to_ascii_lowercase();
        Widget::ALL.into_iter().find(|w| w.name() == s).or(match s.as_str() {
            "number" | "numeric input" | "static numeric input" => Some(Widget::Number),
            "dropdown" | "select" => Some(Widget::Dropdown),
            "radio" | "radio button group" => Some(Widget::Radio),
            "text" => Some(Widget::Text),
            "file" => Some(Widget::FileUpload),
            _ => None,
        })
    }

    /// The widgets a parameter of this kind can use (Flojoy's rule: by the parameter's type).
    pub fn for_param(p: &ParamSpec) -> &'static [Widget] {
        match p.kind {
            ParamKind::Int { .. } | ParamKind::Float { .. } => &[Widget::Slider, Widget::Knob, Widget::Number],
            ParamKind::Bool => &[Widget::Switch, Widget::Checkbox],
            ParamKind::Select { .. } => &[Widget::Dropdown, Widget::Radio],
            ParamKind::File { .. } => &[Widget::FileUpload, Widget::Text],
            ParamKind::Str | ParamKind::TextArea | ParamKind::List { .. } | ParamKind::Array => &[Widget::Text],
            _ => &[],
        }
    }
}

/// Output panels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The node's plotly figure (Flojoy's "mirror").
    Mirror,
    /// A Scalar as a seven-segment display.
    SevenSegment,
    BigNumber,
    Table,
    Image,
    Text,
}

impl Panel {
    pub const ALL: [Panel; 6] =
        [Panel::Mirror, Panel::SevenSegment, Panel::BigNumber, Panel::Table, Panel::Image, Panel::Text];

    pub fn name(self) -> &'static str {
        match self {
            Panel::Mirror => "mirror",
            Panel::SevenSegment => "seven segment display",
            Panel::BigNumber => "big number",
            Panel::Table => "table",
            Panel::Image => "image",
            Panel::Text => "text",
        }
    }

    pub fn from_name(s: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.name() == s.to_ascii_lowercase())
    }
}

/// Widget settings (Flojoy's `config`): range and step for numbers, accepted files.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// File extensions or MIME patterns, e.g. ".csv" or "image/*".
    pub accept: String,
}

impl Default for Config {
    fn default() -> Self {
        // Flojoy's defaults for sliders and knobs
        Config { min: 0.0, max: 100.0, step: 1.0, accept: String::new() }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Input { widget: Widget, param: String, config: Config },
    Output { panel: Panel, output: String },
    Markdown { text: String },
}

/// One dashboard item: what it shows and where.
#[derive(Clone, Debug)]
pub struct Item {
    pub id: String,
    /// The node it is bound to (Flojoy's `blockId`, the node's key); empty for markdown.
    pub node: String,
    pub label: String,
    pub kind: Kind,
    pub rect: (f64, f64, f64, f64),
    /// The item's JSON as read (fields we do not model survive a save).
    raw: Json,
}

impl PartialEq for Item {
    /// Same item, same binding, same place (the raw JSON it came from does not count).
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id && self.node == o.node && self.label == o.label && self.kind == o.kind && self.rect == o.rect
    }
}

pub const GRID: f64 = 10.0;

pub fn snap(v: f64) -> f64 {
    (v / GRID).round() * GRID
}

fn num(j: Option<&Json>, d: f64) -> f64 {
    j.and_then(|v| v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))).unwrap_or(d)
}

fn rect_of(j: &Json, w: f64, h: f64) -> (f64, f64, f64, f64) {
    let p = j.get("position");
    (
        num(p.and_then(|p| p.get("x")), 0.0),
        num(p.and_then(|p| p.get("y")), 0.0),
        num(j.get("width"), w),
        num(j.get("height"), h),
    )
}

impl Item {
    pub fn input(id: String, node: String, param: &ParamSpec, widget: Widget, at: (f64, f64)) -> Item {
        let (min, max, step) = match param.kind {
            ParamKind::Int { min, max } => (min.map_or(0.0, |m| m as f64), max.map_or(100.0, |m| m as f64), 1.0),
            ParamKind::Float { min, max } => (min.unwrap_or(0.0), max.unwrap_or(10.0), 0.1),
            _ => (0.0, 100.0, 1.0),
        };
        let accept = match &param.kind {
            ParamKind::File { accept } => accept.join(","),
            _ => String::new(),
        };
        let size = match widget {
            Widget::Knob => (160.0, 170.0),
            Widget::Checkbox | Widget::Switch => (200.0, 80.0),
            Widget::Radio => (220.0, 130.0),
            _ => (260.0, 90.0),
        };
        Item {
            id,
            node,
            label: param.name.replace('_', " "),
            kind: Kind::Input { widget, param: param.name.clone(), config: Config { min, max, step, accept } },
            rect: (at.0, at.1, size.0, size.1),
            raw: Json::Null,
        }
    }

    pub fn output(id: String, node: String, output: String, panel: Panel, at: (f64, f64)) -> Item {
        let size = match panel {
            Panel::Mirror | Panel::Table | Panel::Image => (420.0, 300.0),
            _ => (220.0, 130.0),
        };
        Item {
            id,
            node,
            label: String::new(),
            kind: Kind::Output { panel, output },
            rect: (at.0, at.1, size.0, size.1),
            raw: Json::Null,
        }
    }

    pub fn markdown(id: String, text: String, at: (f64, f64)) -> Item {
        Item {
            id,
            node: String::new(),
            label: String::new(),
            kind: Kind::Markdown { text },
            rect: (at.0, at.1, 300.0, 120.0),
            raw: Json::Null,
        }
    }

    fn from_control(j: &Json) -> Option<Item> {
        let data = j.get("data")?;
        let t = j.get("type").and_then(Json::as_str).or_else(|| data.pointer("/config/type").and_then(Json::as_str))?;
        let widget = Widget::from_name(t)?;
        let c = data.get("config");
        let config = Config {
            min: num(c.and_then(|c| c.get("min")), 0.0),
            max: num(c.and_then(|c| c.get("max")), 100.0),
            step: num(c.and_then(|c| c.get("step")), 1.0),
            accept: match c.and_then(|c| c.get("allowedExtensions")) {
                Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect::<Vec<_>>().join(","),
                Some(Json::String(s)) => s.clone(),
                _ => String::new(),
            },
        };
        Some(Item {
            id: j.get("id")?.as_str()?.to_owned(),
            node: data.get("blockId")?.as_str()?.to_owned(),
            label: data.get("label").and_then(Json::as_str).unwrap_or_default().to_owned(),
            kind: Kind::Input { widget, param: data.get("blockParameter")?.as_str()?.to_owned(), config },
            rect: rect_of(j, 260.0, 90.0),
            raw: j.clone(),
        })
    }

    fn from_visualization(j: &Json) -> Option<Item> {
        let data = j.get("data")?;
        let t =
            j.get("type").and_then(Json::as_str).or_else(|| data.get("visualizationType").and_then(Json::as_str))?;
        Some(Item {
            id: j.get("id")?.as_str()?.to_owned(),
            node: data.get("blockId")?.as_str()?.to_owned(),
            label: data.get("label").and_then(Json::as_str).unwrap_or_default().to_owned(),
            kind: Kind::Output {
                panel: Panel::from_name(t)?,
                output: data.get("blockOutput").and_then(Json::as_str).unwrap_or("default").to_owned(),
            },
            rect: rect_of(j, 420.0, 300.0),
            raw: j.clone(),
        })
    }

    fn from_text(j: &Json) -> Option<Item> {
        Some(Item {
            id: j.get("id")?.as_str()?.to_owned(),
            node: String::new(),
            label: String::new(),
            kind: Kind::Markdown {
                text: j.pointer("/data/text").and_then(Json::as_str).unwrap_or_default().to_owned(),
            },
            rect: rect_of(j, 300.0, 120.0),
            raw: j.clone(),
        })
    }

    /// The item in Flojoy 2024's JSON (plus width/height), keeping unknown fields.
    fn to_json(&self) -> Json {
        let mut o: Map<String, Json> = self.raw.as_object().cloned().unwrap_or_default();
        let mut data: Map<String, Json> = o.get("data").and_then(Json::as_object).cloned().unwrap_or_default();
        o.insert("id".into(), json!(self.id));
        o.insert("position".into(), json!({"x": self.rect.0, "y": self.rect.1}));
        o.insert("width".into(), json!(self.rect.2));
        o.insert("height".into(), json!(self.rect.3));
        match &self.kind {
            Kind::Input { widget, param, config } => {
                o.insert("type".into(), json!(widget.name()));
                data.insert("blockId".into(), json!(self.node));
                data.insert("blockParameter".into(), json!(param));
                data.insert("label".into(), json!(self.label));
                let mut c: Map<String, Json> =
                    data.get("config").and_then(Json::as_object).cloned().unwrap_or_default();
                c.insert("type".into(), json!(widget.name()));
                c.insert("min".into(), json!(config.min));
                c.insert("max".into(), json!(config.max));
                c.insert("step".into(), json!(config.step));
                c.insert("floating".into(), json!(config.step.fract() != 0.0));
                if *widget == Widget::FileUpload {
                    c.insert(
                        "allowedExtensions".into(),
                        json!(config.accept.split(',').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>()),
                    );
                }
                data.insert("config".into(), Json::Object(c));
            }
            Kind::Output { panel, output } => {
                o.insert("type".into(), json!(panel.name()));
                data.insert("blockId".into(), json!(self.node));
                data.insert("blockOutput".into(), json!(output));
                data.insert("visualizationType".into(), json!(panel.name()));
                data.insert("label".into(), json!(self.label));
            }
            Kind::Markdown { text } => {
                o.insert("type".into(), json!("TextNode"));
                data.insert("text".into(), json!(text));
            }
        }
        o.insert("data".into(), Json::Object(data));
        Json::Object(o)
    }
}

/// The dashboard's items (inputs, outputs, text), in drawing order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Board {
    pub items: Vec<Item>,
}

impl Board {
    /// Reads the flow's dashboard. Items we cannot read are kept aside unchanged.
    pub fn of(flow: &Flow) -> Board {
        let d = &flow.dashboard;
        let items = d
            .controls
            .iter()
            .filter_map(Item::from_control)
            .chain(d.visualizations.iter().filter_map(Item::from_visualization))
            .chain(d.texts.iter().filter_map(Item::from_text))
            .collect();
        Board { items }
    }

    /// The dashboard JSON for `Edit::SetDashboard`; items of `old` we could not read are kept.
    pub fn to_dashboard(&self, old: &Dashboard) -> Dashboard {
        let mut d = Dashboard::default();
        for it in &self.items {
            let j = it.to_json();
            match it.kind {
                Kind::Input { .. } => d.controls.push(j),
                Kind::Output { .. } => d.visualizations.push(j),
                Kind::Markdown { .. } => d.texts.push(j),
            }
        }
        d.controls.extend(old.controls.iter().filter(|j| Item::from_control(j).is_none()).cloned());
        d.visualizations.extend(old.visualizations.iter().filter(|j| Item::from_visualization(j).is_none()).cloned());
        d.texts.extend(old.texts.iter().filter(|j| Item::from_text(j).is_none()).cloned());
        d
    }

    pub fn get(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Item> {
        self.items.iter_mut().find(|i| i.id == id)
    }

    /// A free place for a new item: below everything else.
    pub fn next_spot(&self) -> (f64, f64) {
        let bottom = self.items.iter().map(|i| i.rect.1 + i.rect.3).fold(0.0, f64::max);
        (20.0, snap(bottom + 20.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runtime::spec::NodeSpec;

    fn float_param() -> ParamSpec {
        NodeSpec::new("X", "DATA", "").float("frequency", 1.0, "").params.remove(0)
    }

    #[test]
    fn widgets_are_limited_by_the_parameter_type() {
        assert_eq!(Widget::for_param(&float_param()), &[Widget::Slider, Widget::Knob, Widget::Number]);
        let sel = NodeSpec::new("X", "DATA", "").select("w", &["a", "b"], "a", "").params.remove(0);
        assert_eq!(Widget::for_param(&sel), &[Widget::Dropdown, Widget::Radio]);
        let b = NodeSpec::new("X", "DATA", "").bool("on", true, "").params.remove(0);
        assert_eq!(Widget::for_param(&b), &[Widget::Switch, Widget::Checkbox]);
    }

    #[test]
    fn a_flojoy_2024_dashboard_reads_and_writes_back() {
        let mut flow = Flow::new();
        flow.dashboard.controls.push(json!({
            "id": "ctrl-1", "type": "slider", "position": {"x": 10, "y": 20},
            "data": {"blockId": "SINE-1", "blockParameter": "frequency", "label": "Frequency",
                     "config": {"type": "slider", "min": 0, "max": 20, "step": 0.5, "floating": true}, "something": 1}
        }));
        flow.dashboard.visualizations.push(json!({
            "id": "viz-1", "type": "mirror", "position": {"x": 300, "y": 20},
            "data": {"blockId": "SCATTER-1", "blockOutput": "default", "visualizationType": "mirror"}
        }));
        flow.dashboard.controls.push(json!({"id": "weird", "type": "hologram"}));
        let board = Board::of(&flow);
        assert_eq!(board.items.len(), 2);
        let Kind::Input { widget, param, config } = &board.items[0].kind else { panic!() };
        assert_eq!((*widget, param.as_str(), config.max, config.step), (Widget::Slider, "frequency", 20.0, 0.5));
        assert_eq!(board.items[0].rect.0, 10.0);
        assert_eq!(board.items[1].kind, Kind::Output { panel: Panel::Mirror, output: "default".into() });
        let d = board.to_dashboard(&flow.dashboard);
        assert_eq!(d.controls.len(), 2, "the unreadable item is kept");
        assert_eq!(d.controls[0]["data"]["something"], 1, "unknown fields survive");
        assert_eq!(d.controls[0]["data"]["config"]["max"], 20.0);
        let mut again = Flow::new();
        again.dashboard = d;
        assert_eq!(Board::of(&again), board);
    }
}
