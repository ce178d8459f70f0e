// Story: a bench instrument on USB, from a web page. Flojoy Studio's IV sweep app
// (studio-examples/IVSweep.json) opens with no unknown node and runs against the demo mode's
// simulated Keithley 2450 (?demo=1), a USBTMC device at the navigator.usb boundary with a diode
// load: every line of our code runs for real (the WebUSB glue, USBTMC framing, the SCPI session,
// the 2450 nodes). Golden checks on what the instrument was told and on what came back (the
// currents are the Shockley diode's). A query the instrument never answers times out, is
// aborted (USBTMC INITIATE_ABORT_BULK_IN over a control transfer) and the next run works.
// Studio's bodePlot.json drives the simulated AFG31000 and measures with the simulated MSO24,
// which sees the generator through a 1 MHz low-pass; its dmmRead.json reads the simulated
// DMM7510 and its rigolExtractTrace.json the simulated DS1074Z's screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ROOT } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { load, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

const STUDIO = join(ROOT, "..", "shared", "flojoy", "apps", "studio-examples");

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

/** The editor in demo mode, once the simulated 2450 is listed. */
async function demoEditor() {
  const { page, errors } = await openEditor(browser, `${server.url}?demo=1`);
  await page.waitForFunction(
    () => window.flojoy.devices().usb.some((d) => /Keithley 2450/.test(d.label)),
    null,
    { timeout: 20_000 },
  );
  return { page, errors };
}

const byFunc = (report, func) => Object.values(report.nodes).find((n) => n.func === func);
const told = (page) => page.evaluate(() => flojoyDemoDevices.find("keithley-2450").messages.slice());

test("Studio's IVSweep.json runs against the simulated Keithley 2450: the diode's currents come back", async () => {
  const { page, errors } = await demoEditor();
  const app = readFileSync(join(STUDIO, "IVSweep.json"), "utf8");
  assert.deepEqual(await load(page, app), [], "opens with no warning (no unknown node)");
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r).slice(0, 2000));
  const connect = byFunc(r, "CONNECT_2450");
  assert.match(connect.log.join("\n"), /'TCPIP::169\.254\.175\.123::INSTR' is a network instrument, which a web page cannot reach; using the only connected Keithley 2450 'Keithley 2450 SourceMeter \(simulated\)'/);
  assert.equal(connect.outputs.default.s, "TCPIP::169.254.175.123::INSTR");
  // what the instrument was told (the app: 0 to 1 V, 100 points, NPLC 1, 50 ms, 1 A limit, 2 V range)
  assert.deepEqual(await told(page), [
    "*LANG TSP",
    "*LANG?",
    "reset()",
    "smu.measure.func = smu.FUNC_DC_CURRENT",
    "smu.source.func = smu.FUNC_DC_VOLTAGE",
    "smu.terminals = smu.TERMINALS_FRONT",
    "smu.measure.sense = smu.SENSE_2WIRE",
    "smu.measure.autorange = smu.ON",
    "smu.measure.nplc = 1.0",
    "smu.source.highc = smu.OFF",
    "smu.source.range = 2.0",
    "smu.source.readback = smu.ON",
    "smu.source.ilimit.level = 1.0",
    'smu.source.sweeplinear("IVSweep", 0.0, 1.0, 100.0, 0.05)',
    "status.operation.setmap(0, 2731, 2732)",
    "trigger.model.initiate()",
    "print(status.operation.condition)",
    "print(status.operation.condition)",
    "print(defbuffer1.n)",
    "printbuffer(1, 100, defbuffer1.sourcevalues)",
    "printbuffer(1, 100, defbuffer1)",
  ]);
  // what came back: x = linspace(0, 1, 100); y = the diode's Shockley current
  // 1e-12·(exp(V / (1.8 · 25.852 mV)) − 1), to the 10 significant digits the instrument prints
  const { x, y } = byFunc(r, "IV_SWEEP_2450").outputs.default;
  assert.equal(x.length, 100);
  for (let i = 0; i < 100; i++) {
    const v = i / 99;
    const current = 1e-12 * Math.expm1(v / (1.8 * 0.025852));
    assert.ok(Math.abs(x[i] - v) <= 1e-9 * v, `x[${i}] = ${x[i]}, not ${v}`);
    assert.ok(Math.abs(y[i] - current) <= 1e-9 * current, `y[${i}] = ${y[i]}, not ${current}`);
  }
  assert.ok(y[99] > 1e-3 && y[50] < 1e-6, "a diode's knee, not a line");
  assert.equal(byFunc(r, "LINE").status, "done");
  // the device was closed after the run
  await page.waitForFunction(() => window.flojoy.devices().usb.every((d) => !d.open));
  assert.deepEqual(errors, []);
});

