//! Commands that edit the flow: each is one undo step through `Edit`s, or says why not.

use leptos::prelude::*;
use runtime::flow::TextNode;
use runtime::{Edit, NodeId};

use crate::state::clipboard;
use crate::state::selection::Selection;
use crate::{Editor, js, state};

impl Editor {
    /// Applies an edit (one undo step). A refused edit changes nothing and says why.
    pub fn apply(&self, edit: Edit) -> bool {
        let mut result = Ok(false);
        self.doc.update(|d| result = d.apply(edit));
        match result {
            Ok(_) => true,
            Err(e) => {
                self.error(e.to_string());
                false
            }
        }
    }

    pub fn undo(&self) {
        let mut r = Ok(false);
        self.doc.update(|d| r = d.undo());
        match r {
            Ok(true) => self.prune_selection(),
            Ok(false) => self.info("nothing to undo"),
            Err(e) => self.error(e.to_string()),
        }
    }

    pub fn redo(&self) {
        let mut r = Ok(false);
        self.doc.update(|d| r = d.redo());
        match r {
            Ok(true) => self.prune_selection(),
            Ok(false) => self.info("nothing to redo"),
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Drops selected things that no longer exist (after undo, delete).
    fn prune_selection(&self) {
        let (nodes, texts) = self
            .doc
            .with_untracked(|d| (d.flow.node_ids(), d.flow.texts.iter().map(|t| t.id.clone()).collect::<Vec<_>>()));
        self.selection.update(|s| {
            s.nodes.retain(|n| nodes.contains(n));
            s.texts.retain(|t| texts.contains(t));
            let flow_edges: Vec<_> = self.doc.with_untracked(|d| d.flow.edges().collect());
            s.edges.retain(|e| flow_edges.contains(e));
        });
    }

    pub fn delete_selection(&self) {
        let sel = self.selection.get_untracked();
        if let Some(edit) = self.doc.with_untracked(|d| d.delete_edit(&sel))
            && self.apply(edit)
        {
            self.selection.set(Selection::default());
        }
    }

    /// Selects every node the canvas shows (inside a subflow: its nodes).
    pub fn select_all(&self) {
        let level = self.level.get_untracked();
        let ids = self.doc.with_untracked(|d| {
            let s = d.flow.subflows();
            let mut ids = d.flow.node_ids();
            if !s.is_empty() {
                ids.retain(|n| s.place(*n, level.as_deref()) != runtime::flow::Place::Elsewhere);
            }
            ids
        });
        self.selection.set(Selection { nodes: ids.into_iter().collect(), ..Selection::default() });
    }

    /// Sets a parameter (checked; a bad value is refused with the reason). Edits sharing a
    /// `gesture` (a slider being dragged) are one undo step. In live mode the flow re-runs,
    /// reusing every result the change does not affect.
    pub fn set_param(
        &self,
        node: NodeId,
        name: &str,
        value: serde_json::Value,
        gesture: Option<&str>,
    ) -> Result<(), String> {
        let edit = Edit::SetParam { node, name: name.to_owned(), value };
        let mut result = Ok(false);
        self.doc.update(|d| {
            result = match gesture {
                Some(g) => d.apply_in_gesture(edit, g),
                None => d.apply(edit),
            }
        });
        // unchanged (a slider's closing `change` repeats its last `input`): nothing to re-run
        let changed = result.map_err(|e| e.to_string())?;
        // live mode never starts a flow that still waits for the user's consent
        if changed && self.live.get_untracked() && self.consent_pending().is_none() {
            let flow = self.doc.with_untracked(|d| d.flow.clone());
            self.runner().start(flow, true);
        }
        Ok(())
    }

    /// Adds a built-in node at `at` (world), or in view when `at` is None, never on top of
    /// another node; selects it.
    pub fn add_node(&self, func: &str, at: Option<(f64, f64)>) {
        let want = at.unwrap_or_else(|| {
            let (x, y) = self.view_center();
            (x - 95.0, y - 40.0)
        });
        let random = self.random();
        let node = self.doc.with_untracked(|d| {
            let probe = d.new_node(func, want, random)?;
            let size = state::layout::node_size(&probe);
            let spot = if at.is_some() { want } else { d.free_spot(want, size) };
            d.new_node(func, spot, random)
        });
        let Some(node) = node else {
            self.error(format!("there is no node called {func}"));
            return;
        };
        let key = node.key.clone();
        if self.apply_here(Edit::AddNode(Box::new(node)), std::slice::from_ref(&key))
            && let Some(id) = self.doc.with_untracked(|d| d.flow.find_key(&key))
        {
            self.selection.set(Selection::node(id));
        }
    }

    /// Adds a markdown note in view (notes belong to the flow's top level).
    pub fn add_note(&self) {
        if self.level.get_untracked().is_some() {
            self.error("notes go on the flow's top level: leave the subflow (Escape) to add one");
            return;
        }
        let (x, y) = self.view_center();
        let id = format!("note-{}", runtime::file::uuid(self.random()));
        let at = self.doc.with_untracked(|d| d.free_spot((x - 120.0, y - 40.0), (240.0, 80.0)));
        self.apply(runtime::Edit::AddText(TextNode {
            id,
            text: "## Note\nDouble-click to edit (*markdown*).".into(),
            position: at,
            size: None,
        }));
    }

    /// Adds a Python node (the DOUBLE template) in view.
    pub fn add_python(&self) {
        let (x, y) = self.view_center();
        let random = self.random();
        let node = self.doc.with_untracked(|d| {
            let mut n = state::python_node(random);
            n.label = d.flow.unique_label(n.func());
            n.position = d.free_spot((x - 100.0, y - 50.0), (200.0, 120.0));
            n
        });
        let key = node.key.clone();
        if self.apply_here(runtime::Edit::AddNode(Box::new(node)), std::slice::from_ref(&key))
            && let Some(id) = self.doc.with_untracked(|d| d.flow.find_key(&key))
        {
            self.selection.set(state::selection::Selection::node(id));
            self.editing_code.set(Some(id));
        }
    }

    /// The selected nodes as Flojoy JSON (what copy puts on the clipboard), if any.
    pub fn selected_copy(&self) -> Option<String> {
        let ids: Vec<_> = self.selection.with_untracked(|s| s.nodes.iter().copied().collect());
        (!ids.is_empty()).then(|| self.doc.with_untracked(|d| clipboard::copy(&d.flow, &ids)))
    }

    /// Pastes Flojoy JSON text near the view centre (or offset from the copied nodes). Text
    /// this page did not copy is from outside: if it holds Python code, hardware nodes or file
    /// exports, the flow waits for the user's review before it runs, as a link's would.
    pub fn paste_text(&self, text: &str) {
        let at = {
            let (x, y) = self.view_center();
            (x - 100.0, y - 60.0)
        };
        let ours = self.copied.with_value(|c| c.as_deref() == Some(text));
        match self.doc.with_untracked(|d| {
            clipboard::paste(&d.flow, text, at, js::random_u64(), self.level.get_untracked().as_deref())
        }) {
            Ok(p) => {
                let outside = p.needs_consent && !ours;
                if self.apply_pasted(p) && outside {
                    self.doc.update(|d| d.mark_outside("pasted text"));
                    self.announce("The pasted nodes hold code or reach devices or files: read them, then press Run");
                }
            }
            Err(e) => self.error(format!("nothing was pasted: {e}")),
        }
    }

    /// Adds what was pasted (one undo step) and selects it.
    pub(crate) fn apply_pasted(&self, p: clipboard::Pasted) -> bool {
        let applied = self.apply(p.edit);
        if applied {
            let ids = self.doc.with_untracked(|d| p.keys.iter().filter_map(|k| d.flow.find_key(k)).collect());
            self.selection.set(Selection { nodes: ids, ..Selection::default() });
        }
        applied
    }

    /// A copy of the selected nodes next to them, selected.
    pub fn duplicate(&self) {
        if let Some(text) = self.selected_copy() {
            // a copy 30 px to the right and below the original
            let at = self.doc.with_untracked(|d| {
                self.selection.with_untracked(|s| {
                    s.nodes
                        .iter()
                        .filter_map(|id| d.flow.node(*id))
                        .fold((f64::MAX, f64::MAX), |a, n| (a.0.min(n.position.0), a.1.min(n.position.1)))
                })
            });
            let at = (at.0 + 30.0, at.1 + 30.0);
            match self.doc.with_untracked(|d| {
                clipboard::paste(&d.flow, &text, at, js::random_u64(), self.level.get_untracked().as_deref())
            }) {
                Ok(p) => {
                    self.apply_pasted(p);
                }
                Err(e) => self.error(e.to_string()),
            }
        }
    }
}
