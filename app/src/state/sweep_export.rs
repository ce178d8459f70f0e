//! "Export → Sweep…": the dashboard's controls become the axes of a `flojoy sweep`, written as
//! one shell script that carries the flow and runs the sweep (README, "Running many flows").
//!
//! A slider, knob or number box sweeps its min..max in its steps; a dropdown or radio group its
//! options; a switch or checkbox true and false. Text and file inputs stay as they are.

use runtime::Flow;
use runtime::spec::ParamKind;

use super::dashboard::{Board, Kind, Widget};

/// The most values one slider may give (a step of 0.001 over 0..1000 is a typo, not a sweep).
pub const MAX_VALUES: usize = 1000;

/// One axis: `LABEL.PARAM` and its values as `flojoy sweep --set` reads them.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub target: String,
    pub values: String,
}

/// The sweep's axes, one per dashboard control (the first control of a parameter wins).
pub fn axes(flow: &Flow) -> Vec<Axis> {
    let mut out: Vec<Axis> = Vec::new();
    for item in Board::of(flow).items {
        let Kind::Input { widget, param, config } = &item.kind else { continue };
        let Some(node) = flow.find_key(&item.node).and_then(|id| flow.node(id)) else { continue };
        let Some(spec) = node.spec().param_spec(param) else { continue };
        let values = match widget {
            Widget::Slider | Widget::Knob | Widget::Number => {
                let (lo, hi, step) = (config.min.min(config.max), config.max.max(config.min), config.step.abs());
                if !(lo.is_finite() && hi.is_finite() && step.is_finite() && step > 0.0) {
                    continue;
                }
                let count = (((hi - lo) / step).round() as usize).saturating_add(1).min(MAX_VALUES);
                match spec.kind {
                    // whole numbers: a list, so that no value needs rounding
                    ParamKind::Int { .. } => {
                        let (lo, hi) = (lo.ceil() as i64, hi.floor() as i64);
                        let step = (step.round() as i64).max(1);
                        (lo..=hi)
                            .step_by(step as usize)
                            .take(MAX_VALUES)
                            .map(|v| v.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    }
                    _ => format!("{lo}:{hi}:{count}"),
                }
            }
            Widget::Dropdown | Widget::Radio => match &spec.kind {
                ParamKind::Select { options } if !options.is_empty() => options.join(","),
                _ => continue,
            },
            Widget::Switch | Widget::Checkbox => "true,false".into(),
            Widget::Text | Widget::FileUpload => continue,
        };
        let target = format!("{}.{param}", node.label);
        if !out.iter().any(|a| a.target == target) {
            out.push(Axis { target, values });
        }
    }
    out
}

/// Text as one shell word.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The script: writes the flow beside itself (`<name>-sweep.json`), then runs the sweep into
/// `<name>-sweep.jsonl`
/// (extra arguments go to `flojoy sweep`: `--dask`, `--resume`, `--outputs`, …).
pub fn script(name: &str, flow_json: &str, axes: &[Axis]) -> String {
    let grid = axes.iter().fold(1usize, |n, a| n.saturating_mul(count(&a.values)));
    let mut s = format!(
        "#!/bin/sh\n# A parameter sweep of the flow \"{name}\", exported by Flojoy Web: each dashboard control's\n\
         # range is an axis ({grid} runs). Needs the `flojoy` runner on PATH; extra arguments go to\n\
         # `flojoy sweep` (e.g. --dask tcp://scheduler:8786, --resume, --outputs LABEL).\nset -e\ncd \"$(dirname \"$0\")\"\n\
         cat > {flow} <<'FLOJOY_FLOW'\n{flow_json}\nFLOJOY_FLOW\nflojoy sweep {flow}",
        // not `<name>.json`, the name Save gives: running the script must not overwrite a saved flow
        flow = quote(&format!("{name}-sweep.json")),
    );
    for a in axes {
        s += &format!(" \\\n  --set {}", quote(&format!("{}={}", a.target, a.values)));
    }
    s += &format!(" \\\n  --out {} \"$@\"\n", quote(&format!("{name}-sweep.jsonl")));
    s
}

/// How many values an axis gives.
fn count(values: &str) -> usize {
    match values.split(':').collect::<Vec<_>>().as_slice() {
        [_, _, n] => n.parse().unwrap_or(1),
        _ => values.split(',').count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow() -> Flow {
        let text = serde_json::json!({
            "rfInstance": {"nodes": [
                {"id": "SINE-1", "data": {"id": "SINE-1", "label": "SINE 1", "func": "SINE"}, "position": {"x": 0, "y": 0}},
                {"id": "LIN-1", "data": {"id": "LIN-1", "label": "LINSPACE", "func": "LINSPACE"}, "position": {"x": 0, "y": 0}}
            ], "edges": []},
            "controlNodes": [
                {"id": "c1", "type": "slider", "data": {"blockId": "SINE-1", "blockParameter": "frequency", "config": {"min": 1, "max": 3, "step": 0.5}}},
                {"id": "c2", "type": "dropdown", "data": {"blockId": "SINE-1", "blockParameter": "waveform"}},
                {"id": "c3", "type": "knob", "data": {"blockId": "LIN-1", "blockParameter": "step", "config": {"min": 10, "max": 40, "step": 10}}},
                {"id": "c4", "type": "slider", "data": {"blockId": "SINE-1", "blockParameter": "frequency", "config": {"min": 0, "max": 9, "step": 1}}},
                {"id": "c5", "type": "text", "data": {"blockId": "SINE-1", "blockParameter": "phase"}}
            ]
        })
        .to_string();
        runtime::file::load(&text, 1).unwrap().flow
    }

    #[test]
    fn controls_become_axes_and_the_script_runs_them() {
        let f = flow();
        let a = axes(&f);
        assert_eq!(a[0], Axis { target: "SINE 1.frequency".into(), values: "1:3:5".into() });
        assert_eq!(a[1], Axis { target: "SINE 1.waveform".into(), values: "sine,square,triangle,sawtooth".into() });
        assert_eq!(a[2], Axis { target: "LINSPACE.step".into(), values: "10,20,30,40".into() });
        assert_eq!(a.len(), 3, "the second frequency control and the text box add nothing");
        let s = script("My 'flow'", "{\"a\": 1}", &a);
        assert!(s.contains("(80 runs)"), "{s}");
        assert!(s.contains("cat > 'My '\\''flow'\\''-sweep.json' <<'FLOJOY_FLOW'\n{\"a\": 1}\nFLOJOY_FLOW\n"), "{s}");
        assert!(
            s.contains("--set 'SINE 1.frequency=1:3:5'")
                && s.ends_with("--out 'My '\\''flow'\\''-sweep.jsonl' \"$@\"\n")
        );
    }
}
