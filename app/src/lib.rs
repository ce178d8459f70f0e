//! Flojoy Web, the page: a Leptos app around the runtime.
//!
//! Data flows one way: UI → commands on [`Editor`] (`commands/`) → [`state::document::Document`]
//! (edits with undo) and [`run::Runner`] (runs, decided by [`state::run::Runs`]) → signals → UI.

pub mod automation;
pub mod autosave;
pub mod commands;
pub mod dashboard;
pub mod devices;
pub mod editor;
pub mod embed;
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
use runtime::NodeId;
use runtime::validate::Diagnostic;

use crate::host::BrowserHost;
use crate::run::Runner;
use crate::state::View;
use crate::state::document::Document;
use crate::state::pointer::{Drag, Moving};
use crate::state::selection::Selection;
use crate::state::toast::Toast;
use crate::state::viewport::{DETAIL_ZOOM, Viewport};

/// The editor's shared state, handed to components through context; every field is a
/// `state/` type or the runtime's. Components read it and call its commands (`commands/`),
/// which change the document through `Edit`s and report problems as toasts.
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
    /// The text this page last put on the clipboard (copy, cut): pasting it back is the
    /// user's own work; any other text is from outside.
    pub copied: StoredValue<Option<String>, LocalStorage>,
    /// The node whose view (result, docs, code, error) is open.
    pub viewing: RwSignal<Option<NodeId>>,
    /// The note being edited.
    pub editing_note: RwSignal<Option<String>>,
    /// The Python node whose code is open in the code editor.
    pub editing_code: RwSignal<Option<NodeId>>,
    /// The packages loaded in the Python worker with "+ package", in the order asked.
    pub packages: RwSignal<Vec<String>>,
    /// The "+ package" field is open.
    pub asking_package: RwSignal<bool>,
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
    /// The user's templates, by name (IndexedDB; read at start and after each save).
    pub templates: RwSignal<Vec<js::store::Recent>>,
    /// The review of a flow from outside the site (what will run, its code) is open.
    pub consent_open: RwSignal<bool>,
    /// Shown in an iframe (`?embed=1`): compact, read-only unless `edit=1`, no autosave.
    pub embed: bool,
    /// The canvas element's size on screen.
    pub canvas_size: RwSignal<(f64, f64)>,
    /// The subflow the canvas shows the inside of (`None`: the flow's top level).
    pub level: RwSignal<Option<String>>,
    /// Validation of the current flow: every problem, each naming its node.
    pub diagnostics: Memo<Vec<Diagnostic>>,
    /// Whether nodes are drawn in full (false: zoomed out, on the overview canvas).
    pub detail: Memo<bool>,
}

impl Editor {
    pub fn runner(&self) -> Runner {
        self.runner.get_value()
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
}

#[component]
pub fn App() -> impl IntoView {
    let python = RwSignal::new(WorkerStatus::Loading { stage: "starting Python".into() });
    let worker = PythonWorker::start("worker.js", move |s| python.set(s.clone()));
    let runner = Runner::new(Rc::new(BrowserHost { python: worker, devices: devices::BrowserDevices::new() }));
    let mode = embed::Mode::from_url();
    let mut first = Document::default();
    let (flow, outside) = if mode.embed { (state::welcome_flow(), None) } else { autosave::initial_flow() };
    first.replace(flow, outside);
    first.read_only = mode.embed && !mode.edit;
    let doc = RwSignal::new(first);
    let diagnostics = Memo::new(move |_| doc.with(|d| runtime::validate::validate(&d.flow)));
    let viewport = RwSignal::new(Viewport::default());
    let detail = Memo::new(move |_| viewport.with(|v| v.zoom >= DETAIL_ZOOM));
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
        copied: StoredValue::new_local(None),
        viewing: RwSignal::new(None),
        editing_note: RwSignal::new(None),
        editing_code: RwSignal::new(None),
        packages: RwSignal::new(Vec::new()),
        asking_package: RwSignal::new(false),
        view: RwSignal::new(mode.view),
        live: RwSignal::new(false),
        command_palette: RwSignal::new(false),
        templates: RwSignal::new(Vec::new()),
        devices_open: RwSignal::new(false),
        share_open: RwSignal::new(false),
        gallery_open: RwSignal::new(false),
        consent_open: RwSignal::new(false),
        embed: mode.embed,
        canvas_size: RwSignal::new((1000.0, 700.0)),
        level: RwSignal::new(None),
        diagnostics,
        detail,
    };
    provide_context(editor);
    if !mode.embed {
        autosave::install(editor);
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
            <editor::consent::ConsentDialog/>
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
        autosave::preload().await;
        leptos::mount::mount_to_body(App);
    });
}
