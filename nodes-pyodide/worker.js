// Flojoy Web's Python worker: Pyodide in an ES-module Web Worker.
//
// It speaks the protocol of nodes-pyodide/src/protocol.rs: a message is an object with one key,
// its kind (`{ call: { id, ... } }`), and requests carry an "id" that the reply repeats (that
// file's tests check that this one handles and posts exactly its kinds). Numbers travel as
// Float64Array buffers, transferred, never as lists.
// Pyodide is loaded from the app's own folder (vendored at build time), never from a CDN;
// optional packages from the package base the site was built with.

import { loadPyodide, version } from "./pyodide/pyodide.mjs";

const post = (msg, transfer = []) => self.postMessage(msg, transfer);
/** A request failed: the error reply. */
const fail = (id, message, traceback = "", log = []) => post({ error: { id, message, traceback, line: null, log } });

// Warm start: after the first start, a memory snapshot of Python with the flojoy module
// imported is kept in Cache Storage; the next page load restores it instead of starting
// Python again (~0.25 s instead of ~1.3 s). The snapshot belongs to one Pyodide version and
// one flojoy_api.py; anything else, or a snapshot that fails to load, means a normal start.
// (Pyodide's snapshot API is experimental: `_makeSnapshot` / `_loadSnapshot`.)
// Python code can write Cache Storage (through `js`), so a snapshot is restored only when its
// SHA-256 equals the digest the page gives as the worker's name: the page keeps it where
// worker code cannot reach (localStorage) and takes it only from the "ready" of a fresh start,
// which reports the digest of a snapshot made before any user code ran (bridge.rs).
const SNAPSHOTS = "flojoy-python-snapshot";
const TRUSTED_DIGEST = self.name || "";

async function sha256(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function snapshotKey(api) {
  // crypto.subtle and Cache Storage exist only in secure contexts (https, localhost): on plain
  // http there is no snapshot, and Python starts normally
  if (!globalThis.crypto?.subtle || !globalThis.caches) return null;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(api));
  const hex = Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  return new URL(`./python-snapshot/${version}/${hex}`, import.meta.url).href;
}

async function readSnapshot(key) {
  try {
    const hit = await (await caches.open(SNAPSHOTS)).match(key);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
  } catch {
    return null; // no Cache Storage here (e.g. an opaque origin): start normally
  }
}

async function storeSnapshot(key, bytes) {
  try {
    const cache = await caches.open(SNAPSHOTS);
    for (const old of await cache.keys()) if (old.url !== key) await cache.delete(old);
    await cache.put(key, new Response(bytes, { headers: { "content-type": "application/octet-stream" } }));
  } catch {
    // storage full or unavailable: the next start is a normal one
  }
}

async function forgetSnapshot() {
  try {
    await caches.delete(SNAPSHOTS);
  } catch {}
}

/**
 * The package base of this build (pyodide/flojoy-packages.json): `site` when the packages are
 * the site's own files. Without the file (an older build), Pyodide's CDN, as before.
 */
async function packageBase(indexURL) {
  const cdn = { base: `https://cdn.jsdelivr.net/pyodide/v${version}/full/`, site: false };
  try {
    const res = await fetch(new URL("flojoy-packages.json", indexURL));
    if (!res.ok) return cdn;
    const { base, site } = await res.json();
    return typeof base === "string" ? { base: new URL(base, indexURL).href, site: site === true } : cdn;
  } catch {
    return cdn;
  }
}

