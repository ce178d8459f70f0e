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
    // one section per bus: its devices and the button that opens the browser's picker
    let section = move |usb: bool| {
        let (title, bus, picker, add) = if usb {
            ("USB devices", "usb", "USB device picker", "Add USB device…")
        } else {
            ("Serial ports", "serial", "port picker", "Add serial device…")
        };
        view! {
            <section>
                <h3>{title}</h3>
                <ul data-testid=format!("{bus}-list")>{list(usb)}</ul>
                <button
                    data-testid=format!("add-{bus}")
                    disabled=move || view_state.with(|v| !(if usb { v.usb_api } else { v.serial_api }))
                    title=format!("Opens the browser's {picker}")
                    on:click=move |_| devices.with_value(|d| if usb { d.request_usb() } else { d.request_serial() })
                >
                    {add}
                </button>
            </section>
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
                {section(false)}
                {section(true)}
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