test("an instrument that does not answer: the query is aborted, the node says so, the next run works", async () => {
  const { page, errors } = await demoEditor();
  const flow = makeFlow(
    [
      ["C", "CONNECT_2450", { device: "USB0::0x05E6::0x2450::04512345::INSTR" }],
      ["S", "SOURCE_2450", { function: "voltage", level: 0.5, limit: 0.1 }],
      ["O", "OUTPUT_2450", { output: "on" }],
      ["READ", "MEASURE_READ_2450", {}],
    ],
    [["C", "S:input"], ["S", "O:input"], ["O", "READ:input"]],
  );
  assert.deepEqual(await load(page, flow), []);
  await page.evaluate(() => flojoyDemoDevices.find("keithley-2450").fault("timeout"));
  // the fault takes the first query: *LANG? in CONNECT_2450
  let r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "failed");
  assert.match(r.nodes.C.error, /'\*LANG\?': the instrument did not respond within 2 s while sending its answer; the transfer was aborted/);
  r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(Object.values(r.nodes).map((n) => [n.func, n.status, n.error])));
  // 0.5 V across the diode: 1e-12·(exp(0.5 / (1.8 · 25.852 mV)) − 1)
  const current = 1e-12 * Math.expm1(0.5 / (1.8 * 0.025852));
  assert.ok(Math.abs(r.nodes.READ.outputs.default.c - current) <= 1e-9 * current, JSON.stringify(r.nodes.READ));
  assert.deepEqual(errors, []);
});

test("Studio's bodePlot.json runs against the simulated AFG31000 and MSO24: the low-pass's gain comes back in dB", async () => {
  const { page, errors } = await demoEditor();
  await page.waitForFunction(() => window.flojoy.devices().usb.some((d) => /MSO24/.test(d.label)));
  const app = JSON.parse(readFileSync(join(STUDIO, "bodePlot.json"), "utf8"));
  // the app waits 50 ms at each of its 250 steps; this copy does not (the waits are Studio's
  // settling time for a real instrument, not part of what is checked)
  app.rfInstance.nodes.find((n) => n.data.func === "TIMER").data.ctrls.sleep_time.value = 0;
  const diags = await load(page, app);
  assert.deepEqual(diags.filter((d) => d.severity === "Error"), [], "opens with no unknown node");
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r).slice(0, 2000));
  // the app leaves both connections empty: each node takes the one instrument of its model
  assert.match(byFunc(r, "CONNECT_AFG31000").log.join("\n"), /using the only connected Tektronix AFG31000 'Tektronix AFG31052 function generator \(simulated\)'/);
  const afg = await page.evaluate(() => flojoyDemoDevices.find("afg31000").messages.slice());
  assert.deepEqual(afg.slice(0, 10), [
    "*IDN?",
    "SOURCE1:FUNCtion:SHAPe sinusoid",
    "SOURCE1:FREQUENCY 1000000.0",
    "SOURCE1:VOLTAGE:AMPLITUDE 5.0",
    "SOURCE1:VOLTAGE:OFFSET 0.0",
    "SOURCE1:PHASE:ADJUST 0.0DEG",
    "OUTPut1:IMPedance 50",
    "OUTPut2:IMPedance 50",
    "OUTPUT1:STATE on",
    "OUTPUT2:STATE off",
  ]);
  // the app's frequency FEEDBACK names a node its file lacks, so (as in Studio) every step sets 98000 × 1.02
  assert.deepEqual(afg.slice(10), Array(250).fill("SOURCE1:FREQUENCY 99960.0"));
  const scope = await page.evaluate(() => flojoyDemoDevices.find("mso2x").messages.slice());
  assert.deepEqual(scope.slice(0, 6), ["*IDN?", 'RECAll:SETUp "c:/flojoy001.set"', ":MEASUrement:MEAS1:TYPE amplitude",
    ":MEASUrement:MEAS1:SOURCE CH1", "*OPC?", "MEASUrement:MEAS1:RESUlts:CURRentacq:mean?"]);
  assert.equal(scope.length, 2 + 4 * 250);
  // the plot's data: 20·log10 of the low-pass's gain at 99.96 kHz (after the app's seed row:
  // 1 Hz, 1 V → 20·log10(1/5)); the scope prints 7 significant digits
  const { x, y } = byFunc(r, "ORDERED_PAIR_DELETE").outputs.default;
  const db = 20 * Math.log10(1 / Math.sqrt(1 + (99960 / 1e6) ** 2));
  assert.equal(x.length, 250);
  assert.equal(x[0], 1);
  assert.ok(Math.abs(y[0] - 20 * Math.log10(0.2)) < 1e-12, String(y[0]));
  for (let i = 1; i < 250; i++) {
    assert.equal(x[i], 99960, `x[${i}]`);
    assert.ok(Math.abs(y[i] - db) < 1e-5, `y[${i}] = ${y[i]}, expected ${db}`);
  }
  assert.equal(byFunc(r, "LINE").status, "done");
  assert.deepEqual(errors, []);
});

