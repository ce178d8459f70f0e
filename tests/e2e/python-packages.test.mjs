// Story: a deployer hosts Python packages with the site (FLOJOY_PYODIDE_PACKAGES, a build
// setting; app/build/packages.mjs). A stand-in for Pyodide's full distribution is made here:
// a tiny pure-Python package built into a wheel, listed in a pyodide-lock.json that is the
// vendored Pyodide's own lock plus this package (so that everything else still resolves).
// The site is built against that folder into its own dist folder (target/, not dist/), and in
// headless Chromium with every request off 127.0.0.1 refused: a Python node that imports the
// package loads it from the site, runs, and after going offline a reload still imports it
// (the service worker kept the wheel). numpy itself cannot be fetched on this machine (PyPI
// and npm carry no numpy wheel for this Pyodide's ABI), hence the stand-in.
//
// The extra release build (same cargo target, so mostly wasm-bindgen and wasm-opt) is the
// slow part of this file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";

import { serve } from "../support/server.mjs";
import { DIST, ROOT, context, launch, open } from "../support/browser.mjs";
import { load } from "../support/editor.mjs";

const SITE = join(ROOT, "target", "site-with-packages");
const WHEEL = "standin-1.0-py3-none-any.whl";

/** Makes the stand-in distribution in `dir`: the wheel and its pyodide-lock.json. */
function standInDistribution(dir) {
  const script = `
import hashlib, json, sys, zipfile, base64
dir, lock_in = sys.argv[1], sys.argv[2]
files = {
    "standin/__init__.py": "WHERE = 'the site'\\n\\ndef triple(xs):\\n    return [3 * x for x in xs]\\n",
    "standin-1.0.dist-info/METADATA": "Metadata-Version: 2.1\\nName: standin\\nVersion: 1.0\\n",
    "standin-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: flojoy-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
def rec(name, text):
    d = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    return f"{name},sha256={d},{len(text.encode())}"
files["standin-1.0.dist-info/RECORD"] = "\\n".join([rec(n, t) for n, t in files.items()] + ["standin-1.0.dist-info/RECORD,,"]) + "\\n"
wheel = f"{dir}/${WHEEL}"
with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
    for n, t in files.items():
        z.writestr(n, t)
lock = json.load(open(lock_in))
lock["packages"]["standin"] = {
    "name": "standin", "version": "1.0", "file_name": "${WHEEL}", "install_dir": "site",
    "sha256": hashlib.sha256(open(wheel, "rb").read()).hexdigest(), "package_type": "package",
    "imports": ["standin"], "depends": [], "unvendored_tests": False, "tool": {},
}
json.dump(lock, open(f"{dir}/pyodide-lock.json", "w"))
`;
  execFileSync("python3", ["-c", script, dir, join(ROOT, "node_modules", "pyodide", "pyodide-lock.json")]);
}

const FLOW = {
  rfInstance: {
    nodes: [
      { id: "LINSPACE-1", data: { func: "LINSPACE", label: "LINSPACE", ctrls: { start: { param: "start", value: 1 }, end: { param: "end", value: 3 }, step: { param: "step", value: 3 } } }, position: { x: 0, y: 0 } },
      {
        id: "TRIPLE-1",
        data: {
          func: "TRIPLE",
          label: "TRIPLE",
          code: "from flojoy import flojoy, Vector\nimport standin\n\n@flojoy\ndef TRIPLE(default: Vector) -> Vector:\n    assert standin.WHERE == 'the site'\n    return Vector(v=standin.triple(list(default.v)))\n",
          inputs: [{ name: "default", id: "default", type: "Vector", multiple: false }],
          outputs: [{ name: "default", id: "default", type: "Vector" }],
        },
        position: { x: 300, y: 0 },
      },
    ],
    edges: [{ source: "LINSPACE-1", sourceHandle: "default", target: "TRIPLE-1", targetHandle: "default" }],
  },
};

