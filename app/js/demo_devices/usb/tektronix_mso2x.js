// 'mso2x': a simulated Tektronix MSO24 oscilloscope on USBTMC (0x0699:0x0105) whose channel 1
// sees a simulated function generator (spec.source: the name of an 'afg31000', channel 1)
// through a device under test (spec.dut: { kind: "lowpass", fc } a first-order RC low-pass,
// default fc = 1 MHz, or { kind: "wire" }); channels 2 to 4 read a flat 0 V. Its digital
// channels carry a scripted I2C bus (spec.i2c: { scl, sda, vdd, transactions: [{ addr, dir:
// "Write"|"Read", data: [bytes] }] }; by default SCL on D0, SDA on D1, 3.3 V logic, a write and
// a read to 0x50, then to 0x68). Understands what Flojoy's MSO2X nodes send (the SCPI of
// Studio's blocks and the lines tm_devices writes for them), headers in any case and in any
// length from their short to their long form:
//   *IDN?, *OPC?, RECAll:SETUp "<file>", SAVe:SETUp <file>, MEASUrement:DELETEALL,
//   MEASUrement:MEAS<n>:TYPE <type>, MEASUrement:MEAS<n>:SOURCE CH<k>|DCH1_D<k>,
//   MEASUrement:MEAS<n>:RESUlts:CURRentacq:<statistic>? (a steady sine: every statistic is the
//   value; types amplitude, pk2pk, frequency, period, mean, rms, acrms, maximum, top, minimum,
//   base; others, and a channel with no signal's frequency or period, read 9.91E37, the
//   scope's "no value");
//   settings, each with its query: DISplay:GLObal:CH<n>:STATE 0|1, DISplay:WAVEView1:DCH1_D<n>:STATE
//   (and DCH1_DALL), CH<n>:SCAle, CH<n>:POSition, CH<n>:PROBEFunc:EXTAtten, HORizontal:SCAle,
//   HORizontal:POSition (percent), HORizontal:DELay:MODe, HORizontal:RECOrdlength, HORizontal:DIVisions?
//   (10), TRIGger:A:TYPe, TRIGger:A:EDGE:SOUrce|COUPling|SLOpe, TRIGger:A:LEVel:CH<n>,
//   TRIGger:A:BUS:B<n>:I2C:CONDition|ADDRess:MODe|ADDRess:VALue|DIRection|SIZe|VALue,
//   AFG:FUNCtion|FREQuency|AMPLitude|OFFSet|RAMP:SYMmetry|SQUare:DUty|PULse:WIDth|OUTPut:LOAd:IMPEDance|OUTPut:MODe,
//   DATa:SOUrce CH<n> (a bare number is refused, -224), DATa:ENCdg ASCIi|RIBinary|SRIbinary,
//   DATa:WIDth 1|2 (= WFMOutpre:BYT_Nr), DATa:SOUrce:AVAILable? (the analog channels shown);
//   FPAnel:PRESS SINGleseq (one acquisition, then stopped: ACQuire:STATE? 0, ACQuire:STOPAfter? SEQUENCE);
//   CURVe?: the record of DATa:SOUrce, HORizontal:RECOrdlength (1000) points over the 10
//   divisions, the trigger HORizontal:POSition percent in; channel 1's sine starts so that it
//   crosses the edge trigger's level on its slope at t = 0. Levels are V / YMUlt with
//   YMUlt = 5 · scale / 2^(8 · width) (the scale Studio's QUERY_CURVE_MSO2X assumes), clipped to
//   the width's range, as comma-separated integers (ASCII) or an IEEE 488.2 block of big-
//   (RIBinary) or little-endian (SRIbinary) signed integers; WFMOutpre:BYT_Nr?, ENCdg?, NR_Pt?,
//   YMUlt?, YOFf? (0), YZEro? (0), XINcr? (span / (points − 1)), XZEro? (the first sample's time);
//   the I2C decode: BUS:ADDNEW "B<n>", DISPLAY:WAVEVIEW1:BUS:B<n>:STATE [0|1] (alone, as Studio sends it: on),
//   BUS:B<n>:I2C:CLOCK|DATa:SOUrce <source>, BUS:B<n>:I2C:CLOCK|DATa:THReshold <V>,
//   BUSTABLE:ADDNEW "<name>", SAVe:EVENTtable:BUS "<file>" (the event table as a CSV file:
//   "Time,Address,Direction,Data,Missing Ack" and one row per transaction, times in µs with µ
//   as Latin-1 0xB5; rows only when the bus's clock and data are the script's SCL and SDA and
//   both thresholds lie between 0 and vdd), SAVe:IMAGe <file> (a PNG of the screen: channel 1's
//   trace), FILESystem:READFile <file> (the file's bytes as they are; a file never saved goes
//   to the error queue and gets no answer).
// Anything else goes to the error queue (-113, "Undefined header").
// Handle: `measurements` ({ type, source } by slot), `setups` (files saved or recalled),
// `display`, `digital`, `vertical`, `horizontal`, `trigger`, `afg`, `data`, `acquire`,
// `buses`, `files` (Map of name → bytes), `curve(k)` (channel k's record in volts: { t, v }).

