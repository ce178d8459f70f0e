// 'keithley-2450': a simulated Keithley 2450 SourceMeter on USBTMC (0x05E6:0x2450), in its TSP
// command set, sourcing into a load: { kind: "resistor", ohms } (default 1 kΩ) or
// { kind: "diode", is, n } (Shockley: I = is·(exp(V / (n·Vt)) − 1), Vt = 25.852 mV; defaults
// is = 1e-12 A, n = 1.8). Every measurement is clamped to the source limit (compliance).
//
// Understands what Flojoy's 2450 nodes send (the TSP lines of Studio's blocks):
//   *IDN?, *LANG TSP, *LANG? (-> TSP), reset(), `attribute = value` lines for smu.source.func /
//   level / ilimit.level / vlimit.level / output, smu.measure.func (others are accepted and
//   kept), smu.source.sweeplinear("name", start, stop, points, delay), trigger.model.initiate()
//   (runs the sweep; status.operation.condition reads 1 for `sweepPolls` polls, default 1, then
//   0), print(status.operation.condition), print(defbuffer1.n), printbuffer(1, n, defbuffer1)
//   and printbuffer(1, n, defbuffer1.sourcevalues), print(smu.measure.read()), beeper.beep(d, f),
//   status.operation.setmap(...). Numbers are printed like the instrument: 10 significant digits.
// Anything else goes to the error queue (-285, "TSP syntax error").
// Handle: `load` (change it between runs), `readings`, `sourceValues` (the last sweep).

import { UsbtmcSim } from "./usbtmc.js";

const VT = 0.025852;

/** What the load draws (or drops) when `x` is sourced. */
export function loadResponse(load, sourceVoltage, x) {
  if (load.kind === "diode") {
    const is = load.is !== undefined ? load.is : 1e-12;
    const n = load.n !== undefined ? load.n : 1.8;
    return sourceVoltage ? is * Math.expm1(x / (n * VT)) : n * VT * Math.log1p(x / is);
  }
  const ohms = load.ohms !== undefined ? load.ohms : 1000;
  return sourceVoltage ? x / ohms : x * ohms;
}

const print = (x) => x.toExponential(9);

export class Keithley2450Sim extends UsbtmcSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.load = spec.load !== undefined ? spec.load : { kind: "resistor", ohms: 1000 };
    this.idn = spec.idn !== undefined ? String(spec.idn) : "KEITHLEY INSTRUMENTS,MODEL 2450,04512345,1.7.3c";
    this.sweepPolls = spec.sweepPolls !== undefined ? Number(spec.sweepPolls) : 1;
    this.reset();
  }
  reset() {
    this.attrs = new Map();
    this.sourceVoltage = true;
    this.measureCurrent = true;
    this.level = 0;
    this.limit = 1.05e-4;
    this.output = false;
    this.sweep = null;
    this.sourceValues = [];
    this.readings = [];
    this.running = 0;
  }
  measure(x) {
    if (this.measureCurrent !== this.sourceVoltage) return x;
    const y = loadResponse(this.load, this.sourceVoltage, x);
    return Math.min(this.limit, Math.max(-this.limit, y));
  }
  answer(text) {
    const line = text.trim();
    const args = () =>
      line
        .slice(line.indexOf("(") + 1, line.lastIndexOf(")"))
        .split(",")
        .map((s) => s.trim());
    if (line === "*IDN?") return this.idn;
    if (line === "*LANG TSP" || line === "*CLS") return undefined;
    if (line === "*LANG?") return "TSP";
    if (line === "reset()") return void this.reset();
    if (line === "trigger.model.initiate()") {
      if (!this.sweep) throw new Error("no sweep configured");
      const { start, stop, points } = this.sweep;
      this.sourceValues = Array.from({ length: points }, (_, i) => start + ((stop - start) * i) / (points - 1));
      this.readings = this.sourceValues.map((x) => this.measure(x));
      this.running = this.sweepPolls;
      return undefined;
    }
    if (line === "print(status.operation.condition)") {
      if (this.running > 0) {
        this.running--;
        return "1";
      }
      return "0";
    }
    if (line === "print(defbuffer1.n)") return String(this.readings.length);
    if (line === "print(smu.measure.read())") return print(this.measure(this.output ? this.level : 0));
    if (line.startsWith("printbuffer(")) {
      const [from, to, buffer] = args();
      const list = buffer === "defbuffer1.sourcevalues" ? this.sourceValues : buffer === "defbuffer1" ? this.readings : null;
      if (!list) throw new Error(`no buffer ${buffer}`);
      return list.slice(Number(from) - 1, Number(to)).map(print).join(", ");
    }
    if (line.startsWith("smu.source.sweeplinear(")) {
      const a = args();
      const points = Math.round(Number(a[3]));
      if (!(points >= 2)) throw new Error("sweep points must be 2 or more");
      this.sweep = { start: Number(a[1]), stop: Number(a[2]), points, delay: Number(a[4]) };
      return undefined;
    }
    if (line.startsWith("status.operation.setmap(") || line.startsWith("beeper.beep(")) return undefined;
    const eq = line.indexOf(" = ");
    if (eq > 0) {
      const [attr, value] = [line.slice(0, eq), line.slice(eq + 3)];
      this.attrs.set(attr, value);
      if (attr === "smu.source.func") this.sourceVoltage = value === "smu.FUNC_DC_VOLTAGE";
      else if (attr === "smu.measure.func") this.measureCurrent = value === "smu.FUNC_DC_CURRENT";
      else if (attr === "smu.source.level") this.level = Number(value);
      else if (attr === "smu.source.ilimit.level" || attr === "smu.source.vlimit.level") this.limit = Number(value);
      else if (attr === "smu.source.output") this.output = value === "smu.ON";
      return undefined;
    }
    this.errors.push([-285, "TSP syntax error"]);
    return undefined;
  }
}
