//! Any bytes as a flow file (drop, Open, `?flow=`, a share link, a postMessage).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    flojoy_fuzz::exercise(&String::from_utf8_lossy(data));
});
