//! A group's frame on the canvas: a titled, coloured box around its nodes. Its title bar moves
//! the group (drag), collapses it (its nodes hidden, wires ending on the bar), runs it alone
//! (it and what feeds it), recolours it and ungroups; the title is edited in place.

use std::collections::HashMap;

use leptos::prelude::*;
use runtime::NodeId;
use runtime::flow::{Flow, Group};
use wasm_bindgen::JsCast;

use crate::Editor;
use crate::editor::subflow::Scope;
use crate::editor::wire::shown_at;
use crate::state::layout::{collapsed_ports, group_rect, node_size};
use crate::state::run::Status;

/// Where `g` is drawn now (nodes being dragged included), around its nodes drawn at the
/// canvas's level (`away`: those that are not, [`Scope::away`]); `None` when there are none.
pub fn frame_of(
    ed: &Editor,
    flow: &Flow,
    g: &Group,
    away: &HashMap<NodeId, Option<String>>,
) -> Option<(f64, f64, f64, f64)> {
    let nodes = flow
        .group_members(g)
        .into_iter()
        .filter(|id| !away.contains_key(id))
        .filter_map(|id| flow.node(id))
        .map(|n| (shown_at(ed, n), node_size(n)));
    group_rect(nodes.collect::<Vec<_>>(), g.collapsed)
}

/// The collapsed groups, computed once per change and read by every wire: the group (by id)
/// each hidden node is drawn in (the first, when groups overlap), and each such group's frame.
#[derive(Clone, Copy)]
pub struct Collapsed {
    pub of: Memo<HashMap<NodeId, String>>,
    pub bars: Memo<HashMap<String, (f64, f64, f64, f64)>>,
}

impl Collapsed {
    pub fn new(ed: Editor, scope: Scope) -> Collapsed {
        // only nodes drawn as themselves at the canvas's level: a collapsed frame elsewhere
        // hides nothing here
        let of = Memo::new(move |_| {
            scope.away.with(|away| {
                ed.doc.with(|d| {
                    let mut of = HashMap::new();
                    for g in d.flow.frames().filter(|g| g.collapsed) {
                        for id in d.flow.group_members(g).into_iter().filter(|id| !away.contains_key(id)) {
                            of.entry(id).or_insert_with(|| g.id.clone());
                        }
                    }
                    of
                })
            })
        });
        let bars = Memo::new(move |_| {
            scope.away.with(|away| {
                ed.doc.with(|d| {
                    d.flow
                        .frames()
                        .filter(|g| g.collapsed)
                        .filter_map(|g| Some((g.id.clone(), frame_of(&ed, &d.flow, g, away)?)))
                        .collect()
                })
            })
        });
        Collapsed { of, bars }
    }

    /// Where the wires of `node` end if it is hidden in a collapsed group: (inputs, outputs).
    pub fn ports(&self, node: NodeId) -> Option<((f64, f64), (f64, f64))> {
        let g = self.of.with(|of| of.get(&node).cloned())?;
        self.bars.with(|b| b.get(&g).copied()).map(collapsed_ports)
    }
}

/// What nodes did in the last run, worst first: a failure (naming the node and its error),
/// running, all done; `None` when nothing ran. A collapsed group and a subflow node say it for
/// the nodes they hide.
pub fn run_status(ed: Editor, members: &[NodeId]) -> Option<(&'static str, String)> {
    ed.runner().nodes.with(|runs| {
        let status = |m: &NodeId| runs.get(m).map(|r| r.status).unwrap_or_default();
        if let Some(m) = members.iter().find(|m| status(m) == Status::Failed) {
            let label = ed.doc.with(|d| d.flow.node(*m).map(|n| n.label.clone())).unwrap_or_default();
            let error = runs.get(m).and_then(|r| r.error.clone()).unwrap_or_default();
            return Some(("failed", format!("{label} failed: {error}")));
        }
        if members.iter().any(|m| matches!(status(m), Status::Running | Status::Queued)) {
            return Some(("running", String::new()));
        }
        (!members.is_empty() && members.iter().all(|m| status(m) == Status::Done)).then(|| ("done", String::new()))
    })
}

