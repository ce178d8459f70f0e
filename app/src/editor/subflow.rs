//! Subflows on the canvas. The canvas shows one level: the flow's top, or the inside of a
//! subflow (the breadcrumb above it says which and leads back out). At a level, each subflow
//! directly in it is drawn as one node whose ports are its inner nodes' open ports: a wire to
//! one of them is a wire to that inner node's port, so wiring, checking and running are the
//! ordinary ones. Double-click a subflow (or its ↘) to enter it.

use std::collections::HashMap;

use leptos::prelude::*;
use runtime::flow::{Flow, Group, Place, Subflows};
use runtime::spec::PortSpec;
use runtime::{InPort, NodeId, OutPort};
use wasm_bindgen::JsCast;

use crate::Editor;
use crate::editor::group::run_status;
use crate::editor::wire::shown_at;
use crate::state::layout::{FOOTER, HEADER, ROW};

/// A subflow node's width.
pub const SUBFLOW_WIDTH: f64 = 240.0;

/// One of a subflow node's ports: the inner port, its label and its types.
#[derive(Clone, Debug, PartialEq)]
pub struct SubPort<P> {
    pub port: P,
    pub label: String,
    pub title: String,
    /// Its first type's name (what colours its dot).
    pub types: String,
}

/// A subflow drawn as one node at the level shown.
#[derive(Clone, Debug, PartialEq)]
pub struct SubflowBox {
    pub group: Group,
    /// Every node inside it (nested subflows' too).
    pub members: Vec<NodeId>,
    pub rect: (f64, f64, f64, f64),
    pub inputs: Vec<SubPort<InPort>>,
    pub outputs: Vec<SubPort<OutPort>>,
}

impl SubflowBox {
    fn of(ed: &Editor, flow: &Flow, g: &Group, members: Vec<NodeId>) -> Option<SubflowBox> {
        // drawn where its top-left node is (so moving it moves its nodes, and back)
        let (x, y) = members
            .iter()
            .filter_map(|m| flow.node(*m))
            .map(|n| shown_at(ed, n))
            .fold(None, |a: Option<(f64, f64)>, p| Some(a.map_or(p, |a| (a.0.min(p.0), a.1.min(p.1)))))?;
        let (ins, outs) = flow.ports_of(&members);
        let inputs = sub_ports(flow, &ins, |p| p.node, |p| input_spec(flow, p));
        let outputs = sub_ports(flow, &outs, |p| p.node, |p| output_spec(flow, p));
        let rows = inputs.len().max(outputs.len()).max(1) as f64;
        Some(SubflowBox {
            group: g.clone(),
            members,
            rect: (x, y, SUBFLOW_WIDTH, HEADER + rows * ROW + FOOTER),
            inputs,
            outputs,
        })
    }

    /// Where the wire to inner input `p` ends on this node (its left side).
    pub fn input_at(&self, p: InPort) -> (f64, f64) {
        let i = self.inputs.iter().position(|s| s.port == p);
        port_y(self.rect, self.rect.0, i)
    }

    /// Where the wire from inner output `p` starts on this node (its right side).
    pub fn output_at(&self, p: OutPort) -> (f64, f64) {
        let i = self.outputs.iter().position(|s| s.port == p);
        port_y(self.rect, self.rect.0 + self.rect.2, i)
    }
}

/// Port row `i` at `x` (no row: the middle of the side, for a wire to a port that is also fed
/// inside, which a list input allows).
fn port_y(r: (f64, f64, f64, f64), x: f64, i: Option<usize>) -> (f64, f64) {
    match i {
        Some(i) => (x, r.1 + HEADER + (i as f64 + 0.5) * ROW),
        None => (x, r.1 + r.3 * 0.5),
    }
}

/// A subflow node's ports: each inner port labelled by its name, or by its node's label and
/// its name when two of them share the name.
fn sub_ports<'a, P: Copy>(
    flow: &'a Flow,
    ports: &[P],
    node: impl Fn(P) -> NodeId,
    spec: impl Fn(P) -> Option<&'a PortSpec>,
) -> Vec<SubPort<P>> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for s in ports.iter().filter_map(|p| spec(*p)) {
        *count.entry(s.name.as_str()).or_default() += 1;
    }
    ports
        .iter()
        .filter_map(|p| {
            let s = spec(*p)?;
            let label = flow.node(node(*p)).map(|n| n.label.as_str()).unwrap_or_default();
            let clash = count.get(s.name.as_str()).is_some_and(|n| *n > 1);
            Some(SubPort {
                port: *p,
                label: if clash { format!("{label}.{}", s.name) } else { s.name.clone() },
                title: format!("{label} · {}: {}", s.name, s.types),
                types: s.types.first().map_or("Any", |t| t.name()).to_owned(),
            })
        })
        .collect()
}

