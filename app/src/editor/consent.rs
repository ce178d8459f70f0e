//! The review of a flow from outside the site (a link, a file, a host page's message) before it
//! runs: what will run ("2 Python nodes; code from this link"), each Python node's code to
//! read, the hardware nodes and file exports; Run here is the user's consent. The rule of what
//! needs it is the runtime's (`Flow::consent`).

use leptos::prelude::*;
use runtime::flow::NodeKind;

use crate::Editor;

/// One node of the review: its label, what it does that needs consent, its code (Python).
#[derive(Clone, Debug, PartialEq)]
struct Item {
    label: String,
    what: &'static str,
    code: Option<String>,
}

fn items(ed: Editor) -> Vec<Item> {
    ed.doc.with_untracked(|d| {
        let c = d.flow.consent();
        let mut out = Vec::new();
        for n in d.flow.nodes() {
            let python = c.python.contains(&n.id);
            let devices = c.devices.contains(&n.id);
            let files = c.files.contains(&n.id);
            let what = match (python, devices, files) {
                (true, true, _) => "Python code that reaches devices",
                (true, false, _) => "Python code",
                (false, true, _) => "reaches serial/USB devices",
                (false, false, true) => "saves a file (a download)",
                _ => continue,
            };
            let code = match &n.kind {
                NodeKind::Python(p) => Some(p.code.clone()),
                _ => None,
            };
            out.push(Item { label: n.label.clone(), what, code });
        }
        out
    })
}

#[component]
pub fn ConsentDialog() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let close = move || ed.consent_open.set(false);
    view! {
        <Show when=move || ed.consent_open.get()>
            <div class="modal-backdrop" on:click=move |_| close()>
                <div class="share-dialog consent-dialog" data-testid="consent-dialog" role="dialog" aria-label="Review before running" on:click=|e| e.stop_propagation()>
                    <header>
                        <h2>"Review before running"</h2>
                        <button data-testid="consent-close" on:click=move |_| close()>"×"</button>
                    </header>
                    <p data-testid="consent-summary">{move || ed.consent_pending().unwrap_or_default()}"."</p>
                    <p>
                        "This flow came from outside this site. Python code runs with this site's access to your browser \
                         (its storage, the network); hardware nodes reach your devices. Read what will run: it runs only when you click Run."
                    </p>
                    <ul class="consent-items">
                        {items(ed)
                            .into_iter()
                            .map(|it| {
                                let testid = format!("consent-node-{}", it.label);
                                view! {
                                    <li data-testid=testid>
                                        <strong>{it.label.clone()}</strong>" — "{it.what}
                                        {it.code.map(|code| view! { <pre class="consent-code" data-testid="consent-code">{code}</pre> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <div class="buttons">
                        <button data-testid="consent-cancel" on:click=move |_| close()>"Not now"</button>
                        <button class="primary" data-testid="consent-run" on:click=move |_| ed.consent_and_run()>"▶ Run"</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
