// WebSerial, the browser's side of one SerialPort object: open state and the streams.

import { bufferSourceBytes } from "../bytes.js";
import { context, domError, attempt, idlEnforceRange, idlEnum, idlDictionary } from "../idl.js";
import { later, nextTask, ticker } from "../time.js";

//
// Three layers:
//   SerialSim    the simulated hardware (one per device spec; the handle tests use)
//   SerialLink   the browser's side of one SerialPort object: open state, the streams
//   SerialPortSim the SerialPort object the page sees (a thin facade over its link)
//
// The UART + OS buffer model: the readable is a byte stream whose queue (highWaterMark =
// bufferSize) stands in for Chrome's data pipe plus the OS buffer. The device produces whole
// lines by the wall clock; a line produced while the queue already holds >= bufferSize bytes
// is lost and counted (stats.overflowRows / overflowBytes), like a UART overrun. The buffer
// exists from open() on, so lines sent before the page first reads port.readable wait there.
// Cancelling the readable flushes it (as Chrome does) and a fresh, empty one starts at once:
// the device keeps streaming into it, so a page that comes back later finds the newest
// bufferSize bytes and a gap, as with real hardware.

/** Chrome's limit for SerialOptions.bufferSize. */
const MAX_SERIAL_BUFFER = 16 * 1024 * 1024;

/** SerialOptions, read as Chrome's bindings read it (members in lexicographic order). */
function readSerialOptions(options, argc) {
  const where = context("open", "SerialPort");
  if (argc === 0) throw new TypeError(where("1 argument required, but only 0 present."));
  const o = idlDictionary(options, "SerialOptions", where);
  const D = "SerialOptions";
  const baud = o.baudRate;
  if (baud === undefined) {
    throw new TypeError(where("Failed to read the 'baudRate' property from 'SerialOptions': Required member is undefined."));
  }
  const baudRate = idlEnforceRange(baud, 32, "baudRate", D, where);
  const bs = o.bufferSize;
  const bufferSize = bs === undefined ? 255 : idlEnforceRange(bs, 32, "bufferSize", D, where);
  const db = o.dataBits;
  const dataBits = db === undefined ? 8 : idlEnforceRange(db, 8, "dataBits", D, where);
  const fc = o.flowControl;
  const flowControl = fc === undefined ? "none" : idlEnum(fc, ["none", "hardware"], "flowControl", D, "FlowControlType", where);
  const pa = o.parity;
  const parity = pa === undefined ? "none" : idlEnum(pa, ["none", "even", "odd"], "parity", D, "ParityType", where);
  const sb = o.stopBits;
  const stopBits = sb === undefined ? 1 : idlEnforceRange(sb, 8, "stopBits", D, where);
  return { baudRate, bufferSize, dataBits, flowControl, parity, stopBits };
}

export class SerialLink {
  constructor(sim) {
    this.sim = sim;
    this.port = null; // set by SerialSim right after construction
    /** "closed" | "opening" | "opened" | "closing" */
    this.phase = "closed";
    this.options = null;
    this.bufferSize = 255;
    this.readable = null; // exists from open() on; the page gets it from the getter
    this.handedOut = false; // the page has seen this.readable
    this.rc = null; // the readable's controller while data can be enqueued
    this.writable = null;
    this.wc = null;
    this.closeWaiter = null; // resolves the pending close()
    this.drainJob = null; // after a loss: errors the readable once the page has read the rest
  }

  /** Bound to the device in Chrome's sense (port_.is_bound()). */
  get bound() {
    return this.phase === "opened" || this.phase === "closing";
  }

  /** Lines can be delivered right now. */
  get accepting() {
    return this.phase === "opened" && this.rc !== null && this.drainJob === null;
  }

  /** Bytes waiting in the readable's queue (the simulated data pipe). */
  queued() {
    const rc = this.rc;
    if (!rc) return 0;
    const desired = rc.desiredSize;
    return desired === null ? 0 : this.bufferSize - desired;
  }

  /** Hands bytes to the page, split into chunks like USB packets. */
  push(bytes) {
    const rc = this.rc;
    if (!rc || bytes.length === 0) return;
    const step = this.sim.chunkBytes;
    try {
      for (let i = 0; i < bytes.length; i += step) rc.enqueue(bytes.slice(i, i + step));
    } catch (err) {
      // The stream went away under us (cannot happen through the public API).
      console.error("flojoyDemoDevices: enqueue failed", err);
    }
  }

