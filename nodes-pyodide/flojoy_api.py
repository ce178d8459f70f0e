"""Flojoy's Python node API, for Python nodes running in Pyodide.

A node written for Flojoy Studio (``@flojoy`` decorator, DataContainer classes) runs here
unchanged. Numbers arrive as ``FloatArray`` (a compact float64 sequence with element-wise
arithmetic, backed by the typed array that crossed from the page) or, when numpy is loaded,
as numpy arrays.

Installed into Pyodide's file system as the package ``flojoy`` by the worker.
"""

import array as _array
import builtins as _builtins
import inspect as _inspect
import io as _io
import math as _math
import sys as _sys
import traceback as _traceback
import typing as _typing

__all__ = [
    "DataContainer", "OrderedPair", "OrderedTriple", "Surface", "Scalar", "Vector", "Matrix",
    "DataFrame", "Grayscale", "Image", "Plotly", "String", "TextBlob", "Bytes", "Boolean",
    "flojoy", "display", "DefaultParams", "TextArea", "NodeReference", "Array", "File",
    "Directory", "FloatArray", "node_initialization", "SmallMemory",
]

try:  # numpy is optional: only when the user enabled it (it needs Pyodide's package index)
    import numpy as _np  # noqa: F401
except Exception:  # pragma: no cover - depends on the environment
    _np = None


# ---------------------------------------------------------------- arrays without numpy
class FloatArray:
    """A float64 sequence with numpy-like element-wise arithmetic."""

    __slots__ = ("_a",)

    def __init__(self, data=()):
        if isinstance(data, FloatArray):
            self._a = _array.array("d", data._a)
        elif isinstance(data, _array.array) and data.typecode == "d":
            self._a = data
        elif isinstance(data, (bytes, bytearray, memoryview)):
            self._a = _array.array("d")
            self._a.frombytes(bytes(data) if not isinstance(data, memoryview) else data.cast("B"))
        elif isinstance(data, (int, float)):
            self._a = _array.array("d", [float(data)])
        else:
            self._a = _array.array("d", (float(x) for x in data))

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return iter(self._a)

    def __getitem__(self, i):
        r = self._a[i]
        return FloatArray(r) if isinstance(i, slice) else r

    def __setitem__(self, i, v):
        self._a[i] = v

    def __repr__(self):
        items = list(self._a[:6])
        more = ", ..." if len(self._a) > 6 else ""
        return "FloatArray([" + ", ".join(repr(x) for x in items) + more + "])"

    def __eq__(self, other):
        try:
            return list(self._a) == list(other)
        except TypeError:
            return NotImplemented

    def tolist(self):
        return self._a.tolist()

    def tobytes(self):
        return self._a.tobytes()

    def copy(self):
        return FloatArray(self)

    @property
    def shape(self):
        return (len(self._a),)

    @property
    def size(self):
        return len(self._a)

    def sum(self):
        return _math.fsum(self._a)

    def mean(self):
        return _math.fsum(self._a) / len(self._a) if self._a else float("nan")

    def min(self):
        return _builtins.min(self._a)

    def max(self):
        return _builtins.max(self._a)

    def _op(self, other, f):
        if isinstance(other, (int, float)):
            o = float(other)
            return FloatArray(_array.array("d", [f(x, o) for x in self._a]))
        other = other if isinstance(other, FloatArray) else FloatArray(other)
        if len(other) == 1:
            o = other._a[0]
            return FloatArray(_array.array("d", [f(x, o) for x in self._a]))
        if len(self) == 1:
            s = self._a[0]
            return FloatArray(_array.array("d", [f(s, y) for y in other._a]))
        if len(other) != len(self):
            raise ValueError(f"operands could not be broadcast together with shapes ({len(self)},) ({len(other)},)")
        return FloatArray(_array.array("d", [f(x, y) for x, y in zip(self._a, other._a)]))

    def _rop(self, other, f):
        return self._op(other, lambda x, y: f(y, x))

    def __add__(self, o): return self._op(o, lambda x, y: x + y)
    def __radd__(self, o): return self._rop(o, lambda x, y: x + y)
    def __sub__(self, o): return self._op(o, lambda x, y: x - y)
    def __rsub__(self, o): return self._rop(o, lambda x, y: x - y)
    def __mul__(self, o): return self._op(o, lambda x, y: x * y)
    def __rmul__(self, o): return self._rop(o, lambda x, y: x * y)
    def __truediv__(self, o): return self._op(o, lambda x, y: x / y if y else (float("nan") if x == 0 else _math.copysign(float("inf"), x)))
    def __rtruediv__(self, o): return self._rop(o, lambda x, y: x / y if y else (float("nan") if x == 0 else _math.copysign(float("inf"), x)))
    def __pow__(self, o): return self._op(o, lambda x, y: x ** y)
    def __rpow__(self, o): return self._rop(o, lambda x, y: x ** y)
    def __mod__(self, o): return self._op(o, lambda x, y: x % y)
    def __neg__(self): return FloatArray(_array.array("d", [-x for x in self._a]))
    def __abs__(self): return FloatArray(_array.array("d", [abs(x) for x in self._a]))


