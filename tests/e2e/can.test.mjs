// Story: a CAN bus from a web page. Flojoy Studio's canSend.json (CANABLE_CONNECT,
// CREATE_CAN_MESSAGE, SEND_CAN_MESSAGE, SEND_PERIODIC_CAN_MESSAGE, TIMER,
// STOP_SEND_PERIODIC_CAN_MESSAGE) opens with no unknown node and runs to the end in demo mode
// (?demo=1) against the simulated CANable (app/js/demo_devices/serial/canable.js), an slcan
// adapter on WebSerial: every line of our code runs for real (the WebSerial glue, the slcan
// bytes, the nodes, the periodic sending in the background). Golden check on exactly what the
// adapter was sent; frames from the bus come back as a DataFrame; an unplugged adapter and a
// page with no adapter fail at the node that meets them, saying so.
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

/** The editor in demo mode, once the simulated CANable is listed. */
async function demoEditor() {
  const { page, errors } = await openEditor(browser, `${server.url}?demo=1`);
  await page.waitForFunction(() => window.flojoy.devices().serial.some((d) => /CANable/.test(d.label)), null, {
    timeout: 20_000,
  });
  return { page, errors };
}

/**
 * Studio's canSend.json with its TIMER (which sleeps 10 s between starting the periodic
 * sending and stopping it) shortened to `sleep` seconds, and the periodic sending's duration set
 * to `duration`: the test then takes about a second, and with the duration longer than the
 * sleep it shows STOP_SEND_PERIODIC_CAN_MESSAGE cutting the sending short.
 */
function canSend({ sleep, duration }) {
  const app = JSON.parse(readFileSync(join(STUDIO, "canSend.json"), "utf8"));
  for (const n of app.rfInstance.nodes) {
    if (n.data.func === "TIMER") n.data.ctrls.sleep_time.value = sleep;
    if (n.data.func === "SEND_PERIODIC_CAN_MESSAGE") n.data.ctrls.duration.value = duration;
  }
  return JSON.stringify(app);
}

const byFunc = (report, func) => Object.values(report.nodes).filter((n) => n.func === func);
const commands = (page) => page.evaluate(() => flojoyDemoDevices.find("canable").commands.slice());
const FRAME = (last) => `t011809090909090909${last}`;

/** The commands of one canSend run: connect, the first frame, the periodic ones, the last. */
function splitRun(sent) {
  assert.deepEqual(sent.slice(0, 4), ["C", "S6", "O", FRAME("09")], sent.join(" "));
  const periodic = sent.slice(4).filter((c) => c === FRAME("05")).length;
  assert.deepEqual(sent.slice(4 + periodic), [FRAME("00")], "the last frame comes after the periodic ones, and nothing else");
  assert.ok(sent.slice(4, 4 + periodic).every((c) => c === FRAME("05")));
  return periodic;
}

test("Studio's canSend.json runs against the simulated CANable: exactly these slcan bytes reach the adapter", async () => {
  const { page, errors } = await demoEditor();
  assert.deepEqual(await load(page, canSend({ sleep: 1, duration: 5 })), [], "opens with no warning (no unknown node)");
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r).slice(0, 2000));
  const [connect] = byFunc(r, "CANABLE_CONNECT");
  // the file's empty device: of the three demo serial devices, the only CAN adapter
  assert.match(connect.log.join("\n"), /no device chosen; using the only CAN adapter connected, 'CANable slcan adapter \(simulated\)'/);
  assert.match(connect.log.join("\n"), /500000 bit\/s, channel open, connection 'canable'/);
  // C (python-can closes a channel left open), S6 (500 kbit/s), O, then frame 0x011 with
  // 9,9,9,9,9,9,9,9; the periodic 9,…,5 every 0.1 s until STOP after the 1 s TIMER (its 5 s
  // duration cut short); then 9,…,0
  // the run has ended and closed the adapter's port: nothing can reach it any more, so what
  // it got is the whole of what was sent
  await page.waitForFunction(() => window.flojoy.devices().serial.every((p) => !p.open));
  const sent = await commands(page);
  const periodic = splitRun(sent);
  // the adapter saw them at 500 kbit/s, one period apart: never in a burst (a held-up page
  // skips periods rather than catching up), and as many as the time from the first periodic
  // frame to the last frame allows (bounds from the frames' own times, not the machine's speed)
  const frames = await page.evaluate(() => flojoyDemoDevices.find("canable").frames.map((f) => [f.line, f.bitrate, f.t]));
  assert.ok(frames.every(([, bitrate]) => bitrate === 500000));
  const times = frames.filter(([line]) => line === FRAME("05")).map(([, , t]) => t);
  const last = frames.at(-1)[2];
  assert.ok(periodic >= 3, `a 1 s TIMER at 0.1 s: ${periodic} periodic frames`);
  assert.ok(periodic <= Math.floor((last - times[0]) / 100) + 1, `${periodic} frames in ${last - times[0]} ms`);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(Math.min(...gaps) >= 50, `no burst: gaps ${gaps.join(", ")} ms`);

  // again, with a duration shorter than the TIMER: the sending ends by itself after 0.3 s; the
  // channel the first run left open is closed (C answers \r) and set up again
  await page.evaluate(() => flojoyDemoDevices.find("canable").commands.splice(0));
  assert.deepEqual(await load(page, canSend({ sleep: 0.8, duration: 0.3 })), []);
  const again = await page.evaluate(() => window.flojoy.run());
  assert.equal(again.status, "ok", JSON.stringify(again).slice(0, 2000));
  const few = splitRun(await commands(page));
  assert.ok(few >= 1 && few <= 4, `0.3 s at 0.1 s: ${few} periodic frames`);
  assert.deepEqual(errors, []);
});