let browser, folder;
before(async () => {
  folder = mkdtempSync(join(tmpdir(), "flojoy-packages-"));
  standInDistribution(folder);
  mkdirSync(SITE, { recursive: true });
  const path = [join(homedir(), ".cargo", "bin"), join(ROOT, "node_modules", ".bin"), process.env.PATH].join(delimiter);
  execFileSync("trunk", ["build", "--release", "--dist", SITE], {
    cwd: ROOT,
    env: { ...process.env, PATH: path, FLOJOY_PYODIDE_PACKAGES: folder },
    stdio: ["ignore", "ignore", "inherit"],
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test("the default build loads packages from Pyodide's CDN, on request only", () => {
  const config = JSON.parse(readFileSync(join(DIST, "pyodide", "flojoy-packages.json"), "utf8"));
  const { version } = JSON.parse(readFileSync(join(ROOT, "node_modules", "pyodide", "package.json"), "utf8"));
  assert.deepEqual(config, { base: `https://cdn.jsdelivr.net/pyodide/v${version}/full/`, site: false });
});

test("the site built with FLOJOY_PYODIDE_PACKAGES holds the packages, loaded on demand", () => {
  assert.deepEqual(JSON.parse(readFileSync(join(SITE, "pyodide", "flojoy-packages.json"), "utf8")), { base: "./", site: true });
  assert.ok(existsSync(join(SITE, "pyodide", WHEEL)));
  const lock = JSON.parse(readFileSync(join(SITE, "pyodide", "pyodide-lock.json"), "utf8"));
  assert.equal(lock.packages.standin.file_name, WHEEL);
  assert.ok(lock.packages.numpy, "the rest of Pyodide's packages stay listed");
  const sw = readFileSync(join(SITE, "sw.js"), "utf8");
  assert.ok(sw.includes("./pyodide/pyodide-lock.json"), "the lock file is precached");
  assert.ok(!sw.includes(WHEEL), "package files are not precached: they are kept once loaded");
});

test("a Python node imports a package from the site, and again offline after a reload", { timeout: 240_000 }, async () => {
  const site = await serve(SITE);
  try {
    const { ctx, outside } = await context(browser);
    const { page, errors } = await open(ctx, site.url);
    // what the page and the server saw, for a failure's message
    const seen = () => JSON.stringify({ errors, outside, asked: site.stats.paths.filter((p) => !p.startsWith("/gallery/")) });
    await page.getByTestId("run-button").waitFor();
    await page.waitForFunction(() => window.flojoy && typeof window.flojoy.flow === "function");
    // the service worker controls the page before the package is first loaded
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page
      .waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60_000 })
      .catch((e) => assert.fail(`no service worker took the page (${e.message.split("\n")[0]}): ${seen()}`));
    await load(page, FLOW);
    const r = await page.evaluate(() => window.flojoy.run());
    assert.equal(r.status, "ok", JSON.stringify(r.error ?? r).slice(0, 800));
    assert.deepEqual(r.nodes["TRIPLE-1"].outputs.default.v, [3, 6, 9]);
    assert.ok(site.stats.paths.includes(`/pyodide/${WHEEL}`), `the wheel came from the site: ${seen()}`);
    // kept by the service worker (cache.put may finish just after the response)
    await page.waitForFunction(
      async (wheel) => {
        for (const key of await caches.keys()) {
          if (await (await caches.open(key)).match(`pyodide/${wheel}`)) return true;
        }
        return false;
      },
      WHEEL,
      { timeout: 30_000, polling: 100 },
    ).catch((e) => assert.fail(`the service worker did not keep the wheel (${e.message.split("\n")[0]}): ${seen()}`));

    // offline for real: the page is offline and the server is gone
    await ctx.setOffline(true);
    const asked = site.stats.paths.length;
    await site.close();
    await page.reload();
    await page.getByTestId("run-button").waitFor();
    await page.waitForFunction(() => window.flojoy && typeof window.flojoy.flow === "function");
    await load(page, FLOW);
    const again = await page.evaluate(() => window.flojoy.run());
    assert.equal(again.status, "ok", `${JSON.stringify(again.error ?? again).slice(0, 800)} ${seen()}`);
    assert.deepEqual(again.nodes["TRIPLE-1"].outputs.default.v, [3, 6, 9]);
    assert.deepEqual(site.stats.paths.slice(asked), [], "offline: nothing reached the server");
    assert.deepEqual(outside, [], "nothing was asked of another origin");
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED/.test(e)), []);
  } finally {
    await site.close();
  }
});

