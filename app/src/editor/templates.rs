//! Templates: the selected nodes (and the wires between them) saved under a name in IndexedDB
//! (`js::store`), listed in the palette under "My templates" and inserted again with a click,
//! as one undoable step, as a paste would. They are the user's own, so inserting one never asks
//! for the review a flow from outside needs.

use leptos::prelude::*;

use crate::js::store::{self, Record};
use crate::state::clipboard;
use crate::{Editor, js};

impl Editor {
    /// Reads the templates into [`Editor::templates`] (at start, and after each save).
    pub fn refresh_templates(&self) {
        let ed = *self;
        leptos::task::spawn_local(async move {
            match store::template_list().await {
                Ok(list) => ed.templates.set(list),
                Err(e) => ed.error(format!("the templates could not be read: {e}")),
            }
        });
    }

    /// Saves the selection as a template, under a name the user gives.
    pub fn save_template(&self) {
        let Some(text) = self.selected_copy() else {
            self.error("select the nodes to keep as a template first");
            return;
        };
        let nodes = self.selection.with_untracked(|s| s.nodes.len());
        let suggested = self.doc.with_untracked(|d| {
            let first = self.selection.with_untracked(|s| s.nodes.iter().next().copied());
            first.and_then(|id| d.flow.node(id)).map(|n| n.label.clone()).unwrap_or_default()
        });
        let asked = js::window()
            .and_then(|w| w.prompt_with_message_and_default("Name of the template", &suggested).ok().flatten());
        let Some(name) = asked.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) else { return };
        let record =
            Record { text, name: name.clone(), nodes, outside: None, saved_at: js_sys::Date::now(), subflow: false };
        let ed = *self;
        leptos::task::spawn_local(async move {
            match store::template_put(&record).await {
                Ok(_) => {
                    ed.info(format!("saved the template '{name}': it is in the palette, under My templates"));
                    ed.refresh_templates();
                }
                Err(e) => ed.error(format!("the template could not be saved: {e}")),
            }
        });
    }

    /// Inserts template `id` near the view's centre, selected.
    pub fn insert_template(&self, id: f64) {
        let ed = *self;
        leptos::task::spawn_local(async move {
            let record = match store::template_get(id).await {
                Ok(Some(r)) => r,
                Ok(None) => return ed.error("this template is no longer there"),
                Err(e) => return ed.error(format!("the template could not be read: {e}")),
            };
            let (x, y) = ed.view_center();
            let pasted = ed.doc.with_untracked(|d| {
                clipboard::paste(
                    &d.flow,
                    &record.text,
                    (x - 100.0, y - 60.0),
                    js::random_u64(),
                    ed.level.get_untracked().as_deref(),
                )
            });
            match pasted {
                Ok(p) => {
                    ed.apply_pasted(p);
                }
                Err(e) => ed.error(format!("the template '{}' could not be inserted: {e}", record.name)),
            }
        });
    }
}

/// The palette's "My templates" group, or with `subflows` its "My subflows" group (subflows
/// kept with ☆); hidden while there are none.
#[component]
pub fn TemplatesGroup(#[prop(optional)] subflows: bool) -> impl IntoView {
    let ed = expect_context::<Editor>();
    if !subflows {
        ed.refresh_templates();
    }
    let (title, testid) = if subflows { ("My subflows", "my-subflows") } else { ("My templates", "my-templates") };
    move || {
        let list: Vec<_> = ed.templates.get().into_iter().filter(|t| t.subflow == subflows).collect();
        (!list.is_empty()).then(|| {
            let n = list.len();
            view! {
                <details class="palette-group" data-testid=testid open=true>
                    <summary>{title} <span class="count">{n}</span></summary>
                    <ul>
                        {list
                            .into_iter()
                            .map(|t| {
                                let id = t.id;
                                let title = format!("{} node{}: click to insert", t.nodes, if t.nodes == 1 { "" } else { "s" });
                                view! {
                                    <li class="palette-item" data-testid=if subflows { "subflow-item" } else { "template-item" } title=title on:click=move |_| ed.insert_template(id)>
                                        <span class="name">{t.name}</span>
                                        <span class="doc">{format!("{} node{}", t.nodes, if t.nodes == 1 { "" } else { "s" })}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </details>
            }
        })
    }
}
