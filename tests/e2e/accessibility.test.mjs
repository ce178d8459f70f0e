// Story: a user who works with a screen reader or only the keyboard. axe-core (from npm, the
// engine of the accessibility checkers in browsers' developer tools) finds no serious or
// critical violation in the editor, the gallery, the dashboard and the embed view; every
// toolbar action is reached with Tab (or, when the window is narrow, through the "More" menu,
// itself reached with Tab and worked with the arrow keys). The full axe reports are in
// test-results/axe-*.json (moderate and minor findings included, for the notes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { OUT, ROOT } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { keyOf, load, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

/** Runs axe on the page; fails on any serious or critical violation, naming the elements. */
async function audit(page, what) {
  // evaluated through DevTools, which the page's Content-Security-Policy does not govern
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  writeFileSync(join(OUT, `axe-${what}.json`), JSON.stringify(result.violations, null, 1));
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(" | ")}`);
  assert.deepEqual(bad, [], `${what}: ${bad.length} serious or critical violations`);
  return result.violations.length;
}

// a flow with a result of each kind on the dashboard: a plot, a number, a table
const SHOWCASE = makeFlow(
  [
    ["WAVE", "LINSPACE", { start: 0, end: 6, step: 50 }],
    ["SINE", "SINE"],
    ["PLOT", "LINE"],
    ["NUMBER", "CONSTANT", { constant: 42, dc_type: "Scalar" }],
    ["BIG_NUMBER", "BIG_NUMBER"],
  ],
  [
    ["WAVE", "SINE"],
    ["SINE", "PLOT"],
    ["NUMBER", "BIG_NUMBER"],
  ],
);
SHOWCASE.name = "Accessibility showcase";
// a group (its title bar's field and buttons) and a collapsed one
SHOWCASE.flojoyWeb = {
  groups: [
    { id: "g1", title: "Signal", color: "#4f7cff", nodes: ["WAVE", "SINE"], collapsed: false },
    { id: "g2", title: "Number", color: "#e0a030", nodes: ["NUMBER"], collapsed: true },
    // and a subflow (its node, and inside it the breadcrumb)
    { id: "s1", title: "Display", color: "#4f7cff", nodes: ["BIG_NUMBER"], subflow: { parent: null } },
  ],
};

test("the editor, the gallery and the dashboard have no serious or critical accessibility violation", async () => {
  const { page, ctx } = await openEditor(browser, server.url);
  assert.deepEqual(await load(page, SHOWCASE), []);
  assert.equal((await page.evaluate(() => window.flojoy.run())).status, "ok");
  await page.getByTestId("node-PLOT").click();
  assert.equal(await page.getByTestId("group").count(), 2);
  assert.equal(await page.getByTestId("subflow").count(), 1);
  await audit(page, "editor");
  await page.getByTestId("subflow-enter").click();
  await page.getByTestId("node-BIG_NUMBER").waitFor();
  await audit(page, "editor-inside-subflow");
  await page.getByTestId("crumb-top").click();
  await page.getByTestId("breadcrumb").waitFor({ state: "detached" });

  await page.getByTestId("examples").click();
  await page.getByTestId("gallery-grid").waitFor();
  await audit(page, "gallery");
  await page.getByTestId("gallery-close").click();

  // a dashboard with a slider and a plot
  await page.getByTestId("tab-dashboard").click();
  await page.getByTestId("add-control").click();
  await page.getByTestId("add-dialog").waitFor();
  await audit(page, "dashboard-add-dialog");
  await page.getByTestId("add-node").selectOption(await keyOf(page, "NUMBER"));
  await page.getByTestId("add-target").selectOption("constant");
  await page.getByTestId("add-kind").selectOption("slider");
  await page.getByTestId("add-confirm").click();
  await page.getByTestId("add-output").click();
  await page.getByTestId("add-node").selectOption(await keyOf(page, "PLOT"));
  await page.getByTestId("add-kind").selectOption("mirror");
  await page.getByTestId("add-confirm").click();
  await page.locator(".panel-plot .main-svg").first().waitFor();
  await audit(page, "dashboard");
  await ctx.close();
});

test("a narrow window with the More menu and the context menu open has no serious or critical violation", async () => {
  const { page, ctx } = await openEditor(browser, server.url, { viewport: { width: 1024, height: 768 } });
  await page.getByTestId("toolbar-more").click();
  await page.getByTestId("toolbar-menu").waitFor();
  await audit(page, "editor-1024-more-menu");
  await page.keyboard.press("Escape");
  await page.getByTestId("node-SINE").click({ button: "right" });
  await page.getByTestId("context-menu").waitFor();
  await audit(page, "editor-1024-context-menu");
  await ctx.close();
});

test("the embed view has no serious or critical accessibility violation", async () => {
  // Flojoy's PID tuning example comes with a dashboard (sliders and a plot)
  for (const view of ["flow", "dashboard"]) {
    const { page, ctx } = await openEditor(browser, `${server.url}?embed=1&view=${view}&flow=gallery/pid-tuning.json`);
    await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length > 3);
    // results on screen (a run the dashboard's widgets start at load may supersede this one)
    assert.match((await page.evaluate(() => window.flojoy.run())).status, /^(ok|cancelled)$/);
    await page.getByTestId("run-button").getByText("▶ Run").waitFor();
    await audit(page, `embed-${view}`);
    await ctx.close();
  }
});

// every action of the toolbar, by test id
const ACTIONS = [
  "tab-flow", "tab-dashboard", "examples", "new", "open", "recent", "save", "share", "undo", "redo",
  "run-button", "devices", "zoom-out", "zoom-in", "fit", "add-note", "add-python", "open-command",
];

/** Presses Tab from the toolbar's start until the focus leaves it; returns the test ids
 * focused on the way. */
async function tabThroughToolbar(page) {
  // a click on the bar's left edge (nothing focusable) puts the keyboard's starting point there
  await page.locator(".toolbar").click({ position: { x: 2, y: 2 } });
  const seen = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const at = await page.evaluate(() => {
      const el = document.activeElement;
      return { id: el?.dataset?.testid ?? el?.tagName, inBar: !!el?.closest(".toolbar") };
    });
    if (!at.inBar) break;
    seen.push(at.id);
  }
  return seen;
}

for (const width of [1920, 1440, 1024]) {
  test(`at ${width} px every toolbar action is reached with the keyboard`, async () => {
    const { page, ctx } = await openEditor(browser, server.url, { viewport: { width: 1920, height: 900 } });
    // something to undo and something to redo, so both buttons are enabled (and focusable)
    for (let i = 0; i < 2; i++) {
      await page.getByTestId("add-note").click();
      await page.keyboard.press("Escape");
    }
    await page.getByTestId("undo").click();
    await page.setViewportSize({ width, height: 900 });
    const seen = await tabThroughToolbar(page);
    let reached = new Set(seen);
    if (seen.includes("toolbar-more")) {
      // the menu opens with Enter and is walked with the arrow keys
      await page.getByTestId("toolbar-more").focus();
      await page.keyboard.press("Enter");
      await page.getByTestId("toolbar-menu").waitFor();
      const first = await page.evaluate(() => document.activeElement?.dataset?.action);
      const inMenu = [first];
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press("ArrowDown");
        const a = await page.evaluate(() => document.activeElement?.dataset?.action);
        if (a === first) break;
        inMenu.push(a);
      }
      await page.keyboard.press("Escape");
      await page.getByTestId("toolbar-menu").waitFor({ state: "detached" });
      assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), "toolbar-more", "Escape gives focus back to More");
      reached = new Set([...seen, ...inMenu]);
    }
    const missing = ACTIONS.filter((a) => !reached.has(a));
    assert.deepEqual(missing, [], `reached: ${[...reached].join(", ")}`);
    await ctx.close();
  });
}
