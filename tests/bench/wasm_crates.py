#!/usr/bin/env python3
"""The app's wasm by crate, from twiggy's CSV (a measurement aid; docs/wasm-size.md says how).

    twiggy top -n 1000000 -f csv flojoy-app_bg.wasm > top.csv
    python3 tests/bench/wasm_crates.py top.csv [N]

Each function counts for the crate of its path (`<T as Trait>::f` for `T`'s crate; closures
called through `core::ops::function::FnOnce::call_once` shims count for `core`); then the
biggest modules of our own crates (runtime, flojoy_app) and of Leptos', N of each (default 30).
"""
import collections
import csv
import re
import sys

OURS = ("runtime", "flojoy_app", "nodes_pyodide", "tachys", "leptos", "reactive_graph")


def crate(name):
    if name.startswith("data segment"):
        return "[data]"
    if name.startswith('"') or "subsection" in name or name.startswith("custom section"):
        return "[" + name.strip('"').split('"')[0] + "]"
    m = re.match(r"(code|import|export|type|table|elem|global|wasm-bindgen)\b", name)
    if m:
        return f"[wasm: {m.group(1)}]"
    m = re.match(r"<(?:impl [^>]* for )?&?(?:mut )?(?:dyn )?([A-Za-z_]\w*)", name)
    if name.startswith("<") and m:
        return m.group(1)
    m = re.match(r"([A-Za-z_]\w*)::", name)
    return m.group(1) if m else "[other]"


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    total = sum(int(r["ShallowSize"]) for r in rows)
    size, count, module = collections.Counter(), collections.Counter(), collections.Counter()
    for r in rows:
        s = int(r["ShallowSize"])
        c = crate(r["Name"])
        size[c] += s
        count[c] += 1
        m = re.match(r"<?&?((?:[A-Za-z_]\w*::){1,3})", r["Name"])
        if m and m.group(1).split("::")[0] in OURS:
            module[m.group(1)] += s
    print(f"{total:>9} bytes in {len(rows)} items\n\n    bytes      %  items  crate")
    for c, s in size.most_common(n):
        print(f"{s:>9} {100 * s / total:5.1f}% {count[c]:>6}  {c}")
    print("\n    bytes      %  module")
    for c, s in module.most_common(n):
        print(f"{s:>9} {100 * s / total:5.1f}%  {c}")


if __name__ == "__main__":
    main()
