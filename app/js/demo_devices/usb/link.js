// WebUSB, the browser's side of one USBDevice object (Chrome's blink::USBDevice state).

import { bufferSourceBytes } from "../bytes.js";
import { context, domError, attempt, idlOctet, idlUnsignedShort, idlUnsignedLong, idlEnum, idlDictionary } from "../idl.js";
import { later, nextTask } from "../time.js";
import { USBInTransferResultSim, USBOutTransferResultSim } from "./descriptors.js";

const USB_REQUEST_TYPES = ["standard", "class", "vendor"];
const USB_RECIPIENTS = ["device", "interface", "endpoint", "other"];

export class UsbLink {
  constructor(sim) {
    this.sim = sim;
    this.device = null; // set by UsbSim
    this.alive = true; // Chrome's device_.is_bound(): false once unplugged or forgotten
    this.opened = false;
    this.busy = false; // a device state change (open/close/selectConfiguration/reset) is under way
    const active = sim.desc.configurations.findIndex((c) => c.configurationValue === sim.activeConfiguration);
    this.configIndex = -1;
    this.claimed = [];
    this.ifaceBusy = [];
    this.altIndex = [];
    this.releasing = [];
    if (active >= 0) this.selectConfigIndex(active);
    /** Pending requests, settled with NotFoundError if the connection is lost. */
    this.requests = new Set();
  }

  selectConfigIndex(index) {
    const count = this.sim.desc.configurations[index].interfaces.length;
    this.configIndex = index;
    this.claimed = new Array(count).fill(false);
    this.ifaceBusy = new Array(count).fill(false);
    this.altIndex = new Array(count).fill(0);
    this.releasing = new Array(count).fill(false);
  }

  get interfaces() {
    return this.configIndex < 0 ? [] : this.sim.desc.configurations[this.configIndex].interfaces;
  }

  /** A pending request; `transfer` = { dir, ep, iface } for transfers the host can cancel. */
  track(method, transfer = null) {
    const req = { method, transfer, done: false, resolve: null, reject: null };
    const promise = new Promise((resolve, reject) => {
      req.resolve = resolve;
      req.reject = reject;
    });
    req.finish = (ok, value) => {
      if (req.done) return;
      req.done = true;
      this.requests.delete(req);
      (ok ? req.resolve : req.reject)(value);
    };
    req.fail = (name, message) => req.finish(false, domError(name, context(method, "USBDevice")(message)));
    this.requests.add(req);
    return [req, promise];
  }

  /**
   * A request Chrome answers over IPC: `settle` runs in a later task, unless the request ended
   * before (the connection was lost), and the promise resolves with what it returns.
   */
  reply(method, settle, transfer = null) {
    const [req, promise] = this.track(method, transfer);
    later(() => {
      if (!req.done) req.finish(true, settle());
    });
    return promise;
  }

  /** Pending transfers matching `which` complete with AbortError (Chrome: CANCELLED). */
  cancelTransfers(which) {
    for (const req of Array.from(this.requests)) {
      if (req.transfer && which(req.transfer)) req.fail("AbortError", "The transfer was cancelled.");
    }
  }

  /** The connection is gone (Chrome's USBDevice::OnConnectionError). */
  lose() {
    this.alive = false;
    this.opened = false;
    for (const req of Array.from(this.requests)) req.fail("NotFoundError", "The device was disconnected.");
  }

  // --- Chrome's precondition checks ---
  ensureNoDeviceChange(where) {
    if (!this.alive) throw domError("NotFoundError", where("The device was disconnected."));
    if (this.busy) throw domError("InvalidStateError", where("An operation that changes the device state is in progress."));
  }
  ensureNoDeviceOrInterfaceChange(where) {
    this.ensureNoDeviceChange(where);
    if (this.ifaceBusy.some(Boolean)) {
      throw domError("InvalidStateError", where("An operation that changes interface state is in progress."));
    }
  }
  ensureOpened(where) {
    if (!this.opened) throw domError("InvalidStateError", where("The device must be opened first."));
  }
  ensureConfigured(where) {
    this.ensureNoDeviceChange(where);
    this.ensureOpened(where);
    if (this.configIndex < 0) throw domError("InvalidStateError", where("The device must have a configuration selected."));
  }
  interfaceIndex(number) {
    return this.interfaces.findIndex((i) => i.interfaceNumber === number);
  }
  ensureInterfaceIndex(where, number) {
    const index = this.interfaceIndex(number);
    if (index < 0) {
      throw domError(
        "NotFoundError",
        where("The interface number provided is not supported by the device in its current configuration."),
      );
    }
    return index;
  }
  ensureClaimed(where, number) {
    this.ensureConfigured(where);
    const index = this.ensureInterfaceIndex(where, number);
    if (this.ifaceBusy[index]) throw domError("InvalidStateError", where("An operation that changes interface state is in progress."));
    if (!this.claimed[index]) throw domError("InvalidStateError", where("The specified interface has not been claimed."));
    return index;
  }
  /** The interface number owning endpoint `ep` in direction `dir`, if claimed and selected. */
  endpointOwner(dir, ep) {
    const interfaces = this.interfaces;
    for (let i = 0; i < interfaces.length; i++) {
      if (!this.claimed[i] || this.releasing[i]) continue;
      const alt = interfaces[i].alternates[this.altIndex[i]];
      if (alt.endpoints.some((e) => e.endpointNumber === ep && e.direction === dir)) return interfaces[i].interfaceNumber;
    }
    return -1;
  }
  ensureEndpoint(where, dir, ep) {
    this.ensureConfigured(where);
    if (ep === 0 || ep >= 16) throw domError("IndexSizeError", where("The specified endpoint number is out of range."));
    const owner = this.endpointOwner(dir, ep);
    if (owner < 0) {
      throw domError("NotFoundError", where("The specified endpoint is not part of a claimed and selected alternate interface."));
    }
    return owner;
  }