  open(options, argc) {
    return attempt(() => {
      const where = context("open", "SerialPort");
      const o = readSerialOptions(options, argc);
      if (this.phase === "opening") throw domError("InvalidStateError", where("A call to open() is already in progress."));
      if (this.phase !== "closed") throw domError("InvalidStateError", where("The port is already open."));
      if (o.baudRate === 0) throw new TypeError(where("Requested baud rate must be greater than zero."));
      if (o.dataBits !== 7 && o.dataBits !== 8) throw new TypeError(where("Requested number of data bits must be 7 or 8."));
      if (o.stopBits !== 1 && o.stopBits !== 2) throw new TypeError(where("Requested number of stop bits must be 1 or 2."));
      if (o.bufferSize === 0) {
        throw new TypeError(where(`Requested buffer size (${o.bufferSize} bytes) must be greater than zero.`));
      }
      if (o.bufferSize > MAX_SERIAL_BUFFER) {
        throw new TypeError(
          where(`Requested buffer size (${o.bufferSize} bytes) is greater than the maximum allowed (${MAX_SERIAL_BUFFER} bytes).`),
        );
      }
      this.phase = "opening";
      return nextTask().then(() => {
        const sim = this.sim;
        const usable = sim.port === this.port && sim.connected && sim.granted && !sim.refusesOpen();
        if (this.phase !== "opening" || !usable) {
          if (this.phase === "opening") this.phase = "closed";
          throw domError("NetworkError", where("Failed to open serial port."));
        }
        this.dropReadable(); // a readable still draining from before an unplug
        this.phase = "opened";
        this.options = o;
        this.bufferSize = o.bufferSize;
        this.startReadable();
        sim.attach(this);
      });
    });
  }

  getReadable() {
    // Chrome: a readable the page holds stays visible until it is cancelled or errored (also
    // while it drains after an unplug); a new one is only made while the port is open.
    if (this.readable && (this.handedOut || this.phase === "opened")) {
      this.handedOut = true;
      return this.readable;
    }
    return null;
  }

  /** A new, empty receive buffer (at open, and after a cancel while the port stays open). */
  startReadable() {
    const link = this;
    let controller = null;
    const stream = new ReadableStream(
      {
        type: "bytes",
        start(c) {
          controller = c;
        },
        cancel() {
          // reader.cancel() / readable.cancel() / close(): Chrome flushes the receive buffer;
          // while the port stays open the next port.readable is a new stream.
          if (link.readable === stream) link.readableGone();
        },
      },
      { highWaterMark: this.bufferSize },
    );
    this.readable = stream;
    this.rc = controller;
    this.handedOut = false;
  }

  readableGone() {
    if (this.drainJob) ticker.remove(this.drainJob);
    this.drainJob = null;
    this.readable = null;
    this.rc = null;
    this.handedOut = false;
    if (this.phase === "opened") this.startReadable();
    this.maybeFinishClose();
  }

  /** Errors a readable left over from a lost connection right away. */
  dropReadable(reason) {
    if (!this.readable) return;
    const rc = this.rc;
    const err = reason || domError("NetworkError", "The device has been lost.");
    this.readableGone();
    if (rc) {
      try {
        rc.error(err);
      } catch (_) {
        /* already errored */
      }
    }
  }

  getWritable() {
    if (this.writable) return this.writable;
    if (this.phase !== "opened") return null;
    const link = this;
    let controller = null;
    const stream = new WritableStream(
      {
        start(c) {
          controller = c;
        },
        write(chunk) {
          const bytes = bufferSourceBytes(chunk);
          if (!bytes) throw new TypeError("The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.");
          if (link.sim.link === link) link.sim.hostWrote(bytes);
        },
        close() {
          if (link.writable === stream) link.writableGone();
        },
        abort() {
          if (link.writable === stream) link.writableGone();
        },
      },
      // Chrome: a count strategy with highWaterMark 1, the data pipe does the buffering.
      new CountQueuingStrategy({ highWaterMark: 1 }),
    );
    this.writable = stream;
    this.wc = controller;
    return stream;
  }

