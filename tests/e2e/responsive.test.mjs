// Story: the first visit fits the screen. At 1920, 1440 and 1024 px wide the toolbar fits
// with Python loaded (its widest state): nothing overflows or is cut off, the flow's name shows
// in full, and what does not fit has moved into the More menu, so every action is in the bar
// or the menu. On a tablet one finger on empty canvas pans, two fingers pinch to zoom around
// their midpoint, and a long press opens the context menu (as a right-click does). A hovered
// port shows its whole name and type, and a wire being drawn says in full what it carries. Screenshots: test-results/toolbar-{1920,1440,1024}.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { OUT } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { counts, nodeByLabel, openEditor, port } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

// every action of the toolbar, by test id
const ACTIONS = [
  "tab-flow", "tab-dashboard", "examples", "new", "open", "recent", "save", "share", "undo", "redo",
  "run-button", "devices", "zoom-out", "zoom-in", "fit", "add-note", "add-python", "open-command", "add-package",
];

/** What is wrong with the toolbar as laid out now (nothing, when it fits). */
const toolbarProblems = (page) =>
  page.evaluate(() => {
    const bar = document.querySelector(".toolbar");
    const box = bar.getBoundingClientRect();
    const problems = [];
    if (bar.scrollWidth > bar.clientWidth + 1) problems.push(`the bar overflows by ${bar.scrollWidth - bar.clientWidth} px`);
    for (const el of bar.querySelectorAll("button, .brand, .flow-name, .python-status, .zoom")) {
      if (el.closest(".toolbar-menu")) continue;
      const b = el.getBoundingClientRect();
      if (b.width === 0) continue; // not shown at this width: in the More menu
      const name = el.dataset.testid ?? el.className;
      if (b.left < box.left - 0.5 || b.right > box.right + 0.5 || b.right > innerWidth) problems.push(`${name} is outside the bar`);
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`${name} is cut off: "${el.textContent}"`);
    }
    return problems;
  });

/** The test ids of the toolbar actions shown in the bar now. */
const inBar = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll(".toolbar [data-testid]")]
      .filter((el) => !el.closest(".toolbar-menu") && el.getBoundingClientRect().width > 0)
      .map((el) => el.dataset.testid),
  );

