// Where Python packages (numpy, scipy, …) come from in the browser: a build setting.
//
//   FLOJOY_PYODIDE_PACKAGES unset   Pyodide's CDN for this version (cdn.jsdelivr.net), as
//                                   Pyodide itself does; "+ numpy" asks before anything loads
//   FLOJOY_PYODIDE_PACKAGES=/folder a folder with a pyodide-lock.json and the files it names
//                                   (Pyodide's full distribution, unpacked): its lock file and
//                                   package files go into the site's pyodide/ folder and load
//                                   from the site itself, offline too
//   FLOJOY_PYODIDE_PACKAGES=https://host/path/   another package host (connect-src must allow it)
//
// Pyodide itself (pyodide.asm.wasm, the standard library) always comes from npm and the site.
// The setting is written to pyodide/flojoy-packages.json, which the Python worker reads.
// Package files are not precached by the service worker (a full distribution is hundreds of
// megabytes): sw.js keeps each one when it is first loaded. Returns the site paths of the
// package files (relative to the site's root) so that pwa.mjs leaves them out of the precache.
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const CDN = (version) => `https://cdn.jsdelivr.net/pyodide/v${version}/full/`;

function fail(message) {
  console.error(`packages: ${message}`);
  process.exit(1);
}

/** Places the package base in the staged site `staging`; gives the package files it copied. */
export function packages(staging) {
  const pyodide = join(staging, "pyodide");
  const setting = (process.env.FLOJOY_PYODIDE_PACKAGES ?? "").trim();
  const config = join(pyodide, "flojoy-packages.json");
  if (!setting || /^https?:\/\//.test(setting)) {
    const version = JSON.parse(readFileSync(join(root, "node_modules", "pyodide", "package.json"), "utf8")).version;
    const base = setting ? (setting.endsWith("/") ? setting : `${setting}/`) : CDN(version);
    writeFileSync(config, JSON.stringify({ base, site: false }));
    console.log(`packages: Python packages load from ${base}`);
    return [];
  }
  const folder = resolve(setting);
  const lockFile = join(folder, "pyodide-lock.json");
  if (!existsSync(lockFile)) fail(`FLOJOY_PYODIDE_PACKAGES=${setting}: ${lockFile} does not exist`);
  let lock;
  try {
    lock = JSON.parse(readFileSync(lockFile, "utf8"));
  } catch (e) {
    fail(`${lockFile} is not JSON: ${e.message}`);
  }
  // the packages must be built for the Pyodide the site runs (same Python, same ABI)
  const ours = JSON.parse(readFileSync(join(pyodide, "pyodide-lock.json"), "utf8")).info ?? {};
  for (const key of ["abi_version", "python"]) {
    if (lock.info?.[key] !== ours[key]) {
      fail(`${lockFile} is for ${key} ${lock.info?.[key]}, this site's Pyodide is ${ours[key]} (use the distribution of npm's pyodide version)`);
    }
  }
  const copied = [];
  let missing = 0;
  for (const p of Object.values(lock.packages ?? {})) {
    const name = p.file_name ?? "";
    // a relative file of the folder; an absolute URL in a lock file stays where it is
    if (!name || name.includes("/") || name.includes("\\") || /^[a-z]+:/i.test(name)) continue;
    const from = join(folder, name);
    if (!existsSync(from) || !statSync(from).isFile()) {
      missing += 1;
      continue;
    }
    copyFileSync(from, join(pyodide, basename(name)));
    copied.push(`pyodide/${basename(name)}`);
  }
  copyFileSync(lockFile, join(pyodide, "pyodide-lock.json"));
  writeFileSync(config, JSON.stringify({ base: "./", site: true }));
  const total = Object.keys(lock.packages ?? {}).length;
  console.log(
    `packages: ${copied.length} of ${total} packages from ${folder} are on the site` +
      (missing ? ` (${missing} of the files its lock file names are not in the folder)` : ""),
  );
  return copied;
}
