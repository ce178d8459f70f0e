"""`flojoy sweep --dask`: sends one task per parameter set to a Dask cluster and prints each
result row as a JSON line, in the order the tasks finish.

The `flojoy` runner starts this script with its plan on standard input:
  {"dask": "tcp://host:8786" | "local:N", "flojoy": path, "flow_path": path, "flow_text": text,
   "args": [runner arguments every run shares], "todo": [[run, params, [[target, value], ...]], ...]}
Each task runs the flow with the `flojoy` runner on its worker (`flojoy sweep FLOW --value ...`, one
run), so workers need the runner (the same path as here, or `flojoy` on their PATH) and, for
flows that read files, those files at the same paths. Dask retries a task whose worker died, and
each set's row is printed once, when its task completes.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid


def run_one(common, run, params, sets):
    """One parameter set, on a Dask worker: its result row."""
    from distributed import get_worker

    flow = common["flow_path"]
    scratch = None
    if not os.path.exists(flow):
        # a worker on another machine: the flow's text in a file of its own
        scratch = tempfile.mkdtemp(prefix="flojoy-")
        flow = os.path.join(scratch, "flow.json")
        with open(flow, "w", encoding="utf-8") as f:
            f.write(common["flow_text"])
    runner = common["flojoy"] if os.path.exists(common["flojoy"]) else (shutil.which("flojoy") or common["flojoy"])
    args = [runner, "sweep", flow, "--workers", "1", *common["args"]]
    for target, value in sets:
        args += ["--value", f"{target}={value}"]
    try:
        done = subprocess.run(args, capture_output=True, text=True)
        line = next((l for l in done.stdout.splitlines() if l.startswith("{")), None)
        if line is None:
            why = done.stderr.strip().splitlines()[-1:] or [f"the flojoy runner exited with {done.returncode}"]
            row = {"params": params, "status": "failed", "error": why[0], "ms": 0.0, "outputs": {}}
        else:
            row = json.loads(line)
    except OSError as e:
        row = {"params": params, "status": "failed", "error": f"cannot start the flojoy runner: {e}", "ms": 0.0, "outputs": {}}
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    row["run"] = run
    try:
        row["worker"] = get_worker().address
    except ValueError:
        row["worker"] = "dask"
    return row


def main():
    from distributed import Client, LocalCluster, as_completed

    plan = json.load(sys.stdin)
    common = {k: plan[k] for k in ("flojoy", "flow_path", "flow_text", "args")}
    cluster = None
    if plan["dask"].startswith("local:"):
        n = int(plan["dask"].split(":", 1)[1])
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(plan["dask"], timeout="30s")
    futures, meta = [], {}
    # names of our own: a dict given to scatter would be named by its keys, and another sweep on
    # the same scheduler would share (and overwrite) them
    sweep = uuid.uuid4().hex
    try:
        [shared] = client.scatter([common], broadcast=True, hash=False)
        for run, params, sets in plan["todo"]:
            fut = client.submit(run_one, shared, run, params, sets, key=f"flojoy-run-{run}-{sweep}", pure=False)
            futures.append(fut)
            meta[fut.key] = (run, params)
        for fut in as_completed(futures):
            try:
                row = fut.result()
            except Exception as e:  # the task failed on every try (e.g. its workers kept dying)
                run, params = meta[fut.key]
                row = {"run": run, "params": params, "status": "failed", "error": f"Dask: {e}", "ms": 0.0,
                       "worker": "dask", "outputs": {}}
            print(json.dumps(row), flush=True)
    except KeyboardInterrupt:
        # a terminal's Ctrl+C and the runner's own may both arrive: finish cancelling first
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        client.cancel(futures)
        sys.exit(130)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
