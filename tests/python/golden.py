"""The gallery's golden checks (tests/fixtures/gallery/golden.json: values computed with
numpy/scipy/scikit-learn/Pillow, never by our runtime) applied to a value the Python package
returned: the kinds and tolerances of tests/support/golden.mjs and runtime/tests/gallery_examples.rs
(tests/fixtures/gallery/README.md)."""

import json
import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = json.loads((ROOT / "tests/fixtures/gallery/golden.json").read_text())
INDEX = json.loads((ROOT / "public/gallery/index.json").read_text())["examples"]


def _near(got, want, rtol, atol):
    if want is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    return abs(float(got) - want) <= atol + rtol * abs(want)


def _pick(a, at):
    a = list(np.asarray(a).ravel()) if not isinstance(a, list) else a
    return a if at is None else [a[i] for i in at]


def _compare(got, want, rtol, atol):
    assert len(got) == len(want), f"{len(got)} values, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert _near(g, w, rtol, atol), f"[{i}] = {g}, expected {w}"


def _array(v, of):
    if of.startswith("column:"):
        return list(v.m[of[7:]])
    a = v[of]
    return np.asarray(a, dtype=float).ravel()


def _shape(v):
    t = v.type
    if t == "Vector":
        return [len(v.v)]
    if t in ("OrderedPair", "OrderedTriple"):
        return [len(v.x)]
    if t in ("Matrix", "Grayscale"):
        return list(np.asarray(v.m).shape)
    if t == "Image":
        return [*np.asarray(v.r).shape, 4 if v.a is not None else 3]
    if t == "DataFrame":
        return list(v.m.shape)
    return []


STATS = {"mean": np.mean, "std": np.std, "min": np.min, "max": np.max, "sum": np.sum}


def check(v, c):
    """Raises AssertionError, saying what differs, unless ``v`` passes golden check ``c``."""
    want, rtol, atol, kind = c.get("value"), c.get("rtol", 0), c.get("atol", 0), c["kind"]
    if kind == "scalar":
        assert v.type == "Scalar" and _near(v.c, want, rtol, atol), f"{v.c}, expected {want}"
    elif kind == "string":
        assert v.type == "String" and v.s == want, f"{v.s!r}, expected {want!r}"
    elif kind == "shape":
        assert _shape(v) == want, f"shape {_shape(v)}, expected {want}"
    elif kind in ("vector", "pair_x", "pair_y"):
        _compare(_pick(_array(v, {"vector": "v", "pair_x": "x", "pair_y": "y"}[kind]), c.get("at")), want, rtol, atol)
    elif kind == "matrix":
        m = np.asarray(v.m, dtype=float)
        assert m.shape[0] == len(want), f"{m.shape[0]} rows, expected {len(want)}"
        for row, w in zip(m, want):
            _compare(list(row), w, rtol, atol)
    elif kind == "column":
        col = list(v.m[c["column"]])
        if want and isinstance(want[0], str):
            assert [str(x) for x in col] == want, f"{col}, expected {want}"
        else:
            _compare(_pick(col, c.get("at")), want, rtol, atol)
    elif kind == "stat":
        got = float(STATS[c["stat"]](_array(v, c["of"])))
        assert _near(got, want, rtol, atol), f"{c['stat']} = {got}, expected {want}"
    elif kind == "channel":
        ch = np.asarray(v[c["channel"]], dtype=float)
        _compare([ch[r][k] for r, k in c["at"]], want, rtol, atol)
    elif kind == "within":
        lo, hi = want
        a = _array(v, c["of"])
        assert all(lo <= x <= hi for x in a), f"a value of {c['of']} is outside [{lo}, {hi}]"
    else:
        raise AssertionError(f"unknown check kind {kind}")