const boot = (async () => {
  const t0 = performance.now();
  post({ progress: { stage: "loading Python" } });
  const indexURL = new URL("./pyodide/", import.meta.url).href;
  const base = packageBase(indexURL);
  const res = await fetch(new URL("./flojoy_api.py", import.meta.url));
  if (!res.ok) throw new Error(`flojoy_api.py: HTTP ${res.status}`);
  const api = await res.text();
  const key = await snapshotKey(api);
  const packages = await base;
  const options = {
    indexURL,
    // Pyodide itself and the standard library are ours; optional packages (numpy, …) come
    // from the package base the site was built with (app/build/packages.mjs)
    packageBaseUrl: packages.base,
    stdout: () => {},
    stderr: () => {},
  };
  const install = (py) => {
    py.FS.mkdirTree("/home/pyodide/flojoy");
    py.FS.writeFile("/home/pyodide/flojoy/__init__.py", api);
    return py.pyimport("flojoy");
  };
  let snapshot = key ? await readSnapshot(key) : null;
  if (snapshot && (await sha256(snapshot)) !== TRUSTED_DIGEST) {
    console.warn("python: the start-up snapshot does not match the digest the page keeps; starting normally");
    snapshot = null;
    await forgetSnapshot();
  }
  // Pyodide only logs a warning when its wasm cannot be fetched, and never settles, and a
  // missing standard library ends in "Program terminated with exit(1)": ask for both files
  // ourselves (headers only, then cancel; at the same time as Pyodide, which then shares the
  // download) so that a missing or blocked file fails the start, naming the file
  const probe = (file) =>
    fetch(new URL(file, indexURL)).then(
      (res) => {
        res.body?.cancel().catch(() => {});
        if (!res.ok) throw new Error(`pyodide/${file} could not be loaded (HTTP ${res.status})`);
      },
      (e) => {
        throw new Error(`pyodide/${file} could not be loaded (${(e && e.message) || e})`);
      },
    );
  const files = Promise.all(["pyodide.asm.wasm", "python_stdlib.zip"].map(probe));
  const start = async (extra) => {
    try {
      return await Promise.race([files.then(() => new Promise(() => {})), loadPyodide({ ...options, ...extra })]);
    } catch (e) {
      await files; // a missing file explains the failure better than Pyodide's own words
      throw e;
    }
  };
  if (snapshot) {
    try {
      const py = await start({ _loadSnapshot: snapshot });
      // the snapshot holds the imported module, not the file system: put the file back too
      const flojoy = install(py);
      return { py, api: flojoy, ms: performance.now() - t0, from: "snapshot", packages };
    } catch (e) {
      await files; // a missing file is not the snapshot's fault: fail with it
      console.warn("python: the start-up snapshot did not load, starting normally", e);
      await forgetSnapshot();
    }
  }
  const py = await start(key ? { _makeSnapshot: true } : {});
  post({ progress: { stage: "loading the flojoy module" } });
  const flojoy = install(py);
  let bytes = null;
  let digest = null;
  try {
    if (key) {
      bytes = py.makeMemorySnapshot();
      digest = await sha256(bytes);
    }
  } catch (e) {
    console.warn("python: no start-up snapshot", e);
  }
  return { py, api: flojoy, ms: performance.now() - t0, from: "start", bytes, key, packages, digest };
})();

boot.then(
  (env) => {
    const info = { version: env.py.version, ms: env.ms, snapshot: env.from === "snapshot", site_packages: env.packages.site };
    // the digest of the snapshot just made, before any request (user code) was handled
    if (env.digest) info.digest = env.digest;
    post({ ready: info });
    // stored after "ready": the user never waits for it
    if (env.bytes) storeSnapshot(env.key, env.bytes).finally(() => (env.bytes = null));
  },
  (e) => post({ failed: { reason: String((e && e.message) || e) } }),
);

// Python gives arrays as bytes (Uint8Array after toJs): view them as float64, and collect the
// buffers to transfer back (each is a fresh copy, never the wasm heap).
function floats(u8, transfer) {
  if (!(u8 instanceof Uint8Array)) return u8;
  const copy = u8.byteOffset % 8 === 0 ? u8 : u8.slice();
  const f = new Float64Array(copy.buffer, copy.byteOffset, copy.byteLength / 8);
  if (f.byteOffset === 0 && f.byteLength === f.buffer.byteLength) transfer.push(f.buffer);
  return f;
}

function fromPython(v, transfer) {
  if (v === null || typeof v !== "object") return v;
  const out = { type: v.type };
  for (const [k, f] of Object.entries(v)) {
    if (k === "type") continue;
    if (v.type === "Bytes" || v.type === "Plotly" || v.type === "String" || v.type === "Boolean" || v.type === "Scalar") {
      out[k] = f;
    } else if (v.type === "DataFrame") {
      out[k] = Object.fromEntries(Object.entries(f).map(([n, col]) => [n, floats(col, transfer)]));
    } else if (f && typeof f === "object" && "rows" in f) {
      out[k] = { rows: f.rows, cols: f.cols, data: floats(f.data, transfer) };
    } else {
      out[k] = floats(f, transfer);
    }
  }
  return out;
}

const toJs = (proxy) => {
  try {
    return proxy.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  } finally {
    proxy.destroy();
  }
};

