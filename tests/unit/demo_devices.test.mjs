// Unit tests of the simulated WebSerial/WebUSB devices (app/js/demo_devices/, shipped as demo_devices.js).
// Run: node --test tests/unit/
//
// The script is a classic browser script; here it runs in Node's own realm (which has
// ReadableStream, WritableStream, EventTarget, Event, DOMException and performance) against a
// fake `navigator` whose user activation the tests switch on and off. Timing-dependent checks
// wait on conditions (waitFor), never on fixed sleeps.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { runInThisContext } from "node:vm";
import zlib from "node:zlib";

import { demoDevicesSource } from "../../app/build/bundle.mjs";

const activation = { isActive: true };
Object.defineProperty(globalThis, "navigator", {
  value: { userActivation: activation },
  configurable: true,
  writable: true,
});
// the modules bundled in memory, exactly as the build ships them (demo_devices.js)
const SCRIPT = demoDevicesSource();
runInThisContext(SCRIPT, { filename: "demo_devices.js" });
const demo = globalThis.flojoyDemoDevices;

afterEach(() => {
  demo.uninstall();
  activation.isActive = true;
});

// ---- helpers ----------------------------------------------------------------------------------

/** Polls `condition` until it returns something truthy (5 s at most). */
async function waitFor(condition, what, timeoutMs = 5000) {
  const start = performance.now();
  for (;;) {
    const value = condition();
    if (value) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Splits a serial readable into lines (without "\r\n"), bytes decoded as latin-1. */
class LineReader {
  constructor(readable) {
    this.reader = readable.getReader();
    this.partial = "";
    this.lines = [];
  }
  /** The next line, or null when the stream is done. Rejects when the stream errors. */
  async next() {
    while (this.lines.length === 0) {
      const { value, done } = await this.reader.read();
      if (done) return null;
      this.partial += Buffer.from(value).toString("latin1");
      const parts = this.partial.split("\n");
      this.partial = parts.pop();
      for (const p of parts) this.lines.push(p.replace(/\r$/, ""));
    }
    return this.lines.shift();
  }
  async take(n) {
    const out = [];
    while (out.length < n) out.push(await this.next());
    return out;
  }
  /** Cancels the stream and releases the lock (what the app does before port.close()). */
  async stop() {
    await this.reader.cancel();
    this.reader.releaseLock();
  }
}

const encode = (text) => new TextEncoder().encode(text);
const GOOD_ROW = /^(\d+),(-?\d\.\d{6})$/;
const expectedValue = (n, period = 100) => Math.sin((2 * Math.PI * n) / period).toFixed(6);

async function openSerial(name, options = { baudRate: 115200 }) {
  const port = demo.find(name).port;
  await port.open(options);
  return port;
}

async function writeLine(port, text) {
  const writer = port.writable.getWriter();
  await writer.write(encode(text));
  writer.releaseLock();
}

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("expected the promise to reject");
}

// ---- the controller ---------------------------------------------------------------------------

describe("controller", () => {
  test("loading defines the controller and nothing else; install replaces navigator", () => {
    assert.equal(navigator.serial, undefined);
    assert.equal(navigator.usb, undefined);
    assert.equal(typeof demo.install, "function");
    const ctl = demo.install({ demo: true });
    assert.equal(ctl, demo);
    assert.equal(navigator.serial, demo.serialApi);
    assert.equal(navigator.usb, demo.usbApi);
    assert.deepEqual(
      demo.serial.map((h) => h.name),
      ["arduino", "scpi", "canable"],
    );
    assert.deepEqual(
      demo.usb.map((h) => h.name),
      ["echo", "usb-stream", "keithley-2450", "afg31000", "mso2x", "mdo3", "tic", "t3dso", "dmm7510", "ds1074z"],
    );
    assert.equal(demo.find("arduino").rate, 1000);
    assert.equal(demo.find("usb-stream").rate, 10000);
    demo.uninstall();
    assert.equal(navigator.serial, undefined);
    assert.equal(navigator.usb, undefined);
  });

  test("loading the script again keeps the installed controller", () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    runInThisContext(SCRIPT);
    assert.equal(globalThis.flojoyDemoDevices, demo);
    assert.equal(navigator.serial, demo.serialApi);
  });

  test("labels, names and simulated flags are on the objects the page sees", async () => {
    demo.install({ demo: true });
    const [arduino, scpi] = await navigator.serial.getPorts();
    assert.equal(arduino.flojoyLabel, "Arduino Uno (simulated)");
    assert.equal(arduino.flojoyName, "arduino");
    assert.equal(arduino.flojoySimulated, true);
    assert.deepEqual(arduino.getInfo(), { usbVendorId: 0x2341, usbProductId: 0x0043 });
    assert.deepEqual(scpi.getInfo(), { usbVendorId: 0x0403, usbProductId: 0x6001 });
    const [echo, stream] = await navigator.usb.getDevices();
    assert.equal(echo.flojoyLabel, "Flojoy USB echo (simulated)");
    assert.equal(echo.productName, "Flojoy USB echo (simulated)");
    assert.equal(echo.flojoySimulated, true);
    assert.equal(echo.vendorId, 0xcafe);
    assert.equal(echo.productId, 0x4001);
    assert.equal(stream.productId, 0x4002);
    assert.equal(String(arduino), "[object SerialPort]");
    assert.equal(String(echo), "[object USBDevice]");
  });

  test("repeated kinds get numbered names; unknown kinds are refused", () => {
    demo.install({ serial: [{ kind: "arduino" }, { kind: "arduino" }, { kind: "scpi", name: "dmm", label: "My DMM" }] });
    assert.deepEqual(
      demo.serial.map((h) => h.name),
      ["arduino", "arduino-2", "dmm"],
    );
    assert.equal(demo.find("dmm").port.flojoyLabel, "My DMM");
    assert.equal(demo.find("nope"), null);
    assert.throws(() => demo.install({ serial: [{ kind: "echo" }] }), /unknown serial device kind 'echo'/);
  });
});

// ---- WebSerial --------------------------------------------------------------------------------

describe("serial: arduino streamer", () => {
  test("streams consecutive CSV rows with the sine formula", async () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    // A big buffer: this test is about content, not overflow.
    const port = await openSerial("arduino", { baudRate: 115200, bufferSize: 1 << 20 });
    const lines = new LineReader(port.readable);
    const rows = await lines.take(300);
    rows.forEach((line, n) => {
      const m = GOOD_ROW.exec(line);
      assert.ok(m, `row ${n} is CSV: ${JSON.stringify(line)}`);
      assert.equal(Number(m[1]), n);
      assert.equal(m[2], expectedValue(n));
    });
    assert.equal(demo.find("arduino").stats.overflowRows, 0);
    await lines.stop();
    await port.close();
    assert.equal(port.readable, null);
    assert.equal(port.writable, null);
  });

  test("three columns add n % 7; period is configurable", async () => {
    demo.install({ serial: [{ kind: "arduino", columns: 3, period: 50 }] });
    const port = await openSerial("arduino", { baudRate: 9600, bufferSize: 65536 });
    const lines = new LineReader(port.readable);
    const rows = await lines.take(20);
    rows.forEach((line, n) => assert.equal(line, `${n},${expectedValue(n, 50)},${n % 7}`));
    await lines.stop();
    await port.close();
  });

  test("a slow reader loses whole rows to overflow, and the gaps in n match the count", async () => {
    demo.install({ serial: [{ kind: "arduino", rate: 2000 }] });
    const handle = demo.find("arduino");
    const port = await openSerial("arduino"); // bufferSize 255 (the default)
    const lines = new LineReader(port.readable);
    // Read nothing until rows are being lost, then read on while the device keeps streaming:
    // the rows lost meanwhile leave a gap.
    await waitFor(() => handle.stats.overflowRows > 100, "rows lost to overflow");
    const received = await lines.take(60);
    handle.setRate(0); // pause the device, then read everything it delivered
    while (received.length < handle.stats.rowsSent) received.push(await lines.next());
    const { rowsSent, overflowRows, bytesSent } = handle.stats;
    const produced = rowsSent + overflowRows;
    const ns = received.map((line) => {
      const m = GOOD_ROW.exec(line);
      assert.ok(m, `a whole row: ${JSON.stringify(line)}`);
      assert.equal(m[2], expectedValue(Number(m[1])));
      return Number(m[1]);
    });
    let gaps = 0;
    let missing = 0;
    for (let i = 1; i < ns.length; i++) {
      assert.ok(ns[i] > ns[i - 1], "row numbers increase");
      if (ns[i] !== ns[i - 1] + 1) {
        gaps++;
        missing += ns[i] - ns[i - 1] - 1;
      }
    }
    missing += ns[0] + (produced - 1 - ns[ns.length - 1]); // lost before the first / after the last
    assert.ok(gaps > 0, "the lost rows show as gaps");
    assert.equal(missing, overflowRows);
    assert.equal(bytesSent, received.reduce((sum, line) => sum + line.length + 2, 0));
    await lines.stop();
    await port.close();
  });

  test("rows wait in the buffer until the page reads; a cancel flushes it", async () => {
    demo.install({ serial: [{ kind: "arduino", rate: 2000 }] });
    const handle = demo.find("arduino");
    const port = await openSerial("arduino", { baudRate: 115200, bufferSize: 4096 });
    await waitFor(() => handle.stats.rowsSent >= 20, "rows sent before anyone reads");
    const lines = new LineReader(port.readable);
    assert.deepEqual(
      (await lines.take(3)).map((l) => l.split(",")[0]),
      ["0", "1", "2"],
    );
    await lines.stop(); // flushes whatever was still buffered
    const flushedAfter = handle.stats.rowsSent;
    await waitFor(() => handle.stats.rowsSent > flushedAfter + 5, "rows sent after the cancel");
    const next = new LineReader(port.readable);
    const first = Number((await next.next()).split(",")[0]);
    assert.ok(first >= 3, `a fresh buffer after the cancel (first row ${first})`);
    await next.stop();
    await port.close();
  });

  test("writes are recorded", async () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    const port = await openSerial("arduino");
    await writeLine(port, "RATE 10\n");
    const handle = demo.find("arduino");
    assert.equal(handle.writtenText(), "RATE 10\n");
    assert.equal(handle.stats.bytesWritten, 8);
    assert.equal(handle.written[0] instanceof Uint8Array, true);
    await port.close();
  });

  test("nothing is produced before open or after close", async () => {
    demo.install({ serial: [{ kind: "arduino", rate: 5000 }] });
    const handle = demo.find("arduino");
    assert.equal(handle.port.readable, null);
    const port = await openSerial("arduino");
    const lines = new LineReader(port.readable);
    await lines.take(5);
    await lines.stop();
    await port.close();
    const after = { ...handle.stats };
    const reopened = await openSerial("arduino"); // proves a task went by with the port closed
    assert.equal(reopened, port);
    assert.equal(handle.stats.rowsSent, after.rowsSent);
    assert.equal(handle.stats.opens, 2);
    const again = new LineReader(port.readable);
    assert.match(await again.next(), /^0,/); // n restarts at each open
    await again.stop();
    await port.close();
  });
});