  /** USBControlTransferParameters, converted and checked like Chrome. */
  readSetup(setup, where) {
    const D = "USBControlTransferParameters";
    const o = idlDictionary(setup, D, where);
    const required = (member) => {
      const v = o[member];
      if (v === undefined) {
        throw new TypeError(where(`Failed to read the '${member}' property from '${D}': Required member is undefined.`));
      }
      return v;
    };
    const index = idlUnsignedShort(required("index"));
    const recipient = idlEnum(required("recipient"), USB_RECIPIENTS, "recipient", D, "USBRecipient", where);
    const request = idlOctet(required("request"));
    const requestType = idlEnum(required("requestType"), USB_REQUEST_TYPES, "requestType", D, "USBRequestType", where);
    const value = idlUnsignedShort(required("value"));
    return { requestType, recipient, request, value, index };
  }

  /** Chrome checks the recipient after the device state: a claimed interface or endpoint. */
  checkRecipient(params, where) {
    if (params.recipient === "interface") this.ensureClaimed(where, params.index & 0xff);
    if (params.recipient === "endpoint") this.ensureEndpoint(where, params.index & 0x80 ? "in" : "out", params.index & 0x0f);
  }

  // --- USBDevice methods ---
  open() {
    const where = context("open", "USBDevice");
    return attempt(() => {
      this.ensureNoDeviceOrInterfaceChange(where);
      if (this.opened) return undefined;
      this.busy = true;
      return this.reply("open", () => {
        this.busy = false;
        this.opened = true;
        this.sim.hostOpened(this);
      });
    });
  }

  close() {
    const where = context("close", "USBDevice");
    return attempt(() => {
      this.ensureNoDeviceOrInterfaceChange(where);
      if (!this.opened) return undefined;
      this.busy = true;
      return this.reply("close", () => {
        this.cancelTransfers(() => true);
        this.busy = false;
        this.opened = false;
        this.claimed.fill(false);
        this.altIndex.fill(0);
        this.releasing.fill(false);
        this.sim.hostClosed(this);
      });
    });
  }

  forget() {
    return attempt(() =>
      nextTask().then(() => {
        const sim = this.sim;
        const wasOpen = this.alive && this.opened;
        if (this.alive) this.lose();
        if (wasOpen) sim.hostClosed(this);
        if (sim.link === this) {
          // Permission revoked; the connection is gone for good. If the device is asked for
          // again, the page gets a fresh USBDevice object.
          sim.granted = false;
          sim.newDeviceObject();
        }
      }),
    );
  }

  reset() {
    const where = context("reset", "USBDevice");
    return attempt(() => {
      this.ensureNoDeviceOrInterfaceChange(where);
      this.ensureOpened(where);
      return this.reply("reset", () => {
        this.cancelTransfers(() => true);
      });
    });
  }

  selectConfiguration(value) {
    const where = context("selectConfiguration", "USBDevice");
    return attempt(() => {
      const v = idlOctet(value);
      this.ensureNoDeviceOrInterfaceChange(where);
      this.ensureOpened(where);
      const index = this.sim.desc.configurations.findIndex((c) => c.configurationValue === v);
      if (index < 0) throw domError("NotFoundError", where("The configuration value provided is not supported by the device."));
      if (index === this.configIndex) return undefined;
      this.busy = true;
      return this.reply("selectConfiguration", () => {
        this.busy = false;
        this.selectConfigIndex(index);
      });
    });
  }

  claimInterface(number) {
    const where = context("claimInterface", "USBDevice");
    return attempt(() => {
      const n = idlOctet(number);
      this.ensureConfigured(where);
      const index = this.ensureInterfaceIndex(where, n);
      if (this.ifaceBusy[index]) throw domError("InvalidStateError", where("An operation that changes interface state is in progress."));
      if (this.claimed[index]) return undefined;
      this.ifaceBusy[index] = true;
      return this.reply("claimInterface", () => {
        this.ifaceBusy[index] = false;
        this.claimed[index] = true;
        this.sim.hostClaimed(this, n);
      });
    });
  }

