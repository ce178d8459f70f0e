//! Input widgets: each reads a node parameter and changes it through the same checked,
//! undoable edit as the side panel (a slider drag is one undo step).

use leptos::prelude::*;
use runtime::spec::ParamKind;
use serde_json::Value as Json;

use crate::Editor;
use crate::state::dashboard::{Config, Widget};

#[component]
pub fn WidgetView(item: String, node: String, param: String, widget: Widget, config: Config) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let key = node.clone();
    let id = Memo::new(move |_| ed.doc.with(|d| d.flow.find_key(&key)));
    let name = param.clone();
    let value = Memo::new(move |_| {
        let id = id.get()?;
        ed.doc.with(|d| d.flow.node(id).and_then(|n| n.params.get(&name).cloned()))
    });
    let name = param.clone();
    let options = Memo::new(move |_| {
        let id = id.get()?;
        ed.doc.with(|d| {
            d.flow.node(id).and_then(|n| match &n.spec().param_spec(&name)?.kind {
                ParamKind::Select { options } => Some(options.clone()),
                _ => None,
            })
        })
    });
    // what assistive technology announces for the control: "SINE frequency"
    let name = param.clone();
    let accessible_name = Memo::new(move |_| {
        let label = id.get().and_then(|id| ed.doc.with(|d| d.flow.node(id).map(|n| n.label.clone())));
        format!("{} {name}", label.unwrap_or_default()).trim().to_owned()
    });
    let error = RwSignal::new(None::<String>);
    let gesture = item.clone();
    let name = param.clone();
    // `drag`: part of a gesture (slider/knob moving); else one change
    let set = move |v: Json, drag: bool| {
        let Some(id) = id.get_untracked() else { return };
        let g = drag.then_some(gesture.as_str());
        match ed.set_param(id, &name, v, g) {
            Ok(()) => error.set(None),
            Err(e) => error.set(Some(e)),
        }
        if !drag {
            ed.doc.update(|d| d.end_gesture());
        }
    };
    let num = move || value.get().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let text = move || match value.get() {
        Some(Json::String(s)) => s,
        Some(Json::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    let on = move || value.get().and_then(|v| v.as_bool()).unwrap_or(false);
    let (min, max, step) = (config.min, config.max, config.step);
    let testid = format!("widget-{item}");
    let control = match widget {
        Widget::Slider => {
            let set = set.clone();
            let set2 = set.clone();
            view! {
                <div class="w-slider">
                    <input type="range" aria-label=accessible_name data-testid=testid.clone() min=min max=max step=step prop:value=num
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                set(v.into(), true)
                            }
                        }
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                set2(v.into(), false)
                            }
                        }
                    />
                    <output>{move || crate::editor::node::show_value(&Json::from(num()))}</output>
                </div>
            }
            .into_any()
        }
        Widget::Knob => {
            // drag up/down to turn; 200 px = the whole range
            let set = set.clone();
            let set2 = set.clone();
            let drag_from = RwSignal::new(None::<(f64, f64)>);
            let angle = move || -135.0 + 270.0 * ((num() - min) / (max - min).max(f64::EPSILON)).clamp(0.0, 1.0);
            // the keyboard turns it too: arrows by a step (or a hundredth of the range)
            let set3 = set.clone();
            let nudge = move |up: bool| {
                let by = if step > 0.0 { step } else { (max - min) / 100.0 };
                let v = (num() + if up { by } else { -by }).clamp(min, max);
                set3(v.into(), false);
            };
            view! {
                <div class="w-knob" data-testid=testid.clone()
                    role="slider"
                    tabindex="0"
                    aria-label=accessible_name
                    aria-valuemin=min
                    aria-valuemax=max
                    aria-valuenow=num
                    on:keydown=move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
                        "ArrowUp" | "ArrowRight" => { ev.prevent_default(); nudge(true) }
                        "ArrowDown" | "ArrowLeft" => { ev.prevent_default(); nudge(false) }
                        _ => {}
                    }
                    on:pointerdown=move |ev: web_sys::PointerEvent| {
                        if let Some(t) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) { let _ = t.set_pointer_capture(ev.pointer_id()); }
                        drag_from.set(Some((ev.client_y(), num())));
                    }
                    on:pointermove=move |ev: web_sys::PointerEvent| {
                        if let Some((y0, v0)) = drag_from.get_untracked() {
                            let v = (v0 + (y0 - ev.client_y()) / 200.0 * (max - min)).clamp(min, max);
                            let v = if step > 0.0 { min + ((v - min) / step).round() * step } else { v };
                            if (v - num()).abs() > 1e-12 { set(v.into(), true) }
                        }
                    }
                    on:pointerup=move |_| { drag_from.set(None); set2(num().into(), false) }
                >
                    <svg viewBox="0 0 100 100" width="100" height="100">
                        <circle cx="50" cy="50" r="40" class="knob-face"></circle>
                        <line x1="50" y1="50" x2="50" y2="16" class="knob-needle" style:transform=move || format!("rotate({}deg)", angle()) style:transform-origin="50px 50px"></line>
                    </svg>
                    <output>{move || crate::editor::node::show_value(&Json::from(num()))}</output>
                </div>
            }
            .into_any()
        }
        Widget::Number => {
            let set = set.clone();
            view! { <input type="number" class="w-number" aria-label=accessible_name data-testid=testid.clone() step=step prop:value=num on:change=move |ev| set(Json::String(event_target_value(&ev)), false)/> }.into_any()
        }
        Widget::Checkbox | Widget::Switch => {
            let set = set.clone();
            view! {
                <label class=if widget == Widget::Switch { "w-switch" } else { "w-check" }>
                    <input type="checkbox" aria-label=accessible_name data-testid=testid.clone() prop:checked=on on:change=move |ev| set(Json::Bool(event_target_checked(&ev)), false)/>
                    <span class="track"></span>
                </label>
            }
            .into_any()
        }
        Widget::Dropdown => {
            let set = set.clone();
            view! {
                <select class="w-select" aria-label=accessible_name data-testid=testid.clone() on:change=move |ev| set(Json::String(event_target_value(&ev)), false)>
                    {move || options.get().unwrap_or_default().into_iter().map(|o| { let sel = o == text(); view! { <option value=o.clone() selected=sel>{o.clone()}</option> } }).collect_view()}
                </select>
            }
            .into_any()
        }
        Widget::Radio => {
            let set = set.clone();
            let group = format!("radio-{item}");
            view! {
                <div class="w-radio" role="radiogroup" aria-label=accessible_name data-testid=testid.clone()>
                    {move || {
                        let set = set.clone();
                        options.get().unwrap_or_default().into_iter().map(|o| {
                            let set = set.clone();
                            let v = o.clone();
                            view! { <label><input type="radio" name=group.clone() value=o.clone() prop:checked=o == text() on:change=move |_| set(Json::String(v.clone()), false)/>" "{o.clone()}</label> }
                        }).collect_view()
                    }}
                </div>
            }
            .into_any()
        }
        Widget::Text => {
            let set = set.clone();
            view! { <input type="text" class="w-text" aria-label=accessible_name data-testid=testid.clone() prop:value=text on:change=move |ev| set(Json::String(event_target_value(&ev)), false)/> }.into_any()
        }
        Widget::FileUpload => {
            let set = set.clone();
            let accept = config.accept.clone();
            view! {
                <div class="w-file">
                    <input type="file" accept=accept aria-label=accessible_name data-testid=testid.clone() on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        let Some(f) = input.files().and_then(|l| l.get(0)) else { return };
                        let set = set.clone();
                        leptos::task::spawn_local(async move {
                            match crate::host::remember_file(&f).await {
                                Ok(name) => set(Json::String(name), false),
                                Err(e) => error.set(Some(e)),
                            }
                        });
                    }/>
                    <span class="muted">{text}</span>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <div class="widget" class:missing=move || id.get().is_none()>
            {control}
            {move || id.get().is_none().then(|| view! { <span class="field-error">"the node this widget drives is not in the flow"</span> })}
            {move || error.get().map(|e| view! { <span class="field-error" data-testid="widget-error">{e}</span> })}
        </div>
    }
}
