//! Share: a link that carries the flow (compressed, in the fragment: no server sees it), an
//! option to run it when opened, and an iframe snippet for docs. A flow too big for a link is
//! downloaded as a file instead, with the reason.

use leptos::prelude::*;

use crate::{Editor, js, share};

/// The page's address without query or fragment.
fn base_url() -> String {
    js::window()
        .map(|w| {
            let l = w.location();
            format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
        })
        .unwrap_or_default()
}

fn copy(text: &str, ed: Editor) {
    if let Some(w) = js::window() {
        let _ = w.navigator().clipboard().write_text(text);
        ed.info("copied to the clipboard");
    }
}

#[component]
pub fn ShareDialog() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let run_on_open = RwSignal::new(false);
    // the link for the flow as it is now: recomputed when the dialog opens or options change
    let link = Memo::new(move |_| {
        if !ed.share_open.get() {
            return None;
        }
        let text = ed.doc.with_untracked(|d| runtime::file::save(&d.flow));
        Some(share::fragment(&text, run_on_open.get()))
    });
    let download = move |_| ed.save();
    view! {
        <Show when=move || ed.share_open.get()>
            <div class="modal-backdrop" on:click=move |_| ed.share_open.set(false)>
                <div class="share-dialog" data-testid="share-dialog" role="dialog" aria-label="Share" on:click=|e| e.stop_propagation()>
                    <header>
                        <h2>"Share this flow"</h2>
                        <button data-testid="share-close" on:click=move |_| ed.share_open.set(false)>"×"</button>
                    </header>
                    {move || match link.get() {
                        Some(Ok(fragment)) => {
                            let url = format!("{}#{fragment}", base_url());
                            let embed = format!(
                                "<iframe src=\"{}?embed=1#{fragment}\" width=\"100%\" height=\"480\" style=\"border:0\" loading=\"lazy\" allow=\"serial; usb\" title=\"Flojoy flow\"></iframe>",
                                base_url()
                            );
                            let (u1, u2, e1) = (url.clone(), url.clone(), embed.clone());
                            view! {
                                <p>"Anyone with this link sees the flow; it is inside the link itself, no server keeps it."</p>
                                <div class="share-row">
                                    <input readonly data-testid="share-link" prop:value=u1 on:focus=|e| { let i: web_sys::HtmlInputElement = event_target(&e); i.select(); }/>
                                    <button data-testid="share-copy" on:click=move |_| copy(&u2, ed)>"Copy link"</button>
                                </div>
                                <label class="share-option">
                                    <input type="checkbox" data-testid="share-run" prop:checked=move || run_on_open.get() on:change=move |e| run_on_open.set(event_target_checked(&e))/>
                                    " Run the flow when the link is opened (flows that use devices still wait for a click)"
                                </label>
                                <h3>"Embed in a web page"</h3>
                                <textarea readonly rows="4" data-testid="share-embed" prop:value=embed></textarea>
                                <button on:click=move |_| copy(&e1, ed)>"Copy snippet"</button>
                            }
                            .into_any()
                        }
                        Some(Err(size)) => view! {
                            <p class="share-too-big" data-testid="share-too-big">
                                {format!(
                                    "This flow is too big for a link ({} KB compressed; links carry up to {} KB). Share it as a file instead: the recipient opens it with Open.",
                                    size.div_ceil(1000),
                                    share::MAX_FRAGMENT / 1000
                                )}
                            </p>
                            <button data-testid="share-download" on:click=download>"Download the flow file"</button>
                        }
                        .into_any(),
                        None => ().into_any(),
                    }}
                </div>
            </div>
        </Show>
    }
}
