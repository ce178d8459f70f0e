//! Commands on the view: fit the flow, zoom.

use leptos::prelude::*;

use crate::Editor;
use crate::state::viewport::Viewport;

impl Editor {
    /// Fits the whole flow in view (inside a subflow: the subflow's nodes).
    pub fn fit_view(&self) {
        if self.level.get_untracked().is_some() {
            return self.fit_level();
        }
        let (w, h) = self.canvas_size.get_untracked();
        if let Some(b) = self.doc.with_untracked(|d| d.bounds()) {
            self.viewport.set(Viewport::fit(b, w.max(200.0), h.max(200.0)));
        }
    }

    pub fn zoom_by(&self, factor: f64) {
        let (w, h) = self.canvas_size.get_untracked();
        self.viewport.update(|v| *v = v.zoom_at(w / 2.0, h / 2.0, factor));
    }
}
