// The setup most browser test files share: the built site served on loopback and one headless
// Chromium, started before the file's tests and closed after them.
import { before, after } from "node:test";

import { serve } from "./server.mjs";
import { DIST, launch } from "./browser.mjs";

/** Serves dist/ and launches Chromium (with `args`) for this test file; `ready(server, browser)`
 * receives them once they are up. */
export function useSite(ready, args = []) {
  let server, browser;
  before(async () => {
    server = await serve(DIST);
    browser = await launch(args);
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}
