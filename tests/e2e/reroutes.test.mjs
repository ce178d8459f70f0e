// Story: a wire runs across a busy flow; the user bends it out of the way. Double-clicking the
// wire puts a reroute point there, dragging the point moves the wire's path through it, a
// double-click on the point takes it away; each step undoes, and the points are saved with the
// flow (under `flojoyWeb`, where Flojoy does not look).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { OUT } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { flow, load, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const FLOW = makeFlow([["WAVE", "LINSPACE"], ["SHAPE", "SINE"]], [["WAVE", "SHAPE"]]);
const points = async (page) => (await flow(page)).flojoyWeb?.reroutes?.[0]?.points ?? [];

/** A point along the wire's path, in page pixels (`at`: 0 its start, 1 its end). */
const along = (page, at) =>
  page.getByTestId("wire").locator("path.wire").evaluate((p, at) => {
    const q = p.getPointAtLength(p.getTotalLength() * at);
    const m = p.getScreenCTM();
    return { x: q.x * m.a + m.e, y: q.y * m.d + m.f };
  }, at);

test("double-click a wire for a reroute point, drag it, undo, save and load, double-click it away", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url);
  assert.deepEqual(await load(page, FLOW), []);
  const view = await page.evaluate(() => {
    const m = new DOMMatrix(getComputedStyle(document.querySelector(".world")).transform);
    const c = document.querySelector("[data-testid=canvas]").getBoundingClientRect();
    return { zoom: m.a, x: m.e + c.left, y: m.f + c.top };
  });
  const toWorld = (p) => [(p.x - view.x) / view.zoom, (p.y - view.y) / view.zoom];

  const mid = await along(page, 0.5);
  await page.mouse.dblclick(mid.x, mid.y);
  await page.getByTestId("reroute").waitFor();
  const [added] = await points(page);
  const [wx, wy] = toWorld(mid);
  assert.ok(Math.abs(added[0] - wx) < 1 && Math.abs(added[1] - wy) < 1, `the point is where the wire was clicked: ${added} vs ${[wx, wy]}`);

  // drag it 80 px down: the wire goes through it there
  const handle = await page.getByTestId("reroute").boundingBox();
  const from = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x, from.y + 80, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((y) => Math.abs((window.flojoy.flow().flojoyWeb?.reroutes?.[0]?.points?.[0]?.[1] ?? 0) - y) < 1, added[1] + 80 / view.zoom);
  const [moved] = await points(page);
  assert.ok(Math.abs(moved[0] - added[0]) < 1e-9, "dragged straight down");
  const d = await page.getByTestId("wire").locator("path.wire").getAttribute("d");
  assert.ok(d.includes(` ${moved[0].toFixed(1)},${moved[1].toFixed(1)} C`), `the path passes through the point: ${d}`);
  // the path's lowest point is the reroute point, well below both ports
  const low = await page.getByTestId("wire").locator("path.wire").evaluate((p) => {
    let y = -Infinity;
    for (let i = 0; i <= 100; i++) y = Math.max(y, p.getPointAtLength((p.getTotalLength() * i) / 100).y);
    return y;
  });
  assert.ok(Math.abs(low - moved[1]) < 2, `the wire bends down to the point: ${low} vs ${moved[1]}`);
  await page.screenshot({ path: join(OUT, "reroute.png") });

  // undo: back where it was added, then gone; redo brings both steps back
  await page.locator(".canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+z");
  await page.waitForFunction((y) => Math.abs(window.flojoy.flow().flojoyWeb.reroutes[0].points[0][1] - y) < 1e-9, added[1]);
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => !window.flojoy.flow().flojoyWeb?.reroutes);
  assert.equal(await page.getByTestId("reroute").count(), 0);
  await page.keyboard.press("Control+y");
  await page.keyboard.press("Control+y");
  await page.waitForFunction((y) => Math.abs((window.flojoy.flow().flojoyWeb?.reroutes?.[0]?.points?.[0]?.[1] ?? 0) - y) < 1e-9, moved[1]);

  // saved and loaded again: the same point on the same wire
  const file = await flow(page);
  assert.deepEqual(await load(page, FLOW), []);
  assert.equal(await page.getByTestId("reroute").count(), 0);
  assert.deepEqual(await load(page, file), []);
  assert.deepEqual(await points(page), [moved]);
  await page.getByTestId("reroute").waitFor();

  // a double-click on the point removes it
  const h = await page.getByTestId("reroute").boundingBox();
  await page.mouse.dblclick(h.x + h.width / 2, h.y + h.height / 2);
  await page.getByTestId("reroute").waitFor({ state: "detached" });
  assert.deepEqual(await points(page), []);
  assert.deepEqual(errors, []);
  await ctx.close();
});
