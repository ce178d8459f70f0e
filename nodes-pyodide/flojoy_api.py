"""Flojoy's Python node API, for Python nodes running in Pyodide.

A node written for Flojoy Studio (``@flojoy`` decorator, DataContainer classes) runs here
unchanged. Numbers arrive as ``FloatArray`` (a compact float64 sequence with element-wise
arithmetic, backed by the typed array that crossed from the page) or, when numpy is loaded,
as numpy arrays (and tables as pandas DataFrames when pandas is there too).

The same module serves both Python hosts: Pyodide's worker (``worker.js``) installs it as the
package ``flojoy``, and the native runner's worker (``runtime/src/python/worker.py``) loads it
under that name in the machine's CPython. Arrays reach ``from_wire`` as raw float64 bytes in
both (a typed array's bytes in the page, a buffer read from a pipe natively), and with numpy
they become numpy arrays by one path, ``_floats``.
"""

import array as _array
import builtins as _builtins
import inspect as _inspect
import io as _io
import json as _json
import math as _math
import numbers as _numbers
import sys as _sys
import traceback as _traceback
import types as _types
import typing as _typing

__all__ = [
    "DataContainer", "OrderedPair", "OrderedTriple", "Surface", "Scalar", "Vector", "Matrix",
    "DataFrame", "Grayscale", "Image", "Plotly", "String", "TextBlob", "Bytes", "Boolean",
    "flojoy", "display", "DefaultParams", "TextArea", "NodeReference", "Array", "File",
    "Directory", "FloatArray", "node_initialization", "SmallMemory", "Secret", "JobResultBuilder",
    "DCNpArrayType", "PlotlyJSONEncoder", "get_job_result", "get_env_var", "get_flojoy_cloud_url", "node_preflight",
]

try:  # numpy is optional: only when the user enabled it (it needs Pyodide's package index)
    import numpy as _np  # noqa: F401
except Exception:  # pragma: no cover - depends on the environment
    _np = None

_pd = False  # pandas, imported when a table first needs it (None: not installed)


def _pandas():
    """pandas when tables should be pandas DataFrames, as in Flojoy (it needs numpy); imported
    on first use, since importing it takes longer than starting Python."""
    global _pd
    if _np is None:
        return None
    if _pd is False:
        try:
            import pandas as pd
        except Exception:  # pragma: no cover - depends on the environment
            pd = None
        _pd = pd
    return _pd


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
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return _np.array([v])  # Flojoy stores a lone number as a one-element array
        return _np.asarray(v)
    if isinstance(v, (FloatArray, str, bytes)):
        return v
    if isinstance(v, (list, tuple)) and v and isinstance(v[0], (list, tuple, FloatArray)):
        return [FloatArray(r) for r in v]
    if isinstance(v, (list, tuple)) and any(isinstance(x, str) for x in v):
        return list(v)  # a text axis (an object array with numpy)
    return FloatArray(v)


def _floats(raw):
    """Raw float64 bytes from a host → the array a node gets: numpy (no copy when the host's
    buffer is writable) or, without numpy, a FloatArray. ``raw`` is a typed array from the
    page (a JsProxy) or a bytes-like object (the native worker's buffers)."""
    if _is_js_buffer(raw):
        raw = raw.to_bytes()
    if _np is not None:
        if isinstance(raw, _np.ndarray) and raw.dtype == _np.float64:
            return raw  # the native worker reads float64 buffers straight into numpy arrays
        a = _np.frombuffer(raw, dtype=_np.float64)
        return a if a.flags.writeable else a.copy()
    return FloatArray(raw)


def _is_js_buffer(v):
    # a typed array from the page (a JsProxy); Python's ints have a to_bytes too
    return hasattr(v, "to_bytes") and hasattr(v, "byteLength")


