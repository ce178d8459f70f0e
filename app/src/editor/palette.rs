//! The node palette (every built-in node by category, with search; drag onto the canvas or
//! click to add) and the command palette (Ctrl/⌘+K: nodes and [`Command`]s, keyboard only).

use std::collections::BTreeMap;

use leptos::prelude::*;
use runtime::nodes::NodeDef;
use runtime::spec::Availability;

use crate::Editor;
use crate::commands::Command;
use crate::editor::canvas::NODE_MIME;
use crate::state::search::search;

fn first_line(s: &str) -> String {
    s.split(['\n', '.']).next().unwrap_or_default().trim().to_owned()
}

#[component]
fn PaletteItem(def: &'static NodeDef) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let func = def.spec.func.clone();
    let f2 = func.clone();
    let unavailable = matches!(def.spec.availability, Availability::Unavailable { .. });
    let title = match &def.spec.availability {
        Availability::Unavailable { reason } => format!("{}\n\nNot available here: {reason}", def.spec.doc),
        Availability::Native => def.spec.doc.clone(),
    };
    view! {
        <li
            class="palette-item"
            class:unavailable=unavailable
            draggable="true"
            data-testid=format!("palette-{func}")
            data-category=def.spec.category.clone()
            title=title
            on:dragstart=move |ev: web_sys::DragEvent| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data(NODE_MIME, &func);
                    let _ = dt.set_data("text/plain", &func);
                    dt.set_effect_allowed("copy");
                }
            }
            on:click=move |_| ed.add_node(&f2, None)
        >
            <span class="name">{def.spec.func.replace('_', " ")}</span>
            <span class="doc">{first_line(&def.spec.doc)}</span>
        </li>
    }
}

#[component]
pub fn Palette() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let query = RwSignal::new(String::new());
    let groups = Memo::new(move |_| {
        let mut g: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
        for d in search(&query.get()) {
            g.entry(d.spec.category.clone()).or_default().push(leak(&d.spec.func));
        }
        g
    });
    view! {
        <aside class="palette" data-testid="palette" aria-label="Nodes">
            <input
                class="palette-search"
                type="search"
                placeholder="Search nodes…"
                data-testid="palette-search"
                prop:value=query
                on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter"
                        && let Some(d) = search(&query.get_untracked()).first()
                    {
                        ed.add_node(&d.spec.func, None);
                    }
                }
            />
            <div class="palette-groups">
                <crate::editor::templates::TemplatesGroup/>
                <crate::editor::templates::TemplatesGroup subflows=true/>
                {move || {
                    let searching = !query.with(String::is_empty);
                    groups
                        .get()
                        .into_iter()
                        .map(|(cat, funcs)| {
                            view! {
                                <details class="palette-group" open=searching>
                                    <summary>{cat.replace('_', " ")} <span class="count">{funcs.len()}</span></summary>
                                    <ul>
                                        {funcs.into_iter().filter_map(runtime::nodes::lookup).map(|def| view! { <PaletteItem def=def/> }).collect_view()}
                                    </ul>
                                </details>
                            }
                        })
                        .collect_view()
                }}
                <p class="palette-empty" class:hidden=move || !groups.with(BTreeMap::is_empty)>"No node matches."</p>
            </div>
        </aside>
    }
}

/// Node names live as long as the registry (static); this gives them the 'static lifetime the
/// memo needs without copying strings on every keystroke.
fn leak(s: &str) -> &'static str {
    runtime::nodes::lookup(s).map_or("", |d| d.spec.func.as_str())
}

/// What the command palette offers: a node to add, or a command.
#[derive(Clone, Copy)]
enum Item {
    Node(&'static NodeDef),
    Command(Command),
}

#[component]
pub fn CommandPalette() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let input = NodeRef::<leptos::html::Input>::new();
    let items = Signal::derive(move || {
        let q = query.get();
        let mut v: Vec<Item> = Command::matching(&q).into_iter().map(Item::Command).collect();
        v.extend(search(&q).into_iter().take(40).map(Item::Node));
        v
    });
    let close = move || {
        ed.command_palette.set(false);
        query.set(String::new());
        active.set(0);
    };
    let choose = move |item: Item| {
        close();
        match item {
            Item::Node(d) => ed.add_node(&d.spec.func, None),
            Item::Command(c) => ed.execute(c),
        }
    };
    Effect::new(move |_| {
        if ed.command_palette.get()
            && let Some(i) = input.get()
        {
            let _ = i.focus();
        }
    });
    move || {
        ed.command_palette.get().then(|| {
            view! {
                <div class="modal-backdrop" on:click=move |_| close()>
                    <div class="command-palette" data-testid="command-palette" on:click=|ev| ev.stop_propagation()>
                        <input
                            node_ref=input
                            placeholder="Add a node or run a command…"
                            data-testid="command-input"
                            prop:value=query
                            on:input=move |ev| {
                                query.set(event_target_value(&ev));
                                active.set(0);
                            }
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                let n = items.with(Vec::len);
                                match ev.key().as_str() {
                                    "ArrowDown" => {
                                        ev.prevent_default();
                                        active.update(|a| *a = (*a + 1).min(n.saturating_sub(1)));
                                    }
                                    "ArrowUp" => {
                                        ev.prevent_default();
                                        active.update(|a| *a = a.saturating_sub(1));
                                    }
                                    "Enter" => {
                                        if let Some(item) = items.with(|v| v.get(active.get_untracked()).copied()) {
                                            choose(item);
                                        }
                                    }
                                    "Escape" => close(),
                                    _ => {}
                                }
                                ev.stop_propagation();
                            }
                        />
                        <ul>
                            {move || {
                                items
                                    .get()
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, item)| {
                                        let (name, doc) = match item {
                                            Item::Node(d) => (d.spec.func.replace('_', " "), first_line(&d.spec.doc)),
                                            Item::Command(c) => (format!("▸ {}", c.label()), String::new()),
                                        };
                                        view! {
                                            <li class:active=move || active.get() == i on:click=move |_| choose(item) on:mousemove=move |_| active.set(i)>
                                                <span class="name">{name}</span>
                                                <span class="doc">{doc}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                    </div>
                </div>
            }
        })
    }
}
