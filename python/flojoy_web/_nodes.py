"""Python nodes in this interpreter: the host side of the node protocol, called by the engine
(``_native.run``) for each Python node of a run.

The node sees what it sees in the browser and in the ``flojoy`` runner: the module ``flojoy``
(Flojoy Web's ``flojoy_api.py``), its inputs as DataContainers. The decoding, the call and
the reply are the runner worker's own code (``runtime/src/python/codec.py``, shipped inside
the native module), so the three places cannot drift apart.
"""

import json
import os
import sys
import threading
import types

from . import _native

codec = types.ModuleType("flojoy_web._codec")
exec(compile(_native.CODEC, "codec.py", "exec"), codec.__dict__)


def _ours(name):
    # the module node code imports, Studio's helper modules it registers, and each node's own
    # module (flojoy_api loads a node's code as `flojoy_node_<FUNC>`)
    return name in ("flojoy", "blocks") or name.startswith(("flojoy.", "blocks.", "flojoy_node_"))


# `sys.modules` and the working folder belong to the whole process: runs on several threads
# take turns for their Python nodes (from a run's first Python node to its end); runs without
# Python nodes, and the engine's own work, stay parallel
_PYTHON = threading.RLock()


class Nodes:
    """The Python nodes of one run. The first one installs a fresh ``flojoy`` module (node
    memory does not leak from run to run, as with the runner's one worker per run); ``close``
    puts back whatever modules of those names were there before. A node runs in the flow's
    folder, so its relative paths mean what they mean to the runner. Runs on several threads
    take turns from their first Python node to their end (see ``_PYTHON``)."""

    def __init__(self, folder):
        self.folder = folder
        self.api = None
        self.saved = None

    def __call__(self, header, bufs):
        if self.saved is None:
            _PYTHON.acquire()
            self.saved = {k: sys.modules.pop(k) for k in [k for k in sys.modules if _ours(k)]}
        if self.api is None:
            self.api = codec._install(_native.API)
        msg = codec._decode(json.loads(header), [b for b, _ in bufs])
        here = os.getcwd() if self.folder else None
        try:
            if here is not None:
                os.chdir(self.folder)
            reply = codec._answer(self.api, msg)
        finally:
            if here is not None:
                os.chdir(here)
        if reply.get("type") == "error" and reply.get("message") == "cancelled":
            raise KeyboardInterrupt  # Ctrl+C in the node's code: the engine stops the run
        return _encoded(reply)

    def close(self):
        if self.saved is None:
            return
        try:
            for k in [k for k in sys.modules if _ours(k)]:
                del sys.modules[k]
            sys.modules.update(self.saved)
        finally:
            self.saved = None
            _PYTHON.release()


def _encoded(reply):
    bufs = []
    try:
        text = json.dumps(codec._encode(reply, bufs), allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:  # an output that cannot cross
        bufs = []
        text = json.dumps(codec._encode(codec._unsendable(e, reply), bufs))
    return text, [(bytes(memoryview(b).cast("B")), kind == "d") for b, kind in bufs]
