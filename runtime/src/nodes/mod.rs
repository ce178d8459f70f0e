//! The built-in node library: one family per file or folder, each node a spec plus one `run`
//! function; the computations they share are in `numeric`.
//!
//! How to add a node (spec, run, registry, golden fixture, test): ARCHITECTURE.md's "How to add
//! a node". [`BUILTINS`] lists the families by hand and [`lookup`] finds a node by its Flojoy
//! name; nothing registers itself.

mod ctx;
mod def;
pub mod image_io;
#[cfg(test)]
pub(crate) mod testing;

pub mod arithmetic;
pub mod calculus;
pub mod cast;
pub mod control;
pub mod dsp;
pub mod files;
pub mod generation;
pub mod hardware;
pub mod logic;
pub mod matrix;
pub mod ml;
pub mod pairs;
pub mod text;
pub mod unavailable;
pub mod vector;
pub mod vision;
pub mod visualization;

use std::collections::HashMap;
use std::sync::OnceLock;

/// Kept at its old path: hosts (the app's, the Python bridge) name it `runtime::nodes::NodeError`.
pub use crate::error::NodeError;
pub use ctx::{AsyncCtx, Ctx, Outputs, seed_param};
pub(crate) use def::{Begun, Env};
pub use def::{NodeDef, NodeResult, Run};
pub use generation::sample_file;

/// The node families, in palette order.
pub const BUILTINS: &[fn() -> Vec<NodeDef>] = &[
    generation::nodes,
    arithmetic::nodes,
    calculus::nodes,
    dsp::nodes,
    vector::nodes,
    matrix::nodes,
    pairs::nodes,
    cast::nodes,
    text::nodes,
    files::nodes,
    logic::nodes,
    ml::nodes,
    control::nodes,
    vision::nodes,
    visualization::nodes,
    hardware::nodes,
    unavailable::nodes,
];

struct Registry {
    all: Vec<&'static NodeDef>,
    by_func: HashMap<&'static str, &'static NodeDef>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let all: Vec<&'static NodeDef> =
            BUILTINS.iter().flat_map(|family| family()).map(|def| &*Box::leak(Box::new(def))).collect();
        let by_func = all.iter().map(|d| (d.spec.func.as_str(), *d)).collect();
        Registry { all, by_func }
    })
}

/// Every built-in node.
pub fn all() -> &'static [&'static NodeDef] {
    &registry().all
}

/// The built-in node called `func` (`SINE`).
pub fn lookup(func: &str) -> Option<&'static NodeDef> {
    registry().by_func.get(func).copied()
}

/// Runs one built-in node on its own, outside a flow (golden tests, previews): values by input
/// name (several for a `list[...]` input), parameters by name (defaults fill the rest). Returns
/// each output by name. Node references point nowhere and memory starts empty.
pub async fn invoke(
    def: &NodeDef,
    inputs: &[(&str, Vec<crate::value::Data>)],
    params: &serde_json::Map<String, serde_json::Value>,
    host: std::rc::Rc<dyn crate::host::Host>,
) -> Result<Vec<(String, Option<crate::value::Data>)>, NodeError> {
    let spec = &def.spec;
    let mut normalized = serde_json::Map::new();
    for p in &spec.params {
        let raw = params.get(&p.name).unwrap_or(&p.default);
        let v = crate::param::normalize(p, raw).map_err(NodeError)?;
        normalized.insert(p.name.clone(), v);
    }
    if let Some(unknown) = params.keys().find(|k| spec.param_spec(k).is_none()) {
        return Err(NodeError(format!("{} has no parameter '{unknown}'", spec.func)));
    }
    let mut slots: Vec<Vec<crate::value::Data>> = vec![Vec::new(); spec.inputs.len()];
    for (name, values) in inputs {
        let i = spec.input_index(name).ok_or_else(|| NodeError(format!("{} has no input '{name}'", spec.func)))?;
        slots[i] = values.clone();
    }
    let mut memory: Vec<Option<Box<dyn std::any::Any>>> = vec![None];
    let keys = HashMap::new();
    let env = Env {
        label: &spec.func,
        key: &spec.func,
        inputs: slots,
        params: &normalized,
        me: 0,
        memory: &mut memory,
        results: &[],
        keys: &keys,
        host: &host,
    };
    let out = match def.begin(env) {
        Begun::Done(result, _) => result?,
        Begun::Waiting(fut) => fut.await.0?,
    };
    out.validate()?;
    Ok(out.values.into_iter().map(|(n, d)| (n.into_owned(), d)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_a_unique_name_docs_and_sane_ports() {
        let mut seen = std::collections::HashSet::new();
        for d in all() {
            let s = &d.spec;
            assert!(seen.insert(s.func.clone()), "{} registered twice", s.func);
            assert!(!s.doc.is_empty(), "{} has no doc text", s.func);
            assert!(s.func.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'), "{}", s.func);
            for p in &s.params {
                if let crate::spec::ParamKind::Select { options } = &p.kind {
                    assert!(
                        options.iter().any(|o| Some(o.as_str()) == p.default.as_str()),
                        "{}.{} default not an option",
                        s.func,
                        p.name
                    );
                }
            }
        }
    }
}
