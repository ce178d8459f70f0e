// WebSerial as the page sees it: navigator.serial and SerialPort objects.

import { defineEventHandler, setToStringTag } from "../events.js";
import { context, domError, attempt, idlEnforceRange, idlDictionary, idlSequence, userIsActive } from "../idl.js";
import { nextTask } from "../time.js";

/** The SerialPort object the page sees. */
export class SerialPortSim extends EventTarget {
  #link;
  constructor(link) {
    super();
    this.#link = link;
  }
  get connected() {
    const sim = this.#link.sim;
    return sim.port === this && sim.connected;
  }
  get readable() {
    return this.#link.getReadable();
  }
  get writable() {
    return this.#link.getWritable();
  }
  getInfo() {
    const sim = this.#link.sim;
    return { usbVendorId: sim.usbVendorId, usbProductId: sim.usbProductId };
  }
  open(options) {
    return this.#link.open(options, arguments.length);
  }
  close() {
    return this.#link.close();
  }
  forget() {
    return this.#link.forget();
  }
  getSignals() {
    return this.#link.getSignals();
  }
  setSignals(signals) {
    return this.#link.setSignals(signals, arguments.length);
  }
  get flojoyLabel() {
    return this.#link.sim.label;
  }
  get flojoyName() {
    return this.#link.sim.name;
  }
  get flojoySimulated() {
    return true;
  }
}
setToStringTag(SerialPortSim, "SerialPort");
defineEventHandler(SerialPortSim.prototype, "connect");
defineEventHandler(SerialPortSim.prototype, "disconnect");

export function serialFilterMatches(sim, filter) {
  if (filter.bluetoothServiceClassId !== undefined) return false; // all simulated ports are USB
  if (filter.usbVendorId !== undefined && filter.usbVendorId !== sim.usbVendorId) return false;
  if (filter.usbProductId !== undefined && filter.usbProductId !== sim.usbProductId) return false;
  return true;
}

/** navigator.serial */
export class SerialSimApi extends EventTarget {
  #ctl;
  constructor(ctl) {
    super();
    this.#ctl = ctl;
  }
  getPorts() {
    const ctl = this.#ctl;
    return nextTask().then(() => ctl.serial.filter((s) => s.connected && s.granted).map((s) => s.port));
  }
  requestPort(options) {
    const ctl = this.#ctl;
    return attempt(() => {
      const where = context("requestPort", "Serial");
      const o = idlDictionary(options, "SerialPortRequestOptions", where);
      const filters = [];
      if (o.filters !== undefined) {
        for (const f of idlSequence(o.filters, "filters", "SerialPortRequestOptions", where)) {
          const d = idlDictionary(f, "SerialPortFilter", where);
          filters.push({
            bluetoothServiceClassId: d.bluetoothServiceClassId,
            usbProductId: d.usbProductId === undefined ? undefined : idlEnforceRange(d.usbProductId, 16, "usbProductId", "SerialPortFilter", where),
            usbVendorId: d.usbVendorId === undefined ? undefined : idlEnforceRange(d.usbVendorId, 16, "usbVendorId", "SerialPortFilter", where),
          });
        }
      }
      if (ctl.options.requireUserActivation && !userIsActive()) {
        throw domError("SecurityError", where("Must be handling a user gesture to show a permission request."));
      }
      for (const f of filters) {
        if (f.bluetoothServiceClassId !== undefined) {
          if (f.usbVendorId !== undefined || f.usbProductId !== undefined) {
            throw new TypeError(where("A filter cannot specify both bluetoothServiceClassId and usbVendorId or usbProductId."));
          }
        } else if (f.usbVendorId === undefined) {
          throw new TypeError(
            where(
              f.usbProductId === undefined
                ? "A filter must provide a property to filter by."
                : "A filter containing a usbProductId must also specify a usbVendorId.",
            ),
          );
        }
      }
      return nextTask().then(() => {
        const candidates = ctl.serial.filter(
          (s) => s.connected && (filters.length === 0 || filters.some((f) => serialFilterMatches(s, f))),
        );
        const choice = ctl.choose("serial", candidates, options);
        if (!choice) throw domError("NotFoundError", where("No port selected by the user."));
        choice.granted = true;
        return choice.port;
      });
    });
  }
}
setToStringTag(SerialSimApi, "Serial");
defineEventHandler(SerialSimApi.prototype, "connect");
defineEventHandler(SerialSimApi.prototype, "disconnect");
