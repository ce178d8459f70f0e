//! Recent flows, under Open: the flows that Open, New, a link, a file or an example replaced
//! (kept in IndexedDB by `autosave`), each with its name, time and node count; one click
//! restores one.

use leptos::prelude::*;

use crate::js::store::{self, Recent};
use crate::{Editor, js};

fn when(ms: f64) -> String {
    let d = js_sys::Date::new(&ms.into());
    format!(
        "{} {}",
        d.to_locale_date_string("en-GB", &js_sys::Object::new().into()).as_string().unwrap_or_default(),
        d.to_locale_time_string("en-GB").as_string().unwrap_or_default()
    )
}

#[component]
pub fn RecentMenu() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let open = RwSignal::new(false);
    let list = RwSignal::new(Vec::<Recent>::new());
    let toggle = move |_| {
        let now = !open.get_untracked();
        open.set(now);
        if now {
            leptos::task::spawn_local(async move {
                match store::recent_list().await {
                    Ok(l) => list.set(l),
                    Err(e) => ed.error(format!("the recent flows could not be read: {e}")),
                }
            });
        }
    };
    let restore = move |id: f64| {
        open.set(false);
        leptos::task::spawn_local(async move {
            if let Err(e) = ed.restore(id).await {
                ed.error(format!("could not restore: {e}"));
            }
        });
    };
    // a click elsewhere closes the menu
    js::listener::pointer_down_outside(".recent-wrap", move || open.set(false));
    view! {
        <span class="recent-wrap">
            <button data-testid="recent" title="Flows you opened something over, newest first" on:click=toggle>"Recent ▾"</button>
            <Show when=move || open.get()>
                <div class="recent-menu" data-testid="recent-menu" role="menu">
                    {move || {
                        let l = list.get();
                        if l.is_empty() {
                            return view! { <div class="empty">"Nothing yet: a flow you replace (Open, New, a link, an example) appears here"</div> }.into_any();
                        }
                        l.into_iter()
                            .map(|r| {
                                let id = r.id;
                                let nodes = format!("{} node{} · {}", r.nodes, if r.nodes == 1 { "" } else { "s" }, when(r.saved_at));
                                view! {
                                    <button role="menuitem" data-testid="recent-item" data-id=id.to_string() on:click=move |_| restore(id)>
                                        <span class="name">{r.name}</span>
                                        <span class="meta">{nodes}</span>
                                    </button>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </div>
            </Show>
        </span>
    }
}

/// Shown while the flow waits for the user's consent: opens the review.
#[component]
pub fn ConsentBadge() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let pending = move || ed.doc.with(|d| d.pending_consent().map(|(_, t)| t));
    view! {
        <Show when=move || pending().is_some()>
            <button
                class="consent-badge"
                data-testid="consent-badge"
                title=move || pending().unwrap_or_default()
                on:click=move |_| ed.consent_open.set(true)
            >
                "Review before running"
            </button>
        </Show>
    }
}
