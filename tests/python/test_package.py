"""The `flojoy_web` Python package (python/), installed by ./dev from a local build.

Run: python3 -m unittest discover -s tests/python -v
"""

import json
import os
import pickle
import signal
import sys
import tempfile
import threading
import types
import unittest
from pathlib import Path

import numpy as np

import flojoy_web as fw
from golden import GOLDEN, INDEX, ROOT, check

GALLERY = ROOT / "public" / "gallery"


def node(key, func, params=None, code=None, label=None):
    data = {"id": key, "label": label or key, "func": func,
            "ctrls": {k: {"param": k, "value": v} for k, v in (params or {}).items()}}
    if code is not None:
        data["code"] = code
    return {"id": key, "data": data, "position": {"x": 0, "y": 0}}


def flow_text(nodes, wires):
    edges = [{"source": s, "sourceHandle": sh, "target": t, "targetHandle": th} for s, sh, t, th in wires]
    return json.dumps({"rfInstance": {"nodes": nodes, "edges": edges}})


BOOM = '''from flojoy import flojoy, Vector

@flojoy
def BOOM(default: Vector) -> Vector:
    return Vector(v=default.v / undefined_name)
'''

# a Python node that tells the test it runs (through a module the test registers), so the
# test knows the run is under way without waiting on time
SIGNAL = '''from flojoy import flojoy, Vector

@flojoy
def SIGNAL(default: Vector) -> Vector:
    import fw_test_hooks
    fw_test_hooks.started.set()
    return default
'''


class Hooks:
    def __enter__(self):
        self.mod = types.ModuleType("fw_test_hooks")
        self.mod.started = threading.Event()
        sys.modules["fw_test_hooks"] = self.mod
        return self.mod

    def __exit__(self, *exc):
        del sys.modules["fw_test_hooks"]


def signal_then_timer(seconds):
    """LINSPACE → SIGNAL (Python) → TIMER (seconds)."""
    return flow_text(
        [node("LINSPACE-1", "LINSPACE", {"step": 4}), node("SIGNAL-1", "SIGNAL", code=SIGNAL),
         node("TIMER-1", "TIMER", {"sleep_time": seconds})],
        [("LINSPACE-1", "default", "SIGNAL-1", "default"), ("SIGNAL-1", "default", "TIMER-1", "default")])


class GalleryExamples(unittest.TestCase):
    def test_every_example_without_devices_matches_its_golden_values(self):
        ran = 0
        for ex in INDEX:
            if "devices" in ex.get("needs", []):
                continue
            with self.subTest(example=ex["id"]):
                r = fw.run(GALLERY / ex["file"])
                self.assertTrue(r.ok)
                for c in GOLDEN[ex["id"]]:
                    value = r.nodes[c["node"]].outputs[c["output"]]
                    try:
                        check(value, c)
                    except AssertionError as e:
                        self.fail(f"{ex['id']}: {c['node']}.{c['output']} ({c['check']}): {e}")
                ran += 1
        self.assertGreaterEqual(ran, 25)

    def test_outputs_are_numpy_arrays_and_results_pickle(self):
        r = fw.run(GALLERY / "fft.json", outputs=["FFT"])
        fft = r["FFT"]
        self.assertIsInstance(fft, fw.flojoy.OrderedPair)
        self.assertIsInstance(fft.y, np.ndarray)
        self.assertEqual(fft.y.dtype, np.float64)
        back = pickle.loads(pickle.dumps(fft))
        np.testing.assert_array_equal(back.y, fft.y)
        # only the nodes asked for carry outputs; every node has its status and time
        self.assertEqual({n.label for n in r.nodes.values() if n.outputs}, {"FFT"})
        self.assertTrue(all(n.status == "done" and n.runs == 1 and n.ms >= 0 for n in r.nodes.values()))


class Parameters(unittest.TestCase):
    def test_set_changes_a_parameter_as_the_runner_does(self):
        x = np.linspace(0, 1, 50)
        text = flow_text([node("LINSPACE-1", "LINSPACE", {"start": 0, "end": 1, "step": 50}, label="T"),
                          node("SINE-1", "SINE", {}, label="SINE")],
                         [("LINSPACE-1", "default", "SINE-1", "default")])
        r = fw.run(text, set={"SINE.frequency": 3.0, "SINE.amplitude": 2})
        # Flojoy's SINE: amplitude·sin(2π·frequency·x + offset)
        np.testing.assert_allclose(r["SINE"].y, 2 * np.sin(2 * np.pi * 3.0 * x), rtol=1e-12, atol=1e-12)
        with self.assertRaises(fw.FlowError) as e:
            fw.run(text, set={"SINE.nope": 1})
        self.assertIn("SINE has no parameter 'nope'", str(e.exception))
        with self.assertRaises(fw.FlowError) as e:
            fw.run(text, set={"COSINE.frequency": 1})
        self.assertIn("no node is labelled 'COSINE'", str(e.exception))
        with self.assertRaises(fw.FlowError) as e:
            fw.run(text, set={"SINE.frequency": "fast"})
        self.assertIn("frequency", str(e.exception))


