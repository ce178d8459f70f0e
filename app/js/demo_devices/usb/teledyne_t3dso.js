// 't3dso': a simulated Teledyne LeCroy T3DSO1104 oscilloscope (a rebadged Siglent SDS1000X-E) on
// USBTMC (Siglent's vendor id 0xF4EC; the product id is a stand-in). Channel 1 sees a sine
// (spec.signal: { frequency, amplitude (peak volts), offset }, by default 1 kHz, 1 V, 0 V),
// crossing its offset rising at t = 0, the trigger, in the middle of the screen's 14
// divisions; channels 2 to 4 read a flat 0 V. Digital channel D0 carries a square wave at the
// sine's frequency, high while the sine is at or above its offset (spec.digital: false for
// none). Understands what Flojoy's T3DSO1XXX nodes send (Studio's blocks, Siglent's SCPI),
// headers in any case:
//   *IDN?, *RST (default settings), INR? (0), CHDR|COMM_HEADER OFF|SHORT|LONG (kept, and its
//   query; answers come without headers or units whatever it is), ASET (auto setup: channel
//   1's scale and the time scale to show the sine), C<n>:TRACE ON|OFF, C<n>:VDIV|VOLT_DIV <V>,
//   C<n>:OFST|OFFSET <V>, TDIV|TIME_DIV <t>[NS|US|MS|S], each with its query (numbers as
//   "5.00E-01"); SARA? and DI:SARA? ("500.00kSa/s": 500 kSa/s analog, 100 kSa/s digital);
//   C<n>:WF? DAT2 and D0:WF? DAT2: "DAT2,#9", nine digits of length, the bytes and "\n\n", as
//   Siglent's programming guide shows it; the record is the screen, 14 · TDIV · rate points;
//   an analog point is the code round((v + OFST) / VDIV · 25) clipped to ±127, as a signed
//   byte; digital points are bits, 8 to a byte, the first in the least significant bit;
//   PACU <param>,C<n> (adds a measurement: 5 at most, the oldest dropped);
//   C<n>:PAVA? <param> ("PKPK,2.000000E+00V": the sine's exact values; "****" where a flat
//   channel has none); PAVA? STAT<k> ("STAT<k>:OFF" unless the Measure and Statistics menus
//   are on; else "STAT<k> C1 PKPK:cur,<v>,mean,<v>,min,<v>,max,<v>,std-dev,0...,count,1", or
//   "STAT<k>:" for an empty slot); SY_FP 26,1 (the Measure key: measurements on or off),
//   SY_FP 4,1 (the Statistics key: works while measurements are on); SCDP (the screen: a
//   140 × 80 24-bit BMP with the graticule's center lines and channel 1's trace in yellow).
// Anything else goes to the error queue (-113, "Undefined header").
// Handle: `channels` ([1] to [4]: { vdiv, ofst, trace }), `tdiv`, `header`, `measurements`
// ([{ param, trace }]), `measureOn`, `statsOn`, `autosetups`, `resets`, `volts(k, t)`,
// `bit(t)`, `record(k)` (channel k's screen record: { t, codes }), `digitalRecord()` ({ t, bits }).

import { latin1Bytes, concatBytes } from "../bytes.js";
import { UsbtmcSim } from "./usbtmc.js";

const ANALOG_RATE = 500e3;
const DIGITAL_RATE = 100e3;
const NO_VALUE = "****";

