//! Commands on groups: group the selection, collapse or expand, rename, recolour, ungroup
//! (each one undo step) and run a group alone.

use leptos::prelude::*;
use runtime::Edit;
use runtime::flow::{GROUP_COLORS, Group};

use crate::Editor;

impl Editor {
    /// Frames the selected nodes as a new group.
    pub fn group_selection(&self) {
        let sel = self.selection.get_untracked();
        let made = self.doc.with_untracked(|d| {
            let nodes: Vec<String> =
                d.flow.nodes().filter(|n| sel.nodes.contains(&n.id)).map(|n| n.key.clone()).collect();
            (!nodes.is_empty()).then(|| Group {
                id: d.flow.fresh_group_id(),
                title: d.flow.fresh_group_title(),
                color: GROUP_COLORS[d.flow.frames().count() % GROUP_COLORS.len()].to_owned(),
                nodes,
                collapsed: false,
                kind: Default::default(),
            })
        });
        match made {
            Some(g) => {
                let (title, n) = (g.title.clone(), g.nodes.len());
                if self.apply(Edit::AddGroup(g)) {
                    self.info(format!("grouped {n} node{} as '{title}'", if n == 1 { "" } else { "s" }));
                }
            }
            None => self.error("select the nodes to group first".to_owned()),
        }
    }

    /// Applies `change` to a copy of group `id` as one undo step.
    fn change_group(&self, id: &str, change: impl FnOnce(&mut Group)) {
        let Some(mut g) = self.doc.with_untracked(|d| d.flow.group(id).cloned()) else {
            self.error(format!("there is no group '{id}' on the canvas"));
            return;
        };
        change(&mut g);
        self.apply(Edit::SetGroup(g));
    }

    /// Collapses or expands a group (the canvas drops hidden nodes from the selection).
    pub fn toggle_group(&self, id: &str) {
        self.change_group(id, |g| g.collapsed = !g.collapsed);
    }

    pub fn rename_group(&self, id: &str, title: &str) {
        let title = title.trim();
        if title.is_empty() {
            self.error("a group's title cannot be empty".to_owned());
            return;
        }
        self.change_group(id, |g| g.title = title.to_owned());
    }

    /// The next colour of the palette.
    pub fn recolor_group(&self, id: &str) {
        self.change_group(id, |g| {
            let i = GROUP_COLORS.iter().position(|c| *c == g.color).map_or(0, |i| i + 1);
            g.color = GROUP_COLORS[i % GROUP_COLORS.len()].to_owned();
        });
    }

    /// Removes the frame; its nodes stay.
    pub fn ungroup(&self, id: &str) {
        self.apply(Edit::RemoveGroup(id.to_owned()));
    }

    /// Runs the group's nodes and what feeds them (the rest of the flow does not run).
    pub fn run_group(&self, id: &str) {
        if self.consent_pending().is_some() {
            self.consent_open.set(true);
            return;
        }
        let flow = self.doc.with_untracked(|d| {
            let g = d.flow.group(id)?;
            Some(d.flow.with_upstream(&d.flow.group_members(g)))
        });
        match flow {
            Some(f) if !f.is_empty() => self.runner().start(f, false),
            _ => self.error("this group has no node to run".to_owned()),
        }
    }
}
