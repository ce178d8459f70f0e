//! A plotly figure in a div, redrawn in place (`Plotly.react`) when its value changes: at
//! most one draw at a time and one per animation frame; changes that arrive meanwhile are
//! merged into the next draw, so only the newest value is drawn. While a stream runs, a plot is
//! drawn for speed (see `plot::draw`); when it ends, the last value is drawn once more in full.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use leptos::task::spawn_local;
use runtime::value::Value;

use crate::state::run::Same;
use crate::{js, plot};

#[component]
pub fn PlotView(#[prop(into)] figure: Signal<Option<Same>>, testid: String) -> impl IntoView {
    let div = NodeRef::<leptos::html::Div>::new();
    // (drawing now, the newest value waiting to be drawn)
    let state: Rc<RefCell<(bool, Option<Same>)>> = Rc::new(RefCell::new((false, None)));
    let state = StoredValue::new_local(state);
    let streaming = use_context::<crate::Editor>().map(|e| e.runner().streaming);
    // a plot that is gone (its card removed or rebuilt) stops drawing
    let alive = Arc::new(AtomicBool::new(true));
    on_cleanup({
        let alive = alive.clone();
        move || alive.store(false, Ordering::Relaxed)
    });
    Effect::new(move |_| {
        // tracked: the end of a stream redraws the last value in full
        let _ = streaming.map(|s| s.get());
        let Some(value) = figure.get() else { return };
        let Some(el) = div.get() else { return };
        let st = state.get_value();
        let busy = {
            let mut s = st.borrow_mut();
            s.1 = Some(value);
            s.0
        };
        if busy {
            return;
        }
        st.borrow_mut().0 = true;
        let alive = alive.clone();
        spawn_local(async move {
            loop {
                let next = st.borrow_mut().1.take();
                let Some(Same(v)) = next else { break };
                if !alive.load(Ordering::Relaxed) {
                    break;
                }
                let thin = streaming.is_some_and(|s| s.get_untracked());
                if let Value::Plotly { fig } = &*v
                    && let Err(e) = plot::draw(&el, fig, thin).await
                {
                    web_sys::console::warn_1(&e.into());
                }
                // the next draw waits for this frame to be painted: one draw per frame at most
                js::next_frame().await;
                js::yield_now().await;
            }
            st.borrow_mut().0 = false;
        });
    });
    view! { <div class="plot" node_ref=div data-testid=testid></div> }
}
