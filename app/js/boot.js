// Offline app (app/js/sw.js). Before the app starts: if a newer version finished downloading
// on an earlier visit, switch to it now (one reload), so a page never mixes versions.
// The app waits for `flojoyBoot`; it shows "updated" when the version changed.
/** `f()`, or undefined where the tab's storage refuses (storage off or full). */
function session(f) {
  try {
    return f();
  } catch {
    return undefined;
  }
}

window.flojoyBoot = (async () => {
  const sw = navigator.serviceWorker;
  if (!sw || !location.protocol.startsWith("http")) return;
  try {
    // (bounded, in case the service worker API never answers; 500 ms was too short on a busy
    // machine, and the page then stayed on the old version for one more visit)
    const reg = await Promise.race([sw.getRegistration(), new Promise((ok) => setTimeout(ok, 3000))]);
    // reloads this tab has made waiting for a switch that did not come (see below), and when
    // the last was: "tries:ms". A tab gives up after three, for ten minutes (by then Chromium
    // has made the switch itself, and a still newer version is asked for again).
    const TRIES = "flojoy:activate-tries";
    const [count, at] = (session(() => sessionStorage.getItem(TRIES)) ?? "0:0").split(":").map(Number);
    const tries = Date.now() - at < 10 * 60_000 ? count : 0;
    if (reg && reg.waiting && sw.controller) {
      // the count is written first: storage that refuses it (full, or off) means no try, so
      // the page can never reload for ever
      const counted = tries < 3 && session(() => (sessionStorage.setItem(TRIES, `${tries + 1}:${Date.now()}`), true));
      if (counted) {
        sw.addEventListener("controllerchange", () => location.reload(), { once: true });
        reg.waiting.postMessage("flojoy:activate");
        // the switch now and then never came (headless Chromium, about 1 in 6 with one wasm
        // and more often with two; Chromium activates a new worker only once the old one has
        // no request in flight, or after minutes: the likely cause, not proven): reload anyway
        // after 3 s, and this start-up asks again
        setTimeout(() => location.reload(), 3000);
        await new Promise(() => {}); // the reload comes
      }
      // given up: this tab starts on the version it has. If the new worker takes it over later
      // (it was asked to), the running app has all its code (a visit under a service worker
      // links the lazy part before it starts); the app says a new version is ready.
      sw.addEventListener("controllerchange", () => window.dispatchEvent(new Event("flojoy-update-ready")), { once: true });
    } else {
      session(() => sessionStorage.removeItem(TRIES));
    }
  } catch (e) {
    console.warn("offline support:", e);
  }
})();
window.addEventListener("load", async () => {
  const sw = navigator.serviceWorker;
  if (!sw || !location.protocol.startsWith("http")) return;
  try {
    const reg = await sw.register("sw.js");
    reg.addEventListener("updatefound", () => {
      const next = reg.installing;
      next?.addEventListener("statechange", () => {
        if (next.state === "installed" && sw.controller) window.dispatchEvent(new Event("flojoy-update-ready"));
      });
    });
  } catch (e) {
    console.warn("offline support unavailable:", e);
  }
});