def _arr(v):
    """An array field as the node author expects it: numpy if loaded, else FloatArray."""
    if v is None:
        return None
    if _np is not None:
        if isinstance(v, FloatArray):
            return _np.frombuffer(v._a, dtype=_np.float64).copy()
        return _np.asarray(v)
    if isinstance(v, (FloatArray, str, bytes)):
        return v
    if isinstance(v, (list, tuple)) and v and isinstance(v[0], (list, tuple, FloatArray)):
        return [FloatArray(r) for r in v]
    return FloatArray(v)


# ---------------------------------------------------------------- DataContainers
_KEYS = {
    "OrderedPair": ("x", "y"), "OrderedTriple": ("x", "y", "z"), "Surface": ("x", "y", "z"),
    "Scalar": ("c",), "Vector": ("v",), "Matrix": ("m",), "DataFrame": ("m",),
    "Grayscale": ("m",), "Image": ("r", "g", "b", "a"), "Plotly": ("fig",), "String": ("s",),
    "Bytes": ("b",), "Boolean": ("b",),
}


class DataContainer(dict):
    """Base class: a dict with attribute access, like Flojoy's Box-based DataContainer."""

    type = "DataContainer"

    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no field '{k}'") from None

    def __setattr__(self, k, v):
        self[k] = v

    def __init__(self, **fields):
        super().__init__()
        dict.__setitem__(self, "type", type(self).type)
        extra = fields.pop("extra", None)
        for k, v in fields.items():
            self[k] = v
        dict.__setitem__(self, "extra", extra)

    def validate(self):
        allowed = _KEYS.get(self.type)
        if allowed is None:
            raise ValueError(f"unknown DataContainer type '{self.type}'")
        for k in self:
            if k not in allowed and k not in ("type", "extra"):
                raise ValueError(f"key '{k}' is not allowed in {self.type} (allowed: {', '.join(allowed)})")
        for k in allowed:
            if k != "a" and self.get(k) is None:
                raise ValueError(f"{self.type} is missing its required key '{k}'")


def _container(name, keys, arrays, optional=()):
    def __init__(self, *args, extra=None, **kw):
        for k, a in zip(keys, args):
            kw[k] = a
        DataContainer.__init__(self, extra=extra)
        for k in keys:
            v = kw.get(k)
            if v is None and k in optional:
                continue
            self[k] = _arr(v) if k in arrays else v

    cls = type(name, (DataContainer,), {"type": name, "__init__": __init__, "__doc__": f"Flojoy's {name} DataContainer ({', '.join(keys)})."})
    return cls


