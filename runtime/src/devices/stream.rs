//! Streams: a device's bytes decoded into rows in a ring buffer, read by a node once per frame.
//!
//! A stream has a background reader ([`pump`]) that the host runs (`Devices::spawn`) and a
//! [`StreamBuffer`] it fills; the streaming node reads the last rows ([`StreamBuffer::window`],
//! for live plots) or the rows that arrived since its last read ([`StreamBuffer::take_new`],
//! each row exactly once). Rows have a global index (0 = the first row of the stream), so a
//! reader can tell which rows it got and what it missed.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use serde::Serialize;

use super::{ByteSource, DeviceError, UsbDevice};
use crate::devices::framing::Decoder;

/// Rows read from a stream, column by column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Window {
    /// The global index of the first row (rows are numbered from 0 since the stream started).
    pub first: u64,
    /// One vector per column, all the same length.
    pub columns: Vec<Vec<f64>>,
    /// Column names, when the stream gives them (JSON objects).
    pub names: Option<Vec<String>>,
}

impl Window {
    /// Rows in the window.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A stream's counters, for the node's status line and the app's stream panel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamStats {
    /// Rows decoded since the stream started.
    pub received: u64,
    /// Rows evicted from the ring before any read delivered them.
    pub dropped: u64,
    /// Frames that could not be decoded, or had a different column count than the first.
    pub malformed: u64,
    /// Bytes received.
    pub bytes: u64,
    /// Rows per second over about the last second.
    pub rate: f64,
    /// Columns per row (0 before the first row).
    pub columns: usize,
    /// The reader is still going.
    pub running: bool,
    /// Why the stream stopped, if it failed.
    pub error: Option<String>,
}

/// How far back [`StreamStats::rate`] looks.
const RATE_SPAN_MS: f64 = 1000.0;

/// The rows of one stream: a ring buffer of a fixed number of rows, row-major.
pub struct StreamBuffer {
    decoder: Decoder,
    rows: Rows,
    bytes: u64,
    /// The global index of the first row no read has delivered yet.
    delivered: u64,
    dropped: u64,
    stopped: bool,
    error: Option<DeviceError>,
    /// (time, rows) of recent pushes, for the rate.
    arrivals: VecDeque<(f64, u64)>,
    last_ms: f64,
}

/// The ring itself, apart from the decoder so that decoding can fill it without a borrow fight.
struct Rows {
    capacity: usize,
    columns: usize,
    /// `min(received, capacity)` rows; row `g` (global index) lives at `g % capacity`.
    data: Vec<f64>,
    received: u64,
    mismatched: u64,
}

impl Rows {
    fn push(&mut self, row: &[f64]) {
        if self.columns == 0 {
            if row.is_empty() {
                return;
            }
            self.columns = row.len();
        } else if row.len() != self.columns {
            self.mismatched += 1;
            return;
        }
        let cols = self.columns;
        let slot = (self.received % self.capacity as u64) as usize;
        if self.data.len() < self.capacity.saturating_mul(cols) {
            self.data.extend_from_slice(row);
        } else {
            self.data[slot * cols..(slot + 1) * cols].copy_from_slice(row);
        }
        self.received += 1;
    }

    /// The global index of the oldest row still held.
    fn oldest(&self) -> u64 {
        self.received.saturating_sub(self.capacity as u64)
    }

    /// Rows `from..self.received` (all still held), column by column.
    fn columns_from(&self, from: u64) -> Vec<Vec<f64>> {
        let n = (self.received - from) as usize;
        let cols = self.columns;
        let mut out: Vec<Vec<f64>> = (0..cols).map(|_| Vec::with_capacity(n)).collect();
        if cols == 0 || n == 0 {
            return out;
        }
        let cap = self.capacity as u64;
        let start = (from % cap) as usize;
        // the rows are one or two contiguous runs of the ring
        let first_run = n.min(self.capacity - start);
        for run in [start..start + first_run, 0..n - first_run] {
            for row in self.data[run.start * cols..run.end * cols].chunks_exact(cols) {
                for (c, v) in out.iter_mut().zip(row) {
                    c.push(*v);
                }
            }
        }
        out
    }
}

impl StreamBuffer {
    /// A buffer keeping the last `capacity` rows (at least 1).
    pub fn new(decoder: Decoder, capacity: usize) -> StreamBuffer {
        StreamBuffer {
            decoder,
            rows: Rows { capacity: capacity.max(1), columns: 0, data: Vec::new(), received: 0, mismatched: 0 },
            bytes: 0,
            delivered: 0,
            dropped: 0,
            stopped: false,
            error: None,
            arrivals: VecDeque::new(),
            last_ms: 0.0,
        }
    }