describe("serial: open, close and their errors", () => {
  test("options are validated like Chrome", async () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    const port = demo.find("arduino").port;
    const cases = [
      [{}, /Failed to read the 'baudRate' property from 'SerialOptions': Required member is undefined\./],
      [{ baudRate: 0 }, /Requested baud rate must be greater than zero\./],
      [{ baudRate: 9600, dataBits: 9 }, /Requested number of data bits must be 7 or 8\./],
      [{ baudRate: 9600, stopBits: 3 }, /Requested number of stop bits must be 1 or 2\./],
      [{ baudRate: 9600, parity: "mark" }, /not a valid enum value of type ParityType/],
      [{ baudRate: 9600, flowControl: "xon" }, /not a valid enum value of type FlowControlType/],
      [{ baudRate: 9600, bufferSize: 0 }, /Requested buffer size \(0 bytes\) must be greater than zero\./],
      [{ baudRate: 9600, bufferSize: 16 * 1024 * 1024 + 1 }, /is greater than the maximum allowed \(16777216 bytes\)/],
    ];
    for (const [options, message] of cases) {
      const err = await rejection(port.open(options));
      assert.equal(err.name, "TypeError", JSON.stringify(options));
      assert.match(err.message, message);
      assert.match(err.message, /^Failed to execute 'open' on 'SerialPort': /);
    }
    await port.open({ baudRate: 9600, dataBits: 7, stopBits: 2, parity: "even", flowControl: "hardware", bufferSize: 16 * 1024 * 1024 });
    assert.deepEqual(demo.find("arduino").openOptions, {
      baudRate: 9600,
      bufferSize: 16 * 1024 * 1024,
      dataBits: 7,
      flowControl: "hardware",
      parity: "even",
      stopBits: 2,
    });
    const again = await rejection(port.open({ baudRate: 9600 }));
    assert.equal(again.name, "InvalidStateError");
    assert.equal(again.message, "Failed to execute 'open' on 'SerialPort': The port is already open.");
    await port.close();
  });

  test("close() refuses locked streams, then works once they are released", async () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    const port = await openSerial("arduino");
    const reader = port.readable.getReader();
    const locked = await rejection(port.close());
    assert.equal(locked.name, "TypeError");
    assert.equal(locked.message, "Failed to execute 'close' on 'SerialPort': Cannot cancel a locked stream");
    await reader.cancel();
    reader.releaseLock();
    const writer = port.writable.getWriter();
    const lockedWriter = await rejection(port.close());
    assert.equal(lockedWriter.message, "Failed to execute 'close' on 'SerialPort': Cannot abort a locked stream");
    writer.releaseLock();
    await port.close();
    const closed = await rejection(port.close());
    assert.equal(closed.name, "InvalidStateError");
    assert.equal(closed.message, "Failed to execute 'close' on 'SerialPort': The port is already closed.");
    assert.equal(demo.find("arduino").isOpen, false);
  });

  test("a cancelled readable can be replaced while the port stays open", async () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    const port = await openSerial("arduino", { baudRate: 115200, bufferSize: 65536 });
    const first = port.readable;
    const lines = new LineReader(first);
    await lines.take(3);
    await lines.stop();
    assert.equal(port.readable === first, false);
    const more = new LineReader(port.readable);
    assert.match(await more.next(), GOOD_ROW);
    await more.stop();
    await port.close();
  });

  test("a busy port fails to open with Chrome's NetworkError", async () => {
    demo.install({ serial: [{ kind: "busy" }] });
    const port = demo.find("busy").port;
    const err = await rejection(port.open({ baudRate: 9600 }));
    assert.equal(err.name, "NetworkError");
    assert.equal(err.message, "Failed to execute 'open' on 'SerialPort': Failed to open serial port.");
    assert.equal(port.readable, null);
  });

  test("signals need an open port", async () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    const port = demo.find("arduino").port;
    assert.equal((await rejection(port.getSignals())).name, "InvalidStateError");
    await port.open({ baudRate: 9600 });
    await port.setSignals({ dataTerminalReady: true });
    assert.equal(demo.find("arduino").outputSignals.dataTerminalReady, true);
    assert.equal((await rejection(port.setSignals({}))).name, "TypeError");
    assert.equal(typeof (await port.getSignals()).clearToSend, "boolean");
    await port.close();
  });
});

describe("serial: permissions", () => {
  test("requestPort needs user activation", async () => {
    demo.install({ serial: [{ kind: "arduino" }], granted: false });
    activation.isActive = false;
    const err = await rejection(navigator.serial.requestPort());
    assert.equal(err.name, "SecurityError");
    assert.equal(err.message, "Failed to execute 'requestPort' on 'Serial': Must be handling a user gesture to show a permission request.");
    assert.deepEqual(await navigator.serial.getPorts(), []);
  });

  test("requestPort grants the first matching port; filters are checked", async () => {
    demo.install({ serial: [{ kind: "scpi" }, { kind: "arduino" }], granted: false });
    assert.deepEqual(await navigator.serial.getPorts(), []);
    const port = await navigator.serial.requestPort({ filters: [{ usbVendorId: 0x2341, usbProductId: 0x0043 }] });
    assert.equal(port, demo.find("arduino").port);
    assert.deepEqual(await navigator.serial.getPorts(), [port]);
    const none = await rejection(navigator.serial.requestPort({ filters: [{ usbVendorId: 0x1234 }] }));
    assert.equal(none.name, "NotFoundError");
    assert.equal(none.message, "Failed to execute 'requestPort' on 'Serial': No port selected by the user.");
    const bad = await rejection(navigator.serial.requestPort({ filters: [{ usbProductId: 0x0043 }] }));
    assert.equal(bad.name, "TypeError");
    assert.match(bad.message, /A filter containing a usbProductId must also specify a usbVendorId\./);
    // No filters: the first port not yet granted.
    assert.equal(await navigator.serial.requestPort(), demo.find("scpi").port);
  });

  test("a scripted chooser can cancel", async () => {
    demo.install({ serial: [{ kind: "arduino" }], granted: false, choose: () => null });
    assert.equal((await rejection(navigator.serial.requestPort())).name, "NotFoundError");
  });

  test("forget() revokes the permission", async () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    const port = await openSerial("arduino");
    await port.forget();
    assert.deepEqual(await navigator.serial.getPorts(), []);
    assert.equal(demo.find("arduino").isOpen, false);
    assert.equal((await rejection(port.open({ baudRate: 9600 }))).name, "NetworkError");
  });
});

describe("serial: scpi voltmeter", () => {
  test("answers *IDN? and MEAS:VOLT? in short and long forms, any case", async () => {
    demo.install({ serial: [{ kind: "scpi" }] });
    const port = await openSerial("scpi", { baudRate: 9600 });
    const lines = new LineReader(port.readable);
    await writeLine(port, "*IDN?\n");
    assert.equal(await lines.next(), "Flojoy,Simulated DMM,SN000001,1.0");
    for (const command of ["MEAS:VOLT?\n", "MEASure:VOLTage?\r\n", "MEAS:VOLT:DC?\n", ":MEASURE:VOLTAGE:DC?\n", "meas:volt? 10,0.001\n"]) {
      await writeLine(port, command);
      assert.equal(await lines.next(), "+1.23456700E+00", command);
    }
    // Several commands on one line; a command split across writes.
    await writeLine(port, "*OPC?;READ?\n");
    assert.equal(await lines.next(), "1;+1.23456700E+00");
    await writeLine(port, "*ID");
    await writeLine(port, "N?\n");
    assert.equal(await lines.next(), "Flojoy,Simulated DMM,SN000001,1.0");
    assert.equal(demo.find("scpi").stats.readings, 6);
    await lines.stop();
    await port.close();
  });

  test("unknown commands get no reply and queue -113; SYST:ERR? drains the queue", async () => {
    demo.install({ serial: [{ kind: "scpi" }] });
    const port = await openSerial("scpi", { baudRate: 9600 });
    const lines = new LineReader(port.readable);
    await writeLine(port, "FOO:BAR?\n*RST\nCONF:VOLT:DC\nMEAS:VOLT:AC?\n");
    await writeLine(port, "SYST:ERR?\n");
    // The first reply is the error: neither the unknown query nor the commands answered.
    assert.equal(await lines.next(), '-113,"Undefined header"');
    await writeLine(port, "SYSTem:ERRor:NEXT?\n");
    assert.equal(await lines.next(), '-113,"Undefined header"'); // MEAS:VOLT:AC? is not known
    await writeLine(port, "syst:err?\n");
    assert.equal(await lines.next(), '+0,"No error"');
    await writeLine(port, "NOPE\n*CLS\nSYST:ERR?\n");
    assert.equal(await lines.next(), '+0,"No error"');
    await lines.stop();
    await port.close();
  });

  test("volts may be a function of the reading number; idn and formatting", async () => {
    demo.install({ serial: [{ kind: "scpi", idn: "ACME,DMM-1,42,2.0", volts: (i) => -0.5 * (i + 1) * 1000, delayMs: 0 }] });
    const port = await openSerial("scpi", { baudRate: 9600 });
    const lines = new LineReader(port.readable);
    await writeLine(port, "*IDN?\n");
    assert.equal(await lines.next(), "ACME,DMM-1,42,2.0");
    await writeLine(port, "MEAS:VOLT?\nMEAS:VOLT?\n");
    assert.deepEqual(await lines.take(2), ["-5.00000000E+02", "-1.00000000E+03"]);
    await lines.stop();
    await port.close();
  });
});

