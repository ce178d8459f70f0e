//! The side panel: the selected node's label, documentation and parameters, each with a
//! control of its type. Values are checked as they are typed; a bad value is refused with a
//! message and never stored.

use leptos::prelude::*;
use runtime::NodeId;
use runtime::param::normalize;
use runtime::spec::{Availability, ParamKind, ParamSpec};
use serde_json::Value as Json;

use crate::Editor;

#[component]
pub fn Panel() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let single = Memo::new(move |_| ed.selection.with(|s| s.single_node()));
    view! {
        <aside class="panel" data-testid="panel" aria-label="The selected node">
            {move || match single.get() {
                Some(id) => view! { <NodePanel id=id/> }.into_any(),
                None => {
                    let n = ed.selection.with(|s| s.nodes.len());
                    let text = if n > 1 { format!("{n} nodes selected") } else { "Select a node to see and edit its parameters.".into() };
                    view! { <p class="panel-hint">{text}</p> }.into_any()
                }
            }}
        </aside>
    }
}

#[component]
fn NodePanel(id: NodeId) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let node = Memo::new(move |_| ed.doc.with(|d| d.flow.node(id).cloned()));
    let label_error = RwSignal::new(None::<String>);
    move || {
        let n = node.get()?;
        let spec = n.spec().clone();
        let rename = move |ev: web_sys::Event| {
            let label = event_target_value(&ev);
            let mut result = Ok(false);
            ed.doc.update(|d| result = d.apply(runtime::Edit::Rename { node: id, label }));
            match result {
                Ok(_) => label_error.set(None),
                Err(e) => label_error.set(Some(e.to_string())),
            }
        };
        let params = spec
            .params
            .iter()
            .filter(|p| match &p.shown_when {
                Some((other, values)) => {
                    n.params.get(other).and_then(Json::as_str).is_none_or(|v| values.iter().any(|x| x == v))
                }
                None => true,
            })
            .map(|p| {
                let value = n.params.get(&p.name).cloned().unwrap_or_else(|| p.default.clone());
                view! { <ParamField id=id spec=p.clone() value=value/> }
            })
            .collect_view();
        let unavailable = match &spec.availability {
            Availability::Unavailable { reason } => {
                Some(view! { <p class="unavailable">"Cannot run here: " {reason.clone()}</p> })
            }
            Availability::Native => None,
        };
        let ports = spec
            .inputs
            .iter()
            .map(|p| view! { <li><b>{p.name.clone()}</b>" ← "<code>{p.types.to_string()}</code>{p.multiple.then_some(" (several)")}</li> })
            .chain(spec.outputs.iter().map(|p| view! { <li><b>{p.name.clone()}</b>" → "<code>{p.types.to_string()}</code>{None::<&str>}</li> }))
            .collect_view();
        Some(view! {
            <div class="node-panel" data-testid="node-panel">
                <label class="field">
                    <span>"Label"</span>
                    <input data-testid="label-input" prop:value=n.label.clone() on:change=rename on:keydown=blur_on_enter/>
                    {move || label_error.get().map(|e| view! { <span class="field-error" data-testid="label-error">{e}</span> })}
                </label>
                <div class="node-func">{spec.func.clone()} " · " {spec.category.clone()}</div>
                {unavailable}
                <p class="node-doc">{spec.doc.clone()}</p>
                <h4>"Parameters"</h4>
                {if spec.params.is_empty() { Some(view! { <p class="muted">"This node has no parameters."</p> }) } else { None }}
                {params}
                <h4>"Ports"</h4>
                <ul class="port-list">{ports}</ul>
                {matches!(n.kind, runtime::NodeKind::Python(_)).then(|| view! {
                    <button class="wide" data-testid="panel-edit-code" on:click=move |_| ed.editing_code.set(Some(id))>"Edit Python code"</button>
                })}
                <button class="wide" data-testid="open-node-view" on:click=move |_| ed.viewing.set(Some(id))>"Open node view (Enter)"</button>
            </div>
        })
    }
}

/// Enter in a field commits it (the browser fires `change` on blur) and hands the keyboard
/// back to the canvas, so shortcuts like Ctrl+Z act on the flow again.
fn blur_on_enter(ev: web_sys::KeyboardEvent) {
    if ev.key() == "Enter"
        && let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
    {
        let _ = el.blur();
    }
}

/// Text for a value in an input box.
fn as_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

