//! Adding to the dashboard: a control (node → parameter → widget kind, limited by the
//! parameter's type) or an output (node → output → panel kind), or a markdown text.

use leptos::prelude::*;

use super::save_board;
use crate::Editor;
use crate::state::dashboard::{Board, Item, Panel, Widget};

#[derive(Clone, Copy, PartialEq)]
pub enum Adding {
    Control,
    Output,
}

fn new_id(ed: Editor, prefix: &str) -> String {
    format!("{prefix}-{}", runtime::file::uuid(ed.random()))
}

pub fn add_text(ed: Editor, board: Memo<Board>) {
    let mut b = board.get_untracked();
    let at = b.next_spot();
    b.items.push(Item::markdown(new_id(ed, "text"), "### Notes\nDescribe what this dashboard does.".into(), at));
    save_board(ed, &b);
}

#[component]
pub fn AddDialog(adding: Adding, close: impl Fn() + Copy + Send + Sync + 'static, board: Memo<Board>) -> impl IntoView {
    let ed = expect_context::<Editor>();
    // (node key, label) of nodes that have what we are adding
    let nodes = ed.doc.with_untracked(|d| {
        d.flow
            .nodes()
            .filter(|n| match adding {
                Adding::Control => n.spec().params.iter().any(|p| !Widget::for_param(p).is_empty()),
                Adding::Output => !n.spec().outputs.is_empty(),
            })
            .map(|n| (n.key.clone(), n.label.clone()))
            .collect::<Vec<_>>()
    });
    let node = RwSignal::new(nodes.first().map(|(k, _)| k.clone()).unwrap_or_default());
    let target = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    // the parameters (or outputs) of the chosen node, and the kinds each allows
    let choices = Memo::new(move |_| {
        let key = node.get();
        ed.doc.with(|d| {
            let Some(n) = d.flow.find_key(&key).and_then(|id| d.flow.node(id)) else { return Vec::new() };
            match adding {
                Adding::Control => n
                    .spec()
                    .params
                    .iter()
                    .filter(|p| !Widget::for_param(p).is_empty())
                    .map(|p| {
                        (p.name.clone(), Widget::for_param(p).iter().map(|w| w.name().to_owned()).collect::<Vec<_>>())
                    })
                    .collect(),
                Adding::Output => n
                    .spec()
                    .outputs
                    .iter()
                    .map(|o| (o.name.clone(), Panel::ALL.iter().map(|p| p.name().to_owned()).collect()))
                    .collect(),
            }
        })
    });
    // keep the choices consistent: a parameter of this node, a kind it allows
    Effect::new(move |_| {
        let c = choices.get();
        if !c.iter().any(|(t, _)| *t == target.get_untracked()) {
            target.set(c.first().map(|(t, _)| t.clone()).unwrap_or_default());
        }
    });
    let kinds = Memo::new(move |_| {
        choices.with(|c| c.iter().find(|(t, _)| *t == target.get()).map(|(_, k)| k.clone()).unwrap_or_default())
    });
    Effect::new(move |_| {
        let k = kinds.get();
        if !k.contains(&kind.get_untracked()) {
            let default = if adding == Adding::Output {
                // a figure mirrors, a number shows big
                let key = node.get_untracked();
                let is_plot = ed.doc.with_untracked(|d| {
                    d.flow
                        .find_key(&key)
                        .and_then(|id| d.flow.node(id))
                        .is_some_and(|n| n.spec().outputs.iter().any(|o| o.types.contains(runtime::DataType::Plotly)))
                });
                if is_plot { "mirror".to_owned() } else { "seven segment display".to_owned() }
            } else {
                k.first().cloned().unwrap_or_default()
            };
            kind.set(if k.contains(&default) { default } else { k.first().cloned().unwrap_or_default() });
        }
    });
    let add = move |_| {
        let mut b = board.get_untracked();
        let at = b.next_spot();
        let key = node.get_untracked();
        let item = match adding {
            Adding::Control => {
                let spec = ed.doc.with_untracked(|d| {
                    d.flow
                        .find_key(&key)
                        .and_then(|id| d.flow.node(id))
                        .and_then(|n| n.spec().param_spec(&target.get_untracked()).cloned())
                });
                match (spec, Widget::from_name(&kind.get_untracked())) {
                    (Some(p), Some(w)) => Some(Item::input(new_id(ed, "ctrl"), key, &p, w, at)),
                    _ => None,
                }
            }
            Adding::Output => Panel::from_name(&kind.get_untracked())
                .map(|p| Item::output(new_id(ed, "viz"), key, target.get_untracked(), p, at)),
        };
        match item {
            Some(item) => {
                b.items.push(item);
                if save_board(ed, &b) {
                    close();
                }
            }
            None => ed.error("choose a node, what to bind, and a kind"),
        }
    };
    let title = if adding == Adding::Control { "Add a control" } else { "Add an output" };
    let what = if adding == Adding::Control { "Parameter" } else { "Output" };
    view! {
        <div class="modal-backdrop" on:click=move |_| close()>
            <div class="add-dialog" data-testid="add-dialog" on:click=|ev| ev.stop_propagation()>
                <h3>{title}</h3>
                {nodes.is_empty().then(|| view! { <p class="muted">"No node in the flow has anything to bind."</p> })}
                <label class="field"><span>"Node"</span>
                    <select data-testid="add-node" on:change=move |ev| node.set(event_target_value(&ev))>
                        {nodes.into_iter().map(|(k, l)| { let sel = k == node.get_untracked(); view! { <option value=k selected=sel>{l}</option> } }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>{what}</span>
                    <select data-testid="add-target" on:change=move |ev| target.set(event_target_value(&ev))>
                        {move || choices.get().into_iter().map(|(t, _)| { let sel = t == target.get(); view! { <option value=t.clone() selected=sel>{t.replace('_', " ")}</option> } }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>"Kind"</span>
                    <select data-testid="add-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {move || kinds.get().into_iter().map(|k| { let sel = k == kind.get(); view! { <option value=k.clone() selected=sel>{k.clone()}</option> } }).collect_view()}
                    </select>
                </label>
                <div class="buttons">
                    <button on:click=move |_| close()>"Cancel"</button>
                    <button class="primary" data-testid="add-confirm" on:click=add>"Add"</button>
                </div>
            </div>
        </div>
    }
}
