// Flojoy Web: simulated WebSerial and WebUSB instruments ("demo devices"), the entry module.
//
// These modules are bundled at build time (app/build/bundle.mjs, esbuild) into one classic script,
// demo_devices.js, next to the app. Loading it only defines `globalThis.flojoyDemoDevices`;
// nothing else happens until `install()` is called. If the script is loaded twice (Playwright's
// init script, then the page's own copy), the first definition is kept with its state intact.
//
// What it is for
//   * End-to-end tests replace `navigator.serial` / `navigator.usb` with the simulated devices
//     below, so the app's own Rust/wasm code (web-sys bindings, which call methods and read
//     properties by name) runs unchanged against them:
//         await page.addInitScript({ path: "dist/demo_devices.js" });
//         await page.addInitScript(() => flojoyDemoDevices.install({ serial: [{ kind: "arduino" }] }));
//   * The app offers the same devices as clearly labelled "demo devices" (`install({ demo: true })`)
//     so a visitor without hardware can try the DAQ examples.
//
// Controller: globalThis.flojoyDemoDevices
//   install(options) -> controller   Replaces navigator.serial / navigator.usb (own, configurable
//                                     getters on `navigator`); a second install() uninstalls first.
//     options.serial: [spec, ...]     serial devices (kinds: arduino, scpi, canable: an slcan
//                                     CAN adapter, see serial/canable.js, unplug, malformed, busy)
//     options.usb:    [spec, ...]     USB devices (kinds: echo, usb-stream, keithley-2450: a USBTMC
//                                     SourceMeter, see usb/keithley2450.js and usb/usbtmc.js;
//                                     afg31000 and mso2x: a Tektronix function generator and a scope
//                                     that sees it through a low-pass, usb/tektronix_*.js; tic: a
//                                     Pololu Tic stepper controller, usb/pololu_tic.js; t3dso: a
//                                     Teledyne LeCroy scope, usb/teledyne_t3dso.js; mdo3: a
//                                     Tektronix MDO3034 scope with its own sines,
//                                     usb/tektronix_mdo3xxx.js; dmm7510: a Keithley multimeter,
//                                     usb/keithley_dmm7510.js; ds1074z: a Rigol scope with its
//                                     own sine and cosine, usb/rigol_ds1074z.js)
//     options.demo: true              adds the demo set (see DEMO_SET) in front of the lists above
//     options.granted = true          devices start permitted (listed by getPorts()/getDevices());
//                                     a spec's own `granted` wins
//     options.requireUserActivation = true
//                                     requestPort()/requestDevice() need navigator.userActivation.isActive
//     options.choose(kind, candidates, requestOptions)
//                                     scripts the browser's chooser: kind is "serial" or "usb",
//                                     candidates are device handles; return a handle, a name, or
//                                     null (the user cancelled). Default: the first candidate not
//                                     yet permitted, else the first candidate.
//     options.replaceNavigator = true false: leave `navigator` alone and use controller.serialApi /
//                                     controller.usbApi (e.g. to list demo devices next to real ones)
//   uninstall()                       closes everything (silently) and restores `navigator`
//   serial, usb                       arrays of device handles, in install order
//   find(name) -> handle | null       plug(name, opts) / unplug(name) forward to the handle
//   serialApi, usbApi                 the emulated `navigator.serial` / `navigator.usb` objects
//
// Device spec: { kind, name?, label?, granted?, connected?, ...kind options }. `name` defaults to
// the kind (then kind-2, kind-3, ... for repeats); it is what find() takes.
//
// Device handle (the simulated hardware; what tests poke at)
//   name, kind, label, connected, granted, isOpen, pendingTransfers (USB)
//   port (serial) / device (USB)      the object the page sees. A re-plugged serial device keeps its
//                                     SerialPort object (unless plug({ newObject: true })); a
//                                     re-plugged USB device gets a new USBDevice object, as in Chrome.
//   stats                             counters, see each kind below
//   written, writtenText()            every byte the host sent (Uint8Array chunks / latin-1 text)
//   unplug(), plug(opts)              returns false when already in that state
//   setRate(r)                        streamers only: rows or samples per second from now on (0 pauses)
//   resetStats()
//
// Objects the page sees carry `flojoyLabel` (e.g. "Arduino Uno (simulated)"), `flojoyName` and
// `flojoySimulated: true`. Errors follow Chrome: DOMException names and Chrome's messages,
// including Chrome's "Failed to execute 'open' on 'SerialPort': " prefix where Chrome adds one.

import { controller } from "./controller.js";

if (!globalThis.flojoyDemoDevices) globalThis.flojoyDemoDevices = controller;
