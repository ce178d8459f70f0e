//! The run log at the bottom of the page.

use leptos::prelude::*;

use crate::Editor;

#[component]
pub fn LogPanel() -> impl IntoView {
    let ed = expect_context::<Editor>();
    view! {
        <footer class="log" data-testid="log">
            {move || ed.runner().log.get().into_iter().map(|l| view! { <div>{l}</div> }).collect_view()}
        </footer>
    }
}