    /// Decodes bytes that arrived at `now_ms` (host clock) into rows. Ignored once stopped.
    pub fn push_bytes(&mut self, bytes: &[u8], now_ms: f64) {
        if self.stopped {
            return;
        }
        self.bytes += bytes.len() as u64;
        let before = self.rows.received;
        let rows = &mut self.rows;
        self.decoder.push(bytes, &mut |row| rows.push(row));
        self.arrivals.push_back((now_ms, self.rows.received - before));
        self.last_ms = now_ms;
        while self.arrivals.front().is_some_and(|(t, _)| *t <= now_ms - RATE_SPAN_MS) {
            self.arrivals.pop_front();
        }
    }

    /// The reader failed: records why and stops. The rows received so far stay readable.
    pub fn fail(&mut self, e: DeviceError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
        self.stopped = true;
    }

    /// Stops taking bytes (the reader ends at its next read).
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    pub fn error(&self) -> Option<&DeviceError> {
        self.error.as_ref()
    }

    /// Columns per row (0 before the first row).
    pub fn columns(&self) -> usize {
        self.rows.columns
    }

    /// Counters, with the rate measured up to the last arrival.
    pub fn stats(&self) -> StreamStats {
        self.stats_at(self.last_ms)
    }

    /// Counters, with the rate over the second before `now_ms` (a stalled stream reads 0).
    pub fn stats_at(&self, now_ms: f64) -> StreamStats {
        let recent: u64 =
            self.arrivals.iter().filter(|(t, _)| *t > now_ms - RATE_SPAN_MS && *t <= now_ms).map(|(_, n)| n).sum();
        StreamStats {
            received: self.rows.received,
            dropped: self.dropped + self.rows.oldest().saturating_sub(self.delivered),
            malformed: self.decoder.malformed() + self.rows.mismatched,
            bytes: self.bytes,
            rate: recent as f64 * 1000.0 / RATE_SPAN_MS,
            columns: self.rows.columns,
            running: !self.stopped,
            error: self.error.as_ref().map(ToString::to_string),
        }
    }

    /// The last `n` rows; everything received up to now counts as delivered.
    pub fn window(&mut self, n: usize) -> Window {
        self.count_dropped();
        let from = self.rows.received.saturating_sub(n as u64).max(self.rows.oldest());
        self.delivered = self.rows.received;
        self.read(from)
    }

    /// The rows no read has delivered yet that are still held (each row once); marks them
    /// delivered.
    pub fn take_new(&mut self) -> Window {
        self.count_dropped();
        let from = self.delivered;
        self.delivered = self.rows.received;
        self.read(from)
    }

    fn count_dropped(&mut self) {
        let oldest = self.rows.oldest();
        if oldest > self.delivered {
            self.dropped += oldest - self.delivered;
            self.delivered = oldest;
        }
    }

    fn read(&self, from: u64) -> Window {
        Window {
            first: from,
            columns: self.rows.columns_from(from),
            names: self.decoder.column_names().map(<[String]>::to_vec),
        }
    }
}

/// The host's running streams, by the key of the node that started each.
#[derive(Default)]
pub struct Streams {
    map: RefCell<BTreeMap<String, Rc<RefCell<StreamBuffer>>>>,
}

impl Streams {
    pub fn get(&self, key: &str) -> Option<Rc<RefCell<StreamBuffer>>> {
        self.map.borrow().get(key).cloned()
    }

    pub fn insert(&self, key: String, buf: Rc<RefCell<StreamBuffer>>) {
        if let Some(old) = self.map.borrow_mut().insert(key, buf) {
            old.borrow_mut().stop();
        }
    }

    /// Stops every stream and forgets them (Stop): the next run starts fresh ones.
    pub fn stop_all(&self) {
        let all = std::mem::take(&mut *self.map.borrow_mut());
        for buf in all.values() {
            buf.borrow_mut().stop();
        }
    }

    /// Each stream's counters, by node key.
    pub fn stats(&self) -> Vec<(String, StreamStats)> {
        self.map.borrow().iter().map(|(k, b)| (k.clone(), b.borrow().stats())).collect()
    }