  releaseInterface(number) {
    const where = context("releaseInterface", "USBDevice");
    return attempt(() => {
      const n = idlOctet(number);
      this.ensureConfigured(where);
      const index = this.ensureInterfaceIndex(where, n);
      if (this.ifaceBusy[index]) throw domError("InvalidStateError", where("An operation that changes interface state is in progress."));
      if (!this.claimed[index]) return undefined;
      this.ifaceBusy[index] = true;
      this.releasing[index] = true; // its endpoints are unusable at once
      return this.reply("releaseInterface", () => {
        this.cancelTransfers((t) => t.iface === n);
        this.ifaceBusy[index] = false;
        this.releasing[index] = false;
        this.claimed[index] = false;
        this.altIndex[index] = 0;
        this.sim.hostReleased(this, n);
      });
    });
  }

  selectAlternateInterface(number, setting) {
    const where = context("selectAlternateInterface", "USBDevice");
    return attempt(() => {
      const n = idlOctet(number);
      const s = idlOctet(setting);
      const index = this.ensureClaimed(where, n);
      const alt = this.interfaces[index].alternates.findIndex((a) => a.alternateSetting === s);
      if (alt < 0) {
        throw domError(
          "NotFoundError",
          where("The alternate setting provided is not supported by the device in its current configuration."),
        );
      }
      this.ifaceBusy[index] = true;
      return this.reply("selectAlternateInterface", () => {
        this.cancelTransfers((t) => t.iface === n);
        this.ifaceBusy[index] = false;
        this.altIndex[index] = alt;
      });
    });
  }

  controlTransferIn(setup, length, argc) {
    const where = context("controlTransferIn", "USBDevice");
    return attempt(() => {
      if (argc < 2) throw new TypeError(where(`2 arguments required, but only ${argc} present.`));
      const params = this.readSetup(setup, where);
      const len = idlUnsignedShort(length);
      this.ensureNoDeviceOrInterfaceChange(where);
      this.ensureOpened(where);
      this.checkRecipient(params, where);
      return this.reply("controlTransferIn", () => {
        const { status, data } = this.sim.controlIn(params, len);
        const bytes = status === "ok" ? data.slice(0, len) : new Uint8Array(0);
        this.sim.countControl("in", status, bytes.length);
        return new USBInTransferResultSim(status, bytes);
      }, { dir: "in", ep: 0, iface: -1 });
    });
  }

  controlTransferOut(setup, data, argc) {
    const where = context("controlTransferOut", "USBDevice");
    return attempt(() => {
      if (argc < 1) throw new TypeError(where("1 argument required, but only 0 present."));
      const params = this.readSetup(setup, where);
      let bytes = new Uint8Array(0);
      if (data !== undefined) {
        bytes = bufferSourceBytes(data);
        if (!bytes) throw new TypeError(where("parameter 2 is not of type '(ArrayBuffer or ArrayBufferView)'."));
      }
      this.ensureNoDeviceOrInterfaceChange(where);
      this.ensureOpened(where);
      this.checkRecipient(params, where);
      return this.reply("controlTransferOut", () => {
        const status = this.sim.controlOut(params, bytes);
        this.sim.countControl("out", status, bytes.length);
        // Chrome reports the data length as bytesWritten whatever the status.
        return new USBOutTransferResultSim(status, bytes.length);
      }, { dir: "out", ep: 0, iface: -1 });
    });
  }

  clearHalt(direction, endpoint) {
    const where = context("clearHalt", "USBDevice");
    return attempt(() => {
      const dir = String(direction);
      if (dir !== "in" && dir !== "out") {
        throw new TypeError(where(`The provided value '${dir}' is not a valid enum value of type USBDirection.`));
      }
      this.ensureEndpoint(where, dir, idlOctet(endpoint));
      return this.reply("clearHalt", () => undefined);
    });
  }

  transferIn(endpoint, length) {
    const where = context("transferIn", "USBDevice");
    return attempt(() => {
      const ep = idlOctet(endpoint);
      const len = idlUnsignedLong(length);
      const iface = this.ensureEndpoint(where, "in", ep);
      const [req, promise] = this.track("transferIn", { dir: "in", ep, iface });
      later(() => {
        if (!req.done) this.sim.transferIn(ep, len, req);
      });
      return promise;
    });
  }

  transferOut(endpoint, data) {
    const where = context("transferOut", "USBDevice");
    return attempt(() => {
      const ep = idlOctet(endpoint);
      const bytes = bufferSourceBytes(data);
      if (!bytes) throw new TypeError(where("parameter 2 is not of type '(ArrayBuffer or ArrayBufferView)'."));
      const iface = this.ensureEndpoint(where, "out", ep);
      const [req, promise] = this.track("transferOut", { dir: "out", ep, iface });
      later(() => {
        if (!req.done) this.sim.transferOut(ep, bytes, req);
      });
      return promise;
    });
  }

  isochronousTransfer(method, dir, endpoint) {
    const where = context(method, "USBDevice");
    return attempt(() => {
      this.ensureEndpoint(where, dir, idlOctet(endpoint));
      // None of the simulated endpoints is isochronous: the transfer fails like Chrome's.
      const [req, promise] = this.track(method);
      later(() => req.fail("NetworkError", "A transfer error has occurred."));
      return promise;
    });
  }
}
