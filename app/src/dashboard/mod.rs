//! The dashboard (Flojoy's control panel): widgets bound to node parameters and panels bound
//! to node results, laid out freely (drag, resize, snap to a grid), saved in the flow file.

mod add;
mod item;
mod panels;
mod widgets;

use leptos::prelude::*;
use runtime::Edit;

use crate::Editor;
use crate::state::dashboard::Board;

/// The dashboard's items, read from the flow (so undo, open and paste all apply).
pub fn board(ed: Editor) -> Memo<Board> {
    Memo::new(move |_| ed.doc.with(|d| Board::of(&d.flow)))
}

/// Replaces the dashboard (one undo step).
pub fn save_board(ed: Editor, b: &Board) -> bool {
    let d = ed.doc.with_untracked(|doc| b.to_dashboard(&doc.flow.dashboard));
    ed.apply(Edit::SetDashboard(d))
}

#[component]
pub fn DashboardView() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let board = board(ed);
    let editing = RwSignal::new(false);
    let adding = RwSignal::new(None::<add::Adding>);
    let empty = move || board.with(|b| b.items.is_empty());
    view! {
        <main class="dashboard" data-testid="dashboard">
            <div class="dash-bar">
                <label class="toggle" title="A change re-runs what depends on it, right away">
                    <input type="checkbox" data-testid="live-toggle" prop:checked=move || ed.live.get() on:change=move |ev| ed.live.set(event_target_checked(&ev))/>
                    " Live"
                </label>
                <label class="toggle">
                    <input type="checkbox" data-testid="edit-layout" prop:checked=editing on:change=move |ev| editing.set(event_target_checked(&ev))/>
                    " Edit layout"
                </label>
                <span class="spacer"></span>
                <button data-testid="add-control" on:click=move |_| adding.set(Some(add::Adding::Control))>"+ Control"</button>
                <button data-testid="add-output" on:click=move |_| adding.set(Some(add::Adding::Output))>"+ Output"</button>
                <button data-testid="add-text" on:click=move |_| add::add_text(ed, board)>"+ Text"</button>
            </div>
            <div class="dash-area" class:editing=editing data-testid="dash-area">
                <For each=move || board.with(|b| b.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>()) key=|id| id.clone() let(id)>
                    <item::ItemCard id=id board=board editing=editing/>
                </For>
                <p class="dash-empty" class:hidden=move || !empty()>
                    "An empty dashboard. Add controls for node parameters and outputs for node results: they turn the flow into an app."
                </p>
            </div>
            {move || adding.get().map(|a| view! { <add::AddDialog adding=a close=move || adding.set(None) board=board/> })}
        </main>
    }
}
