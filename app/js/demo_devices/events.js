// Events as the browser fires them at navigator.serial / navigator.usb and their devices.


/** An `on<type>` event handler attribute, as HTML defines it (only functions are kept). */
function defineEventHandler(proto, type) {
  const slot = Symbol(`on${type}`);
  Object.defineProperty(proto, `on${type}`, {
    configurable: true,
    enumerable: true,
    get() {
      return this[slot] ? this[slot].handler : null;
    },
    set(value) {
      const handler = typeof value === "function" ? value : null;
      let record = this[slot];
      if (handler === null) {
        if (record) {
          this.removeEventListener(type, record.listener);
          this[slot] = undefined;
        }
        return;
      }
      if (!record) {
        const target = this;
        record = {
          handler,
          listener(event) {
            if (record.handler.call(target, event) === false) event.preventDefault();
          },
        };
        this[slot] = record;
        this.addEventListener(type, record.listener);
      }
      record.handler = handler;
    },
  });
}

export function setToStringTag(cls, tag) {
  Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: tag, configurable: true });
}

/** A class standing for the browser interface `tag`, with `on<type>` handlers for `events`. */
export function defineInterface(cls, tag, events = []) {
  setToStringTag(cls, tag);
  for (const type of events) defineEventHandler(cls.prototype, type);
}

/**
 * Chrome fires a port's connect/disconnect event at the SerialPort and lets it bubble to
 * navigator.serial (`target` stays the port). The two EventTargets are not in a tree here, so
 * the same Event is dispatched at the port, then at `parent` unless a listener stopped it.
 */
export function fireBubbling(target, parent, type) {
  const event = new Event(type, { bubbles: true });
  let stopped = false;
  const stop = event.stopPropagation;
  const stopNow = event.stopImmediatePropagation;
  event.stopPropagation = function () {
    stopped = true;
    return stop.call(this);
  };
  event.stopImmediatePropagation = function () {
    stopped = true;
    return stopNow.call(this);
  };
  Object.defineProperty(event, "target", { configurable: true, get: () => target });
  Object.defineProperty(event, "srcElement", { configurable: true, get: () => target });
  target.dispatchEvent(event);
  if (!stopped && parent) parent.dispatchEvent(event);
}

/** WebUSB's USBConnectionEvent: fired at navigator.usb only, `device` is the USBDevice. */
export class USBConnectionEventSim extends Event {
  #device;
  constructor(type, init) {
    super(type, init);
    this.#device = init.device;
  }
  get device() {
    return this.#device;
  }
}
setToStringTag(USBConnectionEventSim, "USBConnectionEvent");