class Errors(unittest.TestCase):
    def test_a_failing_python_node_raises_node_error_with_its_label_and_traceback(self):
        text = flow_text([node("LINSPACE-1", "LINSPACE", {"step": 4}), node("BOOM-1", "BOOM", code=BOOM),
                          node("SINE-1", "SINE", {})],
                         [("LINSPACE-1", "default", "BOOM-1", "default"), ("LINSPACE-1", "default", "SINE-1", "default")])
        with self.assertRaises(fw.NodeError) as e:
            fw.run(text)
        err = e.exception
        self.assertEqual((err.label, err.key, err.func), ("BOOM-1", "BOOM-1", "BOOM"))
        self.assertIn("NameError: name 'undefined_name' is not defined", err.message)
        self.assertIn("line 5", err.message)
        # the rest of the flow ran, and the run is there to look at
        self.assertEqual(err.result.nodes["SINE-1"].status, "done")
        self.assertEqual(err.result.nodes["BOOM-1"].status, "failed")
        # without check, the result says it
        r = fw.run(text, check=False)
        self.assertEqual(r.status, "failed")
        self.assertFalse(r.ok)

    def test_a_flow_that_cannot_load_or_is_not_valid_raises_flow_error(self):
        with self.assertRaises(fw.FlowError) as e:
            fw.load("{not json")
        self.assertIn("JSON", str(e.exception))
        with self.assertRaises(fw.FlowError):
            fw.run(Path(tempfile.gettempdir()) / "no-such-flow.json")
        # a wire between incompatible ports: validation names the node and port; no node runs
        text = flow_text([node("TEXT-1", "TEXT", {"value": "hi"}), node("FFT-1", "FFT", {})],
                         [("TEXT-1", "default", "FFT-1", "default")])
        diags = fw.validate(text)
        self.assertTrue(any(d.severity == "error" and d.node == "FFT-1" for d in diags), diags)
        with self.assertRaises(fw.FlowError) as e:
            fw.run(text)
        self.assertTrue(e.exception.diagnostics)

    def test_load_lists_nodes_by_label(self):
        f = fw.load(GALLERY / "noisy-sine.json")
        self.assertEqual(f.nodes["SINE"].func, "SINE")
        self.assertIn("frequency", f.nodes["SINE"].params)
        self.assertEqual(f.diagnostics, [])
        self.assertTrue(fw.run(f).ok)

    def test_max_seconds_stops_a_run_even_one_with_warnings(self):
        # a FEEDBACK naming a node the flow lacks is a warning, not an error: the run starts, and
        # the limit stops it
        text = flow_text([node("TIMER-1", "TIMER", {"sleep_time": 30}),
                          node("FEEDBACK-1", "FEEDBACK", {"referred_node": "GONE-1"})], [])
        self.assertTrue(any(d.severity == "warning" for d in fw.validate(text)))
        with self.assertRaises(fw.RunCancelled) as e:
            fw.run(text, max_seconds=0.2)
        self.assertIn("maximum", str(e.exception).lower())
        self.assertEqual(e.exception.result.status, "cancelled")

    def test_errors_and_results_pickle_whole(self):
        text = flow_text([node("LINSPACE-1", "LINSPACE", {"step": 4}), node("BOOM-1", "BOOM", code=BOOM)],
                         [("LINSPACE-1", "default", "BOOM-1", "default")])
        with self.assertRaises(fw.NodeError) as e:
            fw.run(text)
        back = pickle.loads(pickle.dumps(e.exception))
        self.assertEqual((back.label, back.func, back.message), (e.exception.label, "BOOM", e.exception.message))
        self.assertEqual(str(back), str(e.exception))
        self.assertEqual(back.result.nodes["LINSPACE-1"].status, "done")
        # LINSPACE's defaults, as Flojoy's: from 10 down to 0
        np.testing.assert_array_equal(back.result["LINSPACE-1"].v, np.linspace(10, 0, 4))
        with self.assertRaises(fw.FlowError) as f:
            fw.run(text, set={"NOPE.x": 1})
        again = pickle.loads(pickle.dumps(f.exception))
        self.assertEqual(str(again), str(f.exception))

    def test_outputs_by_label_or_id_and_an_unknown_one_is_an_error(self):
        text = flow_text([node("LINSPACE-1", "LINSPACE", {"step": 3}, label="T"), node("SINE-1", "SINE", label="S")],
                         [("LINSPACE-1", "default", "SINE-1", "default")])
        r = fw.run(text, outputs=["SINE-1"])
        self.assertEqual([n.label for n in r.by_key.values() if n.outputs], ["S"])
        with self.assertRaises(fw.FlowError) as e:
            fw.run(text, outputs=["COSINE"])
        self.assertIn("outputs: no node is labelled 'COSINE'", str(e.exception))
        # numpy numbers in `set`
        r = fw.run(text, set={"T.step": np.int64(5), "S.frequency": np.float64(2.0)})
        self.assertEqual(len(r["S"].y), 5)

    def test_exports_stay_in_the_flows_folder_unless_write_anywhere(self):
        with tempfile.TemporaryDirectory() as tmp:
            inner = Path(tmp) / "flow"
            inner.mkdir()
            flow = inner / "export.json"
            flow.write_text(flow_text(
                [node("LINSPACE-1", "LINSPACE", {"step": 3}), node("SINE-1", "SINE"),
                 node("EXPORT_CSV-1", "EXPORT_CSV", {"dir": "../", "filename": "out.csv"})],
                [("LINSPACE-1", "default", "SINE-1", "default"), ("SINE-1", "default", "EXPORT_CSV-1", "dc")]))
            with self.assertRaises(fw.NodeError) as e:
                fw.run(flow)
            self.assertIn("pass write_anywhere=True", e.exception.message)
            self.assertFalse((Path(tmp) / "out.csv").exists())
            fw.run(flow, write_anywhere=True)
            self.assertTrue((Path(tmp) / "out.csv").read_text().startswith("x,y\n"))


