// WebUSB as the page sees it: navigator.usb and USBDevice objects.

import { chooseDevice, defineSimulated, grantedFacades, requireActivation } from "../device.js";
import { defineInterface } from "../events.js";
import { context, attempt, idlOctet, idlUnsignedShort, idlDictionary, idlSequence } from "../idl.js";
import { USBConfigurationSim } from "./descriptors.js";

/** The USBDevice object the page sees. */
export class USBDeviceSim {
  #link;
  #configurations;
  constructor(link) {
    this.#link = link;
    this.#configurations = link.sim.desc.configurations.map((c, ci) => new USBConfigurationSim(link, ci, c));
  }
  get usbVersionMajor() {
    return this.#link.sim.desc.usbVersionMajor;
  }
  get usbVersionMinor() {
    return this.#link.sim.desc.usbVersionMinor;
  }
  get usbVersionSubminor() {
    return this.#link.sim.desc.usbVersionSubminor;
  }
  get deviceClass() {
    return this.#link.sim.desc.deviceClass;
  }
  get deviceSubclass() {
    return this.#link.sim.desc.deviceSubclass;
  }
  get deviceProtocol() {
    return this.#link.sim.desc.deviceProtocol;
  }
  get vendorId() {
    return this.#link.sim.desc.vendorId;
  }
  get productId() {
    return this.#link.sim.desc.productId;
  }
  get deviceVersionMajor() {
    return this.#link.sim.desc.deviceVersionMajor;
  }
  get deviceVersionMinor() {
    return this.#link.sim.desc.deviceVersionMinor;
  }
  get deviceVersionSubminor() {
    return this.#link.sim.desc.deviceVersionSubminor;
  }
  get manufacturerName() {
    return this.#link.sim.desc.manufacturerName;
  }
  get productName() {
    return this.#link.sim.desc.productName;
  }
  get serialNumber() {
    return this.#link.sim.desc.serialNumber;
  }
  get configuration() {
    const index = this.#link.configIndex;
    return index < 0 ? null : this.#configurations[index];
  }
  get configurations() {
    return this.#configurations.slice();
  }
  get opened() {
    return this.#link.opened;
  }
  open() {
    return this.#link.open();
  }
  close() {
    return this.#link.close();
  }
  forget() {
    return this.#link.forget();
  }
  reset() {
    return this.#link.reset();
  }
  selectConfiguration(configurationValue) {
    return this.#link.selectConfiguration(configurationValue);
  }
  claimInterface(interfaceNumber) {
    return this.#link.claimInterface(interfaceNumber);
  }
  releaseInterface(interfaceNumber) {
    return this.#link.releaseInterface(interfaceNumber);
  }
  selectAlternateInterface(interfaceNumber, alternateSetting) {
    return this.#link.selectAlternateInterface(interfaceNumber, alternateSetting);
  }
  controlTransferIn(setup, length) {
    return this.#link.controlTransferIn(setup, length, arguments.length);
  }
  controlTransferOut(setup, data) {
    return this.#link.controlTransferOut(setup, data, arguments.length);
  }
  clearHalt(direction, endpointNumber) {
    return this.#link.clearHalt(direction, endpointNumber);
  }
  transferIn(endpointNumber, length) {
    return this.#link.transferIn(endpointNumber, length);
  }
  transferOut(endpointNumber, data) {
    return this.#link.transferOut(endpointNumber, data);
  }
  isochronousTransferIn(endpointNumber, _packetLengths) {
    return this.#link.isochronousTransfer("isochronousTransferIn", "in", endpointNumber);
  }
  isochronousTransferOut(endpointNumber, _data, _packetLengths) {
    return this.#link.isochronousTransfer("isochronousTransferOut", "out", endpointNumber);
  }
  static simOf(device) {
    return device.#link.sim;
  }
}
defineInterface(USBDeviceSim, "USBDevice");
defineSimulated(USBDeviceSim, USBDeviceSim.simOf);

/** Chrome's UsbDeviceFilterMatches: class codes match the device or any interface. */
function usbFilterMatches(desc, f) {
  if (f.vendorId !== undefined && f.vendorId !== desc.vendorId) return false;
  if (f.productId !== undefined && f.productId !== desc.productId) return false;
  if (f.serialNumber !== undefined && f.serialNumber !== desc.serialNumber) return false;
  if (f.classCode === undefined) return true;
  const classes = [[desc.deviceClass, desc.deviceSubclass, desc.deviceProtocol]];
  for (const c of desc.configurations) {
    for (const i of c.interfaces) {
      for (const a of i.alternates) classes.push([a.interfaceClass, a.interfaceSubclass, a.interfaceProtocol]);
    }
  }
  return classes.some(
    ([cls, sub, proto]) =>
      cls === f.classCode &&
      (f.subclassCode === undefined || sub === f.subclassCode) &&
      (f.protocolCode === undefined || proto === f.protocolCode),
  );
}

function readUsbFilter(value, where) {
  const d = idlDictionary(value, "USBDeviceFilter", where);
  const f = {};
  for (const key of ["classCode", "protocolCode", "subclassCode"]) if (d[key] !== undefined) f[key] = idlOctet(d[key]);
  for (const key of ["productId", "vendorId"]) if (d[key] !== undefined) f[key] = idlUnsignedShort(d[key]);
  if (d.serialNumber !== undefined) f.serialNumber = String(d.serialNumber);
  return f;
}

/** Chrome rejects bad filters asynchronously, with a plain TypeError (no prefix). */
function usbFilterProblem(f) {
  if (f.productId !== undefined && f.vendorId === undefined) return "A filter containing a productId must also contain a vendorId.";
  if (f.subclassCode !== undefined && f.classCode === undefined) return "A filter containing a subclassCode must also contain a classCode.";
  if (f.protocolCode !== undefined && f.subclassCode === undefined) {
    return "A filter containing a protocolCode must also contain a subclassCode.";
  }
  return null;
}

/** navigator.usb */
export class USBSimApi extends EventTarget {
  #ctl;
  constructor(ctl) {
    super();
    this.#ctl = ctl;
  }
  getDevices() {
    return grantedFacades(this.#ctl, "usb");
  }
  requestDevice(options) {
    const ctl = this.#ctl;
    const argc = arguments.length;
    return attempt(() => {
      const where = context("requestDevice", "USB");
      if (argc === 0) throw new TypeError(where("1 argument required, but only 0 present."));
      const o = idlDictionary(options, "USBDeviceRequestOptions", where);
      const D = "USBDeviceRequestOptions";
      const exclusion = o.exclusionFilters === undefined ? [] : idlSequence(o.exclusionFilters, "exclusionFilters", D, where);
      if (o.filters === undefined) {
        throw new TypeError(where(`Failed to read the 'filters' property from '${D}': Required member is undefined.`));
      }
      const filters = idlSequence(o.filters, "filters", D, where).map((f) => readUsbFilter(f, where));
      const excluded = exclusion.map((f) => readUsbFilter(f, where));
      requireActivation(ctl, where);
      for (const f of filters.concat(excluded)) {
        const problem = usbFilterProblem(f);
        if (problem) return Promise.reject(new TypeError(problem));
      }
      const matches = (s) =>
        (filters.length === 0 || filters.some((f) => usbFilterMatches(s.desc, f))) &&
        !excluded.some((f) => usbFilterMatches(s.desc, f));
      return chooseDevice(ctl, "usb", options, matches, where, "No device selected.");
    });
  }
}
defineInterface(USBSimApi, "USB", ["connect", "disconnect"]);