describe("serial: unplug and plug", () => {
  test("the 'unplug' kind delivers its rows, then the read fails with NetworkError", async () => {
    demo.install({ serial: [{ kind: "unplug", after: 50 }] });
    const handle = demo.find("unplug");
    const port = await openSerial("unplug", { baudRate: 115200, bufferSize: 65536 });
    const events = [];
    navigator.serial.addEventListener("disconnect", (e) => events.push(["serial", e.type, e.target, e.currentTarget]));
    port.addEventListener("disconnect", (e) => events.push(["port", e.type, e.target]));
    let handlerCalls = 0;
    navigator.serial.ondisconnect = () => handlerCalls++;
    const lines = new LineReader(port.readable);
    const received = [];
    let error = null;
    try {
      for (;;) received.push(await lines.next());
    } catch (err) {
      error = err;
    }
    assert.equal(received.length, 50);
    assert.match(received[49], /^49,/);
    assert.equal(error.name, "NetworkError");
    assert.equal(error.message, "The device has been lost.");
    assert.deepEqual(events, [
      ["port", "disconnect", port],
      ["serial", "disconnect", port, navigator.serial],
    ]);
    assert.equal(handlerCalls, 1);
    assert.equal(port.connected, false);
    assert.equal(port.readable, null);
    assert.equal(port.writable, null);
    assert.deepEqual(await navigator.serial.getPorts(), []);
    assert.equal((await rejection(port.close())).name, "InvalidStateError"); // Chrome closed it already
    assert.equal(handle.stats.rowsSent, 50);
  });

  test("unplug() mid-stream, plug() back: same port object, connect event, opens again", async () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    const handle = demo.find("arduino");
    const port = await openSerial("arduino", { baudRate: 115200, bufferSize: 65536 });
    const writer = port.writable.getWriter();
    const lines = new LineReader(port.readable);
    await lines.take(10);
    const connects = [];
    navigator.serial.onconnect = (e) => connects.push(e.target);
    assert.equal(demo.unplug("arduino"), true);
    assert.equal(demo.unplug("arduino"), false);
    await assert.rejects(
      (async () => {
        for (;;) await lines.next();
      })(),
      { name: "NetworkError", message: "The device has been lost." },
    );
    await assert.rejects(writer.write(encode("x")), { name: "NetworkError" });
    const cannot = await rejection(port.open({ baudRate: 9600 }));
    assert.equal(cannot.name, "NetworkError"); // not there while unplugged

    assert.equal(handle.plug(), true);
    assert.deepEqual(connects, [port]);
    assert.equal(port.connected, true);
    assert.deepEqual(await navigator.serial.getPorts(), [port]);
    await port.open({ baudRate: 115200, bufferSize: 65536 });
    const again = new LineReader(port.readable);
    assert.match(await again.next(), /^0,/);
    await again.stop();
    await port.close();
  });

  test("plug({ newObject: true }) hands out a new SerialPort", async () => {
    demo.install({ serial: [{ kind: "arduino" }] });
    const old = demo.find("arduino").port;
    demo.unplug("arduino");
    demo.plug("arduino", { newObject: true });
    const [port] = await navigator.serial.getPorts();
    assert.notEqual(port, old);
    assert.equal(old.connected, false);
    await port.open({ baudRate: 9600 });
    await port.close();
  });
});

describe("serial: malformed lines", () => {
  test("every 10th line is replaced by a broken one, cycling through three kinds, and counted", async () => {
    demo.install({ serial: [{ kind: "malformed", every: 10 }] });
    const handle = demo.find("malformed");
    const port = await openSerial("malformed", { baudRate: 115200, bufferSize: 1 << 20 });
    const lines = new LineReader(port.readable);
    const rows = await lines.take(100);
    handle.setRate(0);
    while (rows.length < handle.stats.rowsSent) rows.push(await lines.next());
    const broken = [];
    rows.forEach((line, n) => {
      if ((n + 1) % 10 === 0) broken.push(line);
      else assert.equal(line, `${n},${expectedValue(n)}`);
    });
    assert.deepEqual(broken.slice(0, 3), ["garbage", "1,2,x", "\xFF\xFE"]);
    assert.equal(broken.length, handle.stats.malformedSent);
    assert.ok(handle.stats.malformedSent >= 10);
    await lines.stop();
    await port.close();
  });
});

// ---- WebUSB -----------------------------------------------------------------------------------

async function openUsb(name) {
  const device = demo.find(name).device;
  await device.open();
  await device.selectConfiguration(1);
  await device.claimInterface(0);
  return device;
}

const vendorIn = (request, value = 0) => ({ requestType: "vendor", recipient: "device", request, value, index: 0 });
const bytesOf = (result) => Array.from(new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength));

describe("usb: echo", () => {
  test("describes itself like a vendor-class device", async () => {
    demo.install({ usb: [{ kind: "echo" }] });
    const [device] = await navigator.usb.getDevices();
    assert.equal(device.opened, false);
    assert.equal(device.configuration, null);
    const [config] = device.configurations;
    assert.equal(config.configurationValue, 1);
    const [iface] = config.interfaces;
    assert.equal(iface.interfaceNumber, 0);
    assert.equal(iface.claimed, false);
    assert.equal(iface.alternate.interfaceClass, 0xff);
    assert.deepEqual(
      iface.alternate.endpoints.map((e) => [e.endpointNumber, e.direction, e.type, e.packetSize]),
      [
        [1, "in", "bulk", 64],
        [1, "out", "bulk", 64],
      ],
    );
    await openUsb("echo");
    assert.equal(device.opened, true);
    assert.equal(device.configuration, config);
    assert.equal(device.configuration.interfaces[0].claimed, true);
    await device.close();
    assert.equal(device.opened, false);
    assert.equal(iface.claimed, false);
  });

  test("bulk OUT then IN round-trips the bytes; an IN transfer waits for data", async () => {
    demo.install({ usb: [{ kind: "echo" }] });
    const device = await openUsb("echo");
    const out = await device.transferOut(1, encode("hello"));
    assert.equal(out.status, "ok");
    assert.equal(out.bytesWritten, 5);
    const back = await device.transferIn(1, 64);
    assert.equal(back.status, "ok");
    assert.equal(new TextDecoder().decode(back.data), "hello");
    // Up to `length` bytes per transfer.
    await device.transferOut(1, new Uint8Array([1, 2, 3, 4, 5, 6]));
    assert.deepEqual(bytesOf(await device.transferIn(1, 4)), [1, 2, 3, 4]);
    assert.deepEqual(bytesOf(await device.transferIn(1, 4)), [5, 6]);
    // Nothing queued: the IN transfer completes when data arrives.
    let settled = false;
    const pending = device.transferIn(1, 64).then((r) => {
      settled = true;
      return r;
    });
    await waitFor(() => demo.find("echo").pendingTransfers === 1, "the IN transfer to be pending");
    assert.equal(settled, false);
    await device.transferOut(1, encode("late"));
    assert.equal(new TextDecoder().decode((await pending).data), "late");
    assert.equal(demo.find("echo").writtenText(), "hello\x01\x02\x03\x04\x05\x06late");
    await device.close();
  });

  test("vendor control transfers, and a stall for anything else", async () => {
    demo.install({ usb: [{ kind: "echo" }] });
    const device = demo.find("echo").device;
    await device.open(); // control transfers to the device need no configuration
    assert.deepEqual(bytesOf(await device.controlTransferIn(vendorIn(0x01), 4)), [1, 2, 3, 4]);
    assert.deepEqual(bytesOf(await device.controlTransferIn(vendorIn(0x01), 2)), [1, 2]);
    const set = await device.controlTransferOut(vendorIn(0x02, 0x1234));
    assert.equal(set.status, "ok");
    assert.deepEqual(bytesOf(await device.controlTransferIn(vendorIn(0x03), 2)), [0x34, 0x12]);
    const stallIn = await device.controlTransferIn(vendorIn(0x7f), 8);
    assert.equal(stallIn.status, "stall");
    assert.equal(stallIn.data.byteLength, 0);
    const stallOut = await device.controlTransferOut({ ...vendorIn(0x7e), requestType: "class" }, new Uint8Array([9]));
    assert.equal(stallOut.status, "stall");
    assert.equal(demo.find("echo").stats.stalls, 2);
    const badEnum = await rejection(device.controlTransferIn({ ...vendorIn(1), recipient: "nobody" }, 4));
    assert.equal(badEnum.name, "TypeError");
    // An interface recipient needs the interface claimed.
    const unclaimed = await rejection(device.controlTransferIn({ ...vendorIn(1), recipient: "interface" }, 4));
    assert.equal(unclaimed.name, "InvalidStateError");
    await device.close();
  });
});