test("Studio's dmmRead.json reads the simulated DMM7510: the 1.5 V cell on its input, in TSP", async () => {
  const { page, errors } = await demoEditor();
  await page.waitForFunction(() => window.flojoy.devices().usb.some((d) => /DMM7510/.test(d.label)));
  const app = JSON.parse(readFileSync(join(STUDIO, "dmmRead.json"), "utf8"));
  const diags = await load(page, app);
  assert.deepEqual(diags.filter((d) => d.severity === "Error"), [], "opens with no unknown node");
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r).slice(0, 2000));
  // the app leaves the connection empty: each node takes the DMM among the demo instruments
  const told = await page.evaluate(() => flojoyDemoDevices.find("dmm7510").messages.slice());
  assert.deepEqual(told, ["*LANG TSP", "*LANG?", "reset()", "dmm.measure.func = dmm.FUNC_DC_VOLTAGE", "print(dmm.measure.read())"]);
  assert.equal(byFunc(r, "READ_MEASUREMENT_DMM7510").outputs.default.c, 1.5);
  assert.equal(byFunc(r, "FUNCTION_DMM7510").outputs.default.s, "Measure DC voltage");
  assert.equal(byFunc(r, "BIG_NUMBER").status, "done");
  // nothing reached the other Keithley
  assert.deepEqual(await page.evaluate(() => flojoyDemoDevices.find("keithley-2450").messages.slice()), []);
  assert.deepEqual(errors, []);
});

test("Studio's rigolExtractTrace.json reads the simulated DS1074Z's screen: its sine, in volts", async () => {
  const { page, errors } = await demoEditor();
  await page.waitForFunction(() => window.flojoy.devices().usb.some((d) => /DS1074Z/.test(d.label)));
  const app = JSON.parse(readFileSync(join(STUDIO, "rigolExtractTrace.json"), "utf8"));
  const diags = await load(page, app);
  assert.deepEqual(diags.filter((d) => d.severity === "Error"), [], "opens with no unknown node");
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r).slice(0, 2000));
  const told = await page.evaluate(() => flojoyDemoDevices.find("ds1074z").messages.slice());
  assert.deepEqual(told, [
    "*IDN?",
    ":CHANnel1:DISPlay ON",
    ":CHANnel2:DISPlay ON",
    ":CHANnel3:DISPlay OFF",
    ":CHANnel4:DISPlay OFF",
    ":TRIGger:EDGE:SOURce CHANnel1",
    ":TRIGger:EDGE:LEVel 0.5",
    ":TRIGger:EDGE:SLOPe POS",
    ":TRIGger:COUPling DC",
    ":CHANnel1:SCALe 1.0",
    ":CHANnel1:OFFSet 0.0",
    ":CHANnel1:UNITs?",
    ":TIMebase:MAIN:SCALe 0.0005",
    ":TIMebase:MAIN:OFFSet 0.0",
    ":WAVeform:SOURce CHANnel1",
    ":WAVeform:FORMat BYTE",
    ":WAVeform:MODE NORMal",
    ":WAVeform:XORigin?",
    ":WAVeform:XINCrement?",
    ":WAVeform:YORigin?",
    ":WAVeform:YINCrement?",
    ":WAVeform:YREFerence?",
    ":WAVeform:DATA?",
  ]);
  assert.equal(byFunc(r, "VERTICAL_AXIS_DS1074Z").outputs.default.s, "Offset: 0.0VOLT; Scale: 1.0VOLT");
  // the screen at 0.5 ms/div: 1200 points from -3 ms every 5 µs; 1 V/div gives 0.04 V levels,
  // so each point is the 1 kHz, 1 V sine to within half a level
  const { x, y } = byFunc(r, "EXTRACT_TRACE_DS1074Z").outputs.default;
  assert.equal(x.length, 1200);
  for (let i = 0; i < 1200; i++) {
    const t = -3e-3 + i * 5e-6;
    assert.ok(Math.abs(x[i] - t) < 1e-15, `x[${i}] = ${x[i]}`);
    assert.ok(Math.abs(y[i] - Math.sin(2 * Math.PI * 1000 * t)) <= 0.02 + 1e-12, `y[${i}] = ${y[i]}`);
  }
  assert.ok(Math.max(...y) > 0.98 && Math.min(...y) < -0.98, "a whole sine, crest to trough");
  assert.equal(byFunc(r, "LINE").status, "done");
  assert.deepEqual(errors, []);
});
