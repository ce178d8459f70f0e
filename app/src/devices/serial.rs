//! One open WebSerial port: a background reader moves the browser's chunks into a queue the
//! runtime reads from, so a node can drop stale input and a stream never leaves the browser's
//! buffer full; writes go through the port's writer.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::LocalBoxFuture;
use runtime::devices::{ByteSource, DeviceError, SerialPort};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, WritableStreamDefaultWriter};

use super::device_error;

/// Bytes kept for a reader that is not reading (like an operating system's serial buffer,
/// but larger); beyond that the oldest chunks are dropped and counted.
const MAX_QUEUED: usize = 16 << 20;

/// At most this many bytes per `read` (chunks that arrived together are joined up to it).
const MAX_READ: usize = 256 << 10;

enum Chunk {
    Bytes(Vec<u8>),
    Failed(DeviceError),
}

struct Inner {
    port: web_sys::SerialPort,
    reader: ReadableStreamDefaultReader,
    writer: WritableStreamDefaultWriter,
    /// Bytes given back by `unread`, read before the queue.
    front: RefCell<VecDeque<Vec<u8>>>,
    rx: RefCell<mpsc::UnboundedReceiver<Chunk>>,
    queued: Cell<usize>,
    overflow: Cell<u64>,
    closing: Cell<bool>,
    failed: RefCell<Option<DeviceError>>,
}

/// An open port, shared by the nodes of a session.
#[derive(Clone)]
pub struct OpenSerial(Rc<Inner>);

impl OpenSerial {
    /// Takes the port's reader and writer (the port is open) and starts reading.
    pub fn start(port: web_sys::SerialPort) -> Result<OpenSerial, DeviceError> {
        let reader = ReadableStreamDefaultReader::new(&port.readable()).map_err(device_error)?;
        let writer = port.writable().get_writer().map_err(device_error)?;
        let (tx, rx) = mpsc::unbounded();
        let inner = Rc::new(Inner {
            port,
            reader,
            writer,
            front: RefCell::new(VecDeque::new()),
            rx: RefCell::new(rx),
            queued: Cell::new(0),
            overflow: Cell::new(0),
            closing: Cell::new(false),
            failed: RefCell::new(None),
        });
        let me = OpenSerial(inner);
        let reading = me.clone();
        wasm_bindgen_futures::spawn_local(async move { reading.read_loop(tx).await });
        Ok(me)
    }

    async fn read_loop(self, tx: mpsc::UnboundedSender<Chunk>) {
        let inner = &self.0;
        loop {
            let result = JsFuture::from(inner.reader.read()).await;
            if inner.closing.get() {
                return;
            }
            let chunk = match result {
                Ok(r) => {
                    let done = js_sys::Reflect::get(&r, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
                    if done {
                        Chunk::Failed(DeviceError::Disconnected)
                    } else {
                        let value = js_sys::Reflect::get(&r, &"value".into()).unwrap_or(JsValue::UNDEFINED);
                        match value.dyn_into::<js_sys::Uint8Array>() {
                            Ok(a) => Chunk::Bytes(a.to_vec()),
                            Err(_) => continue,
                        }
                    }
                }
                Err(e) => Chunk::Failed(device_error(e)),
            };
            match chunk {
                Chunk::Bytes(b) => {
                    if inner.queued.get() + b.len() > MAX_QUEUED {
                        inner.overflow.set(inner.overflow.get() + b.len() as u64);
                        continue;
                    }
                    inner.queued.set(inner.queued.get() + b.len());
                    if tx.unbounded_send(Chunk::Bytes(b)).is_err() {
                        return;
                    }
                }
                Chunk::Failed(e) => {
                    *inner.failed.borrow_mut() = Some(e.clone());
                    let _ = tx.unbounded_send(Chunk::Failed(e));
                    return;
                }
            }
        }
    }

    /// The device went away or errored: reading and writing fail from now on.
    pub fn failed(&self) -> Option<DeviceError> {
        self.0.failed.borrow().clone()
    }

    /// Bytes dropped because nobody read them for a long time.
    pub fn overflow_bytes(&self) -> u64 {
        self.0.overflow.get()
    }

    /// Stops reading (a pending read ends), releases the streams and closes the port.
    pub async fn close(&self) {
        let inner = &self.0;
        if inner.closing.replace(true) {
            return;
        }
        let _ = JsFuture::from(inner.reader.cancel()).await;
        inner.reader.release_lock();
        inner.writer.release_lock();
        let _ = JsFuture::from(inner.port.close()).await;
    }
}

impl ByteSource for OpenSerial {
    fn read(&self) -> LocalBoxFuture<'static, Result<Vec<u8>, DeviceError>> {
        let inner = self.0.clone();
        Box::pin(async move {
            if let Some(b) = inner.front.borrow_mut().pop_front() {
                return Ok(b);
            }
            // the borrow lasts one poll, never across an await
            let next = futures::future::poll_fn(|cx| inner.rx.borrow_mut().poll_next_unpin(cx)).await;
            match next {
                Some(Chunk::Bytes(mut b)) => {
                    // take what else has arrived too: a fast device comes in 64-byte USB
                    // packets, and one read per packet would cost more than the decoding
                    let mut rx = inner.rx.borrow_mut();
                    while b.len() < MAX_READ {
                        match rx.try_recv() {
                            Ok(Chunk::Bytes(more)) => b.extend_from_slice(&more),
                            Ok(Chunk::Failed(e)) => {
                                // these bytes now; the next read finds the channel closed
                                // and returns the failure
                                *inner.failed.borrow_mut() = Some(e);
                                break;
                            }
                            _ => break,
                        }
                    }
                    inner.queued.set(inner.queued.get().saturating_sub(b.len()));
                    Ok(b)
                }
                Some(Chunk::Failed(e)) => {
                    *inner.failed.borrow_mut() = Some(e.clone());
                    Err(e)
                }
                None => Err(inner.failed.borrow().clone().unwrap_or(DeviceError::Disconnected)),
            }
        })
    }
}

impl SerialPort for OpenSerial {
    fn write(&self, bytes: Vec<u8>) -> LocalBoxFuture<'static, Result<(), DeviceError>> {
        let inner = self.0.clone();
        Box::pin(async move {
            if let Some(e) = inner.failed.borrow().clone() {
                return Err(e);
            }
            let chunk = js_sys::Uint8Array::from(bytes.as_slice());
            JsFuture::from(inner.writer.write_with_chunk(&chunk)).await.map_err(device_error)?;
            Ok(())
        })
    }

    fn unread(&self, bytes: Vec<u8>) {
        self.0.front.borrow_mut().push_front(bytes);
    }

    fn discard_pending(&self) {
        let inner = &self.0;
        inner.front.borrow_mut().clear();
        let mut rx = inner.rx.borrow_mut();
        while let Ok(chunk) = rx.try_recv() {
            match chunk {
                Chunk::Bytes(b) => inner.queued.set(inner.queued.get().saturating_sub(b.len())),
                Chunk::Failed(e) => {
                    *inner.failed.borrow_mut() = Some(e);
                    break;
                }
            }
        }
    }
}
