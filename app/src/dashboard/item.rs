//! One dashboard card: its widget or panel, and (in layout mode) a handle to move it, a corner
//! to resize it (both snap to the grid), its settings and a delete button.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{panels::PanelView, save_board, widgets::WidgetView};
use crate::Editor;
use crate::editor::note::markdown;
use crate::state::dashboard::{Board, Kind, snap};

#[derive(Clone, Copy, PartialEq)]
enum Gesture {
    Move,
    Resize,
}

#[component]
pub fn ItemCard(id: String, board: Memo<Board>, editing: RwSignal<bool>) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let key = id.clone();
    let item = Memo::new(move |_| board.with(|b| b.get(&key).cloned()));
    // the gesture in progress: (kind, start pointer, offset)
    let gesture = RwSignal::new(None::<(Gesture, (f64, f64), (f64, f64))>);
    let rect = move || {
        let it = item.get()?;
        let (x, y, w, h) = it.rect;
        Some(match gesture.get() {
            Some((Gesture::Move, _, (dx, dy))) => (x + dx, y + dy, w, h),
            Some((Gesture::Resize, _, (dx, dy))) => (x, y, (w + dx).max(120.0), (h + dy).max(60.0)),
            None => (x, y, w, h),
        })
    };
    let start = move |ev: web_sys::PointerEvent, g: Gesture| {
        ev.prevent_default();
        ev.stop_propagation();
        if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = t.set_pointer_capture(ev.pointer_id());
        }
        gesture.set(Some((g, (ev.client_x(), ev.client_y()), (0.0, 0.0))));
    };
    let drag = move |ev: web_sys::PointerEvent| {
        if let Some((g, from, _)) = gesture.get_untracked() {
            gesture.set(Some((g, from, (ev.client_x() - from.0, ev.client_y() - from.1))));
        }
    };
    let key = id.clone();
    let end = move |_: web_sys::PointerEvent| {
        let Some((g, _, (dx, dy))) = gesture.get_untracked() else { return };
        gesture.set(None);
        if dx.abs() + dy.abs() < 1.0 {
            return;
        }
        let mut b = board.get_untracked();
        if let Some(it) = b.get_mut(&key) {
            let (x, y, w, h) = it.rect;
            it.rect = match g {
                Gesture::Move => (snap(x + dx).max(0.0), snap(y + dy).max(0.0), w, h),
                Gesture::Resize => (x, y, snap(w + dx).max(120.0), snap(h + dy).max(60.0)),
            };
            save_board(ed, &b);
        }
    };
    let key = id.clone();
    let remove = move |_| {
        let mut b = board.get_untracked();
        b.items.retain(|i| i.id != key);
        save_board(ed, &b);
    };
    let key = id.clone();
    let set_config = move |field: &'static str, v: f64| {
        let mut b = board.get_untracked();
        if let Some(Kind::Input { config, .. }) = b.get_mut(&key).map(|i| &mut i.kind) {
            match field {
                "min" => config.min = v,
                "max" => config.max = v,
                _ => config.step = v,
            }
            save_board(ed, &b);
        }
    };
    let key = id.clone();
    let set_label = move |label: String| {
        let mut b = board.get_untracked();
        if let Some(it) = b.get_mut(&key) {
            it.label = label;
            save_board(ed, &b);
        }
    };
    // what the card's body is built from: a parameter change elsewhere in the flow (a widget
    // turning) must not rebuild the card, or the widget would lose its drag in progress
    let shape =
        Memo::new(move |_| item.with(|it| it.as_ref().map(|it| (it.id.clone(), it.node.clone(), it.kind.clone()))));
    let title = Memo::new(move |_| {
        let (_, node, kind) = shape.get()?;
        let name = ed.doc.with(|d| d.flow.find_key(&node).and_then(|n| d.flow.node(n)).map(|n| n.label.clone()));
        let name = name.unwrap_or_else(|| "missing node".into());
        Some(match &kind {
            Kind::Input { param, .. } => format!("{name} · {}", param.replace('_', " ")),
            Kind::Output { panel, .. } => format!("{name} · {}", panel.name()),
            Kind::Markdown { .. } => "text".into(),
        })
    });
    let title = move || title.get().unwrap_or_default();
    let label = Memo::new(move |_| item.with(|it| it.as_ref().map(|it| it.label.clone()).unwrap_or_default()));
    let testid = format!("dash-{id}");
    move || {
        let (id, node, kind) = shape.get()?;
        let body = match kind.clone() {
            Kind::Input { widget, param, config } => {
                view! { <WidgetView item=id.clone() node=node.clone() param=param widget=widget config=config/> }
                    .into_any()
            }
            Kind::Output { panel, output } => {
                view! { <PanelView node=node.clone() output=output panel=panel/> }.into_any()
            }
            Kind::Markdown { text } => {
                view! { <div class="dash-markdown" inner_html=markdown(&text)></div> }.into_any()
            }
        };
        let settings = match &kind {
            Kind::Input { config, .. } => {
                let c = config.clone();
                Some(view! {
                    <div class="dash-settings">
                        <label>"min "<input type="number" step="any" prop:value=c.min data-testid="cfg-min" on:change={ let f = set_config.clone(); move |ev| { if let Ok(v) = event_target_value(&ev).parse() { f("min", v) } } }/></label>
                        <label>"max "<input type="number" step="any" prop:value=c.max data-testid="cfg-max" on:change={ let f = set_config.clone(); move |ev| { if let Ok(v) = event_target_value(&ev).parse() { f("max", v) } } }/></label>
                        <label>"step "<input type="number" step="any" prop:value=c.step data-testid="cfg-step" on:change={ let f = set_config.clone(); move |ev| { if let Ok(v) = event_target_value(&ev).parse() { f("step", v) } } }/></label>
                    </div>
                })
            }
            _ => None,
        };
        let set_label = set_label.clone();
        let remove = remove.clone();
        let (end, end2) = (end.clone(), end.clone());
        Some(view! {
            <div
                class="dash-card"
                data-testid=testid.clone()
                data-kind=match &kind { Kind::Input { .. } => "input", Kind::Output { .. } => "output", Kind::Markdown { .. } => "text" }
                style:left=move || format!("{}px", rect().unwrap_or_default().0)
                style:top=move || format!("{}px", rect().unwrap_or_default().1)
                style:width=move || format!("{}px", rect().unwrap_or_default().2)
                style:height=move || format!("{}px", rect().unwrap_or_default().3)
            >
                <div class="dash-head" data-testid="dash-handle" on:pointerdown=move |ev| if editing.get_untracked() { start(ev, Gesture::Move) } on:pointermove=drag on:pointerup=end>
                    <span class="dash-grip" class:hidden=move || !editing.get() title="Drag to move">"⠿"</span>
                    {move || if editing.get() {
                        let set_label = set_label.clone();
                        view! { <input class="dash-label" prop:value=label placeholder=title on:pointerdown=|ev| ev.stop_propagation() on:change=move |ev| set_label(event_target_value(&ev))/> }.into_any()
                    } else {
                        view! { <span class="dash-title">{move || { let l = label.get(); if l.is_empty() { title() } else { l } }}</span> }.into_any()
                    }}
                    <button class="dash-remove" class:hidden=move || !editing.get() data-testid="dash-remove" title="Remove" on:pointerdown=|ev| ev.stop_propagation() on:click=remove>"✕"</button>
                </div>
                {move || editing.get().then(|| settings.clone())}
                <div class="dash-body">{body}</div>
                <div class="dash-resize" class:hidden=move || !editing.get() data-testid="dash-resize" on:pointerdown=move |ev| start(ev, Gesture::Resize) on:pointermove=drag on:pointerup=end2></div>
            </div>
        })
    }
}
