// WebSerial as the page sees it: navigator.serial and SerialPort objects.

import { chooseDevice, defineSimulated, grantedFacades, requireActivation } from "../device.js";
import { defineInterface } from "../events.js";
import { context, attempt, idlEnforceRange, idlDictionary, idlSequence } from "../idl.js";

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
  static simOf(port) {
    return port.#link.sim;
  }
}
defineInterface(SerialPortSim, "SerialPort", ["connect", "disconnect"]);
defineSimulated(SerialPortSim, SerialPortSim.simOf);

function serialFilterMatches(sim, filter) {
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
    return grantedFacades(this.#ctl, "serial");
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
      requireActivation(ctl, where);
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
      const matches = (s) => filters.length === 0 || filters.some((f) => serialFilterMatches(s, f));
      return chooseDevice(ctl, "serial", options, matches, where, "No port selected by the user.");
    });
  }
}
defineInterface(SerialSimApi, "Serial", ["connect", "disconnect"]);
