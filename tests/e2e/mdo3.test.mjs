// Story: a Tektronix MDO3000 scope from a web page, with Studio's MDO3XXX blocks. In demo mode
// (?demo=1) the page has several simulated USBTMC instruments, among them two Tektronix scopes;
// a flow of CONNECTION_MDO3XXX → MEASUREMENTS_MDO3XXX → MEASURE_PHASE_MDO3XXX →
// EXTRACT_TRACE_MDO3XXX → LINE, every connection left empty, picks the simulated MDO3034 by its
// product name and runs through the real WebUSB glue, USBTMC framing and SCPI session. The
// results are the simulation's known signals: CH1 a 1 kHz sine of 1 V peak, CH2 lagging it by
// 45°, a 10000-point record at 2.5 MS/s centred on the trigger, 25 levels per 0.25 V division.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { load, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const byLabel = (report, label) => Object.values(report.nodes).find((n) => n.label === label);

test("the MDO3XXX nodes measure and read the simulated MDO3034's sine among several instruments", async () => {
  const { page, errors } = await openEditor(browser, `${server.url}?demo=1`);
  await page.waitForFunction(() => window.flojoy.devices().usb.some((d) => /MDO3034/.test(d.label)), null, { timeout: 20_000 });
  const flow = makeFlow(
    [
      ["C", "CONNECTION_MDO3XXX", {}],
      ["F", "MEASUREMENTS_MDO3XXX", { measurement: "frequency" }],
      ["P", "MEASURE_PHASE_MDO3XXX", {}],
      ["X", "EXTRACT_TRACE_MDO3XXX", { x_length: 5000 }],
      ["L", "LINE", {}],
    ],
    [["C", "F:default"], ["F", "P:default"], ["P", "X:default"], ["X", "L:default"]],
  );
  assert.deepEqual(await load(page, flow), []);
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(Object.values(r.nodes).map((n) => [n.func, n.status, n.error, n.log])));
  assert.match(byLabel(r, "C").log.join("\n"), /connected to TEKTRONIX,MDO3034,/);
  assert.equal(byLabel(r, "F").outputs.default.c, 1000);
  assert.ok(byLabel(r, "F").log.includes("Frequency of signal at channel CH1: 1.00E+03 Hz"), byLabel(r, "F").log.join("\n"));
  assert.equal(byLabel(r, "P").outputs.default.c, 45);
  // the trace: y = the sim's levels round(sin(2π·1 kHz·t) / 0.01) · 0.01 V at t = (i − 5000) · 0.4 µs;
  // x = numpy.linspace(0, 0.4 µs · 5000, 5000), the driver's axis
  const { x, y } = byLabel(r, "X").outputs.default;
  assert.equal(x.length, 5000);
  assert.equal(y.length, 5000);
  for (let i = 0; i < 5000; i++) {
    const level = Math.round(Math.sin(2 * Math.PI * 1000 * ((i - 5000) * 4e-7)) / 0.01);
    assert.ok(Math.abs(y[i] - level * 0.01) < 1e-12, `y[${i}] = ${y[i]}, not ${level * 0.01}`);
    assert.ok(Math.abs(x[i] - (i * 4e-7 * 5000) / 4999) < 1e-15, `x[${i}] = ${x[i]}`);
  }
  assert.equal(x[4999], 4e-7 * 5000);
  assert.equal(byLabel(r, "L").status, "done");
  // what the MDO3 was told: the driver's start-up (4 channels), then the measurements and the trace
  const told = await page.evaluate(() => flojoyDemoDevices.find("mdo3").messages.slice());
  assert.equal(told.length, 47 + 6 + 6 + 21);
  assert.deepEqual(told.slice(47, 59), [
    "MEASUrement:MEAS1:SOUrce1 CH1",
    "MEASUrement:MEAS1:SOUrce1?",
    "MEASUrement:MEAS1:TYPe?",
    "MEASUrement:MEAS1:TYPe frequency",
    "MEASUrement:MEAS1:STATe 1",
    "MEASUrement:MEAS1:VALue?",
    "MEASUrement:MEAS1:SOUrce1 CH1",
    "MEASUrement:MEAS1:SOUrce2 CH2",
    "MEASUrement:MEAS1:TYPe?",
    "MEASUrement:MEAS1:TYPe phase",
    "MEASUrement:MEAS1:STATe 1",
    "MEASUrement:MEAS1:VALue?",
  ]);
  assert.deepEqual(told.slice(59, 62), ["HORizontal:RECOrdlength?", "DATa:STARt 1", "DATa:STOP 5000"]);
  // nothing went to the other instruments' error queues or this one's
  assert.deepEqual(await page.evaluate(() => flojoyDemoDevices.find("mdo3").errors.slice()), []);
  assert.deepEqual(await page.evaluate(() => flojoyDemoDevices.find("mso2x").messages.slice()), []);
  assert.deepEqual(errors, []);
});
