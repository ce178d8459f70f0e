// Story: Flojoy Studio's webcam example opens with no unknown node and takes pictures from a
// camera (Chromium's fake camera: a moving test pattern, the real getUserMedia path). A refused
// permission is a clear error at the node, and the app keeps working.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { serve } from "../support/server.mjs";
import { DIST, ROOT, launch } from "../support/browser.mjs";
import { load, openEditor, run } from "../support/editor.mjs";

const WEBCAM = JSON.parse(readFileSync(join(ROOT, "..", "shared", "flojoy", "apps", "studio-examples", "webcam.json"), "utf8"));
const FAKE_CAMERA = ["--use-fake-device-for-media-stream"];

let server, browser;
before(async () => {
  server = await serve(DIST);
  browser = await launch([...FAKE_CAMERA, "--use-fake-ui-for-media-stream"]);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs the flow in the page; returns its status, each node's func/status/error and the shape
 * and variety of WEBCAM's picture (the report's pictures are millions of numbers: read in the
 * page, not sent whole to the test, which took ~6 s a run). */
const runWebcam = (page) =>
  page.evaluate(async () => {
    const report = await window.flojoy.run();
    const nodes = Object.values(report.nodes).map(({ func, status, error }) => ({ func, status, error }));
    const pic = Object.values(report.nodes).find((n) => n.func === "WEBCAM")?.outputs?.default;
    const varies = (rows) => new Set(rows.flat()).size > 1;
    const picture = pic && {
      type: pic.type,
      size: [pic.r.length, pic.r[0].length],
      varies: varies(pic.r) && varies(pic.g),
    };
    return { status: report.status, error: report.error, nodes, picture };
  });

test("Studio's webcam example runs: OPEN_WEBCAM, WEBCAM's picture, IMAGE", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  assert.deepEqual(await load(page, WEBCAM), [], "no unknown node, no problem");
  const report = await runWebcam(page);
  assert.equal(report.status, "ok", JSON.stringify(report));
  // the fake camera's default picture: 640 × 480, a pattern (not one colour)
  assert.deepEqual(report.picture, { type: "Image", size: [480, 640], varies: true });
  assert.equal(report.nodes.find((n) => n.func === "IMAGE").status, "done");
  // a resolution asks the camera for that size
  const wide = structuredClone(WEBCAM);
  wide.rfInstance.nodes.find((n) => n.data.func === "WEBCAM").data.ctrls.resolution.value = "1280x720";
  await load(page, wide);
  assert.deepEqual((await runWebcam(page)).picture.size, [720, 1280]);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("live: the flow runs once per frame into the image view until Stop", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const live = structuredClone(WEBCAM);
  const cam = live.rfInstance.nodes.find((n) => n.data.func === "WEBCAM");
  cam.data.ctrls.live = { param: "live", value: true, type: "bool" };
  await load(page, live);
  const before = await page.evaluate(() => window.flojoy.plotDraws());
  const session = await page.evaluateHandle(() => ({ p: window.flojoy.run() }));
  await page.getByText("■ Stop").waitFor();
  // the live view redraws, picture after picture (the fake camera's pattern moves)
  const sum = () => page.evaluate(() => window.flojoy.output("WEBCAM").g.flat().reduce((a, b) => a + b, 0));
  await page.waitForFunction((n) => window.flojoy.plotDraws() >= n + 5, before);
  const first = await sum();
  const drawn = await page.evaluate(() => window.flojoy.plotDraws());
  await page.waitForFunction((n) => window.flojoy.plotDraws() >= n + 5, drawn);
  assert.notEqual(await sum(), first, "a new picture, not the same one redrawn");
  // while live, the picture is an <img> laid over the plot (plotly's image redraw is too slow
  // for a camera), decoded at the camera's size
  const picture = page.locator(".plot > img.live-picture");
  const size = await page.evaluate(() => {
    const r = window.flojoy.output("WEBCAM").r;
    return [r[0].length, r.length];
  });
  assert.deepEqual(await picture.first().evaluate((i) => [i.naturalWidth, i.naturalHeight, i.alt]), [...size, "live picture"]);
  // the PNG's bytes came as a Blob (not a data URI for the browser to parse again)
  assert.match(await picture.first().evaluate((i) => i.src), /^blob:/);
  await page.getByTestId("run-button").click();
  const ended = await session.evaluate(async (h, id) => {
    const report = await h.p;
    return { status: report.status, type: report.nodes[id].outputs.default.type };
  }, cam.id);
  assert.deepEqual(ended, { status: "ok", type: "Image" }, "Stop ends the session with its last frame");
  await page.getByText("▶ Run").waitFor();
  // the stream over, the last picture is drawn by plotly again (axes, hover)
  await picture.first().waitFor({ state: "detached" });
  await page.locator(".plot.js-plotly-plot .imagelayer image").first().waitFor({ state: "attached" });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a refused camera permission is said at the node, and the app keeps working", async () => {
  // the camera blocked for the site, as after the user's "Block" (set through DevTools, so no
  // prompt is involved: a headless prompt denied by --deny-permission-prompts hung once in CI,
  // the request queued and never answered)
  const denying = await launch(FAKE_CAMERA);
  try {
    const { page, ctx } = await openEditor(denying, server.url);
    const cdp = await denying.newBrowserCDPSession();
    const { targetInfo } = await (await ctx.newCDPSession(page)).send("Target.getTargetInfo");
    await cdp.send("Browser.setPermission", {
      permission: { name: "camera" },
      setting: "denied",
      origin: new URL(server.url).origin,
      browserContextId: targetInfo.browserContextId,
    });
    assert.equal(await page.evaluate(async () => (await navigator.permissions.query({ name: "camera" })).state), "denied");
    await load(page, WEBCAM);
    const report = await runWebcam(page);
    assert.equal(report.status, "failed");
    const failed = report.nodes.find((n) => n.status === "failed");
    assert.equal(failed.func, "OPEN_WEBCAM");
    assert.match(failed.error, /permission to use the camera was refused: allow the camera for this site/);
    // the flow is intact and another flow runs
    assert.equal((await page.evaluate(() => window.flojoy.flow())).rfInstance.nodes.length, 3);
    await load(page, { rfInstance: { nodes: [{ id: "C", data: { func: "CONSTANT", label: "C" }, position: { x: 0, y: 0 } }], edges: [] } });
    assert.equal((await run(page)).status, "ok");
  } finally {
    await denying.close();
  }
});