for (const width of [1920, 1440, 1024]) {
  test(`at ${width} px the toolbar fits; what does not is in the More menu`, async () => {
    const { page, ctx, errors } = await openEditor(browser, server.url, { viewport: { width, height: 900 } });
    await page.waitForFunction(() => document.querySelector("[data-testid=python-status]")?.dataset.state === "ready", null, { timeout: 120_000 });
    assert.deepEqual(await toolbarProblems(page), []);
    const name = await page.getByTestId("flow-name").textContent();
    assert.ok(!name.includes("…"), `the flow's name shows in full: ${name}`);
    await page.locator(".toolbar").screenshot({ path: join(OUT, `toolbar-${width}.png`) });

    const shown = new Set(await inBar(page));
    const hidden = ACTIONS.filter((a) => !shown.has(a));
    if (width >= 1920) assert.deepEqual(hidden, [], "everything fits at 1920 px");
    if (width <= 1024) assert.ok(hidden.length >= 6, `at ${width} px some actions moved to More (${hidden.join(", ")})`);
    if (hidden.length) {
      await page.getByTestId("toolbar-more").click();
      const menu = page.getByTestId("toolbar-menu");
      await menu.waitFor();
      const offered = await menu.evaluate((m) => [...m.querySelectorAll("[role=menuitem]")].filter((b) => b.getBoundingClientRect().width > 0).map((b) => b.dataset.action));
      assert.deepEqual(offered.sort(), hidden.sort(), "the menu offers exactly what the bar does not show");
      assert.deepEqual(await toolbarProblems(page), [], "the open menu does not push the bar");
      // an action from the menu works: Fit (or the first offered) closes the menu and acts
      const zoomBefore = await page.evaluate(() => document.querySelector(".world").style.transform);
      await menu.locator('[data-action="zoom-in"]').click();
      await menu.waitFor({ state: "detached" });
      await page.waitForFunction((t) => document.querySelector(".world").style.transform !== t, zoomBefore);
    } else {
      assert.equal(await page.getByTestId("toolbar-more").isVisible(), false, "no More button when everything fits");
    }
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}

/** The view's transform: translate(x, y) scale(zoom). */
async function view(page) {
  const t = await page.evaluate(() => document.querySelector(".world").style.transform);
  const [x, y, zoom] = t.match(/-?[\d.]+/g).map(Number);
  return { x, y, zoom };
}

test("on a tablet one finger on empty canvas pans, two fingers pinch to zoom", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url, { viewport: { width: 1024, height: 768 }, hasTouch: true });
  const cdp = await ctx.newCDPSession(page);
  const touch = (type, points) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  const canvas = await page.getByTestId("canvas").boundingBox();
  const sine = async () => await nodeByLabel(page, "SINE").boundingBox();

  // one finger on empty canvas (the bottom-left corner holds no node)
  const s0 = await sine();
  const [x, y] = [canvas.x + 30, canvas.y + canvas.height - 40];
  assert.equal(await page.evaluate(([x, y]) => !!document.elementFromPoint(x, y)?.closest("[data-node], [data-text], .minimap"), [x, y]), false);
  await touch("touchStart", [[x, y]]);
  for (let i = 1; i <= 6; i++) await touch("touchMove", [[x + 15 * i, y - 8 * i]]);
  await touch("touchEnd", []);
  const s1 = await sine();
  assert.ok(Math.abs(s1.x - s0.x - 90) < 2 && Math.abs(s1.y - s0.y + 48) < 2, `the flow moved with the finger: ${JSON.stringify({ s0, s1 })}`);

  // two fingers spread to twice their distance: the view zooms 2× around their midpoint
  const v0 = await view(page);
  const [cx, cy] = [canvas.x + canvas.width / 2, canvas.y + canvas.height / 2];
  const worldAt = (v, sx, sy) => [(sx - canvas.x - v.x) / v.zoom, (sy - canvas.y - v.y) / v.zoom];
  const w0 = worldAt(v0, cx, cy);
  await touch("touchStart", [[cx - 60, cy], [cx + 60, cy]]);
  for (let i = 1; i <= 6; i++) await touch("touchMove", [[cx - 60 - 10 * i, cy], [cx + 60 + 10 * i, cy]]);
  await touch("touchEnd", []);
  const v1 = await view(page);
  assert.ok(Math.abs(v1.zoom / v0.zoom - 2) < 0.01, `zoomed ×${v1.zoom / v0.zoom}`);
  const w1 = worldAt(v1, cx, cy);
  assert.ok(Math.hypot(w1[0] - w0[0], w1[1] - w0[1]) < 1, `the point between the fingers stayed: ${w0} → ${w1}`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the context menu: a right-click on a node, a long press on empty canvas (touch)", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url, { viewport: { width: 1024, height: 768 }, hasTouch: true });
  const menu = page.getByTestId("context-menu");
  // right-click on SINE: its menu; Duplicate adds a copy
  const before = await counts(page);
  await nodeByLabel(page, "SINE").click({ button: "right" });
  await menu.waitFor();
  assert.deepEqual(await menu.locator("[role=menuitem]").allTextContents(), ["View", "Duplicate", "Group", "Make subflow", "Save as template…", "Delete"]);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "View", "the first item has the focus");
  await menu.getByText("Duplicate").click();
  await menu.waitFor({ state: "detached" });
  assert.equal((await counts(page)).nodes, before.nodes + 1);
  // Escape closes it (the copy lies over SINE, a little down and right)
  await nodeByLabel(page, "SINE 1").click({ button: "right" });
  await menu.waitFor();
  await page.keyboard.press("Escape");
  await menu.waitFor({ state: "detached" });

  // a finger held still on empty canvas: the canvas menu (the view did not pan)
  const cdp = await ctx.newCDPSession(page);
  const touch = (type, points) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  const canvas = await page.getByTestId("canvas").boundingBox();
  const [x, y] = [canvas.x + 30, canvas.y + canvas.height - 40];
  const v0 = await view(page);
  await touch("touchStart", [[x, y]]);
  await menu.waitFor();
  await touch("touchEnd", []);
  assert.deepEqual(await menu.locator("[role=menuitem]").allTextContents(), ["Add a note", "New Python node", "Fit the flow in view"]);
  assert.deepEqual(await view(page), v0);
  const notes = await page.locator(".note").count();
  await menu.getByText("Add a note").click();
  await page.waitForFunction((n) => document.querySelectorAll(".note").length === n + 1, notes);
  // a finger that moves pans
  const still = await page.evaluate(() => document.querySelector(".world").style.transform);
  await touch("touchStart", [[x, y]]);
  await touch("touchMove", [[x + 40, y - 20]]);
  await page.waitForFunction((t) => document.querySelector(".world").style.transform !== t, still);
  await touch("touchEnd", []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a hovered port shows its whole name and type; a wire being drawn says what it carries", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url, { viewport: { width: 1440, height: 900 } });
  // every port of the welcome flow, hovered in turn, shows its label uncut
  const ports = await page.locator(".port").count();
  assert.ok(ports >= 4);
  for (let i = 0; i < ports; i++) {
    const p = page.locator(".port").nth(i);
    await p.hover();
    const cut = await p.evaluate((el) => [...el.querySelectorAll(".pname, .ptype")].filter((s) => s.scrollWidth > s.clientWidth + 1).map((s) => s.textContent));
    assert.deepEqual(cut, [], `port ${await p.getAttribute("title")}`);
  }
  // drawing a wire from SINE's output: the label by the pointer names the whole type
  const out = port(page, "SINE", "out");
  const title = await out.evaluate((el) => el.closest(".port").getAttribute("title"));
  const b = await out.boundingBox();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + 120, b.y + 200, { steps: 6 });
  const carries = await page.getByTestId("wire-type").textContent();
  assert.equal(`${title.split(": ")[0]}: ${carries}`, title, "the label is the port's full type");
  await page.mouse.up();
  assert.deepEqual(errors, []);
  await ctx.close();
});