def _is_buffer(v):
    return _is_js_buffer(v) or isinstance(v, (bytes, bytearray, memoryview)) \
        or (_np is not None and isinstance(v, _np.ndarray) and v.dtype == _np.float64 and v.ndim == 1)


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

    def to_dict(self):
        """A plain dict of the fields (python-box's to_dict, which Flojoy's DataContainer has)."""
        return {k: (v.to_dict() if isinstance(v, DataContainer) else v) for k, v in self.items()}

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
                dict.__setitem__(self, k, None)  # present and None, as in Flojoy
                continue
            self[k] = _arr(v) if k in arrays else v

    cls = type(name, (DataContainer,), {"type": name, "__init__": __init__, "__doc__": f"Flojoy's {name} DataContainer ({', '.join(keys)})."})
    return cls


OrderedPair = _container("OrderedPair", ("x", "y"), {"x", "y"})
OrderedTriple = _container("OrderedTriple", ("x", "y", "z"), {"x", "y", "z"})
Surface = _container("Surface", ("x", "y", "z"), {"x", "y", "z"})
Vector = _container("Vector", ("v",), {"v"})
Matrix = _container("Matrix", ("m",), {"m"})
_GrayscaleBase = _container("Grayscale", ("m",), {"m"})


class Grayscale(_GrayscaleBase):
    """Flojoy's Grayscale DataContainer (m), made as ``Grayscale(img=...)`` in Studio's blocks."""

    def __init__(self, *args, img=None, extra=None, **kw):
        if img is not None:
            kw.setdefault("m", img)
        _GrayscaleBase.__init__(self, *args, extra=extra, **kw)

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
        pd = _pandas()
        if pd is not None:  # as in Flojoy: a pandas DataFrame
            self["m"] = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table if table is not None else {})
            return
        if table is not None and hasattr(table, "to_dict") and hasattr(table, "columns"):
            table = {str(c): list(table[c]) for c in table.columns}
        self["m"] = {str(k): list(v) for k, v in (table or {}).items()}


# Flojoy's Parametric* types (a base type plus an ascending `t`): defined so that blocks naming
# them import and `match` them; no node here makes one
ParametricDataFrame, ParametricOrderedPair, ParametricOrderedTriple, ParametricSurface, ParametricScalar, \
    ParametricVector, ParametricMatrix, ParametricImage, ParametricGrayscale, ParametricPlotly = (
        type("Parametric" + base.type, (base,), {"type": "Parametric" + base.type})
        for base in (DataFrame, OrderedPair, OrderedTriple, Surface, Scalar, Vector, Matrix, Image, Grayscale, Plotly))

_CLASSES = {c.type: c for c in (OrderedPair, OrderedTriple, Surface, Scalar, Vector, Matrix, DataFrame, Grayscale, Image, Plotly, String, Bytes, Boolean)}


# ---------------------------------------------------------------- parameter types
class TextArea(str):
    """A multi-line text parameter."""


class NodeReference(str):
    """A parameter naming another node on the canvas."""

    @property
    def ref(self):
        return str(self)

    def unwrap(self):
        return str(self)


class Array(list):
    """A comma-separated list parameter of mixed numbers and text."""

    def unwrap(self):
        return list(self)


class File(str):
    """A file parameter (a name or URL)."""

    def unwrap(self):
        return str(self)


class Directory(File):
    """A folder parameter."""


class Secret(str):
    """A secret parameter (Flojoy reads it from its key store; here it is the text given)."""

    def unwrap(self):
        return str(self)


# the type Flojoy's helpers annotate arrays with (a numpy array, or a FloatArray here)
DCNpArrayType = _typing.Any


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


class JobResultBuilder:
    """Flojoy's result builder, for blocks that choose which outputs the flow follows
    (CONDITIONAL, LOOP, TIMER, FEEDBACK). ``build()`` gives the data alone, or with
    ``flow_to_directions`` the dict Flojoy's scheduler reads (``FLOW_TO_DIRECTIONS``)."""

    def __init__(self):
        self.data = None
        self.directions = None

    def from_inputs(self, inputs):
        inputs = list(inputs or [])
        self.data = inputs[0] if len(inputs) == 1 else (None if not inputs else inputs[-1])
        return self

    def from_data(self, data):
        self.data = data
        return self

    def flow_to_directions(self, directions):
        self.directions = list(directions)
        return self

    def flow_by_flag(self, flag, false_direction, true_direction):
        self.directions = list(true_direction if flag else false_direction)
        return self

    def build(self):
        if self.directions is None:
            return self.data
        return {"FLOW_TO_DIRECTIONS": self.directions, "RESULT_FIELD": "data", "data": self.data}


