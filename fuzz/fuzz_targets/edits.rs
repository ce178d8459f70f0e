//! Editor sessions on real flows: random edits, each validated; undo all, redo all.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: (u8, Vec<flojoy_fuzz::Action>)| {
    let flows = flojoy_fuzz::starting_flows();
    flojoy_fuzz::edit_session(&flows[input.0 as usize % flows.len()], &input.1);
});
