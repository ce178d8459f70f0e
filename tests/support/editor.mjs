// A page object for the editor: open it fresh, read the flow through window.flojoy, find
// nodes and ports by test id, drag with the mouse.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ROOT, context, open } from "./browser.mjs";

export const GALLERY = join(ROOT, "..", "shared", "flojoy", "apps", "gallery");

export function galleryFile(name) {
  return readFileSync(join(GALLERY, name), "utf8");
}

/** Opens the app in a fresh context (empty storage); `setup(ctx)` runs before the page opens. */
export async function openEditor(browser, url, options = {}) {
  const { setup, ...contextOptions } = options;
  const { ctx, outside } = await context(browser, contextOptions);
  if (setup) await setup(ctx);
  const { page, errors } = await open(ctx, url);
  await page.getByTestId("run-button").waitFor();
  await page.waitForFunction(() => window.flojoy && typeof window.flojoy.flow === "function");
  return { ctx, page, outside, errors };
}

/** The current flow (Flojoy 2024 JSON). */
export const flow = (page) => page.evaluate(() => window.flojoy.flow());

export async function counts(page) {
  const f = await flow(page);
  return { nodes: f.rfInstance.nodes.length, edges: f.rfInstance.edges.length };
}

export const nodeByLabel = (page, label) => page.getByTestId(`node-${label}`);

/** The dot of a node's output (or input) port `i`. */
export function port(page, label, dir, i = 0) {
  const sel = dir === "out" ? "[data-out-port] .dot" : "[data-in-port] .dot";
  return nodeByLabel(page, label).locator(sel).nth(i);
}

async function center(locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error("element not visible");
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Presses at `from`, moves in steps to `to`, and (unless `hold`) releases. */
export async function drag(page, from, to, { hold = false, steps = 8 } = {}) {
  const a = from.x !== undefined ? from : await center(from);
  const b = to.x !== undefined ? to : await center(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps });
  if (!hold) await page.mouse.up();
  return b;
}

/** Loads a flow (object or JSON text) through window.flojoy.load; returns its diagnostics. */
export const load = (page, f) => page.evaluate((f) => window.flojoy.load(f), f);

/** Runs the flow through window.flojoy.run; returns the report. */
export const run = (page) => page.evaluate(() => window.flojoy.run());

/** The node key (Flojoy id) of the node with this label. */
export async function keyOf(page, label) {
  const f = await flow(page);
  return f.rfInstance.nodes.find((n) => n.data.label === label)?.id;
}
