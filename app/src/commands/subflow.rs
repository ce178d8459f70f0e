//! Commands on subflows: make one of the selection, enter and leave (the canvas's level), run
//! one alone, keep one under "My subflows", dissolve one. Making and dissolving are one undo
//! step each; nodes added while inside a subflow join it in the same step.

use leptos::prelude::*;
use runtime::Edit;
use runtime::flow::Place;

use crate::Editor;
use crate::js::store::{self, Record};
use crate::state::clipboard;
use crate::state::selection::Selection;
use crate::state::viewport::Viewport;

impl Editor {
    /// Makes the selected nodes (and the subflows wholly selected) one subflow at this level.
    pub fn make_subflow(&self) {
        let ids: Vec<runtime::NodeId> = self.selection.with_untracked(|s| s.nodes.iter().copied().collect());
        let level = self.level.get_untracked();
        let made = self.doc.with_untracked(|d| d.flow.make_subflow_edit(&ids, level.as_deref()));
        let Some((edit, id)) = made else {
            self.error("select the nodes to make a subflow of first");
            return;
        };
        if self.apply(edit) {
            let (title, n) = self.doc.with_untracked(|d| {
                (d.flow.group(&id).map(|g| g.title.clone()).unwrap_or_default(), d.flow.subflow_members(&id).len())
            });
            self.info(format!(
                "made '{title}' of {n} node{}: double-click it to open it",
                if n == 1 { "" } else { "s" }
            ));
        }
    }

    /// Shows the inside of subflow `id`, fitted in view.
    pub fn enter_subflow(&self, id: &str) {
        self.go_to_level(Some(id.to_owned()));
    }

    /// Shows `level` (a subflow's inside, or the top), fitted in view; the selection clears.
    pub fn go_to_level(&self, level: Option<String>) {
        if let Some(l) = &level
            && !self.doc.with_untracked(|d| d.flow.group(l).is_some_and(|g| g.is_subflow()))
        {
            self.error(format!("there is no subflow '{l}' in this flow"));
            return;
        }
        self.selection.set(Selection::default());
        self.level.set(level);
        self.fit_view();
    }

    /// One level up (Escape with nothing else to dismiss); whether there was one.
    pub fn leave_subflow(&self) -> bool {
        let Some(here) = self.level.get_untracked() else { return false };
        let up = self.doc.with_untracked(|d| d.flow.group(&here).and_then(|g| g.parent().map(str::to_owned)));
        self.go_to_level(up);
        true
    }

    /// Fits what the canvas shows at its level: the level's nodes and subflows.
    pub fn fit_level(&self) {
        let (w, h) = self.canvas_size.get_untracked();
        let level = self.level.get_untracked();
        let bounds = self.doc.with_untracked(|d| {
            let s = d.flow.subflows();
            d.bounds_of(|n| s.place(n, level.as_deref()) != Place::Elsewhere)
        });
        if let Some(b) = bounds {
            self.viewport.set(Viewport::fit(b, w.max(200.0), h.max(200.0)));
        }
    }

    /// Applies an edit that adds the nodes `keys`: inside a subflow they join it (one step).
    pub fn apply_here(&self, edit: Edit, keys: &[String]) -> bool {
        let level = self.level.get_untracked();
        // (a failing edit fails the batch: the join is undone with it)
        match self.doc.with_untracked(|d| d.flow.join_subflow_edit(keys, level.as_deref())) {
            Some(join) => self.apply(Edit::Batch(vec![edit, join])),
            None => self.apply(edit),
        }
    }

    /// Renames subflow `id` (a title cannot be empty).
    pub fn rename_subflow(&self, id: &str, title: &str) {
        let title = title.trim();
        if title.is_empty() {
            self.error("a subflow's title cannot be empty");
            return;
        }
        let Some(g) = self.doc.with_untracked(|d| d.flow.group(id).cloned()) else { return };
        self.apply(Edit::SetGroup(runtime::flow::Group { title: title.to_owned(), ..g }));
    }

    /// Runs the subflow's nodes and what feeds them (the rest of the flow does not run).
    pub fn run_subflow(&self, id: &str) {
        if self.consent_pending().is_some() {
            self.consent_open.set(true);
            return;
        }
        let flow = self.doc.with_untracked(|d| d.flow.with_upstream(&d.flow.subflow_members(id)));
        if flow.is_empty() {
            self.error("this subflow has no node to run");
        } else {
            self.runner().start(flow, false);
        }
    }

    /// Dissolves subflow `id`: its nodes (and subflows) go back to the level it is in.
    pub fn dissolve_subflow(&self, id: &str) {
        match self.doc.with_untracked(|d| d.flow.dissolve_subflow_edit(id)) {
            Some(edit) => {
                self.apply(edit);
            }
            None => self.error(format!("there is no subflow '{id}' in this flow")),
        }
    }

    /// Keeps subflow `id` (its nodes, their wires and it) under "My subflows" in the palette,
    /// by its title; inserting it there adds a copy.
    pub fn keep_subflow(&self, id: &str) {
        let kept = self.doc.with_untracked(|d| {
            let g = d.flow.group(id)?;
            let members = d.flow.subflow_members(id);
            Some((g.title.clone(), members.len(), clipboard::copy(&d.flow, &members)))
        });
        let Some((name, nodes, text)) = kept else {
            self.error(format!("there is no subflow '{id}' in this flow"));
            return;
        };
        let record =
            Record { text, name: name.clone(), nodes, outside: None, saved_at: js_sys::Date::now(), subflow: true };
        let ed = *self;
        leptos::task::spawn_local(async move {
            match store::template_put(&record).await {
                Ok(_) => {
                    ed.info(format!("kept '{name}': it is in the palette, under My subflows"));
                    ed.refresh_templates();
                }
                Err(e) => ed.error(format!("the subflow could not be kept: {e}")),
            }
        });
    }
}
