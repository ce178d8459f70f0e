// Headless Debian Chromium through playwright-core, with the guard every test relies on:
// any request that leaves 127.0.0.1 is aborted and recorded, so a test proves the built
// site is self-contained. Console errors and page errors are collected too.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DIST = join(ROOT, "dist");
export const OUT = join(ROOT, "test-results");
mkdirSync(OUT, { recursive: true });

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launch(extraArgs = []) {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: [...ARGS, ...extraArgs] });
}

/** Refuses every request that leaves 127.0.0.1 in `ctx`; returns the list of what was refused. */
async function guard(ctx) {
  const outside = [];
  await ctx.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.hostname === "127.0.0.1") return route.continue();
    outside.push(url.href);
    return route.abort("blockedbyclient");
  });
  return outside;
}

// a full-HD desktop, where every toolbar button is in the bar (narrower windows move some into
// the More menu: tests/e2e/responsive.test.mjs)
const VIEWPORT = { width: 1920, height: 1080 };

/** A fresh context whose outside requests are refused and listed in `outside`. */
export async function context(browser, options = {}) {
  const ctx = await browser.newContext({ viewport: VIEWPORT, ...options });
  return { ctx, outside: await guard(ctx) };
}

/** A browser of its own with its profile in `dir` (as a user's browser has), guarded like
 * `context`. Chromium enforces a storage quota set through DevTools
 * (Storage.overrideQuotaForOrigin) in such a profile; incognito contexts ignore it. */
export async function profileContext(dir, options = {}) {
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    viewport: VIEWPORT,
    ...options,
  });
  return { ctx, outside: await guard(ctx) };
}

/** Opens `url` in a new page, recording console errors and uncaught exceptions. */
export async function open(ctx, url) {
  const page = await ctx.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors };
}

/** Waits until `fn` (run in the page) returns truthy; returns its value. */
export async function until(page, fn, arg, timeout = 60_000) {
  const handle = await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  return handle.jsonValue();
}
