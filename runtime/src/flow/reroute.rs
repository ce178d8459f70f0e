//! Reroute points: where a wire is drawn through on its way (a wire around a node, a bundle of
//! wires along one path). Only drawing: a flow runs the same with or without them. A wire's
//! points are kept by its ends' keys and port names, so they survive saving and loading, and
//! points of a wire that was removed (and may come back by undo) are simply not drawn.
//!
//! Saved under the file's `flojoyWeb` key (`"flojoyWeb": {"reroutes": [...]}`), which Flojoy
//! Studio does not read.

use serde_json::{Value as Json, json};

use super::{Edge, Flow};

/// A wire named by its ends: (source key, output name, target key, input name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WireKey {
    pub source: String,
    pub source_port: String,
    pub target: String,
    pub target_port: String,
}

/// The points one wire goes through, in order from its output to its input.
#[derive(Clone, Debug, PartialEq)]
pub struct Reroute {
    pub wire: WireKey,
    pub points: Vec<(f64, f64)>,
}

impl Reroute {
    pub fn to_json(&self) -> Json {
        let w = &self.wire;
        json!({
            "source": w.source, "sourceHandle": w.source_port, "target": w.target, "targetHandle": w.target_port,
            "points": self.points.iter().map(|(x, y)| json!([x, y])).collect::<Vec<_>>(),
        })
    }

    /// A wire's points as a file holds them; `None` when it is not that.
    pub fn from_json(j: &Json) -> Option<Reroute> {
        let s = |k: &str| j.get(k)?.as_str().map(str::to_owned);
        let points = j
            .get("points")?
            .as_array()?
            .iter()
            .map(|p| {
                let p = p.as_array()?;
                match p.as_slice() {
                    [x, y] => Some((x.as_f64()?, y.as_f64()?)).filter(|(x, y)| x.is_finite() && y.is_finite()),
                    _ => None,
                }
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Reroute {
            wire: WireKey {
                source: s("source")?,
                source_port: s("sourceHandle")?,
                target: s("target")?,
                target_port: s("targetHandle")?,
            },
            points,
        })
    }
}

impl Flow {
    /// The key of a wire of this flow.
    pub fn wire_key(&self, e: Edge) -> Option<WireKey> {
        let (a, b) = (self.node(e.from.node)?, self.node(e.to.node)?);
        Some(WireKey {
            source: a.key.clone(),
            source_port: a.spec().outputs.get(usize::from(e.from.port))?.name.clone(),
            target: b.key.clone(),
            target_port: b.spec().inputs.get(usize::from(e.to.port))?.name.clone(),
        })
    }

    /// The wire a key names, if the flow has it.
    pub fn wire_of(&self, k: &WireKey) -> Option<Edge> {
        let (a, b) = (self.find_key(&k.source)?, self.find_key(&k.target)?);
        let from =
            super::OutPort { node: a, port: u16::try_from(self.node(a)?.spec().output_index(&k.source_port)?).ok()? };
        let to =
            super::InPort { node: b, port: u16::try_from(self.node(b)?.spec().input_index(&k.target_port)?).ok()? };
        let e = Edge { from, to };
        self.has_edge(e).then_some(e)
    }

    /// The points wire `e` is drawn through (none for most, and none if it is not a wire).
    pub fn reroute_points(&self, e: Edge) -> &[(f64, f64)] {
        if self.reroutes.is_empty() || !self.has_edge(e) {
            return &[];
        }
        // compared in place: every wire asks on every change, most have no points
        let (Some(a), Some(b)) = (self.node(e.from.node), self.node(e.to.node)) else { return &[] };
        let (Some(out), Some(inp)) =
            (a.spec().outputs.get(usize::from(e.from.port)), b.spec().inputs.get(usize::from(e.to.port)))
        else {
            return &[];
        };
        self.reroutes
            .iter()
            .find(|r| {
                let w = &r.wire;
                w.source == a.key && w.target == b.key && w.source_port == out.name && w.target_port == inp.name
            })
            .map_or(&[], |r| r.points.as_slice())
    }
}
