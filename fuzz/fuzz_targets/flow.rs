//! Flow-shaped files made of real nodes, ports and parameters with random values and wires:
//! import, validate, save/load round trip and a short run.
#![no_main]

libfuzzer_sys::fuzz_target!(|shape: flojoy_fuzz::FlowShape| {
    flojoy_fuzz::exercise(&shape.json().to_string());
});
