// Flojoy Web: simulated WebSerial and WebUSB instruments ("demo devices").
//
// A classic script (no module syntax). Loading it only defines `globalThis.flojoyDemoDevices`;
// nothing else happens until `install()` is called. If the script is loaded twice (Playwright's
// init script, then the page's own copy), the first definition is kept with its state intact.
//
// What it is for
//   * End-to-end tests replace `navigator.serial` / `navigator.usb` with the simulated devices
//     below, so the app's own Rust/wasm code (web-sys bindings, which call methods and read
//     properties by name) runs unchanged against them:
//         await page.addInitScript({ path: "app/demo_devices.js" });
//         await page.addInitScript(() => flojoyDemoDevices.install({ serial: [{ kind: "arduino" }] }));
//   * The app offers the same devices as clearly labelled "demo devices" (`install({ demo: true })`)
//     so a visitor without hardware can try the DAQ examples.
//
// Controller: globalThis.flojoyDemoDevices
//   install(options) -> controller   Replaces navigator.serial / navigator.usb (own, configurable
//                                     getters on `navigator`); a second install() uninstalls first.
//     options.serial: [spec, ...]     serial devices (kinds: arduino, scpi, unplug, malformed, busy)
//     options.usb:    [spec, ...]     USB devices (kinds: echo, usb-stream)
//     options.demo: true              adds the demo set (see DEMO_SET) in front of the lists above
//     options.granted = true          devices start permitted (listed by getPorts()/getDevices());
//                                     a spec's own `granted` wins
//     options.requireUserActivation = true
//                                     requestPort()/requestDevice() need navigator.userActivation.isActive
//     options.choose(kind, candidates, requestOptions)
//                                     scripts the browser's chooser: kind is "serial" or "usb",
//                                     candidates are device handles; return a handle, a name, or
//                                     null (the user cancelled). Default: the first candidate not
//                                     yet permitted, else the first candidate.
//     options.replaceNavigator = true false: leave `navigator` alone and use controller.serialApi /
//                                     controller.usbApi (e.g. to list demo devices next to real ones)
//   uninstall()                       closes everything (silently) and restores `navigator`
//   serial, usb                       arrays of device handles, in install order
//   find(name) -> handle | null       plug(name, opts) / unplug(name) forward to the handle
//   serialApi, usbApi                 the emulated `navigator.serial` / `navigator.usb` objects
//
// Device spec: { kind, name?, label?, granted?, connected?, ...kind options }. `name` defaults to
// the kind (then kind-2, kind-3, ... for repeats); it is what find() takes.
//
// Device handle (the simulated hardware; what tests poke at)
//   name, kind, label, connected, granted, isOpen, pendingTransfers (USB)
//   port (serial) / device (USB)      the object the page sees. A re-plugged serial device keeps its
//                                     SerialPort object (unless plug({ newObject: true })); a
//                                     re-plugged USB device gets a new USBDevice object, as in Chrome.
//   stats                             counters, see each kind below
//   written, writtenText()            every byte the host sent (Uint8Array chunks / latin-1 text)
//   unplug(), plug(opts)              returns false when already in that state
//   setRate(r)                        streamers only: rows or samples per second from now on (0 pauses)
//   resetStats()
//
// Objects the page sees carry `flojoyLabel` (e.g. "Arduino Uno (simulated)"), `flojoyName` and
// `flojoySimulated: true`. Errors follow Chrome: DOMException names and Chrome's messages,
// including Chrome's "Failed to execute 'open' on 'SerialPort': " prefix where Chrome adds one.
(function () {
  "use strict";

  if (globalThis.flojoyDemoDevices) return;

  // ---------------------------------------------------------------------------------------------
  // 1. Small helpers
  // ---------------------------------------------------------------------------------------------

  /** How often the simulated hardware wakes up to produce what is due by the wall clock. */
  const TICK_MS = 4;
  /** Chrome's limit for SerialOptions.bufferSize. */
  const MAX_SERIAL_BUFFER = 16 * 1024 * 1024;
  /** Serial data is handed to the page in chunks of at most this many bytes (a full-speed USB
   * packet), so lines are split across reads as they are with real USB-serial adapters. */
  const DEFAULT_CHUNK_BYTES = 64;

  const clock = () => performance.now();

  /** Chrome's message prefix for an exception thrown by `iface.method()`. */
  function context(method, iface) {
    return (message) => `Failed to execute '${method}' on '${iface}': ${message}`;
  }

  const domError = (name, message) => new DOMException(message, name);

  /** Runs `fn`, turning a synchronous throw into a rejected promise (as for promise-returning IDL
   * operations). */
  function attempt(fn) {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The browser answers over IPC: results arrive in a later task, never synchronously. */
  const later = (fn, ms = 0) => setTimeout(fn, ms);
  const nextTask = () => new Promise((resolve) => later(resolve));

  /** A copy of a BufferSource's bytes, or null if `data` is not one. */
  function bufferSourceBytes(data) {
    if (ArrayBuffer.isView(data)) {
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    }
    const tag = Object.prototype.toString.call(data);
    if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") {
      return new Uint8Array(data).slice();
    }
    return null;
  }

  /** Text whose characters are all < 256, one byte each (rows may carry raw 0xFF bytes). */
  function latin1Bytes(text) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
    return out;
  }

  function latin1Text(bytes) {
    let text = "";
    for (let i = 0; i < bytes.length; i += 8192) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    }
    return text;
  }

  function concatBytes(chunks) {
    let length = 0;
    for (const c of chunks) length += c.length;
    const out = new Uint8Array(length);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }

  // WebIDL conversions, as far as the bindings' behaviour is visible to the app.
  function idlModulo(value, modulus) {
    let x = Number(value);
    if (!Number.isFinite(x)) return 0;
    x = Math.trunc(x) % modulus;
    if (x < 0) x += modulus;
    return x === 0 ? 0 : x; // no -0
  }
  const idlOctet = (v) => idlModulo(v, 0x100);
  const idlUnsignedShort = (v) => idlModulo(v, 0x10000);
  const idlUnsignedLong = (v) => idlModulo(v, 0x100000000);

  /** [EnforceRange] conversion of dictionary member `member`; `where` formats the error. */
  function idlEnforceRange(value, bits, member, dictionary, where) {
    const typeName = bits === 8 ? "octet" : bits === 16 ? "unsigned short" : "unsigned long";
    const prefix = `Failed to read the '${member}' property from '${dictionary}': `;
    const x = Number(value);
    if (!Number.isFinite(x)) throw new TypeError(where(`${prefix}Value is not a finite ${typeName}.`));
    const t = Math.trunc(x);
    if (t < 0 || t > 2 ** bits - 1) {
      throw new TypeError(where(`${prefix}Value is outside the '${typeName}' value range.`));
    }
    return t === 0 ? 0 : t;
  }

  function idlEnum(value, allowed, member, dictionary, enumName, where) {
    const s = String(value);
    if (!allowed.includes(s)) {
      throw new TypeError(
        where(
          `Failed to read the '${member}' property from '${dictionary}': ` +
            `The provided value '${s}' is not a valid enum value of type ${enumName}.`,
        ),
      );
    }
    return s;
  }

  /** A dictionary argument: undefined/null read as {}, other non-objects are refused. */
  function idlDictionary(value, name, where) {
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" && typeof value !== "function") {
      throw new TypeError(where(`The provided value is not of type '${name}'.`));
    }
    return value;
  }

  function idlSequence(value, member, dictionary, where) {
    if (value === null || typeof value !== "object" || typeof value[Symbol.iterator] !== "function") {
      throw new TypeError(
        where(
          `Failed to read the '${member}' property from '${dictionary}': ` +
            "The provided value cannot be converted to a sequence.",
        ),
      );
    }
    return Array.from(value);
  }

  /** navigator.userActivation.isActive (treated as inactive where the API is missing). */
  function userIsActive() {
    const ua = globalThis.navigator && globalThis.navigator.userActivation;
    return Boolean(ua && ua.isActive);
  }

  /** One timer for all simulated hardware, running only while some device has work. */
  const ticker = {
    jobs: new Set(),
    handle: null,
    add(job) {
      this.jobs.add(job);
      this.arm();
    },
    remove(job) {
      this.jobs.delete(job);
      if (this.jobs.size === 0 && this.handle !== null) {
        clearTimeout(this.handle);
        this.handle = null;
      }
    },
    arm() {
      if (this.handle === null && this.jobs.size > 0) this.handle = setTimeout(() => this.run(), TICK_MS);
    },
    run() {
      this.handle = null;
      const t = clock();
      for (const job of Array.from(this.jobs)) {
        if (!this.jobs.has(job)) continue;
        try {
          job(t);
        } catch (err) {
          console.error("flojoyDemoDevices: a simulated device failed", err);
        }
      }
      this.arm();
    },
  };

  // ---------------------------------------------------------------------------------------------
  // 2. Events
  // ---------------------------------------------------------------------------------------------

  /** An `on<type>` event handler attribute, as HTML defines it (only functions are kept). */
  function defineEventHandler(proto, type) {
    const slot = Symbol(`on${type}`);
    Object.defineProperty(proto, `on${type}`, {
      configurable: true,
      enumerable: true,
      get() {
        return this[slot] ? this[slot].handler : null;
      },
      set(value) {
        const handler = typeof value === "function" ? value : null;
        let record = this[slot];
        if (handler === null) {
          if (record) {
            this.removeEventListener(type, record.listener);
            this[slot] = undefined;
          }
          return;
        }
        if (!record) {
          const target = this;
          record = {
            handler,
            listener(event) {
              if (record.handler.call(target, event) === false) event.preventDefault();
            },
          };
          this[slot] = record;
          this.addEventListener(type, record.listener);
        }
        record.handler = handler;
      },
    });
  }

  function setToStringTag(cls, tag) {
    Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: tag, configurable: true });
  }

  /**
   * Chrome fires a port's connect/disconnect event at the SerialPort and lets it bubble to
   * navigator.serial (`target` stays the port). The two EventTargets are not in a tree here, so
   * the same Event is dispatched at the port, then at `parent` unless a listener stopped it.
   */
  function fireBubbling(target, parent, type) {
    const event = new Event(type, { bubbles: true });
    let stopped = false;
    const stop = event.stopPropagation;
    const stopNow = event.stopImmediatePropagation;
    event.stopPropagation = function () {
      stopped = true;
      return stop.call(this);
    };
    event.stopImmediatePropagation = function () {
      stopped = true;
      return stopNow.call(this);
    };
    Object.defineProperty(event, "target", { configurable: true, get: () => target });
    Object.defineProperty(event, "srcElement", { configurable: true, get: () => target });
    target.dispatchEvent(event);
    if (!stopped && parent) parent.dispatchEvent(event);
  }

  /** WebUSB's USBConnectionEvent: fired at navigator.usb only, `device` is the USBDevice. */
  class USBConnectionEventSim extends Event {
    #device;
    constructor(type, init) {
      super(type, init);
      this.#device = init.device;
    }
    get device() {
      return this.#device;
    }
  }
  setToStringTag(USBConnectionEventSim, "USBConnectionEvent");

  // ---------------------------------------------------------------------------------------------
  // 3. WebSerial: navigator.serial and SerialPort
  // ---------------------------------------------------------------------------------------------
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

  class SerialLink {
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

  /** The SerialPort object the page sees. */
  class SerialPortSim extends EventTarget {
    #link;
    constructor(link) {
      super();
      this.#link = link;
    }
    get connected() {
      const sim = this.#link.sim;
      return sim.port === this && sim.connected;
    }
    get readable() {
      return this.#link.getReadable();
    }
    get writable() {
      return this.#link.getWritable();
    }
    getInfo() {
      const sim = this.#link.sim;
      return { usbVendorId: sim.usbVendorId, usbProductId: sim.usbProductId };
    }
    open(options) {
      return this.#link.open(options, arguments.length);
    }
    close() {
      return this.#link.close();
    }
    forget() {
      return this.#link.forget();
    }
    getSignals() {
      return this.#link.getSignals();
    }
    setSignals(signals) {
      return this.#link.setSignals(signals, arguments.length);
    }
    get flojoyLabel() {
      return this.#link.sim.label;
    }
    get flojoyName() {
      return this.#link.sim.name;
    }
    get flojoySimulated() {
      return true;
    }
  }
  setToStringTag(SerialPortSim, "SerialPort");
  defineEventHandler(SerialPortSim.prototype, "connect");
  defineEventHandler(SerialPortSim.prototype, "disconnect");

  function serialFilterMatches(sim, filter) {
    if (filter.bluetoothServiceClassId !== undefined) return false; // all simulated ports are USB
    if (filter.usbVendorId !== undefined && filter.usbVendorId !== sim.usbVendorId) return false;
    if (filter.usbProductId !== undefined && filter.usbProductId !== sim.usbProductId) return false;
    return true;
  }

  /** navigator.serial */
  class SerialSimApi extends EventTarget {
    #ctl;
    constructor(ctl) {
      super();
      this.#ctl = ctl;
    }
    getPorts() {
      const ctl = this.#ctl;
      return nextTask().then(() => ctl.serial.filter((s) => s.connected && s.granted).map((s) => s.port));
    }
    requestPort(options) {
      const ctl = this.#ctl;
      return attempt(() => {
        const where = context("requestPort", "Serial");
        const o = idlDictionary(options, "SerialPortRequestOptions", where);
        const filters = [];
        if (o.filters !== undefined) {
          for (const f of idlSequence(o.filters, "filters", "SerialPortRequestOptions", where)) {
            const d = idlDictionary(f, "SerialPortFilter", where);
            filters.push({
              bluetoothServiceClassId: d.bluetoothServiceClassId,
              usbProductId: d.usbProductId === undefined ? undefined : idlEnforceRange(d.usbProductId, 16, "usbProductId", "SerialPortFilter", where),
              usbVendorId: d.usbVendorId === undefined ? undefined : idlEnforceRange(d.usbVendorId, 16, "usbVendorId", "SerialPortFilter", where),
            });
          }
        }
        if (ctl.options.requireUserActivation && !userIsActive()) {
          throw domError("SecurityError", where("Must be handling a user gesture to show a permission request."));
        }
        for (const f of filters) {
          if (f.bluetoothServiceClassId !== undefined) {
            if (f.usbVendorId !== undefined || f.usbProductId !== undefined) {
              throw new TypeError(where("A filter cannot specify both bluetoothServiceClassId and usbVendorId or usbProductId."));
            }
          } else if (f.usbVendorId === undefined) {
            throw new TypeError(
              where(
                f.usbProductId === undefined
                  ? "A filter must provide a property to filter by."
                  : "A filter containing a usbProductId must also specify a usbVendorId.",
              ),
            );
          }
        }
        return nextTask().then(() => {
          const candidates = ctl.serial.filter(
            (s) => s.connected && (filters.length === 0 || filters.some((f) => serialFilterMatches(s, f))),
          );
          const choice = ctl.choose("serial", candidates, options);
          if (!choice) throw domError("NotFoundError", where("No port selected by the user."));
          choice.granted = true;
          return choice.port;
        });
      });
    }
  }
  setToStringTag(SerialSimApi, "Serial");
  defineEventHandler(SerialSimApi.prototype, "connect");
  defineEventHandler(SerialSimApi.prototype, "disconnect");

  // ---------------------------------------------------------------------------------------------
  // 4. Simulated serial hardware
  // ---------------------------------------------------------------------------------------------

  function freshSerialStats() {
    return {
      opens: 0,
      closes: 0,
      rowsSent: 0, // lines delivered into the port's buffer (stream rows or SCPI replies)
      bytesSent: 0,
      overflowRows: 0, // lines lost because the buffer already held >= bufferSize bytes
      overflowBytes: 0,
      malformedSent: 0, // 'malformed': broken lines delivered (lost ones count as overflow only)
      writes: 0, // chunks the host wrote
      bytesWritten: 0,
      readings: 0, // 'scpi': measurements answered
      unplugs: 0,
      plugs: 0,
    };
  }

  /** Base class: everything a serial device has apart from what it says. */
  class SerialSim {
    constructor(ctl, spec, defaults) {
      this.controller = ctl;
      this.kind = spec.kind;
      this.name = spec.name;
      this.label = spec.label !== undefined ? String(spec.label) : defaults.label;
      this.usbVendorId = spec.usbVendorId !== undefined ? spec.usbVendorId : defaults.usbVendorId;
      this.usbProductId = spec.usbProductId !== undefined ? spec.usbProductId : defaults.usbProductId;
      this.granted = spec.granted !== undefined ? Boolean(spec.granted) : ctl.options.granted !== false;
      this.connected = spec.connected !== undefined ? Boolean(spec.connected) : true;
      this.chunkBytes = Math.max(1, spec.chunkBytes || DEFAULT_CHUNK_BYTES);
      this._stats = freshSerialStats();
      /** Every chunk the host wrote, in order. */
      this.written = [];
      /** The options of the last successful open(). */
      this.openOptions = null;
      this.inputSignals = { dataCarrierDetect: true, clearToSend: true, ringIndicator: false, dataSetReady: true };
      this.outputSignals = { dataTerminalReady: false, requestToSend: false, break: false };
      /** The SerialLink of the open port, or null. */
      this.link = null;
      this.port = null;
      this.newPortObject();
    }

    newPortObject() {
      const link = new SerialLink(this);
      this.port = new SerialPortSim(link);
      link.port = this.port;
      this.portLink = link;
    }

    get stats() {
      return this._stats;
    }
    resetStats() {
      this._stats = freshSerialStats();
    }
    get isOpen() {
      return this.link !== null;
    }
    writtenText() {
      return latin1Text(concatBytes(this.written));
    }
    setRate() {
      throw new TypeError(`flojoyDemoDevices: a '${this.kind}' device has no rate`);
    }

    // --- hooks the kinds override ---
    refusesOpen() {
      return false;
    }
    onOpen(_t) {}
    onClose() {}
    onWrite(_bytes) {}

    // --- called by the link ---
    attach(link) {
      this.link = link;
      this.openOptions = Object.assign({}, link.options);
      this._stats.opens++;
      this.onOpen(clock());
    }
    detach(link) {
      if (this.link !== link) return;
      this.link = null;
      this._stats.closes++;
      this.onClose();
    }
    hostWrote(bytes) {
      this.written.push(bytes);
      this._stats.writes++;
      this._stats.bytesWritten += bytes.length;
      this.onWrite(bytes);
    }

    /** Delivers one whole line, or loses it when the buffer is full. */
    sendLine(text) {
      const link = this.link;
      const st = this._stats;
      if (!link || !link.accepting) return false; // closing: nobody will read it
      if (link.queued() >= link.bufferSize) {
        st.overflowRows++;
        st.overflowBytes += text.length;
        return false;
      }
      link.push(latin1Bytes(text));
      st.rowsSent++;
      st.bytesSent += text.length;
      return true;
    }

    // --- plugging ---
    unplug() {
      if (!this.connected) return false;
      this.connected = false;
      this._stats.unplugs++;
      this.portLink.loseConnection();
      if (this.granted) fireBubbling(this.port, this.controller.serialApi, "disconnect");
      return true;
    }
    plug(options = {}) {
      if (this.connected) return false;
      if (options.newObject) this.newPortObject();
      this.connected = true;
      this._stats.plugs++;
      if (this.granted) fireBubbling(this.port, this.controller.serialApi, "connect");
      return true;
    }
    /** uninstall(): everything stops, no events. */
    shutdown() {
      this.portLink.loseConnection(true);
      this.onClose();
    }
  }

  /**
   * 'arduino': an Arduino sketch printing CSV lines at a fixed rate, forever:
   *     `${n},${v}\r\n`            (columns: 2, the default)
   *     `${n},${v},${n % 7}\r\n`   (columns: 3)
   * n = 0, 1, 2, ... counts rows since open(), including rows lost to overflow (so gaps show);
   * v = Math.sin(2 * Math.PI * n / period).toFixed(6).
   * Options: rate (rows/s, default 1000), period (default 100), columns (2 or 3).
   * Row n is due (n + 1) / rate seconds after open(). Writes are recorded and otherwise ignored.
   */
  class ArduinoSim extends SerialSim {
    constructor(ctl, spec, defaults) {
      super(ctl, spec, defaults);
      this.rate = spec.rate !== undefined ? Number(spec.rate) : 1000;
      this.period = spec.period !== undefined ? Number(spec.period) : 100;
      this.columns = spec.columns !== undefined ? Number(spec.columns) : 2;
      this.n = 0; // next row number
      this.base = 0; // rows due at t0
      this.t0 = 0;
      this.job = (t) => this.produce(t);
    }

    /** The good line for row n. */
    line(n) {
      const v = Math.sin((2 * Math.PI * n) / this.period).toFixed(6);
      return this.columns >= 3 ? `${n},${v},${n % 7}\r\n` : `${n},${v}\r\n`;
    }
    /** What the device actually sends as row n (subclasses corrupt some). */
    rowText(n) {
      return this.line(n);
    }
    isMalformed(_n) {
      return false;
    }
    /** True when the device stops after row n ('unplug'). */
    stopsAfter(_n) {
      return false;
    }

    due(t) {
      return this.base + Math.floor(((t - this.t0) * this.rate) / 1000);
    }

    onOpen(t) {
      this.n = 0;
      this.base = 0;
      this.t0 = t;
      ticker.add(this.job);
    }
    onClose() {
      ticker.remove(this.job);
    }

    setRate(rate) {
      const r = Number(rate);
      if (!(r >= 0) || !Number.isFinite(r)) throw new RangeError("flojoyDemoDevices: rate must be a finite number >= 0");
      if (this.link) {
        const t = clock();
        this.produce(t);
        this.base = this.n;
        this.t0 = t;
      }
      this.rate = r;
    }

    produce(t) {
      const link = this.link;
      if (!link) return;
      const due = this.due(t);
      if (this.n >= due) return;
      const st = this._stats;
      if (!link.accepting) {
        this.n = due; // the port is closing: nobody will read these
        return;
      }
      let used = link.queued();
      let out = "";
      let stop = false;
      while (this.n < due) {
        const n = this.n++;
        const text = this.rowText(n);
        if (used < link.bufferSize) {
          out += text;
          used += text.length;
          st.rowsSent++;
          st.bytesSent += text.length;
          if (this.isMalformed(n)) st.malformedSent++;
        } else {
          st.overflowRows++;
          st.overflowBytes += text.length;
        }
        if (this.stopsAfter(n)) {
          stop = true;
          break;
        }
      }
      if (out) link.push(latin1Bytes(out));
      if (stop) this.unplug();
    }
  }

  /** 'unplug': an arduino streamer that is unplugged after `after` rows (default 5000). */
  class UnplugSim extends ArduinoSim {
    constructor(ctl, spec, defaults) {
      super(ctl, spec, defaults);
      this.after = spec.after !== undefined ? Number(spec.after) : 5000;
    }
    stopsAfter(n) {
      return n + 1 >= this.after;
    }
  }

  /** The three ways a 'malformed' line is broken, in turn. */
  const MALFORMED_LINES = ["garbage\r\n", "1,2,x\r\n", "\xFF\xFE\r\n"];

  /**
   * 'malformed': an arduino streamer whose every `every`-th line (default 10: rows 9, 19, 29, ...)
   * is replaced by a broken one, cycling through "garbage", "1,2,x" and the bytes FF FE.
   * stats.malformedSent counts those delivered.
   */
  class MalformedSim extends ArduinoSim {
    constructor(ctl, spec, defaults) {
      super(ctl, spec, defaults);
      this.every = Math.max(1, spec.every !== undefined ? Number(spec.every) : 10);
    }
    isMalformed(n) {
      return (n + 1) % this.every === 0;
    }
    rowText(n) {
      return this.isMalformed(n) ? MALFORMED_LINES[Math.floor(n / this.every) % MALFORMED_LINES.length] : this.line(n);
    }
  }

  /** 'busy': another program holds the port; open() always fails. */
  class BusySim extends SerialSim {
    refusesOpen() {
      return true;
    }
  }

  // --- SCPI ---

  /**
   * A SCPI header pattern such as "MEASure:VOLTage[:DC]?": each node accepts its short form
   * (the capitals) or its long form, in any case; bracketed nodes are optional.
   */
  function compileScpi(pattern) {
    const query = pattern.endsWith("?");
    const body = query ? pattern.slice(0, -1) : pattern;
    if (body.startsWith("*")) return { common: body.toUpperCase(), query };
    const nodes = [];
    const re = /(\[)?:?([A-Za-z]+)\]?/g;
    let m;
    while ((m = re.exec(body)) !== null) {
      const word = m[2];
      nodes.push({ short: word.replace(/[a-z]/g, ""), long: word.toUpperCase(), optional: Boolean(m[1]) });
    }
    return { nodes, query };
  }

  function scpiMatches(compiled, header) {
    let h = header.toUpperCase();
    const query = h.endsWith("?");
    if (query !== compiled.query) return false;
    if (query) h = h.slice(0, -1);
    if (compiled.common) return h === compiled.common;
    if (h.startsWith(":")) h = h.slice(1);
    const tokens = h.split(":");
    let i = 0;
    for (const node of compiled.nodes) {
      const tok = tokens[i];
      if (tok !== undefined && (tok === node.short || tok === node.long)) i++;
      else if (!node.optional) return false;
    }
    return i === tokens.length;
  }

  /** A number as a DMM prints it: +1.23456700E+00. */
  function scpiNumber(x) {
    if (!Number.isFinite(x)) return "+9.90000000E+37"; // SCPI's "not a number"
    const [mantissa, exponent] = Math.abs(x).toExponential(8).split("e");
    const e = Number(exponent);
    return `${x < 0 ? "-" : "+"}${mantissa}E${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }

  /** The instrument's command set. `run` returns the reply (queries) or undefined. */
  const SCPI_COMMANDS = [
    ["*IDN?", (dev) => dev.idn],
    ["*RST", () => undefined],
    ["*CLS", (dev) => void (dev.errors.length = 0)],
    ["*OPC?", () => "1"],
    ["*TST?", () => "+0"],
    ["MEASure:VOLTage[:DC]?", (dev) => dev.measure()],
    ["READ?", (dev) => dev.measure()],
    ["CONFigure:VOLTage[:DC]", () => undefined],
    ["SYSTem:ERRor[:NEXT]?", (dev) => dev.popError()],
    ["SYSTem:VERSion?", () => "1999.0"],
  ].map(([pattern, run]) => ({ pattern, compiled: compileScpi(pattern), run }));

  /**
   * 'scpi': a line-oriented digital voltmeter. Commands end with "\n" ("\r\n" accepted), are
   * case-insensitive and take SCPI's short or long forms; several may share a line separated by
   * ";" (their replies are joined by ";"). Replies end with "\n" and come `delayMs` (default 2)
   * after the command.
   *   *IDN?                        -> `idn` (default "Flojoy,Simulated DMM,SN000001,1.0")
   *   MEASure:VOLTage[:DC]?, READ? -> `volts` (a number, or a function of the reading number
   *                                   0, 1, 2, ...; default 1.234567) as "+1.23456700E+00"
   *   SYSTem:ERRor[:NEXT]?         -> the oldest queued error, or +0,"No error"
   *   *OPC? -> 1, *TST? -> +0, SYSTem:VERSion? -> 1999.0; *RST, *CLS (clears the error queue)
   *                                   and CONFigure:VOLTage[:DC] are accepted without reply
   *   anything else                -> no reply; queues -113,"Undefined header" (20 errors at
   *                                   most, the last becoming -350,"Queue overflow")
   */
  class ScpiSim extends SerialSim {
    constructor(ctl, spec, defaults) {
      super(ctl, spec, defaults);
      this.idn = spec.idn !== undefined ? String(spec.idn) : "Flojoy,Simulated DMM,SN000001,1.0";
      this.volts = spec.volts !== undefined ? spec.volts : 1.234567;
      this.delayMs = spec.delayMs !== undefined ? Number(spec.delayMs) : 2;
      /** Queued [code, message] pairs, oldest first. */
      this.errors = [];
      this.readings = 0;
      this.inbox = "";
      this.replyTimers = new Set();
    }

    onOpen() {
      this.inbox = "";
    }
    onClose() {
      for (const timer of this.replyTimers) clearTimeout(timer);
      this.replyTimers.clear();
      this.inbox = "";
    }

    onWrite(bytes) {
      this.inbox += latin1Text(bytes);
      let end;
      while ((end = this.inbox.indexOf("\n")) >= 0) {
        const line = this.inbox.slice(0, end).replace(/\r$/, "");
        this.inbox = this.inbox.slice(end + 1);
        this.execute(line);
      }
    }

    execute(line) {
      const replies = [];
      for (const unit of line.split(";")) {
        const command = unit.trim();
        if (!command) continue;
        const header = command.split(/\s+/, 1)[0];
        const known = SCPI_COMMANDS.find((c) => scpiMatches(c.compiled, header));
        if (!known) {
          this.pushError(-113, "Undefined header");
          continue;
        }
        const reply = known.run(this);
        if (reply !== undefined) replies.push(reply);
      }
      if (replies.length > 0) this.reply(`${replies.join(";")}\n`);
    }

    reply(text) {
      const link = this.link;
      const timer = later(() => {
        this.replyTimers.delete(timer);
        if (this.link === link) this.sendLine(text);
      }, this.delayMs);
      this.replyTimers.add(timer);
    }

    measure() {
      const i = this.readings++;
      this._stats.readings++;
      const v = typeof this.volts === "function" ? this.volts(i) : this.volts;
      return scpiNumber(Number(v));
    }

    pushError(code, message) {
      if (this.errors.length >= 20) this.errors[19] = [-350, "Queue overflow"];
      else this.errors.push([code, message]);
    }

    popError() {
      const e = this.errors.shift();
      if (!e) return '+0,"No error"';
      return `${e[0] >= 0 ? "+" : ""}${e[0]},"${e[1]}"`;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 5. WebUSB: navigator.usb and USBDevice
  // ---------------------------------------------------------------------------------------------
  //
  //   UsbSim       the simulated hardware (the handle tests use)
  //   UsbLink      the browser's side of one USBDevice object (Chrome's blink::USBDevice state)
  //   USBDeviceSim the USBDevice object the page sees
  //
  // Every operation answers in a later task, like Chrome's IPC. Checks and messages follow
  // Chrome's usb_device.cc; errors found before the request is sent carry the
  // "Failed to execute 'x' on 'USBDevice': " prefix, and so do Chrome's asynchronous rejections.

  class USBEndpointSim {
    #d;
    constructor(d) {
      this.#d = d;
    }
    get endpointNumber() {
      return this.#d.endpointNumber;
    }
    get direction() {
      return this.#d.direction;
    }
    get type() {
      return this.#d.type;
    }
    get packetSize() {
      return this.#d.packetSize;
    }
  }
  setToStringTag(USBEndpointSim, "USBEndpoint");

  class USBAlternateInterfaceSim {
    #d;
    #endpoints;
    constructor(d) {
      this.#d = d;
      this.#endpoints = d.endpoints.map((e) => new USBEndpointSim(e));
    }
    get alternateSetting() {
      return this.#d.alternateSetting;
    }
    get interfaceClass() {
      return this.#d.interfaceClass;
    }
    get interfaceSubclass() {
      return this.#d.interfaceSubclass;
    }
    get interfaceProtocol() {
      return this.#d.interfaceProtocol;
    }
    get interfaceName() {
      return this.#d.interfaceName;
    }
    get endpoints() {
      return this.#endpoints.slice();
    }
  }
  setToStringTag(USBAlternateInterfaceSim, "USBAlternateInterface");

  class USBInterfaceSim {
    #link;
    #ci;
    #ii;
    #d;
    #alternates;
    constructor(link, ci, ii, d) {
      this.#link = link;
      this.#ci = ci;
      this.#ii = ii;
      this.#d = d;
      this.#alternates = d.alternates.map((a) => new USBAlternateInterfaceSim(a));
    }
    get interfaceNumber() {
      return this.#d.interfaceNumber;
    }
    /** The selected alternate while claimed, else alternate 0 (current Chrome). */
    get alternate() {
      const link = this.#link;
      const claimed = link.configIndex === this.#ci && link.claimed[this.#ii];
      return this.#alternates[claimed ? link.altIndex[this.#ii] : 0];
    }
    get alternates() {
      return this.#alternates.slice();
    }
    get claimed() {
      const link = this.#link;
      return link.configIndex === this.#ci && Boolean(link.claimed[this.#ii]);
    }
  }
  setToStringTag(USBInterfaceSim, "USBInterface");

  class USBConfigurationSim {
    #d;
    #interfaces;
    constructor(link, ci, d) {
      this.#d = d;
      this.#interfaces = d.interfaces.map((iface, ii) => new USBInterfaceSim(link, ci, ii, iface));
    }
    get configurationValue() {
      return this.#d.configurationValue;
    }
    get configurationName() {
      return this.#d.configurationName;
    }
    get interfaces() {
      return this.#interfaces.slice();
    }
  }
  setToStringTag(USBConfigurationSim, "USBConfiguration");

  class USBInTransferResultSim {
    #status;
    #data;
    constructor(status, bytes) {
      this.#status = status;
      this.#data = new DataView(new Uint8Array(bytes).buffer);
    }
    get status() {
      return this.#status;
    }
    get data() {
      return this.#data;
    }
  }
  setToStringTag(USBInTransferResultSim, "USBInTransferResult");

  class USBOutTransferResultSim {
    #status;
    #bytesWritten;
    constructor(status, bytesWritten) {
      this.#status = status;
      this.#bytesWritten = bytesWritten;
    }
    get status() {
      return this.#status;
    }
    get bytesWritten() {
      return this.#bytesWritten;
    }
  }
  setToStringTag(USBOutTransferResultSim, "USBOutTransferResult");

  const USB_REQUEST_TYPES = ["standard", "class", "vendor"];
  const USB_RECIPIENTS = ["device", "interface", "endpoint", "other"];

  class UsbLink {
    constructor(sim) {
      this.sim = sim;
      this.device = null; // set by UsbSim
      this.alive = true; // Chrome's device_.is_bound(): false once unplugged or forgotten
      this.opened = false;
      this.busy = false; // a device state change (open/close/selectConfiguration/reset) is under way
      const active = sim.desc.configurations.findIndex((c) => c.configurationValue === sim.activeConfiguration);
      this.configIndex = -1;
      this.claimed = [];
      this.ifaceBusy = [];
      this.altIndex = [];
      this.releasing = [];
      if (active >= 0) this.selectConfigIndex(active);
      /** Pending requests, settled with NotFoundError if the connection is lost. */
      this.requests = new Set();
    }

    selectConfigIndex(index) {
      const count = this.sim.desc.configurations[index].interfaces.length;
      this.configIndex = index;
      this.claimed = new Array(count).fill(false);
      this.ifaceBusy = new Array(count).fill(false);
      this.altIndex = new Array(count).fill(0);
      this.releasing = new Array(count).fill(false);
    }

    get interfaces() {
      return this.configIndex < 0 ? [] : this.sim.desc.configurations[this.configIndex].interfaces;
    }

    /** A pending request; `transfer` = { dir, ep, iface } for transfers the host can cancel. */
    track(method, transfer = null) {
      const req = { method, transfer, done: false, resolve: null, reject: null };
      const promise = new Promise((resolve, reject) => {
        req.resolve = resolve;
        req.reject = reject;
      });
      req.finish = (ok, value) => {
        if (req.done) return;
        req.done = true;
        this.requests.delete(req);
        (ok ? req.resolve : req.reject)(value);
      };
      req.fail = (name, message) => req.finish(false, domError(name, context(method, "USBDevice")(message)));
      this.requests.add(req);
      return [req, promise];
    }

    /** Pending transfers matching `which` complete with AbortError (Chrome: CANCELLED). */
    cancelTransfers(which) {
      for (const req of Array.from(this.requests)) {
        if (req.transfer && which(req.transfer)) req.fail("AbortError", "The transfer was cancelled.");
      }
    }

    /** The connection is gone (Chrome's USBDevice::OnConnectionError). */
    lose() {
      this.alive = false;
      this.opened = false;
      for (const req of Array.from(this.requests)) req.fail("NotFoundError", "The device was disconnected.");
    }

    // --- Chrome's precondition checks ---
    ensureNoDeviceChange(where) {
      if (!this.alive) throw domError("NotFoundError", where("The device was disconnected."));
      if (this.busy) throw domError("InvalidStateError", where("An operation that changes the device state is in progress."));
    }
    ensureNoDeviceOrInterfaceChange(where) {
      this.ensureNoDeviceChange(where);
      if (this.ifaceBusy.some(Boolean)) {
        throw domError("InvalidStateError", where("An operation that changes interface state is in progress."));
      }
    }
    ensureOpened(where) {
      if (!this.opened) throw domError("InvalidStateError", where("The device must be opened first."));
    }
    ensureConfigured(where) {
      this.ensureNoDeviceChange(where);
      this.ensureOpened(where);
      if (this.configIndex < 0) throw domError("InvalidStateError", where("The device must have a configuration selected."));
    }
    interfaceIndex(number) {
      return this.interfaces.findIndex((i) => i.interfaceNumber === number);
    }
    ensureInterfaceIndex(where, number) {
      const index = this.interfaceIndex(number);
      if (index < 0) {
        throw domError(
          "NotFoundError",
          where("The interface number provided is not supported by the device in its current configuration."),
        );
      }
      return index;
    }
    ensureClaimed(where, number) {
      this.ensureConfigured(where);
      const index = this.ensureInterfaceIndex(where, number);
      if (this.ifaceBusy[index]) throw domError("InvalidStateError", where("An operation that changes interface state is in progress."));
      if (!this.claimed[index]) throw domError("InvalidStateError", where("The specified interface has not been claimed."));
      return index;
    }
    /** The interface number owning endpoint `ep` in direction `dir`, if claimed and selected. */
    endpointOwner(dir, ep) {
      const interfaces = this.interfaces;
      for (let i = 0; i < interfaces.length; i++) {
        if (!this.claimed[i] || this.releasing[i]) continue;
        const alt = interfaces[i].alternates[this.altIndex[i]];
        if (alt.endpoints.some((e) => e.endpointNumber === ep && e.direction === dir)) return interfaces[i].interfaceNumber;
      }
      return -1;
    }
    ensureEndpoint(where, dir, ep) {
      this.ensureConfigured(where);
      if (ep === 0 || ep >= 16) throw domError("IndexSizeError", where("The specified endpoint number is out of range."));
      const owner = this.endpointOwner(dir, ep);
      if (owner < 0) {
        throw domError("NotFoundError", where("The specified endpoint is not part of a claimed and selected alternate interface."));
      }
      return owner;
    }

    /** USBControlTransferParameters, converted and checked like Chrome. */
    readSetup(setup, where) {
      const D = "USBControlTransferParameters";
      const o = idlDictionary(setup, D, where);
      const required = (member) => {
        const v = o[member];
        if (v === undefined) {
          throw new TypeError(where(`Failed to read the '${member}' property from '${D}': Required member is undefined.`));
        }
        return v;
      };
      const index = idlUnsignedShort(required("index"));
      const recipient = idlEnum(required("recipient"), USB_RECIPIENTS, "recipient", D, "USBRecipient", where);
      const request = idlOctet(required("request"));
      const requestType = idlEnum(required("requestType"), USB_REQUEST_TYPES, "requestType", D, "USBRequestType", where);
      const value = idlUnsignedShort(required("value"));
      return { requestType, recipient, request, value, index };
    }

    /** Chrome checks the recipient after the device state: a claimed interface or endpoint. */
    checkRecipient(params, where) {
      if (params.recipient === "interface") this.ensureClaimed(where, params.index & 0xff);
      if (params.recipient === "endpoint") this.ensureEndpoint(where, params.index & 0x80 ? "in" : "out", params.index & 0x0f);
    }

    // --- USBDevice methods ---
    open() {
      const where = context("open", "USBDevice");
      return attempt(() => {
        this.ensureNoDeviceOrInterfaceChange(where);
        if (this.opened) return undefined;
        this.busy = true;
        const [req, promise] = this.track("open");
        later(() => {
          if (req.done) return;
          this.busy = false;
          this.opened = true;
          this.sim.hostOpened(this);
          req.finish(true);
        });
        return promise;
      });
    }

    close() {
      const where = context("close", "USBDevice");
      return attempt(() => {
        this.ensureNoDeviceOrInterfaceChange(where);
        if (!this.opened) return undefined;
        this.busy = true;
        const [req, promise] = this.track("close");
        later(() => {
          if (req.done) return;
          this.cancelTransfers(() => true);
          this.busy = false;
          this.opened = false;
          this.claimed.fill(false);
          this.altIndex.fill(0);
          this.releasing.fill(false);
          this.sim.hostClosed(this);
          req.finish(true);
        });
        return promise;
      });
    }

    forget() {
      return attempt(() =>
        nextTask().then(() => {
          const sim = this.sim;
          const wasOpen = this.alive && this.opened;
          if (this.alive) this.lose();
          if (wasOpen) sim.hostClosed(this);
          if (sim.link === this) {
            // Permission revoked; the connection is gone for good. If the device is asked for
            // again, the page gets a fresh USBDevice object.
            sim.granted = false;
            sim.newDeviceObject();
          }
        }),
      );
    }

    reset() {
      const where = context("reset", "USBDevice");
      return attempt(() => {
        this.ensureNoDeviceOrInterfaceChange(where);
        this.ensureOpened(where);
        const [req, promise] = this.track("reset");
        later(() => {
          if (req.done) return;
          this.cancelTransfers(() => true);
          req.finish(true);
        });
        return promise;
      });
    }

    selectConfiguration(value) {
      const where = context("selectConfiguration", "USBDevice");
      return attempt(() => {
        const v = idlOctet(value);
        this.ensureNoDeviceOrInterfaceChange(where);
        this.ensureOpened(where);
        const index = this.sim.desc.configurations.findIndex((c) => c.configurationValue === v);
        if (index < 0) throw domError("NotFoundError", where("The configuration value provided is not supported by the device."));
        if (index === this.configIndex) return undefined;
        this.busy = true;
        const [req, promise] = this.track("selectConfiguration");
        later(() => {
          if (req.done) return;
          this.busy = false;
          this.selectConfigIndex(index);
          req.finish(true);
        });
        return promise;
      });
    }

    claimInterface(number) {
      const where = context("claimInterface", "USBDevice");
      return attempt(() => {
        const n = idlOctet(number);
        this.ensureConfigured(where);
        const index = this.ensureInterfaceIndex(where, n);
        if (this.ifaceBusy[index]) throw domError("InvalidStateError", where("An operation that changes interface state is in progress."));
        if (this.claimed[index]) return undefined;
        this.ifaceBusy[index] = true;
        const [req, promise] = this.track("claimInterface");
        later(() => {
          if (req.done) return;
          this.ifaceBusy[index] = false;
          this.claimed[index] = true;
          this.sim.hostClaimed(this, n);
          req.finish(true);
        });
        return promise;
      });
    }

    releaseInterface(number) {
      const where = context("releaseInterface", "USBDevice");
      return attempt(() => {
        const n = idlOctet(number);
        this.ensureConfigured(where);
        const index = this.ensureInterfaceIndex(where, n);
        if (this.ifaceBusy[index]) throw domError("InvalidStateError", where("An operation that changes interface state is in progress."));
        if (!this.claimed[index]) return undefined;
        this.ifaceBusy[index] = true;
        this.releasing[index] = true; // its endpoints are unusable at once
        const [req, promise] = this.track("releaseInterface");
        later(() => {
          if (req.done) return;
          this.cancelTransfers((t) => t.iface === n);
          this.ifaceBusy[index] = false;
          this.releasing[index] = false;
          this.claimed[index] = false;
          this.altIndex[index] = 0;
          this.sim.hostReleased(this, n);
          req.finish(true);
        });
        return promise;
      });
    }

    selectAlternateInterface(number, setting) {
      const where = context("selectAlternateInterface", "USBDevice");
      return attempt(() => {
        const n = idlOctet(number);
        const s = idlOctet(setting);
        const index = this.ensureClaimed(where, n);
        const alt = this.interfaces[index].alternates.findIndex((a) => a.alternateSetting === s);
        if (alt < 0) {
          throw domError(
            "NotFoundError",
            where("The alternate setting provided is not supported by the device in its current configuration."),
          );
        }
        this.ifaceBusy[index] = true;
        const [req, promise] = this.track("selectAlternateInterface");
        later(() => {
          if (req.done) return;
          this.cancelTransfers((t) => t.iface === n);
          this.ifaceBusy[index] = false;
          this.altIndex[index] = alt;
          req.finish(true);
        });
        return promise;
      });
    }

    controlTransferIn(setup, length, argc) {
      const where = context("controlTransferIn", "USBDevice");
      return attempt(() => {
        if (argc < 2) throw new TypeError(where(`2 arguments required, but only ${argc} present.`));
        const params = this.readSetup(setup, where);
        const len = idlUnsignedShort(length);
        this.ensureNoDeviceOrInterfaceChange(where);
        this.ensureOpened(where);
        this.checkRecipient(params, where);
        const [req, promise] = this.track("controlTransferIn", { dir: "in", ep: 0, iface: -1 });
        later(() => {
          if (req.done) return;
          const { status, data } = this.sim.controlIn(params, len);
          const bytes = status === "ok" ? data.slice(0, len) : new Uint8Array(0);
          this.sim.countControl("in", status, bytes.length);
          req.finish(true, new USBInTransferResultSim(status, bytes));
        });
        return promise;
      });
    }

    controlTransferOut(setup, data, argc) {
      const where = context("controlTransferOut", "USBDevice");
      return attempt(() => {
        if (argc < 1) throw new TypeError(where("1 argument required, but only 0 present."));
        const params = this.readSetup(setup, where);
        let bytes = new Uint8Array(0);
        if (data !== undefined) {
          bytes = bufferSourceBytes(data);
          if (!bytes) throw new TypeError(where("parameter 2 is not of type '(ArrayBuffer or ArrayBufferView)'."));
        }
        this.ensureNoDeviceOrInterfaceChange(where);
        this.ensureOpened(where);
        this.checkRecipient(params, where);
        const [req, promise] = this.track("controlTransferOut", { dir: "out", ep: 0, iface: -1 });
        later(() => {
          if (req.done) return;
          const status = this.sim.controlOut(params, bytes);
          this.sim.countControl("out", status, bytes.length);
          // Chrome reports the data length as bytesWritten whatever the status.
          req.finish(true, new USBOutTransferResultSim(status, bytes.length));
        });
        return promise;
      });
    }

    clearHalt(direction, endpoint) {
      const where = context("clearHalt", "USBDevice");
      return attempt(() => {
        const dir = String(direction);
        if (dir !== "in" && dir !== "out") {
          throw new TypeError(where(`The provided value '${dir}' is not a valid enum value of type USBDirection.`));
        }
        this.ensureEndpoint(where, dir, idlOctet(endpoint));
        const [req, promise] = this.track("clearHalt");
        later(() => req.finish(true));
        return promise;
      });
    }

    transferIn(endpoint, length) {
      const where = context("transferIn", "USBDevice");
      return attempt(() => {
        const ep = idlOctet(endpoint);
        const len = idlUnsignedLong(length);
        const iface = this.ensureEndpoint(where, "in", ep);
        const [req, promise] = this.track("transferIn", { dir: "in", ep, iface });
        later(() => {
          if (!req.done) this.sim.transferIn(ep, len, req);
        });
        return promise;
      });
    }

    transferOut(endpoint, data) {
      const where = context("transferOut", "USBDevice");
      return attempt(() => {
        const ep = idlOctet(endpoint);
        const bytes = bufferSourceBytes(data);
        if (!bytes) throw new TypeError(where("parameter 2 is not of type '(ArrayBuffer or ArrayBufferView)'."));
        const iface = this.ensureEndpoint(where, "out", ep);
        const [req, promise] = this.track("transferOut", { dir: "out", ep, iface });
        later(() => {
          if (!req.done) this.sim.transferOut(ep, bytes, req);
        });
        return promise;
      });
    }

    isochronousTransfer(method, dir, endpoint) {
      const where = context(method, "USBDevice");
      return attempt(() => {
        this.ensureEndpoint(where, dir, idlOctet(endpoint));
        // None of the simulated endpoints is isochronous: the transfer fails like Chrome's.
        const [req, promise] = this.track(method);
        later(() => req.fail("NetworkError", "A transfer error has occurred."));
        return promise;
      });
    }
  }

  /** The USBDevice object the page sees. */
  class USBDeviceSim {
    #link;
    #configurations;
    constructor(link) {
      this.#link = link;
      this.#configurations = link.sim.desc.configurations.map((c, ci) => new USBConfigurationSim(link, ci, c));
    }
    get usbVersionMajor() {
      return this.#link.sim.desc.usbVersionMajor;
    }
    get usbVersionMinor() {
      return this.#link.sim.desc.usbVersionMinor;
    }
    get usbVersionSubminor() {
      return this.#link.sim.desc.usbVersionSubminor;
    }
    get deviceClass() {
      return this.#link.sim.desc.deviceClass;
    }
    get deviceSubclass() {
      return this.#link.sim.desc.deviceSubclass;
    }
    get deviceProtocol() {
      return this.#link.sim.desc.deviceProtocol;
    }
    get vendorId() {
      return this.#link.sim.desc.vendorId;
    }
    get productId() {
      return this.#link.sim.desc.productId;
    }
    get deviceVersionMajor() {
      return this.#link.sim.desc.deviceVersionMajor;
    }
    get deviceVersionMinor() {
      return this.#link.sim.desc.deviceVersionMinor;
    }
    get deviceVersionSubminor() {
      return this.#link.sim.desc.deviceVersionSubminor;
    }
    get manufacturerName() {
      return this.#link.sim.desc.manufacturerName;
    }
    get productName() {
      return this.#link.sim.desc.productName;
    }
    get serialNumber() {
      return this.#link.sim.desc.serialNumber;
    }
    get configuration() {
      const index = this.#link.configIndex;
      return index < 0 ? null : this.#configurations[index];
    }
    get configurations() {
      return this.#configurations.slice();
    }
    get opened() {
      return this.#link.opened;
    }
    open() {
      return this.#link.open();
    }
    close() {
      return this.#link.close();
    }
    forget() {
      return this.#link.forget();
    }
    reset() {
      return this.#link.reset();
    }
    selectConfiguration(configurationValue) {
      return this.#link.selectConfiguration(configurationValue);
    }
    claimInterface(interfaceNumber) {
      return this.#link.claimInterface(interfaceNumber);
    }
    releaseInterface(interfaceNumber) {
      return this.#link.releaseInterface(interfaceNumber);
    }
    selectAlternateInterface(interfaceNumber, alternateSetting) {
      return this.#link.selectAlternateInterface(interfaceNumber, alternateSetting);
    }
    controlTransferIn(setup, length) {
      return this.#link.controlTransferIn(setup, length, arguments.length);
    }
    controlTransferOut(setup, data) {
      return this.#link.controlTransferOut(setup, data, arguments.length);
    }
    clearHalt(direction, endpointNumber) {
      return this.#link.clearHalt(direction, endpointNumber);
    }
    transferIn(endpointNumber, length) {
      return this.#link.transferIn(endpointNumber, length);
    }
    transferOut(endpointNumber, data) {
      return this.#link.transferOut(endpointNumber, data);
    }
    isochronousTransferIn(endpointNumber, _packetLengths) {
      return this.#link.isochronousTransfer("isochronousTransferIn", "in", endpointNumber);
    }
    isochronousTransferOut(endpointNumber, _data, _packetLengths) {
      return this.#link.isochronousTransfer("isochronousTransferOut", "out", endpointNumber);
    }
    get flojoyLabel() {
      return this.#link.sim.label;
    }
    get flojoyName() {
      return this.#link.sim.name;
    }
    get flojoySimulated() {
      return true;
    }
  }
  setToStringTag(USBDeviceSim, "USBDevice");

  /** Chrome's UsbDeviceFilterMatches: class codes match the device or any interface. */
  function usbFilterMatches(desc, f) {
    if (f.vendorId !== undefined && f.vendorId !== desc.vendorId) return false;
    if (f.productId !== undefined && f.productId !== desc.productId) return false;
    if (f.serialNumber !== undefined && f.serialNumber !== desc.serialNumber) return false;
    if (f.classCode === undefined) return true;
    const classes = [[desc.deviceClass, desc.deviceSubclass, desc.deviceProtocol]];
    for (const c of desc.configurations) {
      for (const i of c.interfaces) {
        for (const a of i.alternates) classes.push([a.interfaceClass, a.interfaceSubclass, a.interfaceProtocol]);
      }
    }
    return classes.some(
      ([cls, sub, proto]) =>
        cls === f.classCode &&
        (f.subclassCode === undefined || sub === f.subclassCode) &&
        (f.protocolCode === undefined || proto === f.protocolCode),
    );
  }

  function readUsbFilter(value, where) {
    const d = idlDictionary(value, "USBDeviceFilter", where);
    const f = {};
    for (const key of ["classCode", "protocolCode", "subclassCode"]) if (d[key] !== undefined) f[key] = idlOctet(d[key]);
    for (const key of ["productId", "vendorId"]) if (d[key] !== undefined) f[key] = idlUnsignedShort(d[key]);
    if (d.serialNumber !== undefined) f.serialNumber = String(d.serialNumber);
    return f;
  }

  /** Chrome rejects bad filters asynchronously, with a plain TypeError (no prefix). */
  function usbFilterProblem(f) {
    if (f.productId !== undefined && f.vendorId === undefined) return "A filter containing a productId must also contain a vendorId.";
    if (f.subclassCode !== undefined && f.classCode === undefined) return "A filter containing a subclassCode must also contain a classCode.";
    if (f.protocolCode !== undefined && f.subclassCode === undefined) {
      return "A filter containing a protocolCode must also contain a subclassCode.";
    }
    return null;
  }

  /** navigator.usb */
  class USBSimApi extends EventTarget {
    #ctl;
    constructor(ctl) {
      super();
      this.#ctl = ctl;
    }
    getDevices() {
      const ctl = this.#ctl;
      return nextTask().then(() => ctl.usb.filter((s) => s.connected && s.granted).map((s) => s.device));
    }
    requestDevice(options) {
      const ctl = this.#ctl;
      const argc = arguments.length;
      return attempt(() => {
        const where = context("requestDevice", "USB");
        if (argc === 0) throw new TypeError(where("1 argument required, but only 0 present."));
        const o = idlDictionary(options, "USBDeviceRequestOptions", where);
        const D = "USBDeviceRequestOptions";
        const exclusion = o.exclusionFilters === undefined ? [] : idlSequence(o.exclusionFilters, "exclusionFilters", D, where);
        if (o.filters === undefined) {
          throw new TypeError(where(`Failed to read the 'filters' property from '${D}': Required member is undefined.`));
        }
        const filters = idlSequence(o.filters, "filters", D, where).map((f) => readUsbFilter(f, where));
        const excluded = exclusion.map((f) => readUsbFilter(f, where));
        if (ctl.options.requireUserActivation && !userIsActive()) {
          throw domError("SecurityError", where("Must be handling a user gesture to show a permission request."));
        }
        for (const f of filters.concat(excluded)) {
          const problem = usbFilterProblem(f);
          if (problem) return Promise.reject(new TypeError(problem));
        }
        return nextTask().then(() => {
          const candidates = ctl.usb.filter(
            (s) =>
              s.connected &&
              (filters.length === 0 || filters.some((f) => usbFilterMatches(s.desc, f))) &&
              !excluded.some((f) => usbFilterMatches(s.desc, f)),
          );
          const choice = ctl.choose("usb", candidates, options);
          if (!choice) throw domError("NotFoundError", where("No device selected."));
          choice.granted = true;
          return choice.device;
        });
      });
    }
  }
  setToStringTag(USBSimApi, "USB");
  defineEventHandler(USBSimApi.prototype, "connect");
  defineEventHandler(USBSimApi.prototype, "disconnect");

  // ---------------------------------------------------------------------------------------------
  // 6. Simulated USB hardware
  // ---------------------------------------------------------------------------------------------

  function freshUsbStats() {
    return {
      opens: 0,
      closes: 0,
      transfersIn: 0, // completed bulk IN transfers
      transfersOut: 0, // completed bulk OUT transfers
      bytesIn: 0, // device -> host
      bytesOut: 0, // host -> device
      controlIn: 0,
      controlOut: 0,
      stalls: 0, // control requests the device refused
      samplesProduced: 0, // 'usb-stream'
      samplesSent: 0,
      overflowSamples: 0, // produced while the device buffer was full: lost
      unplugs: 0,
      plugs: 0,
    };
  }

  /** A vendor-specific device: configuration 1, interface 0 (class 0xFF), the given endpoints. */
  function vendorDescriptor(spec, defaults, endpoints) {
    return {
      usbVersionMajor: 2,
      usbVersionMinor: 0,
      usbVersionSubminor: 0,
      deviceClass: 0xff,
      deviceSubclass: 0,
      deviceProtocol: 0,
      vendorId: spec.vendorId !== undefined ? spec.vendorId : defaults.vendorId,
      productId: spec.productId !== undefined ? spec.productId : defaults.productId,
      deviceVersionMajor: 1,
      deviceVersionMinor: 0,
      deviceVersionSubminor: 0,
      manufacturerName: spec.manufacturerName !== undefined ? spec.manufacturerName : "Flojoy",
      productName: spec.productName !== undefined ? spec.productName : defaults.label,
      serialNumber: spec.serialNumber !== undefined ? spec.serialNumber : defaults.serialNumber,
      configurations: [
        {
          configurationValue: 1,
          configurationName: null,
          interfaces: [
            {
              interfaceNumber: 0,
              alternates: [
                { alternateSetting: 0, interfaceClass: 0xff, interfaceSubclass: 0, interfaceProtocol: 0, interfaceName: null, endpoints },
              ],
            },
          ],
        },
      ],
    };
  }

  const bulk = (endpointNumber, direction) => ({ endpointNumber, direction, type: "bulk", packetSize: 64 });

  /** Base class of USB devices. Vendor control IN request 0x01 answers the firmware version. */
  class UsbSim {
    constructor(ctl, spec, defaults, endpoints) {
      this.controller = ctl;
      this.kind = spec.kind;
      this.name = spec.name;
      this.label = spec.label !== undefined ? String(spec.label) : defaults.label;
      this.desc = vendorDescriptor(spec, Object.assign({}, defaults, { label: this.label }), endpoints);
      /** Configuration already active when the device appears (null: none until selectConfiguration). */
      this.activeConfiguration = spec.activeConfiguration !== undefined ? spec.activeConfiguration : null;
      this.granted = spec.granted !== undefined ? Boolean(spec.granted) : ctl.options.granted !== false;
      this.connected = spec.connected !== undefined ? Boolean(spec.connected) : true;
      this._stats = freshUsbStats();
      /** Every bulk OUT payload the host sent, in order. */
      this.written = [];
      this.link = null;
      this.device = null;
      this.newDeviceObject();
    }

    /** Chrome makes a new USBDevice (new GUID) each time a device appears. */
    newDeviceObject() {
      const link = new UsbLink(this);
      this.device = new USBDeviceSim(link);
      link.device = this.device;
      this.link = link;
    }

    get stats() {
      this.refresh(clock());
      return this._stats;
    }
    resetStats() {
      this._stats = freshUsbStats();
    }
    get isOpen() {
      return this.link.opened;
    }
    /** Transfers the page started that have not completed yet. */
    get pendingTransfers() {
      let n = 0;
      for (const req of this.link.requests) if (req.transfer) n++;
      return n;
    }
    writtenText() {
      return latin1Text(concatBytes(this.written));
    }
    setRate() {
      throw new TypeError(`flojoyDemoDevices: a '${this.kind}' device has no rate`);
    }

    // --- hooks ---
    refresh(_t) {}
    hostOpened(_link) {
      this._stats.opens++;
    }
    hostClosed(_link) {
      this._stats.closes++;
    }
    hostClaimed(_link, _n) {}
    hostReleased(_link, _n) {}
    /** Power cycle: forget all device-side state. */
    powerOff() {}
    controlIn(setup, _length) {
      if (setup.requestType === "vendor" && setup.request === 0x01) return { status: "ok", data: new Uint8Array([1, 2, 3, 4]) };
      return { status: "stall", data: new Uint8Array(0) };
    }
    controlOut(_setup, _bytes) {
      return "stall";
    }
    countControl(dir, status, length) {
      const st = this._stats;
      if (dir === "in") st.controlIn++;
      else st.controlOut++;
      if (status === "stall") st.stalls++;
      else if (dir === "in") st.bytesIn += length;
      else st.bytesOut += length;
    }
    transferIn(_ep, _len, req) {
      req.fail("NetworkError", "A transfer error has occurred.");
    }
    transferOut(_ep, _bytes, req) {
      req.fail("NetworkError", "A transfer error has occurred.");
    }

    // --- plugging ---
    unplug() {
      if (!this.connected) return false;
      this.connected = false;
      this._stats.unplugs++;
      const wasOpen = this.link.opened;
      this.link.lose();
      if (wasOpen) this._stats.closes++;
      this.powerOff();
      if (this.granted) {
        this.controller.usbApi.dispatchEvent(new USBConnectionEventSim("disconnect", { device: this.device }));
      }
      return true;
    }
    plug() {
      if (this.connected) return false;
      this.connected = true;
      this._stats.plugs++;
      this.newDeviceObject();
      if (this.granted) {
        this.controller.usbApi.dispatchEvent(new USBConnectionEventSim("connect", { device: this.device }));
      }
      return true;
    }
    shutdown() {
      this.link.lose();
      this.powerOff();
    }
  }

  /**
   * 'echo' (0xCAFE:0x4001): a loopback. Bulk OUT endpoint 1 queues bytes (up to `bufferBytes`,
   * default 65536; a transfer that does not fit waits, like a NAKing device); bulk IN endpoint 1
   * returns up to `length` queued bytes, waiting until there are some. Vendor control requests:
   * IN 0x01 -> [1, 2, 3, 4] (firmware version); OUT 0x02 stores wValue; IN 0x03 -> the stored
   * value as 2 bytes little-endian; anything else stalls (status "stall", no exception).
   */
  class EchoSim extends UsbSim {
    constructor(ctl, spec, defaults) {
      super(ctl, spec, defaults, [bulk(1, "in"), bulk(1, "out")]);
      this.capacity = spec.bufferBytes !== undefined ? Number(spec.bufferBytes) : 65536;
      this.powerOff();
    }
    powerOff() {
      this.queue = []; // Uint8Array chunks, oldest first
      this.queued = 0;
      this.waitingIn = [];
      this.waitingOut = [];
      this.stored = 0;
    }
    controlIn(setup, length) {
      if (setup.requestType === "vendor" && setup.request === 0x03) {
        return { status: "ok", data: new Uint8Array([this.stored & 0xff, this.stored >> 8]) };
      }
      return super.controlIn(setup, length);
    }
    controlOut(setup, _bytes) {
      if (setup.requestType === "vendor" && setup.request === 0x02) {
        this.stored = setup.value;
        return "ok";
      }
      return "stall";
    }
    transferIn(_ep, len, req) {
      this.waitingIn.push({ req, len });
      this.service();
    }
    transferOut(_ep, bytes, req) {
      this.waitingOut.push({ req, bytes });
      this.service();
    }
    take(max) {
      const out = new Uint8Array(Math.min(max, this.queued));
      let o = 0;
      while (o < out.length) {
        const head = this.queue[0];
        const n = Math.min(head.length, out.length - o);
        out.set(head.subarray(0, n), o);
        o += n;
        if (n === head.length) this.queue.shift();
        else this.queue[0] = head.subarray(n);
      }
      this.queued -= out.length;
      return out;
    }
    service() {
      const st = this._stats;
      let progress = true;
      while (progress) {
        progress = false;
        // Host -> device: accept whole transfers, in order, while they fit.
        while (this.waitingOut.length > 0) {
          const w = this.waitingOut[0];
          if (w.req.done) {
            this.waitingOut.shift();
            continue;
          }
          if (this.queued > 0 && this.queued + w.bytes.length > this.capacity) break;
          this.waitingOut.shift();
          if (w.bytes.length > 0) {
            this.queue.push(w.bytes);
            this.queued += w.bytes.length;
          }
          this.written.push(w.bytes);
          st.transfersOut++;
          st.bytesOut += w.bytes.length;
          w.req.finish(true, new USBOutTransferResultSim("ok", w.bytes.length));
          progress = true;
        }
        // Device -> host: a short packet ends the transfer with whatever is queued.
        while (this.waitingIn.length > 0) {
          const w = this.waitingIn[0];
          if (w.req.done) {
            this.waitingIn.shift();
            continue;
          }
          if (w.len > 0 && this.queued === 0) break;
          this.waitingIn.shift();
          const bytes = this.take(w.len);
          st.transfersIn++;
          st.bytesIn += bytes.length;
          w.req.finish(true, new USBInTransferResultSim("ok", bytes));
          progress = true;
        }
      }
    }
  }

  /**
   * 'usb-stream' (0xCAFE:0x4002): a data logger. From claimInterface(0) on, it produces int16
   * little-endian samples k = 0, 1, 2, ... (the value is k % 32768) at `rate` samples/s (default
   * 10000) by the wall clock into a device buffer of `bufferSamples` (default 65536); samples
   * produced while that buffer is full are lost (stats.overflowSamples). Bulk IN endpoint 2
   * returns what is buffered: at least one sample (it waits for one), at most `length` bytes
   * (whole samples; a length below 2 gets status "babble"). Releasing the interface, closing or
   * unplugging stops it; the next claim starts again from k = 0.
   */
  class UsbStreamSim extends UsbSim {
    constructor(ctl, spec, defaults) {
      super(ctl, spec, defaults, [bulk(2, "in")]);
      this.rate = spec.rate !== undefined ? Number(spec.rate) : 10000;
      this.bufferSamples = spec.bufferSamples !== undefined ? Number(spec.bufferSamples) : 65536;
      this.job = (t) => this.service(t);
      this.running = false;
      this.powerOff();
    }
    powerOff() {
      this.running = false;
      ticker.remove(this.job);
      this.runs = []; // buffered samples as runs { start: k, count }
      this.buffered = 0;
      this.produced = 0;
      this.base = 0;
      this.t0 = 0;
      this.waiting = [];
    }
    hostClaimed(_link, n) {
      if (n !== 0) return;
      this.powerOff();
      this.running = true;
      this.t0 = clock();
    }
    hostReleased(_link, n) {
      if (n === 0) this.powerOff();
    }
    hostClosed(link) {
      super.hostClosed(link);
      this.powerOff();
    }
    setRate(rate) {
      const r = Number(rate);
      if (!(r >= 0) || !Number.isFinite(r)) throw new RangeError("flojoyDemoDevices: rate must be a finite number >= 0");
      const t = clock();
      this.refresh(t);
      this.base = this.produced;
      this.t0 = t;
      this.rate = r;
    }
    /** Brings the device buffer up to time t (lazily: nothing runs while nobody asks). */
    refresh(t) {
      if (!this.running) return;
      const due = this.base + Math.floor(((t - this.t0) * this.rate) / 1000);
      const fresh = due - this.produced;
      if (fresh <= 0) return;
      const keep = Math.min(fresh, Math.max(0, this.bufferSamples - this.buffered));
      if (keep > 0) {
        const last = this.runs[this.runs.length - 1];
        if (last && last.start + last.count === this.produced) last.count += keep;
        else this.runs.push({ start: this.produced, count: keep });
        this.buffered += keep;
      }
      this._stats.overflowSamples += fresh - keep;
      this.produced = due;
      this._stats.samplesProduced = due;
    }
    take(max) {
      const count = Math.min(max, this.buffered);
      const out = new Uint8Array(count * 2);
      let o = 0;
      let left = count;
      while (left > 0) {
        const run = this.runs[0];
        const n = Math.min(left, run.count);
        for (let i = 0; i < n; i++) {
          const v = (run.start + i) % 32768;
          out[o++] = v & 0xff;
          out[o++] = v >> 8;
        }
        run.start += n;
        run.count -= n;
        if (run.count === 0) this.runs.shift();
        left -= n;
      }
      this.buffered -= count;
      return out;
    }
    transferIn(_ep, len, req) {
      this.waiting.push({ req, len });
      this.service(clock());
    }
    service(t) {
      this.refresh(t);
      const st = this._stats;
      while (this.waiting.length > 0) {
        const w = this.waiting[0];
        if (w.req.done) {
          this.waiting.shift();
          continue;
        }
        const max = Math.floor(w.len / 2);
        if (max === 0) {
          this.waiting.shift();
          w.req.finish(true, new USBInTransferResultSim("babble", new Uint8Array(0)));
          continue;
        }
        if (this.buffered === 0) break;
        this.waiting.shift();
        const bytes = this.take(max);
        st.transfersIn++;
        st.bytesIn += bytes.length;
        st.samplesSent += bytes.length / 2;
        w.req.finish(true, new USBInTransferResultSim("ok", bytes));
      }
      if (this.waiting.length > 0) ticker.add(this.job);
      else ticker.remove(this.job);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 7. The controller
  // ---------------------------------------------------------------------------------------------

  /** Kinds: class, bus, and what a device of that kind looks like unless its spec says otherwise. */
  const KINDS = {
    arduino: { bus: "serial", make: ArduinoSim, label: "Arduino Uno (simulated)", usbVendorId: 0x2341, usbProductId: 0x0043 },
    unplug: { bus: "serial", make: UnplugSim, label: "Arduino Uno, unplugs itself (simulated)", usbVendorId: 0x2341, usbProductId: 0x0043 },
    malformed: { bus: "serial", make: MalformedSim, label: "Arduino Uno, noisy line (simulated)", usbVendorId: 0x2341, usbProductId: 0x0043 },
    scpi: { bus: "serial", make: ScpiSim, label: "SCPI voltmeter (simulated)", usbVendorId: 0x0403, usbProductId: 0x6001 },
    busy: { bus: "serial", make: BusySim, label: "Serial port in use (simulated)", usbVendorId: 0x1a86, usbProductId: 0x7523 },
    echo: { bus: "usb", make: EchoSim, label: "Flojoy USB echo (simulated)", vendorId: 0xcafe, productId: 0x4001, serialNumber: "SIM-ECHO-0001" },
    "usb-stream": {
      bus: "usb",
      make: UsbStreamSim,
      label: "Flojoy USB streamer (simulated)",
      vendorId: 0xcafe,
      productId: 0x4002,
      serialNumber: "SIM-STREAM-0001",
    },
  };

  /** install({ demo: true }): what a visitor without hardware gets. */
  const DEMO_SET = Object.freeze({
    serial: Object.freeze([
      Object.freeze({ kind: "arduino", name: "arduino", rate: 1000 }),
      Object.freeze({ kind: "scpi", name: "scpi" }),
    ]),
    usb: Object.freeze([
      Object.freeze({ kind: "echo", name: "echo" }),
      Object.freeze({ kind: "usb-stream", name: "usb-stream", rate: 10000 }),
    ]),
  });

  function defaultChoice(candidates) {
    return candidates.find((c) => !c.granted) || candidates[0] || null;
  }

  const controller = {
    version: 1,
    installed: false,
    /** The options of the current install (with defaults filled in). */
    options: { granted: true, requireUserActivation: true, replaceNavigator: true },
    /** Serial device handles, in install order. */
    serial: [],
    /** USB device handles, in install order. */
    usb: [],
    /** The emulated navigator.serial / navigator.usb (also usable without replacing navigator). */
    serialApi: null,
    usbApi: null,
    kinds: Object.keys(KINDS),
    demoSet: DEMO_SET,
    _saved: null,

    install(options = {}) {
      if (this.installed) this.uninstall();
      const opts = Object.assign({ granted: true, requireUserActivation: true, replaceNavigator: true }, options);
      let serialSpecs = Array.from(opts.serial || []);
      let usbSpecs = Array.from(opts.usb || []);
      if (opts.demo) {
        serialSpecs = DEMO_SET.serial.concat(serialSpecs);
        usbSpecs = DEMO_SET.usb.concat(usbSpecs);
      }
      const nav = globalThis.navigator;
      if (opts.replaceNavigator && !nav) throw new Error("flojoyDemoDevices.install: there is no navigator to install into");
      this.options = opts;
      this.serialApi = new SerialSimApi(this);
      this.usbApi = new USBSimApi(this);
      const names = new Set();
      const build = (spec, bus) => {
        const kind = KINDS[spec && spec.kind];
        if (!kind || kind.bus !== bus) {
          const allowed = Object.keys(KINDS).filter((k) => KINDS[k].bus === bus);
          throw new Error(`flojoyDemoDevices.install: unknown ${bus} device kind '${spec && spec.kind}' (known: ${allowed.join(", ")})`);
        }
        let name = spec.name !== undefined ? String(spec.name) : spec.kind;
        if (names.has(name)) {
          if (spec.name !== undefined) throw new Error(`flojoyDemoDevices.install: two devices are named '${name}'`);
          let i = 2;
          while (names.has(`${spec.kind}-${i}`)) i++;
          name = `${spec.kind}-${i}`;
        }
        names.add(name);
        return new kind.make(this, Object.assign({}, spec, { name }), kind);
      };
      this.serial = serialSpecs.map((s) => build(s, "serial"));
      this.usb = usbSpecs.map((s) => build(s, "usb"));
      if (opts.replaceNavigator) {
        this._saved = {
          serial: Object.getOwnPropertyDescriptor(nav, "serial"),
          usb: Object.getOwnPropertyDescriptor(nav, "usb"),
        };
        const serialApi = this.serialApi;
        const usbApi = this.usbApi;
        Object.defineProperty(nav, "serial", { configurable: true, enumerable: true, get: () => serialApi });
        Object.defineProperty(nav, "usb", { configurable: true, enumerable: true, get: () => usbApi });
      }
      this.installed = true;
      return this;
    },

    uninstall() {
      for (const handle of this.serial) handle.shutdown();
      for (const handle of this.usb) handle.shutdown();
      const nav = globalThis.navigator;
      if (this._saved && nav) {
        for (const key of ["serial", "usb"]) {
          const saved = this._saved[key];
          if (saved) Object.defineProperty(nav, key, saved);
          else delete nav[key];
        }
      }
      this._saved = null;
      this.serial = [];
      this.usb = [];
      this.installed = false;
    },

    find(name) {
      return this.serial.find((h) => h.name === name) || this.usb.find((h) => h.name === name) || null;
    },

    plug(name, options) {
      return this._handle(name).plug(options);
    },

    unplug(name) {
      return this._handle(name).unplug();
    },

    _handle(name) {
      const handle = this.find(name);
      if (!handle) throw new Error(`flojoyDemoDevices: no simulated device named '${name}'`);
      return handle;
    },

    /** The chooser: options.choose(kind, candidates, requestOptions), or the default pick. */
    choose(kind, candidates, requestOptions) {
      if (typeof this.options.choose !== "function") return defaultChoice(candidates);
      const picked = this.options.choose(kind, candidates.slice(), requestOptions);
      if (picked === null || picked === undefined || picked === false) return null;
      const handle = typeof picked === "string" ? candidates.find((c) => c.name === picked) : picked;
      return candidates.includes(handle) ? handle : null;
    },
  };

  globalThis.flojoyDemoDevices = controller;
})();
