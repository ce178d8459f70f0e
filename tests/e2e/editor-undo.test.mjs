// Story: every kind of edit can be undone and redone (buttons and Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y):
// add, move, parameter, rename, wire, delete, duplicate, paste, note.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { drag, flow, nodeByLabel, openEditor, port } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const snapshot = (page) => page.evaluate(() => JSON.stringify(window.flojoy.flow()));

/** Where two snapshots first differ (short, for readable failures). */
function diff(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i >= a.length && a.length === b.length ? "" : `…${a.slice(Math.max(0, i - 60), i + 60)}… vs …${b.slice(Math.max(0, i - 60), i + 60)}…`;
}

function same(a, b, msg) {
  assert.ok(a === b, `${msg}: ${diff(a, b)}`);
}

/** Does `act`, checks the flow changed, undoes (flow back), redoes (flow as after). */
async function roundTrip(page, name, act) {
  const before = await snapshot(page);
  await act();
  const after = await snapshot(page);
  assert.notEqual(after, before, `${name}: the edit changed nothing`);
  await page.keyboard.press("Control+z");
  same(await snapshot(page), before, `${name}: undo`);
  await page.keyboard.press("Control+Shift+z");
  same(await snapshot(page), after, `${name}: redo (Ctrl+Shift+Z)`);
  await page.getByTestId("undo").click();
  await page.keyboard.press("Control+y");
  same(await snapshot(page), after, `${name}: redo (Ctrl+Y)`);
}

test("each edit kind undoes and redoes", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await page.getByTestId("fit").click();
  const canvas = page.getByTestId("canvas");
  await roundTrip(page, "add", async () => {
    await page.getByTestId("palette-search").fill("TEXT");
    await page.getByTestId("palette-TEXT").click();
  });
  await roundTrip(page, "move", async () => {
    const h = nodeByLabel(page, "SINE").locator(".node-header");
    const b = await h.boundingBox();
    await drag(page, { x: b.x + 30, y: b.y + 10 }, { x: b.x + 130, y: b.y + 90 });
  });
  await nodeByLabel(page, "SINE").locator(".node-header").click();
  await roundTrip(page, "parameter", async () => {
    await page.getByTestId("param-frequency").fill("3.5");
    await page.getByTestId("param-frequency").press("Enter");
    await canvas.click({ position: { x: 5, y: 5 } });
    await nodeByLabel(page, "SINE").locator(".node-header").click();
  });
  await roundTrip(page, "rename", async () => {
    await page.getByTestId("label-input").fill("WAVE");
    await page.getByTestId("label-input").press("Enter");
    await nodeByLabel(page, "WAVE").waitFor();
  });
  await roundTrip(page, "wire", async () => {
    // LINSPACE → LINE replaces WAVE → LINE (a single input): one undo step
    await drag(page, port(page, "LINSPACE", "out"), port(page, "LINE", "in"));
    await page.waitForFunction(() => {
      const f = window.flojoy.flow().rfInstance;
      const line = f.nodes.find((n) => n.data.label === "LINE").id;
      return f.edges.some((e) => e.target === line && e.source.startsWith("LINSPACE"));
    });
  });
  await roundTrip(page, "delete", async () => {
    await nodeByLabel(page, "LINSPACE").locator(".node-header").click();
    await page.keyboard.press("Backspace");
  });
  await roundTrip(page, "duplicate", async () => {
    await nodeByLabel(page, "SCALAR").locator(".node-header").click();
    await page.keyboard.press("Control+d");
    await nodeByLabel(page, "SCALAR 1").waitFor();
  });
  await roundTrip(page, "note", async () => {
    await page.getByTestId("add-note").click();
    await page.locator(".note").first().waitFor();
  });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a refused edit changes nothing and the message says why", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await nodeByLabel(page, "SINE").locator(".node-header").click();
  const before = await snapshot(page);
  await page.getByTestId("param-frequency").fill("fast");
  await page.getByTestId("param-error-frequency").waitFor();
  assert.match(await page.getByTestId("param-error-frequency").textContent(), /must be a number/);
  await page.getByTestId("param-frequency").press("Enter");
  await page.getByTestId("label-input").fill("LINSPACE");
  await page.getByTestId("label-input").press("Enter");
  await page.getByTestId("label-error").waitFor();
  assert.match(await page.getByTestId("label-error").textContent(), /already labelled 'LINSPACE'/);
  same(await snapshot(page), before, "nothing was stored");
  assert.deepEqual(errors, []);
  await ctx.close();
});
