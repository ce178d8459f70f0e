//! A plotly figure in a div, redrawn in place (`Plotly.react`) when its value changes: at
//! most one draw at a time; changes that arrive while drawing are merged into the next draw.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use runtime::value::Value;

use crate::plot;
use crate::run::Same;

#[component]
pub fn PlotView(#[prop(into)] figure: Signal<Option<Same>>, testid: String) -> impl IntoView {
    let div = NodeRef::<leptos::html::Div>::new();
    // (drawing now, the newest value waiting to be drawn)
    let state: Rc<RefCell<(bool, Option<Same>)>> = Rc::new(RefCell::new((false, None)));
    let state = StoredValue::new_local(state);
    let streaming = use_context::<crate::Editor>().map(|e| e.runner().streaming);
    Effect::new(move |_| {
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
        spawn_local(async move {
            loop {
                let next = st.borrow_mut().1.take();
                let Some(Same(v)) = next else { break };
                let thin = streaming.is_some_and(|s| s.get_untracked());
                if let Value::Plotly { fig } = &*v
                    && let Err(e) = plot::draw(&el, fig, thin).await
                {
                    web_sys::console::warn_1(&e.into());
                }
            }
            st.borrow_mut().0 = false;
        });
    });
    view! { <div class="plot" node_ref=div data-testid=testid></div> }
}
