// The gallery's golden checks (tests/fixtures/gallery/golden.json, computed with numpy/scipy,
// never by our runtime) applied to a browser run report: the same kinds and tolerances as
// runtime/tests/gallery_examples.rs (see tests/fixtures/gallery/README.md).
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ROOT } from "./browser.mjs";

export const GOLDEN = JSON.parse(readFileSync(join(ROOT, "tests", "fixtures", "gallery", "golden.json"), "utf8"));
export const INDEX = JSON.parse(readFileSync(join(ROOT, "public", "gallery", "index.json"), "utf8")).examples;

/** A value's numbers named by `of`: v, x, y, z, m, r, g, b, a, or column:<name> (flattened). */
function array(v, of) {
  if (of.startsWith("column:")) {
    const col = v.type === "DataFrame" ? v.m[of.slice(7)] : undefined;
    if (!col) throw new Error(`no column '${of.slice(7)}' in a ${v.type}`);
    return col;
  }
  const a = v[of];
  if (!Array.isArray(a)) throw new Error(`a ${v.type} has no '${of}'`);
  return Array.isArray(a[0]) ? a.flat() : a;
}

function shape(v) {
  switch (v.type) {
    case "Vector":
      return [v.v.length];
    case "OrderedPair":
    case "OrderedTriple":
      return [v.x.length];
    case "Matrix":
    case "Grayscale":
      return [v.m.length, v.m[0]?.length ?? 0];
    case "Image":
      return [v.r.length, v.r[0]?.length ?? 0, v.a ? 4 : 3];
    case "DataFrame": {
      const cols = Object.values(v.m);
      return [cols[0]?.length ?? 0, cols.length];
    }
    default:
      return [];
  }
}

/** JSON has no NaN: null stands for it, in the golden values and in reports alike. */
function near(got, want, rtol, atol) {
  if (want === null) return got === null || Number.isNaN(got);
  return typeof got === "number" && Math.abs(got - want) <= atol + rtol * Math.abs(want);
}

function pick(a, at) {
  if (!at) return a;
  return at.map((i) => {
    const k = i < 0 ? a.length + i : i;
    if (k < 0 || k >= a.length) throw new Error(`index ${i} is out of range (${a.length})`);
    return a[k];
  });
}

function compare(got, want, rtol, atol) {
  if (got.length !== want.length) throw new Error(`${got.length} values, expected ${want.length}`);
  got.forEach((g, i) => {
    if (!near(g, want[i], rtol, atol)) throw new Error(`[${i}] = ${g}, expected ${want[i]}`);
  });
}

const STATS = {
  mean: (a) => a.reduce((s, x) => s + x, 0) / a.length,
  std: (a) => {
    const m = STATS.mean(a);
    return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length);
  },
  // loops, not Math.min(...a): spreading an image's million pixels overflows the stack
  min: (a) => a.reduce((m, x) => (x < m ? x : m), Infinity),
  max: (a) => a.reduce((m, x) => (x > m ? x : m), -Infinity),
  sum: (a) => a.reduce((s, x) => s + x, 0),
};

/** Throws, saying what differs, unless value `v` passes golden check `c`. */
export function check(v, c) {
  const want = c.value;
  const rtol = c.rtol ?? 0;
  const atol = c.atol ?? 0;
  switch (c.kind) {
    case "scalar":
      if (v.type !== "Scalar") throw new Error(`a ${v.type}, not a Scalar`);
      if (!near(v.c, want, rtol, atol)) throw new Error(`${v.c}, expected ${want}`);
      return;
    case "string":
      if (v.type !== "String") throw new Error(`a ${v.type}, not a String`);
      if (v.s !== want) throw new Error(`${JSON.stringify(v.s)}, expected ${JSON.stringify(want)}`);
      return;
    case "shape": {
      const s = shape(v);
      if (JSON.stringify(s) !== JSON.stringify(want)) throw new Error(`shape ${JSON.stringify(s)}, expected ${JSON.stringify(want)}`);
      return;
    }
    case "vector":
      return compare(pick(array(v, "v"), c.at), want, rtol, atol);
    case "pair_x":
      return compare(pick(array(v, "x"), c.at), want, rtol, atol);
    case "pair_y":
      return compare(pick(array(v, "y"), c.at), want, rtol, atol);
    case "matrix":
      if (v.type !== "Matrix") throw new Error(`a ${v.type}, not a Matrix`);
      if (v.m.length !== want.length) throw new Error(`${v.m.length} rows, expected ${want.length}`);
      want.forEach((row, i) => compare(v.m[i], row, rtol, atol));
      return;
    case "column": {
      const col = array(v, `column:${c.column}`);
      if (typeof want[0] === "string") {
        if (JSON.stringify(col) !== JSON.stringify(want)) throw new Error(`${JSON.stringify(col)}, expected ${JSON.stringify(want)}`);
        return;
      }
      return compare(pick(col, c.at), want, rtol, atol);
    }
    case "stat": {
      const got = STATS[c.stat](array(v, c.of));
      if (!near(got, want, rtol, atol)) throw new Error(`${c.stat} = ${got}, expected ${want}`);
      return;
    }
    case "channel": {
      const ch = v[c.channel];
      if (!Array.isArray(ch)) throw new Error(`a ${v.type} has no channel '${c.channel}'`);
      return compare(c.at.map(([r, col]) => ch[r][col]), want, rtol, atol);
    }
    case "within": {
      const [lo, hi] = want;
      const a = array(v, c.of);
      if (a.length === 0) throw new Error("no values");
      const bad = a.findIndex((x) => !(x >= lo - atol && x <= hi + atol));
      if (bad >= 0) throw new Error(`[${bad}] = ${a[bad]}, outside [${lo}, ${hi}]`);
      return;
    }
    default:
      throw new Error(`unknown check kind '${c.kind}'`);
  }
}
