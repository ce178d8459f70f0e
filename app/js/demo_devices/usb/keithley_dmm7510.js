// 'dmm7510': a simulated Keithley DMM7510 7½-digit multimeter on USBTMC (0x05E6:0x7510), in its
// TSP command set, its inputs wired to a bench of known sources: `spec.readings` maps each
// function (the TSP constant without `dmm.FUNC_`) to what it reads. Defaults: a 1.5 V cell on
// DC voltage, a 10 kΩ resistor on resistance, a 1 kHz signal on frequency and period, 23 °C;
// what is not given reads 0 (continuity: the open-circuit 9.9e37).
//
// Understands what Flojoy's DMM7510 nodes send (the TSP lines of Studio's blocks): *IDN?,
// *LANG TSP, *LANG? (-> TSP), reset() (back to DC voltage), dmm.measure.func = dmm.FUNC_<F>,
// print(dmm.measure.read()) (printed like the instrument: 10 significant digits). Anything
// else goes to the error queue (-285, "TSP syntax error").
// Handle: `func` (the function now), `readings` (change them between runs).

import { UsbtmcSim } from "./usbtmc.js";

export const DMM_READINGS = Object.freeze({
  DC_VOLTAGE: 1.5,
  RESISTANCE: 10000,
  "4W_RESISTANCE": 10000,
  FREQUENCY: 1000,
  PERIOD: 1e-3,
  TEMPERATURE: 23,
  CONTINUITY: 9.9e37,
});

export class Dmm7510Sim extends UsbtmcSim {
  constructor(ctl, spec, defaults) {
    super(ctl, spec, defaults);
    this.idn = spec.idn !== undefined ? String(spec.idn) : "KEITHLEY INSTRUMENTS,MODEL DMM7510,04400001,1.7.12b";
    this.readings = Object.assign({}, DMM_READINGS, spec.readings || {});
    this.func = "DC_VOLTAGE";
  }
  answer(text) {
    const line = text.trim();
    if (line === "*IDN?") return this.idn;
    if (line === "*LANG TSP" || line === "*CLS") return undefined;
    if (line === "*LANG?") return "TSP";
    if (line === "reset()") {
      this.func = "DC_VOLTAGE";
      return undefined;
    }
    const set = /^dmm\.measure\.func = dmm\.FUNC_([A-Z0-9_]+)$/.exec(line);
    if (set) {
      this.func = set[1];
      return undefined;
    }
    if (line === "print(dmm.measure.read())") return (this.readings[this.func] ?? 0).toExponential(9);
    this.errors.push([-285, "TSP syntax error"]);
    return undefined;
  }
}
