//! The Devices panel: serial ports and USB devices the page may use, the browser's pickers
//! (they need this click), demo devices for visitors without hardware, plug events and the
//! counters of running streams.

use leptos::prelude::*;

use crate::Editor;
use crate::devices::{WHERE_IT_WORKS, stats_line};

#[component]
pub fn DevicesPanel() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let devices = StoredValue::new_local(ed.runner().devices().clone());
    let view_state = devices.with_value(|d| d.view);
    let open = ed.devices_open;
    let list = move |usb: bool| {
        move || {
            let ports = view_state.with(|v| if usb { v.usb.clone() } else { v.serial.clone() });
            if ports.is_empty() {
                return view! { <li class="empty">"none yet"</li> }.into_any();
            }
            ports
                .into_iter()
                .map(|p| {
                    let testid = format!("device-{}", p.id);
                    view! {
                        <li data-testid=testid class:open=p.open>
                            <span class="label">{p.label}</span>
                            <code>{p.id}</code>
                            <span class="state">{if p.open { "open" } else { "" }}</span>
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        }
    };
    let label_of =
        move |key: &str| ed.doc.with_untracked(|d| d.flow.nodes().find(|n| n.key == key).map(|n| n.label.clone()));
    view! {
        <Show when=move || open.get()>
            <aside class="devices-panel" data-testid="devices-panel" role="dialog" aria-label="Devices">
                <header>
                    <h2>"Devices"</h2>
                    <button data-testid="devices-close" title="Close" on:click=move |_| open.set(false)>"×"</button>
                </header>
                <Show when=move || view_state.with(|v| !v.serial_api && !v.usb_api)>
                    <p class="missing" data-testid="devices-missing">
                        {format!(
                            "This browser cannot reach serial or USB devices. Hardware nodes work in {WHERE_IT_WORKS}. \
                             You can still try the DAQ examples with the simulated demo devices below."
                        )}
                    </p>
                </Show>
                <Show when=move || view_state.with(|v| v.demo)>
                    <p class="demo-banner" data-testid="demo-banner">
                        "Demo devices are on: these instruments are simulated in the page, no hardware is involved."
                    </p>
                </Show>
                <section>
                    <h3>"Serial ports"</h3>
                    <ul data-testid="serial-list">{list(false)}</ul>
                    <button
                        data-testid="add-serial"
                        disabled=move || view_state.with(|v| !v.serial_api)
                        title="Opens the browser's port picker"
                        on:click=move |_| devices.with_value(|d| d.request_serial())
                    >
                        "Add serial device…"
                    </button>
                </section>
                <section>
                    <h3>"USB devices"</h3>
                    <ul data-testid="usb-list">{list(true)}</ul>
                    <button
                        data-testid="add-usb"
                        disabled=move || view_state.with(|v| !v.usb_api)
                        title="Opens the browser's USB device picker"
                        on:click=move |_| devices.with_value(|d| d.request_usb())
                    >
                        "Add USB device…"
                    </button>
                </section>
                <section>
                    <button
                        data-testid="demo-devices"
                        disabled=move || view_state.with(|v| v.demo)
                        title="Simulated instruments: an Arduino streaming CSV, a SCPI voltmeter, USB echo and streaming devices"
                        on:click=move |_| {
                            let d = devices.get_value();
                            leptos::task::spawn_local(async move {
                                if let Err(e) = d.enable_demo().await {
                                    ed.error(format!("demo devices could not start: {e}"));
                                }
                            });
                        }
                    >
                        "Use demo devices (simulated)"
                    </button>
                </section>
                <Show when=move || view_state.with(|v| !v.streams.is_empty())>
                    <section>
                        <h3>"Streams"</h3>
                        <ul data-testid="stream-list">
                            {move || {
                                view_state
                                    .with(|v| v.streams.clone())
                                    .into_iter()
                                    .map(|(k, s)| {
                                        let name = label_of(&k).unwrap_or(k);
                                        view! { <li><b>{name}</b>" "{stats_line(&s)}</li> }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                    </section>
                </Show>
                <section>
                    <h3>"Events"</h3>
                    <ul class="events" data-testid="device-events">
                        {move || {
                            view_state
                                .with(|v| v.events.iter().rev().take(12).cloned().collect::<Vec<_>>())
                                .into_iter()
                                .map(|e| view! { <li>{e}</li> })
                                .collect_view()
                        }}
                    </ul>
                </section>
            </aside>
        </Show>
    }
}