test("+ package loads a package from the site itself; a name the site does not list says so", { timeout: 120_000 }, async () => {
  const site = await serve(SITE);
  try {
    const { ctx, outside } = await context(browser);
    const { page, errors } = await open(ctx, site.url);
    const status = page.getByTestId("python-status");
    await page.waitForFunction(() => document.querySelector("[data-testid=python-status]")?.dataset.state === "ready", null, { timeout: 60_000 });
    const button = page.getByTestId("add-package");
    assert.match(await button.getAttribute("title"), /this site's Python distribution/);
    // a name that is not in the site's lock file: an error naming it, nothing loaded
    await button.click();
    await page.getByTestId("package-name").fill("nosuchpackage");
    await page.getByTestId("package-name").press("Enter");
    const error = page.getByTestId("toast-error");
    await error.waitFor({ timeout: 60_000 });
    assert.match(await error.textContent(), /nosuchpackage could not be loaded from this site/);
    assert.doesNotMatch(await status.textContent(), /nosuchpackage/);
    // the stand-in package: loaded from the site, shown beside the Python status
    await button.click();
    await page.getByTestId("package-name").fill("standin");
    await page.getByTestId("package-name").press("Enter");
    await page.getByTestId("toast").filter({ hasText: "standin loaded" }).waitFor({ timeout: 60_000 });
    assert.match(await status.textContent(), /· standin$/);
    assert.ok(site.stats.paths.includes(`/pyodide/${WHEEL}`), "the wheel came from the site");
    // a node imports it (already loaded: nothing more is asked of the server)
    const asked = site.stats.paths.length;
    await load(page, FLOW);
    const r = await page.evaluate(() => window.flojoy.run());
    assert.equal(r.status, "ok", JSON.stringify(r.error ?? r).slice(0, 800));
    assert.deepEqual(r.nodes["TRIPLE-1"].outputs.default.v, [3, 6, 9]);
    assert.deepEqual(site.stats.paths.slice(asked).filter((p) => p.endsWith(".whl")), []);
    assert.deepEqual(outside, []);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  } finally {
    await site.close();
  }
});

test("a package the site does not hold fails the node, naming it, and Python keeps working", { timeout: 120_000 }, async () => {
  const site = await serve(SITE);
  try {
    const { ctx } = await context(browser);
    const { page } = await open(ctx, site.url);
    await page.getByTestId("run-button").waitFor();
    await page.waitForFunction(() => window.flojoy && typeof window.flojoy.flow === "function");
    // listed in the lock file, but not in the stand-in distribution: its download fails
    const broken = structuredClone(FLOW);
    broken.rfInstance.nodes[1].data.code = broken.rfInstance.nodes[1].data.code.replace("import standin", "import standin, affine");
    await load(page, broken);
    const r = await page.evaluate(() => window.flojoy.run());
    assert.equal(r.status, "failed");
    assert.match(JSON.stringify(r), /could not be loaded.*affine/);
    await load(page, FLOW);
    const ok = await page.evaluate(() => window.flojoy.run());
    assert.equal(ok.status, "ok", JSON.stringify(ok.error ?? ok).slice(0, 800));
    assert.deepEqual(ok.nodes["TRIPLE-1"].outputs.default.v, [3, 6, 9]);
  } finally {
    await site.close();
  }
});
