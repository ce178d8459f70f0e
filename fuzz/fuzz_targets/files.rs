//! Any bytes as a Parquet file (OPEN_PARQUET reads files the user picks or a flow names), and as
//! a glob pattern and path (BATCH_PROCESSOR's pattern comes from a flow): an error, never a panic,
//! and never a blow-up of time on a pattern made to backtrack.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = runtime::nodes::files::read_parquet(data);
    let text = String::from_utf8_lossy(data);
    let (pattern, path) = text.split_once('\0').unwrap_or((&text, "a/b.csv"));
    let _ = runtime::glob::matches(pattern, path);
});