  writableGone() {
    this.writable = null;
    this.wc = null;
    this.maybeFinishClose();
  }

  close() {
    return attempt(() => {
      const where = context("close", "SerialPort");
      if (!this.bound) throw domError("InvalidStateError", where("The port is already closed."));
      if (this.phase === "closing") throw domError("InvalidStateError", where("A call to close() is already in progress."));
      // Chrome cancels the readable and aborts the writable; a locked one makes that throw,
      // and close() fails (the app must cancel its reader and release its locks first).
      if (this.readable && this.readable.locked) throw new TypeError(where("Cannot cancel a locked stream"));
      // (A readable the page never asked for is not locked: it is simply flushed.)
      let resolveClose;
      const closed = new Promise((resolve) => {
        resolveClose = resolve;
      });
      this.phase = "closing";
      this.closeWaiter = resolveClose;
      if (this.readable) this.readable.cancel().catch(() => {});
      if (this.writable) {
        if (this.writable.locked) {
          this.phase = "opened";
          this.closeWaiter = null;
          throw new TypeError(where("Cannot abort a locked stream"));
        }
        this.writable.abort(domError("InvalidStateError", "The port is closed.")).catch(() => {});
      }
      this.maybeFinishClose();
      return closed;
    });
  }

  /** Once both streams are gone, the OS port is closed (in a later task). */
  maybeFinishClose() {
    if (this.phase !== "closing" || this.readable || this.writable) return;
    later(() => {
      if (this.phase !== "closing") return; // the connection was lost meanwhile (close resolved)
      this.phase = "closed";
      this.options = null;
      this.sim.detach(this);
      const resolve = this.closeWaiter;
      this.closeWaiter = null;
      resolve();
    });
  }

  /**
   * The connection to the device is gone (unplugged, forgotten, uninstalled); Chrome's
   * SerialPort::OnConnectionError. The port ends up closed; the readable delivers what it
   * already holds and then errors with NetworkError "The device has been lost." (or at once
   * when `immediate`); the writable errors at once.
   */
  loseConnection(immediate = false) {
    if (this.phase === "opening") {
      this.phase = "closed"; // the pending open() rejects with NetworkError
      return;
    }
    if (!this.bound) {
      if (immediate) this.dropReadable();
      return;
    }
    const resolveClose = this.closeWaiter;
    this.closeWaiter = null;
    this.phase = "closed";
    this.options = null;
    this.sim.detach(this);
    if (resolveClose) resolveClose();
    if (this.wc) {
      const wc = this.wc;
      this.writable = null;
      this.wc = null;
      wc.error(domError("NetworkError", "The device has been lost."));
    }
    if (!this.rc) return;
    if (immediate || !this.handedOut) {
      this.dropReadable();
      return;
    }
    const lost = domError("NetworkError", "The device has been lost.");
    const drain = () => {
      if (this.drainJob !== drain) return;
      if (this.queued() > 0) return; // the page has not read everything yet
      this.dropReadable(lost);
    };
    this.drainJob = drain;
    drain();
    if (this.drainJob === drain) ticker.add(drain);
  }

  forget() {
    return attempt(() =>
      nextTask().then(() => {
        if (this.sim.port === this.port) this.sim.granted = false;
        this.loseConnection();
      }),
    );
  }

  getSignals() {
    return attempt(() => {
      if (!this.bound) throw domError("InvalidStateError", context("getSignals", "SerialPort")("The port is closed."));
      return nextTask().then(() => Object.assign({}, this.sim.inputSignals));
    });
  }

  setSignals(signals, argc) {
    return attempt(() => {
      const where = context("setSignals", "SerialPort");
      const s = idlDictionary(argc === 0 ? undefined : signals, "SerialOutputSignals", where);
      if (!this.bound) throw domError("InvalidStateError", where("The port is closed."));
      const update = {};
      if (s.break !== undefined) update.break = Boolean(s.break);
      if (s.dataTerminalReady !== undefined) update.dataTerminalReady = Boolean(s.dataTerminalReady);
      if (s.requestToSend !== undefined) update.requestToSend = Boolean(s.requestToSend);
      if (Object.keys(update).length === 0) throw new TypeError(where("Signals dictionary must contain at least one member."));
      return nextTask().then(() => {
        Object.assign(this.sim.outputSignals, update);
      });
    });
  }
}