import { latin1Bytes } from "../bytes.js";
import { UsbtmcSim } from "./usbtmc.js";
import { mnemonic } from "./tektronix_afg31000.js";

const NO_VALUE = "9.91E37";
const MEAS = new RegExp(`^:?${mnemonic("MEASUrement")}:MEAS(\\d+):(TYPE|${mnemonic("SOUrce")})\\s+(\\S+)$`, "i");
const RESULT = new RegExp(`^:?${mnemonic("MEASUrement")}:MEAS(\\d+):${mnemonic("RESUlts")}:${mnemonic("CURRentacq")}:(\\w+)\\?$`, "i");
const SETUP = new RegExp(`^:?(${mnemonic("SAVe")}|${mnemonic("RECAll")}):${mnemonic("SETUp")}\\s+(.+)$`, "i");

const show = (x) => x.toExponential(6).toUpperCase();
const unquote = (v) => v.trim().replace(/^"(.*)"$/, "$1");

/** A Tektronix header word: the capitals, then any prefix of the rest ("SCAle": SCA, SCAL, SCALE). */
export function tek(word) {
  const short = word.replace(/[a-z_]+$/, "");
  const rest = word.slice(short.length);
  let tail = "";
  for (let i = rest.length - 1; i >= 0; i--) tail = `(?:${rest[i]}${tail})?`;
  return `${short}${tail}`;
}

/** A header pattern: words joined by ':', `#` a captured number; matches `<header>?` or `<header> <value>`. */
export function header(spec) {
  const words = spec.split(":").map((w) => tek(w).replace("#", "(\\d+)"));
  return new RegExp(`^:?${words.join(":")}(\\?|\\s+(.+)|)$`, "i");
}

const number = (v) => {
  const x = Number(v);
  if (!Number.isFinite(x)) throw new Error("not a number");
  return x;
};
const bool = (v) => {
  const t = v.trim().toUpperCase();
  if (t === "ON") return 1;
  if (t === "OFF") return 0;
  return Math.round(number(t)) ? 1 : 0;
};
/** One of `choices` (long forms, "RISe"), given in any case at any length from short to long. */
const word = (choices) => (v) => {
  const t = v.trim().toUpperCase();
  const hit = choices.find((c) => t.startsWith(c.replace(/[a-z]+$/, "")) && c.toUpperCase().startsWith(t));
  if (!hit) throw new Error("illegal value");
  return hit.toUpperCase();
};
const text = (v) => unquote(v);

const DEFAULT_I2C = {
  scl: "DCH1_D0",
  sda: "DCH1_D1",
  vdd: 3.3,
  transactions: [
    { addr: 0x50, dir: "Write", data: [0x00, 0x10] },
    { addr: 0x50, dir: "Read", data: [0xa5, 0x5a] },
    { addr: 0x68, dir: "Write", data: [0x75] },
    { addr: 0x68, dir: "Read", data: [0x68] },
  ],
};

const hex = (b) => `0x${b.toString(16).toUpperCase().padStart(2, "0")}`;