class Interpreter(unittest.TestCase):
    def test_the_gil_is_released_while_the_engine_runs(self):
        # SIGNAL (Python) sets `started`; then a TIMER keeps the engine busy. Another thread,
        # waiting for `started`, records itself; if the engine kept the GIL, that thread could
        # run only after fw.run returned. A long switch interval keeps this thread from handing
        # the GIL over on its own: only a release by the engine lets the other one in.
        order = []
        switch = sys.getswitchinterval()
        sys.setswitchinterval(100)
        self.addCleanup(sys.setswitchinterval, switch)
        with Hooks() as hooks:
            def other():
                hooks.started.wait()
                order.append("other thread")

            t = threading.Thread(target=other)
            t.start()
            fw.run(signal_then_timer(1))
            order.append("run returned")
            t.join()
        self.assertEqual(order, ["other thread", "run returned"])

    def test_ctrl_c_stops_the_run_and_raises_keyboard_interrupt(self):
        with Hooks() as hooks:
            def press():
                hooks.started.wait()
                os.kill(os.getpid(), signal.SIGINT)

            t = threading.Thread(target=press)
            t.start()
            # a 60 s timer: without the interrupt this test would fail on its result, late
            with self.assertRaises(KeyboardInterrupt):
                fw.run(signal_then_timer(60))
            t.join()
        # the interpreter's own modules are as they were, and the next run works
        self.assertNotIn("flojoy", sys.modules)
        self.assertTrue(fw.run(GALLERY / "fft.json").ok)

    def test_python_nodes_get_a_fresh_flojoy_module_and_leave_sys_modules_alone(self):
        mine = types.ModuleType("flojoy")
        sys.modules["flojoy"] = mine
        before = set(sys.modules)
        try:
            r = fw.run(GALLERY / "python-ema-filter.json")
            self.assertTrue(r.ok)
            self.assertIs(sys.modules["flojoy"], mine)
            # nothing of the run stays behind (the node's own module included)
            self.assertEqual(set(sys.modules) - before, set())
        finally:
            del sys.modules["flojoy"]

    def test_runs_on_several_threads_give_each_its_own_results(self):
        # Python nodes of runs on several threads take turns: each run's nodes see its own flojoy
        # module and folder, and every result is right
        from concurrent.futures import ThreadPoolExecutor

        want = {ex: fw.run(GALLERY / ex)["EMA FILTER"].y for ex in ["python-ema-filter.json"]}
        with ThreadPoolExecutor(4) as pool:
            runs = list(pool.map(lambda _: fw.run(GALLERY / "python-ema-filter.json"), range(8)))
        for r in runs:
            np.testing.assert_array_equal(r["EMA FILTER"].y, want["python-ema-filter.json"])
        self.assertNotIn("flojoy", sys.modules)


if __name__ == "__main__":
    unittest.main()
