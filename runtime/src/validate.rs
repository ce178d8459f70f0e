//! Validation: every problem of a flow at once, each naming its node and port, so the editor
//! can mark all bad nodes together. Errors block Run; warnings are shown and the flow runs.

use serde::Serialize;

use crate::flow::{Flow, NodeId, NodeKind};
use crate::param;
use crate::python::signature;
use crate::spec::{Availability, ParamKind};
use crate::value::TypeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The node concerned, if any.
    #[serde(skip)]
    pub node: Option<NodeId>,
    /// Its Flojoy id (`SINE-…`), for reports and embedding pages.
    #[serde(rename = "node")]
    pub node_key: Option<String>,
    /// The input, output or parameter concerned, if any.
    pub port: Option<String>,
    /// A full sentence naming the node: "SINE 1: input 'default' …".
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// Checks a flow and returns every diagnostic.
pub fn validate(flow: &Flow) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut push = |severity, node: Option<&crate::flow::Node>, port: Option<&str>, message: String| {
        out.push(Diagnostic {
            severity,
            node: node.map(|n| n.id),
            node_key: node.map(|n| n.key.clone()),
            port: port.map(str::to_owned),
            message,
        });
    };

    for n in flow.nodes() {
        let spec = n.spec();
        match &n.kind {
            NodeKind::Unknown(spec) => {
                let message = match &spec.availability {
                    Availability::Unavailable { reason } => {
                        format!("{}: {} cannot run here: {reason}", n.label, spec.func)
                    }
                    Availability::Native => format!(
                        "{}: unknown node '{}': this app has no such node; remove or replace it to run the flow",
                        n.label, spec.func
                    ),
                };
                push(Severity::Error, Some(n), None, message);
            }
            NodeKind::Builtin(def) => {
                if let Availability::Unavailable { reason } = &def.spec.availability {
                    push(
                        Severity::Error,
                        Some(n),
                        None,
                        format!("{}: {} cannot run here: {reason}", n.label, spec.func),
                    );
                }
            }
            NodeKind::Python(p) => {
                // a wire into or out of a port the code does not declare (a file's port list
                // that no longer matches its code) would never carry anything
                if let Some(declared) = signature::declared(&p.code, Some(&spec.func)) {
                    let into = flow.edges_into(n.id);
                    for (i, port) in spec.inputs.iter().enumerate() {
                        if !declared.params.contains(&port.name) && into.iter().any(|e| usize::from(e.to.port) == i) {
                            push(
                                Severity::Error,
                                Some(n),
                                Some(&port.name),
                                format!(
                                    "{}: input '{}' is wired, but the code of {} declares no parameter '{}'",
                                    n.label, port.name, spec.func, port.name
                                ),
                            );
                        }
                    }
                    if let Some(outputs) = &declared.outputs {
                        let from = flow.edges_from(n.id);
                        for (i, port) in spec.outputs.iter().enumerate() {
                            if !outputs.contains(&port.name) && from.iter().any(|e| usize::from(e.from.port) == i) {
                                let why = if outputs.is_empty() {
                                    format!(
                                        "{} has no return annotation, so it has no outputs (annotate it, e.g. -> OrderedPair)",
                                        spec.func
                                    )
                                } else {
                                    format!(
                                        "{} returns no output '{}' (it returns {})",
                                        spec.func,
                                        port.name,
                                        outputs.join(", ")
                                    )
                                };
                                push(
                                    Severity::Error,
                                    Some(n),
                                    Some(&port.name),
                                    format!("{}: output '{}' is wired, but {why}", n.label, port.name),
                                );
                            }
                        }
                    }
                }
            }
        }

        // parameters
        for p in &spec.params {
            let value = n.params.get(&p.name).unwrap_or(&p.default);
            if let Err(msg) = param::normalize(p, value) {
                push(Severity::Error, Some(n), Some(&p.name), format!("{}: {msg}", n.label));
                continue;
            }
            if p.kind == ParamKind::NodeRef
                && let Some(key) = value.as_str().filter(|k| !k.is_empty())
                && flow.find_key(key).is_none()
            {
                push(
                    Severity::Warning,
                    Some(n),
                    Some(&p.name),
                    format!("{}: '{}' refers to node {key}, which is not in this flow", n.label, p.name),
                );
            }
        }

        // inputs: required ones wired, single ones wired once
        let into = flow.edges_into(n.id);
        for (i, port) in spec.inputs.iter().enumerate() {
            let wires = into.iter().filter(|e| usize::from(e.to.port) == i).count();
            if wires == 0 && !port.optional && !port.multiple {
                push(
                    Severity::Error,
                    Some(n),
                    Some(&port.name),
                    format!("{}: input '{}' is not connected (it needs {})", n.label, port.name, port.types),
                );
            }
            if wires > 1 && !port.multiple {
                push(
                    Severity::Warning,
                    Some(n),
                    Some(&port.name),
                    format!(
                        "{}: input '{}' has {wires} wires but takes one; only the last is used, as in Flojoy",
                        n.label, port.name
                    ),
                );
            }
        }
    }

    // wires: compatible types
    for e in flow.edges() {
        let (Some(a), Some(b)) = (flow.node(e.from.node), flow.node(e.to.node)) else {
            continue;
        };
        let (Some(out), Some(inp)) =
            (a.spec().outputs.get(usize::from(e.from.port)), b.spec().inputs.get(usize::from(e.to.port)))
        else {
            push(
                Severity::Error,
                Some(b),
                None,
                format!("{}: a wire from {} uses a port that does not exist", b.label, a.label),
            );
            continue;
        };
        if !TypeSet::compatible(out.types, inp.types) {
            push(
                Severity::Error,
                Some(b),
                Some(&inp.name),
                format!("{}: input '{}' expects {}, {} gives {}", b.label, inp.name, inp.types, a.label, out.types),
            );
        }
    }

    // cycles of plain wires
    for cycle in flow.cycles() {
        let labels: Vec<String> = cycle.iter().filter_map(|id| flow.node(*id)).map(|n| n.label.clone()).collect();
        let first = cycle.first().and_then(|id| flow.node(*id));
        push(
            Severity::Error,
            first,
            None,
            format!(
                "{}: these nodes form a cycle and would never run: {}. Loops go through LOOP and FEEDBACK",
                labels.first().cloned().unwrap_or_default(),
                labels.join(" → ")
            ),
        );
    }
    out
}
