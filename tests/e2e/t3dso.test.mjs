// Story: a Teledyne LeCroy T3DSO oscilloscope on USB, from a web page. In demo mode (?demo=1) a
// flow of Studio's T3DSO1XXX nodes (CONNECT → MEASUREMENT, and CONNECT → EXTRACT_TRACE → LINE)
// runs against the simulated T3DSO1104 (app/js/demo_devices/usb/teledyne_t3dso.js), a USBTMC
// device at the navigator.usb boundary among the demo set's other instruments: the nodes pick it
// by its model, send Studio's lines, and read back its known waveform, a 1 kHz sine of 1 V peak
// on channel 1 (0.5 V/div, 0.5 ms/div, 500 kSa/s), as Studio's block scales it.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { load, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const byFunc = (report, func) => Object.values(report.nodes).find((n) => n.func === func);

test("a T3DSO flow measures and reads the simulated scope's 1 kHz sine", async () => {
  const { page, errors } = await openEditor(browser, `${server.url}?demo=1`);
  await page.waitForFunction(() => window.flojoy.devices().usb.some((d) => /T3DSO1104/.test(d.label)), null, { timeout: 20_000 });
  const flow = makeFlow(
    [
      ["C", "CONNECT_T3DSO1XXX", {}],
      ["M", "MEASUREMENT_T3DSO1XXX", { trace: "C1", measurement: "Vertical peak-to-peak", statistic: "Instant" }],
      ["T", "EXTRACT_TRACE_T3DSO1XXX", { trace: "C1" }],
      ["L", "LINE", {}],
    ],
    [["C", "M"], ["C", "T"], ["T", "L"]],
  );
  assert.deepEqual(await load(page, flow), []);
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(Object.values(r.nodes).map((n) => [n.func, n.status, n.error])));
  // no connection named and several instruments: the one T3DSO is taken, and says LeCroy
  const log = byFunc(r, "CONNECT_T3DSO1XXX").log.join("\n");
  assert.match(log, /using the only connected Teledyne LeCroy T3DSO scope 'Teledyne LeCroy T3DSO1104 oscilloscope \(simulated\)'/);
  assert.match(log, /connected to Teledyne LeCroy,T3DSO1104/);

  // what the scope was told: CONNECT's lines, then each branch's in its order
  const told = await page.evaluate(() => flojoyDemoDevices.find("t3dso").messages.slice());
  assert.deepEqual(told.slice(0, 2), ["*IDN?", "COMM_HEADER OFF"]);
  const measure = ["PACU PKPK,C1", "C1:PAVA? PKPK"];
  const trace = ["chdr off", "C1:vdiv?", "C1:ofst?", "tdiv?", "sara?", "C1:wf? dat2"];
  assert.deepEqual(told.slice(2).filter((l) => measure.includes(l)), measure);
  assert.deepEqual(told.slice(2).filter((l) => trace.includes(l)), trace);
  assert.equal(told.length, 2 + measure.length + trace.length);

  // the sine's peak-to-peak: 2 V
  assert.equal(byFunc(r, "MEASUREMENT_T3DSO1XXX").outputs.default.c, 2);

  // the trace: 14 · 0.5 ms at 500 kSa/s = 3500 samples, and first the length's last digit
  // ("000003500": '0', 48), which Studio's block keeps (it skips 15 bytes of a 16-byte header)
  const { x, y } = byFunc(r, "EXTRACT_TRACE_T3DSO1XXX").outputs.default;
  assert.equal(x.length, 3501);
  assert.equal(y.length, 3501);
  assert.match(byFunc(r, "EXTRACT_TRACE_T3DSO1XXX").log.join("\n"), /Resolution \(5000\) is greater than the number of points \(3501\)/);
  assert.ok(Math.abs(y[0] - (48 / 25) * 0.5) < 1e-12, String(y[0]));
  for (let i = 1; i < 3501; i++) {
    // sample i − 1 of sin(2π · 1 kHz · t), t = −3.5 ms + (i − 1) / 500 kHz, in codes of 0.5 V / 25,
    // sent as a signed byte; Studio's block reads a byte b > 127 as b − 255
    const t = -3.5e-3 + (i - 1) / 5e5;
    const volts = Math.sin(2 * Math.PI * 1000 * t);
    const code = Math.max(-127, Math.min(127, Math.round((volts / 0.5) * 25)));
    const level = code < 0 ? code + 1 : code;
    const want = (level / 25) * 0.5;
    assert.ok(Math.abs(y[i] - want) < 1e-12, `y[${i}] = ${y[i]}, not ${want}`);
    assert.ok(Math.abs(y[i] - volts) <= 0.01 + 0.02 + 1e-12, `y[${i}] = ${y[i]} is not near the sine's ${volts}`);
    const xt = -(5e-4 * 14) / 2 + i * (1 / 5e5);
    assert.ok(Math.abs(x[i] - xt) < 1e-15, `x[${i}] = ${x[i]}, not ${xt}`);
  }
  // the crest (1 V = 50 codes) and the trough (−50 codes, read as −49 by Studio's arithmetic)
  assert.equal(Math.max(...y.slice(1)), 1);
  assert.ok(Math.abs(Math.min(...y.slice(1)) - -0.98) < 1e-12);
  assert.equal(byFunc(r, "LINE").status, "done");
  assert.deepEqual(errors, []);
});
