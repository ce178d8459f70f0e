// Scripted instruments for the browser tests: the built demo_devices.js (bundled from
// app/js/demo_devices/, exactly what the site ships) replaces navigator.serial
// and navigator.usb before the page's own scripts run, so every line of our code (the wasm
// glue, the runtime's framing and streams, the nodes) runs for real against them.
import { join } from "node:path";

import { DIST } from "./browser.mjs";

export const EMULATOR = join(DIST, "demo_devices.js");

/** Installs the scripted devices in every page of `ctx` (see app/js/demo_devices/index.js for specs). */
export async function withDevices(ctx, options) {
  await ctx.addInitScript({ path: EMULATOR });
  await ctx.addInitScript((o) => globalThis.flojoyDemoDevices.install(o), options);
}

/** Makes the page look like a browser without WebSerial/WebUSB (Firefox, Safari). */
export async function withoutDeviceApis(ctx) {
  await ctx.addInitScript(() => {
    for (const obj of [Navigator.prototype, navigator]) {
      for (const key of ["serial", "usb"]) {
        try {
          delete obj[key];
        } catch {}
      }
    }
  });
}

/** A flow from `[id, func, params]` nodes and `[from, to]` wires ("ID" or "ID:port"). */
export function makeFlow(nodes, wires = []) {
  const split = (s) => (s.includes(":") ? s.split(":") : [s, "default"]);
  return {
    rfInstance: {
      nodes: nodes.map(([id, func, params = {}], i) => ({
        id,
        data: {
          func,
          label: id,
          ctrls: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { param: k, value: v }])),
        },
        position: { x: 320 * i, y: 0 },
      })),
      edges: wires.map(([a, b]) => {
        const [source, sourceHandle] = split(a);
        const [target, targetHandle] = split(b);
        return { source, sourceHandle, target, targetHandle };
      }),
    },
  };
}

/** The page's device state (ports, events, stream counters). */
export const devices = (page) => page.evaluate(() => window.flojoy.devices());

/** Waits until a stream's counters satisfy `pred` (an expression of `s`). The predicate is
 * built here in Node and handed to the page as a function (the site's CSP forbids the page to
 * evaluate strings, which Playwright does for string predicates). */
export async function waitStream(page, pred, timeout = 30_000) {
  const check = new Function(`return () => { const s = window.flojoy.devices().streams[0]?.stats; return !!s && (${pred}); }`)();
  await page.waitForFunction(check, null, { timeout, polling: 50 });
  return (await devices(page)).streams[0].stats;
}
