// Story: instruments. Scripted devices stand in for hardware at the browser API boundary
// (navigator.serial / navigator.usb); everything of ours runs for real. An Arduino streaming
// CSV feeds Flojoy's arduino.json gallery flow and a live plot; a SCPI voltmeter answers
// *IDN? and MEAS:VOLT?; a device unplugs mid-stream (the data so far stays, re-plugging
// works); malformed lines are counted and skipped; a busy port gives the browser's reason;
// pickers need a click; a browser without the APIs says which browsers work; USB transfers.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { galleryFile, load, openEditor } from "../support/editor.mjs";
import { devices, makeFlow, waitStream, withDevices, withoutDeviceApis } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

/** Opens the editor with scripted devices installed before the app starts. */
async function editorWith(options, { apis = true } = {}) {
  return openEditor(browser, server.url, {
    async setup(ctx) {
      if (!apis) await withoutDeviceApis(ctx);
      if (options) await withDevices(ctx, options);
    },
  });
}

/** Starts a run without waiting for it; returns the promise of its report. */
const startRun = (page) => page.evaluateHandle(() => ({ p: window.flojoy.run() }));
const reportOf = async (handle) => (await handle.evaluate((h) => h.p));

const sine = (n, period = 100) => Number(Math.sin((2 * Math.PI * n) / period).toFixed(6));

const streamFlow = (params = {}) =>
  makeFlow(
    [
      ["STREAM", "SERIAL_STREAM", { window: 2000, ...params }],
      ["LINE", "LINE"],
    ],
    [["STREAM", "LINE"]],
  );

test("Flojoy's arduino.json gallery flow reads an Arduino until Stop; the port closes after", async () => {
  const { page, errors } = await editorWith({ serial: [{ kind: "arduino", name: "uno", rate: 500, columns: 3 }] });
  assert.deepEqual(await load(page, galleryFile("arduino.json")), []);
  const run = await startRun(page);
  // LOOP(-1) → SERIAL_SINGLE_MEASUREMENT → TABLE: each reading is one CSV line as a Vector
  const label = "SERIAL SINGLE MEASUREMENT";
  await page.waitForFunction((l) => window.flojoy.output(l)?.v?.length === 3, label, { timeout: 20_000 });
  const readings = [];
  while (readings.length < 3) {
    const v = (await page.evaluate((l) => window.flojoy.output(l), label)).v;
    if (!readings.some((r) => r[0] === v[0])) readings.push(v);
  }
  for (const [n, v, m] of readings) {
    assert.ok(Number.isInteger(n), `row number ${n}`);
    assert.equal(v, sine(n), `value of row ${n}`);
    assert.equal(m, n % 7);
  }
  const d = await devices(page);
  assert.equal(d.serial.length, 1);
  assert.equal(d.serial[0].open, true, "open while the flow runs");
  await page.getByTestId("run-button").click(); // "■ Cancel": an infinite loop ends on Stop
  const report = await reportOf(run);
  assert.equal(report.status, "cancelled");
  await page.waitForFunction(() => window.flojoy.devices().serial[0].open === false);
  assert.ok((await devices(page)).events.some((e) => /opened at 9600 baud/.test(e)));
  assert.deepEqual(errors, []);
});

test("SCPI over serial: *IDN? and MEAS:VOLT? from Flojoy's example apps, OS port names mapped", async () => {
  const { page, errors } = await editorWith({ serial: [{ kind: "scpi", name: "dmm", volts: 4.56789 }] });
  const idn = JSON.parse(galleryFile("../blocks/HARDWARE/PROTOCOLS/SCPI/IDN/app.json"));
  assert.deepEqual(await load(page, idn), []);
  let r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r.error));
  const idnNode = Object.values(r.nodes).find((n) => n.label.startsWith("IDN"));
  assert.equal(idnNode.outputs.default.s, "Flojoy,Simulated DMM,SN000001,1.0");
  // the app names a macOS device path: browsers do not expose those, so the only device is used
  const open = Object.values(r.nodes).find((n) => n.label.startsWith("OPEN SERIAL"));
  assert.match(open.log.join("\n"), /operating-system port name/);

  const write = JSON.parse(galleryFile("../blocks/HARDWARE/PROTOCOLS/SCPI/SCPI_WRITE/app.json"));
  await load(page, write);
  r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r.error));
  const scpi = Object.values(r.nodes).find((n) => n.label.startsWith("SCPI WRITE"));
  assert.equal(scpi.outputs.default.c, 4.56789, "MEASure:VOLTage? answered as a number");
  assert.deepEqual(errors, []);
});

