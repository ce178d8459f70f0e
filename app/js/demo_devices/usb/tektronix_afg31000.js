// 'afg31000': a simulated Tektronix AFG31052 arbitrary function generator on USBTMC
// (0x0699:0x035E), two channels. Understands what Flojoy's AFG31000 nodes send (the SCPI of
// Studio's blocks) and their queries:
//   *IDN?, *RST, SOURce<n>:FUNCtion:SHAPe <shape>, SOURce<n>:FREQuency <Hz>,
//   SOURce<n>:VOLTage:AMPLitude <Vpp>, SOURce<n>:VOLTage:OFFSet <V>, SOURce<n>:PHASe:ADJust <deg>DEG,
//   SOURce<n>:PULSe:WIDTh <s>, SOURce<n>:FUNCtion:RAMP:SYMMetry <%>, OUTPut<n>:IMPedance <ohms>,
//   OUTPut<n>:STATe on|off, and each setting's query (`SOURce1:FREQuency?`).
// Headers are matched in any case and in their short or long forms. Anything else goes to the
// error queue (-113, "Undefined header").
// Handle: `channels` ([1] and [2]: { shape, frequency, amplitude, offset, phase, on, impedance }),
// which a simulated scope (mso2x) reads as its input.

import { UsbtmcSim } from "./usbtmc.js";

/** A SCPI header pattern from its long form ("SOURce"): the capitals, then optionally the rest. */
export function mnemonic(long) {
  const short = long.replace(/[a-z]+$/, "");
  const rest = long.slice(short.length);
  return rest ? `${short}(?:${rest})?` : short;
}

const SETTINGS = [
  ["FUNCtion:SHAPe", "shape", (v) => v.toLowerCase()],
  ["FREQuency", "frequency", Number],
  ["VOLTage:AMPLitude", "amplitude", Number],
  ["VOLTage:OFFSet", "offset", Number],
  ["PHASe:ADJust", "phase", (v) => Number(v.replace(/DEG$/i, ""))],
  ["PULSe:WIDTh", "pulseWidth", Number],
  ["FUNCtion:RAMP:SYMMetry", "symmetry", Number],
].map(([header, key, parse]) => [new RegExp(`^:?${mnemonic("SOURce")}([12]):${header.split(":").map(mnemonic).join(":")}(\\?|\\s+(.+))$`, "i"), key, parse]);

const OUTPUT = new RegExp(`^:?${mnemonic("OUTPut")}([12]):(${mnemonic("STATe")}|${mnemonic("IMPedance")})(\\?|\\s+(.+))$`, "i");

const fresh = () => ({ shape: "sinusoid", frequency: 1e6, amplitude: 1, offset: 0, phase: 0, pulseWidth: 1e-6, symmetry: 50, on: false, impedance: 50 });

export class Afg31000Sim extends UsbtmcSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.idn = spec.idn !== undefined ? String(spec.idn) : "TEKTRONIX,AFG31052,C012345,SCPI:99.0 FV:1.5.2";
    this.reset();
  }
  reset() {
    this.channels = [null, fresh(), fresh()];
  }
  answer(text) {
    const line = text.trim();
    if (line === "*IDN?") return this.idn;
    if (line === "*RST") return void this.reset();
    if (line === "*OPC?") return "1";
    for (const [re, key, parse] of SETTINGS) {
      const m = re.exec(line);
      if (!m) continue;
      const ch = this.channels[Number(m[1])];
      if (m[2] === "?") return String(ch[key]);
      const value = parse(m[3].trim());
      if (typeof value === "number" && !Number.isFinite(value)) break;
      ch[key] = value;
      return undefined;
    }
    const o = OUTPUT.exec(line);
    if (o) {
      const ch = this.channels[Number(o[1])];
      const state = /^stat/i.test(o[2]);
      if (o[3] === "?") return state ? (ch.on ? "1" : "0") : String(ch.impedance);
      const v = o[4].trim().toLowerCase();
      if (state) ch.on = v === "on" || v === "1";
      else ch.impedance = Number(v);
      return undefined;
    }
    this.errors.push([-113, "Undefined header"]);
    return undefined;
  }
}
