// The DSP benchmark, side by side in one run: tests/bench/noisy_sine_dsp.json (a noisy sine on
// 1,000,000 samples → FFT and BUTTER) (a) natively (runtime/examples/dsp_bench.rs, release
// build), (b) as wasm in headless Chromium (dsp.mjs, the built site in dist/) and (c) as the
// same numpy/scipy calls on the host's CPython (dsp_numpy.py). The three are run in turn for
// DSP_ROUNDS rounds of DSP_RUNS timed runs each (after DSP_WARMUP untimed ones, in every
// process and page), so that a busy moment of the machine hits all of them; the medians are
// of all the timed runs. Goals: wasm ≤ 1.5× numpy, native ≤ 1.0× numpy (sum of the nodes).
//
// Before the timings count, the results must agree: native and wasm (same seeded flow) on the
// FFT's peak and mean and BUTTER's first values, last value and RMS to 1e-9; numpy's FFT and
// BUTTER on the native signal (dsp_bench --signal) to 1e-9 too; numpy's own run (its own
// generator's noise) to statistical tolerances.
//
//   DSP_RUNS=7 DSP_ROUNDS=3 node tests/bench/compare_dsp.mjs   (needs dist/: trunk build --release)
//
// Prints a table and writes the numbers into test-results/bench.json (key "dsp").
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";

import { DIST, OUT, ROOT } from "../support/browser.mjs";
import { serve } from "../support/server.mjs";
import { DSP_FLOW, benchDsp, median } from "./dsp.mjs";

const LABELS = ["LINSPACE", "SINE", "RAND", "ADD", "FFT", "BUTTER"];
const GOALS = { wasm: 1.5, native: 1.0 };

