//! The message line: refused wires, files that did not open, saves.

use leptos::prelude::*;

use crate::Editor;

#[component]
pub fn Toasts() -> impl IntoView {
    let ed = expect_context::<Editor>();
    move || {
        ed.toast.get().map(|t| {
            view! {
                <div class="toast" class:error=t.error data-testid=if t.error { "toast-error" } else { "toast" } role="status" on:click=move |_| ed.toast.set(None)>
                    {t.text}
                </div>
            }
        })
    }
}
