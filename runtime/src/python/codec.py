"""The Python half of the worker protocol's values, shared by the runner's worker process
(`worker.py`, which follows this text) and the Python package's in-process nodes
(`python/flojoy_web/`). A header is JSON whose arrays are buffers sent beside it: in the
header a buffer is {"$b": index}, a float JSON cannot hold (NaN, ±inf) is {"$f": "nan"}.
It also holds what both do with a request: install the `flojoy` module node code imports,
and answer a call. The Rust half is runtime/src/python/wire.rs and call.rs."""

import json
import math
import sys
import types


def _buffer(n, floats):
    # float64 arrays are read into numpy's own memory when numpy is there: a fresh bytearray
    # of megabytes is new pages from the system, each first touch a page fault, which costs
    # more than the copy itself; numpy's allocator reuses freed memory
    np = sys.modules.get("numpy") if floats and n % 8 == 0 else None
    return np.empty(n // 8, dtype=np.float64) if np is not None else bytearray(n)


def _decode(v, bufs):
    if isinstance(v, dict):
        if len(v) == 1:
            if "$b" in v:
                return bufs[v["$b"]]
            if "$f" in v:
                return float(v["$f"])
        return {k: _decode(x, bufs) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode(x, bufs) for x in v]
    return v


def _encode(v, bufs, raw=False):
    """A reply → JSON-ready data; byte buffers are moved aside into ``bufs``."""
    if isinstance(v, (bytes, bytearray, memoryview)):
        bufs.append((v, "u8" if raw else "d"))
        return {"$b": len(bufs) - 1}
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else {"$f": repr(v)}
    if isinstance(v, dict):
        is_bytes = v.get("type") == "Bytes"
        return {str(k): _encode(x, bufs, is_bytes and k == "b") for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_encode(x, bufs) for x in v]
    if hasattr(v, "tolist"):  # numpy inside a figure: numeric 1-D arrays travel as buffers
        if getattr(v, "ndim", 0) == 1 and v.dtype.kind in "biuf":
            import numpy

            bufs.append((numpy.ascontiguousarray(v, dtype=numpy.float64), "d"))
            return {"$b": len(bufs) - 1}
        return _encode(v.tolist(), bufs)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    raise TypeError(f"cannot send a {type(v).__name__} back to the runner")


def _captured(f, *args):
    """Runs f with what it writes to stderr (warnings) kept, for the node's log."""
    import io

    old, sys.stderr = sys.stderr, io.StringIO()
    try:
        return f(*args), sys.stderr.getvalue().splitlines()
    finally:
        sys.stderr = old


def _install(api):
    """Runs ``api`` (flojoy_api.py) as the module ``flojoy`` that node code imports."""
    mod = types.ModuleType("flojoy")
    mod.__file__ = "flojoy_api.py"
    sys.modules["flojoy"] = mod
    exec(compile(api, "flojoy_api.py", "exec"), mod.__dict__)
    return mod


def _unsendable(e, reply):
    """The error reply for a reply that could not be encoded (an output Python cannot send)."""
    return {"type": "error", "message": f"{type(e).__name__}: {e}", "traceback": "", "line": None,
            "log": reply.get("log", [])}


def _answer(flojoy, msg):
    """A request (``call`` or ``parse``, decoded) → its reply, to be encoded."""
    kind = msg.get("type")
    if kind == "call":
        report, warnings = _captured(
            flojoy.run, msg["code"], msg["func"], msg["node_key"], msg["inputs"], msg["params"], msg["outputs"]
        )
        log = report.get("log", []) + warnings
        if not report["ok"]:
            return {"type": "error", "message": report["message"], "traceback": report["traceback"],
                    "line": report.get("line"), "log": log}
        reply = {"type": "result", "outputs": report["outputs"], "log": log}
        if "flow_to" in report:
            reply["flow_to"] = report["flow_to"]
        return reply
    if kind == "parse":
        r = flojoy.parse_report(msg["code"])
        if r["ok"]:
            return {"type": "parsed", "spec": r["spec"]}
        return {"type": "error", "message": r["message"], "traceback": r["traceback"], "line": r.get("line"), "log": []}
    return {"type": "error", "message": f"unknown request '{kind}'", "traceback": "", "line": None, "log": []}
