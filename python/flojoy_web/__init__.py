"""Flojoy Web's engine from Python: load, validate and run Flojoy flow files.

    import flojoy_web as fw
    r = fw.run("flow.json", set={"SINE.frequency": 3.0}, outputs=["LINE"])
    r["LINE"]             # the LINE node's output: a DataContainer (here a Plotly figure)
    r.nodes["SINE"].ms    # each node's status, runs, time, error and log

Values are Flojoy's DataContainers (``fw.flojoy.OrderedPair``, ``Vector``, ``DataFrame``, ...)
with numpy arrays when numpy is installed. Python nodes run in this interpreter; the engine
runs without holding the GIL.
"""

from . import _native
from ._api import (Diagnostic, FlojoyError, Flow, FlowError, NodeError, NodeInfo, NodeResult, Result,
                   RunCancelled, flojoy, load, run, validate)

__version__ = _native.VERSION
__all__ = ["Diagnostic", "FlojoyError", "Flow", "FlowError", "NodeError", "NodeInfo", "NodeResult", "Result",
           "RunCancelled", "flojoy", "load", "run", "validate"]
