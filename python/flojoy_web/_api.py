"""``fw.load``, ``fw.validate``, ``fw.run`` and what they return or raise."""

import json
import os
import sys
import types
from dataclasses import dataclass, field

from . import _native
from ._nodes import Nodes, codec

# The DataContainer classes results are made of (OrderedPair, Vector, Plotly, ...): Flojoy Web's
# `flojoy` module, loaded under this package's name so that it never stands in for another
# `flojoy` (Python nodes get their own copy, per run).
flojoy = types.ModuleType("flojoy_web.flojoy")
exec(compile(_native.API, "flojoy_api.py", "exec"), flojoy.__dict__)
sys.modules[flojoy.__name__] = flojoy  # so that results pickle (to Dask workers, say)


class FlojoyError(Exception):
    """Anything that kept a flow from running to the end."""


class FlowError(FlojoyError):
    """The flow cannot run: the file cannot be read or loaded, a ``set`` or ``outputs`` names no
    node or parameter, or validation found errors (``diagnostics``)."""

    def __init__(self, message, diagnostics=()):
        # everything in args, so that the exception pickles (to a Dask client, say)
        super().__init__(message, list(diagnostics))
        self.message = message
        self.diagnostics = list(diagnostics)

    def __str__(self):
        return self.message


class NodeError(FlojoyError):
    """A node failed. ``label``, ``key`` (its Flojoy id) and ``func`` name it; ``message`` is
    its error (a Python node's includes the traceback); ``result`` holds the whole run."""

    def __init__(self, label, key, func, message, result):
        super().__init__(label, key, func, message, result)
        self.label, self.key, self.func, self.message, self.result = label, key, func, message, result

    @classmethod
    def of(cls, node, result):
        return cls(node.label, node.key, node.func, node.error or "", result)

    def __str__(self):
        return f"{self.label}: {(self.message.splitlines() or ['failed'])[0]}"


class RunCancelled(FlojoyError):
    """The run was stopped (``max_seconds``); ``result`` holds what ran."""

    def __init__(self, message, result):
        super().__init__(message, result)
        self.message, self.result = message, result

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    message: str
    node: str | None = None
    port: str | None = None


@dataclass(frozen=True)
class NodeInfo:
    key: str
    label: str
    func: str
    params: dict
    inputs: list
    outputs: list


@dataclass
class Flow:
    """A loaded flow file: its nodes (by label), the import's warnings and validation's
    diagnostics. ``fw.run`` takes one, or a path."""

    text: str
    folder: str
    path: str | None
    nodes: dict
    warnings: list
    diagnostics: list

    def __repr__(self):
        return f"<Flow {self.path or '(text)'}: {len(self.nodes)} nodes>"


@dataclass
class NodeResult:
    key: str
    label: str
    func: str
    status: str
    runs: int
    ms: float
    error: str | None
    log: list
    cached: bool = False
    outputs: dict = field(default_factory=dict)

    @property
    def value(self):
        """The node's output when it has one (``None`` when it produced nothing); a dict of
        them when it has several."""
        if len(self.outputs) == 1:
            return next(iter(self.outputs.values()))
        return dict(self.outputs) or None


@dataclass
class Result:
    """A run: its ``status`` ("ok", "failed", "cancelled"), time in ``ms``, and each node by
    label in ``nodes`` (a label used twice names the first such node, as ``set`` does; every
    node is in ``by_key``, by its Flojoy id). ``result["LINE"]`` is that node's output."""

    status: str
    ms: float
    error: str | None
    nodes: dict
    by_key: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.status == "ok"

    def __getitem__(self, label):
        return self.nodes[label].value

    def __repr__(self):
        return f"<Result {self.status} in {self.ms:.1f} ms: {len(self.nodes)} nodes>"


def _read(source):
    if isinstance(source, Flow):
        return source.text, source.folder, source.path
    path = os.fspath(source)
    if isinstance(path, str) and path.lstrip().startswith("{"):
        return path, os.getcwd(), None
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise FlowError(f"cannot read {path}: {e}") from e
    return text, os.path.dirname(os.path.abspath(path)), str(path)