describe("usb: errors", () => {
  test("closed device, missing configuration, unclaimed interface, unknown configuration", async () => {
    demo.install({ usb: [{ kind: "echo" }] });
    const device = demo.find("echo").device;
    const closed = await rejection(device.transferIn(1, 64));
    assert.equal(closed.name, "InvalidStateError");
    assert.equal(closed.message, "Failed to execute 'transferIn' on 'USBDevice': The device must be opened first.");
    const closedControl = await rejection(device.controlTransferIn(vendorIn(1), 4));
    assert.equal(closedControl.name, "InvalidStateError");
    assert.equal(closedControl.message, "Failed to execute 'controlTransferIn' on 'USBDevice': The device must be opened first.");
    await device.open();
    const unconfigured = await rejection(device.claimInterface(0));
    assert.equal(unconfigured.message, "Failed to execute 'claimInterface' on 'USBDevice': The device must have a configuration selected.");
    const noConfig = await rejection(device.selectConfiguration(2));
    assert.equal(noConfig.name, "NotFoundError");
    assert.equal(noConfig.message, "Failed to execute 'selectConfiguration' on 'USBDevice': The configuration value provided is not supported by the device.");
    await device.selectConfiguration(1);
    const unclaimed = await rejection(device.transferOut(1, encode("x")));
    assert.equal(unclaimed.name, "NotFoundError");
    assert.equal(
      unclaimed.message,
      "Failed to execute 'transferOut' on 'USBDevice': The specified endpoint is not part of a claimed and selected alternate interface.",
    );
    const noInterface = await rejection(device.claimInterface(3));
    assert.equal(noInterface.name, "NotFoundError");
    await device.claimInterface(0);
    const wrongEndpoint = await rejection(device.transferIn(2, 64));
    assert.equal(wrongEndpoint.name, "NotFoundError");
    const outOfRange = await rejection(device.transferIn(0, 64));
    assert.equal(outOfRange.name, "IndexSizeError");
    // Releasing the interface cancels a pending transfer.
    const pending = device.transferIn(1, 64);
    await device.releaseInterface(0);
    await assert.rejects(pending, { name: "AbortError", message: "Failed to execute 'transferIn' on 'USBDevice': The transfer was cancelled." });
    await device.close();
  });

  test("unplugging rejects pending transfers; the old object is dead, plug() brings a new one", async () => {
    demo.install({ usb: [{ kind: "echo" }] });
    const device = await openUsb("echo");
    const events = [];
    navigator.usb.addEventListener("disconnect", (e) => events.push(["disconnect", e.device]));
    navigator.usb.onconnect = (e) => events.push(["connect", e.device]);
    const pending = device.transferIn(1, 64);
    await waitFor(() => demo.find("echo").pendingTransfers === 1, "the IN transfer to be pending");
    demo.unplug("echo");
    await assert.rejects(pending, { name: "NotFoundError", message: "Failed to execute 'transferIn' on 'USBDevice': The device was disconnected." });
    const gone = await rejection(device.transferOut(1, encode("x")));
    assert.equal(gone.name, "NotFoundError");
    assert.equal(gone.message, "Failed to execute 'transferOut' on 'USBDevice': The device was disconnected.");
    assert.equal((await rejection(device.open())).name, "NotFoundError");
    assert.equal(device.opened, false);
    assert.deepEqual(await navigator.usb.getDevices(), []);
    demo.plug("echo");
    const fresh = demo.find("echo").device;
    assert.notEqual(fresh, device);
    assert.deepEqual(events, [
      ["disconnect", device],
      ["connect", fresh],
    ]);
    assert.deepEqual(await navigator.usb.getDevices(), [fresh]);
    await openUsb("echo");
    await fresh.transferOut(1, encode("again"));
    assert.equal(new TextDecoder().decode((await fresh.transferIn(1, 64)).data), "again");
    await fresh.close();
  });

  test("requestDevice: filters required, user activation, no match", async () => {
    demo.install({ usb: [{ kind: "echo" }, { kind: "usb-stream" }], granted: false });
    const noArg = await rejection(navigator.usb.requestDevice());
    assert.equal(noArg.name, "TypeError");
    const noFilters = await rejection(navigator.usb.requestDevice({}));
    assert.equal(noFilters.name, "TypeError");
    assert.match(noFilters.message, /Failed to read the 'filters' property from 'USBDeviceRequestOptions': Required member is undefined\./);
    activation.isActive = false;
    const gesture = await rejection(navigator.usb.requestDevice({ filters: [] }));
    assert.equal(gesture.name, "SecurityError");
    assert.equal(gesture.message, "Failed to execute 'requestDevice' on 'USB': Must be handling a user gesture to show a permission request.");
    activation.isActive = true;
    const none = await rejection(navigator.usb.requestDevice({ filters: [{ vendorId: 0x1234 }] }));
    assert.equal(none.name, "NotFoundError");
    assert.equal(none.message, "Failed to execute 'requestDevice' on 'USB': No device selected.");
    const badFilter = await rejection(navigator.usb.requestDevice({ filters: [{ productId: 0x4001 }] }));
    assert.equal(badFilter.message, "A filter containing a productId must also contain a vendorId.");
    const stream = await navigator.usb.requestDevice({ filters: [{ vendorId: 0xcafe, productId: 0x4002 }] });
    assert.equal(stream, demo.find("usb-stream").device);
    assert.deepEqual(await navigator.usb.getDevices(), [stream]);
    const byClass = await navigator.usb.requestDevice({ filters: [{ classCode: 0xff }] });
    assert.equal(byClass, demo.find("echo").device);
  });
});

describe("usb: streamer", () => {
  /** Reads transfers until `count` samples arrived; returns their values. */
  async function readSamples(device, count, length = 4096) {
    const samples = [];
    while (samples.length < count) {
      const { status, data } = await device.transferIn(2, length);
      assert.equal(status, "ok");
      assert.ok(data.byteLength >= 2 && data.byteLength <= length && data.byteLength % 2 === 0);
      for (let i = 0; i < data.byteLength; i += 2) samples.push(data.getInt16(i, true));
    }
    return samples;
  }

  test("int16 LE samples k = 0, 1, 2, ... wrapping at 32768", async () => {
    demo.install({ usb: [{ kind: "usb-stream", rate: 1_000_000 }] });
    const device = await openUsb("usb-stream");
    const samples = await readSamples(device, 40000, 16384);
    samples.forEach((v, k) => {
      if (v !== k % 32768) assert.fail(`sample ${k} is ${v}`);
    });
    const stats = demo.find("usb-stream").stats;
    assert.ok(stats.samplesSent >= 40000);
    assert.ok(stats.samplesProduced >= stats.samplesSent);
    await device.close();
  });

  test("at the default rate the samples flow and count", async () => {
    demo.install({ usb: [{ kind: "usb-stream" }] });
    const device = await openUsb("usb-stream");
    const samples = await readSamples(device, 500, 64);
    samples.forEach((v, k) => assert.equal(v, k));
    assert.equal(demo.find("usb-stream").stats.overflowSamples, 0);
    await device.close();
  });

  test("samples not taken in time are lost, counted, and show as gaps", async () => {
    demo.install({ usb: [{ kind: "usb-stream", rate: 20000, bufferSamples: 1000 }] });
    const handle = demo.find("usb-stream");
    const device = await openUsb("usb-stream");
    await waitFor(() => handle.stats.overflowSamples > 500, "samples lost to overflow");
    handle.setRate(0);
    const { overflowSamples, samplesProduced } = handle.stats;
    assert.ok(overflowSamples < 30000, "few enough to measure the gap modulo 32768");
    const samples = await readSamples(device, samplesProduced - overflowSamples);
    assert.equal(samples.length, 1000); // the buffer held the oldest 1000; the newer ones were lost
    samples.forEach((v, k) => assert.equal(v, k));
    assert.equal(handle.stats.samplesSent + handle.stats.overflowSamples, handle.stats.samplesProduced);
    // Resume: the next sample shows the gap.
    handle.setRate(20000);
    const [next] = await readSamples(device, 1, 2);
    assert.equal((next - 999 - 1 + 32768) % 32768, overflowSamples % 32768);
    await device.close();
  });
});

