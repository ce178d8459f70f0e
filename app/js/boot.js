// Offline app (app/js/sw.js). Before the app starts: if a newer version finished downloading
// on an earlier visit, switch to it now (one reload), so a page never mixes versions.
// The app waits for `flojoyBoot`; it shows "updated" when the version changed.
/** `f()`, or undefined where the tab's storage refuses (a sandboxed frame, storage off). */
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
    // reloads this tab has made waiting for a switch that did not come (see below); storage
    // that cannot be read or written counts as the limit reached, so the page never loops
    const TRIES = "flojoy:activate-tries";
    const tries = session(() => Number(sessionStorage.getItem(TRIES) ?? 0)) ?? 3;
    if (reg && reg.waiting && sw.controller) {
      if (tries < 3) {
        sw.addEventListener("controllerchange", () => location.reload(), { once: true });
        reg.waiting.postMessage("flojoy:activate");
        // the switch now and then never came (headless Chromium, about 1 in 6 with one wasm
        // and more often with two; Chromium activates a new worker only once the old one has
        // no request in flight, or after minutes: the likely cause, not proven): reload anyway
        // after 3 s, and this start-up asks again. After three such reloads this tab starts
        // on the version it has; a new tab, or Chromium's own switch later, brings the new one.
        setTimeout(() => {
          session(() => sessionStorage.setItem(TRIES, String(tries + 1)));
          location.reload();
        }, 3000);
        await new Promise(() => {}); // the reload comes
      }
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
