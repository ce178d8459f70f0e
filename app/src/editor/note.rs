//! Markdown notes on the canvas (Flojoy's text nodes). Double-click to edit.

use leptos::prelude::*;
use pulldown_cmark::{Event, Parser, Tag};

use crate::Editor;

/// Markdown → HTML, safely: raw HTML in the text is dropped and only http(s)/relative links
/// are kept, so a shared flow cannot run script in the page.
pub fn markdown(text: &str) -> String {
    let events = Parser::new(text).filter_map(|e| match e {
        Event::Html(_) | Event::InlineHtml(_) => None,
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let safe = dest_url.starts_with("http://")
                || dest_url.starts_with("https://")
                || dest_url.starts_with('#')
                || dest_url.starts_with('/');
            Some(Event::Start(Tag::Link { link_type, dest_url: if safe { dest_url } else { "#".into() }, title, id }))
        }
        Event::Start(Tag::Image { .. }) | Event::End(pulldown_cmark::TagEnd::Image) => None,
        other => Some(other),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

#[component]
pub fn Note(id: String) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let key = id.clone();
    let note = Memo::new(move |_| ed.doc.with(|d| d.flow.texts.iter().find(|t| t.id == key).cloned()));
    let key = id.clone();
    let selected = Memo::new(move |_| ed.selection.with(|s| s.texts.contains(&key)));
    let key = id.clone();
    let editing = Memo::new(move |_| ed.editing_note.with(|e| e.as_deref() == Some(key.as_str())));
    let key = id.clone();
    let shown = Memo::new(move |_| {
        let n = note.get()?;
        let (dx, dy) = if ed.moving.with(|m| m.texts.contains(&key)) { ed.move_offset.get() } else { (0.0, 0.0) };
        Some((n.position.0 + dx, n.position.1 + dy))
    });
    let key = id.clone();
    let commit = move |text: String| {
        ed.editing_note.set(None);
        let changed = note.with_untracked(|n| n.as_ref().is_some_and(|n| n.text != text));
        if changed {
            ed.apply(runtime::Edit::SetText { id: key.clone(), text });
        }
    };
    let testid = format!("note-{id}");
    view! {
        <div
            class="note"
            class:selected=selected
            data-text=id.clone()
            data-testid=testid
            style:left=move || format!("{}px", shown.get().unwrap_or_default().0)
            style:top=move || format!("{}px", shown.get().unwrap_or_default().1)
            style:width=move || note.with(|n| n.as_ref().and_then(|n| n.size).map_or("240px".into(), |(w, _)| format!("{w}px")))
        >
            {move || {
                let text = note.with(|n| n.as_ref().map(|n| n.text.clone()).unwrap_or_default());
                if editing.get() {
                    let commit = commit.clone();
                    view! {
                        <textarea
                            class="note-edit"
                            autofocus=true
                            prop:value=text
                            on:blur=move |ev| commit(event_target_value(&ev))
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                if ev.key() == "Escape" {
                                    ed.editing_note.set(None);
                                }
                                ev.stop_propagation();
                            }
                        ></textarea>
                    }
                    .into_any()
                } else {
                    view! { <div class="note-body" inner_html=markdown(&text)></div> }.into_any()
                }
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::markdown;

    #[test]
    fn markdown_renders_and_drops_script() {
        let html = markdown("# Title\n*x* <script>alert(1)</script> [a](javascript:alert(1)) [b](https://flojoy.ai)");
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<em>x</em>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(html.contains("href=\"https://flojoy.ai\""));
    }
}
