//! The example gallery: built-in flows for learning (public/gallery/index.json), each with a
//! title, a one-line description, a thumbnail drawn from the flow itself, and the nodes it
//! teaches; filter by category or search. Opening a DAQ example turns on the simulated demo
//! devices when no real device is connected.

use leptos::prelude::*;
use serde::Deserialize;

use crate::state::layout::node_size;
use crate::{Editor, js};

/// One entry of `gallery/index.json`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Example {
    pub id: String,
    pub file: String,
    pub title: String,
    pub description: String,
    pub category: String,
    #[serde(default)]
    pub teaches: Vec<String>,
    #[serde(default)]
    pub needs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Index {
    examples: Vec<Example>,
}

/// A flow as a small picture: its nodes (coloured by category) and wires.
pub fn thumbnail(text: &str) -> Option<String> {
    let flow = runtime::file::load(text, 1).ok()?.flow;
    let boxes: Vec<_> = flow
        .nodes()
        .map(|n| {
            let (w, h) = node_size(n);
            (n.id, n.position.0, n.position.1, w, h, n.spec().category.clone())
        })
        .collect();
    if boxes.is_empty() {
        return None;
    }
    let x0 = boxes.iter().map(|b| b.1).fold(f64::INFINITY, f64::min) - 20.0;
    let y0 = boxes.iter().map(|b| b.2).fold(f64::INFINITY, f64::min) - 20.0;
    let x1 = boxes.iter().map(|b| b.1 + b.3).fold(f64::NEG_INFINITY, f64::max) + 20.0;
    let y1 = boxes.iter().map(|b| b.2 + b.4).fold(f64::NEG_INFINITY, f64::max) + 20.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{x0:.0} {y0:.0} {:.0} {:.0}\" preserveAspectRatio=\"xMidYMid meet\">",
        x1 - x0,
        y1 - y0
    );
    let at = |id| boxes.iter().find(|b| b.0 == id);
    for e in flow.edges() {
        if let (Some(a), Some(b)) = (at(e.from.node), at(e.to.node)) {
            let (ax, ay, bx, by) = (a.1 + a.3, a.2 + 40.0, b.1, b.2 + 40.0);
            let mid = (ax + bx) / 2.0;
            svg += &format!(
                "<path d=\"M{ax:.0} {ay:.0} C{mid:.0} {ay:.0} {mid:.0} {by:.0} {bx:.0} {by:.0}\" class=\"thumb-wire\"/>"
            );
        }
    }
    for (_, x, y, w, h, category) in &boxes {
        // categories are our own node paths (letters, '_'): safe inside an attribute
        let c: String = category.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        svg += &format!(
            "<rect x=\"{x:.0}\" y=\"{y:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" rx=\"10\" class=\"thumb-node\" data-category=\"{c}\"/>"
        );
    }
    svg += "</svg>";
    Some(svg)
}

async fn load_index() -> Result<Vec<Example>, String> {
    let text = js::net::fetch_text("gallery/index.json").await?;
    serde_json::from_str::<Index>(&text).map(|i| i.examples).map_err(|e| format!("the gallery index is damaged: {e}"))
}

/// Opens an example (turning on demo devices for DAQ examples when nothing is connected).
pub async fn open_example(ed: Editor, ex: &Example) -> bool {
    let text = match js::net::fetch_text(&format!("gallery/{}", ex.file)).await {
        Ok(t) => t,
        Err(e) => {
            ed.error(format!("the example '{}' could not be loaded: {e}", ex.title));
            return false;
        }
    };
    let mut demo_failed = false;
    if ex.needs.iter().any(|n| n == "devices") {
        let devices = ed.runner().devices().clone();
        let none = devices.view.with_untracked(|v| v.serial.is_empty() && v.usb.is_empty());
        if none && let Err(e) = devices.enable_demo().await {
            demo_failed = true;
            ed.error(format!("demo devices could not start: {e}"));
        }
    }
    let opened = ed.open_text(&text, &ex.title);
    if opened && !demo_failed && ex.needs.iter().any(|n| n == "devices") {
        ed.announce(format!("{}: press Run. It uses simulated demo devices unless you connect real ones", ex.title));
    }
    opened
}

