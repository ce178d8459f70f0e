// A simulated USBTMC (USB488) instrument: what any bench instrument on USB does below its
// command language. Subclasses only answer messages (`answer(text)`).
//
// Interface 0 is class 0xFE, subclass 0x03, protocol 0x01 (USB488) with Bulk-OUT endpoint 1
// and Bulk-IN endpoint 2 (512-byte packets, high speed). The device side of USBTMC 1.0:
//   Bulk-OUT  DEV_DEP_MSG_OUT (MsgID 1): bTag/bTagInverse checked, the message collected up to
//             EOM, then answered; REQUEST_DEV_DEP_MSG_IN (MsgID 2): the host asks for up to
//             TransferSize bytes of the answer (ending at TermChar when asked and enabled).
//   Bulk-IN   DEV_DEP_MSG_IN (MsgID 2) transfers: a 12-byte header (the request's bTag,
//             TransferSize, EOM on the last) then the bytes, padded to 4; each transferIn hands
//             over up to `length` bytes of the transfer under way, like a host controller.
//   Control   GET_CAPABILITIES, INITIATE/CHECK_ABORT_BULK_IN/OUT, INITIATE_CLEAR/CHECK_CLEAR_STATUS,
//             READ_STATUS_BYTE (answered in the control reply: no interrupt endpoint).
// A malformed header stalls the endpoint (status "stall"), as a real instrument does.
//
// Handle: `messages` (every message the host sent, as text, in order), `answers` (every
// answer, as text), `errors` (the error queue), `fault(kind)` queues a one-shot fault:
// "timeout" (the next query gets no answer, until the host aborts it).

import { latin1Bytes, latin1Text } from "../bytes.js";
import { USBInTransferResultSim, USBOutTransferResultSim } from "./descriptors.js";
import { UsbSim } from "./devices.js";

const DEV_DEP_MSG_OUT = 1;
const REQUEST_DEV_DEP_MSG_IN = 2;
const DEV_DEP_MSG_IN = 2;
const TRIGGER = 128;
const PACKET = 512;
const BULK_OUT = 1;
const BULK_IN = 2;

const SUCCESS = 0x01;
const PENDING = 0x02;
const FAILED = 0x80;

const bulk = (endpointNumber, direction) => ({ endpointNumber, direction, type: "bulk", packetSize: PACKET });

