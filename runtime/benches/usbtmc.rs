//! USBTMC throughput: a 10,000,000-point scope waveform read with `Scpi::query_binary` from
//! the scripted USB488 instrument of the tests (512-byte high-speed packets, 1 MiB
//! transfers, every header built and checked, every byte copied out of the device's
//! packets as a host controller hands them over), as int16 (20 MB) and float32 (40 MB)
//! IEEE 488.2 blocks. Bytes/s is the transport (query to block data); points/s adds the
//! decoding into `f64`s (and the decoding alone). Also: `*IDN?` round trips per second (the per-query overhead).
//! The timer never fires (no timeouts are raced to completion), as in a healthy session.

#[path = "../tests/support/usbtmc_instrument.rs"]
mod instrument;

use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use futures::executor::block_on;
use futures::future::LocalBoxFuture;
use instrument::{Config, Instrument, Reply};
use runtime::devices::scpi::{self, ByteOrder, Scpi, Word};
use runtime::devices::timer::Timer;
use runtime::devices::usbtmc::{Usbtmc, UsbtmcOptions};

const POINTS: usize = 10_000_000;

struct Never;

impl Timer for Never {
    fn sleep(&self, _ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(futures::future::pending())
    }
}

/// `#8<len><points little-endian>\n`.
fn block(points: usize, word: usize, sample: impl Fn(usize) -> [u8; 4]) -> Rc<Vec<u8>> {
    let mut b = scpi::block_header(points * word);
    b.reserve(points * word + 1);
    for i in 0..points {
        b.extend_from_slice(&sample(i)[..word]);
    }
    b.push(b'\n');
    Rc::new(b)
}

fn session() -> (Scpi, usize, usize) {
    let int16 = block(POINTS, 2, |i| {
        let [a, b] = (((i * 7919) % 65_536) as u16).to_le_bytes();
        [a, b, 0, 0]
    });
    let float32 = block(POINTS, 4, |i| ((i as f32) * 1e-3).sin().to_le_bytes());
    let (n16, n32) = (int16.len(), float32.len());
    let inst = Instrument::new(Config::default(), move |c| match c {
        "CURV16?" => Reply::Bytes(int16.clone()),
        "CURV32?" => Reply::Bytes(float32.clone()),
        _ => Reply::Unknown,
    });
    let t = block_on(Usbtmc::open(&Never, Rc::new(inst.clone()), inst.interface(), UsbtmcOptions::default()))
        .expect("open");
    (Scpi::over_usbtmc(t), n16, n32)
}

fn benches(c: &mut Criterion) {
    let (mut s, n16, n32) = session();
    let mut g = c.benchmark_group("usbtmc_waveform_bytes");
    g.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(6));
    g.throughput(Throughput::Bytes(n16 as u64));
    g.bench_function("int16_10M", |b| {
        b.iter(|| black_box(block_on(s.query_binary(&Never, "CURV16?")).expect("ok").len()))
    });
    g.throughput(Throughput::Bytes(n32 as u64));
    g.bench_function("float32_10M", |b| {
        b.iter(|| black_box(block_on(s.query_binary(&Never, "CURV32?")).expect("ok").len()))
    });
    g.finish();

    let mut g = c.benchmark_group("usbtmc_waveform_points");
    g.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(6));
    g.throughput(Throughput::Elements(POINTS as u64));
    g.bench_function("int16_10M", |b| {
        b.iter(|| {
            let data = block_on(s.query_binary(&Never, "CURV16?")).expect("ok");
            black_box(scpi::decode(&data, Word::I16, ByteOrder::Little).expect("whole words").len())
        })
    });
    g.bench_function("float32_10M", |b| {
        b.iter(|| {
            let data = block_on(s.query_binary(&Never, "CURV32?")).expect("ok");
            black_box(scpi::decode(&data, Word::F32, ByteOrder::Little).expect("whole words").len())
        })
    });
    // the decoding alone, to split the cost
    let data = block_on(s.query_binary(&Never, "CURV16?")).expect("ok");
    g.bench_function("decode_only_int16_10M", |b| {
        b.iter(|| black_box(scpi::decode(black_box(&data), Word::I16, ByteOrder::Little).expect("whole words").len()))
    });
    g.finish();

    let mut g = c.benchmark_group("usbtmc_query");
    g.throughput(Throughput::Elements(1));
    g.bench_function("idn_round_trip", |b| b.iter(|| black_box(block_on(s.query(&Never, "*IDN?")).expect("ok").len())));
    g.finish();
}

criterion_group!(usbtmc, benches);
criterion_main!(usbtmc);
