// Simulated USB hardware: the base class, 'echo' and 'usb-stream'.

import { DeviceSim, RateClock } from "../device.js";
import { USBConnectionEventSim } from "../events.js";
import { clock, ticker } from "../time.js";
import { USBDeviceSim } from "./api.js";
import { USBInTransferResultSim, USBOutTransferResultSim } from "./descriptors.js";
import { UsbLink } from "./link.js";

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

/**
 * A device with configuration 1 and one interface 0: vendor-specific (class 0xFF) unless
 * `iface` gives its class, subclass and protocol (a USBTMC instrument: 0xFE, 0x03, 0x01).
 */
function vendorDescriptor(spec, defaults, endpoints, iface = { cls: 0xff, sub: 0, proto: 0 }) {
  return {
    usbVersionMajor: 2,
    usbVersionMinor: 0,
    usbVersionSubminor: 0,
    deviceClass: iface.cls === 0xff ? 0xff : 0,
    deviceSubclass: 0,
    deviceProtocol: 0,
    vendorId: spec.vendorId !== undefined ? spec.vendorId : defaults.vendorId,
    productId: spec.productId !== undefined ? spec.productId : defaults.productId,
    deviceVersionMajor: 1,
    deviceVersionMinor: 0,
    deviceVersionSubminor: 0,
    manufacturerName: spec.manufacturerName !== undefined ? spec.manufacturerName : defaults.manufacturerName || "Flojoy",
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
              {
                alternateSetting: 0,
                interfaceClass: iface.cls,
                interfaceSubclass: iface.sub,
                interfaceProtocol: iface.proto,
                interfaceName: null,
                endpoints,
              },
            ],
          },
        ],
      },
    ],
  };
}

const bulk = (endpointNumber, direction) => ({ endpointNumber, direction, type: "bulk", packetSize: 64 });

/** Base class of USB devices. Vendor control IN request 0x01 answers the firmware version. */
export class UsbSim extends DeviceSim {
  constructor(ctl, spec, defaults, endpoints, iface) {
    super(ctl, spec, defaults);
    this.desc = vendorDescriptor(spec, Object.assign({}, defaults, { label: this.label }), endpoints, iface);
    /** Configuration already active when the device appears (null: none until selectConfiguration). */
    this.activeConfiguration = spec.activeConfiguration !== undefined ? spec.activeConfiguration : null;
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

  get facade() {
    return this.device;
  }
  freshStats() {
    return freshUsbStats();
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

  // --- hooks ---
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

  // --- plugging (DeviceSim's hooks) ---
  disconnectHost() {
    const wasOpen = this.link.opened;
    this.link.lose();
    if (wasOpen) this._stats.closes++;
    this.powerOff();
  }
  replug() {
    this.newDeviceObject();
  }
  announce(type) {
    // fired at navigator.usb only, carrying the device
    this.controller.usbApi.dispatchEvent(new USBConnectionEventSim(type, { device: this.device }));
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
export class EchoSim extends UsbSim {
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
export class UsbStreamSim extends UsbSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults, [bulk(2, "in")]);
    this.rateClock = new RateClock(spec.rate !== undefined ? Number(spec.rate) : 10000);
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
    this.rateClock.start(0);
    this.waiting = [];
  }
  hostClaimed(_link, n) {
    if (n !== 0) return;
    this.powerOff();
    this.running = true;
    this.rateClock.start(clock());
  }
  hostReleased(_link, n) {
    if (n === 0) this.powerOff();
  }
  hostClosed(link) {
    super.hostClosed(link);
    this.powerOff();
  }
  get rate() {
    return this.rateClock.rate;
  }
  setRate(rate) {
    const r = RateClock.check(rate);
    const t = clock();
    this.refresh(t);
    this.rateClock.change(r, t, this.produced);
  }
  /** Brings the device buffer up to time t (lazily: nothing runs while nobody asks). */
  refresh(t) {
    if (!this.running) return;
    const due = this.rateClock.due(t);
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