function native({ runs, warmup, signal }) {
  const args = ["run", "--release", "--locked", "--quiet", "-p", "flojoy-runtime", "--example", "dsp_bench", "--"];
  args.push(DSP_FLOW, "--runs", String(runs), "--warmup", String(warmup));
  if (signal) args.push("--signal", signal);
  return JSON.parse(execFileSync("cargo", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
}

function numpy({ runs, warmup, signal }) {
  const args = [join(ROOT, "tests", "bench", "dsp_numpy.py"), DSP_FLOW, "--runs", String(runs), "--warmup", String(warmup)];
  if (signal) args.push("--signal", signal);
  return JSON.parse(execFileSync("python3", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
}

/** Medians over every timed run of every round. */
function pool(results) {
  const all = (f) => results.flatMap(f);
  return {
    runs: results.reduce((n, r) => n + r.samples.nodes_ms.length, 0),
    ms: Object.fromEntries(LABELS.map((l) => [l, median(all((r) => r.samples.ms[l]))])),
    nodes_ms: median(all((r) => r.samples.nodes_ms)),
    run_ms: median(all((r) => r.samples.run_ms)),
    // how much the machine moved: each round's median, and the best run
    rounds_nodes_ms: results.map((r) => r.nodes_ms),
    best_nodes_ms: Math.min(...all((r) => r.samples.nodes_ms)),
  };
}

/** Compares two summaries field by field; numbers within `rtol` of each other (or `tol[field]`). */
function agree(what, a, b, rtol, tol = {}) {
  const bad = [];
  for (const part of ["fft", "butter"]) {
    for (const [k, va] of Object.entries(b[part])) {
      const pairs = Array.isArray(va) ? va.map((v, i) => [`${k}[${i}]`, a[part][k][i], v]) : [[k, a[part][k], va]];
      for (const [name, x, y] of pairs) {
        const t = tol[`${part}.${k}`] ?? rtol;
        if (t === Infinity) continue;
        if (!(x === y || Math.abs(x - y) <= t * Math.max(Math.abs(x), Math.abs(y)))) bad.push(`${part}.${name}: ${x} vs ${y} (rtol ${t})`);
      }
    }
  }
  return { what, ok: bad.length === 0, ...(bad.length ? { differences: bad } : {}) };
}

const fmt = (x, d = 2) => (x === undefined ? "–" : x.toFixed(d));

export async function compareDsp(url, { runs = 7, warmup = 2, rounds = 3 } = {}) {
  const signal = join(OUT, "dsp_signal.f64");
  const load = { before: loadavg() };
  const res = { native: [], wasm: [], numpy: [] };
  for (let round = 0; round < rounds; round++) {
    // the first round also writes the native signal and filters it with numpy
    res.native.push(native({ runs, warmup, signal: round === 0 ? signal : undefined }));
    res.numpy.push(numpy({ runs, warmup, signal: round === 0 ? signal : undefined }));
    res.wasm.push(await benchDsp(url, { runs, warmup }));
  }
  load.after = loadavg();
  const [n0, w0, p0] = [res.native[0], res.wasm[0], res.numpy[0]];
  const checks = [
    agree("wasm = native (same seeded flow)", w0.summary, n0.summary, 1e-9),
    agree("numpy on the native signal = native", p0.same_input, n0.summary, 1e-9),
    // numpy draws other noise (σ 0.5): the 50 Hz peak moves by ~1e-3, the rest by less
    agree("numpy's own run ≈ native (other noise)", p0.summary, n0.summary, 1e-2, { "fft.peak": 5e-3, "butter.head": Infinity, "butter.last": Infinity }),
  ];
  const pooled = { native: pool(res.native), wasm: pool(res.wasm), numpy: pool(res.numpy) };
  const ratio = (side, f) => f(pooled[side]) / f(pooled.numpy);
  const ratios = {};
  for (const side of ["native", "wasm"]) {
    ratios[side] = Object.fromEntries([...LABELS.map((l) => [l, ratio(side, (p) => p.ms[l])]), ["nodes", ratio(side, (p) => p.nodes_ms)], ["run", ratio(side, (p) => p.run_ms)]]);
  }
  const goals = Object.fromEntries(Object.entries(GOALS).map(([side, goal]) => [side, { goal, ratio: ratios[side].nodes, met: ratios[side].nodes <= goal }]));
  return {
    flow: "tests/bench/noisy_sine_dsp.json",
    samples: 1_000_000,
    rounds,
    runs_per_round: runs,
    warmup,
    load,
    versions: { ...p0.versions, chromium: w0.chromium },
    cross_origin_isolated: w0.cross_origin_isolated,
    ms: pooled,
    ratios,
    goals,
    checks,
  };
}

export function printDsp(r) {
  const { native, wasm, numpy } = r.ms;
  const row = (name, n, w, p) => `  ${name.padEnd(10)} ${fmt(n).padStart(9)} ${fmt(w).padStart(9)} ${fmt(p).padStart(9)}   ${fmt(n / p).padStart(9)}  ${fmt(w / p).padStart(9)}`;
  console.log(`dsp: ${r.flow}, ${r.samples.toLocaleString("en")} samples; medians of ${native.runs} runs each (${r.rounds} rounds); load ${r.load.before.map((x) => x.toFixed(2)).join(" ")} → ${r.load.after.map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`  ${"ms".padEnd(10)} ${"native".padStart(9)} ${"wasm".padStart(9)} ${"numpy".padStart(9)}   native/np    wasm/np`);
  for (const l of LABELS) console.log(row(l, native.ms[l], wasm.ms[l], numpy.ms[l]));
  console.log(row("nodes", native.nodes_ms, wasm.nodes_ms, numpy.nodes_ms));
  console.log(row("run (wall)", native.run_ms, wasm.run_ms, numpy.run_ms));
  const rounds = (p) => p.rounds_nodes_ms.map((x) => fmt(x, 1)).join(" ");
  console.log(`  nodes per round: native ${rounds(native)}; wasm ${rounds(wasm)}; numpy ${rounds(numpy)}`);
  console.log(`  best run (nodes): native ${fmt(native.best_nodes_ms)}, wasm ${fmt(wasm.best_nodes_ms)}, numpy ${fmt(numpy.best_nodes_ms)}`);
  for (const [side, g] of Object.entries(r.goals)) console.log(`  goal ${side} ≤ ${g.goal}× numpy (nodes): ${fmt(g.ratio)}× ${g.met ? "met" : "MISSED"}`);
  for (const c of r.checks) console.log(`  check ${c.ok ? "ok  " : "FAIL"} ${c.what}${c.ok ? "" : ": " + c.differences.join("; ")}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await serve(DIST, { isolate: true }); // performance.now() to 5 µs
  let r;
  try {
    r = await compareDsp(server.url, {
      runs: Number(process.env.DSP_RUNS ?? 7),
      rounds: Number(process.env.DSP_ROUNDS ?? 3),
      warmup: Number(process.env.DSP_WARMUP ?? 2),
    });
  } finally {
    await server.close();
  }
  printDsp(r);
  const file = join(OUT, "bench.json");
  const all = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  writeFileSync(file, JSON.stringify({ ...all, dsp: r }, null, 2));
  if (r.checks.some((c) => !c.ok)) process.exitCode = 1;
}