test("streaming: rows flow into a live plot with rate, received and dropped on the node, until Stop", async () => {
  // 5,000 rows/s: what a fast Arduino sketch sends; the throughput limit is for the benchmark
  // (tests/bench/stream.mjs), not this test
  const { page, errors } = await editorWith({ serial: [{ kind: "arduino", name: "uno", rate: 5_000 }] });
  // channel 1: the sine column (channel 0 is the device's own row number)
  await load(page, streamFlow({ channel: 1 }));
  const drawsBefore = await page.evaluate(() => window.flojoy.plotDraws());
  const run = await startRun(page);
  await page.getByText("■ Stop").waitFor();
  const s = await waitStream(page, "s.received > 12000");
  assert.equal(s.dropped, 0);
  assert.equal(s.malformed, 0);
  await page.getByTestId("stream-STREAM").getByText(/rows\/s/).waitFor();
  // the plot keeps redrawing while rows come (waited for, not counted at one moment: a busy
  // machine draws less often)
  await page.waitForFunction((before) => window.flojoy.plotDraws() - before >= 5, drawsBefore, { timeout: 30_000 });
  // the window: consecutive row numbers and the device's sine, no gap
  const w = await page.evaluate(() => window.flojoy.output("STREAM"));
  assert.equal(w.type, "OrderedPair");
  assert.equal(w.x.length, 2000);
  for (let i = 1; i < w.x.length; i++) assert.equal(w.x[i], w.x[i - 1] + 1);
  const at = await page.evaluate(() => globalThis.flojoyDemoDevices.find("uno").stats);
  assert.equal(at.overflowRows, 0, "the page kept up: nothing was lost at the device");
  for (let i = 0; i < w.x.length; i += 97) assert.equal(w.y[i], sine(w.x[i]), `row ${w.x[i]}`);
  await page.getByTestId("run-button").click();
  const report = await reportOf(run);
  assert.equal(report.status, "ok", "Stop ends the session with its last complete frame");
  assert.ok(report.nodes.STREAM.outputs.default.x.length === 2000);
  await page.getByText("▶ Run").waitFor();
  await page.getByTestId("stream-STREAM").getByText(/stopped/).waitFor();
  const dev = await page.evaluate(() => globalThis.flojoyDemoDevices.find("uno").stats);
  assert.equal(dev.overflowRows, 0, "the browser side never overflowed");
  await page.waitForFunction(() => window.flojoy.devices().serial[0].open === false);
  assert.deepEqual(errors, []);
});

test("unplugged mid-stream: the node says so, the data stays, plugging back in works", async () => {
  const { page } = await editorWith({ serial: [{ kind: "unplug", name: "flaky", rate: 5000, after: 3000 }] });
  await load(page, streamFlow({ window: 1000 }));
  const report = await page.evaluate(() => window.flojoy.run());
  assert.equal(report.status, "failed");
  assert.match(report.nodes.STREAM.error, /device disconnected/);
  await page.getByTestId("result-STREAM").getByText(/device disconnected/).waitFor();
  // what arrived before the unplug is still on the plot
  const kept = await page.evaluate(() => window.flojoy.output("LINE"));
  assert.ok(kept, "the plot keeps the last frame");
  const stats = (await devices(page)).streams[0].stats;
  assert.ok(stats.received >= 2500 && stats.received <= 3000, `received ${stats.received}`);
  assert.ok((await devices(page)).events.some((e) => /disconnected/.test(e)));
  await page.getByText("▶ Run").waitFor();

  await page.evaluate(() => globalThis.flojoyDemoDevices.find("flaky").plug());
  await page.waitForFunction(() => window.flojoy.devices().events.some((e) => / connected$/.test(e)));
  const again = await startRun(page);
  await waitStream(page, "s.received > 500 && s.running");
  await page.evaluate(() => window.flojoy.stop());
  const r2 = await reportOf(again);
  assert.ok(["ok", "failed"].includes(r2.status));
});

test("malformed lines are counted and skipped, never fatal", async () => {
  const { page } = await editorWith({ serial: [{ kind: "malformed", name: "noisy", rate: 5000, every: 10 }] });
  await load(page, streamFlow({ window: 1000 }));
  const run = await startRun(page);
  const s = await waitStream(page, "s.received > 4000 && s.malformed > 300");
  assert.equal(s.dropped, 0);
  const w = await page.evaluate(() => window.flojoy.output("STREAM"));
  for (let i = 0; i < w.y.length; i++) assert.ok(Number.isFinite(w.y[i]));
  await page.evaluate(() => window.flojoy.stop());
  assert.equal((await reportOf(run)).status, "ok");
  const after = (await devices(page)).streams[0].stats;
  const sent = await page.evaluate(() => globalThis.flojoyDemoDevices.find("noisy").stats.malformedSent);
  assert.ok(after.malformed <= sent && after.malformed >= sent - 2, `${after.malformed} of ${sent} counted`);
});

test("a busy port fails with the browser's reason; the app keeps working", async () => {
  const { page } = await editorWith({ serial: [{ kind: "busy", name: "taken" }] });
  await load(page, makeFlow([["READ", "SERIAL_SINGLE_MEASUREMENT"]]));
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "failed");
  assert.match(r.nodes.READ.error, /Failed to open serial port/);
  assert.match(r.nodes.READ.error, /another program or browser tab/i);
  await page.getByTestId("result-READ").getByText(/Failed to open/).waitFor();
});

