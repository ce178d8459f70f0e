// What serial and USB devices share, so each bus only adds what is its own:
//   DeviceSim       the simulated hardware's identity, permission, counters and plugging
//   RateClock       production by the wall clock (the Arduino's rows, the data logger's samples)
//   grantedFacades, requireActivation, chooseDevice
//                   the browser's side of navigator.serial / navigator.usb: the devices the page
//                   may use, and the chooser behind requestPort() / requestDevice()
//   defineSimulated the `flojoyLabel` / `flojoyName` / `flojoySimulated` of the objects the page sees

import { concatBytes, latin1Text } from "./bytes.js";
import { domError, userIsActive } from "./idl.js";
import { clock, nextTask } from "./time.js";

/**
 * Base class of the simulated hardware (the handle tests use). A bus's class provides:
 *   facade               the object the page sees (a SerialPort, a USBDevice)
 *   freshStats()         its counters, all zero
 *   disconnectHost()     the connection to the page is gone (unplugged)
 *   replug(options)      it is about to come back
 *   announce(type)       the browser fires "connect" / "disconnect" for it
 */
export class DeviceSim {
  constructor(ctl, spec, defaults) {
    this.controller = ctl;
    this.kind = spec.kind;
    this.name = spec.name;
    this.label = spec.label !== undefined ? String(spec.label) : defaults.label;
    this.granted = spec.granted !== undefined ? Boolean(spec.granted) : ctl.options.granted !== false;
    this.connected = spec.connected !== undefined ? Boolean(spec.connected) : true;
    this._stats = this.freshStats();
    /** Every chunk (serial) or bulk OUT payload (USB) the host sent, in order. */
    this.written = [];
  }

  get stats() {
    this.refresh(clock());
    return this._stats;
  }
  resetStats() {
    this._stats = this.freshStats();
  }
  writtenText() {
    return latin1Text(concatBytes(this.written));
  }
  setRate() {
    throw new TypeError(`flojoyDemoDevices: a '${this.kind}' device has no rate`);
  }
  /** Brings what the device produced up to time t (devices that produce lazily). */
  refresh(_t) {}

  unplug() {
    if (!this.connected) return false;
    this.connected = false;
    this._stats.unplugs++;
    this.disconnectHost();
    if (this.granted) this.announce("disconnect");
    return true;
  }
  plug(options = {}) {
    if (this.connected) return false;
    this.replug(options);
    this.connected = true;
    this._stats.plugs++;
    if (this.granted) this.announce("connect");
    return true;
  }
}

/** Items made by the wall clock at `rate` per second: item k is due (k + 1) / rate s after start. */
export class RateClock {
  constructor(rate) {
    this.rate = rate;
    this.base = 0; // items due at t0
    this.t0 = 0;
  }
  /** Counting starts again from 0 at time t. */
  start(t) {
    this.base = 0;
    this.t0 = t;
  }
  /** How many items are due at time t. */
  due(t) {
    return this.base + Math.floor(((t - this.t0) * this.rate) / 1000);
  }
  /** `rate` per second from time t on; the `made` items so far stand. */
  change(rate, t, made) {
    this.base = made;
    this.t0 = t;
    this.rate = rate;
  }
  /** A rate a test may set: a finite number >= 0 (0 pauses). */
  static check(rate) {
    const r = Number(rate);
    if (!(r >= 0) || !Number.isFinite(r)) throw new RangeError("flojoyDemoDevices: rate must be a finite number >= 0");
    return r;
  }
}

/** getPorts() / getDevices(): the connected devices of `bus` the page may use, in a later task. */
export function grantedFacades(ctl, bus) {
  return nextTask().then(() => ctl[bus].filter((s) => s.connected && s.granted).map((s) => s.facade));
}

/** Chrome shows a chooser only while handling a user gesture (when the install asks for that rule). */
export function requireActivation(ctl, where) {
  if (ctl.options.requireUserActivation && !userIsActive()) {
    throw domError("SecurityError", where("Must be handling a user gesture to show a permission request."));
  }
}

/**
 * The chooser, in a later task: the user picks one of the connected devices of `bus` that
 * `matches` accepts; it becomes granted and the page gets its facade. Nothing picked: NotFoundError
 * with Chrome's message `none`.
 */
export function chooseDevice(ctl, bus, requestOptions, matches, where, none) {
  return nextTask().then(() => {
    const candidates = ctl[bus].filter((s) => s.connected && matches(s));
    const choice = ctl.choose(bus, candidates, requestOptions);
    if (!choice) throw domError("NotFoundError", where(none));
    choice.granted = true;
    return choice.facade;
  });
}

/** The getters that say an object the page sees is simulated; `simOf` finds its device. */
export function defineSimulated(cls, simOf) {
  const getters = {
    flojoyLabel() {
      return simOf(this).label;
    },
    flojoyName() {
      return simOf(this).name;
    },
    flojoySimulated() {
      return true;
    },
  };
  for (const [name, get] of Object.entries(getters)) {
    Object.defineProperty(cls.prototype, name, { configurable: true, enumerable: false, get });
  }
}
