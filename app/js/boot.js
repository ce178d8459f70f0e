// Offline app (app/js/sw.js). Before the app starts: if a newer version finished downloading
// on an earlier visit, switch to it now (one reload), so a page never mixes versions.
// The app waits for `flojoyBoot`; it shows "updated" when the version changed.
window.flojoyBoot = (async () => {
  const sw = navigator.serviceWorker;
  if (!sw || !location.protocol.startsWith("http")) return;
  try {
    // (bounded, in case the service worker API never answers; 500 ms was too short on a busy
    // machine, and the page then stayed on the old version for one more visit)
    const reg = await Promise.race([sw.getRegistration(), new Promise((ok) => setTimeout(ok, 3000))]);
    // reloads this tab has made waiting for a switch that did not come (see below)
    const TRIES = "flojoy:activate-tries";
    const tries = Number(sessionStorage.getItem(TRIES) ?? 0);
    if (reg && reg.waiting && sw.controller && tries < 3) {
      sw.addEventListener("controllerchange", () => location.reload(), { once: true });
      reg.waiting.postMessage("flojoy:activate");
      // the switch now and then never came (headless Chromium, about 1 in 6 with one wasm and
      // more often with two; Chromium holds a new worker back while the old one still has
      // requests in flight): reload anyway after 3 s, and this start-up asks again; after
      // three such reloads the app starts on the version it has, and a later load switches
      setTimeout(() => {
        sessionStorage.setItem(TRIES, String(tries + 1));
        location.reload();
      }, 3000);
      await new Promise(() => {}); // the reload comes
    }
    sessionStorage.removeItem(TRIES);
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
