//! The run report: the one summary of a run that the CLI prints (`--json`), the page returns
//! from `window.flojoy.run()`, and embedding pages receive.
//!
//! `{"status":"ok"|"failed"|"cancelled","nodes":{"<id>":{"func","status","runs","ms","error","outputs":{…}}}}`

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::validate::Diagnostic;
use crate::value::Data;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Ok,
    Failed,
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    Done,
    Failed,
    /// Did not run because a node upstream failed or the run was cancelled.
    Skipped,
    /// Never became ready: an untaken CONDITIONAL branch, a LOOP's end that was never reached.
    NotRun,
}

#[derive(Clone, Debug, Serialize)]
pub struct NodeReport {
    pub func: String,
    pub label: String,
    pub status: NodeState,
    pub runs: u32,
    /// Total time spent in the node, in milliseconds.
    pub ms: f64,
    pub error: Option<String>,
    /// The result came from the cache (nothing upstream changed).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cached: bool,
    /// The node's last result, by output name.
    #[serde(serialize_with = "ser_outputs")]
    pub outputs: Vec<(String, Data)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<String>,
}

fn ser_outputs<S: serde::Serializer>(v: &[(String, Data)], s: S) -> Result<S::Ok, S::Error> {
    let map: Map<String, Json> = v.iter().map(|(k, d)| (k.clone(), d.to_json())).collect();
    map.serialize(s)
}

#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    pub status: RunStatus,
    /// Why the run did not complete (cancel reason, validation summary), if it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time of the whole run, in milliseconds.
    pub ms: f64,
    /// Nodes by Flojoy id, in flow order.
    #[serde(serialize_with = "ser_nodes")]
    pub nodes: Vec<(String, NodeReport)>,
}

fn ser_nodes<S: serde::Serializer>(v: &[(String, NodeReport)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, r) in v {
        m.serialize_entry(k, r)?;
    }
    m.end()
}

impl RunReport {
    pub fn to_json(&self) -> Json {
        serde_json::to_value(self).unwrap_or(Json::Null)
    }

    /// The JSON form with the outputs of only the nodes (by Flojoy id) that `keep` accepts; the
    /// others report `"outputs": {}`. A million-point output costs far more to serialise than
    /// the run took, when only the timings or a few nodes are wanted.
    pub fn to_json_keeping(&self, keep: impl Fn(&str) -> bool) -> Json {
        let mut r = self.clone();
        for (key, n) in &mut r.nodes {
            if !keep(key) {
                n.outputs.clear();
            }
        }
        r.to_json()
    }

    pub fn node(&self, key: &str) -> Option<&NodeReport> {
        self.nodes.iter().find(|(k, _)| k == key).map(|(_, r)| r)
    }

    /// The node with this label.
    pub fn by_label(&self, label: &str) -> Option<&NodeReport> {
        self.nodes.iter().find(|(_, r)| r.label == label).map(|(_, r)| r)
    }

    /// A readable multi-line summary (the CLI's default output).
    pub fn summary(&self) -> String {
        let mut s = format!(
            "run {} in {:.1} ms\n",
            serde_json::to_string(&self.status).unwrap_or_default().trim_matches('"'),
            self.ms
        );
        if let Some(e) = &self.error {
            s += &format!("  {e}\n");
        }
        for d in &self.diagnostics {
            s += &format!("  {:?}: {}\n", d.severity, d.message);
        }
        for (_, r) in &self.nodes {
            let state = serde_json::to_string(&r.status).unwrap_or_default();
            s += &format!("  {:<24} {:<10} runs {:>4}  {:>9.3} ms", r.label, state.trim_matches('"'), r.runs, r.ms);
            if let Some((_, d)) = r.outputs.first() {
                s += &format!("  → {}", d.summary());
            }
            if let Some(e) = &r.error {
                s += &format!("  ✗ {}", e.lines().next().unwrap_or_default());
            }
            s.push('\n');
        }
        s
    }
}
