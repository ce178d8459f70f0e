// Simulated serial hardware: the base class and the streaming kinds.

import { latin1Bytes } from "../bytes.js";
import { DeviceSim, RateClock } from "../device.js";
import { fireBubbling } from "../events.js";
import { SerialPortSim } from "./api.js";
import { SerialLink } from "./link.js";
import { clock, ticker } from "../time.js";

/** Serial data is handed to the page in chunks of at most this many bytes (a full-speed USB
 * packet), so lines are split across reads as they are with real USB-serial adapters. */
const DEFAULT_CHUNK_BYTES = 64;

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
export class SerialSim extends DeviceSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.usbVendorId = spec.usbVendorId !== undefined ? spec.usbVendorId : defaults.usbVendorId;
    this.usbProductId = spec.usbProductId !== undefined ? spec.usbProductId : defaults.usbProductId;
    this.chunkBytes = Math.max(1, spec.chunkBytes || DEFAULT_CHUNK_BYTES);
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

  get facade() {
    return this.port;
  }
  freshStats() {
    return freshSerialStats();
  }
  get isOpen() {
    return this.link !== null;
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

  // --- plugging (DeviceSim's hooks) ---
  disconnectHost() {
    this.portLink.loseConnection();
  }
  replug(options) {
    if (options.newObject) this.newPortObject();
  }
  announce(type) {
    // Chrome fires it at the port, and it bubbles to navigator.serial
    fireBubbling(this.port, this.controller.serialApi, type);
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
export class ArduinoSim extends SerialSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.rateClock = new RateClock(spec.rate !== undefined ? Number(spec.rate) : 1000);
    this.period = spec.period !== undefined ? Number(spec.period) : 100;
    this.columns = spec.columns !== undefined ? Number(spec.columns) : 2;
    this.n = 0; // next row number
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

  get rate() {
    return this.rateClock.rate;
  }

  onOpen(t) {
    this.n = 0;
    this.rateClock.start(t);
    ticker.add(this.job);
  }
  onClose() {
    ticker.remove(this.job);
  }

  setRate(rate) {
    const r = RateClock.check(rate);
    const t = clock();
    if (this.link) this.produce(t);
    this.rateClock.change(r, t, this.n);
  }

  produce(t) {
    const link = this.link;
    if (!link) return;
    const due = this.rateClock.due(t);
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
export class UnplugSim extends ArduinoSim {
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
export class MalformedSim extends ArduinoSim {
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
export class BusySim extends SerialSim {
  refusesOpen() {
    return true;
  }
}