def get_job_result(job_id):
    """Flojoy Studio's access to another block's last result (its FEEDBACK block uses it). Its
    scheduler kept every result in a store; here results stay with the runner."""
    raise RuntimeError(
        f"get_job_result({job_id!r}): Python nodes cannot read other nodes' results here; "
        "use the built-in FEEDBACK node (or wire the node's output in)")


def get_env_var(key):
    """A secret or setting by name: Flojoy Studio kept them in its key store; here they are
    environment variables (natively; the browser has none)."""
    import os

    return os.environ.get(key)


def get_flojoy_cloud_url():
    """Flojoy Cloud's address (FLOJOY_CLOUD_URI): the service no longer runs."""
    return get_env_var("FLOJOY_CLOUD_URI")


def node_preflight(fn):
    """Studio ran these before a flow; here they are kept and not run."""
    return fn


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


def _unoptional(tp):
    """X for Optional[X] (a parameter that may be None is still an X for its editor)."""
    if _typing.get_origin(tp) is _typing.Union or type(tp).__name__ == "UnionType":
        args = [a for a in _typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _param(name, tp, default):
    tp = _unoptional(tp)
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
    elif isinstance(tp, type) and issubclass(tp, (TextArea, NodeReference, Array, File, Secret)):
        p["type"] = {"TextArea": "TextArea", "NodeReference": "NodeReference", "Array": "Array", "File": "File", "Directory": "Directory", "Secret": "Secret"}[tp.__name__]
    else:
        p["type"] = "str"
    if isinstance(p["default"], (TextArea, NodeReference, File, Secret)):
        p["default"] = str(p["default"])
    elif isinstance(p["default"], Array):
        p["default"] = list(p["default"])
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
            # a port whose argument has a default may stay unwired (Flojoy only said so for None)
            optional = p.default is not _inspect.Parameter.empty or type(None) in _typing.get_args(tp)
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
    """Executes a node's source once per distinct source; returns its function, manifest and
    signature (each computed once: a call is then only the call)."""
    key = (code, func)
    hit = _modules.get(key)
    if hit is not None:
        return hit
    ns = _module(f"flojoy_node_{func}", code, f"<node {func}>")
    fn = ns.get(func)
    if fn is None:
        marked = [v for v in ns.values() if callable(v) and hasattr(v, "__flojoy__")]
        if len(marked) != 1:
            raise NameError(f"the code defines no function named {func}")
        fn = marked[0]
    hit = _modules[key] = (fn, manifest(fn), _inspect.signature(fn))
    return hit


def _module(name, code, filename):
    """Runs node code as a module of its own (registered, so that dataclasses and TypedDicts
    defined in it resolve their annotations); returns its namespace."""
    mod = _types.ModuleType(name)
    # Studio's blocks find files beside themselves (os.path.dirname(__file__)): here that is
    # the folder the node runs in (the flow's, natively)
    mod.__file__ = f"{name}.py"
    _sys.modules[name] = mod
    exec(compile(code, filename, "exec"), mod.__dict__)
    return mod.__dict__


def parse(code):
    """The manifest of the single @flojoy function in ``code`` (what 'Save' calls)."""
    ns = _module("flojoy_node_parse", code, "<node>")
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
    """A host's value → Python: float64 buffers → arrays, JavaScript objects/arrays → dict/list."""
    if _is_buffer(v):
        return _floats(v)
    if hasattr(v, "to_py"):
        return v.to_py()
    return v


def from_wire(obj):
    """A value from the host (an object with float64 buffers) → a DataContainer."""
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
        return DataFrame(df={k: _dates(_plain(v)) for k, v in cols.items()})
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
            if _is_buffer(v):
                fields[k] = _floats(v)
            elif _field(v, "rows") is not None and not isinstance(v, (str, bool, int, float)):  # a matrix
                flat = _floats(_field(v, "data"))
                cols = int(_field(v, "cols"))
                rows = int(_field(v, "rows"))
                if _np is not None:
                    fields[k] = flat.reshape(rows, cols)
                else:
                    fields[k] = [flat[r * cols:(r + 1) * cols] for r in range(rows)]
            elif t in ("OrderedTriple", "Surface"):
                fields[k] = _text_axis(_plain(v))
            else:
                fields[k] = v
    if t == "Image" and _np is not None:
        fields = {k: _pixels(v) for k, v in fields.items()}
    return cls(**fields)


def _text_axis(cells):
    """An OrderedTriple's or Surface's text axis as Flojoy's DF_2_ORDERED_TRIPLE leaves it: a
    numpy object array of str (a list without numpy)."""
    if _np is None or not isinstance(cells, list):
        return cells
    a = _np.empty(len(cells), dtype=object)
    a[:] = cells
    return a


def _pixels(channel):
    """An image channel of whole numbers 0–255 as uint8, the dtype Flojoy's images have (image
    libraries read uint8 as 0–255 and floats as 0–1)."""
    if isinstance(channel, _np.ndarray) and channel.size and channel.min() >= 0 and channel.max() <= 255 \
            and _np.array_equal(channel, _np.floor(channel)):
        return channel.astype(_np.uint8)
    return channel


_ISO_DATE = None


def _dates(col):
    """A text column of ISO dates (how tables carry dates between nodes) as datetimes, when
    tables are pandas DataFrames."""
    global _ISO_DATE
    pd = _pandas()
    if pd is None or not isinstance(col, list) or not col or not all(isinstance(x, str) for x in col):
        return col
    if _ISO_DATE is None:
        import re

        _ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")
    if not all(_ISO_DATE.fullmatch(x) for x in col):
        return col
    try:
        return pd.to_datetime(pd.Series(col), format="ISO8601")
    except (ValueError, TypeError):
        return col


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
        if a.ndim != 2:
            raise ValueError(f"a matrix must have 2 dimensions, this array has {a.ndim} (shape {a.shape})")
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


def _text(x):
    if x is None or (isinstance(x, float) and x != x):
        return ""
    return x.isoformat() if hasattr(x, "isoformat") else str(x)


def _column(col):
    """A table column → float64 bytes when all its cells are numbers, else text (dates as ISO)."""
    pd = _pandas()
    if pd is not None and isinstance(col, pd.Series):
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            # dates as ISO text; midnight-only dates as plain dates (2023-01-01)
            times = col.dt.tz_localize(None) if getattr(col.dt, "tz", None) is not None else col
            fmt = "%Y-%m-%d" if (times.dropna() == times.dropna().dt.normalize()).all() else "%Y-%m-%dT%H:%M:%S"
            return [("" if pd.isna(x) else x.strftime(fmt)) for x in col]
        if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
            return _flat(col.to_numpy(dtype=_np.float64, na_value=_np.nan))
        return [_text(x) for x in col.tolist()]
    if isinstance(col, FloatArray) or _np is not None and isinstance(col, _np.ndarray) and col.dtype.kind in "biuf":
        return _flat(col)
    cells = list(col)
    if all(x is None or isinstance(x, _numbers.Real) for x in cells):
        return _flat(float("nan") if x is None else x for x in cells)
    return [_text(x) for x in cells]


def _axis(v):
    """An OrderedTriple's or Surface's axis: float64 bytes, or text when a cell is not a number
    (DF_2_ORDERED_TRIPLE's object arrays of a text column)."""
    if isinstance(v, (int, float, FloatArray)) or _np is not None and isinstance(v, _np.ndarray) and v.dtype.kind in "biuf":
        return _flat(v)
    return _column(v)


def _figure(fig):
    """A plotly figure (a ``go.Figure`` where plotly is installed) as plain data; its numpy
    arrays stay arrays, for the host to move as buffers."""
    return fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig


def to_wire(dc):
    """A DataContainer → a dict the host reads (arrays as float64 bytes)."""
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
        if t == "Surface" and k in "xy" and _np is not None and _np.ndim(v) == 2:
            # Studio's blocks give a Surface's x and y as meshgrids; here they are its axes
            v = _np.asarray(v)[0, :] if k == "x" else _np.asarray(v)[:, 0]
        if t == "OrderedTriple" or (t == "Surface" and k in "xy"):
            out[k] = _axis(v)
        elif t in ("OrderedPair", "Vector"):
            out[k] = _flat(v)
        elif t in ("Matrix", "Grayscale", "Image") or (t == "Surface" and k == "z"):
            out[k] = _matrix(v)
        elif t == "Scalar":
            out[k] = float(v)
        elif t == "DataFrame":
            pd = _pandas()
            if pd is not None and isinstance(v, pd.DataFrame):
                out[k] = {str(name): _column(v[name]) for name in v.columns}
            else:
                out[k] = {str(name): _column(col) for name, col in v.items()}
        elif t == "Plotly":
            out[k] = _figure(v)
        elif t == "Bytes":
            out[k] = bytes(v)
        elif t == "Boolean":
            out[k] = bool(v)
        else:
            out[k] = str(v)
    return out


def _split(text):
    return [p.strip() for p in str(text).split(",") if p.strip()]


def _number_or_text(p):
    for cast in (int, float):
        try:
            return cast(p)
        except ValueError:
            pass
    return p


_LIST_ITEM = {"list[int]": int, "list[float]": float, "list[str]": str}
_TEXT_KINDS = {"str": str, "TextArea": TextArea, "NodeReference": NodeReference, "File": File,
               "Directory": Directory, "Secret": Secret, "select": str}


def _param_value(kind, value):
    """A parameter value as Flojoy hands it to a block (its ``format_param_value``)."""
    if value is None:
        return None
    if kind == "int":
        return int(float(value)) if isinstance(value, str) else int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "yes", "on")
    if kind in _LIST_ITEM:
        items = value if isinstance(value, (list, tuple)) else _split(value)
        return [_LIST_ITEM[kind](x) for x in items]
    if kind == "Array":
        items = value if isinstance(value, (list, tuple)) else _split(value)
        return Array(_number_or_text(x) if isinstance(x, str) else x for x in items)
    if kind in _TEXT_KINDS:
        if kind == "str" and not isinstance(value, str):
            return value  # a parameter whose annotation we do not know: as the file gives it
        return _TEXT_KINDS[kind](value)
    return value


