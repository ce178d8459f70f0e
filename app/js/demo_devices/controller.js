// The controller: globalThis.flojoyDemoDevices (documented in index.js).

import { SerialSimApi } from "./serial/api.js";
import { ArduinoSim, UnplugSim, MalformedSim, BusySim } from "./serial/devices.js";
import { ScpiSim } from "./serial/scpi.js";
import { CanableSim } from "./serial/canable.js";
import { USBSimApi } from "./usb/api.js";
import { EchoSim, UsbStreamSim } from "./usb/devices.js";
import { Keithley2450Sim } from "./usb/keithley2450.js";
import { Afg31000Sim } from "./usb/tektronix_afg31000.js";
import { Mso2xSim } from "./usb/tektronix_mso2x.js";
import { Mdo3Sim } from "./usb/tektronix_mdo3xxx.js";
import { Dmm7510Sim } from "./usb/keithley_dmm7510.js";
import { Ds1074zSim } from "./usb/rigol_ds1074z.js";
import { TicSim } from "./usb/pololu_tic.js";
import { T3dsoSim } from "./usb/teledyne_t3dso.js";

/** Kinds: class, bus, and what a device of that kind looks like unless its spec says otherwise. */
const KINDS = {
  arduino: { bus: "serial", make: ArduinoSim, label: "Arduino Uno (simulated)", usbVendorId: 0x2341, usbProductId: 0x0043 },
  unplug: { bus: "serial", make: UnplugSim, label: "Arduino Uno, unplugs itself (simulated)", usbVendorId: 0x2341, usbProductId: 0x0043 },
  malformed: { bus: "serial", make: MalformedSim, label: "Arduino Uno, noisy line (simulated)", usbVendorId: 0x2341, usbProductId: 0x0043 },
  scpi: { bus: "serial", make: ScpiSim, label: "SCPI voltmeter (simulated)", usbVendorId: 0x0403, usbProductId: 0x6001 },
  canable: { bus: "serial", make: CanableSim, label: "CANable slcan adapter (simulated)", usbVendorId: 0x16d0, usbProductId: 0x117e },
  busy: { bus: "serial", make: BusySim, label: "Serial port in use (simulated)", usbVendorId: 0x1a86, usbProductId: 0x7523 },
  echo: { bus: "usb", make: EchoSim, label: "Flojoy USB echo (simulated)", vendorId: 0xcafe, productId: 0x4001, serialNumber: "SIM-ECHO-0001" },
  "usb-stream": {
    bus: "usb",
    make: UsbStreamSim,
    label: "Flojoy USB streamer (simulated)",
    vendorId: 0xcafe,
    productId: 0x4002,
    serialNumber: "SIM-STREAM-0001",
  },
  "keithley-2450": {
    bus: "usb",
    make: Keithley2450Sim,
    label: "Keithley 2450 SourceMeter (simulated)",
    manufacturerName: "Keithley Instruments",
    vendorId: 0x05e6,
    productId: 0x2450,
    serialNumber: "04512345",
  },
  afg31000: {
    bus: "usb",
    make: Afg31000Sim,
    label: "Tektronix AFG31052 function generator (simulated)",
    manufacturerName: "Tektronix",
    vendorId: 0x0699,
    productId: 0x035e,
    serialNumber: "C012345",
  },
  mso2x: {
    bus: "usb",
    make: Mso2xSim,
    label: "Tektronix MSO24 oscilloscope (simulated)",
    manufacturerName: "Tektronix",
    vendorId: 0x0699,
    productId: 0x0105,
    serialNumber: "C054321",
  },
  mdo3: {
    bus: "usb",
    make: Mdo3Sim,
    label: "Tektronix MDO3034 oscilloscope (simulated)",
    manufacturerName: "Tektronix",
    vendorId: 0x0699,
    productId: 0x0408,
    serialNumber: "C010101",
  },
  tic: {
    bus: "usb",
    make: TicSim,
    label: "Pololu Tic T834 stepper controller (simulated)",
    manufacturerName: "Pololu Corporation",
    vendorId: 0x1ffb,
    productId: 0x00b5,
    serialNumber: "00112233",
  },
  dmm7510: {
    bus: "usb",
    make: Dmm7510Sim,
    label: "Keithley DMM7510 multimeter (simulated)",
    manufacturerName: "Keithley Instruments",
    vendorId: 0x05e6,
    productId: 0x7510,
    serialNumber: "04400001",
  },
  ds1074z: {
    bus: "usb",
    make: Ds1074zSim,
    label: "Rigol DS1074Z oscilloscope (simulated)",
    manufacturerName: "Rigol Technologies",
    vendorId: 0x1ab1,
    productId: 0x04ce,
    serialNumber: "DS1ZA000000001",
  },
  t3dso: { bus: "usb", make: T3dsoSim, label: "Teledyne LeCroy T3DSO1104 oscilloscope (simulated)", manufacturerName: "Teledyne LeCroy", vendorId: 0xf4ec, productId: 0xee38, serialNumber: "T3DS1C0000001" },
};