describe("usb: keithley-2450 (USBTMC)", () => {
  /** A DEV_DEP_MSG_OUT (EOM) or REQUEST_DEV_DEP_MSG_IN transfer, built by hand per USBTMC 1.0. */
  const header = (msgId, tag, size, attributes = 0) => {
    const b = new Uint8Array(12);
    b.set([msgId, tag, ~tag & 0xff, 0, size & 0xff, (size >> 8) & 0xff, 0, 0, attributes]);
    return b;
  };
  const message = (tag, text) => {
    const body = new TextEncoder().encode(text);
    const t = new Uint8Array(12 + body.length + ((4 - (body.length % 4)) % 4));
    t.set(header(1, tag, body.length, 0x01));
    t.set(body, 12);
    return t;
  };

  test("a USB488 interface; a query is answered in a DEV_DEP_MSG_IN transfer with the request's bTag and EOM", async () => {
    demo.install({ usb: [{ kind: "keithley-2450", load: { kind: "resistor", ohms: 500 } }] });
    const [device] = await navigator.usb.getDevices();
    assert.equal(device.vendorId, 0x05e6);
    assert.equal(device.productId, 0x2450);
    assert.equal(device.serialNumber, "04512345");
    const alt = device.configurations[0].interfaces[0].alternates[0];
    assert.deepEqual([alt.interfaceClass, alt.interfaceSubclass, alt.interfaceProtocol], [0xfe, 0x03, 0x01]);
    assert.deepEqual(alt.endpoints.map((e) => [e.endpointNumber, e.direction, e.type]), [[1, "out", "bulk"], [2, "in", "bulk"]]);
    await device.open();
    await device.selectConfiguration(1);
    await device.claimInterface(0);
    const caps = await device.controlTransferIn({ requestType: "class", recipient: "interface", request: 7, value: 0, index: 0 }, 24);
    assert.equal(caps.data.getUint8(0), 1, "GET_CAPABILITIES: STATUS_SUCCESS");
    const lines = ["smu.source.func = smu.FUNC_DC_VOLTAGE", "smu.source.ilimit.level = 0.1", "smu.source.level = 2.0", "smu.source.output = smu.ON"];
    for (const [i, line] of lines.entries()) {
      assert.equal((await device.transferOut(1, message(5 + i, `${line}\n`))).status, "ok");
    }
    await device.transferOut(1, message(10, "print(smu.measure.read())\n"));
    await device.transferOut(1, header(2, 11, 1024));
    const r = await device.transferIn(2, 1024 + 12 + 3);
    const b = new Uint8Array(r.data.buffer);
    assert.deepEqual(Array.from(b.subarray(0, 3)), [2, 11, ~11 & 0xff], "MsgID, bTag, bTagInverse");
    const size = b[4] | (b[5] << 8);
    assert.equal(b[8] & 1, 1, "EOM");
    // 2 V across 500 Ω: 4 mA (below the 0.1 A limit), printed with 10 significant digits
    assert.equal(new TextDecoder().decode(b.subarray(12, 12 + size)), "4.000000000e-3\n");
    assert.equal(b.length % 4, 0, "padded to 4 bytes");
    const sim = demo.find("keithley-2450");
    assert.deepEqual(sim.messages.slice(-1), ["print(smu.measure.read())"]);
    // a malformed header stalls the endpoint
    assert.equal((await device.transferOut(1, new Uint8Array([1, 5, 5, 0, 1, 0, 0, 0, 1, 0, 0, 0, 65]))).status, "stall");
    await device.close();
  });
});

describe("usb: afg31000 and mso2x (a bench for Studio's bodePlot)", () => {
  test("the scope's channel 1 sees the generator's channel 1 through the low-pass", () => {
    demo.install({ usb: [{ kind: "afg31000" }, { kind: "mso2x", source: "afg31000", dut: { kind: "lowpass", fc: 1e6 } }] });
    const afg = demo.find("afg31000");
    const scope = demo.find("mso2x");
    assert.equal(afg.answer("*IDN?"), "TEKTRONIX,AFG31052,C012345,SCPI:99.0 FV:1.5.2");
    // what FUNCTION_AFG31000 and OUTPUT_AFG31000 send for Studio's app, then one sweep step
    for (const line of ["SOURCE1:FUNCtion:SHAPe sinusoid", "SOURCE1:FREQUENCY 1000000.0", "SOURCE1:VOLTAGE:AMPLITUDE 5.0",
      "SOURCE1:VOLTAGE:OFFSET 0.0", "SOURCE1:PHASE:ADJUST 0.0DEG", "OUTPut1:IMPedance 50", "OUTPUT1:STATE on", "SOURCE1:FREQUENCY 99960.0"]) {
      assert.equal(afg.answer(line), undefined, line);
    }
    assert.deepEqual(afg.errors, []);
    assert.equal(afg.answer("sour1:freq?"), "99960", "short forms, any case");
    for (const line of [":MEASUrement:MEAS1:TYPE amplitude", ":MEASUrement:MEAS1:SOURCE CH1"]) scope.answer(line);
    assert.equal(scope.answer("*OPC?"), "1");
    const gain = 1 / Math.sqrt(1 + (99960 / 1e6) ** 2);
    const got = Number(scope.answer("MEASUrement:MEAS1:RESUlts:CURRentacq:mean?"));
    assert.ok(Math.abs(got - 5 * gain) < 1e-6 * 5, `${got} vs ${5 * gain}`);
    scope.answer(":MEASUrement:MEAS2:TYPE frequency");
    assert.equal(Number(scope.answer("MEASUrement:MEAS2:RESUlts:CURRentacq:mean?")), 99960);
    assert.equal(scope.answer('RECAll:SETUp "c:/flojoy001.set"'), undefined);
    assert.deepEqual(scope.setups, [{ op: "recall", file: "c:/flojoy001.set" }]);
    // output off, or the generator unplugged: no signal
    afg.answer("OUTPUT1:STATE off");
    assert.equal(Number(scope.answer("MEASUrement:MEAS1:RESUlts:CURRentacq:mean?")), 0);
    assert.equal(scope.answer("MEASUrement:MEAS2:RESUlts:CURRentacq:mean?"), "9.91E37");
    // what neither knows goes to its error queue
    afg.answer("SOURCE1:BOGUS 1");
    scope.answer("FOO:BAR");
    assert.deepEqual([afg.errors, scope.errors], [[[-113, "Undefined header"]], [[-113, "Undefined header"]]]);
    demo.uninstall();
  });
});

describe("usb: tic (a Pololu Tic stepper controller)", () => {
  test("vendor requests move the motor once it is energized and out of safe start; others stall", async () => {
    demo.install({ usb: [{ kind: "tic" }] });
    const [device] = await navigator.usb.getDevices();
    assert.deepEqual([device.vendorId, device.productId], [0x1ffb, 0x00b5]);
    await device.open();
    await device.selectConfiguration(1);
    await device.claimInterface(0);
    const send = (request, value = 0, index = 0) =>
      device.controlTransferOut({ requestType: "vendor", recipient: "device", request, value, index });
    const tic = demo.find("tic");
    assert.equal((await send(0xe0, 50)).status, "ok");
    assert.deepEqual(tic.moves, [], "not energized: no move");
    await send(0x85);
    await send(0x83);
    await send(0xe0, 0xfffa, 0xffff); // -6, two's complement
    assert.deepEqual(tic.moves, [-6]);
    assert.equal(tic.position, -6);
    await send(0xe6, 0x0d40, 3);
    assert.equal(tic.maxSpeed, 200000);
    assert.equal((await send(0x42)).status, "stall");
    assert.deepEqual(tic.commands.map((c) => c.name), ["set target position", "energize", "exit safe start", "set target position", "set max speed"]);
    await device.close();
    demo.uninstall();
  });
});

