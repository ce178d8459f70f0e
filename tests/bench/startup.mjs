// Start-up benchmark: a first visit (empty browser cache) and repeat visits (the service
// worker serves the site from its cache). Measures, from navigation start: interactive (the
// Run button and window.flojoy are there) and Python ready (the Pyodide worker answered);
// and the bytes the server sent on the first visit, before interactive and in total
// (the service worker then downloads the rest of the site for offline use).
// Goals: interactive ≤ 1 s, Python ready ≤ 1.5 s on repeat visits.
import { context, launch, open, until } from "../support/browser.mjs";
import { serve } from "../support/server.mjs";
import { DIST } from "../support/browser.mjs";

async function visit(ctx, url) {
  const { page } = await open(ctx, url);
  await page.waitForFunction(() => window.flojoy && document.querySelector("[data-testid=run-button]"), null, { polling: 10 });
  const interactive = await page.evaluate(() => performance.now());
  // the lazy part of the wasm (app/js/lazy_wasm.js): when it was linked, and whether anything
  // needed it before (a placeholder call: the startup list is out of date)
  const lazy = await until(page, () => window.flojoyLazyWasm?.linked_ms != null && { ...window.flojoyLazyWasm });
  await page.waitForSelector("[data-testid=python-status][data-state=ready]", { timeout: 60_000 });
  const python = await page.evaluate(() => performance.now());
  return { page, interactive_ms: Math.round(interactive), python_ms: Math.round(python), lazy };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchStartup(repeats = 3) {
  const server = await serve(DIST);
  const browser = await launch();
  try {
    const { ctx } = await context(browser);
    const first = await visit(ctx, server.url);
    const bytesAtPython = server.stats.bytes;
    await first.page.evaluate(() => navigator.serviceWorker.ready);
    await first.page.waitForFunction(() => !!navigator.serviceWorker.controller);
    const bytesTotal = server.stats.bytes;
    await first.page.close();
    const again = [];
    for (let i = 0; i < repeats; i++) {
      const v = await visit(ctx, server.url);
      again.push(v);
      await v.page.close();
    }
    return {
      first_visit: {
        interactive_ms: first.interactive_ms,
        python_ready_ms: first.python_ms,
        lazy_wasm_linked_ms: first.lazy.linked_ms,
        placeholder_calls_before_linked: first.lazy.placeholder_calls,
        sync_loads: first.lazy.sync_loads,
        bytes_until_python_ready: bytesAtPython,
        bytes_total_with_offline_cache: bytesTotal,
      },
      repeat_visit: {
        interactive_ms: median(again.map((v) => v.interactive_ms)),
        python_ready_ms: median(again.map((v) => v.python_ms)),
        runs: again.map((v) => [v.interactive_ms, v.python_ms]),
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchStartup(), null, 2));
}