fn input_spec(flow: &Flow, p: InPort) -> Option<&PortSpec> {
    flow.node(p.node)?.spec().inputs.get(usize::from(p.port))
}

fn output_spec(flow: &Flow, p: OutPort) -> Option<&PortSpec> {
    flow.node(p.node)?.spec().outputs.get(usize::from(p.port))
}

/// What the canvas shows at its level, computed once per change and read by every node and
/// wire: the nodes not drawn as themselves (in a subflow drawn here: its id; not at this level
/// at all: `None`), and the subflows drawn here.
#[derive(Clone, Copy)]
pub struct Scope {
    pub index: Memo<Subflows>,
    pub away: Memo<HashMap<NodeId, Option<String>>>,
    pub boxes: Memo<Vec<SubflowBox>>,
}

impl Scope {
    pub fn new(ed: Editor) -> Scope {
        let index = Memo::new(move |_| ed.doc.with(|d| d.flow.subflows()));
        let away = Memo::new(move |_| {
            let level = ed.level.get();
            index.with(|s| {
                if s.is_empty() {
                    return HashMap::new();
                }
                ed.doc.with(|d| {
                    d.flow
                        .node_ids()
                        .into_iter()
                        .filter_map(|n| match s.place(n, level.as_deref()) {
                            Place::Itself => None,
                            Place::In(sub) => Some((n, Some(sub))),
                            Place::Elsewhere => Some((n, None)),
                        })
                        .collect()
                })
            })
        });
        let boxes = Memo::new(move |_| {
            let level = ed.level.get();
            index.with(|s| {
                if s.is_empty() {
                    return Vec::new();
                }
                ed.doc.with(|d| {
                    let mut members = s.members(&d.flow.node_ids());
                    d.flow
                        .groups
                        .iter()
                        .filter(|g| g.is_subflow() && s.place_of_subflow(&g.id, level.as_deref()) == Place::Itself)
                        .filter_map(|g| SubflowBox::of(&ed, &d.flow, g, members.remove(&g.id)?))
                        .collect()
                })
            })
        });
        Scope { index, away, boxes }
    }

    /// Where a wire from `p` starts when its node is inside a subflow drawn here.
    pub fn output_at(&self, p: OutPort) -> Option<(f64, f64)> {
        let sub = self.away.with(|a| a.get(&p.node).cloned().flatten())?;
        self.boxes.with(|b| b.iter().find(|x| x.group.id == sub).map(|x| x.output_at(p)))
    }

    /// Where a wire into `p` ends when its node is inside a subflow drawn here.
    pub fn input_at(&self, p: InPort) -> Option<(f64, f64)> {
        let sub = self.away.with(|a| a.get(&p.node).cloned().flatten())?;
        self.boxes.with(|b| b.iter().find(|x| x.group.id == sub).map(|x| x.input_at(p)))
    }
}

