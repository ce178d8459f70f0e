// 'mdo3': a simulated Tektronix MDO3034 oscilloscope on USBTMC (0x0699:0x0408, a product id
// chosen for the simulation) with its own signals (spec.signals: { <channel>: { amplitude (V,
// peak), frequency (Hz), phase (degrees), offset (V) } }; by default CH1 a 1 kHz sine of 1 V,
// CH2 the same frequency at 0.5 V lagging CH1 by 45°, CH3 and CH4 a flat 0 V). Understands what
// Flojoy's MDO3XXX nodes send (the SCPI of Studio's QCoDeS driver TektronixMDO30xx), headers
// in any case and in any length from their short to their long form:
//   *IDN?; HORizontal:MAIn:UNIts? ("s"), WFMOutpre:XUNit? ("s"), WFMOutpre:YUNit? ("V");
//   MEASUrement:MEAS<n>:SOUrce1|SOUrce2 CH<k>, :TYPe <type>, :STATE 0|1, each with its query;
//   MEASUrement:MEAS<n>:VALue?|MEAN?|MAXimum?|MINImum?|STDdev? (a steady signal: every
//   statistic is the value, the deviation 0; a slot whose state is off, a type it does not
//   know, or a flat channel's frequency, period or phase read 9.91E37, the scope's "no
//   value"). Types: amplitude and pk2pk (2 · peak), frequency, period, mean, rms, maximum,
//   high, minimum, low, phase (SOUrce1's phase minus SOUrce2's, in (−180, 180] degrees);
//   settings with their queries: CH<n>:TERmination 50|75|1.0E+6, CH<n>:SCAle (V/div),
//   TRIGger:A|B:EDGE:SOUrce, TRIGger:A:TYPe, TRIGger:A:EDGE:COUPling|SLOpe, TRIGger:A:LEVel:<source>,
//   HORizontal:RECOrdlength (10000 points), HORizontal:SAMPLERate (2.5 MS/s), DATa:SOUrce CH<n>,
//   DATa:STARt, DATa:STOP, DATa:ENCdg ASCIi|RIBinary|SRIbinary, DATa:WIDth 1|2;
//   the waveform: WFMOutpre:ENCdg? (ASCII or BINARY), BYT_Nr?, BN_Fmt? (RI), BYT_Or? (MSB, LSB
//   for SRIbinary), NR_Pt? (points DATa:STARt to DATa:STOP of the record), XINcr? (1 / rate),
//   XZEro? (the record's first time: the trigger is in its middle), YMUlt? (CH scale / 25 per
//   level, / 6400 for two bytes), YOFf? (0), YZEro? (0); CURVe?: those points of DATa:SOUrce,
//   levels round(V / YMUlt) clipped to the width's range, as comma-separated integers or an
//   IEEE 488.2 block.
// Anything else goes to the error queue (-113, "Undefined header"); a bad value to -224.
// Handle: `signals`, `vertical`, `horizontal`, `data`, `trigger`, `measurements` (by slot),
// `volts(k, t)` (channel k's signal at time t), `record()` ({ t0, dt, n }).

import { UsbtmcSim } from "./usbtmc.js";
import { NOT_A_SETTING, answerSetting, curveAnswer, header } from "./tektronix_mso2x.js";

const NO_VALUE = "9.91E37";
const show = (x) => x.toExponential(6).toUpperCase();

const number = (v) => {
  const x = Number(v);
  if (v === undefined || v.trim() === "" || !Number.isFinite(x)) throw new Error("not a number");
  return x;
};
/** One of `choices` (long forms, "RISe"), given in any case at any length from short to long. */
const word = (choices) => (v) => {
  const t = v.trim().toUpperCase();
  const hit = choices.find((c) => t.startsWith(c.replace(/[a-z]+$/, "")) && c.toUpperCase().startsWith(t));
  if (!hit) throw new Error("illegal value");
  return hit.toUpperCase();
};

const DEFAULT_SIGNALS = {
  1: { amplitude: 1, frequency: 1000, phase: 0, offset: 0 },
  2: { amplitude: 0.5, frequency: 1000, phase: -45, offset: 0 },
};
const SOURCES = ["CH1", "CH2", "CH3", "CH4", ...Array.from({ length: 16 }, (_, k) => `D${k}`), "LINE"];
const TYPES = ["amplitude", "area", "burst", "carea", "cmean", "crms", "delay", "distduty", "extinctdb", "extinctpct",
  "extinctratio", "eyeheight", "eyewidth", "fall", "frequency", "high", "hits", "low", "maximum", "mean", "median",
  "minimum", "ncross", "nduty", "novershoot", "nwidth", "pbase", "pcross", "pctcross", "pduty", "peakhits", "period",
  "phase", "pk2pk", "pkpkjitter", "pkpknoise", "povershoot", "ptop", "pwidth", "qfactor", "rise", "rms", "rmsjitter",
  "rmsnoise", "sigma1", "sigma2", "sigma3", "sixsigmajit", "snratio", "stddev", "undefined", "waveforms"];