def _plain(v):
    """A `set` value JSON does not know: numpy's numbers and arrays as Python's."""
    if hasattr(v, "tolist"):
        return v.tolist()
    raise TypeError(f"a set value must be a number, text, a bool or a list, not {type(v).__name__}")


def _diagnostics(items):
    return [Diagnostic(d.get("severity", "").lower(), d.get("message", ""), d.get("node"), d.get("port"))
            for d in items]


def load(source):
    """Reads and imports a flow (a path, JSON text, or a ``Flow``): raises ``FlowError`` when
    it cannot be loaded. Validation's findings are in ``flow.diagnostics``."""
    text, folder, path = _read(source)
    info = json.loads(_native.inspect(text))
    if "error" in info:
        raise FlowError(f"{path or 'flow'}: {info['error']}")
    nodes = {n["label"]: NodeInfo(**n) for n in info["nodes"]}
    return Flow(text, folder, path, nodes, info["warnings"], _diagnostics(info["diagnostics"]))


def validate(source):
    """Every problem the editor would mark (errors and warnings), each naming its node and port."""
    return load(source).diagnostics


def run(source, set=None, outputs=None, *, seed=None, max_seconds=None, allow_download=False, write_anywhere=False,
        check=True):
    """Runs a flow (a path, JSON text or a ``Flow``) and returns its ``Result``.

    ``set``: ``{"LABEL.PARAM": value}``, applied before the run (as ``flojoy run --set``).
    ``outputs``: the labels (or Flojoy ids) whose outputs to keep (default: every node's). ``seed`` fixes the
    random nodes; ``max_seconds`` stops a run that takes longer; ``allow_download`` lets nodes
    read URLs; ``write_anywhere`` lets exports save outside the flow's folder (a flow file is
    untrusted input: by default they save only inside it). Python nodes run in this interpreter
    (runs on several threads take turns for them); Ctrl+C stops the run (KeyboardInterrupt).

    With ``check`` (the default), a failed node raises ``NodeError``, an invalid flow
    ``FlowError`` and a stopped run ``RunCancelled``; without it the ``Result`` says so.
    """
    text, folder, path = _read(source)
    sets = [(str(k), json.dumps(v, default=_plain)) for k, v in (set or {}).items()]
    labels = None if outputs is None else [str(o) for o in ([outputs] if isinstance(outputs, str) else outputs)]
    nodes = Nodes(folder)
    try:
        report, values = _native.run(text, folder, sets, labels, nodes, seed=seed, max_seconds=max_seconds,
                                     allow_download=allow_download, write_anywhere=write_anywhere)
    finally:
        nodes.close()
    report = json.loads(report)
    if "nodes" not in report:
        raise FlowError(f"{path or 'flow'}: {report.get('error', 'cannot run')}")
    by_key = {}
    for key, n in report["nodes"].items():
        by_key[key] = NodeResult(key, n["label"], n["func"], n["status"], n["runs"], n["ms"], n.get("error"),
                                 n.get("log", []), n.get("cached", False))
    for key, name, header, bufs in values:
        wire = codec._decode(json.loads(header), [bytearray(b) if f else b for b, f in bufs])
        by_key[key].outputs[name] = flojoy.from_wire(wire)
    by_label = {}
    for n in by_key.values():
        by_label.setdefault(n.label, n)
    result = Result(report["status"], report["ms"], report.get("error"), by_label, by_key)
    if check and report["status"] != "ok":
        diagnostics = _diagnostics(report.get("diagnostics", []))
        failed = [n for n in by_key.values() if n.status == "failed"]
        if any(d.severity == "error" for d in diagnostics) and all(n.runs == 0 for n in by_key.values()):
            raise FlowError(f"{path or 'flow'}: {report.get('error') or 'not valid'}", diagnostics)
        if report["status"] == "cancelled":
            raise RunCancelled(report.get("error") or "cancelled", result)
        if failed:
            raise NodeError.of(failed[0], result)
        raise FlojoyError(report.get("error") or "the run failed")
    return result
