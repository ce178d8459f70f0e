// Story: the site runs under its Content-Security-Policy (a meta tag in index.html): scripts
// only from the site and WebAssembly compilation, no inline script, workers from the site or
// blob:, requests to the site only. Every page mode (editor, embed, dashboard, demo) loads,
// runs a flow with plots, and opens the code editor with zero policy violations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { DIST } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { openEditor } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

/** Records every securitypolicyviolation from the first script on. */
async function watch(ctx) {
  await ctx.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
}

test("index.html carries the policy and no inline script", () => {
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
  assert.ok(csp, "the meta tag is there");
  const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives["script-src"], ["'self'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(directives["worker-src"], ["'self'", "blob:"]);
  assert.deepEqual(directives["connect-src"], ["'self'"]);
  for (const [, attrs, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(attrs, /\bsrc=/, "every script is a file");
    assert.equal(body.trim(), "");
  }
});

for (const [mode, query] of [
  ["editor", ""],
  ["embed", "?embed=1"],
  ["dashboard", "?view=dashboard"],
  ["demo", "?demo=1"],
]) {
  test(`${mode} mode runs under the policy with zero violations`, async () => {
    const { page, errors, outside, ctx } = await openEditor(browser, server.url + query, { setup: watch });
    const r = await page.evaluate(() => window.flojoy.run());
    assert.equal(r.status, "ok", JSON.stringify(r));
    // Python starts (a module worker of the site), plots draw
    await page.waitForFunction(() => document.querySelector('[data-testid="python-status"]')?.dataset.state !== "loading" || !document.querySelector('[data-testid="python-status"]'), null, { timeout: 60_000 });
    if (mode === "editor") {
      await page.waitForFunction(() => window.flojoy.plotDraws() > 0, null, { timeout: 30_000 });
      // the code editor is an ES module loaded on demand
      await page.getByTestId("add-python").click();
      await page.locator(".cm-content").waitFor({ timeout: 30_000 });
    }
    if (mode === "demo") {
      await page.waitForFunction(() => window.flojoy.devices().demo === true, null, { timeout: 30_000 });
    }
    const violations = await page.evaluate(() => window.__violations);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused to/i.test(e)), []);
    assert.deepEqual(outside, []);
    await ctx.close();
  });
}
