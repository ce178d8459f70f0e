// The app's wasm arrives in two parts (app/build/split.mjs): the primary part, with what a
// first visit runs before the editor is on screen, and the lazy part with everything else.
// Until the lazy part is linked, its functions' slots in the primary's function table hold
// placeholders (imports "placeholder"."<slot>"); linking it fills the slots with the real
// functions.
//
// The lazy part is fetched and compiled in the background once the editor's first frame is
// drawn, then linked (a visit from the offline copy links it before the app starts: see
// `ready`); a placeholder called before that (code the startup list did not foresee) loads it
// at once, synchronously, and then calls the real function: slower that once, never wrong.
// `window.flojoyLazyWasm` says what happened (the bench and tests read it).
let url = null;
let tableExport = null;
let primary = null; // the primary instance's exports
let bytes = null; // the lazy part's bytes, once fetched
let linked = false;

// `early`: the table slots of the first placeholders called, for whoever wonders what the
// startup list missed (tests/e2e/lazy_wasm.test.mjs prints them; the build's
// target/wasm-split/primary.wasm.placeholders names them)
export const state = { linked_ms: null, placeholder_calls: 0, sync_loads: 0, early: [], error: null };
globalThis.flojoyLazyWasm = state;

/** Adds the placeholders to the primary part's imports (called by the wasm-bindgen glue). */
export function link(imports, lazyUrl, table) {
  url = lazyUrl;
  tableExport = table;
  imports.placeholder = new Proxy(
    {},
    {
      get: (_, name) => {
        const slot = Number(name);
        return (...args) => {
          if (!primary) throw new Error("Flojoy: the lazy part of the wasm was called before the app started");
          state.placeholder_calls++;
          if (state.early.length < 20) state.early.push(slot);
          if (!linked) loadNow();
          return primary[tableExport].get(slot)(...args);
        };
      },
    },
  );
}

/**
 * The primary part is instantiated (called by the glue before it starts the app): fetch the lazy
 * part, compile it in the background and link it.
 *
 * A visit served by the offline copy (a service worker controls the page) may have no network,
 * and Chromium does not pass a synchronous request (the placeholders' fallback) through the
 * service worker: such a visit links the lazy part, read from the offline copy, before the app
 * starts. Any other visit starts loading it once the first frame is drawn, so that compiling it
 * does not compete with drawing the editor (or after 300 ms, in a tab that draws no frames).
 */
export async function ready(instance) {
  primary = instance.exports;
  if (navigator.serviceWorker?.controller) return load();
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    load();
  };
  requestAnimationFrame(() => setTimeout(start, 0));
  setTimeout(start, 300);
}

function load() {
  if (linked) return Promise.resolve();
  return fetch(url)
    .then((res) => {
      if (!res.ok) throw new Error(`${url.pathname.split("/").pop()}: HTTP ${res.status}`);
      // the bytes too: a placeholder called before the compilation ends compiles them itself
      const kept = res
        .clone()
        .arrayBuffer()
        .then((b) => (bytes = b));
      // (compiling from the bytes if the host does not say application/wasm)
      const compiling = WebAssembly.compileStreaming(res).catch(() => kept.then((b) => WebAssembly.compile(b)));
      return Promise.all([compiling, kept]);
    })
    .then(([module]) => linkModule(module))
    .catch((e) => {
      // a placeholder retries synchronously and reports it where it was called
      state.error = String(e);
      console.warn("Flojoy: the app's code did not finish loading in the background:", e);
    });
}

function linkModule(module) {
  if (linked) return;
  new WebAssembly.Instance(module, { primary });
  linked = true;
  state.linked_ms = Math.round(performance.now());
}

function loadNow() {
  state.sync_loads++;
  try {
    linkModule(new WebAssembly.Module(bytes ?? fetchNow()));
  } catch (e) {
    const msg = `Flojoy could not load the rest of its code (${e.message ?? e}). Reload the page to try again (your flow is autosaved).`;
    tellUser(msg);
    throw new Error(msg);
  }
}

/** The lazy part's bytes, fetched synchronously. */
function fetchNow() {
  // A synchronous request can only give text in a page; each char code's low byte is a byte.
  const xhr = new XMLHttpRequest();
  xhr.open("GET", url, false);
  xhr.overrideMimeType("text/plain; charset=x-user-defined");
  xhr.send();
  if (xhr.status !== 200) throw new Error(`${url.pathname.split("/").pop()}: HTTP ${xhr.status || "no answer"}`);
  const text = xhr.responseText;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** A message in the page itself: the app's own error display may be what failed to load. */
function tellUser(msg) {
  if (document.querySelector("[data-testid=lazy-wasm-error]")) return;
  const box = document.createElement("div");
  box.setAttribute("role", "alert");
  box.dataset.testid = "lazy-wasm-error";
  box.textContent = msg;
  box.style.cssText =
    "position:fixed;left:50%;top:12px;transform:translateX(-50%);z-index:100000;max-width:40em;" +
    "padding:10px 14px;border-radius:6px;background:#5b1d1d;color:#fff;font:14px system-ui,sans-serif";
  document.body.append(box);
}