OrderedPair = _container("OrderedPair", ("x", "y"), {"x", "y"})
OrderedTriple = _container("OrderedTriple", ("x", "y", "z"), {"x", "y", "z"})
Surface = _container("Surface", ("x", "y", "z"), {"x", "y", "z"})
Vector = _container("Vector", ("v",), {"v"})
Matrix = _container("Matrix", ("m",), {"m"})
Grayscale = _container("Grayscale", ("m",), {"m"})
Image = _container("Image", ("r", "g", "b", "a"), {"r", "g", "b", "a"}, optional=("a",))
Plotly = _container("Plotly", ("fig",), set())
String = _container("String", ("s",), set())
TextBlob = String
Bytes = _container("Bytes", ("b",), set())
Boolean = _container("Boolean", ("b",), set())


class Scalar(DataContainer):
    """Flojoy's Scalar DataContainer (c): a plain number, never an array."""

    type = "Scalar"

    def __init__(self, c=None, extra=None):
        DataContainer.__init__(self, extra=extra)
        self["c"] = c


class DataFrame(DataContainer):
    """A table of named columns: ``DataFrame(df={"a": [..], "b": [..]})`` (or a pandas DataFrame)."""

    type = "DataFrame"

    def __init__(self, df=None, m=None, extra=None):
        DataContainer.__init__(self, extra=extra)
        table = df if df is not None else m
        if table is not None and hasattr(table, "to_dict") and hasattr(table, "columns"):
            table = {str(c): list(table[c]) for c in table.columns}
        self["m"] = {str(k): list(v) for k, v in (table or {}).items()}


_CLASSES = {c.type: c for c in (OrderedPair, OrderedTriple, Surface, Scalar, Vector, Matrix, DataFrame, Grayscale, Image, Plotly, String, Bytes, Boolean)}


# ---------------------------------------------------------------- parameter types
class TextArea(str):
    """A multi-line text parameter."""


class NodeReference(str):
    """A parameter naming another node on the canvas."""

    @property
    def ref(self):
        return str(self)


class Array(list):
    """A comma-separated list parameter of mixed numbers and text."""


class File(str):
    """A file parameter (a name or URL)."""

    def unwrap(self):
        return str(self)


class Directory(File):
    """A folder parameter."""


class DefaultParams:
    def __init__(self, node_id, job_id, jobset_id, node_type="default"):
        self.node_id, self.job_id, self.jobset_id, self.node_type = node_id, job_id, jobset_id, node_type


class SmallMemory:
    """Per-node memory kept between calls of one run (cleared when a run starts)."""

    _store = {}

    def read_memory(self, node_id, key):
        return self._store.get((node_id, key))

    def write_to_memory(self, node_id, key, value):
        self._store[(node_id, key)] = value

    def delete_object(self, node_id, key):
        self._store.pop((node_id, key), None)


def flojoy(original_function=None, *, node_type=None, deps=None, inject_node_metadata=False, inject_connection=False, forward_result=False):
    """Marks a function as a Flojoy node (the function itself is returned unchanged)."""

    def mark(fn):
        fn.__flojoy__ = {"node_type": node_type, "deps": deps or {}, "inject_node_metadata": inject_node_metadata}
        return fn

    return mark(original_function) if original_function is not None else mark


def display(original_function=None):
    return original_function


def node_initialization(for_node):
    def mark(fn):
        return fn
    return mark


# ---------------------------------------------------------------- manifest (signature → ports)
def _dc_names(tp):
    """DataContainer class names in an annotation; None if it is not a DataContainer type."""
    if tp is None or tp is type(None):
        return []
    origin = _typing.get_origin(tp)
    if origin is _typing.Union or (origin is not None and getattr(origin, "__name__", "") == "UnionType") or type(tp).__name__ == "UnionType":
        names = []
        for a in _typing.get_args(tp):
            n = _dc_names(a)
            if n is None:
                return None
            names += n
        return names
    if tp is _typing.Any:
        return ["Any"]
    if isinstance(tp, type) and issubclass(tp, DataContainer):
        return ["Any"] if tp is DataContainer else [tp.type]
    return None


def _type_string(names):
    names = [n for n in dict.fromkeys(names)]
    return "Any" if "Any" in names or not names else "|".join(names)