/** install({ demo: true }): what a visitor without hardware gets. */
const DEMO_SET = Object.freeze({
  serial: Object.freeze([
    Object.freeze({ kind: "arduino", name: "arduino", rate: 1000 }),
    Object.freeze({ kind: "scpi", name: "scpi" }),
    Object.freeze({ kind: "canable", name: "canable" }),
  ]),
  usb: Object.freeze([
    Object.freeze({ kind: "echo", name: "echo" }),
    Object.freeze({ kind: "usb-stream", name: "usb-stream", rate: 10000 }),
    Object.freeze({ kind: "keithley-2450", name: "keithley-2450", load: Object.freeze({ kind: "diode" }) }),
    // a bench for Studio's bodePlot.json: the generator's channel 1 through a 1 MHz low-pass into the scope
    Object.freeze({ kind: "afg31000", name: "afg31000" }),
    Object.freeze({ kind: "mso2x", name: "mso2x", source: "afg31000", dut: Object.freeze({ kind: "lowpass", fc: 1e6 }) }),
    Object.freeze({ kind: "mdo3", name: "mdo3" }),
    Object.freeze({ kind: "tic", name: "tic" }),
    Object.freeze({ kind: "t3dso", name: "t3dso" }),
    // Studio's dmmRead.json and rigolExtractTrace.json
    Object.freeze({ kind: "dmm7510", name: "dmm7510" }),
    Object.freeze({ kind: "ds1074z", name: "ds1074z" }),
  ]),
});

function defaultChoice(candidates) {
  return candidates.find((c) => !c.granted) || candidates[0] || null;
}

export const controller = {
  version: 1,
  installed: false,
  /** The options of the current install (with defaults filled in). */
  options: { granted: true, requireUserActivation: true, replaceNavigator: true },
  /** Serial device handles, in install order. */
  serial: [],
  /** USB device handles, in install order. */
  usb: [],
  /** The emulated navigator.serial / navigator.usb (also usable without replacing navigator). */
  serialApi: null,
  usbApi: null,
  kinds: Object.keys(KINDS),
  demoSet: DEMO_SET,
  _saved: null,

  install(options = {}) {
    if (this.installed) this.uninstall();
    const opts = Object.assign({ granted: true, requireUserActivation: true, replaceNavigator: true }, options);
    let serialSpecs = Array.from(opts.serial || []);
    let usbSpecs = Array.from(opts.usb || []);
    if (opts.demo) {
      serialSpecs = DEMO_SET.serial.concat(serialSpecs);
      usbSpecs = DEMO_SET.usb.concat(usbSpecs);
    }
    const nav = globalThis.navigator;
    if (opts.replaceNavigator && !nav) throw new Error("flojoyDemoDevices.install: there is no navigator to install into");
    this.options = opts;
    this.serialApi = new SerialSimApi(this);
    this.usbApi = new USBSimApi(this);
    const names = new Set();
    const build = (spec, bus) => {
      const kind = KINDS[spec && spec.kind];
      if (!kind || kind.bus !== bus) {
        const allowed = Object.keys(KINDS).filter((k) => KINDS[k].bus === bus);
        throw new Error(`flojoyDemoDevices.install: unknown ${bus} device kind '${spec && spec.kind}' (known: ${allowed.join(", ")})`);
      }
      let name = spec.name !== undefined ? String(spec.name) : spec.kind;
      if (names.has(name)) {
        if (spec.name !== undefined) throw new Error(`flojoyDemoDevices.install: two devices are named '${name}'`);
        let i = 2;
        while (names.has(`${spec.kind}-${i}`)) i++;
        name = `${spec.kind}-${i}`;
      }
      names.add(name);
      return new kind.make(this, Object.assign({}, spec, { name }), kind);
    };
    this.serial = serialSpecs.map((s) => build(s, "serial"));
    this.usb = usbSpecs.map((s) => build(s, "usb"));
    if (opts.replaceNavigator) {
      this._saved = {
        serial: Object.getOwnPropertyDescriptor(nav, "serial"),
        usb: Object.getOwnPropertyDescriptor(nav, "usb"),
      };
      const serialApi = this.serialApi;
      const usbApi = this.usbApi;
      Object.defineProperty(nav, "serial", { configurable: true, enumerable: true, get: () => serialApi });
      Object.defineProperty(nav, "usb", { configurable: true, enumerable: true, get: () => usbApi });
    }
    this.installed = true;
    return this;
  },

  uninstall() {
    for (const handle of this.serial) handle.shutdown();
    for (const handle of this.usb) handle.shutdown();
    const nav = globalThis.navigator;
    if (this._saved && nav) {
      for (const key of ["serial", "usb"]) {
        const saved = this._saved[key];
        if (saved) Object.defineProperty(nav, key, saved);
        else delete nav[key];
      }
    }
    this._saved = null;
    this.serial = [];
    this.usb = [];
    this.installed = false;
  },

  find(name) {
    return this.serial.find((h) => h.name === name) || this.usb.find((h) => h.name === name) || null;
  },

  plug(name, options) {
    return this._handle(name).plug(options);
  },

  unplug(name) {
    return this._handle(name).unplug();
  },

  _handle(name) {
    const handle = this.find(name);
    if (!handle) throw new Error(`flojoyDemoDevices: no simulated device named '${name}'`);
    return handle;
  },

  /** The chooser: options.choose(kind, candidates, requestOptions), or the default pick. */
  choose(kind, candidates, requestOptions) {
    if (typeof this.options.choose !== "function") return defaultChoice(candidates);
    const picked = this.options.choose(kind, candidates.slice(), requestOptions);
    if (picked === null || picked === undefined || picked === false) return null;
    const handle = typeof picked === "string" ? candidates.find((c) => c.name === picked) : picked;
    return candidates.includes(handle) ? handle : null;
  },
};
