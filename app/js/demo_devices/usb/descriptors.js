// WebUSB's descriptor and transfer-result objects, as the page sees them.

import { setToStringTag } from "../events.js";

//
//   UsbSim       the simulated hardware (the handle tests use)
//   UsbLink      the browser's side of one USBDevice object (Chrome's blink::USBDevice state)
//   USBDeviceSim the USBDevice object the page sees
//
// Every operation answers in a later task, like Chrome's IPC. Checks and messages follow
// Chrome's usb_device.cc; errors found before the request is sent carry the
// "Failed to execute 'x' on 'USBDevice': " prefix, and so do Chrome's asynchronous rejections.

class USBEndpointSim {
  #d;
  constructor(d) {
    this.#d = d;
  }
  get endpointNumber() {
    return this.#d.endpointNumber;
  }
  get direction() {
    return this.#d.direction;
  }
  get type() {
    return this.#d.type;
  }
  get packetSize() {
    return this.#d.packetSize;
  }
}
setToStringTag(USBEndpointSim, "USBEndpoint");

class USBAlternateInterfaceSim {
  #d;
  #endpoints;
  constructor(d) {
    this.#d = d;
    this.#endpoints = d.endpoints.map((e) => new USBEndpointSim(e));
  }
  get alternateSetting() {
    return this.#d.alternateSetting;
  }
  get interfaceClass() {
    return this.#d.interfaceClass;
  }
  get interfaceSubclass() {
    return this.#d.interfaceSubclass;
  }
  get interfaceProtocol() {
    return this.#d.interfaceProtocol;
  }
  get interfaceName() {
    return this.#d.interfaceName;
  }
  get endpoints() {
    return this.#endpoints.slice();
  }
}
setToStringTag(USBAlternateInterfaceSim, "USBAlternateInterface");

class USBInterfaceSim {
  #link;
  #ci;
  #ii;
  #d;
  #alternates;
  constructor(link, ci, ii, d) {
    this.#link = link;
    this.#ci = ci;
    this.#ii = ii;
    this.#d = d;
    this.#alternates = d.alternates.map((a) => new USBAlternateInterfaceSim(a));
  }
  get interfaceNumber() {
    return this.#d.interfaceNumber;
  }
  /** The selected alternate while claimed, else alternate 0 (current Chrome). */
  get alternate() {
    const link = this.#link;
    const claimed = link.configIndex === this.#ci && link.claimed[this.#ii];
    return this.#alternates[claimed ? link.altIndex[this.#ii] : 0];
  }
  get alternates() {
    return this.#alternates.slice();
  }
  get claimed() {
    const link = this.#link;
    return link.configIndex === this.#ci && Boolean(link.claimed[this.#ii]);
  }
}
setToStringTag(USBInterfaceSim, "USBInterface");

export class USBConfigurationSim {
  #d;
  #interfaces;
  constructor(link, ci, d) {
    this.#d = d;
    this.#interfaces = d.interfaces.map((iface, ii) => new USBInterfaceSim(link, ci, ii, iface));
  }
  get configurationValue() {
    return this.#d.configurationValue;
  }
  get configurationName() {
    return this.#d.configurationName;
  }
  get interfaces() {
    return this.#interfaces.slice();
  }
}
setToStringTag(USBConfigurationSim, "USBConfiguration");

export class USBInTransferResultSim {
  #status;
  #data;
  constructor(status, bytes) {
    this.#status = status;
    this.#data = new DataView(new Uint8Array(bytes).buffer);
  }
  get status() {
    return this.#status;
  }
  get data() {
    return this.#data;
  }
}
setToStringTag(USBInTransferResultSim, "USBInTransferResult");

export class USBOutTransferResultSim {
  #status;
  #bytesWritten;
  constructor(status, bytesWritten) {
    this.#status = status;
    this.#bytesWritten = bytesWritten;
  }
  get status() {
    return this.#status;
  }
  get bytesWritten() {
    return this.#bytesWritten;
  }
}
setToStringTag(USBOutTransferResultSim, "USBOutTransferResult");
