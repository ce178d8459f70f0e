// Flojoy Web's Python worker: Pyodide in an ES-module Web Worker.
//
// It speaks the protocol of nodes-pyodide/src/protocol.rs (messages tagged by "type", requests
// carrying an "id"). Numbers travel as Float64Array buffers, transferred, never as lists.
// Pyodide is loaded from the app's own folder (vendored at build time), never from a CDN.

import { loadPyodide, version } from "./pyodide/pyodide.mjs";

const post = (msg, transfer = []) => self.postMessage(msg, transfer);

const boot = (async () => {
  const t0 = performance.now();
  post({ type: "progress", stage: "loading Python" });
  const indexURL = new URL("./pyodide/", import.meta.url).href;
  // Pyodide only logs a warning when its wasm cannot be fetched, and never settles: ask for
  // the file ourselves (headers only, then cancel) so a missing or blocked file fails the start
  const wasmMissing = fetch(new URL("pyodide.asm.wasm", indexURL)).then(
    (res) => {
      res.body?.cancel().catch(() => {});
      if (!res.ok) throw new Error(`pyodide/pyodide.asm.wasm could not be loaded (HTTP ${res.status})`);
      return new Promise(() => {}); // found: let loadPyodide finish
    },
    (e) => {
      throw new Error(`pyodide/pyodide.asm.wasm could not be loaded (${(e && e.message) || e})`);
    },
  );
  const py = await Promise.race([wasmMissing, loadPyodide({
    indexURL,
    // only optional packages (numpy, when the user asks for it) come from Pyodide's online
    // package index; Pyodide itself and the standard library are ours
    packageBaseUrl: `https://cdn.jsdelivr.net/pyodide/v${version}/full/`,
    stdout: () => {},
    stderr: () => {},
  })]);
  post({ type: "progress", stage: "loading the flojoy module" });
  const res = await fetch(new URL("./flojoy_api.py", import.meta.url));
  if (!res.ok) throw new Error(`flojoy_api.py: HTTP ${res.status}`);
  py.FS.mkdirTree("/home/pyodide/flojoy");
  py.FS.writeFile("/home/pyodide/flojoy/__init__.py", await res.text());
  const api = py.pyimport("flojoy");
  return { py, api, ms: performance.now() - t0 };
})();

boot.then(
  ({ py, ms }) => post({ type: "ready", version: py.version, ms }),
  (e) => post({ type: "failed", reason: String((e && e.message) || e) }),
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

async function handle(msg) {
  const env = await boot;
  const { py, api } = env;
  switch (msg.type) {
    case "call": {
      const params = py.toPy(msg.params ?? {});
      const inputs = py.toPy(msg.inputs ?? {}, { depth: 1 });
      let r;
      try {
        r = toJs(api.run(msg.code, msg.func, msg.node_key, inputs, params, msg.outputs ?? []));
      } finally {
        params.destroy();
        inputs.destroy();
      }
      if (!r.ok) {
        post({ type: "error", id: msg.id, message: r.message, traceback: r.traceback, line: r.line ?? null, log: r.log });
        return;
      }
      const transfer = [];
      const outputs = r.outputs.map(([name, v]) => [name, fromPython(v, transfer)]);
      post({ type: "result", id: msg.id, outputs, log: r.log }, transfer);
      return;
    }
    case "parse": {
      const r = toJs(api.parse_report(msg.code));
      if (r.ok) post({ type: "parsed", id: msg.id, spec: r.spec });
      else post({ type: "error", id: msg.id, message: r.message, traceback: r.traceback, line: r.line ?? null, log: [] });
      return;
    }
    case "set_interrupt":
      py.setInterruptBuffer(msg.buffer);
      return;
    case "load_numpy":
      try {
        await py.loadPackage("numpy");
        py.runPython("import importlib, flojoy; importlib.reload(flojoy)");
        env.api = py.pyimport("flojoy");
        post({ type: "numpy", id: msg.id, ok: true });
      } catch (e) {
        post({ type: "error", id: msg.id, message: `numpy could not be loaded: ${(e && e.message) || e}`, traceback: "", line: null, log: [] });
      }
      return;
    default:
      post({ type: "error", id: msg.id ?? 0, message: `unknown request '${msg.type}'`, traceback: "", line: null, log: [] });
  }
}

self.onmessage = ({ data }) => {
  handle(data).catch((e) =>
    post({ type: "error", id: data.id ?? 0, message: String((e && e.message) || e), traceback: String((e && e.stack) || ""), line: null, log: [] }),
  );
};
