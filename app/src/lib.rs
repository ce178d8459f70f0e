//! Flojoy Web, the page: a Leptos app around the runtime.
//!
//! Data flows one way: UI → commands on [`Editor`] → [`state::document::Document`] (edits with
//! undo) and [`run::Runner`] (the runtime scheduler) → signals → UI.

pub mod automation;
pub mod dashboard;
pub mod devices;
pub mod editor;
pub mod embed;
pub mod files;
pub mod host;
pub mod js;
pub mod plot;
pub mod pwa;
pub mod run;
pub mod share;
pub mod state;

use std::rc::Rc;

use leptos::prelude::*;
use nodes_pyodide::bridge::{PythonWorker, WorkerStatus};
use runtime::validate::Diagnostic;
use runtime::{Edit, NodeId};

use crate::editor::canvas::{Drag, Moving};
use crate::host::BrowserHost;
use crate::run::Runner;
use crate::state::document::Document;
use crate::state::selection::Selection;
use crate::state::viewport::Viewport;

/// The two views of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Flow,
    Dashboard,
}

/// A short message for the user (a refused wire, a file that did not open, …).
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub error: bool,
    pub text: String,
    pub id: u64,
}

/// The editor's shared state, handed to components through context. Components call its
/// methods; the methods change the document through `Edit`s and report problems as toasts.
#[derive(Clone, Copy)]
pub struct Editor {
    pub doc: RwSignal<Document>,
    pub selection: RwSignal<Selection>,
    pub viewport: RwSignal<Viewport>,
    pub drag: RwSignal<Option<Drag>>,
    /// What a move drag is moving, and by how much: only moving nodes read the offset, so a
    /// drag re-draws them and their wires, nothing else.
    pub moving: RwSignal<Moving>,
    pub move_offset: RwSignal<(f64, f64)>,
    pub toast: RwSignal<Option<Toast>>,
    pub python: RwSignal<WorkerStatus>,
    pub runner: StoredValue<Runner, LocalStorage>,
    /// The node whose view (result, docs, code, error) is open.
    pub viewing: RwSignal<Option<NodeId>>,
    /// The note being edited.
    pub editing_note: RwSignal<Option<String>>,
    /// The Python node whose code is open in the code editor.
    pub editing_code: RwSignal<Option<NodeId>>,
    /// numpy is loaded in the Python worker.
    pub numpy: RwSignal<bool>,
    /// Which view is showing: the flow chart or the dashboard.
    pub view: RwSignal<View>,
    /// Live mode: a parameter change re-runs what depends on it, right away.
    pub live: RwSignal<bool>,
    pub command_palette: RwSignal<bool>,
    /// The devices panel is open.
    pub devices_open: RwSignal<bool>,
    /// The share dialog is open.
    pub share_open: RwSignal<bool>,
    /// The example gallery is open.
    pub gallery_open: RwSignal<bool>,
    /// Shown in an iframe (`?embed=1`): compact, read-only unless `edit=1`, no autosave.
    pub embed: bool,
    /// The canvas element's size on screen.
    pub canvas_size: RwSignal<(f64, f64)>,
    /// Validation of the current flow: every problem, each naming its node.
    pub diagnostics: Memo<Vec<Diagnostic>>,
    /// Whether nodes are drawn in full (false: zoomed out, plain boxes).
    pub detail: Memo<bool>,
}

impl Editor {
    pub fn runner(&self) -> Runner {
        self.runner.get_value()
    }

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

    /// Runs the current flow (a snapshot: editing goes on while it runs).
    pub fn run(&self) {
        let flow = self.doc.with_untracked(|d| d.flow.clone());
        self.runner().start(flow, false);
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
        if changed && self.live.get_untracked() {
            let flow = self.doc.with_untracked(|d| d.flow.clone());
            self.runner().start(flow, true);
        }
        Ok(())
    }

    pub fn error(&self, text: impl Into<String>) {
        self.say(true, text.into());
    }

    pub fn info(&self, text: impl Into<String>) {
        self.say(false, text.into());
    }

    /// An information that stays longer (updates, things the user should read).
    pub fn announce(&self, text: impl Into<String>) {
        self.say_for(false, text.into(), 10_000.0);
    }

    fn say(&self, error: bool, text: String) {
        self.say_for(error, text, if error { 6000.0 } else { 2500.0 });
    }