    /// Each stream's counters with the rate as of `now_ms` (host clock).
    pub fn stats_at(&self, now_ms: f64) -> Vec<(String, StreamStats)> {
        self.map.borrow().iter().map(|(k, b)| (k.clone(), b.borrow().stats_at(now_ms))).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.map.borrow().is_empty()
    }
}

/// A stream's reader: reads from `source` into `buffer` until the buffer is stopped or the
/// source fails (the error is kept in the buffer). To stop it, the host stops the buffer and
/// closes the device, which ends the pending read; whatever that read returns is ignored.
pub async fn pump(source: Rc<dyn ByteSource>, buffer: Rc<RefCell<StreamBuffer>>, clock: Rc<dyn Fn() -> f64>) {
    loop {
        if buffer.borrow().is_stopped() {
            return;
        }
        let r = source.read().await;
        if buffer.borrow().is_stopped() {
            return;
        }
        match r {
            Ok(bytes) => {
                let now = clock();
                buffer.borrow_mut().push_bytes(&bytes, now);
            }
            Err(e) => {
                buffer.borrow_mut().fail(e);
                return;
            }
        }
    }
}

/// A USB IN endpoint as a byte source (repeated transfers), so USB streams use [`pump`] too.
pub struct UsbIn {
    pub device: Rc<dyn UsbDevice>,
    pub endpoint: u8,
    /// Bytes asked for per transfer (the endpoint's packet size or a multiple of it).
    pub length: u32,
}

impl ByteSource for UsbIn {
    fn read(&self) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        self.device.transfer_in(self.endpoint, self.length)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::devices::framing::{Framing, SampleFormat};

    fn csv(capacity: usize) -> StreamBuffer {
        StreamBuffer::new(Decoder::new(Framing::CsvLines, SampleFormat::U8), capacity)
    }

    fn lines(from: u32, to: u32) -> Vec<u8> {
        (from..to).map(|i| format!("{i},{}\n", i * 2)).collect::<String>().into_bytes()
    }

    #[test]
    fn window_gives_the_last_rows_across_the_ring_seam() {
        let mut b = csv(5);
        b.push_bytes(&lines(0, 8), 0.0);
        let w = b.window(4);
        assert_eq!(w.first, 4);
        assert_eq!(w.columns, vec![vec![4.0, 5.0, 6.0, 7.0], vec![8.0, 10.0, 12.0, 14.0]]);
        // more than held: only what is held
        let w = b.window(100);
        assert_eq!((w.first, w.len()), (3, 5));
        let s = b.stats();
        assert_eq!((s.received, s.dropped, s.columns), (8, 3, 2));
    }

    #[test]
    fn take_new_delivers_each_row_once_and_counts_evicted_rows_as_dropped() {
        let mut b = csv(4);
        b.push_bytes(&lines(0, 3), 0.0);
        let w = b.take_new();
        assert_eq!((w.first, w.columns[0].clone()), (0, vec![0.0, 1.0, 2.0]));
        assert!(b.take_new().is_empty());
        b.push_bytes(&lines(3, 10), 10.0);
        // rows 3..6 were evicted before anyone read them
        assert_eq!(b.stats().dropped, 3);
        let w = b.take_new();
        assert_eq!((w.first, w.columns[0].clone()), (6, vec![6.0, 7.0, 8.0, 9.0]));
        assert_eq!(b.stats().dropped, 3);
    }

    #[test]
    fn a_row_with_another_column_count_is_malformed() {
        let mut b = csv(10);
        b.push_bytes(b"1,2\n3\n4,5,6\nx\n7,8\n", 0.0);
        let s = b.stats();
        assert_eq!((s.received, s.malformed, s.columns), (2, 3, 2));
    }

    #[test]
    fn rate_counts_rows_over_the_last_second() {
        let mut b = csv(1000);
        for t in 0..20 {
            b.push_bytes(&lines(0, 10), f64::from(t) * 100.0);
        }
        // pushes at 1000..1900 ms are within the second before 1900
        assert_eq!(b.stats().rate, 100.0);
        assert_eq!(b.stats_at(5000.0).rate, 0.0);
    }

    #[test]
    fn failing_keeps_the_rows_and_the_reason() {
        let mut b = csv(10);
        b.push_bytes(b"1\n2\n", 0.0);
        b.fail(DeviceError::Disconnected);
        b.push_bytes(b"3\n", 0.0);
        let s = b.stats();
        assert_eq!((s.received, s.running, s.error.as_deref()), (2, false, Some("device disconnected")));
        assert_eq!(b.window(10).columns, vec![vec![1.0, 2.0]]);
    }
}