/// A group's nodes' last run ([`run_status`]).
fn group_status(ed: Editor, id: &str) -> Option<(&'static str, String)> {
    let members = ed.doc.with(|d| d.flow.group(id).map(|g| d.flow.group_members(g)))?;
    run_status(ed, &members)
}

#[component]
pub fn GroupFrame(id: String) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let scope = expect_context::<Scope>();
    let gid = id.clone();
    let status = Memo::new({
        let id = id.clone();
        move |_| group_status(ed, &id)
    });
    let shown = Memo::new(move |_| {
        scope.away.with(|away| {
            ed.doc.with(|d| {
                let g = d.flow.group(&gid).filter(|g| !g.is_subflow())?;
                let rect = frame_of(&ed, &d.flow, g, away)?;
                Some((g.clone(), d.flow.group_members(g).len(), rect))
            })
        })
    });
    move || {
        let (g, count, (x, y, w, h)) = shown.get()?;
        let (id1, id2, id3, id4, id5) = (g.id.clone(), g.id.clone(), g.id.clone(), g.id.clone(), g.id.clone());
        let nodes = if count == 1 { "1 node".to_owned() } else { format!("{count} nodes") };
        Some(view! {
            <div
                class="group-frame"
                class:collapsed=g.collapsed
                data-status=move || status.with(|s| s.as_ref().map_or("idle", |s| s.0))
                data-group=g.id.clone()
                data-testid="group"
                role="group"
                aria-label=format!("group {}", g.title)
                style=format!(
                    "left:{x}px;top:{y}px;width:{w}px;{}:{h}px;--group:{}",
                    if g.collapsed { "min-height" } else { "height" },
                    g.color,
                )
            >
                <div class="group-title" data-group-title=g.id.clone() title="Drag to move the group">
                    <button
                        class="group-toggle"
                        data-testid="group-toggle"
                        aria-label=if g.collapsed { "Expand the group" } else { "Collapse the group" }
                        aria-expanded=(!g.collapsed).to_string()
                        on:click=move |_| ed.toggle_group(&id1)
                    >
                        {if g.collapsed { "▸" } else { "▾" }}
                    </button>
                    <input
                        class="group-name"
                        data-testid="group-name"
                        aria-label="Group title"
                        prop:value=g.title.clone()
                        on:change=move |ev| {
                            let title = event_target_value(&ev);
                            if title.trim().is_empty()
                                && let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                            {
                                // refused (a title cannot be empty): the field shows the title again
                                input.set_value(&ed.doc.with_untracked(|d| d.flow.group(&id2).map(|g| g.title.clone())).unwrap_or_default());
                            }
                            ed.rename_group(&id2, &title)
                        }
                    />
                    <button class="group-run" data-testid="group-run" title="Run this group (and what feeds it)" aria-label="Run this group" on:click=move |_| ed.run_group(&id3)>
                        "▶"
                    </button>
                    <button class="group-colour" title="Another colour" aria-label="Change the group's colour" on:click=move |_| ed.recolor_group(&id4)>
                        "●"
                    </button>
                    <button class="group-ungroup" data-testid="group-ungroup" title="Ungroup (the nodes stay)" aria-label="Ungroup" on:click=move |_| ed.ungroup(&id5)>
                        "✕"
                    </button>
                </div>
                {g.collapsed
                    .then(|| {
                        view! {
                            <div class="group-count">
                                <span class="status-dot"></span>
                                {nodes}
                            </div>
                            // a hidden node's failure is said on the bar (its node cannot be seen)
                            <div class="group-error" data-testid="group-error" role="status">
                                {move || status.with(|s| s.as_ref().filter(|s| s.0 == "failed").map(|s| s.1.clone()))}
                            </div>
                        }
                    })}
            </div>
        })
    }
}