export class UsbtmcSim extends UsbSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults, [bulk(BULK_OUT, "out"), bulk(BULK_IN, "in")], { cls: 0xfe, sub: 0x03, proto: 0x01 });
    this.messages = [];
    this.answers = [];
    this.faults = [];
    this.powerOff();
  }
  powerOff() {
    this.incoming = [];
    this.output = null; // { bytes, pos }
    this.request = null; // { tag, size, termChar }
    this.pipe = []; // Uint8Array transfers on their way to the host
    this.waitingIn = [];
    this.lastTag = 0;
    this.errors = [];
  }
  fault(kind) {
    if (kind !== "timeout") throw new TypeError(`flojoyDemoDevices: unknown USBTMC fault '${kind}' (timeout)`);
    this.faults.push(kind);
  }

  /** The answer to a message (text, or a Uint8Array), or undefined for a command. Subclasses. */
  answer(_text) {
    return undefined;
  }

  // --- control requests ---
  controlIn(setup, length) {
    if (setup.requestType !== "class") return super.controlIn(setup, length);
    const tag = setup.value & 0xff;
    const reply = (...bytes) => ({ status: "ok", data: new Uint8Array(bytes) });
    switch (setup.request) {
      case 7: {
        // GET_CAPABILITIES: USBTMC 1.00, no TermChar; USB488 1.00, 488.2, REN, TRIGGER, SCPI
        const b = new Uint8Array(24);
        b[0] = SUCCESS;
        b[3] = 0x01;
        b[13] = 0x01;
        b[14] = 0x07;
        b[15] = 0x0b;
        return { status: "ok", data: b };
      }
      case 3: // INITIATE_ABORT_BULK_IN
        if (this.request && this.request.tag === tag) {
          this.request = null;
          this.output = null;
          this.pipe.push(new Uint8Array(0));
          this.serve();
          return reply(SUCCESS, tag);
        }
        if (this.pipe.length > 0) {
          this.output = null;
          return reply(SUCCESS, tag);
        }
        return reply(FAILED, tag);
      case 4: // CHECK_ABORT_BULK_IN_STATUS
        return this.pipe.length > 0 ? reply(PENDING, 1, 0, 0, 0, 0, 0, 0) : reply(SUCCESS, 0, 0, 0, 0, 0, 0, 0);
      case 1: // INITIATE_ABORT_BULK_OUT
        this.incoming = [];
        return reply(SUCCESS, tag);
      case 2: // CHECK_ABORT_BULK_OUT_STATUS
        return reply(SUCCESS, 0, 0, 0, 0, 0, 0, 0);
      case 5: // INITIATE_CLEAR
        this.incoming = [];
        this.output = null;
        this.request = null;
        return reply(SUCCESS);
      case 6: // CHECK_CLEAR_STATUS
        return this.pipe.length > 0 ? reply(PENDING, 1) : reply(SUCCESS, 0);
      case 128: {
        // READ_STATUS_BYTE: MAV (bit 4) when an answer waits, EAV (bit 2) with errors queued
        const stb = (this.output || this.pipe.length > 0 ? 0x10 : 0) | (this.errors.length > 0 ? 0x04 : 0);
        return reply(SUCCESS, tag, stb);
      }
      default:
        return { status: "stall", data: new Uint8Array(0) };
    }
  }
  controlOut(_setup, _bytes) {
    return "stall";
  }

  // --- bulk endpoints ---
  transferOut(_ep, bytes, req) {
    const st = this._stats;
    const problem = this.receive(bytes);
    if (problem) {
      st.stalls++;
      req.finish(true, new USBOutTransferResultSim("stall", 0));
      return;
    }
    this.written.push(bytes);
    st.transfersOut++;
    st.bytesOut += bytes.length;
    req.finish(true, new USBOutTransferResultSim("ok", bytes.length));
  }

  transferIn(_ep, length, req) {
    this.waitingIn.push({ req, length });
    this.serve();
  }

  /** A Bulk-OUT transfer from the host; a problem (a string) stalls it. */
  receive(b) {
    if (b.length < 12) return "no header";
    const [msgId, tag, inverse, reserved] = b;
    if (tag === 0 || inverse !== (~tag & 0xff) || reserved !== 0) return "bad bTag";
    this.lastTag = tag;
    const size = b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] * 0x1000000);
    if (msgId === DEV_DEP_MSG_OUT) {
      if (b.length < 12 + size) return "short transfer";
      this.incoming.push(b.subarray(12, 12 + size));
      if (b[8] & 0x01) {
        const parts = this.incoming;
        this.incoming = [];
        let text = "";
        for (const p of parts) text += latin1Text(p);
        this.handle(text.replace(/\r?\n$/, ""));
      }
      return null;
    }
    if (msgId === REQUEST_DEV_DEP_MSG_IN) {
      this.request = { tag, size, termChar: b[8] & 0x02 ? b[9] : null };
      this.serve();
      return null;
    }
    if (msgId === TRIGGER) return null;
    return `MsgID ${msgId}`;
  }

  handle(text) {
    this.messages.push(text);
    let reply;
    try {
      reply = this.answer(text);
    } catch (err) {
      this.errors.push([-100, String(err && err.message ? err.message : err)]);
      return;
    }
    if (reply === undefined) return;
    if (this.faults[0] === "timeout") {
      this.faults.shift();
      return;
    }
    const bytes = typeof reply === "string" ? latin1Bytes(`${reply}\n`) : reply;
    if (typeof reply === "string") this.answers.push(reply);
    this.output = { bytes, pos: 0 };
    this.serve();
  }

  /** Turns a waiting request and answer into a transfer; hands transfers to waiting reads. */
  serve() {
    if (this.request && this.output) {
      const { tag, size } = this.request;
      const out = this.output;
      const n = Math.min(size, out.bytes.length - out.pos);
      const eom = out.pos + n === out.bytes.length;
      const t = new Uint8Array(12 + n + ((4 - (n % 4)) % 4));
      t[0] = DEV_DEP_MSG_IN;
      t[1] = tag;
      t[2] = ~tag & 0xff;
      t[4] = n & 0xff;
      t[5] = (n >> 8) & 0xff;
      t[6] = (n >> 16) & 0xff;
      t[7] = (n >>> 24) & 0xff;
      t[8] = eom ? 0x01 : 0;
      t.set(out.bytes.subarray(out.pos, out.pos + n), 12);
      out.pos += n;
      if (eom) this.output = null;
      this.request = null;
      this.pipe.push(t);
    }
    const st = this._stats;
    while (this.waitingIn.length > 0 && this.pipe.length > 0) {
      const w = this.waitingIn.shift();
      if (w.req.done) continue;
      const front = this.pipe[0];
      const n = Math.min(w.length, front.length);
      const chunk = front.slice(0, n);
      if (n === front.length) this.pipe.shift();
      else this.pipe[0] = front.subarray(n);
      st.transfersIn++;
      st.bytesIn += chunk.length;
      w.req.finish(true, new USBInTransferResultSim("ok", chunk));
    }
  }
}
