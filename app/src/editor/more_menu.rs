//! The toolbar's "More" menu: when the window is too narrow for every toolbar button, the least
//! used ones leave the bar and appear in this menu instead. style.css decides which by the
//! window's width: below each breakpoint the bar's `ov-N` buttons hide and the menu's `in-N`
//! items show, so nothing is ever cut off. Keyboard: Enter, Space or ↓ on More opens the menu
//! with its first item focused; ↑/↓, Home and End move; Escape closes it and gives the focus
//! back to More.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::commands::Command;
use crate::{Editor, js};

/// The bar buttons that may move into the menu (by their test id), with the tier at which they
/// do: tier 1 leaves the bar first (style.css: `ov-N` / `in-N`).
pub const OVERFLOW: [(&str, Command, u8); 9] = [
    ("zoom-out", Command::ZoomOut, 1),
    ("zoom-in", Command::ZoomIn, 1),
    ("fit", Command::Fit, 1),
    ("add-note", Command::AddNote, 2),
    ("add-python", Command::AddPython, 2),
    ("open-command", Command::TogglePalette, 2),
    ("examples", Command::Examples, 3),
    ("share", Command::Share, 3),
    ("devices", Command::Devices, 3),
];

/// The menu's items that show at the window's width now (the others are `display: none`,
/// which leaves them without an offset parent).
fn shown_items(menu: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    std::iter::successors(menu.first_element_child(), |el| el.next_element_sibling())
        .filter_map(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|el| el.offset_parent().is_some())
        .collect()
}

/// Moves the focus among the shown items: `step` ±1 from the focused one (wrapping), or to
/// the first (`0`) / last (`i32::MAX`).
fn focus_item(menu: &web_sys::Element, step: i32) {
    let items = shown_items(menu);
    if items.is_empty() {
        return;
    }
    let n = items.len() as i32;
    let active = js::document().and_then(|d| d.active_element());
    let at = items.iter().position(|el| active.as_ref().is_some_and(|a| a == el.as_ref() as &web_sys::Element));
    let next = match (step, at) {
        (0, _) | (_, None) => 0,
        (i32::MAX, _) => n - 1,
        (s, Some(i)) => (i as i32 + s).rem_euclid(n),
    };
    if let Some(el) = items.get(next as usize) {
        let _ = el.focus();
    }
}

#[component]
pub fn MoreMenu() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let menu = NodeRef::<leptos::html::Div>::new();
    // the first item takes the focus when the menu opens (it mounts then)
    Effect::new(move |_| {
        if let Some(m) = menu.get() {
            focus_item(&m, 0);
        }
    });
    let close = move |refocus: bool| {
        open.set(false);
        if refocus && let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    let on_button_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "ArrowDown" {
            ev.prevent_default();
            open.set(true);
        }
    };
    let on_menu_key = move |ev: web_sys::KeyboardEvent| {
        let Some(m) = menu.get_untracked() else { return };
        let step = match ev.key().as_str() {
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            "Home" => 0,
            "End" => i32::MAX,
            "Escape" | "Tab" => {
                close(ev.key() == "Escape");
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        focus_item(&m, step);
    };
    // a click elsewhere closes the menu
    js::listener::pointer_down_outside(".more-wrap", move || open.set(false));
    let items = move || {
        OVERFLOW
            .into_iter()
            .map(|(action, command, tier)| {
                view! {
                    <button
                        role="menuitem"
                        tabindex="-1"
                        class=format!("in-{tier}")
                        data-action=action
                        on:click=move |_| {
                            close(false);
                            ed.execute(command);
                        }
                    >
                        {command.label()}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <span class="more-wrap">
            <button
                data-testid="toolbar-more"
                node_ref=button
                title="More actions (the window is too narrow for all of them)"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
                on:keydown=on_button_key
            >
                "More ▾"
            </button>
            <Show when=move || open.get()>
                <div
                    class="toolbar-menu"
                    data-testid="toolbar-menu"
                    role="menu"
                    aria-label="More actions"
                    node_ref=menu
                    on:keydown=on_menu_key
                >
                    {items}
                </div>
            </Show>
        </span>
    }
}
