//! The code editor of Python nodes (CodeMirror, loaded when first opened). Save parses the
//! node's signature in Pyodide and updates its ports and parameters (one undo step); a
//! syntax error or a bad signature is shown at its line and changes nothing.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use nodes_pyodide::bridge::WorkerStatus;
use runtime::flow::PythonNode;
use runtime::{Edit, NodeId, NodeKind};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;

use crate::{Editor, js};

/// The line a Python error points at in the node's code (`File "<node X>", line N`).
pub fn error_line(text: &str) -> Option<u32> {
    text.lines().rev().find_map(|l| {
        let rest = l.split("<node").nth(1)?;
        rest.split("line ").nth(1)?.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    })
}

#[component]
pub fn CodeEditor() -> impl IntoView {
    let ed = expect_context::<Editor>();
    move || ed.editing_code.get().map(|id| view! { <CodeEditorModal id=id/> })
}

#[component]
fn CodeEditorModal(id: NodeId) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let host = NodeRef::<leptos::html::Div>::new();
    let module: StoredValue<Option<JsValue>, LocalStorage> = StoredValue::new_local(None);
    let view_handle: StoredValue<Option<JsValue>, LocalStorage> = StoredValue::new_local(None);
    // CodeMirror's Ctrl/⌘+S calls back into Rust as long as this modal lives
    let on_save: StoredValue<Option<Closure<dyn FnMut()>>, LocalStorage> = StoredValue::new_local(None);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<&'static str>);
    let label = ed.doc.with_untracked(|d| d.flow.node(id).map(|n| n.label.clone()).unwrap_or_default());
    let close = move || {
        if let (Some(m), Some(v)) = (module.get_value(), view_handle.get_value()) {
            let _ = js::call_export(&m, "destroy", &[&v]);
        }
        ed.editing_code.set(None);
    };
    let save = move || {
        let (Some(m), Some(v)) = (module.get_value(), view_handle.get_value()) else { return };
        let Some(code) = js::call_export(&m, "text", &[&v]).ok().and_then(|t| t.as_string()) else { return };
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(if matches!(ed.python.get_untracked(), WorkerStatus::Ready { .. }) {
            "checking the signature…"
        } else {
            "waiting for Python to start…"
        }));
        let worker = ed.runner().python().clone();
        spawn_local(async move {
            let parsed = worker.parse(&code).await;
            busy.set(None);
            match parsed {
                Ok(spec) => {
                    let spec = ed.doc.with_untracked(|d| match d.flow.node(id).map(|n| &n.kind) {
                        Some(NodeKind::Python(p)) => spec.to_node_spec_after(&p.spec),
                        _ => spec.to_node_spec(),
                    });
                    let python = Arc::new(PythonNode { code, spec });
                    let unchanged = ed.doc.with_untracked(
                        |d| matches!(d.flow.node(id).map(|n| &n.kind), Some(NodeKind::Python(p)) if **p == *python),
                    );
                    if unchanged || ed.apply(Edit::SetPython { node: id, python }) {
                        let _ = js::call_export(&m, "markError", &[&v, &JsValue::from(0)]);
                        close();
                        ed.info("Python node saved");
                    }
                }
                Err(e) => {
                    let line = e.line.or_else(|| error_line(&e.traceback));
                    let _ = js::call_export(&m, "markError", &[&v, &JsValue::from(line.unwrap_or(0))]);
                    error.set(Some(match line {
                        Some(l) => format!("line {l}: {}", e.message),
                        None => e.message,
                    }));
                }
            }
        });
    };
    // mount CodeMirror once the host div exists
    Effect::new(move |_| {
        let Some(div) = host.get() else { return };
        let (code, last_error) = ed.doc.with_untracked(|d| match d.flow.node(id).map(|n| &n.kind) {
            Some(NodeKind::Python(p)) => (p.code.clone(), None),
            _ => (String::new(), None::<String>),
        });
        let last_error =
            last_error.or_else(|| ed.runner().nodes.with_untracked(|m| m.get(&id).and_then(|r| r.error.clone())));
        spawn_local(async move {
            match js::import_module("./codemirror.js").await {
                Ok(m) => {
                    let callback = Closure::<dyn FnMut()>::new(save);
                    let v = js::call_export(&m, "create", &[&div.into(), &JsValue::from_str(&code), callback.as_ref()]);
                    on_save.set_value(Some(callback));
                    match v {
                        Ok(v) => {
                            if let Some(line) = last_error.as_deref().and_then(error_line) {
                                let _ = js::call_export(&m, "markError", &[&v, &JsValue::from(line)]);
                                error.set(last_error.map(|e| {
                                    format!("last run, line {line}: {}", e.lines().last().unwrap_or_default())
                                }));
                            }
                            let _ = js::call_export(&m, "focus", &[&v]);
                            view_handle.set_value(Some(v));
                            module.set_value(Some(m));
                        }
                        Err(e) => error.set(Some(format!("the code editor failed to start: {e}"))),
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    view! {
        <div class="modal-backdrop">
            <div class="code-editor" data-testid="code-editor" on:keydown=move |ev: web_sys::KeyboardEvent| {
                if ev.key() == "Escape" {
                    close();
                }
                ev.stop_propagation();
            }>
                <header>
                    <h2>"Python node " <small>{label}</small></h2>
                    <span class="muted">{move || busy.get().unwrap_or("Ctrl/⌘+S saves")}</span>
                    <button data-testid="code-save" class="primary" on:click=move |_| save()>"Save"</button>
                    <button data-testid="code-cancel" on:click=move |_| close()>"Close"</button>
                </header>
                <p class="code-hint">
                    "Write one function decorated with " <code>"@flojoy"</code> ". Its inputs (DataContainer types such as "
                    <code>"OrderedPair"</code> ", " <code>"Scalar"</code> ") become ports, other arguments become parameters ("
                    <code>"Literal[...]"</code> " is a select), a " <code>"TypedDict"</code> " return gives several outputs. "
                    <code>"print()"</code> " goes to the node's log."
                </p>
                {move || error.get().map(|e| view! { <pre class="code-error" data-testid="code-error">{e}</pre> })}
                <div class="code-host" node_ref=host data-testid="code-host"></div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_failing_line_is_read_from_a_traceback() {
        let tb = "ValueError: bad\nTraceback (most recent call last):\n  File \"<node DOUBLE>\", line 7, in DOUBLE\nValueError: bad";
        assert_eq!(super::error_line(tb), Some(7));
        assert_eq!(super::error_line("no line here"), None);
    }
}