export class Mdo3Sim extends UsbtmcSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.idn = spec.idn !== undefined ? String(spec.idn) : "TEKTRONIX,MDO3034,C010101,CF:91.1CT FV:v1.30";
    this.signals = spec.signals !== undefined ? spec.signals : DEFAULT_SIGNALS;
    this.vertical = Object.fromEntries([1, 2, 3, 4].map((k) => [k, { scale: 0.25, termination: 1e6 }]));
    this.horizontal = { recordLength: 10000, sampleRate: 2.5e6 };
    this.data = { source: "CH1", start: 1, stop: 10000, encoding: "RIBINARY", width: 1 };
    const trigger = () => ({ source: "CH1", type: "EDGE", coupling: "DC", slope: "RISE", levels: {} });
    this.trigger = { A: trigger(), B: trigger() };
    this.measurements = Object.fromEntries([1, 2, 3, 4].map((n) => [n, { type: "PERIOD", source1: "CH1", source2: "CH2", state: 0 }]));
    this.settings = this.table();
  }
  /** [pattern, read(match) → answer, write(match, value)] for every header with a query. */
  table() {
    const ch = (m) => {
      const k = Number(m[1]);
      if (!(k >= 1 && k <= 4)) throw new Error("no such channel");
      return k;
    };
    const slot = (m) => {
      const s = this.measurements[m[1]];
      if (!s) throw new Error("no such measurement");
      return s;
    };
    const field = (get, key, parse) => [(m) => String(get(m)[key]), (m, v) => { get(m)[key] = parse(v); }];
    const source = (v) => {
      const t = v.trim().toUpperCase();
      if (!/^CH[1-4]$/.test(t)) throw new Error("illegal source");
      return t;
    };
    const count = (v) => {
      const n = Math.round(number(v));
      if (n < 1) throw new Error("range");
      return n;
    };
    const stat = (name) => [`MEASUrement:MEAS#:${name}`, (m) => this.result(slot(m), name === "STDdev"), null];
    const edge = (id) => [
      [`TRIGger:${id}:EDGE:SOUrce`, ...field(() => this.trigger[id], "source", word(SOURCES))],
    ];
    return [
      ["HORizontal:MAIn:UNIts", () => '"s"', null],
      ["WFMOutpre:XUNit", () => '"s"', null],
      ["WFMOutpre:YUNit", () => '"V"', null],
      ["MEASUrement:MEAS#:SOUrce1", ...field(slot, "source1", source)],
      ["MEASUrement:MEAS#:SOUrce2", ...field(slot, "source2", source)],
      ["MEASUrement:MEAS#:TYPe", (m) => slot(m).type, (m, v) => {
        const t = v.trim().toLowerCase();
        if (!TYPES.includes(t)) throw new Error("illegal type");
        slot(m).type = t.toUpperCase();
      }],
      ["MEASUrement:MEAS#:STATE", ...field(slot, "state", (v) => {
        const t = v.trim().toUpperCase();
        return t === "ON" || (t !== "OFF" && Math.round(number(t)) !== 0) ? 1 : 0;
      })],
      stat("VALue"),
      stat("MEAN"),
      stat("MAXimum"),
      stat("MINImum"),
      stat("STDdev"),
      ["CH#:TERmination", (m) => show(this.vertical[ch(m)].termination), (m, v) => {
        const x = number(v);
        if (![50, 75, 1e6].includes(x)) throw new Error("illegal termination");
        this.vertical[ch(m)].termination = x;
      }],
      ["CH#:SCAle", ...field((m) => this.vertical[ch(m)], "scale", (v) => { const x = number(v); if (x <= 0) throw new Error("range"); return x; })],
      ...edge("A"),
      ...edge("B"),
      ["TRIGger:A:TYPe", ...field(() => this.trigger.A, "type", word(["EDGE", "LOGIc", "PULSe", "BUS", "VIDeo"]))],
      ["TRIGger:A:EDGE:COUPling", ...field(() => this.trigger.A, "coupling", word(["AC", "DC", "HFRej", "LFRej", "NOISErej"]))],
      ["TRIGger:A:EDGE:SLOpe", ...field(() => this.trigger.A, "slope", word(["RISe", "FALL", "EITHer"]))],
      ["TRIGger:A:LEVel:CH#", (m) => String(this.trigger.A.levels[`CH${ch(m)}`] ?? 0), (m, v) => { this.trigger.A.levels[`CH${ch(m)}`] = number(v); }],
      ["HORizontal:RECOrdlength", ...field(() => this.horizontal, "recordLength", count)],
      ["HORizontal:SAMPLERate", ...field(() => this.horizontal, "sampleRate", (v) => { const x = number(v); if (x <= 0) throw new Error("range"); return x; })],
      ["DATa:SOUrce", ...field(() => this.data, "source", source)],
      ["DATa:STARt", ...field(() => this.data, "start", count)],
      ["DATa:STOP", ...field(() => this.data, "stop", count)],
      ["DATa:ENCdg", ...field(() => this.data, "encoding", word(["ASCIi", "RIBinary", "SRIbinary"]))],
      ["DATa:WIDth", ...field(() => this.data, "width", (v) => { const w = Math.round(number(v)); if (w !== 1 && w !== 2) throw new Error("width"); return w; })],
      ["WFMOutpre:ENCdg", () => (this.data.encoding === "ASCII" ? "ASCII" : "BINARY"), null],
      ["WFMOutpre:BYT_Nr", () => String(this.data.width), null],
      ["WFMOutpre:BN_Fmt", () => "RI", null],
      ["WFMOutpre:BYT_Or", () => (this.data.encoding === "SRIBINARY" ? "LSB" : "MSB"), null],
      ["WFMOutpre:NR_Pt", () => String(this.window().count), null],
      ["WFMOutpre:XINcr", () => show(this.record().dt), null],
      ["WFMOutpre:XZEro", () => show(this.record().t0), null],
      ["WFMOutpre:YMUlt", () => show(this.ymult()), null],
      ["WFMOutpre:YOFf", () => "0", null],
      ["WFMOutpre:YZEro", () => "0", null],
    ].map(([spec, read, write]) => [header(spec), read, write]);
  }
  /** Channel `k`'s signal at time `t`, in volts. */
  volts(k, t) {
    const s = this.signals[k];
    if (!s) return 0;
    return s.offset + s.amplitude * Math.sin(2 * Math.PI * s.frequency * t + (s.phase * Math.PI) / 180);
  }
  /** The record: n points at the sample rate, the trigger (t = 0) in its middle. */
  record() {
    const { recordLength: n, sampleRate } = this.horizontal;
    const dt = 1 / sampleRate;
    return { n, dt, t0: -Math.floor(n / 2) * dt };
  }
  /** The points of the record CURVe? sends: DATa:STARt to DATa:STOP (1-based, within the record). */
  window() {
    const { n } = this.record();
    const first = Math.min(this.data.start, n);
    const last = Math.max(first, Math.min(this.data.stop, n));
    return { first, count: last - first + 1 };
  }
  /** Volts per level of DATa:SOUrce: 25 levels per division (6400 for two bytes). */
  ymult() {
    const k = Number(this.data.source.slice(2));
    return this.vertical[k].scale / (this.data.width === 2 ? 6400 : 25);
  }
  /** CURVe?: the levels of DATa:SOUrce, as text or a block. */
  curveAnswer() {
    const k = Number(this.data.source.slice(2));
    const { t0, dt } = this.record();
    const { first, count } = this.window();
    const bits = 8 * this.data.width;
    const lo = -(2 ** (bits - 1));
    const hi = 2 ** (bits - 1) - 1;
    const ymult = this.ymult();
    const levels = Array.from({ length: count }, (_, i) => {
      const t = t0 + (first - 1 + i) * dt;
      return Math.max(lo, Math.min(hi, Math.round(this.volts(k, t) / ymult)));
    });
    return curveAnswer(levels, this.data);
  }
  /** A measurement slot's value (or its deviation, 0), as the scope prints it. */
  result(slot, deviation) {
    if (!slot.state) return NO_VALUE;
    const value = this.measure(slot.type.toLowerCase(), slot.source1, slot.source2);
    if (value === null) return NO_VALUE;
    return show(deviation ? 0 : value);
  }
  measure(type, source1, source2) {
    const s = this.signals[Number(source1.slice(2))];
    const a = s ? s.amplitude : 0;
    const offset = s ? s.offset : 0;
    switch (type) {
      case "amplitude":
      case "pk2pk":
        return 2 * a;
      case "frequency":
        return s ? s.frequency : null;
      case "period":
        return s ? 1 / s.frequency : null;
      case "mean":
        return offset;
      case "rms":
        return Math.hypot(offset, a / Math.SQRT2);
      case "maximum":
      case "high":
        return offset + a;
      case "minimum":
      case "low":
        return offset - a;
      case "phase": {
        const r = this.signals[Number(source2.slice(2))];
        if (!s || !r) return null;
        let d = (s.phase - r.phase) % 360;
        if (d > 180) d -= 360;
        if (d <= -180) d += 360;
        return d;
      }
      default:
        return null;
    }
  }
  answer(text) {
    const line = text.trim();
    if (line === "*IDN?") return this.idn;
    if (/^:?CURV(?:e)?\?$/i.test(line)) return this.curveAnswer();
    const answer = answerSetting(this, line);
    if (answer !== NOT_A_SETTING) return answer;
    this.errors.push([-113, "Undefined header"]);
    return undefined;
  }
}