/**
 * With the packages on the site itself, a node's imports of the distribution's packages
 * (`import scipy`) load them first, as Flojoy's Python has them installed; from the CDN they
 * load only when the user asks (+ package), so nothing reaches another origin unasked. Once
 * numpy is there, the flojoy module is reloaded so that nodes receive numpy arrays.
 */
async function loadImports(env, code) {
  if (!env.packages.site || env.imported.has(code)) return;
  const { py } = env;
  const problems = [];
  const numpy = !!py.loadedPackages.numpy;
  try {
    await py.loadPackagesFromImports(code, quietly(problems));
  } catch (e) {
    problems.push(String((e && e.message) || e));
  }
  if (problems.length) {
    throw new Error(`a package could not be loaded from ${env.packages.base}: ${said(problems)}`);
  }
  env.imported.add(code);
  numpyArrived(env, numpy);
}

/**
 * Pyodide's options for a quiet package load whose errors go to `problems` (a failed download
 * is reported there, and the load still resolves), and those problems as one sentence.
 */
const quietly = (problems) => ({ messageCallback: () => {}, errorCallback: (m) => problems.push(String(m)) });
const said = (problems) => problems.join(" ").replace(/\s+/g, " ").trim();

/** Once numpy is there (it was not before), nodes receive numpy arrays: reload flojoy. */
function numpyArrived(env, before) {
  if (before || !env.py.loadedPackages.numpy) return;
  env.py.runPython("import importlib, flojoy; importlib.reload(flojoy)");
  env.api = env.py.pyimport("flojoy");
}

/**
 * Loads packages of the package base by name (what "+ package" asks for): only a package
 * listed as loaded afterwards is really there.
 */
async function loadPackages(env, names) {
  const { py } = env;
  const numpy = !!py.loadedPackages.numpy;
  const problems = [];
  try {
    await py.loadPackage(names, quietly(problems));
  } catch (e) {
    problems.push(String((e && e.message) || e));
  }
  const missing = names.filter((n) => !py.loadedPackages[n]);
  if (missing.length) {
    throw new Error(`${missing.join(", ")}: ${said(problems) || "not a package of this Pyodide's package list"}`);
  }
  numpyArrived(env, numpy);
}

/** Runs a node call in Python; gives flojoy.run's report. */
function callNode({ py, api }, msg) {
  const params = py.toPy(msg.params ?? {});
  const inputs = py.toPy(Object.fromEntries(msg.inputs ?? []), { depth: 1 });
  try {
    return toJs(api.run(msg.code, msg.func, msg.node_key, inputs, params, msg.outputs ?? []));
  } finally {
    params.destroy();
    inputs.destroy();
  }
}

async function handle(kind, msg) {
  const env = await boot;
  const { py, api } = env;
  switch (kind) {
    case "call": {
      env.imported ??= new Set();
      try {
        await loadImports(env, msg.code);
      } catch (e) {
        fail(msg.id, String((e && e.message) || e));
        return;
      }
      const r = callNode(env, msg);
      if (!r.ok) {
        post({ error: { id: msg.id, message: r.message, traceback: r.traceback, line: r.line ?? null, log: r.log } });
        return;
      }
      const transfer = [];
      const outputs = r.outputs.map(([name, v]) => [name, fromPython(v, transfer)]);
      post({ result: { id: msg.id, outputs, log: r.log } }, transfer);
      return;
    }
    case "parse": {
      const r = toJs(api.parse_report(msg.code));
      if (r.ok) post({ parsed: { id: msg.id, spec: r.spec } });
      else post({ error: { id: msg.id, message: r.message, traceback: r.traceback, line: r.line ?? null, log: [] } });
      return;
    }
    case "set_interrupt":
      py.setInterruptBuffer(msg.buffer);
      return;
    case "load_packages":
      try {
        await loadPackages(env, msg.names ?? []);
        post({ packages: { id: msg.id, loaded: msg.names } });
      } catch (e) {
        fail(msg.id, String((e && e.message) || e));
      }
      return;
    default:
      fail(msg?.id ?? 0, `unknown request '${kind}'`);
  }
}

self.onmessage = ({ data }) => {
  const [kind, msg] = Object.entries(data ?? {})[0] ?? ["(empty)", {}];
  handle(kind, msg).catch((e) => fail(msg?.id ?? 0, String((e && e.message) || e), String((e && e.stack) || "")));
};