    fn say_for(&self, error: bool, text: String, ms: f64) {
        let id = self.toast.with_untracked(|t| t.as_ref().map_or(0, |t| t.id + 1));
        self.toast.set(Some(Toast { error, text, id }));
        let toast = self.toast;
        leptos::task::spawn_local(async move {
            js::sleep(ms).await;
            toast.update(|t| {
                if t.as_ref().is_some_and(|t| t.id == id) {
                    *t = None;
                }
            });
        });
    }

    /// Fresh random bits for ids.
    pub fn random(&self) -> u128 {
        (u128::from(js::random_u64()) << 64) | u128::from(js::random_u64())
    }

    /// The world point at the centre of the canvas.
    pub fn view_center(&self) -> (f64, f64) {
        let (w, h) = self.canvas_size.get_untracked();
        self.viewport.get_untracked().to_world(w / 2.0, h / 2.0)
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
        if self.apply(Edit::AddNode(Box::new(node)))
            && let Some(id) = self.doc.with_untracked(|d| d.flow.find_key(&key))
        {
            self.selection.set(Selection::node(id));
        }
    }

    /// Fits the whole flow in view.
    pub fn fit_view(&self) {
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

#[component]
pub fn App() -> impl IntoView {
    let python = RwSignal::new(WorkerStatus::Loading { stage: "starting Python".into() });
    let worker = PythonWorker::start("worker.js", move |s| python.set(s.clone()));
    let runner = Runner::new(Rc::new(BrowserHost { python: worker, devices: devices::BrowserDevices::new() }));
    let mode = embed::Mode::from_url();
    let mut first = Document::new(if mode.embed { state::welcome_flow() } else { files::initial_flow() });
    first.read_only = mode.embed && !mode.edit;
    let doc = RwSignal::new(first);
    let diagnostics = Memo::new(move |_| doc.with(|d| runtime::validate::validate(&d.flow)));
    let viewport = RwSignal::new(Viewport::default());
    let detail = Memo::new(move |_| viewport.with(|v| v.zoom >= editor::canvas::DETAIL_ZOOM));
    let editor = Editor {
        doc,
        selection: RwSignal::new(Selection::default()),
        viewport,
        drag: RwSignal::new(None),
        moving: RwSignal::new(Moving::default()),
        move_offset: RwSignal::new((0.0, 0.0)),
        toast: RwSignal::new(None),
        python,
        runner: StoredValue::new_local(runner),
        viewing: RwSignal::new(None),
        editing_note: RwSignal::new(None),
        editing_code: RwSignal::new(None),
        numpy: RwSignal::new(false),
        view: RwSignal::new(mode.view),
        live: RwSignal::new(false),
        command_palette: RwSignal::new(false),
        devices_open: RwSignal::new(false),
        share_open: RwSignal::new(false),
        gallery_open: RwSignal::new(false),
        embed: mode.embed,
        canvas_size: RwSignal::new((1000.0, 700.0)),
        diagnostics,
        detail,
    };
    provide_context(editor);
    if !mode.embed {
        files::autosave(editor);
    }
    editor::keys::install(editor);
    automation::install(editor);
    pwa::install(editor);
    embed::install(editor);
    view! {
        <div class="app" class:embedded=mode.embed>
            {if mode.embed { view! { <embed::EmbedBar/> }.into_any() } else { view! { <editor::toolbar::Toolbar/> }.into_any() }}
            // one view at a time: the other is not in the page (its plots cost nothing)
            {move || match editor.view.get() {
                View::Flow if mode.embed => view! {
                    <div class="main">
                        <editor::canvas::Canvas/>
                    </div>
                }
                .into_any(),
                View::Flow => view! {
                    <div class="main">
                        <editor::palette::Palette/>
                        <editor::canvas::Canvas/>
                        <editor::panel::Panel/>
                    </div>
                }
                .into_any(),
                View::Dashboard => view! { <dashboard::DashboardView/> }.into_any(),
            }}
            {(!mode.embed).then(|| view! { <editor::log::LogPanel/> })}
            <editor::palette::CommandPalette/>
            <editor::node_view::NodeView/>
            <editor::code_editor::CodeEditor/>
            <editor::devices_panel::DevicesPanel/>
            <editor::share_dialog::ShareDialog/>
            <editor::gallery::Gallery/>
            <editor::toast::Toasts/>
        </div>
    }
}

/// Entry point: installs the panic hook (a bug shows in the console, not as a silent stop)
/// and mounts the app.
pub fn start() {
    console_error_panic_hook::set_once();
    // not leptos::task::spawn_local: its executor is set up by mount_to_body, after this
    wasm_bindgen_futures::spawn_local(async {
        pwa::boot().await;
        leptos::mount::mount_to_body(App);
    });
}
