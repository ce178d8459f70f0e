// 'mso2x': a simulated Tektronix MSO24 oscilloscope on USBTMC (0x0699:0x0105) whose channel 1
// sees a simulated function generator (spec.source: the name of an 'afg31000', channel 1)
// through a device under test (spec.dut: { kind: "lowpass", fc } a first-order RC low-pass,
// default fc = 1 MHz, or { kind: "wire" }). Understands what Flojoy's MSO2X nodes send:
//   *IDN?, *OPC?, RECAll:SETUp "<file>", SAVe:SETUp <file>, MEASUrement:DELETEALL,
//   MEASUrement:MEAS<n>:TYPE <type>, MEASUrement:MEAS<n>:SOURCE CH<k>|DCH1_D<k>,
//   MEASUrement:MEAS<n>:RESUlts:CURRentacq:<statistic>? (a steady sine: every statistic is the
//   value; types amplitude, pk2pk, frequency, period, mean, rms, acrms, maximum, top, minimum,
//   base; others, and a channel with no signal's frequency or period, read 9.91E37, the
//   scope's "no value").
// Anything else goes to the error queue (-113, "Undefined header").
// Handle: `measurements` ({ type, source } by slot), `setups` (files saved or recalled).

import { UsbtmcSim } from "./usbtmc.js";
import { mnemonic } from "./tektronix_afg31000.js";

const NO_VALUE = "9.91E37";
const MEAS = new RegExp(`^:?${mnemonic("MEASUrement")}:MEAS(\\d+):(TYPE|${mnemonic("SOUrce")})\\s+(\\S+)$`, "i");
const RESULT = new RegExp(`^:?${mnemonic("MEASUrement")}:MEAS(\\d+):${mnemonic("RESUlts")}:${mnemonic("CURRentacq")}:(\\w+)\\?$`, "i");
const SETUP = new RegExp(`^:?(${mnemonic("SAVe")}|${mnemonic("RECAll")}):${mnemonic("SETUp")}\\s+(.+)$`, "i");

const show = (x) => x.toExponential(6).toUpperCase();

export class Mso2xSim extends UsbtmcSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.ctl = ctl;
    this.idn = spec.idn !== undefined ? String(spec.idn) : "TEKTRONIX,MSO24,C054321,CF:91.1CT FV:2.0.3.950";
    this.source = spec.source !== undefined ? String(spec.source) : "afg31000";
    this.dut = spec.dut !== undefined ? spec.dut : { kind: "lowpass", fc: 1e6 };
    this.measurements = new Map();
    this.setups = [];
  }
  /** The sine on channel `k`: { vpp, frequency, offset }, or null when nothing drives it. */
  signal(k) {
    const afg = this.ctl.find(this.source);
    const ch = afg && afg.connected && afg.channels ? afg.channels[1] : null;
    if (k !== 1 || !ch || !ch.on) return null;
    const gain = this.dut.kind === "lowpass" ? 1 / Math.sqrt(1 + (ch.frequency / (this.dut.fc || 1e6)) ** 2) : 1;
    return { vpp: ch.amplitude * gain, frequency: ch.frequency, offset: ch.offset };
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
    this.errors.push([-113, "Undefined header"]);
    return undefined;
  }
}