/// A subflow drawn as one node: its title (edited in place), its open ports, its nodes'
/// last run; ▶ runs it (and what feeds it), ↘ enters it, ☆ keeps it under "My subflows",
/// ✕ dissolves it (its nodes stay).
#[component]
pub fn SubflowNode(id: String) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let scope = expect_context::<Scope>();
    let sid = id.clone();
    // its frame apart from the rest: a drag moves it without building the node again
    let rect = Memo::new({
        let sid = sid.clone();
        move |_| scope.boxes.with(|b| b.iter().find(|x| x.group.id == sid).map(|x| x.rect))
    });
    let shown = Memo::new(move |_| {
        scope.boxes.with(|b| {
            b.iter().find(|x| x.group.id == sid).map(|x| SubflowBox { rect: (0.0, 0.0, 0.0, 0.0), ..x.clone() })
        })
    });
    let selected = Memo::new(move |_| {
        shown.with(|b| b.as_ref().is_some_and(|b| ed.selection.with(|s| b.members.iter().all(|m| s.nodes.contains(m)))))
    });
    let status =
        Memo::new(move |_| shown.with(|b| b.as_ref().map(|b| b.members.clone())).and_then(|m| run_status(ed, &m)));
    move || {
        let b = shown.get()?;
        let id = b.group.id.clone();
        let (id1, id2, id3, id4, id5) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
        let count = b.members.len();
        let inputs = b
            .inputs
            .iter()
            .map(|p| {
                view! {
                    <div class="port in" data-in-port=format!("{}:{}", p.port.node.0, p.port.port) title=p.title.clone()>
                        <span class="dot" data-type=p.types.clone()></span>
                        <span class="pname">{p.label.clone()}</span>
                    </div>
                }
            })
            .collect_view();
        let outputs = b
            .outputs
            .iter()
            .map(|p| {
                view! {
                    <div class="port out" data-out-port=format!("{}:{}", p.port.node.0, p.port.port) title=p.title.clone()>
                        <span class="pname">{p.label.clone()}</span>
                        <span class="dot" data-type=p.types.clone()></span>
                    </div>
                }
            })
            .collect_view();
        let rows = b.inputs.len().max(b.outputs.len()).max(1);
        let nodes = if count == 1 { "1 node".to_owned() } else { format!("{count} nodes") };
        Some(view! {
            <div
                class="node subflow-node"
                class:selected=selected
                data-subflow=id.clone()
                data-status=move || status.with(|s| s.as_ref().map_or("idle", |s| s.0))
                data-testid="subflow"
                role="group"
                aria-label=format!("subflow {}", b.group.title)
                title="Double-click to open the subflow"
                style=move || {
                    let (x, y, w, h) = rect.get().unwrap_or_default();
                    format!("left:{x}px;top:{y}px;width:{w}px;height:{h}px")
                }
            >
                <div class="node-header subflow-header">
                    <span class="subflow-icon" aria-hidden="true">"⊞"</span>
                    <input
                        class="subflow-name"
                        data-testid="subflow-name"
                        aria-label="Subflow title"
                        prop:value=b.group.title.clone()
                        on:change=move |ev| {
                            let title = event_target_value(&ev);
                            if title.trim().is_empty()
                                && let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                            {
                                input.set_value(&ed.doc.with_untracked(|d| d.flow.group(&id1).map(|g| g.title.clone())).unwrap_or_default());
                            }
                            ed.rename_subflow(&id1, &title)
                        }
                    />
                    <span class="status-dot"></span>
                    <button class="subflow-run" data-testid="subflow-run" title="Run this subflow (and what feeds it)" aria-label="Run this subflow" on:click=move |_| ed.run_subflow(&id2)>
                        "▶"
                    </button>
                    <button class="subflow-enter" data-testid="subflow-enter" title="Open the subflow" aria-label="Open the subflow" on:click=move |_| ed.enter_subflow(&id3)>
                        "↘"
                    </button>
                    <button class="subflow-keep" data-testid="subflow-keep" title="Keep it under My subflows in the palette" aria-label="Save to My subflows" on:click=move |_| ed.keep_subflow(&id4)>
                        "☆"
                    </button>
                    <button class="subflow-dissolve" data-testid="subflow-dissolve" title="Dissolve the subflow (its nodes stay)" aria-label="Dissolve the subflow" on:click=move |_| ed.dissolve_subflow(&id5)>
                        "✕"
                    </button>
                </div>
                <div class="ports" style:height=format!("{}px", rows as f64 * ROW)>
                    <div class="ins">{inputs}</div>
                    <div class="outs">{outputs}</div>
                </div>
                <div class="node-result" data-kind=move || status.with(|s| if s.as_ref().is_some_and(|s| s.0 == "failed") { "bad" } else { "" }) data-testid="subflow-result">
                    {move || status.with(|s| s.as_ref().filter(|s| s.0 == "failed").map(|s| s.1.clone())).unwrap_or_else(|| nodes.clone())}
                </div>
            </div>
        })
    }
}

/// Where the canvas is: the flow, then each subflow entered; each step leads back to it.
#[component]
pub fn Breadcrumb() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let scope = expect_context::<Scope>();
    let path = Memo::new(move |_| {
        let level = ed.level.get();
        let ids = scope.index.with(|s| s.path(level.as_deref()));
        ed.doc.with(|d| {
            ids.into_iter()
                .map(|id| {
                    let title = d.flow.group(&id).map(|g| g.title.clone()).unwrap_or_default();
                    (id, title)
                })
                .collect::<Vec<_>>()
        })
    });
    move || {
        let steps = path.get();
        if steps.is_empty() {
            return None;
        }
        let name = ed.doc.with(|d| d.flow.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| "Flow".into());
        let last = steps.len() - 1;
        let crumbs = steps
            .into_iter()
            .enumerate()
            .map(|(i, (id, title))| {
                let here = i == last;
                view! {
                    <span class="crumb-sep" aria-hidden="true">"›"</span>
                    {if here {
                        view! { <span class="crumb here" aria-current="location" data-testid="crumb-here">{title}</span> }.into_any()
                    } else {
                        view! { <button class="crumb" data-testid="crumb" on:click=move |_| ed.go_to_level(Some(id.clone()))>{title}</button> }.into_any()
                    }}
                }
            })
            .collect_view();
        Some(view! {
            <nav class="breadcrumb" data-testid="breadcrumb" aria-label="Where you are in the flow">
                <button class="crumb" data-testid="crumb-top" title="Back to the whole flow (Escape goes up one)" on:click=move |_| ed.go_to_level(None)>{name}</button>
                {crumbs}
            </nav>
        })
    }
}