#[component]
fn ParamField(id: NodeId, spec: ParamSpec, value: Json) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let error = RwSignal::new(None::<String>);
    let name = spec.name.clone();
    let check_spec = spec.clone();
    // checked on every keystroke: the message shows while typing, nothing is stored
    let check = move |raw: Json| match normalize(&check_spec, &raw) {
        Ok(_) => error.set(None),
        Err(e) => error.set(Some(e)),
    };
    let commit_name = name.clone();
    let commit = move |raw: Json| {
        let mut result = Ok(false);
        ed.doc
            .update(|d| result = d.apply(runtime::Edit::SetParam { node: id, name: commit_name.clone(), value: raw }));
        match result {
            Ok(_) => error.set(None),
            // the stored value is unchanged; the field keeps what was typed, with the reason
            Err(e) => error
                .set(Some(e.to_string().split_once(": ").map(|(_, m)| m.to_owned()).unwrap_or_else(|| e.to_string()))),
        }
    };
    let testid = format!("param-{name}");
    let control = match &spec.kind {
        ParamKind::Bool => {
            let commit = commit.clone();
            view! {
                <input type="checkbox" data-testid=testid prop:checked=value.as_bool().unwrap_or(false) on:change=move |ev| commit(Json::Bool(event_target_checked(&ev)))/>
            }
            .into_any()
        }
        ParamKind::Select { options } => {
            let current = as_text(&value);
            let commit = commit.clone();
            let opts = options
                .iter()
                .map(|o| view! { <option value=o.clone() selected=*o == current>{o.clone()}</option> })
                .collect_view();
            view! { <select data-testid=testid on:change=move |ev| commit(Json::String(event_target_value(&ev)))>{opts}</select> }.into_any()
        }
        ParamKind::NodeRef => {
            let current = as_text(&value);
            let commit = commit.clone();
            let choices = ed.doc.with_untracked(|d| {
                d.flow.nodes().filter(|n| n.id != id).map(|n| (n.key.clone(), n.label.clone())).collect::<Vec<_>>()
            });
            let opts = choices
                .into_iter()
                .map(|(k, l)| view! { <option value=k.clone() selected=k == current>{l}</option> })
                .collect_view();
            view! {
                <select data-testid=testid on:change=move |ev| commit(Json::String(event_target_value(&ev)))>
                    <option value="" selected=current.is_empty()>"(none)"</option>
                    {opts}
                </select>
            }
            .into_any()
        }
        ParamKind::Device { class } => {
            let current = as_text(&value);
            let commit = commit.clone();
            // a VISA instrument is a USBTMC device or a serial port
            let class = class.to_ascii_lowercase();
            let (usb, serial) = if class.starts_with("visa") {
                (true, true)
            } else {
                let usb = class.starts_with("usb");
                (usb, !usb)
            };
            let devices = ed.runner().devices().clone();
            let choices = move || {
                devices.view.with(|v| {
                    let mut list = if usb { v.usb.clone() } else { Vec::new() };
                    if serial {
                        list.extend(v.serial.iter().cloned());
                    }
                    list
                })
            };
            let current_for_opts = current.clone();
            let opts = move || {
                let list = choices();
                let known = list.iter().any(|p| p.id == current_for_opts);
                let mut out: Vec<_> = list
                    .into_iter()
                    .map(|p| {
                        let selected = p.id == current_for_opts;
                        view! { <option value=p.id.clone() selected=selected>{format!("{} · {}", p.label, p.id)}</option> }
                    })
                    .collect();
                if !known && !current_for_opts.is_empty() {
                    let c = current_for_opts.clone();
                    out.push(
                        view! { <option value=c.clone() selected=true>{format!("{c} (not connected here)")}</option> },
                    );
                }
                out
            };
            view! {
                <div class="device-field">
                    <select data-testid=testid on:change=move |ev| commit(Json::String(event_target_value(&ev)))>
                        <option value="" selected=current.is_empty()>"(the only connected device)"</option>
                        {opts}
                    </select>
                    <button data-testid=format!("param-{name}-devices") title="Connect a device" on:click=move |_| ed.devices_open.set(true)>"Devices…"</button>
                </div>
            }
            .into_any()
        }
        ParamKind::TextArea => {
            let commit = commit.clone();
            view! { <textarea data-testid=testid rows="4" prop:value=as_text(&value) on:change=move |ev| commit(Json::String(event_target_value(&ev)))></textarea> }.into_any()
        }
        ParamKind::File { accept } => {
            let commit_text = commit.clone();
            let commit_file = commit.clone();
            let accept = accept.join(",");
            view! {
                <div class="file-field">
                    <input data-testid=testid placeholder="file name or URL" prop:value=as_text(&value) on:change=move |ev| commit_text(Json::String(event_target_value(&ev))) on:keydown=blur_on_enter/>
                    <input
                        type="file"
                        accept=accept
                        data-testid=format!("param-{name}-file")
                        on:change=move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            let Some(f) = input.files().and_then(|l| l.get(0)) else { return };
                            let commit = commit_file.clone();
                            leptos::task::spawn_local(async move {
                                match crate::host::remember_file(&f).await {
                                    Ok(name) => commit(Json::String(name)),
                                    Err(e) => expect_context::<Editor>().error(e),
                                }
                            });
                        }
                    />
                </div>
            }
            .into_any()
        }
        ParamKind::Folder => {
            let commit_text = commit.clone();
            let commit_folder = commit.clone();
            view! {
                <div class="file-field">
                    <input data-testid=testid placeholder="folder" prop:value=as_text(&value) on:change=move |ev| commit_text(Json::String(event_target_value(&ev))) on:keydown=blur_on_enter/>
                    <input
                        type="file"
                        prop:webkitdirectory=true
                        multiple=true
                        title="Pick a folder: its files stay on this computer and are read when the flow runs"
                        data-testid=format!("param-{name}-folder")
                        on:change=move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            let Some(files) = input.files() else { return };
                            match crate::host::remember_folder(&files) {
                                Ok(folder) => commit_folder(Json::String(folder)),
                                Err(e) => expect_context::<Editor>().error(e),
                            }
                        }
                    />
                </div>
            }
            .into_any()
        }
        // numbers and text: checked as typed, set on change (Enter or leaving the field)
        kind => {
            let numeric = matches!(kind, ParamKind::Int { .. } | ParamKind::Float { .. });
            let commit = commit.clone();
            let check = check.clone();
            view! {
                <input
                    type="text"
                    inputmode=numeric.then_some("decimal")
                    data-testid=testid
                    prop:value=as_text(&value)
                    on:input=move |ev| check(Json::String(event_target_value(&ev)))
                    on:change=move |ev| commit(Json::String(event_target_value(&ev)))
                    on:keydown=blur_on_enter
                />
            }
            .into_any()
        }
    };
    view! {
        <label class="field" title=spec.doc.clone()>
            <span>{name.replace('_', " ")}</span>
            {control}
            {move || error.get().map(|e| view! { <span class="field-error" data-testid=format!("param-error-{}", spec.name)>{e}</span> })}
        </label>
    }
}
