//! The canvas: pan (drag the background, wheel), zoom (ctrl/⌘ + wheel), select (click,
//! shift-click, shift-drag a box), move nodes, draw wires from outputs to inputs (checked while
//! dragging), reroute wires (double-click a wire: a point; drag it; double-click it: gone), and
//! drop nodes from the palette. On a touch screen one finger pans, two pinch, and a long press
//! opens the context menu (as a right-click does). Nodes and wires live in one "world" layer
//! moved by a single CSS transform, so panning and zooming touch no node.

use leptos::prelude::*;
use runtime::{Edge, InPort, NodeId, OutPort};
use wasm_bindgen::JsCast;

use crate::js::listener::Listener;
use crate::{Editor, js};

// Pointer coordinates are i32 in stable web-sys and f64 with `web_sys_unstable_apis` (set for
// wasm32 in .cargo/config.toml); `.into()` to f64 reads both.
use crate::editor::context_menu::{ContextMenu, MenuAt};
use crate::editor::group::{Collapsed, GroupFrame};
use crate::editor::minimap::Minimap;
use crate::editor::node::NodeBox;
use crate::editor::note::Note;
use crate::editor::overview::{self, Overview};
use crate::editor::subflow::{Breadcrumb, Scope, SubflowNode};
use crate::editor::wire::{TempWire, Wire};
use crate::state::layout::{intersects, node_size};
use crate::state::pointer::{Drag, Moving};
use crate::state::selection::Selection;
use crate::state::viewport::DETAIL_ZOOM;

/// How long a finger held still on the canvas opens the context menu.
const LONG_PRESS_MS: f64 = 500.0;

/// The MIME type the palette puts on a drag.
pub const NODE_MIME: &str = "application/x-flojoy-node";

fn closest(target: Option<web_sys::EventTarget>, selector: &str) -> Option<web_sys::Element> {
    target?.dyn_into::<web_sys::Element>().ok()?.closest(selector).ok().flatten()
}

fn attr(el: &web_sys::Element, name: &str) -> Option<String> {
    el.get_attribute(name)
}

/// "a:p-b:q" → the wire from output p of node a to input q of node b.
pub fn edge_of(s: &str) -> Option<Edge> {
    let (a, b) = s.split_once('-')?;
    let (an, ap) = port_of(a)?;
    let (bn, bp) = port_of(b)?;
    Some(Edge { from: OutPort { node: an, port: ap }, to: InPort { node: bn, port: bp } })
}

/// The `data-edge` attribute of a wire.
pub fn edge_attr(e: &Edge) -> String {
    format!("{}:{}-{}:{}", e.from.node.0, e.from.port, e.to.node.0, e.to.port)
}

/// "a:p-b:q/i" → point i of the wire a:p-b:q.
fn reroute_of(s: &str) -> Option<(Edge, usize)> {
    let (e, i) = s.rsplit_once('/')?;
    Some((edge_of(e)?, i.parse().ok()?))
}

/// "node:port" → (NodeId, port).
fn port_of(s: &str) -> Option<(NodeId, u16)> {
    let (n, p) = s.split_once(':')?;
    Some((NodeId(n.parse().ok()?), p.parse().ok()?))
}

/// Starts moving the selection from world point `w`.
fn start_move(ed: Editor, w: (f64, f64)) -> Option<Drag> {
    let sel = ed.selection.get_untracked();
    ed.move_offset.set((0.0, 0.0));
    ed.moving.set(Moving { nodes: sel.nodes, texts: sel.texts, reroute: None });
    Some(Drag::Move { from: w })
}