def _param(name, tp, default):
    origin = _typing.get_origin(tp)
    p = {"name": name, "default": default if default is not _inspect.Parameter.empty else None}
    if origin is _typing.Literal:
        p["type"] = "select"
        p["options"] = [str(o) for o in _typing.get_args(tp)]
        if p["default"] is not None:
            p["default"] = str(p["default"])
    elif origin in (list, _typing.List):
        (item,) = _typing.get_args(tp) or (str,)
        p["type"] = "list[" + getattr(item, "__name__", "str") + "]"
    elif tp in (int, float, bool, str):
        p["type"] = tp.__name__
    elif isinstance(tp, type) and issubclass(tp, (TextArea, NodeReference, Array, File)):
        p["type"] = {"TextArea": "TextArea", "NodeReference": "NodeReference", "Array": "Array", "File": "File", "Directory": "Directory"}[tp.__name__]
    else:
        p["type"] = "str"
    return p


def manifest(fn):
    """Ports and parameters from a node function's signature, following Flojoy's rules."""
    sig = _inspect.signature(fn)
    try:
        hints = _typing.get_type_hints(fn, include_extras=False)
    except Exception:
        hints = {k: p.annotation for k, p in sig.parameters.items()}
    inputs, params = [], []
    for name, p in sig.parameters.items():
        if name in ("default_params", "init_container", "connection"):
            continue
        tp = hints.get(name, _typing.Any if p.annotation is _inspect.Parameter.empty else p.annotation)
        multiple = False
        origin = _typing.get_origin(tp)
        if origin in (list, _typing.List):
            args = _typing.get_args(tp)
            if args and _dc_names(args[0]) is not None:
                tp, multiple = args[0], True
        names = _dc_names(tp)
        if names is not None:
            optional = p.default is None or type(None) in _typing.get_args(tp)
            inputs.append({"name": name, "type": _type_string(names), "multiple": multiple, "optional": bool(optional)})
        else:
            params.append(_param(name, tp, p.default))
    ret = hints.get("return", None)
    outputs = []
    if ret is not None and ret is not type(None):
        if _typing.is_typeddict(ret):
            for k, t in _typing.get_type_hints(ret).items():
                outputs.append({"name": k, "type": _type_string(_dc_names(t) or ["Any"])})
        else:
            outputs.append({"name": "default", "type": _type_string(_dc_names(ret) or ["Any"])})
    meta = getattr(fn, "__flojoy__", {})
    return {
        "func": fn.__name__,
        "doc": _inspect.getdoc(fn) or "",
        "category": meta.get("node_type") or "PYTHON",
        "inputs": inputs,
        "outputs": outputs,
        "params": params,
    }


# ---------------------------------------------------------------- running a node
_modules = {}


def _load(code, func):
    """Executes a node's source once per distinct source and returns its function."""
    key = (code, func)
    mod = _modules.get(key)
    if mod is None:
        ns = {"__name__": f"flojoy_node_{func}"}
        exec(compile(code, f"<node {func}>", "exec"), ns)
        mod = _modules[key] = ns
    fn = mod.get(func)
    if fn is None:
        marked = [v for v in mod.values() if callable(v) and hasattr(v, "__flojoy__")]
        if len(marked) == 1:
            return marked[0]
        raise NameError(f"the code defines no function named {func}")
    return fn


def parse(code):
    """The manifest of the single @flojoy function in ``code`` (what 'Save' calls)."""
    ns = {"__name__": "flojoy_node_parse"}
    exec(compile(code, "<node>", "exec"), ns)
    marked = [v for v in ns.values() if callable(v) and hasattr(v, "__flojoy__")]
    if not marked:
        plain = [v for k, v in ns.items() if _inspect.isfunction(v) and v.__module__ == "flojoy_node_parse"]
        if len(plain) != 1:
            raise ValueError("write one function decorated with @flojoy")
        marked = plain
    if len(marked) > 1:
        raise ValueError("the code defines several @flojoy functions; keep one per node")
    return manifest(marked[0])