describe("usb: t3dso (Studio's T3DSO1XXX family)", () => {
  const scope = () => {
    demo.install({ usb: [{ kind: "t3dso" }] });
    return demo.find("t3dso");
  };

  test("settings are kept and read back in Siglent's number format", () => {
    const s = scope();
    assert.match(s.answer("*IDN?"), /LeCroy,T3DSO1104/);
    for (const line of ["COMM_HEADER OFF", "C1:VOLT_DIV 0.2", "C2:TRACE OFF", "TIME_DIV 250us", "C3:OFST -1.5"]) {
      assert.equal(s.answer(line), undefined, line);
    }
    assert.deepEqual(s.errors, []);
    assert.equal(s.answer("chdr?"), "OFF");
    assert.equal(s.answer("C1:vdiv?"), "2.00E-01");
    assert.equal(s.answer("C2:TRACE?"), "OFF");
    assert.equal(s.answer("tdiv?"), "2.50E-04");
    assert.equal(s.answer("C3:ofst?"), "-1.50E+00");
    assert.equal(s.answer("sara?"), "500.00kSa/s");
    assert.equal(s.answer("di:sara?"), "100.00kSa/s");
    // ASET: 2 Vpp over 6 divisions → 0.5 V/div; 5 periods of 1 kHz over 14 divisions → 0.5 ms/div
    s.answer("ASET");
    assert.deepEqual([s.answer("C1:vdiv?"), s.answer("tdiv?")], ["5.00E-01", "5.00E-04"]);
    s.answer("*RST");
    assert.equal(s.answer("C3:ofst?"), "0.00E+00");
    assert.equal(s.answer("C2:TRACE?"), "ON");
    assert.throws(() => s.answer("C1:VOLT_DIV 20"), /out of range/, "beyond 10 V/div");
    assert.equal(s.answer("C1:vdiv?"), "5.00E-01");
    s.answer("BOGUS 1");
    assert.deepEqual(s.errors, [[-113, "Undefined header"]]);
  });

  test("C1:WF? DAT2 is the 1 kHz sine in codes of VDIV / 25, framed as Siglent's guide shows", () => {
    const s = scope();
    const b = s.answer("C1:wf? dat2");
    // 14 divisions of 0.5 ms at 500 kSa/s: 3500 points
    assert.equal(Buffer.from(b.subarray(0, 16)).toString("latin1"), "DAT2,#9000003500");
    assert.equal(b.length, 16 + 3500 + 2);
    assert.deepEqual(Array.from(b.subarray(-2)), [10, 10]);
    for (const i of [0, 1, 125, 1750, 1875, 2000, 3499]) {
      const t = -3.5e-3 + i / 5e5;
      const code = Math.round((Math.sin(2 * Math.PI * 1000 * t) / 0.5) * 25);
      assert.equal(b[16 + i], (code + 256) % 256, `sample ${i}`);
    }
    // the crest, 0.25 ms after the trigger: 1 V at 0.5 V/div = 50 codes
    assert.equal(b[16 + 1750 + 125], 50);
    assert.equal(b[16 + 1750 + 375], 256 - 50);
    // the other channels are flat
    assert.ok(s.answer("C2:wf? dat2").subarray(16, -2).every((x) => x === 0));
  });

  test("D0:WF? DAT2 is the square wave, 8 samples a byte, least significant bit first", () => {
    const s = scope();
    const b = s.answer("d0:wf? dat2");
    // 14 divisions of 0.5 ms at 100 kSa/s: 700 bits in 88 bytes
    assert.equal(Buffer.from(b.subarray(0, 16)).toString("latin1"), "DAT2,#9000000088");
    const bit = (i) => (b[16 + (i >> 3)] >> (i & 7)) & 1;
    // high from the trigger (t = 0, bit 350) for half a period (50 bits), then low
    for (const [i, want] of [[340, 0], [350, 1], [360, 1], [399, 1], [400, 0], [449, 0], [450, 1], [10, 0], [60, 1]]) {
      assert.equal(bit(i), want, `bit ${i}`);
    }
  });

  test("measurements are the sine's; statistics need the Measure and Statistics keys", () => {
    const s = scope();
    const rms = (1 / Math.SQRT2).toExponential(6).toUpperCase().replace("E-1", "E-01");
    assert.equal(s.answer("C1:PAVA? PKPK"), "PKPK,2.000000E+00V");
    assert.equal(s.answer("C1:PAVA? FREQ"), "FREQ,1.000000E+03Hz");
    assert.equal(s.answer("C1:PAVA? PER"), "PER,1.000000E-03S");
    assert.equal(s.answer("C1:PAVA? RMS"), `RMS,${rms}V`);
    assert.equal(s.answer("C1:PAVA? MIN"), "MIN,-1.000000E+00V");
    assert.equal(s.answer("C2:PAVA? FREQ"), "FREQ,****");
    s.answer("PACU PKPK,C1");
    s.answer("PACU FREQ,C1");
    assert.equal(s.answer("PAVA? STAT1"), "STAT1:OFF");
    s.answer("SY_FP 4,1");
    assert.equal(s.answer("PAVA? STAT1"), "STAT1:OFF", "Statistics does nothing while Measure is off");
    s.answer("SY_FP 26,1");
    s.answer("SY_FP 4,1");
    assert.equal(s.answer("PAVA? STAT1"), "STAT1 C1 PKPK:cur,2.000000E+00V,mean,2.000000E+00V,min,2.000000E+00V,max,2.000000E+00V,std-dev,0.000000E+00V,count,1");
    assert.match(s.answer("PAVA? STAT2"), /^STAT2 C1 FREQ:cur,1\.000000E\+03Hz,/);
    assert.equal(s.answer("PAVA? STAT3"), "STAT3:");
    for (const p of ["AMPL", "TOP", "BASE", "MEAN", "RISE", "DUTY"]) s.answer(`PACU ${p},C1`);
    assert.deepEqual(s.measurements.map((m) => m.param), ["AMPL", "TOP", "BASE", "MEAN", "RISE", "DUTY"].slice(1), "five at most");
    assert.deepEqual(s.errors, []);
  });

  test("SCDP sends a 24-bit BMP of the screen", () => {
    const b = scope().answer("SCDP");
    const v = new DataView(b.buffer, b.byteOffset);
    assert.equal(Buffer.from(b.subarray(0, 2)).toString("latin1"), "BM");
    assert.deepEqual([v.getUint32(2, true), v.getInt32(18, true), v.getInt32(22, true), v.getUint16(28, true)], [54 + 140 * 3 * 80, 140, 80, 24]);
    assert.equal(b.length, 54 + 140 * 3 * 80);
    // the trace's crest (yellow, 255 215 0 as B G R) is in the picture
    let yellow = 0;
    for (let i = 54; i + 2 < b.length; i += 3) if (b[i] === 0 && b[i + 1] === 215 && b[i + 2] === 255) yellow++;
    assert.ok(yellow >= 100, `${yellow} yellow pixels`);
  });
});

// ---- 'canable': an slcan CAN adapter ------------------------------------------------------------

describe("canable", () => {
  /** Reads raw replies (latin-1) until `n` characters have come. */
  async function replies(reader, n) {
    let text = "";
    while (text.length < n) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString("latin1");
    }
    return text;
  }

  test("answers slcan commands as Lawicel's protocol says, and records the frames it is sent", async () => {
    demo.install({ serial: [{ kind: "canable" }] });
    const can = demo.find("canable");
    const port = await openSerial("canable");
    const reader = port.readable.getReader();
    await writeLine(port, "C\rS6\rO\rS4\rt01180909090909090905\rT123456781AB\rr1008\rt12\rX\r");
    // C while closed and S while open are errors (BELL); frames answer z / Z
    assert.equal(await replies(reader, 12), "\x07\r\r\x07z\rZ\rz\r\x07\x07");
    assert.deepEqual(can.commands, ["C", "S6", "O", "S4", "t01180909090909090905", "T123456781AB", "r1008", "t12", "X"]);
    assert.deepEqual(can.frameLines(), ["t01180909090909090905", "T123456781AB", "r1008"]);
    assert.deepEqual(
      can.frames.map((f) => [f.id, f.extended, f.remote, f.dlc, f.data, f.bitrate]),
      [
        [0x11, false, false, 8, [9, 9, 9, 9, 9, 9, 9, 5], 500000],
        [0x12345678, true, false, 1, [0xab], 500000],
        [0x100, false, true, 8, [], 500000],
      ],
    );
    assert.equal(can.stats.refused, 1);
    // frames from the bus, while the channel is open
    assert.equal(can.receive({ id: 0x123, data: [1, 2] }), true);
    assert.equal(can.receive({ id: 0x1abcdef, extended: true }), true);
    assert.equal(await replies(reader, 21), "t12320102\rT01ABCDEF0\r");
    await writeLine(port, "C\r");
    assert.equal(await replies(reader, 1), "\r");
    assert.equal(can.receive({ id: 1 }), false, "a closed channel receives nothing");
    await writeLine(port, "t0010\r");
    assert.equal(await replies(reader, 1), "\x07", "nor sends");
    reader.releaseLock();
  });

  test("unplugging loses the channel", async () => {
    demo.install({ serial: [{ kind: "canable" }] });
    const can = demo.find("canable");
    await openSerial("canable");
    can.execute("O");
    assert.equal(can.channelOpen, true);
    can.unplug();
    assert.equal(can.channelOpen, false);
  });
});