def _unwrap(result):
    """A block's return value → ({output: DataContainer}, directions or None)."""
    directions = None

    def plain(v):
        nonlocal directions
        if isinstance(v, dict) and not isinstance(v, DataContainer) and "FLOW_TO_DIRECTIONS" in v:
            directions = list(v["FLOW_TO_DIRECTIONS"])
            return v.get(v.get("RESULT_FIELD", "data"))
        return v

    result = plain(result)
    if isinstance(result, DataContainer):
        produced = {"default": result}
    elif isinstance(result, dict):
        produced = {k: plain(v) for k, v in result.items()}
    elif result is None:
        produced = {}
    else:
        raise TypeError(f"the node returned {type(result).__name__}; a node must return a DataContainer (or a dict of them)")
    return produced, directions


def call(code, func, node_key, inputs, params, outputs):
    """Runs one node. ``inputs``: {name: [wire dicts]}; returns [[output, wire value]] (and,
    through ``call.directions``, the outputs a control-flow block chose to follow)."""
    fn, spec, sig = _load(code, func)
    multiple = {i["name"] for i in spec["inputs"] if i["multiple"]}
    kinds = {p["name"]: p["type"] for p in spec["params"]}
    kwargs = {}
    if hasattr(inputs, "to_py"):
        inputs = inputs.to_py(depth=1)
    for name, values in inputs.items():
        values = list(values)
        if name not in sig.parameters or not values:
            continue
        dcs = [from_wire(v) for v in values]
        kwargs[name] = dcs if name in multiple else dcs[-1]
    if hasattr(params, "to_py"):
        params = params.to_py()
    for name, value in params.items():
        if name not in sig.parameters:
            continue
        if value is not None:
            kwargs[name] = _param_value(kinds.get(name), value)
        elif sig.parameters[name].default is _inspect.Parameter.empty:
            # Flojoy passes an empty parameter as None (a reference to no node as an empty one)
            kwargs[name] = NodeReference("") if kinds.get(name) == "NodeReference" else None

    if "default_params" in sig.parameters:
        kwargs["default_params"] = DefaultParams(node_key, node_key, "run")
    if "default" in sig.parameters and "default" not in kwargs and sig.parameters["default"].default is _inspect.Parameter.empty:
        kwargs["default"] = None
    produced, directions = _unwrap(fn(**kwargs))
    call.directions = directions
    return [[name, to_wire(dc)] for name, dc in produced.items()]


