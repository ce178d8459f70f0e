// The app's records in the browser's IndexedDB (imported by app/src/js/store.rs): the autosaved
// flow, the recent flows (what Open, New, a link, a file or an example replaced) and the
// user's templates (selections saved to insert again).
//
// A record is {text, name, nodes, outside, savedAt}: the flow's Flojoy JSON, its name, its
// node count, where it came from when that was outside the site (null otherwise), and when it
// was saved (ms since 1970). A write that does not fit the quota rejects with an Error whose
// name is "QuotaExceededError"; its transaction is aborted, so the previous record stays.

const DB = "flojoy-web";
const AUTOSAVE = "autosave";
const RECENT = "recent";
const TEMPLATES = "templates";

let opened = null;

function db() {
  opened ??= new Promise((ok, fail) => {
    // version 2 added the templates
    const req = indexedDB.open(DB, 2);
    req.onupgradeneeded = () => {
      const d = req.result;
      if (!d.objectStoreNames.contains(AUTOSAVE)) d.createObjectStore(AUTOSAVE);
      if (!d.objectStoreNames.contains(RECENT)) d.createObjectStore(RECENT, { keyPath: "id", autoIncrement: true });
      if (!d.objectStoreNames.contains(TEMPLATES)) d.createObjectStore(TEMPLATES, { keyPath: "id", autoIncrement: true });
    };
    req.onsuccess = () => {
      // a newer version of the site in another tab may upgrade the database: let it
      req.result.onversionchange = () => {
        req.result.close();
        opened = null;
      };
      ok(req.result);
    };
    req.onerror = () => {
      opened = null;
      fail(req.error ?? new Error("IndexedDB could not be opened"));
    };
    req.onblocked = () => fail(new Error("IndexedDB is blocked by another tab of an older version"));
  });
  return opened;
}

/** Runs `work(store)` in one transaction; resolves with what `work` returns once committed. */
async function tx(name, mode, work) {
  const d = await db();
  return new Promise((ok, fail) => {
    const t = d.transaction(name, mode);
    let result;
    t.oncomplete = () => ok(result);
    t.onerror = () => fail(t.error);
    t.onabort = () => fail(t.error ?? new Error("the write was aborted"));
    Promise.resolve(work(t.objectStore(name))).then((r) => (result = r), (e) => {
      fail(e);
      try { t.abort(); } catch { // already finished
      }
    });
  });
}

const request = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });

/** The autosaved record, or null. */
export function autosaveGet() {
  return tx(AUTOSAVE, "readonly", (s) => request(s.get("flow"))).then((r) => r ?? null);
}

let lastWrite = Promise.resolve();

/** Replaces the autosaved record (after the writes before it). */
export function autosavePut(record) {
  const p = lastWrite.then(() => tx(AUTOSAVE, "readwrite", (s) => { s.put(record, "flow"); }));
  lastWrite = p.catch(() => {});
  return p;
}

/** Resolves when every autosave (and recent flow) write asked for so far has finished (saved or failed). */
export function autosaveSettled() {
  return lastWrite;
}

/**
 * Adds a record to the recent flows (unless it is the same flow as the newest one) and keeps
 * the newest `keep`. Resolves with its id (or the newest's id when it was the same).
 */
export function recentPush(record, keep) {
  // in line with the autosave writes: the flow a load replaces is kept before the loaded one
  // is written (which, too big for the quota, must not take the room the kept one needs)
  const p = lastWrite.then(() => tx(RECENT, "readwrite", async (s) => {
    const newest = await new Promise((ok, fail) => {
      const c = s.openCursor(null, "prev");
      c.onsuccess = () => ok(c.result?.value ?? null);
      c.onerror = () => fail(c.error);
    });
    if (newest && newest.text === record.text) return newest.id;
    const id = await request(s.add({ ...record }));
    const keys = await request(s.getAllKeys());
    for (const k of keys.slice(0, Math.max(0, keys.length - keep))) s.delete(k);
    return id;
  }));
  lastWrite = p.catch(() => {});
  return p;
}

/** The recent flows, newest first, without their text: [{id, name, savedAt, nodes, outside}]. */
export function recentList() {
  return tx(RECENT, "readonly", async (s) => {
    const all = await request(s.getAll());
    return all.reverse().map(({ id, name, savedAt, nodes, outside }) => ({ id, name, savedAt, nodes, outside: outside ?? null }));
  });
}

/** One recent flow's record (with its text), or null. */
export function recentGet(id) {
  return tx(RECENT, "readonly", (s) => request(s.get(id))).then((r) => r ?? null);
}

/** Saves a template (a record of the selection); resolves with its id. */
export function templatePut(record) {
  return tx(TEMPLATES, "readwrite", (s) => request(s.add({ ...record })));
}

/** The templates, by name, without their text: [{id, name, savedAt, nodes, outside, subflow}]. */
export function templateList() {
  return tx(TEMPLATES, "readonly", async (s) => {
    const all = await request(s.getAll());
    return all
      .map(({ id, name, savedAt, nodes, subflow }) => ({ id, name, savedAt, nodes, outside: null, subflow: !!subflow }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** One template's record (with its text), or null. */
export function templateGet(id) {
  return tx(TEMPLATES, "readonly", (s) => request(s.get(id))).then((r) => r ?? null);
}