describe("usb: mso2x (Studio's MSO2X family)", () => {
  const bench = () => {
    demo.install({ usb: [{ kind: "afg31000" }, { kind: "mso2x", source: "afg31000", dut: { kind: "lowpass", fc: 1e6 } }] });
    const afg = demo.find("afg31000");
    const scope = demo.find("mso2x");
    for (const line of ["SOURCE1:FREQUENCY 1000000.0", "SOURCE1:VOLTAGE:AMPLITUDE 1.0", "OUTPUT1:STATE on"]) afg.answer(line);
    return { afg, scope };
  };
  /** tm_devices' set_and_check: the write, then the query must read the value back (as a number when it is one). */
  const setAndCheck = (scope, header, value) => {
    assert.equal(scope.answer(`${header} ${value}`), undefined, header);
    const back = scope.answer(`${header}?`);
    if (Number.isFinite(Number(value))) assert.equal(Number(back), Number(value), header);
    else assert.equal(back, value, header);
  };

  test("the settings the nodes send are kept and read back", () => {
    const { scope } = bench();
    setAndCheck(scope, "DISplay:GLObal:CH2:STATE", "1");
    setAndCheck(scope, "DISplay:GLObal:CH4:STATE", "0");
    setAndCheck(scope, ":CH1:SCAL", "0.5");
    setAndCheck(scope, ":CH2:POSITION", "-1.5");
    setAndCheck(scope, ":CH3:PROBEFunc:EXTAtten", "10.0");
    setAndCheck(scope, ":HORIZONTAL:SCALE", "2e-06");
    const sent = ["AFG:FUNCtion square", "AFG:FREQuency 100000000.0", "AFG:AMPLitude 0.2", "AFG:OFFSet 0.0", "AFG:SQUare:DUty 50.0",
      "AFG:OUTPut:LOAd:IMPEDance fifty", "AFG:OUTPut:MODe continuous", "DISplay:WAVEView1:DCH1_D0:STATE 1", "DISplay:WAVEView1:DCH1_D1:STATE 0",
      "TRIGger:A:EDGE:COUPling dc", "TRIGger:A:EDGE:SLOpe fall", "TRIGger:A:LEVel:CH2 0.5", "HORizontal:DELay:MODe 0.0", "HORizontal:POSition 25.0",
      "TRIGger:A:BUS:B1:I2C:CONDition addranddata", "TRIGger:A:BUS:B1:I2C:ADDRess:MODe ADDR7", "TRIGger:A:BUS:B1:I2C:ADDRess:VALue 1010000",
      "TRIGger:A:BUS:B1:I2C:DIRection write", "TRIGger:A:BUS:B1:I2C:SIZe 2", "TRIGger:A:BUS:B1:I2C:VALue 0000XXXX", "FPAnel:PRESS SINGleseq"];
    for (const line of sent) assert.equal(scope.answer(line), undefined, line);
    assert.deepEqual(scope.errors, []);
    assert.deepEqual(scope.afg, { function: "SQUARE", frequency: 1e8, amplitude: 0.2, offset: 0, symmetry: 50, duty: 50, width: 1e-6, impedance: "FIFTY", mode: "CONTINUOUS" });
    assert.equal(scope.answer("DISplay:WAVEView1:DCH1_D0:STATE?"), "1");
    assert.equal(scope.answer("TRIG:A:EDGE:SLO?"), "FALL", "short forms");
    assert.equal(scope.answer("TRIGger:A:EDGE:COUPling?"), "DC");
    assert.equal(scope.answer("TRIGger:A:LEVel:CH2?"), "0.5");
    assert.equal(scope.answer("HORizontal:POSition?"), "25");
    assert.equal(scope.answer("HORizontal:DIVisions?"), "10");
    assert.deepEqual(scope.trigger.bus["1"], { condition: "ADDRANDDATA", addrMode: "ADDR7", address: "1010000", direction: "WRITE", size: 2, value: "0000XXXX" });
    assert.deepEqual([scope.answer("ACQuire:STATE?"), scope.answer("ACQuire:STOPAfter?")], ["0", "SEQUENCE"]);
    assert.equal(scope.answer("DATa:SOUrce:AVAILable?"), "CH1,CH2");
    // Studio's QUERY_CURVE sets the source to a bare number first: refused, the source stays
    scope.answer("DATa:SOUrce 1");
    scope.answer(":CH1:SCAL -1");
    assert.deepEqual(scope.errors, [[-224, "Illegal parameter value"], [-224, "Illegal parameter value"]]);
    assert.equal(scope.answer(":CH1:SCAL?"), "0.5");
  });

  test("CURVe? is channel 1's sine through the low-pass, triggered at the level on its slope", () => {
    const { scope } = bench();
    // what QUERY_CURVE_MSO2X (tm_devices' curve_query) sends
    setAndCheck(scope, ":CH1:SCAL", "0.2");
    setAndCheck(scope, ":HORIZONTAL:SCALE", "2e-07");
    scope.answer("HORizontal:POSition 25.0");
    scope.answer("TRIGger:A:LEVel:CH1 0.1");
    setAndCheck(scope, "DATA:SOURCE", "CH1");
    setAndCheck(scope, ":DATA:ENC", "ASCII");
    const levels = scope.answer(":CURVE?").split(",").map(Number);
    assert.equal(levels.length, 1000);
    assert.equal(scope.answer("WFMOutpre:BYT_Nr?"), "1");
    // the record: 10 divisions of 0.2 µs, the trigger 25 % in; 1 Vpp at 1 MHz through fc = 1 MHz
    const a = 0.5 / Math.SQRT2;
    const span = 2e-7 * 10;
    const phase = Math.asin(0.1 / a);
    const ymult = (5 * 0.2) / 256;
    for (const i of [0, 1, 100, 250, 333, 500, 999]) {
      const t = -0.25 * span + (i * span) / 999;
      const volts = a * Math.sin(2 * Math.PI * 1e6 * t + phase);
      assert.equal(levels[i], Math.round(volts / ymult), `sample ${i}`);
      // Studio's scaling gives the volts back to half a level
      assert.ok(Math.abs((levels[i] / 256) * 5 * 0.2 - volts) <= ymult / 2 + 1e-12, `volts ${i}`);
    }
    // at t = 0 (sample 249.75) the trace crosses 0.1 V rising
    assert.ok(levels[249] * ymult < 0.1 + ymult && levels[251] * ymult > 0.1 - ymult && levels[251] > levels[249]);
    assert.equal(Number(scope.answer("WFMOutpre:XINcr?")), span / 999);
    assert.equal(Number(scope.answer("WFMOutpre:XZEro?")), -0.25 * span);
    // two bytes, big-endian, in an IEEE 488.2 block
    scope.answer("DATa:ENCdg RIBinary");
    scope.answer("DATa:WIDth 2");
    const block = scope.answer("CURVe?");
    assert.equal(new TextDecoder().decode(block.subarray(0, 6)), "#42000");
    const view = new DataView(block.buffer, block.byteOffset + 6, 2000);
    const t = -0.25 * span + (500 * span) / 999;
    assert.equal(view.getInt16(1000, false), Math.round((a * Math.sin(2 * Math.PI * 1e6 * t + phase)) / ((5 * 0.2) / 65536)));
    assert.equal(block[block.length - 1], 10);
    // other channels read a flat 0 V
    setAndCheck(scope, "DATA:SOURCE", "CH2");
    scope.answer("DATa:ENCdg ASCIi");
    assert.ok(scope.answer("CURVe?").split(",").every((v) => v === "0"));
  });

  test("the I2C decode's event table holds the scripted bus's writes and reads", () => {
    const { scope } = bench();
    const decode = (clock, data, threshold) => {
      for (const line of ['BUS:ADDNEW "B1"', "DISPLAY:WAVEVIEW1:BUS:B1:STATE", `BUS:B1:I2C:CLOCK:SOUrce ${clock}`, `BUS:B1:I2C:DATa:SOUrce ${data}`,
        `BUS:B1:I2C:CLOCK:THRESHOLD ${threshold}`, `BUS:B1:I2C:DATa:THRESHOLD ${threshold}`, 'BUSTABLE:ADDNEW "Table1"', 'SAVe:EVENTtable:BUS "c:/flojoy.csv"']) {
        assert.equal(scope.answer(line), undefined, line);
      }
      assert.deepEqual(scope.errors, []);
      return scope.answer('FILESystem:READFile "c:/flojoy.csv"');
    };
    const file = decode("DCH1_D0", "DCH1_D1", "1.65");
    assert.ok(file instanceof Uint8Array);
    const text = Buffer.from(file).toString("latin1");
    assert.equal(text.split("\r\n")[0], "Time,Address,Direction,Data,Missing Ack");
    assert.equal(text.split("\r\n")[1], "-100.000\u00b5s,0x50,Write,0x00 0x10,No");
    assert.ok(file.includes(0xb5), "µ as Latin-1");
    // what DECODE_I2C_MSO2X makes of it: µs → us, the fields after each Write and Read in turn
    const fields = Buffer.from(file).toString("latin1").replaceAll("\u00b5s", "us").split(",");
    let formatted = "";
    for (let n = 0; n < 5; n++) {
      for (const w of ["Write", "Read"]) {
        const at = fields.findIndex((f) => f.includes(w));
        if (at >= 0 && at < fields.length - 1) {
          formatted += `${fields[at]} ${fields[at + 1]} `;
          fields[at] = " ";
        }
      }
    }
    assert.equal(formatted, "Write 0x00 0x10 Read 0xA5 0x5A Write 0x75 Read 0x68 ");
    // the wrong channels, or a threshold above the logic's 3.3 V: nothing decodes
    assert.equal(Buffer.from(decode("CH1", "CH2", "1.0")).toString("latin1"), "Time,Address,Direction,Data,Missing Ack\r\n");
    assert.equal(Buffer.from(decode("DCH1_D0", "DCH1_D1", "5.0")).toString("latin1"), "Time,Address,Direction,Data,Missing Ack\r\n");
    // a file never saved: no answer, an error
    assert.equal(scope.answer('FILESystem:READFile "c:/nothing.csv"'), undefined);
    assert.deepEqual(scope.errors, [[-256, "File name not found"]]);
  });

  test("SAVe:IMAGe saves a PNG of the screen that FILESystem:READFile sends", () => {
    const { scope } = bench();
    assert.equal(scope.answer("SAVe:IMAGe C:\\screenshots\\screenshot.png"), undefined);
    const png = scope.answer("FILESystem:READFile C:\\screenshots\\screenshot.png");
    assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    assert.deepEqual([view.getUint32(16), view.getUint32(20)], [200, 100], "IHDR: 200 × 100");
    // the IDAT chunk inflates to the rows (zlib's own check)
    const idat = png.subarray(41, 41 + view.getUint32(33));
    const raw = zlib.inflateSync(Buffer.from(idat));
    assert.equal(raw.length, 100 * (1 + 200 * 3));
    assert.deepEqual(scope.errors, []);
  });
});