def _field(obj, key):
    """obj[key] for a dict, obj.key for a JavaScript object (a JsProxy); None if absent."""
    if isinstance(obj, dict):
        return obj.get(key)
    v = getattr(obj, key, None)
    return None if v is None or type(v).__name__ == "JsNull" else v


def _plain(v):
    """A JavaScript value → Python: typed arrays → FloatArray, objects/arrays → dict/list."""
    if hasattr(v, "to_bytes") and hasattr(v, "byteLength"):
        return FloatArray(v.to_bytes())
    if hasattr(v, "to_py"):
        return v.to_py()
    return v


def from_wire(obj):
    """A value from the page (an object with float64 typed arrays) → a DataContainer."""
    if obj is None:
        return None
    t = _field(obj, "type")
    cls = _CLASSES.get(t)
    if cls is None:
        raise ValueError(f"unknown DataContainer type '{t}'")
    if t == "Scalar":
        c = _field(obj, "c")
        # JavaScript numbers arrive as int when whole; Flojoy's scalars from float params are floats
        return Scalar(c=float(c) if isinstance(c, (int, float)) and not isinstance(c, bool) else c)
    if t == "DataFrame":
        m = _field(obj, "m")
        cols = m.to_py(depth=1) if hasattr(m, "to_py") else m
        return DataFrame(df={k: _plain(v) for k, v in cols.items()})
    if t == "Plotly":
        fig = _field(obj, "fig")
        return Plotly(fig=fig.to_py() if hasattr(fig, "to_py") else fig)
    if t == "Bytes":
        b = _field(obj, "b")
        return Bytes(b=b.to_bytes() if hasattr(b, "to_bytes") else bytes(b))
    fields = {}
    for k in _KEYS[t]:
        v = _field(obj, k)
        if v is not None:
            if hasattr(v, "to_bytes") or isinstance(v, (bytes, bytearray, memoryview)):
                fields[k] = FloatArray(v.to_bytes() if hasattr(v, "to_bytes") else v)
            elif _field(v, "rows") is not None and not isinstance(v, (str, bool, int, float)):  # a matrix
                data = _field(v, "data")
                flat = FloatArray(data.to_bytes() if hasattr(data, "to_bytes") else data)
                cols = int(_field(v, "cols"))
                rows = int(_field(v, "rows"))
                if _np is not None:
                    fields[k] = _np.frombuffer(flat._a, dtype=_np.float64).reshape(rows, cols).copy()
                else:
                    fields[k] = [flat[r * cols:(r + 1) * cols] for r in range(rows)]
            else:
                fields[k] = v
    return cls(**fields)


def _flat(v):
    """An array-like → bytes of float64 (for the typed array going back to the page)."""
    if isinstance(v, FloatArray):
        return v._a.tobytes()
    if _np is not None and isinstance(v, _np.ndarray):
        return _np.ascontiguousarray(v, dtype=_np.float64).tobytes()
    if isinstance(v, _array.array) and v.typecode == "d":
        return v.tobytes()
    if isinstance(v, (int, float)):
        return _array.array("d", [float(v)]).tobytes()
    return _array.array("d", (float(x) for x in v)).tobytes()


def _matrix(v):
    if _np is not None and isinstance(v, _np.ndarray):
        a = _np.atleast_2d(_np.asarray(v, dtype=_np.float64))
        return {"rows": a.shape[0], "cols": a.shape[1], "data": a.tobytes()}
    rows = list(v)
    cols = len(rows[0]) if rows else 0
    buf = _array.array("d")
    for r in rows:
        r = list(r)
        if len(r) != cols:
            raise ValueError("matrix rows must all have the same length")
        buf.extend(float(x) for x in r)
    return {"rows": len(rows), "cols": cols, "data": buf.tobytes()}


