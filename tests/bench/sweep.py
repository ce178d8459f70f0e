"""Benchmark of `flojoy sweep` (issue 18): N runs of the noisy-sine DSP flow at 100,000 samples
(tests/bench/noisy_sine_dsp.json: SINE + RAND noise -> FFT and BUTTER), three ways:

  bare   a loop of `flojoy run --set ...`, one process per run (what a shell script would do)
  local  `flojoy sweep` on every core of this machine (threads in one process)
  dask   `flojoy sweep --dask local:2` (a distributed.LocalCluster of 2 worker processes; each
         task starts the runner)
  python a loop of `fw.run(FLOW, set=...)` in one Python process (the flojoy_web package,
         built here with --release and installed over the test build)

Prints runs/s and the wall time per run of each. Rows keep no outputs (`--outputs ""`), so the
figures measure running, not writing JSON. Uses the release runner (built first).

  python3 tests/bench/sweep.py [N]        # N defaults to 1000
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLOW = str(ROOT / "tests/bench/noisy_sine_dsp.json")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
FIXED = ["--set", "LINSPACE.step=100000", "--set", "RAND.size=100000"]


def runner():
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "flojoy-runtime", "--bin", "flojoy"], cwd=ROOT, check=True)
    return str(ROOT / "target/release/flojoy")


def package():
    """Builds the flojoy_web wheel with the release profile and installs it."""
    wheels = tempfile.mkdtemp(prefix="flojoy-bench-wheel-")
    subprocess.run([sys.executable, "-m", "maturin", "build", "--quiet", "--release", "-m", "python/Cargo.toml",
                    "-o", wheels, "--auditwheel", "skip"], cwd=ROOT, check=True)
    wheel = next(pathlib.Path(wheels).glob("flojoy_web-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--root-user-action=ignore",
                    "--force-reinstall", "--no-deps", str(wheel)], check=True)


# the package's loop, in a fresh interpreter (the one that imports the wheel just installed)
PACKAGE_LOOP = """
import sys, flojoy_web as fw
flow = fw.load(sys.argv[1])
fixed = {"LINSPACE.step": 100000, "RAND.size": 100000}
for f in map(float, sys.argv[2:]):
    fw.run(flow, set={**fixed, "SINE.frequency": f}, outputs=[])
"""


def timed(label, fn, n):
    start = time.perf_counter()
    fn()
    s = time.perf_counter() - start
    print(f"{label:6} {n:5} runs  {s:7.2f} s  {n / s:7.1f} runs/s  {1000 * s / n:7.2f} ms/run", flush=True)
    return s


def main():
    flojoy = runner()
    package()
    freqs = [1 + 999 * i / max(N - 1, 1) for i in range(N)]
    out = tempfile.mkdtemp(prefix="flojoy-bench-sweep-")

    def bare():
        for f in freqs:
            subprocess.run([flojoy, "run", FLOW, *FIXED, "--set", f"SINE.frequency={f!r}"], check=True,
                           stdout=subprocess.DEVNULL)

    def sweep(*extra):
        def go():
            rows = os.path.join(out, "rows.jsonl")
            subprocess.run([flojoy, "sweep", FLOW, *FIXED, "--set", f"SINE.frequency=1:1000:{N}", "--outputs", "",
                            "--out", rows, *extra], check=True, stderr=subprocess.DEVNULL)
            got = [json.loads(l) for l in open(rows)]
            assert len(got) == N and all(r["status"] == "ok" for r in got), "every run ok"
        return go

    print(f"noisy-sine DSP flow at 100,000 samples, {os.cpu_count()} cores")
    timed("bare", bare, N)
    timed("local", sweep(), N)
    timed("dask", sweep("--dask", "local:2"), N)
    timed("python", lambda: subprocess.run([sys.executable, "-c", PACKAGE_LOOP, FLOW, *map(repr, freqs)], check=True), N)


if __name__ == "__main__":
    main()