describe("usb: mdo3 (Studio's MDO3XXX family)", () => {
  const scope = () => {
    demo.install({ usb: [{ kind: "mdo3" }] });
    return demo.find("mdo3");
  };

  test("what CONNECTION_MDO3XXX's driver asks at start is answered", () => {
    const mdo = scope();
    assert.equal(mdo.answer("HORizontal:MAIn:UNIts?"), '"s"');
    assert.equal(mdo.answer("DATa:SOU CH2"), undefined);
    assert.equal(mdo.answer("WFMOutpre:XUNit?"), '"s"');
    assert.equal(mdo.answer("WFMOutpre:YUNit?"), '"V"');
    assert.equal(mdo.answer("TRIGger:B:EDGE:SOUrce?"), "CH1");
    assert.match(mdo.answer("*IDN?"), /^TEKTRONIX,MDO3034,/);
    assert.deepEqual(mdo.errors, []);
  });

  test("measurement 1 reads CH1's 1 kHz, 1 V sine and the 45° between CH1 and CH2, once its state is on", () => {
    const mdo = scope();
    const measure = (type, metric = "VALue") => {
      for (const line of [`MEASUrement:MEAS1:TYPe ${type}`, "MEASUrement:MEAS1:STATe 1"]) assert.equal(mdo.answer(line), undefined);
      return Number(mdo.answer(`MEASUrement:MEAS1:${metric}?`));
    };
    mdo.answer("MEASUrement:MEAS1:SOUrce1 CH1");
    assert.equal(mdo.answer("MEASUrement:MEAS1:SOUrce1?"), "CH1");
    // off: the scope's "no value"
    assert.equal(mdo.answer("MEASUrement:MEAS1:VALue?"), "9.91E37");
    assert.equal(mdo.answer("MEASUrement:MEAS1:TYPe?"), "PERIOD");
    assert.equal(measure("frequency"), 1000);
    assert.equal(mdo.answer("MEASUrement:MEAS1:TYPe?"), "FREQUENCY");
    assert.equal(measure("period", "MEAN"), 1e-3);
    assert.equal(measure("amplitude", "MAX"), 2);
    assert.equal(measure("pk2pk", "MINI"), 2);
    assert.equal(measure("pk2pk", "STDdev"), 0);
    assert.equal(measure("rms"), Number((1 / Math.SQRT2).toExponential(6)));
    mdo.answer("MEASUrement:MEAS1:SOUrce2 CH2");
    assert.equal(measure("phase"), 45);
    mdo.answer("MEASUrement:MEAS1:SOUrce1 CH2");
    mdo.answer("MEASUrement:MEAS1:SOUrce2 CH1");
    assert.equal(measure("phase"), -45);
    // a flat channel has no frequency
    mdo.answer("MEASUrement:MEAS1:SOUrce1 CH3");
    assert.equal(measure("frequency"), 9.91e37);
    assert.deepEqual(mdo.errors, []);
  });

  test("settings are kept and read back; bad values go to the error queue", () => {
    const mdo = scope();
    const sent = ["CH3:TER 1000000.0", "CH4:TER 50", "TRIGger:A:EDGE:SOUrce CH2", "TRIGger:A:LEVel:CH2 0.25", "TRIGger:A:TYPE edge",
      "TRIGger:A:EDGE:SLOpe fall", "TRIGger:A:EDGE:COUPling hfrej"];
    for (const line of sent) assert.equal(mdo.answer(line), undefined, line);
    assert.deepEqual(mdo.errors, []);
    assert.equal(Number(mdo.answer("CH3:TER?")), 1e6);
    assert.equal(Number(mdo.answer("CH4:TER?")), 50);
    assert.equal(Number(mdo.answer("CH1:TER?")), 1e6, "1 MΩ at power-on");
    assert.equal(mdo.answer("TRIGger:A:EDGE:SOUrce?"), "CH2");
    assert.equal(mdo.answer("TRIGger:A:LEVel:CH2?"), "0.25");
    assert.deepEqual([mdo.answer("TRIGger:A:TYPE?"), mdo.answer("TRIG:A:EDGE:SLO?"), mdo.answer("TRIGger:A:EDGE:COUPling?")], ["EDGE", "FALL", "HFREJ"]);
    mdo.answer("CH1:TER 60");
    mdo.answer("MEASUrement:MEAS1:TYPe volume");
    mdo.answer("FOO:BAR 1");
    assert.deepEqual(mdo.errors, [[-224, "Illegal parameter value"], [-224, "Illegal parameter value"], [-113, "Undefined header"]]);
  });

  test("CURVe? sends DATa:STARt to DATa:STOP of the record, in levels of CH scale / 25", () => {
    const mdo = scope();
    // what EXTRACT_TRACE_MDO3XXX's driver sends for 5000 points of CH1
    assert.equal(Number(mdo.answer("HORizontal:RECOrdlength?")), 10000);
    for (const line of ["DATa:STARt 1", "DATa:STOP 5000", "DATa:SOU CH1"]) mdo.answer(line);
    assert.equal(mdo.answer("WFMOutpre:NR_Pt?"), "5000");
    const dt = Number(mdo.answer("WFMOutPRE:XINCR?"));
    assert.equal(dt, 4e-7);
    assert.deepEqual([mdo.answer("WFMOutpre:ENCdg?"), mdo.answer("WFMOutpre:BYT_Nr?"), mdo.answer("WFMOutpre:BN_Fmt?"), mdo.answer("WFMOutpre:BYT_Or?")], ["BINARY", "1", "RI", "MSB"]);
    const ymult = Number(mdo.answer("WFMOutPRE:YMULT?"));
    assert.equal(ymult, 0.25 / 25);
    assert.deepEqual([mdo.answer("WFMOutPRE:YOFF?"), mdo.answer("WFMOutPRE:YZERO?")], ["0", "0"]);
    const block = mdo.answer("CURVE?");
    assert.equal(new TextDecoder().decode(block.subarray(0, 6)), "#45000");
    assert.equal(block.length, 6 + 5000 + 1);
    // the record's 10000 points are centred on the trigger: sample i is at (i − 5000) · 0.4 µs
    const t0 = Number(mdo.answer("WFMOutpre:XZEro?"));
    assert.equal(t0, -5000 * 4e-7);
    for (const i of [0, 1, 625, 1250, 2500, 4999]) {
      const volts = Math.sin(2 * Math.PI * 1000 * (t0 + i * dt));
      assert.equal(new DataView(block.buffer, block.byteOffset).getInt8(6 + i), Math.round(volts / 0.01) + 0, `sample ${i}`);
    }
    // CH2 in ASCII, points 101 to 110: 0.5 V lagging by 45°
    for (const line of ["DATa:SOU CH2", "DATa:ENCdg ASCIi", "DATa:STARt 101", "DATa:STOP 110"]) mdo.answer(line);
    assert.equal(mdo.answer("WFMOutpre:ENCdg?"), "ASCII");
    const levels = mdo.answer("CURVE?").split(",").map(Number);
    assert.equal(levels.length, 10);
    levels.forEach((l, j) => {
      const t = t0 + (100 + j) * dt;
      assert.equal(l, Math.round((0.5 * Math.sin(2 * Math.PI * 1000 * t - Math.PI / 4)) / 0.01) + 0);
    });
    assert.deepEqual(mdo.errors, []);
  });
});

describe("usb: dmm7510 (Studio's DMM7510 nodes, dmmRead.json)", () => {
  test("TSP: the function set, then a reading of the source wired to it", () => {
    demo.install({ usb: [{ kind: "dmm7510", readings: { DC_CURRENT: 0.0125 } }] });
    const dmm = demo.find("dmm7510");
    assert.match(dmm.answer("*IDN?"), /^KEITHLEY INSTRUMENTS,MODEL DMM7510,/);
    assert.equal(dmm.answer("*LANG?"), "TSP");
    assert.equal(Number(dmm.answer("print(dmm.measure.read())")), 1.5, "a 1.5 V cell on DC voltage");
    assert.equal(dmm.answer("dmm.measure.func = dmm.FUNC_RESISTANCE"), undefined);
    assert.equal(Number(dmm.answer("print(dmm.measure.read())")), 10000);
    dmm.answer("dmm.measure.func = dmm.FUNC_DC_CURRENT");
    assert.equal(dmm.answer("print(dmm.measure.read())"), "1.250000000e-2");
    dmm.answer("reset()");
    assert.equal(dmm.func, "DC_VOLTAGE");
    assert.deepEqual(dmm.errors, []);
    dmm.answer("smu.source.level = 1");
    assert.deepEqual(dmm.errors, [[-285, "TSP syntax error"]]);
  });
});

describe("usb: ds1074z (Studio's DS1074Z nodes, rigolExtractTrace.json)", () => {
  test("settings kept; the screen's 1200 bytes are the sine by Rigol's formula", () => {
    demo.install({ usb: [{ kind: "ds1074z" }] });
    const scope = demo.find("ds1074z");
    for (const line of [":CHANnel1:SCALe 0.5", ":CHANnel1:OFFSet 0.2", ":TIMebase:MAIN:SCALe 0.0005", ":TRIGger:EDGE:SOURce CHANnel2", ":TRIGger:EDGE:SLOPe NEG"]) {
      assert.equal(scope.answer(line), undefined, line);
    }
    assert.deepEqual(scope.errors, []);
    assert.equal(scope.answer(":TRIGger:EDGE:SOURce?"), "CHAN2");
    assert.equal(scope.answer(":TRIGger:EDGE:SLOPe?"), "NEG");
    assert.equal(Number(scope.answer(":CHANnel1:SCALe?")), 0.5);
    assert.equal(scope.answer(":CHANnel1:UNITs?"), "VOLT");
    scope.answer(":WAVeform:SOURce CHANnel1");
    const [x0, dx, yorigin, yinc, yref] = [":WAVeform:XORigin?", ":WAVeform:XINCrement?", ":WAVeform:YORigin?", ":WAVeform:YINCrement?", ":WAVeform:YREFerence?"].map((q) => Number(scope.answer(q)));
    assert.deepEqual([x0, dx, yinc, yref], [-3e-3, 5e-6, 0.02, 127]);
    assert.equal(yorigin, 10, "0.2 V of offset in 0.02 V levels");
    const block = scope.answer(":WAVeform:DATA?");
    assert.equal(new TextDecoder().decode(block.slice(0, 11)), "#9000001200");
    assert.equal(block.length, 11 + 1200 + 1);
    for (let i = 0; i < 1200; i += 37) {
      const volts = (block[11 + i] - yorigin - yref) * yinc;
      const want = Math.sin(2 * Math.PI * 1000 * (x0 + i * dx));
      assert.ok(Math.abs(volts - want) <= yinc / 2 + 1e-12, `point ${i}: ${volts} vs ${want}`);
    }
    scope.answer(":FOO:BAR 1");
    assert.deepEqual(scope.errors, [[-113, "Undefined header"]]);
  });
});
