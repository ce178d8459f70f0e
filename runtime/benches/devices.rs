//! Stream decoding and the ring buffer. The goal: 100,000 lines/s of `12345,0.123456\r\n` (an
//! Arduino at 2 Mbaud) decoded in wasm with plenty of headroom, so natively the CSV decoder
//! should do tens of millions of rows per second. Rows and bytes per second are criterion's
//! throughput lines (elements = rows).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use runtime::devices::framing::cobs_encode;
use runtime::devices::{Decoder, Framing, SampleFormat, StreamBuffer};

/// `n` Arduino lines (`12345,0.123456\r\n`-like); decoding feeds them in 4 KiB chunks, as reads return them.
fn arduino_lines(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| format!("{},{:.6}\r\n", 10_000 + i % 90_000, (i % 1000) as f64 / 1000.0 + 0.000_456))
        .collect::<String>()
        .into_bytes()
}

fn decode(framing: Framing, format: SampleFormat, bytes: &[u8]) -> u64 {
    let mut d = Decoder::new(framing, format);
    let mut rows = 0u64;
    for chunk in bytes.chunks(4096) {
        d.push(chunk, &mut |r| {
            rows += 1;
            black_box(r);
        });
    }
    rows
}

fn benches(c: &mut Criterion) {
    const ROWS: usize = 100_000;
    let csv = arduino_lines(ROWS);
    let json: Vec<u8> =
        (0..ROWS).map(|i| format!("{{\"t\": {i}, \"v\": {:.6}}}\n", i as f64 / 7.0)).collect::<String>().into_bytes();
    let raw: Vec<u8> = (0..ROWS as i32).flat_map(|i| (i as i16).to_le_bytes()).collect();
    let cobs: Vec<u8> = (0..ROWS as i32)
        .flat_map(|i| {
            let payload: Vec<u8> = [i as i16, -(i as i16)].iter().flat_map(|s| s.to_le_bytes()).collect();
            let mut f = cobs_encode(&payload);
            f.push(0);
            f
        })
        .collect();

    let mut g = c.benchmark_group("decode_rows");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("csv_lines", |b| b.iter(|| decode(Framing::CsvLines, SampleFormat::U8, black_box(&csv))));
    g.bench_function("json_lines", |b| b.iter(|| decode(Framing::JsonLines, SampleFormat::U8, black_box(&json))));
    g.bench_function("raw_int16", |b| b.iter(|| decode(Framing::Raw, SampleFormat::I16Le, black_box(&raw))));
    g.bench_function("cobs_int16x2", |b| b.iter(|| decode(Framing::Cobs, SampleFormat::I16Le, black_box(&cobs))));
    g.finish();

    let mut g = c.benchmark_group("decode_bytes");
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function("csv_lines", |b| b.iter(|| decode(Framing::CsvLines, SampleFormat::U8, black_box(&csv))));
    g.finish();

    // the ring: push 100k rows into a 1M-row buffer, and a 10k-row window read per frame
    let mut g = c.benchmark_group("ring");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("push_csv_100k_rows", |b| {
        b.iter(|| {
            let mut buf = StreamBuffer::new(Decoder::new(Framing::CsvLines, SampleFormat::U8), 1_000_000);
            for chunk in csv.chunks(4096) {
                buf.push_bytes(chunk, 0.0);
            }
            buf.stats().received
        })
    });
    let mut full = StreamBuffer::new(Decoder::new(Framing::CsvLines, SampleFormat::U8), 50_000);
    full.push_bytes(&csv, 0.0);
    g.throughput(Throughput::Elements(10_000));
    g.bench_function("window_10k_rows", |b| b.iter(|| black_box(full.window(10_000))));
    g.finish();
}

criterion_group!(devices, benches);
criterion_main!(devices);