test("the port picker opens on a click; granted ports are listed and usable", async () => {
  const { page } = await editorWith({ granted: false, serial: [{ kind: "scpi", name: "dmm" }] });
  await page.getByTestId("devices").click();
  await page.getByTestId("devices-panel").waitFor();
  assert.equal((await devices(page)).serial.length, 0);
  await page.getByTestId("add-serial").click();
  await page.getByTestId("serial-list").getByText(/simulated/).waitFor();
  assert.ok((await devices(page)).events.some((e) => /added/.test(e)));
  await load(page, makeFlow([["ID", "IDN"]]));
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.nodes.ID.outputs.default.s, "Flojoy,Simulated DMM,SN000001,1.0");
});

test("no WebSerial/WebUSB: the panel says which browsers work; demo devices still run", async () => {
  const { page, errors } = await editorWith(null, { apis: false });
  await page.getByTestId("devices").click();
  await page.getByTestId("devices-missing").getByText(/Chrome, Edge or Opera/).waitFor();
  assert.equal(await page.getByTestId("add-serial").isDisabled(), true);
  await load(page, makeFlow([["ID", "IDN"]]));
  let r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "failed");
  assert.match(r.nodes.ID.error, /no WebSerial.*Chrome, Edge or Opera/i);
  await page.getByTestId("demo-devices").click();
  await page.getByTestId("demo-banner").waitFor();
  await page.getByTestId("serial-list").getByText(/simulated/).first().waitFor();
  // the demo set has several serial devices: name the voltmeter
  const dmm = (await devices(page)).serial.find((p) => /volt|DMM|SCPI/i.test(p.label));
  assert.ok(dmm, JSON.stringify((await devices(page)).serial));
  await load(page, makeFlow([["ID", "IDN", { connection: dmm.id }]]));
  r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r));
  assert.match(r.nodes.ID.outputs.default.s, /Simulated DMM/);
  assert.deepEqual(errors, []);
});

test("WebUSB: bulk OUT/IN round trip and vendor control transfers on an echo device", async () => {
  const { page, errors } = await editorWith({ usb: [{ kind: "echo", name: "echo" }] });
  const flow = makeFlow(
    [
      ["OUT", "USB_TRANSFER_OUT", { endpoint: 1, data: "hello, flojoy", encoding: "text" }],
      ["IN", "USB_TRANSFER_IN", { endpoint: 1, length: 64, output: "text" }],
      ["VERSION", "USB_CONTROL_TRANSFER", { direction: "in", request: 1, length: 4 }],
    ],
    [["OUT", "IN"], ["IN", "VERSION"]],
  );
  assert.deepEqual(await load(page, flow), []);
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r));
  assert.equal(r.nodes.OUT.outputs.default.c, 13);
  assert.equal(r.nodes.IN.outputs.default.s, "hello, flojoy");
  assert.deepEqual(r.nodes.VERSION.outputs.default.v, [1, 2, 3, 4]);
  // an unsupported request stalls: the node says so
  await load(page, makeFlow([["BAD", "USB_CONTROL_TRANSFER", { direction: "in", request: 99, length: 4 }]]));
  const bad = await page.evaluate(() => window.flojoy.run());
  assert.equal(bad.status, "failed");
  assert.match(bad.nodes.BAD.error, /stall/);
  assert.deepEqual(errors, []);
});

test("a Pololu Tic over WebUSB: TIC moves the simulated stepper through Studio's positions", async () => {
  const { page, errors } = await editorWith({ usb: [{ kind: "echo" }, { kind: "tic" }] });
  // the block's own waits (seconds at each position) are for a real motor; this run does not wait
  assert.deepEqual(await load(page, makeFlow([["MOTOR", "TIC", { current_limit: 40, sleep_time: 0, speed: 70000 }]])), []);
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r).slice(0, 1500));
  assert.deepEqual(r.nodes.MOTOR.outputs.default, { type: "OrderedPair", x: [50, 100, 150, 200], y: [50, 100, 150, 200] });
  const tic = await page.evaluate(() => {
    const t = flojoyDemoDevices.find("tic");
    return { commands: t.commands.map((c) => [c.request, c.value]), moves: t.moves, energized: t.energized, safeStart: t.safeStart };
  });
  // Pololu's USB commands, as ticlib sends them: halt and set position 0, current limit 40,
  // energize, exit safe start, then max speed and target per position, deenergize, safe start
  const perPosition = [50, 100, 150, 200].flatMap((p) => [[0xe6, 70000], [0xe0, p]]);
  assert.deepEqual(tic.commands, [[0xec, 0], [0x91, 40], [0x85, null], [0x83, null], ...perPosition, [0x86, null], [0x8f, null]]);
  assert.deepEqual(tic.moves, [50, 100, 150, 200]);
  assert.deepEqual([tic.energized, tic.safeStart], [false, true], "left deenergized, in safe start");
  // unplugged: once the app has heard of it (its device list is read again on the browser's
  // disconnect event), the node says no Tic is connected
  await page.evaluate(() => flojoyDemoDevices.unplug("tic"));
  await page.waitForFunction(() => !window.flojoy.devices().usb.some((d) => /1ffb/i.test(d.id)));
  const again = await page.evaluate(() => window.flojoy.run());
  assert.equal(again.status, "failed");
  assert.match(again.nodes.MOTOR.error, /no Pololu Tic is connected/);
  assert.deepEqual(errors, []);
});