call.directions = None


def run(code, func, node_key, inputs, params, outputs):
    """`call` with its printed output captured and any exception turned into a report."""
    buf = _io.StringIO()
    old = _sys.stdout
    _sys.stdout = buf
    call.directions = None
    try:
        outs = call(code, func, node_key, inputs, params, outputs)
        report = {"ok": True, "outputs": outs, "log": buf.getvalue().splitlines()}
        if call.directions is not None:
            report["flow_to"] = call.directions
        return report
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


# ---------------------------------------------------------------- Studio's module layout
class PlotlyJSONEncoder(_json.JSONEncoder):
    """JSON for what blocks export: numpy arrays and numbers, tables, dates, plotly figures."""

    def default(self, o):
        if hasattr(o, "to_plotly_json"):
            return o.to_plotly_json()
        if hasattr(o, "tolist"):  # numpy arrays and numpy numbers
            return o.tolist()
        if hasattr(o, "to_dict"):  # pandas
            return o.to_dict()
        if hasattr(o, "isoformat"):
            return o.isoformat()
        if isinstance(o, FloatArray):
            return o.tolist()
        if isinstance(o, (bytes, bytearray)):
            return o.decode("utf-8", "replace")
        return super().default(o)


def _plot_layout(title):
    """Studio's shared figure layout for its plotting blocks: a title, 30 px on top, no template."""
    import plotly.graph_objects as go

    return go.Layout(title=title, autosize=True, margin={"t": 30, "r": 0, "b": 0, "l": 0}, xaxis={"type": "-"}, template={})