/** Siglent's number format: "5.00E-01" (digits after the point), a two-digit exponent. */
export function sci(x, digits = 2) {
  const [m, e] = x.toExponential(digits).split("e");
  const n = Number(e);
  return `${m}E${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
}

/** A rate as the scope writes it: "500.00kSa/s", "1.00GSa/s". */
function rate(r) {
  for (const [unit, scale] of [["G", 1e9], ["M", 1e6], ["k", 1e3]]) {
    if (r >= scale) return `${(r / scale).toFixed(2)}${unit}Sa/s`;
  }
  return `${r.toFixed(2)}Sa/s`;
}

/** The smallest 1-2-5 step at or above x. */
function step125(x) {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/** A number with an optional time unit ("500US", "1e-3"). */
function seconds(v) {
  const m = /^([-+0-9.eE]+)\s*(NS|US|MS|S)?$/i.exec(v.trim());
  if (!m) throw new Error("not a time");
  const scale = { NS: 1e-9, US: 1e-6, MS: 1e-3, S: 1 }[(m[2] || "S").toUpperCase()];
  const x = Number(m[1]) * scale;
  if (!Number.isFinite(x) || x <= 0) throw new Error("not a time");
  return x;
}
function volts(v) {
  const x = Number(v.trim().replace(/V$/i, ""));
  if (!Number.isFinite(x)) throw new Error("not a number");
  return x;
}

/** A 24-bit BMP (BITMAPINFOHEADER, rows bottom-up, each padded to 4 bytes) of `rgb` rows top-down. */
export function bmp(width, height, rgb) {
  const row = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + row * height;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, size, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  v.setUint32(34, row * height, true);
  for (let y = 0; y < height; y++) {
    const base = 54 + (height - 1 - y) * row;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[base + 3 * x] = rgb[i + 2];
      out[base + 3 * x + 1] = rgb[i + 1];
      out[base + 3 * x + 2] = rgb[i];
    }
  }
  return out;
}

const fresh = () => ({ vdiv: 1, ofst: 0, trace: "ON" });

export class T3dsoSim extends UsbtmcSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.idn = spec.idn !== undefined ? String(spec.idn) : "Teledyne LeCroy,T3DSO1104,T3DS1C0000001,8.2.6.1.37R9";
    this.signal = Object.assign({ frequency: 1000, amplitude: 1, offset: 0 }, spec.signal || {});
    this.digital = spec.digital !== false;
    this.resets = 0;
    this.reset();
  }
  reset() {
    this.channels = [null, fresh(), fresh(), fresh(), fresh()];
    this.channels[1].vdiv = 0.5;
    this.tdiv = 5e-4;
    this.header = "LONG";
    this.measurements = [];
    this.measureOn = false;
    this.statsOn = false;
    this.autosetups = 0;
  }
  /** Channel k's voltage at time t (s from the trigger). */
  volts(k, t) {
    if (k !== 1) return 0;
    const { frequency, amplitude, offset } = this.signal;
    return offset + amplitude * Math.sin(2 * Math.PI * frequency * t);
  }
  /** D0 at time t: high while the sine is at or above its offset. */
  bit(t) {
    if (!this.digital) return 0;
    // rounded to 1e-9 of a period, so that samples on an edge fall on the side they would in exact arithmetic
    const phase = Math.round(this.signal.frequency * t * 1e9) / 1e9;
    return phase - Math.floor(phase) < 0.5 ? 1 : 0;
  }
  times(r) {
    const n = Math.round(14 * this.tdiv * r);
    return Array.from({ length: n }, (_, i) => -7 * this.tdiv + i / r);
  }
  record(k) {
    const { vdiv, ofst } = this.channels[k];
    const t = this.times(ANALOG_RATE);
    return { t, codes: t.map((ti) => Math.max(-127, Math.min(127, Math.round(((this.volts(k, ti) + ofst) / vdiv) * 25)))) };
  }
  digitalRecord() {
    const t = this.times(DIGITAL_RATE);
    return { t, bits: t.map((ti) => this.bit(ti)) };
  }
  /** "DAT2,#9<length>" + bytes + "\n\n". */
  block(bytes) {
    return concatBytes([latin1Bytes(`DAT2,#9${String(bytes.length).padStart(9, "0")}`), bytes, latin1Bytes("\n\n")]);
  }
  analogAnswer(k) {
    return this.block(Uint8Array.from(this.record(k).codes, (c) => (c < 0 ? c + 256 : c)));
  }
  digitalAnswer() {
    const { bits } = this.digitalRecord();
    const bytes = new Uint8Array(Math.ceil(bits.length / 8));
    bits.forEach((b, i) => (bytes[i >> 3] |= b << (i & 7)));
    return this.block(bytes);
  }
  /** A measurement of channel k: [value, unit], or null where there is none. */
  measure(param, k) {
    const s = k === 1 ? this.signal : { frequency: 0, amplitude: 0, offset: 0 };
    const { frequency: f, amplitude: a, offset: o } = s;
    const periodic = a > 0 && f > 0;
    const table = {
      PKPK: [2 * a, "V"],
      MAX: [o + a, "V"],
      MIN: [o - a, "V"],
      AMPL: [2 * a, "V"],
      TOP: [o + a, "V"],
      BASE: [o - a, "V"],
      CMEAN: [o, "V"],
      MEAN: [o, "V"],
      RMS: [Math.hypot(o, a / Math.SQRT2), "V"],
      CRMS: [Math.hypot(o, a / Math.SQRT2), "V"],
      OVSN: [0, "%"],
      FPRE: [0, "%"],
      OVSP: [0, "%"],
      RPRE: [0, "%"],
      PER: periodic ? [1 / f, "S"] : null,
      FREQ: periodic ? [f, "Hz"] : null,
      PWID: periodic ? [0.5 / f, "S"] : null,
      NWID: periodic ? [0.5 / f, "S"] : null,
      // 10 % to 90 % of base-to-top: from −0.8 a to 0.8 a
      RISE: periodic ? [(2 * Math.asin(0.8)) / (2 * Math.PI * f), "S"] : null,
      FALL: periodic ? [(2 * Math.asin(0.8)) / (2 * Math.PI * f), "S"] : null,
      WID: null,
      DUTY: periodic ? [50, "%"] : null,
      NDUTY: periodic ? [50, "%"] : null,
    };
    if (!(param in table)) throw new Error("no such parameter");
    return table[param];
  }
  shown(param, k) {
    const m = this.measure(param, k);
    return m ? `${sci(m[0], 6)}${m[1]}` : NO_VALUE;
  }
  statistics(slot) {
    if (!(this.measureOn && this.statsOn)) return `STAT${slot}:OFF`;
    const m = this.measurements[slot - 1];
    if (!m) return `STAT${slot}:`;
    const v = this.shown(m.param, m.trace);
    const zero = v === NO_VALUE ? NO_VALUE : `${sci(0, 6)}${this.measure(m.param, m.trace)[1]}`;
    return `STAT${slot} C${m.trace} ${m.param}:cur,${v},mean,${v},min,${v},max,${v},std-dev,${zero},count,1`;
  }
  /** A 140 × 80 picture of the screen: the center lines, channel 1's trace in yellow. */
  screen() {
    const [w, h] = [140, 80];
    const rgb = new Uint8Array(w * h * 3);
    const put = (x, y, c) => {
      if (x >= 0 && x < w && y >= 0 && y < h) rgb.set(c, (y * w + x) * 3);
    };
    for (let x = 0; x < w; x++) put(x, h / 2, [80, 80, 80]);
    for (let y = 0; y < h; y++) put(w / 2, y, [80, 80, 80]);
    const ch = this.channels[1];
    if (ch.trace === "ON") {
      for (let x = 0; x < w; x++) {
        const t = -7 * this.tdiv + (x / w) * 14 * this.tdiv;
        const divs = (this.volts(1, t) + ch.ofst) / ch.vdiv;
        put(x, Math.round(h / 2 - divs * (h / 8)), [255, 215, 0]);
      }
    }
    return bmp(w, h, rgb);
  }
  answer(text) {
    const line = text.trim();
    let m;
    if (line === "*IDN?") return this.idn;
    if (/^\*RST$/i.test(line)) {
      this.resets++;
      return void this.reset();
    }
    if (/^INR\?$/i.test(line)) return "0";
    if ((m = /^(?:CHDR|COMM_HEADER)(\?|\s+(OFF|SHORT|LONG))$/i.exec(line))) {
      if (m[1] === "?") return this.header;
      this.header = m[2].toUpperCase();
      return undefined;
    }
    if (/^ASET$/i.test(line)) {
      this.autosetups++;
      const { frequency, amplitude, offset } = this.signal;
      this.channels[1] = { vdiv: step125(Math.max(2 * amplitude, 1e-3) / 6), ofst: -offset, trace: "ON" };
      if (frequency > 0) this.tdiv = step125(5 / (14 * frequency));
      return undefined;
    }
    if ((m = /^C([1-4]):TRACE(\?|\s+(ON|OFF))$/i.exec(line))) {
      const ch = this.channels[Number(m[1])];
      if (m[2] === "?") return ch.trace;
      ch.trace = m[3].toUpperCase();
      return undefined;
    }
    if ((m = /^C([1-4]):(VDIV|VOLT_DIV|OFST|OFFSET)(\?|\s+(.+))$/i.exec(line))) {
      const ch = this.channels[Number(m[1])];
      const key = /^V/i.test(m[2]) ? "vdiv" : "ofst";
      if (m[3] === "?") return sci(ch[key]);
      const x = volts(m[4]);
      if (key === "vdiv" && (x < 0.0005 || x > 10)) throw new Error("out of range");
      ch[key] = x;
      return undefined;
    }
    if ((m = /^(?:TDIV|TIME_DIV)(\?|\s+(.+))$/i.exec(line))) {
      if (m[1] === "?") return sci(this.tdiv);
      this.tdiv = seconds(m[2]);
      return undefined;
    }
    if (/^(?:SARA|SAMPLE_RATE)\?$/i.test(line)) return rate(ANALOG_RATE);
    if (/^DI:(?:SARA|SAMPLE_RATE)\?$/i.test(line)) return rate(DIGITAL_RATE);
    if ((m = /^C([1-4]):(?:WF|WAVEFORM)\?\s+DAT2$/i.exec(line))) return this.analogAnswer(Number(m[1]));
    if (/^D0:(?:WF|WAVEFORM)\?\s+DAT2$/i.test(line)) return this.digitalAnswer();
    if ((m = /^(?:PACU|PARAMETER_CUSTOM)\s+(\w+),C([1-4])$/i.exec(line))) {
      const param = m[1].toUpperCase();
      const trace = Number(m[2]);
      this.measure(param, trace);
      if (!this.measurements.some((x) => x.param === param && x.trace === trace)) {
        this.measurements.push({ param, trace });
        if (this.measurements.length > 5) this.measurements.shift();
      }
      return undefined;
    }
    if ((m = /^C([1-4]):(?:PAVA|PARAMETER_VALUE)\?\s+(\w+)$/i.exec(line))) {
      const param = m[2].toUpperCase();
      return `${param},${this.shown(param, Number(m[1]))}`;
    }
    if ((m = /^(?:PAVA|PARAMETER_VALUE)\?\s+STAT([1-5])$/i.exec(line))) return this.statistics(Number(m[1]));
    if ((m = /^SY_FP\s+(\d+),1$/i.exec(line))) {
      const key = Number(m[1]);
      if (key === 26) {
        this.measureOn = !this.measureOn;
        if (!this.measureOn) this.statsOn = false;
      } else if (key === 4) {
        if (this.measureOn) this.statsOn = !this.statsOn;
      } else throw new Error("no such key");
      return undefined;
    }
    if (/^(?:SCDP|SCREEN_DUMP)$/i.test(line)) return this.screen();
    this.errors.push([-113, "Undefined header"]);
    return undefined;
  }
}