#[component]
fn Card(ex: Example) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let thumb = RwSignal::new(String::new());
    let file = ex.file.clone();
    leptos::task::spawn_local(async move {
        if let Ok(text) = js::net::fetch_text(&format!("gallery/{file}")).await {
            thumb.set(thumbnail(&text).unwrap_or_default());
        }
    });
    let open_ex = StoredValue::new(ex.clone());
    let needs = ex
        .needs
        .iter()
        .map(|n| {
            let label = match n.as_str() {
                "python" => "Python",
                "devices" => "devices (simulated)",
                other => other,
            }
            .to_owned();
            view! { <span class="needs">{label}</span> }
        })
        .collect_view();
    view! {
        <button
            class="example-card"
            data-testid=format!("example-{}", ex.id)
            title=ex.description.clone()
            on:click=move |_| {
                let ex = open_ex.get_value();
                leptos::task::spawn_local(async move {
                    if open_example(ed, &ex).await {
                        ed.gallery_open.set(false);
                    }
                });
            }
        >
            <div class="thumb" inner_html=move || thumb.get()></div>
            <div class="card-body">
                <div class="card-title"><b>{ex.title.clone()}</b><span class="category">{ex.category.clone()}</span></div>
                <p>{ex.description.clone()}</p>
                <div class="teaches">{ex.teaches.join(" · ")}</div>
                <div>{needs}</div>
            </div>
        </button>
    }
}

#[component]
pub fn Gallery() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let examples = LocalResource::new(load_index);
    let category = RwSignal::new(String::from("All"));
    let query = RwSignal::new(String::new());
    let body = move || {
        let Some(result) = examples.get() else {
            return view! { <p class="muted">"Loading the examples…"</p> }.into_any();
        };
        let list = match result {
            Ok(l) => l,
            Err(e) => return view! { <p class="bad">{e}</p> }.into_any(),
        };
        let mut cats: Vec<String> = Vec::new();
        for e in &list {
            if !cats.contains(&e.category) {
                cats.push(e.category.clone());
            }
        }
        let tabs = std::iter::once("All".to_owned())
            .chain(cats)
            .map(|c| {
                let c2 = c.clone();
                view! {
                    <button class:active=move || category.get() == c2 on:click={let c = c.clone(); move |_| category.set(c.clone())} data-testid=format!("gallery-cat-{c}")>{c.clone()}</button>
                }
            })
            .collect_view();
        let cards = move || {
            let cat = category.get();
            let q = query.get().to_lowercase();
            list.iter()
                .filter(|e| cat == "All" || e.category == cat)
                .filter(|e| {
                    q.is_empty()
                        || e.title.to_lowercase().contains(&q)
                        || e.description.to_lowercase().contains(&q)
                        || e.teaches.iter().any(|t| t.to_lowercase().contains(&q))
                })
                .map(|e| view! { <Card ex=e.clone()/> })
                .collect_view()
        };
        view! {
            <div class="gallery-tabs">{tabs}</div>
            <div class="gallery-grid" data-testid="gallery-grid">{cards}</div>
        }
        .into_any()
    };
    view! {
        <Show when=move || ed.gallery_open.get()>
            <div class="modal-backdrop" on:click=move |_| ed.gallery_open.set(false)>
                <div class="gallery" data-testid="gallery" role="dialog" aria-label="Examples" on:click=|e| e.stop_propagation()>
                    <header role="none">
                        <h2>"Examples"</h2>
                        <input type="search" placeholder="Search examples or nodes" data-testid="gallery-search" on:input=move |e| query.set(event_target_value(&e))/>
                        <button data-testid="gallery-close" on:click=move |_| ed.gallery_open.set(false)>"×"</button>
                    </header>
                    {body}
                </div>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_thumbnail_draws_every_node_and_wire() {
        let text = runtime::file::save(&crate::state::welcome_flow());
        let svg = thumbnail(&text).unwrap();
        let flow = runtime::file::load(&text, 1).unwrap().flow;
        assert_eq!(svg.matches("<rect").count(), flow.len());
        assert_eq!(svg.matches("<path").count(), flow.edge_count());
        assert!(thumbnail("not a flow").is_none());
    }
}