// ---- a PNG of the screen (stored deflate blocks: exact and small enough) ------------------------

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const be32 = (n) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
function chunk(type, data) {
  const head = Array.from(type, (ch) => ch.charCodeAt(0));
  const body = [...head, ...data];
  return [...be32(data.length), ...body, ...be32(crc32(body))];
}
/** An 8-bit RGB PNG of `rgb` (width · height · 3 bytes). */
export function png(width, height, rgb) {
  const raw = [];
  for (let y = 0; y < height; y++) raw.push(0, ...rgb.subarray(y * width * 3, (y + 1) * width * 3));
  const z = [0x78, 0x01];
  for (let i = 0; i < raw.length || i === 0; i += 65535) {
    const block = raw.slice(i, i + 65535);
    const last = i + 65535 >= raw.length ? 1 : 0;
    z.push(last, block.length & 0xff, block.length >> 8, ~block.length & 0xff, (~block.length >> 8) & 0xff, ...block);
  }
  let a = 1;
  let b = 0;
  for (const v of raw) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  z.push(...be32(((b << 16) | a) >>> 0));
  const ihdr = [...be32(width), ...be32(height), 8, 2, 0, 0, 0];
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk("IHDR", ihdr), ...chunk("IDAT", z), ...chunk("IEND", [])]);
}

/** Not one of a scope's settings (`answerSetting`). */
export const NOT_A_SETTING = Symbol("not a setting");

/** Answers `line` from `sim.settings`, a table of [pattern, get, set] whose pattern's last two
 * groups are the `?` of a query and the value of a command: a query's answer, or undefined for
 * a command (a bad or missing value goes to the error queue; `bare(line)` says when no value is
 * needed). NOT_A_SETTING when no pattern takes it, or it is a query-only setting set. */
export function answerSetting(sim, line, bare = () => false) {
  for (const [pattern, get, set] of sim.settings) {
    const m = pattern.exec(line);
    if (!m) continue;
    const value = m[m.length - 1];
    try {
      if (m[m.length - 2] === "?") return get(m);
      if (!set) return NOT_A_SETTING;
      if (value === undefined && !bare(line)) {
        sim.errors.push([-109, "Missing parameter"]);
        return undefined;
      }
      set(m, value);
    } catch (_e) {
      sim.errors.push([-224, "Illegal parameter value"]);
    }
    return undefined;
  }
  return NOT_A_SETTING;
}

/** A `CURVe?` answer of `levels` in `data`'s encoding: ASCII (comma-separated) or an IEEE 488.2
 * block of signed integers, `data.width` bytes each (SRIBINARY little-endian), and a newline. */
export function curveAnswer(levels, data) {
  if (data.encoding === "ASCII") return levels.join(",");
  const w = data.width;
  const bytes = new Uint8Array(levels.length * w);
  const view = new DataView(bytes.buffer);
  const little = data.encoding === "SRIBINARY";
  levels.forEach((l, i) => (w === 1 ? view.setInt8(i, l) : view.setInt16(2 * i, l, little)));
  const len = String(bytes.length);
  const head = latin1Bytes(`#${len.length}${len}`);
  const out = new Uint8Array(head.length + bytes.length + 1);
  out.set(head);
  out.set(bytes, head.length);
  out[out.length - 1] = 10;
  return out;
}