def _get_val(dc):
    """The numbers of an arithmetic block's operand: OrderedPair.y, Scalar.c or Vector.v."""
    if isinstance(dc, OrderedPair):
        return dc.y
    if isinstance(dc, Scalar):
        return dc.c
    if isinstance(dc, Vector):
        return dc.v
    return None


def _install_studio_modules():
    """Blocks copied from Flojoy Studio import ``flojoy.<submodule>`` and two helpers of the
    Studio repository (``blocks.….template.plot_layout``, ``…arithmetic_utils.get_val``):
    register those names so that such code runs unchanged."""
    me = _sys.modules.get(__name__)
    if me is None:
        return
    for sub in ("data_container", "utils", "job_result_builder", "parameter_types", "small_memory",
                "node_init", "flojoy_python", "config", "env_var"):
        _sys.modules.setdefault(f"{__name__}.{sub}", me)
    helpers = {
        "blocks.DATA.VISUALIZATION.template": {"plot_layout": _plot_layout},
        "blocks.MATH.ARITHMETIC.utils.arithmetic_utils": {"get_val": _get_val},
    }
    for path, names in helpers.items():
        parts = path.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            mod = _sys.modules.get(name)
            if mod is None:
                mod = _sys.modules[name] = _types.ModuleType(name)
                mod.__path__ = []  # a package, so that its children import
                if i > 1:
                    setattr(_sys.modules[".".join(parts[:i - 1])], parts[i - 1], mod)
        for k, v in names.items():
            setattr(_sys.modules[path], k, v)


_install_studio_modules()