def to_wire(dc):
    """A DataContainer → a dict the page reads (arrays as float64 bytes)."""
    if dc is None:
        return None
    if not isinstance(dc, DataContainer):
        raise TypeError(f"a node must return a DataContainer (or a dict of them), not {type(dc).__name__}")
    dc.validate()
    t = dc.type
    out = {"type": t}
    for k in _KEYS[t]:
        v = dc.get(k)
        if v is None:
            continue
        if t in ("OrderedPair", "OrderedTriple", "Vector") or (t == "Surface" and k in "xy"):
            out[k] = _flat(v)
        elif t in ("Matrix", "Grayscale", "Image") or (t == "Surface" and k == "z"):
            out[k] = _matrix(v)
        elif t == "Scalar":
            out[k] = float(v)
        elif t == "DataFrame":
            out[k] = {name: (list(col) if any(isinstance(x, str) for x in col) else _flat(col)) for name, col in v.items()}
        elif t == "Plotly":
            out[k] = v.to_plotly_json() if hasattr(v, "to_plotly_json") else v
        elif t == "Bytes":
            out[k] = bytes(v)
        elif t == "Boolean":
            out[k] = bool(v)
        else:
            out[k] = str(v)
    return out


def call(code, func, node_key, inputs, params, outputs):
    """Runs one node. ``inputs``: {name: [wire dicts]}; returns (outputs, log lines)."""
    fn = _load(code, func)
    sig = _inspect.signature(fn)
    hints = manifest(fn)
    multiple = {i["name"] for i in hints["inputs"] if i["multiple"]}
    kwargs = {}
    if hasattr(inputs, "to_py"):
        inputs = inputs.to_py(depth=1)
    for name, values in inputs.items():
        values = list(values)
        if name not in sig.parameters or not values:
            continue
        dcs = [from_wire(v) for v in values]
        kwargs[name] = dcs if name in multiple else dcs[-1]
    for name, value in params.items():
        if name in sig.parameters and value is not None:
            kwargs[name] = value
    if "default_params" in sig.parameters:
        kwargs["default_params"] = DefaultParams(node_key, node_key, "run")
    if "default" in sig.parameters and "default" not in kwargs and sig.parameters["default"].default is _inspect.Parameter.empty:
        kwargs["default"] = None
    result = fn(**kwargs)
    if isinstance(result, DataContainer):
        produced = {"default": result}
    elif isinstance(result, dict):
        produced = result
    elif result is None:
        produced = {}
    else:
        raise TypeError(f"{func} returned {type(result).__name__}; a node must return a DataContainer (or a dict of them)")
    return [[name, to_wire(dc)] for name, dc in produced.items()]


def run(code, func, node_key, inputs, params, outputs):
    """`call` with its printed output captured and any exception turned into a report."""
    buf = _io.StringIO()
    old = _sys.stdout
    _sys.stdout = buf
    try:
        outs = call(code, func, node_key, inputs, params, outputs)
        return {"ok": True, "outputs": outs, "log": buf.getvalue().splitlines()}
    except BaseException as e:  # KeyboardInterrupt too: that is how Cancel arrives
        err = format_error(e)
        if isinstance(e, KeyboardInterrupt):
            err["message"] = "cancelled"
        return {"ok": False, "log": buf.getvalue().splitlines(), **err}
    finally:
        _sys.stdout = old


def parse_report(code):
    """`parse` with errors turned into a report (message and line)."""
    try:
        return {"ok": True, "spec": parse(code)}
    except BaseException as e:
        return {"ok": False, **format_error(e)}


def format_error(exc):
    """The traceback of a node's exception, trimmed to the user's code, and its line."""
    tb = _traceback.extract_tb(exc.__traceback__)
    frames = [f for f in tb if f.filename.startswith("<node")]
    if isinstance(exc, SyntaxError) and not frames:
        return {"message": f"SyntaxError: {exc.msg} (line {exc.lineno})", "traceback": "".join(_traceback.format_exception_only(type(exc), exc)), "line": exc.lineno}
    line = frames[-1].lineno if frames else None
    if isinstance(exc, SyntaxError) and exc.lineno:
        line = exc.lineno
    text = "".join(_traceback.format_list(frames)) + "".join(_traceback.format_exception_only(type(exc), exc))
    return {"message": f"{type(exc).__name__}: {exc}", "traceback": "Traceback (most recent call last):\n" + text if frames else text, "line": line}