export class Mso2xSim extends UsbtmcSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.ctl = ctl;
    this.idn = spec.idn !== undefined ? String(spec.idn) : "TEKTRONIX,MSO24,C054321,CF:91.1CT FV:2.0.3.950";
    this.source = spec.source !== undefined ? String(spec.source) : "afg31000";
    this.dut = spec.dut !== undefined ? spec.dut : { kind: "lowpass", fc: 1e6 };
    this.i2c = spec.i2c !== undefined ? spec.i2c : DEFAULT_I2C;
    this.measurements = new Map();
    this.setups = [];
    this.display = { 1: 1, 2: 0, 3: 0, 4: 0 };
    this.digital = Object.fromEntries(Array.from({ length: 16 }, (_, k) => [k, 0]));
    this.vertical = Object.fromEntries([1, 2, 3, 4].map((k) => [k, { scale: 1, position: 0, attenuation: 1 }]));
    this.horizontal = { scale: 1e-6, position: 50, delayMode: 0, recordLength: 1000, divisions: 10 };
    this.trigger = { type: "EDGE", source: "CH1", coupling: "DC", slope: "RISE", levels: { 1: 0, 2: 0, 3: 0, 4: 0 }, bus: {} };
    this.afg = { function: "SINE", frequency: 100000, amplitude: 0.5, offset: 0, symmetry: 50, duty: 50, width: 1e-6, impedance: "HIGHZ", mode: "OFF" };
    this.data = { source: "CH1", encoding: "RIBINARY", width: 1 };
    this.acquire = { state: 1, stopAfter: "RUNSTOP" };
    this.buses = {};
    this.tables = [];
    this.files = new Map();
    this.settings = this.table();
  }
  /** [pattern, read(match) → answer, write(match, value)] for every setting with a query. */
  table() {
    const ch = (m) => {
      const k = Number(m[1]);
      if (k < 1 || k > 4) throw new Error("no such channel");
      return k;
    };
    const bus = (m) => {
      const b = this.trigger.bus[m[1]] || { condition: "START", addrMode: "ADDR7", address: "XXXXXXX", direction: "NOCARE", size: 1, value: "XXXXXXXX" };
      this.trigger.bus[m[1]] = b;
      return b;
    };
    const busDef = (m) => {
      const b = this.buses[`B${m[1]}`];
      if (!b) throw new Error("no such bus");
      return b;
    };
    const field = (get, key, parse) => [(m) => String(get(m)[key]), (m, v) => { get(m)[key] = parse(v); }];
    const afg = (key, parse) => field(() => this.afg, key, parse);
    const hor = (key, parse) => field(() => this.horizontal, key, parse);
    return [
      ["DISplay:GLObal:CH#:STATE", (m) => String(this.display[ch(m)]), (m, v) => { this.display[ch(m)] = bool(v); }],
      ["DISplay:WAVEView1:DCH1_DALL:STATE", () => String(Object.values(this.digital).every(Boolean) ? 1 : 0), (_m, v) => { for (const k in this.digital) this.digital[k] = bool(v); }],
      ["DISplay:WAVEView1:DCH1_D#:STATE", (m) => String(this.digital[m[1]] ?? 0), (m, v) => {
        if (!(m[1] in this.digital)) throw new Error("no such channel");
        this.digital[m[1]] = bool(v);
      }],
      ["CH#:SCAle", ...field((m) => this.vertical[ch(m)], "scale", (v) => { const x = number(v); if (x <= 0) throw new Error("range"); return x; })],
      ["CH#:POSition", ...field((m) => this.vertical[ch(m)], "position", number)],
      ["CH#:PROBEFunc:EXTAtten", ...field((m) => this.vertical[ch(m)], "attenuation", (v) => { const x = number(v); if (x <= 0) throw new Error("range"); return x; })],
      ["HORizontal:SCAle", ...hor("scale", (v) => { const x = number(v); if (x <= 0) throw new Error("range"); return x; })],
      ["HORizontal:POSition", ...hor("position", (v) => Math.min(100, Math.max(0, number(v))))],
      ["HORizontal:DELay:MODe", ...hor("delayMode", bool)],
      ["HORizontal:RECOrdlength", ...hor("recordLength", (v) => Math.max(2, Math.min(100000, Math.round(number(v)))))],
      ["HORizontal:DIVisions", (m) => String(this.horizontal.divisions), null],
      ["TRIGger:A:TYPe", ...field(() => this.trigger, "type", word(["EDGE", "WIDth", "TIMEOut", "RUNt", "WINdow", "LOGIc", "SETHold", "TRANsition", "BUS"]))],
      ["TRIGger:A:EDGE:SOUrce", ...field(() => this.trigger, "source", word(["CH1", "CH2", "CH3", "CH4", "AUXiliary", "LINE"]))],
      ["TRIGger:A:EDGE:COUPling", ...field(() => this.trigger, "coupling", word(["DC", "HFRej", "LFRej", "NOISErej"]))],
      ["TRIGger:A:EDGE:SLOpe", ...field(() => this.trigger, "slope", word(["RISe", "FALL", "EITHer"]))],
      ["TRIGger:A:LEVel:CH#", (m) => String(this.trigger.levels[ch(m)]), (m, v) => { this.trigger.levels[ch(m)] = number(v); }],
      ["TRIGger:A:BUS:B#:I2C:CONDition", ...field(bus, "condition", word(["STARt", "STOP", "REPEATstart", "ACKMISS", "ADDRess", "DATa", "ADDRANDDATA"]))],
      ["TRIGger:A:BUS:B#:I2C:ADDRess:MODe", ...field(bus, "addrMode", word(["ADDR7", "ADDR10"]))],
      ["TRIGger:A:BUS:B#:I2C:ADDRess:VALue", ...field(bus, "address", (v) => { const t = text(v).toUpperCase(); if (!/^[01X]+$/.test(t)) throw new Error("bits"); return t; })],
      ["TRIGger:A:BUS:B#:I2C:DIRection", ...field(bus, "direction", word(["READ", "WRITE", "NOCARE"]))],
      ["TRIGger:A:BUS:B#:I2C:SIZe", ...field(bus, "size", (v) => Math.max(1, Math.min(5, Math.round(number(v)))))],
      ["TRIGger:A:BUS:B#:I2C:VALue", ...field(bus, "value", (v) => { const t = text(v).toUpperCase(); if (!/^[01X]+$/.test(t)) throw new Error("bits"); return t; })],
      ["AFG:FUNCtion", ...afg("function", word(["SINE", "SQUare", "PULSe", "RAMP", "NOISe", "DC", "SINC", "GAUSsian", "LORENtz", "ERISe", "EDECAy", "HAVERSINe", "CARDiac", "ARBitrary"]))],
      ["AFG:FREQuency", ...afg("frequency", number)],
      ["AFG:AMPLitude", ...afg("amplitude", number)],
      ["AFG:OFFSet", ...afg("offset", number)],
      ["AFG:RAMP:SYMmetry", ...afg("symmetry", number)],
      ["AFG:SQUare:DUty", ...afg("duty", number)],
      ["AFG:PULse:WIDth", ...afg("width", number)],
      ["AFG:OUTPut:LOAd:IMPEDance", ...afg("impedance", word(["FIFty", "HIGHZ"]))],
      ["AFG:OUTPut:MODe", ...afg("mode", word(["OFF", "CONTinuous", "BURSt"]))],
      ["DATa:SOUrce:AVAILable", () => [1, 2, 3, 4].filter((k) => this.display[k]).map((k) => `CH${k}`).join(",") || "NONE", null],
      ["DATa:SOUrce", ...field(() => this.data, "source", (v) => {
        const t = v.trim().toUpperCase();
        if (!/^(CH[1-4]|DCH1_D([0-9]|1[0-5]))$/.test(t)) throw new Error("illegal source");
        return t;
      })],
      ["DATa:ENCdg", ...field(() => this.data, "encoding", word(["ASCIi", "RIBinary", "SRIbinary"]))],
      ["DATa:WIDth", ...field(() => this.data, "width", (v) => { const w = Math.round(number(v)); if (w !== 1 && w !== 2) throw new Error("width"); return w; })],
      ["WFMOutpre:BYT_Nr", ...field(() => this.data, "width", (v) => { const w = Math.round(number(v)); if (w !== 1 && w !== 2) throw new Error("width"); return w; })],
      ["WFMOutpre:ENCdg", () => (this.data.encoding === "ASCII" ? "ASCII" : "BINARY"), null],
      ["WFMOutpre:NR_Pt", () => String(this.horizontal.recordLength), null],
      ["WFMOutpre:YMUlt", () => String(this.ymult()), null],
      ["WFMOutpre:YOFf", () => "0", null],
      ["WFMOutpre:YZEro", () => "0", null],
      ["WFMOutpre:XINcr", () => String(this.xaxis().dt), null],
      ["WFMOutpre:XZEro", () => String(this.xaxis().t0), null],
      ["ACQuire:STATE", () => String(this.acquire.state), null],
      ["ACQuire:STOPAfter", () => this.acquire.stopAfter, null],
      ["BUS:B#:I2C:CLOCK:SOUrce", ...field(busDef, "clock", (v) => v.trim().toUpperCase())],
      ["BUS:B#:I2C:DATa:SOUrce", ...field(busDef, "sda", (v) => v.trim().toUpperCase())],
      ["BUS:B#:I2C:CLOCK:THReshold", ...field(busDef, "clockThreshold", number)],
      ["BUS:B#:I2C:DATa:THReshold", ...field(busDef, "dataThreshold", number)],
      ["DISPlay:WAVEView1:BUS:B#:STATE", (m) => String(busDef(m).shown), (m, v) => { busDef(m).shown = v === undefined ? 1 : bool(v); }],
    ].map(([spec, read, write]) => [header(spec), read, write]);
  }
  /** The sine on channel `k`: { vpp, frequency, offset }, or null when nothing drives it. */
  signal(k) {
    const afg = this.ctl.find(this.source);
    const ch = afg && afg.connected && afg.channels ? afg.channels[1] : null;
    if (k !== 1 || !ch || !ch.on) return null;
    const gain = this.dut.kind === "lowpass" ? 1 / Math.sqrt(1 + (ch.frequency / (this.dut.fc || 1e6)) ** 2) : 1;
    const probe = this.vertical[1].attenuation;
    return { vpp: ch.amplitude * gain * probe, frequency: ch.frequency, offset: ch.offset * probe };
  }
  /** Volts per level: 5 divisions over the width's range (what Studio's QUERY_CURVE assumes). */
  ymult(k) {
    const source = /^CH([1-4])$/.exec(this.data.source);
    const scale = this.vertical[k || (source ? Number(source[1]) : 1)].scale;
    return (5 * scale) / 2 ** (8 * this.data.width);
  }
  /** The record's time axis: n points over the divisions, the trigger position percent in. */
  xaxis() {
    const { scale, divisions, position, recordLength: n } = this.horizontal;
    const span = scale * divisions;
    return { n, t0: -(position / 100) * span, dt: span / (n - 1) };
  }
  /** Channel `k`'s record in volts: channel 1's sine crosses the edge trigger's level at t = 0. */
  curve(k) {
    const { n, t0, dt } = this.xaxis();
    const t = Array.from({ length: n }, (_, i) => t0 + i * dt);
    const s = this.signal(k);
    if (!s) return { t, v: t.map(() => 0) };
    const a = s.vpp / 2;
    const level = this.trigger.levels[1];
    const x = a > 0 ? Math.max(-1, Math.min(1, (level - s.offset) / a)) : 0;
    const phase = this.trigger.slope === "FALL" ? Math.PI - Math.asin(x) : Math.asin(x);
    return { t, v: t.map((ti) => s.offset + a * Math.sin(2 * Math.PI * s.frequency * ti + phase)) };
  }
  /** CURVe?: the levels of DATa:SOUrce, as text or a block. */
  curveAnswer() {
    const source = /^CH([1-4])$/.exec(this.data.source);
    const { v } = source ? this.curve(Number(source[1])) : { v: new Array(this.horizontal.recordLength).fill(0) };
    const bits = 8 * this.data.width;
    const lo = -(2 ** (bits - 1));
    const hi = 2 ** (bits - 1) - 1;
    const ymult = this.ymult();
    return curveAnswer(v.map((x) => Math.max(lo, Math.min(hi, Math.round(x / ymult)))), this.data);
  }
  /** The I2C event table of bus `name` as the CSV file the scope saves. */
  eventTable(name) {
    const b = this.buses[name];
    const { scl, sda, vdd, transactions } = this.i2c;
    const inRange = (x) => x > 0 && x < vdd;
    const decodes = b && b.clock === scl && b.sda === sda && inRange(b.clockThreshold) && inRange(b.dataThreshold);
    let csv = "Time,Address,Direction,Data,Missing Ack\r\n";
    if (decodes) {
      transactions.forEach((tr, i) => {
        const t = (-100 + 60 * i).toFixed(3);
        csv += `${t}\u00b5s,${hex(tr.addr)},${tr.dir},${tr.data.map(hex).join(" ")},No\r\n`;
      });
    }
    return latin1Bytes(csv);
  }
  /** A 200 × 100 PNG of the screen: the graticule's center lines and channel 1's trace in yellow. */
  screen() {
    const [w, h] = [200, 100];
    const rgb = new Uint8Array(w * h * 3);
    const put = (x, y, c) => {
      if (x >= 0 && x < w && y >= 0 && y < h) rgb.set(c, (y * w + x) * 3);
    };
    for (let x = 0; x < w; x++) put(x, h / 2, [80, 80, 80]);
    for (let y = 0; y < h; y++) put(w / 2, y, [80, 80, 80]);
    if (this.display[1]) {
      const { v } = this.curve(1);
      const scale = this.vertical[1].scale;
      for (let x = 0; x < w; x++) {
        const volts = v[Math.round((x / (w - 1)) * (v.length - 1))];
        put(x, Math.round(h / 2 - (volts / scale + this.vertical[1].position) * (h / 10)), [255, 215, 0]);
      }
    }
    return png(w, h, rgb);
  }
  measure(type, source) {
    const m = /^CH([1-4])$/i.exec(source);
    const s = m ? this.signal(Number(m[1])) : null;
    const vpp = s ? s.vpp : 0;
    const offset = s ? s.offset : 0;
    switch (type.toLowerCase()) {
      case "amplitude":
      case "pk2pk":
        return show(vpp);
      case "frequency":
        return s ? show(s.frequency) : NO_VALUE;
      case "period":
        return s ? show(1 / s.frequency) : NO_VALUE;
      case "mean":
        return show(offset);
      case "acrms":
        return show(vpp / (2 * Math.SQRT2));
      case "rms":
        return show(Math.hypot(offset, vpp / (2 * Math.SQRT2)));
      case "maximum":
      case "top":
        return show(offset + vpp / 2);
      case "minimum":
      case "base":
        return show(offset - vpp / 2);
      default:
        return NO_VALUE;
    }
  }
  /** Commands without a query of their own (bus and table creation, files, the front panel). */
  action(line) {
    let m;
    if ((m = new RegExp(`^:?${tek("BUS")}:${tek("ADDNew")}\\s+"?B(\\d+)"?$`, "i").exec(line))) {
      this.buses[`B${m[1]}`] = this.buses[`B${m[1]}`] || { type: "I2C", clock: "CH1", sda: "CH2", clockThreshold: 0, dataThreshold: 0, shown: 1 };
      return true;
    }
    if ((m = new RegExp(`^:?${tek("BUSTABle")}:${tek("ADDNew")}\\s+(.+)$`, "i").exec(line))) {
      this.tables.push(unquote(m[1]));
      return true;
    }
    if ((m = new RegExp(`^:?${tek("SAVe")}:${tek("EVENTtable")}:${tek("BUS")}(\\d*)\\s+(.+)$`, "i").exec(line))) {
      const name = Object.keys(this.buses)[Number(m[1] || 1) - 1];
      this.files.set(unquote(m[2]), this.eventTable(name));
      return true;
    }
    if ((m = new RegExp(`^:?${tek("SAVe")}:${tek("IMAGe")}\\s+(.+)$`, "i").exec(line))) {
      this.files.set(unquote(m[1]), this.screen());
      return true;
    }
    if ((m = new RegExp(`^:?${tek("FPAnel")}:${tek("PRESS")}\\s+(\\w+)$`, "i").exec(line))) {
      const key = m[1].toUpperCase();
      if (key.startsWith("SING")) this.acquire = { state: 0, stopAfter: "SEQUENCE" };
      else if (key.startsWith("RUN")) this.acquire = { state: 1, stopAfter: "RUNSTOP" };
      else return false;
      return true;
    }
    return false;
  }
  answer(text) {
    const line = text.trim();
    if (line === "*IDN?") return this.idn;
    if (line === "*OPC?") return "1";
    if (/^:?MEASU(?:rement)?:DELETEALL$/i.test(line)) return void this.measurements.clear();
    const setup = SETUP.exec(line);
    if (setup) return void this.setups.push({ op: setup[1].toLowerCase().startsWith("sav") ? "save" : "recall", file: setup[2].replace(/^"|"$/g, "") });
    const meas = MEAS.exec(line);
    if (meas) {
      const slot = this.measurements.get(meas[1]) || { type: "frequency", source: "CH1" };
      if (/^type$/i.test(meas[2])) slot.type = meas[3];
      else slot.source = meas[3];
      this.measurements.set(meas[1], slot);
      return undefined;
    }
    const result = RESULT.exec(line);
    if (result) {
      const slot = this.measurements.get(result[1]);
      return slot ? this.measure(slot.type, slot.source) : NO_VALUE;
    }
    if (new RegExp(`^:?${tek("CURVe")}\\?$`, "i").test(line)) return this.curveAnswer();
    const read = new RegExp(`^:?${tek("FILESystem")}:${tek("READFile")}\\s+(.+)$`, "i").exec(line);
    if (read) {
      const file = this.files.get(unquote(read[1]));
      if (file) return file;
      this.errors.push([-256, "File name not found"]);
      return undefined;
    }
    if (this.action(line)) return undefined;
    // a bus's STATE alone turns it on
    const answer = answerSetting(this, line, (l) => /BUS:B\d+:STATE$/i.test(l));
    if (answer !== NOT_A_SETTING) return answer;
    this.errors.push([-113, "Undefined header"]);
    return undefined;
  }
}