test("frames from the bus come back from RECEIVE_CAN_MESSAGE as a DataFrame", async () => {
  const { page, errors } = await demoEditor();
  // the bus: a standard and an extended frame, every 50 ms once the channel is open
  await page.evaluate(() => {
    const can = flojoyDemoDevices.find("canable");
    can.busTraffic = [{ id: 0x123, data: [1, 2, 0xab] }, { id: 0x1234567, extended: true, data: [] }];
    can.busPeriodMs = 50;
  });
  const f = makeFlow(
    [
      ["CONNECT", "CANABLE_CONNECT", { CAN_address: "bus", bitrate: 250000 }],
      ["RECEIVE", "RECEIVE_CAN_MESSAGE", { CAN_address: "bus", timeout: 2 }],
    ],
    [["CONNECT", "RECEIVE"]],
  );
  assert.deepEqual(await load(page, JSON.stringify(f)), []);
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(r).slice(0, 2000));
  assert.deepEqual((await commands(page)).slice(0, 3), ["C", "S5", "O"]);
  const m = r.nodes.RECEIVE.outputs.default.m;
  assert.ok(m.arbitration_id.length >= 1, JSON.stringify(m));
  assert.equal(m.arbitration_id[0], 0x123);
  assert.equal(m.data[0], "0102ab");
  assert.equal(m.dlc[0], 3);
  assert.equal(m.is_extended_id[0], "False");
  if (m.arbitration_id.length > 1) {
    assert.equal(m.arbitration_id[1], 0x1234567);
    assert.equal(m.is_extended_id[1], "True");
  }
  assert.deepEqual(errors, []);
});

test("an adapter unplugged mid-run fails at the node that meets it; no adapter at all fails at CANABLE_CONNECT", async () => {
  const { page } = await demoEditor();
  // (a TIMER long enough that the unplug below always comes before STOP)
  assert.deepEqual(await load(page, canSend({ sleep: 5, duration: 10 })), []);
  const run = await page.evaluateHandle(() => ({ p: window.flojoy.run() }));
  // pulled out while it sends periodically
  await page.waitForFunction(() => flojoyDemoDevices.find("canable").frames.length >= 4, null, { timeout: 20_000 });
  await page.evaluate(() => flojoyDemoDevices.unplug("canable"));
  const r = await run.evaluate((h) => h.p);
  assert.equal(r.status, "failed", JSON.stringify(r).slice(0, 2000));
  const [stop] = byFunc(r, "STOP_SEND_PERIODIC_CAN_MESSAGE");
  assert.equal(stop.status, "failed");
  assert.match(
    stop.error,
    /^the periodic sending had stopped early: the CAN adapter '16d0:117e' (of connection 'canable' is no longer connected \(unplugged\?\)|\(connection 'canable'\) was disconnected)/,
  );

  // a page without demo devices: nothing to connect to
  const { page: bare } = await openEditor(browser, server.url);
  assert.deepEqual(await load(bare, canSend({ sleep: 0.1, duration: 0.1 })), []);
  const none = await bare.evaluate(() => window.flojoy.run());
  assert.equal(none.status, "failed");
  const [connect] = byFunc(none, "CANABLE_CONNECT");
  assert.equal(connect.status, "failed");
  assert.match(connect.error, /no device is connected: connect one with the Devices button, or turn on demo devices/);
  assert.ok(byFunc(none, "SEND_CAN_MESSAGE").every((n) => n.status !== "ok"), "nothing was sent");
});
