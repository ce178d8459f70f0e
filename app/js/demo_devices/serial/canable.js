// 'canable': a simulated CANable USB-to-CAN adapter with slcan firmware (the Lawicel ASCII
// protocol over a USB serial port).

import { latin1Text } from "../bytes.js";
import { SerialSim } from "./devices.js";
import { later } from "../time.js";

/** slcan's bit-rate commands. */
const BITRATES = { S0: 10000, S1: 20000, S2: 50000, S3: 100000, S4: 125000, S5: 250000, S6: 500000, S7: 750000, S8: 1000000 };

const hex = (n, width) => n.toString(16).toUpperCase().padStart(width, "0");

/** A frame as the slcan line that carries it (without "\r"). */
export function frameLine({ id, extended = false, remote = false, data = [], dlc }) {
  const kind = extended ? (remote ? "R" : "T") : remote ? "r" : "t";
  const length = dlc !== undefined ? dlc : data.length;
  const bytes = remote ? "" : Array.from(data, (b) => hex(b & 0xff, 2)).join("");
  return `${kind}${hex(id, extended ? 8 : 3)}${length}${bytes}`;
}

/** An slcan frame line → { id, extended, remote, dlc, data, line }, or null when malformed. */
export function parseFrame(line) {
  const m = /^([tTrR])([0-9A-Fa-f]+)$/.exec(line);
  if (!m) return null;
  const extended = m[1] === "T" || m[1] === "R";
  const remote = m[1] === "r" || m[1] === "R";
  const idLen = extended ? 8 : 3;
  const body = m[2];
  if (body.length < idLen + 1) return null;
  const id = parseInt(body.slice(0, idLen), 16);
  const dlc = Number(body[idLen]);
  if (!(dlc >= 0 && dlc <= 8) || id > (extended ? 0x1fffffff : 0x7ff)) return null;
  const rest = body.slice(idLen + 1);
  if (rest.length !== (remote ? 0 : 2 * dlc)) return null;
  const data = [];
  for (let i = 0; i < rest.length; i += 2) data.push(parseInt(rest.slice(i, i + 2), 16));
  return { id, extended, remote, dlc, data, line };
}

/**
 * 'canable': answers slcan commands ending in "\r", `delayMs` (default 1) after each:
 *   C                  close the channel: "\r" if it was open, else "\x07" (Lawicel's BELL)
 *   S0..S8             set the bit rate (10k..1M): "\r" while closed, "\x07" while open
 *   O                  open the channel: "\r" if it was closed, else "\x07"
 *   tIIIL.., TIIIIIIIIL.., rIIIL, RIIIIIIIIL
 *                      a frame for the bus: recorded in `frames` (with the bit rate and time)
 *                      and answered "z\r" (standard) / "Z\r" (extended) while the channel is
 *                      open; "\x07" while closed or when malformed
 *   V, v, N            version / serial number ("V1013\r", "vSIM01\r", "NSIM1\r")
 *   anything else      "\x07"
 * Every command line is kept in `commands`. Frames from the bus: `receive(frame)` (frame:
 * { id, extended?, remote?, data? } or an slcan line) sends it as a "t…\r" line while the
 * channel is open (false otherwise); spec.busTraffic: [frame, …] are received every
 * `busPeriodMs` (default 100) while the channel is open. Unplugging loses the channel (the
 * adapter is powered by USB), and stats.framesSent / framesReceived / refused count.
 */
export class CanableSim extends SerialSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.delayMs = spec.delayMs !== undefined ? Number(spec.delayMs) : 1;
    this.busTraffic = Array.from(spec.busTraffic || []);
    this.busPeriodMs = spec.busPeriodMs !== undefined ? Number(spec.busPeriodMs) : 100;
    this.channelOpen = false;
    this.bitrate = null;
    /** Every command line the host sent, in order (without "\r"). */
    this.commands = [];
    /** Frames the host sent to the bus: { id, extended, remote, dlc, data, line, bitrate, t }. */
    this.frames = [];
    this.inbox = "";
    this.timers = new Set();
    this.busTimer = null;
  }

  freshStats() {
    return Object.assign(super.freshStats(), { framesSent: 0, framesReceived: 0, refused: 0 });
  }

  onOpen() {
    this.inbox = "";
  }
  onClose() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.inbox = "";
    this.stopBus();
  }
  disconnectHost() {
    this.channelOpen = false;
    this.stopBus();
    super.disconnectHost();
  }

  onWrite(bytes) {
    this.inbox += latin1Text(bytes);
    let end;
    while ((end = this.inbox.indexOf("\r")) >= 0) {
      const line = this.inbox.slice(0, end).replace(/^\n+/, "");
      this.inbox = this.inbox.slice(end + 1);
      this.reply(this.execute(line));
    }
    if (this.inbox.length > 64) this.inbox = ""; // junk without a terminator
  }

  execute(line) {
    this.commands.push(line);
    const ok = "\r";
    const bell = "\x07";
    const head = line[0];
    if (line === "C") {
      const was = this.channelOpen;
      this.channelOpen = false;
      this.stopBus();
      return was ? ok : bell;
    }
    if (head === "S" && BITRATES[line] !== undefined) {
      if (this.channelOpen) return bell;
      this.bitrate = BITRATES[line];
      return ok;
    }
    if (line === "O") {
      if (this.channelOpen) return bell;
      this.channelOpen = true;
      this.startBus();
      return ok;
    }
    if (head === "t" || head === "T" || head === "r" || head === "R") {
      const frame = parseFrame(line);
      if (!frame || !this.channelOpen) {
        this._stats.refused++;
        return bell;
      }
      this.frames.push(Object.assign(frame, { bitrate: this.bitrate, t: performance.now() }));
      this._stats.framesSent++;
      return frame.extended ? "Z\r" : "z\r";
    }
    if (line === "V") return "V1013\r";
    if (line === "v") return "vSIM01\r";
    if (line === "N") return "NSIM1\r";
    return bell;
  }

  reply(text) {
    const link = this.link;
    const timer = later(() => {
      this.timers.delete(timer);
      if (this.link === link) this.sendLine(text);
    }, this.delayMs);
    this.timers.add(timer);
  }

  /** A frame from the bus to the host; false when the channel is closed (nothing is received). */
  receive(frame) {
    if (!this.channelOpen || !this.link) return false;
    const line = typeof frame === "string" ? frame : frameLine(frame);
    if (!this.sendLine(`${line}\r`)) return false;
    this._stats.framesReceived++;
    return true;
  }

  /** The bytes of the frames sent, as slcan lines (what a test compares). */
  frameLines() {
    return this.frames.map((f) => f.line);
  }

  startBus() {
    if (this.busTraffic.length === 0 || this.busTimer !== null) return;
    let i = 0;
    this.busTimer = setInterval(() => {
      this.receive(this.busTraffic[i % this.busTraffic.length]);
      i++;
    }, this.busPeriodMs);
  }
  stopBus() {
    if (this.busTimer !== null) clearInterval(this.busTimer);
    this.busTimer = null;
  }
}
