//! A plotly figure in a div, redrawn in place when its figure changes.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use runtime::value::Figure;

use crate::plot;

#[component]
pub fn PlotView(#[prop(into)] figure: Signal<Option<Arc<Figure>>>, testid: String) -> impl IntoView {
    let div = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let fig = figure.get();
        if let (Some(el), Some(fig)) = (div.get(), fig) {
            spawn_local(async move {
                if let Err(e) = plot::draw(&el, &fig).await {
                    web_sys::console::warn_1(&e.into());
                }
            });
        }
    });
    view! { <div class="plot" node_ref=div data-testid=testid></div> }
}