#[component]
pub fn Canvas() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let canvas = NodeRef::<leptos::html::Main>::new();
    let node_ids = Memo::new(move |_| ed.doc.with(|d| d.flow.node_ids()));
    let edges = Memo::new(move |_| ed.doc.with(|d| d.flow.edges().collect::<Vec<Edge>>()));
    // the canvas shows one level (the top, or a subflow's inside): a subflow there is one
    // node, and nodes of other levels are not drawn
    let scope = Scope::new(ed);
    provide_context(scope);
    let away = scope.away;
    // a level that went (undo of the subflow, another file) gives way to the deepest one of
    // its breadcrumb that is still there; the selection, made at that level, clears
    let trail = StoredValue::new(Vec::<String>::new());
    Effect::new(move |_| {
        let level = ed.level.get();
        let there = |l: &String| scope.index.with(|s| s.exists(l));
        if level.as_ref().is_none_or(there) {
            trail.set_value(scope.index.with(|s| s.path(level.as_deref())));
            return;
        }
        let back = trail.with_value(|t| t.iter().rev().find(|l| there(l)).cloned());
        ed.selection.set(Selection::default());
        ed.level.set(back);
    });
    // the nodes of collapsed groups are not drawn; their wires end on the group's bar
    let collapsed = Collapsed::new(ed, scope);
    provide_context(collapsed);
    let hidden = collapsed.of;
    // what is hidden (or at another level) is not selected either (Delete would remove what
    // cannot be seen); a subflow's nodes stay selected with it, when all of them are
    Effect::new(move |_| {
        hidden.with(|h| {
            away.with(|a| {
                if h.is_empty() && a.is_empty() {
                    return;
                }
                let whole: std::collections::HashSet<String> = ed.selection.with(|s| {
                    scope.boxes.with(|b| {
                        b.iter()
                            .filter(|b| b.members.iter().all(|m| s.nodes.contains(m)))
                            .map(|b| b.group.id.clone())
                            .collect()
                    })
                });
                let gone = |n: &NodeId| {
                    h.contains_key(n)
                        || match a.get(n) {
                            Some(None) => true,
                            Some(Some(sub)) => !whole.contains(sub),
                            None => false,
                        }
                };
                if ed.selection.with(|s| s.nodes.iter().any(gone)) {
                    ed.selection.update(|s| s.nodes.retain(|n| !gone(n)));
                }
            })
        })
    });
    let group_ids = Memo::new(move |_| ed.doc.with(|d| d.flow.frames().map(|g| g.id.clone()).collect::<Vec<_>>()));
    let subflow_ids =
        Memo::new(move |_| scope.boxes.with(|b| b.iter().map(|b| b.group.id.clone()).collect::<Vec<String>>()));
    // only what is in (or near) view is in the DOM: big flows stay light to pan and zoom
    let near = Memo::new(move |_| {
        let (w, h) = ed.canvas_size.get();
        let (x0, y0, x1, y1) = ed.viewport.with(|v| v.visible(w, h));
        let (mx, my) = ((x1 - x0) * 0.5, (y1 - y0) * 0.5);
        (x0 - mx, y0 - my, x1 + mx, y1 + my)
    });
    let visible = Memo::new(move |_| {
        // zoomed out, the overview draws every node on one <canvas>: none in the DOM
        if !ed.detail.get() {
            return Vec::new();
        }
        let r = near.get();
        hidden.with(|hidden| {
            away.with(|away| {
                ed.moving.with(|m| {
                    ed.doc.with(|d| {
                        d.flow
                            .nodes()
                            .filter(|n| !hidden.contains_key(&n.id) && !away.contains_key(&n.id))
                            .filter(|n| {
                                let (nw, nh) = node_size(n);
                                m.nodes.contains(&n.id)
                                    || intersects(r, (n.position.0, n.position.1, n.position.0 + nw, n.position.1 + nh))
                            })
                            .map(|n| n.id)
                            .collect::<Vec<NodeId>>()
                    })
                })
            })
        })
    });
    let visible_edges = Memo::new(move |_| {
        if !ed.detail.get() {
            return Vec::new();
        }
        let r = near.get();
        visible.with(|v| {
            let set: std::collections::HashSet<NodeId> = v.iter().copied().collect();
            hidden.with(|of| {
                collapsed.bars.with(|bars| {
                    scope.away.with(|away| {
                        scope.boxes.with(|boxes| {
                            // an end in view: a node drawn, or the bar of the collapsed group it is in,
                            // or the subflow drawn here that holds it
                            let in_view = |id: &NodeId| {
                                set.contains(id)
                                    || of
                                        .get(id)
                                        .and_then(|g| bars.get(g))
                                        .is_some_and(|b| intersects(r, (b.0, b.1, b.0 + b.2, b.1 + b.3)))
                                    || away.get(id).and_then(|s| s.as_ref()).is_some_and(|s| {
                                        boxes.iter().any(|b| {
                                            let (x, y, w, h) = b.rect;
                                            &b.group.id == s && intersects(r, (x, y, x + w, y + h))
                                        })
                                    })
                            };
                            edges.with(|es| {
                                es.iter()
                                    // a wire inside a collapsed group is not drawn
                                    .filter(|e| match (of.get(&e.from.node), of.get(&e.to.node)) {
                                        (Some(a), Some(b)) => a != b,
                                        _ => true,
                                    })
                                    // nor one inside one subflow, or between other levels (one
                                    // with an end here is a stub)
                                    .filter(|e| match (away.get(&e.from.node), away.get(&e.to.node)) {
                                        (Some(None), Some(None)) => false,
                                        (Some(Some(a)), Some(Some(b))) => a != b,
                                        _ => true,
                                    })
                                    .filter(|e| in_view(&e.from.node) || in_view(&e.to.node))
                                    .copied()
                                    .collect::<Vec<Edge>>()
                            })
                        })
                    })
                })
            })
        })
    });
    let text_ids = Memo::new(move |_| ed.doc.with(|d| d.flow.texts.iter().map(|t| t.id.clone()).collect::<Vec<_>>()));

    // screen position of a pointer event, relative to the canvas
    let local = move |x: f64, y: f64| -> (f64, f64) {
        canvas.get_untracked().map_or((0.0, 0.0), |c| {
            let r = c.get_bounding_client_rect();
            (x - r.left(), y - r.top())
        })
    };
    let world = move |x: f64, y: f64| {
        let (sx, sy) = local(x, y);
        ed.viewport.get_untracked().to_world(sx, sy)
    };

    // fingers on the canvas (touch pointers), in the order they went down: one pans like the
    // mouse, two pinch
    let touches = StoredValue::new(Vec::<(i32, (f64, f64))>::new());
    let two_fingers = move || {
        touches.with_value(|t| match t.as_slice() {
            [a, b, ..] => Some([a.1, b.1]),
            _ => None,
        })
    };

    // the context menu (right-click, or a finger held still for LONG_PRESS_MS)
    let menu = RwSignal::new(None::<MenuAt>);
    // the node a press is on: its element, or zoomed out the one the overview draws there
    // (not through a note, frame or subflow node drawn above the overview)
    let drawn_node_at = move |target: &Option<web_sys::EventTarget>, w: (f64, f64)| {
        if closest(target.clone(), "[data-text], [data-subflow], .group-frame").is_some() {
            return None;
        }
        overview::node_at(ed, w, |n| {
            hidden.with_untracked(|h| h.contains_key(n)) || away.with_untracked(|a| a.contains_key(n))
        })
    };
    let node_under = move |target: Option<web_sys::EventTarget>, (sx, sy): (f64, f64)| {
        closest(target.clone(), "[data-node]")
            .map(|el| NodeId(attr(&el, "data-node").and_then(|s| s.parse().ok()).unwrap_or(u32::MAX)))
            .or_else(|| drawn_node_at(&target, ed.viewport.get_untracked().to_world(sx, sy)))
    };
    let open_menu = move |(x, y): (f64, f64), node: Option<NodeId>| {
        if let Some(id) = node
            && !ed.selection.with_untracked(|s| s.nodes.contains(&id))
        {
            ed.selection.set(Selection::node(id));
        }
        menu.set(Some(MenuAt { x, y, node }));
    };
    // the press a long press may become: its pointer, where it went down, and a number that
    // changes when it is lifted or moves away (so a timer of an earlier press does nothing)
    let press = StoredValue::new((0_u32, None::<(i32, (f64, f64))>));
    let on_context_menu = move |ev: web_sys::MouseEvent| {
        ev.prevent_default();
        let at = local(ev.client_x(), ev.client_y());
        open_menu(at, node_under(ev.target(), at));
    };

    let on_down = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        if ev.pointer_type() == "touch" {
            let at = local(ev.client_x(), ev.client_y());
            touches.update_value(|t| t.push((ev.pointer_id(), at)));
            let (generation, _) = press.get_value();
            if let Some(from) = two_fingers() {
                // a second finger: no long press, and whatever the first began (a pan, a move)
                // gives way to the pinch
                press.set_value((generation + 1, None));
                ed.moving.set(Moving::default());
                ed.move_offset.set((0.0, 0.0));
                if let Some(c) = canvas.get_untracked() {
                    let _ = c.set_pointer_capture(ev.pointer_id());
                }
                ed.drag.set(Some(Drag::Pinch { from, origin: ed.viewport.get_untracked() }));
                return;
            }
            let node = node_under(ev.target(), at);
            let this = (generation + 1, Some((ev.pointer_id(), at)));
            press.set_value(this);
            leptos::task::spawn_local(async move {
                js::sleep(LONG_PRESS_MS).await;
                if press.get_value() == this {
                    // held still: the menu instead of the pan or move the press began
                    ed.drag.set(None);
                    ed.moving.set(Moving::default());
                    ed.move_offset.set((0.0, 0.0));
                    open_menu(at, node);
                }
            });
        }
        // controls inside nodes keep their pointer (inputs in the panel are outside the canvas)
        if closest(ev.target(), "input, select, textarea, button, a, .plot").is_some() {
            return;
        }
        let (sx, sy) = local(ev.client_x(), ev.client_y());
        let w = ed.viewport.get_untracked().to_world(sx, sy);
        let shift = ev.shift_key();
        let drag = if let Some(el) = closest(ev.target(), "[data-out-port]") {
            attr(&el, "data-out-port").as_deref().and_then(port_of).map(|(node, port)| Drag::Wire {
                from: OutPort { node, port },
                at: w,
                hover: None,
            })
        } else if let Some(el) = closest(ev.target(), "[data-reroute]") {
            // a wire's reroute point: moved alone
            attr(&el, "data-reroute").as_deref().and_then(reroute_of).map(|point| {
                ed.move_offset.set((0.0, 0.0));
                ed.moving.set(Moving { reroute: Some(point), ..Moving::default() });
                Drag::Move { from: w }
            })
        } else if let Some(el) = closest(ev.target(), "[data-edge]") {
            if let Some(e) = attr(&el, "data-edge").as_deref().and_then(edge_of) {
                ed.selection.update(|s| {
                    if shift {
                        if !s.edges.remove(&e) {
                            s.edges.insert(e);
                        }
                    } else {
                        *s = Selection::edge(e);
                    }
                });
            }
            None
        } else if let Some(el) = closest(ev.target(), "[data-group-title]") {
            // the title bar moves the group: its nodes become the selection
            let id = attr(&el, "data-group-title").unwrap_or_default();
            // (those drawn at this level: a frame may hold nodes of several)
            let members = away.with_untracked(|away| {
                ed.doc.with_untracked(|d| {
                    d.flow.group(&id).map(|g| {
                        d.flow.group_members(g).into_iter().filter(|n| !away.contains_key(n)).collect::<Vec<_>>()
                    })
                })
            });
            ed.selection.update(|s| {
                if !shift {
                    *s = Selection::default();
                }
                s.nodes.extend(members.into_iter().flatten());
            });
            start_move(ed, w)
        } else if let Some(el) = closest(ev.target(), "[data-subflow]") {
            // a subflow node moves (and is selected) as all its nodes
            let id = attr(&el, "data-subflow").unwrap_or_default();
            let members = ed.doc.with_untracked(|d| d.flow.subflow_members(&id));
            ed.selection.update(|s| {
                let all = members.iter().all(|m| s.nodes.contains(m));
                if shift && all {
                    let out: std::collections::HashSet<NodeId> = members.iter().copied().collect();
                    s.nodes.retain(|n| !out.contains(n));
                } else if shift {
                    s.nodes.extend(members);
                } else if !all {
                    *s = Selection::default();
                    s.nodes.extend(members);
                }
            });
            start_move(ed, w)
        } else if let Some(id) = closest(ev.target(), "[data-node]")
            .map(|el| NodeId(attr(&el, "data-node").and_then(|s| s.parse().ok()).unwrap_or(u32::MAX)))
            .or_else(|| drawn_node_at(&ev.target(), w))
        {
            ed.selection.update(|s| {
                if shift {
                    s.toggle_node(id);
                } else if !s.nodes.contains(&id) {
                    *s = Selection::node(id);
                }
            });
            start_move(ed, w)
        } else if let Some(el) = closest(ev.target(), "[data-text]") {
            let id = attr(&el, "data-text").unwrap_or_default();
            ed.selection.update(|s| {
                if shift {
                    if !s.texts.remove(&id) {
                        s.texts.insert(id.clone());
                    }
                } else if !s.texts.contains(&id) {
                    *s = Selection::text(id.clone());
                }
            });
            start_move(ed, w)
        } else if shift {
            Some(Drag::Select { from: w, to: w, additive: true })
        } else {
            Some(Drag::Pan { from: (sx, sy), origin: ed.viewport.get_untracked(), moved: false })
        };
        if let Some(d) = drag {
            if let Some(c) = canvas.get_untracked() {
                let _ = c.set_pointer_capture(ev.pointer_id());
            }
            ed.drag.set(Some(d));
        }
    };

    let on_move = move |ev: web_sys::PointerEvent| {
        let (sx, sy) = local(ev.client_x(), ev.client_y());
        if ev.pointer_type() == "touch" {
            touches.update_value(|t| {
                if let Some(f) = t.iter_mut().find(|f| f.0 == ev.pointer_id()) {
                    f.1 = (sx, sy);
                }
            });
            press.update_value(|(generation, p)| {
                if p.is_some_and(|(id, at)| id == ev.pointer_id() && (sx - at.0).hypot(sy - at.1) > 8.0) {
                    *generation += 1;
                    *p = None;
                }
            });
        }
        let Some(drag) = ed.drag.get_untracked() else { return };
        let w = ed.viewport.get_untracked().to_world(sx, sy);
        let next = match drag {
            Drag::Pan { from, origin, moved } => {
                ed.viewport.set(origin.pan(sx - from.0, sy - from.1));
                let now = moved || (sx - from.0).abs() + (sy - from.1).abs() > 3.0;
                if now == moved {
                    return;
                }
                Drag::Pan { from, origin, moved: now }
            }
            Drag::Move { from } => {
                ed.move_offset.set((w.0 - from.0, w.1 - from.1));
                return;
            }
            Drag::Select { from, additive, .. } => Drag::Select { from, to: w, additive },
            Drag::Pinch { from, origin } => {
                if let Some(now) = two_fingers() {
                    ed.viewport.set(origin.pinch(from, now));
                }
                return;
            }
            Drag::Wire { from, .. } => {
                let under = js::element_at(ev.client_x(), ev.client_y())
                    .and_then(|el| el.closest("[data-in-port]").ok().flatten());
                let hover =
                    under.and_then(|el| attr(&el, "data-in-port")).as_deref().and_then(port_of).map(|(node, port)| {
                        let to = InPort { node, port };
                        let ok = ed.doc.with_untracked(|d| d.flow.check_wire(from, to)).map_err(|e| e.to_string());
                        (to, ok)
                    });
                Drag::Wire { from, at: w, hover }
            }
        };
        ed.drag.set(Some(next));
    };

    let on_up = move |ev: web_sys::PointerEvent| {
        touches.update_value(|t| t.retain(|f| f.0 != ev.pointer_id()));
        press.update_value(|(generation, p)| {
            *generation += 1;
            *p = None;
        });
        let Some(drag) = ed.drag.get_untracked() else { return };
        ed.drag.set(None);
        match drag {
            // the pinch ends with the first finger lifted; the other one starts nothing
            Drag::Pinch { .. } => {}
            Drag::Pan { moved: false, .. } => ed.selection.set(Selection::default()),
            Drag::Pan { .. } => {}
            Drag::Move { .. } => {
                let (dx, dy) = ed.move_offset.get_untracked();
                let moving = ed.moving.get_untracked();
                ed.moving.set(Moving::default());
                ed.move_offset.set((0.0, 0.0));
                if dx.abs() + dy.abs() < 0.5 {
                    return;
                }
                if let Some((edge, i)) = moving.reroute {
                    ed.move_reroute(edge, i, (dx, dy));
                    return;
                }
                let ids: Vec<NodeId> = moving.nodes.into_iter().collect();
                let texts = moving.texts;
                let mut edits: Vec<runtime::Edit> =
                    ed.doc.with_untracked(|d| d.move_edit(&ids, dx, dy)).into_iter().collect();
                ed.doc.with_untracked(|d| {
                    for t in d.flow.texts.iter().filter(|t| texts.contains(&t.id)) {
                        edits.push(runtime::Edit::MoveText {
                            id: t.id.clone(),
                            to: (t.position.0 + dx, t.position.1 + dy),
                        });
                    }
                });
                if !edits.is_empty() {
                    ed.apply(runtime::Edit::Batch(edits));
                }
            }
            Drag::Select { from, to, additive } => {
                let rect = (from.0.min(to.0), from.1.min(to.1), from.0.max(to.0), from.1.max(to.1));
                // the nodes drawn here in the box, and every node of the subflows it touches
                let mut hit: Vec<NodeId> = away.with_untracked(|away| {
                    ed.doc.with_untracked(|d| {
                        d.flow
                            .nodes()
                            .filter(|n| !away.contains_key(&n.id))
                            .filter(|n| {
                                let (w, h) = node_size(n);
                                intersects(rect, (n.position.0, n.position.1, n.position.0 + w, n.position.1 + h))
                            })
                            .map(|n| n.id)
                            .collect()
                    })
                });
                scope.boxes.with_untracked(|boxes| {
                    for b in boxes {
                        let (x, y, w, h) = b.rect;
                        if intersects(rect, (x, y, x + w, y + h)) {
                            hit.extend(b.members.iter().copied());
                        }
                    }
                });
                ed.selection.update(|s| {
                    if !additive {
                        *s = Selection::default();
                    }
                    s.nodes.extend(hit);
                });
            }
            Drag::Wire { from, hover: Some((to, _)), .. } => {
                match ed.doc.with_untracked(|d| d.flow.connect_edit(from, to)) {
                    Ok(edit) => {
                        ed.apply(edit);
                    }
                    Err(e) => ed.error(e.to_string()),
                }
            }
            Drag::Wire { .. } => {}
        }
    };

    let on_dragover = move |ev: web_sys::DragEvent| {
        if let Some(dt) = ev.data_transfer() {
            let types = dt.types();
            if types.includes(&NODE_MIME.into(), 0) || types.includes(&"Files".into(), 0) {
                ev.prevent_default();
            }
        }
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        let Some(dt) = ev.data_transfer() else { return };
        if let Ok(func) = dt.get_data(NODE_MIME)
            && !func.is_empty()
        {
            ev.prevent_default();
            ev.stop_propagation();
            let (x, y) = world(ev.client_x(), ev.client_y());
            ed.add_node(&func, Some((x - 20.0, y - 15.0)));
        }
    };
    let on_dblclick = move |ev: web_sys::MouseEvent| {
        // the canvas captures the pointer while pressed, so the event's target is the canvas:
        // look at what is under the pointer instead
        let under = js::element_at(ev.client_x(), ev.client_y());
        // zoomed out (the overview): back to 100 % where it was double-clicked, unless on
        // something that takes a double-click itself (a note, a subflow node, a field)
        let own = under.as_ref().and_then(|e| e.closest("[data-text], [data-subflow], input, button").ok().flatten());
        if own.is_none() && overview::zoom_in(ed, local(ev.client_x(), ev.client_y())) {
            return;
        }
        if let Some(note) = under.as_ref().and_then(|e| e.closest("[data-text]").ok().flatten()) {
            ed.editing_note.set(attr(&note, "data-text"));
            return;
        }
        // a reroute point goes; a wire gets one where it was double-clicked
        if let Some(point) = under.as_ref().and_then(|e| e.closest("[data-reroute]").ok().flatten()) {
            if let Some((edge, i)) = attr(&point, "data-reroute").as_deref().and_then(reroute_of) {
                ed.remove_reroute(edge, i);
            }
            return;
        }
        if let Some(wire) = under.as_ref().and_then(|e| e.closest("[data-edge]").ok().flatten()) {
            // (a stub's path belongs to the other level: no reroute point on it)
            if let Some(edge) =
                attr(&wire, "data-edge").filter(|_| !wire.has_attribute("data-stub")).as_deref().and_then(edge_of)
            {
                ed.add_reroute(edge, world(ev.client_x(), ev.client_y()));
            }
            return;
        }
        if let Some(el) = under.as_ref().and_then(|e| e.closest("[data-subflow]").ok().flatten()) {
            // its title field edits the title; anywhere else opens the subflow
            if under.as_ref().and_then(|e| e.closest("input, button").ok().flatten()).is_none() {
                ed.enter_subflow(&attr(&el, "data-subflow").unwrap_or_default());
            }
            return;
        }
        if let Some(el) = under.and_then(|e| e.closest("[data-node]").ok().flatten()) {
            let id = NodeId(attr(&el, "data-node").and_then(|s| s.parse().ok()).unwrap_or(u32::MAX));
            ed.viewing.set(Some(id));
        }
    };

    // the wheel needs a non-passive listener to stop the page from scrolling or zooming; the
    // canvas element gets one (a new element replaces it, dropping the old one)
    let wheel = StoredValue::new_local(None::<Listener>);
    // keep the canvas size known (fit view, placing new nodes in view, the minimap)
    let measure = move || {
        if let Some(c) = canvas.get_untracked() {
            let r = c.get_bounding_client_rect();
            ed.canvas_size.set((r.width(), r.height()));
        }
    };
    js::listener::window(leptos::ev::resize, move |_| measure());
    Effect::new(move |_| {
        let Some(c) = canvas.get() else { return };
        let on_wheel = move |ev: web_sys::Event| {
            let Some(ev) = ev.dyn_ref::<web_sys::WheelEvent>() else { return };
            ev.prevent_default();
            let (sx, sy) = local(ev.client_x(), ev.client_y());
            if ev.ctrl_key() || ev.meta_key() {
                let factor = (-ev.delta_y() * 0.002).exp();
                ed.viewport.update(|v| *v = v.zoom_at(sx, sy, factor));
            } else {
                ed.viewport.update(|v| *v = v.pan(-ev.delta_x(), -ev.delta_y()));
            }
        };
        wheel.set_value(Some(Listener::active(&c, "wheel", on_wheel)));
        measure();
    });

    let transform = move || ed.viewport.with(|v| v.css());
    // the dot grid is its own layer, one cell larger than the canvas on every side and moved
    // by a transform: panning repaints nothing (a repaint re-layers the whole page, which
    // costs tens of milliseconds a frame with a thousand nodes)
    let grid = move || {
        ed.viewport.with(|v| {
            let s = 24.0 * v.zoom;
            // dots closer than 6 px are a grey wash, and a costly one to paint (zoomed out far)
            if s < 6.0 {
                return "display:none".to_owned();
            }
            let (dx, dy) = (v.x.rem_euclid(s), v.y.rem_euclid(s));
            format!("inset:-{s:.2}px;background-size:{s:.2}px {s:.2}px;transform:translate({dx:.2}px,{dy:.2}px)")
        })
    };
    let select_box = move || match ed.drag.get() {
        Some(Drag::Select { from, to, .. }) => {
            let v = ed.viewport.get();
            let (a, b) =
                (v.to_screen(from.0.min(to.0), from.1.min(to.1)), v.to_screen(from.0.max(to.0), from.1.max(to.1)));
            Some(
                view! { <div class="select-box" style=format!("left:{}px;top:{}px;width:{}px;height:{}px", a.0, a.1, b.0 - a.0, b.1 - a.1)></div> },
            )
        }
        _ => None,
    };
    let wire_hint = move || match ed.drag.get() {
        Some(Drag::Wire { hover: Some((_, Err(reason))), at, .. }) => {
            let (x, y) = ed.viewport.get().to_screen(at.0, at.1);
            Some(
                view! { <div class="wire-hint" data-testid="wire-refused" style=format!("left:{}px;top:{}px", x + 14.0, y + 14.0)>{reason}</div> },
            )
        }
        _ => None,
    };

    view! {
        <main
            class="canvas"
            data-testid="canvas"
            node_ref=canvas
            class:wiring=move || matches!(ed.drag.get(), Some(Drag::Wire { .. }))
            class:panning=move || matches!(ed.drag.get(), Some(Drag::Pan { moved: true, .. }))
            class:overview=move || ed.viewport.with(|v| v.zoom < DETAIL_ZOOM)
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
            on:dragover=on_dragover
            on:drop=on_drop
            on:dblclick=on_dblclick
            on:contextmenu=on_context_menu
        >
            <div class="grid" style=grid></div>
            <Overview/>
            <div class="world" style:transform=transform>
                <For each=move || group_ids.get() key=|g| g.clone() let(g)>
                    <GroupFrame id=g/>
                </For>
                <svg class="wires">
                    <For each=move || visible_edges.get() key=|e| *e let(e)>
                        <Wire edge=e/>
                    </For>
                    <TempWire/>
                </svg>
                // notes belong to the flow's top level
                <For each=move || if ed.level.with(Option::is_none) { text_ids.get() } else { Vec::new() } key=|t| t.clone() let(t)>
                    <Note id=t/>
                </For>
                <For each=move || subflow_ids.get() key=|s| s.clone() let(s)>
                    <SubflowNode id=s/>
                </For>
                <For each=move || visible.get() key=|id| *id let(id)>
                    <NodeBox id=id/>
                </For>
            </div>
            <Breadcrumb/>
            {select_box}
            {wire_hint}
            <Minimap/>
            <ContextMenu at=menu/>
            <div class="empty-hint" class:hidden=move || !node_ids.with(Vec::is_empty)>
                "Drag a node from the palette, or press Ctrl+K to search"
            </div>
        </main>
    }
}
