// The walking skeleton: the built site opens, Run draws the LINE plot through plotly.js and
// the Python node doubles 21 in Pyodide, and nothing is fetched from outside 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { OUT, context, open } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

test("Run plots the sine and runs the Python node, all from 127.0.0.1", async () => {
  const { ctx, outside } = await context(browser);
  const { page, errors } = await open(ctx, server.url);

  // the editor is usable while Python loads
  const run = page.getByTestId("run-button");
  await run.waitFor();
  const status = page.getByTestId("python-status");
  assert.equal(await status.getAttribute("data-state"), "loading", "Python should still be loading at first paint");
  const interactiveMs = await page.evaluate(() => performance.now());

  await run.click();
  await page.locator('[data-testid="plot-LINE"] .main-svg').first().waitFor({ timeout: 60_000 });
  // the sine plot has one line trace with 200 points
  const points = await page.evaluate(() => document.querySelector('[data-testid="plot-LINE"]').data[0].y.length);
  assert.equal(points, 200);

  const result = page.getByTestId("result-DOUBLE");
  await page.waitForFunction(() => /Scalar 42\b/.test(document.querySelector('[data-testid="result-DOUBLE"]')?.textContent ?? ""), null, { timeout: 90_000 });
  assert.match(await result.textContent(), /Scalar 42/);
  await page.waitForFunction(() => document.querySelector('[data-testid="python-status"]').dataset.state === "ready");
  const readyMs = await page.evaluate(() => performance.now());
  // print() inside the Python node reaches the run log
  assert.match(await page.getByTestId("log").textContent(), /doubling 21/);

  await page.screenshot({ path: join(OUT, "skeleton.png"), fullPage: true });
  console.log(`# interactive at ${interactiveMs.toFixed(0)} ms, Python result by ${readyMs.toFixed(0)} ms`);
  assert.deepEqual(outside, [], "requests left 127.0.0.1");
  assert.deepEqual(errors, [], "console errors");
  await ctx.close();
});
