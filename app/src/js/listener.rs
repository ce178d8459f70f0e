//! Event listeners owned like any other value: dropping a [`Listener`] removes it, and
//! [`window`] / [`keep`] tie a listener to the reactive owner that made it (a component, the
//! app), so it goes when its owner does and a re-run effect replaces it instead of adding one.

use leptos::ev::EventDescriptor;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// A listener on an event target, removed when dropped.
pub struct Listener {
    target: web_sys::EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl Listener {
    /// Listens to `event` on `target`.
    pub fn new(
        target: &web_sys::EventTarget,
        event: &'static str,
        f: impl FnMut(web_sys::Event) + 'static,
    ) -> Listener {
        Listener::with_options(target, event, f, &web_sys::AddEventListenerOptions::new())
    }

    /// Listens to `event` with a callback that may call `preventDefault` (a wheel listener is
    /// passive unless it says otherwise, and then cannot stop the page from scrolling).
    pub fn active(
        target: &web_sys::EventTarget,
        event: &'static str,
        f: impl FnMut(web_sys::Event) + 'static,
    ) -> Listener {
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(false);
        Listener::with_options(target, event, f, &options)
    }

    fn with_options(
        target: &web_sys::EventTarget,
        event: &'static str,
        f: impl FnMut(web_sys::Event) + 'static,
        options: &web_sys::AddEventListenerOptions,
    ) -> Listener {
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(f);
        let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
            event,
            callback.as_ref().unchecked_ref(),
            options,
        );
        Listener { target: target.clone(), event, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.event, self.callback.as_ref().unchecked_ref());
    }
}

/// Keeps `listener` as long as the current reactive owner lives.
pub fn keep(listener: Listener) {
    let _ = StoredValue::new_local(listener);
}

/// Listens to `event` on the window as long as the current reactive owner lives.
pub fn window<E>(event: E, f: impl Fn(E::EventType) + 'static)
where
    E: EventDescriptor + 'static,
    E::EventType: JsCast,
{
    let handle = window_event_listener(event, f);
    on_cleanup(move || handle.remove());
}

/// Calls `close` when the pointer goes down outside every element matching `selector` (a
/// menu and its button), as long as the current reactive owner lives.
pub fn pointer_down_outside(selector: &'static str, close: impl Fn() + 'static) {
    window(leptos::ev::pointerdown, move |e: web_sys::PointerEvent| {
        let inside = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(selector).ok().flatten())
            .is_some();
        if !inside {
            close();
        }
    });
}
