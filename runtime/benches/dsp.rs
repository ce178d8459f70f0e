//! The DSP benchmark flow, `tests/bench/noisy_sine_dsp.json` (a noisy sine on 1,000,000
//! samples → FFT and BUTTER), through `schedule::run`: the whole flow, and the FFT and BUTTER
//! nodes' own time inside it (each iteration runs the flow and counts that node's `ms`).
//!
//! This is the developer loop; the side-by-side comparison with the wasm build and numpy is
//! `tests/bench/compare_dsp.mjs` (native numbers from `examples/dsp_bench.rs`).

use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use runtime::host::{Host, NativeHost};
use runtime::schedule::{self, Cache, CancelToken, RunOptions, RunReport, RunStatus};
use runtime::{Flow, file};

const FLOW: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/bench/noisy_sine_dsp.json");

fn flow() -> Flow {
    let text = std::fs::read_to_string(FLOW).expect("the benchmark flow is readable");
    file::load(&text, 1).expect("the benchmark flow loads").flow
}

fn run(f: &Flow, host: &Rc<dyn Host>) -> RunReport {
    let r = futures::executor::block_on(schedule::run(
        f,
        host.clone(),
        &RunOptions::default(),
        &CancelToken::new(),
        &mut Cache::new(),
        &mut |e| {
            black_box(e);
        },
    ));
    assert_eq!(r.status, RunStatus::Ok, "{}", r.summary());
    r
}

/// The time the node labelled `label` took in a fresh run of the flow.
fn node_time(f: &Flow, host: &Rc<dyn Host>, label: &str) -> Duration {
    let ms = run(f, host).by_label(label).expect("the node is in the flow").ms;
    Duration::from_secs_f64(ms / 1000.0)
}

fn benches(c: &mut Criterion) {
    let host: Rc<dyn Host> = Rc::new(NativeHost::seeded(1));
    let f = flow();
    let mut g = c.benchmark_group("dsp_1M_samples");
    g.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(1_000_000));
    g.bench_function("flow", |b| b.iter(|| run(&f, &host)));
    for label in ["FFT", "BUTTER"] {
        g.bench_function(label, |b| b.iter_custom(|iters| (0..iters).map(|_| node_time(&f, &host, label)).sum()));
    }
    g.finish();
}

criterion_group!(dsp, benches);
criterion_main!(dsp);
