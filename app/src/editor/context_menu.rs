//! The canvas's context menu: right-click, or a long press on a touch screen. On a node it
//! offers what the keyboard does for the selection (view, duplicate, group, delete) and saving it as a
//! template; on empty canvas,
//! adding a note or a Python node and fitting the view. Escape or a click elsewhere closes it.

use leptos::prelude::*;
use runtime::NodeId;
use wasm_bindgen::JsCast;

use crate::commands::Command;
use crate::{Editor, js};

/// Where the menu is open: canvas pixels, and the node it is about (already selected).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MenuAt {
    pub x: f64,
    pub y: f64,
    pub node: Option<NodeId>,
}

const ON_NODE: &[(&str, Command)] = &[
    ("View", Command::ViewNode),
    ("Duplicate", Command::Duplicate),
    ("Group", Command::Group),
    ("Make subflow", Command::MakeSubflow),
    ("Save as template…", Command::SaveTemplate),
    ("Delete", Command::Delete),
];
const ON_CANVAS: &[(&str, Command)] = &[
    ("Add a note", Command::AddNote),
    ("New Python node", Command::AddPython),
    ("Fit the flow in view", Command::Fit),
];

#[component]
pub fn ContextMenu(at: RwSignal<Option<MenuAt>>) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let menu = NodeRef::<leptos::html::Div>::new();
    // the first item takes the focus, so the keyboard works it too
    Effect::new(move |_| {
        if let Some(first) =
            menu.get().and_then(|m| m.first_element_child()).and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = first.focus();
        }
    });
    js::listener::pointer_down_outside(".context-menu", move || {
        if at.get_untracked().is_some() {
            at.set(None);
        }
    });
    move || {
        let m = at.get()?;
        let items = if m.node.is_some() { ON_NODE } else { ON_CANVAS };
        Some(view! {
            <div
                class="context-menu"
                data-testid="context-menu"
                role="menu"
                node_ref=menu
                style=format!("left:{}px;top:{}px", m.x, m.y)
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        ev.stop_propagation();
                        at.set(None);
                    }
                }
            >
                {items
                    .iter()
                    .copied()
                    .map(|(label, command)| {
                        view! {
                            <button
                                role="menuitem"
                                data-command=command.name()
                                on:click=move |_| {
                                    at.set(None);
                                    ed.execute(command);
                                }
                            >
                                {label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        })
    }
}
