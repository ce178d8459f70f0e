"""The numpy/scipy side of the DSP benchmark (tests/bench/compare_dsp.mjs).

Does what Flojoy's blocks do for tests/bench/noisy_sine_dsp.json, block by block with the
blocks' own numpy/scipy calls and the flow file's parameters: LINSPACE → SINE, RAND (normal,
seeded) → ADD, ADD → FFT and ADD → BUTTER. Each block is timed with time.perf_counter; the
warm-up repetitions are not counted; the medians (and every run's numbers, under "samples") are
printed as JSON, with the same summary numbers as runtime/examples/dsp_bench.rs.

    python3 tests/bench/dsp_numpy.py [FLOW] [--runs N] [--warmup N] [--signal PATH]

--signal PATH also runs FFT and BUTTER on the samples in PATH (raw little-endian f64, written
by dsp_bench --signal) and reports their summary as "same_input", so the results can be
compared with Flojoy Web's to the last digits (RAND's generator differs from numpy's).
"""

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
from scipy import fft, signal

DEFAULT_FLOW = Path(__file__).with_name("noisy_sine_dsp.json")


def params(flow):
    """Node label → {parameter: value}, from a Flojoy 2024 file."""
    out = {}
    for n in flow["rfInstance"]["nodes"]:
        d = n["data"]
        out[d["label"]] = {k: c["value"] for k, c in d.get("ctrls", {}).items()}
    return out


# The blocks (Flojoy's code, reduced to the branches this flow takes) --------------------------


def linspace(p):
    return np.linspace(p["start"], p["end"], p["step"])


def sine(p, x):
    return x, p["offset"] + p["amplitude"] * np.sin(2 * np.pi * p["frequency"] * x + p["phase"])


def rand(p):
    rng = np.random.default_rng(p["seed"])
    return rng.normal(p["normal_mean"], p["normal_standard_deviation"], p["size"])


def add(a, b):
    x, y = a
    return x, np.add(y, b)


def fft_block(p, pair):
    x, y = pair
    if p["window"] != "none":
        y = y * signal.get_window(p["window"], len(y))
    fourier = fft.rfft(y)
    frequency = fft.rfftfreq(x.size, 1 / p["sample_rate"])
    return fft.fftshift(frequency), np.abs(fft.fftshift(fourier))


def butter(p, pair):
    x, y = pair
    sos = signal.butter(p["filter_order"], p["critical_frequency"], btype=p["btype"], fs=p["sample_rate"], output="sos")
    return x, signal.sosfilt(sos, y)


def run(p):
    """One run of the flow: (per-block ms, outputs)."""
    ms = {}

    def timed(label, f, *args):
        t0 = time.perf_counter()
        r = f(*args)
        ms[label] = (time.perf_counter() - t0) * 1000
        return r

    x = timed("LINSPACE", linspace, p["LINSPACE"])
    s = timed("SINE", sine, p["SINE"], x)
    r = timed("RAND", rand, p["RAND"])
    a = timed("ADD", add, s, r)
    f = timed("FFT", fft_block, p["FFT"], a)
    b = timed("BUTTER", butter, p["BUTTER"], a)
    return ms, {"ADD": a, "FFT": f, "BUTTER": b}


# Summary numbers: the same definitions as runtime/examples/dsp_bench.rs and dsp.mjs ----------


def rms(v):
    return float(np.sqrt(np.mean(v * v)))


def summary_of(sig, fft_out, butter_out):
    freq, mag = fft_out
    peak = int(np.argmax(mag))
    out = {
        "fft": {"n": len(mag), "peak_hz": float(freq[peak]), "peak": float(mag[peak]), "mean": float(np.mean(mag))},
        "butter": {
            "n": len(butter_out),
            "head": [float(v) for v in butter_out[:4]],
            "last": float(butter_out[-1]),
            "rms": rms(butter_out),
        },
    }
    if sig is not None:
        out = {"signal": {"n": len(sig), "head": [float(v) for v in sig[:3]], "rms": rms(sig)}, **out}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("flow", nargs="?", default=str(DEFAULT_FLOW))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--signal", help="raw f64 samples to run FFT and BUTTER on (the 'same_input' check)")
    args = ap.parse_args()
    p = params(json.loads(Path(args.flow).read_text()))
    for _ in range(args.warmup):
        run(p)
    per_block, sums, walls = {}, [], []
    for _ in range(max(1, args.runs)):
        t0 = time.perf_counter()
        ms, outputs = run(p)
        walls.append((time.perf_counter() - t0) * 1000)
        for k, v in ms.items():
            per_block.setdefault(k, []).append(v)
        sums.append(sum(ms.values()))
    result = {
        "runs": max(1, args.runs),
        "warmup": args.warmup,
        "versions": {"numpy": np.__version__, "scipy": __import__("scipy").__version__},
        "ms": {k: statistics.median(v) for k, v in sorted(per_block.items())},
        "nodes_ms": statistics.median(sums),
        "run_ms": statistics.median(walls),
        "samples": {"ms": dict(sorted(per_block.items())), "nodes_ms": sums, "run_ms": walls},
        "summary": summary_of(outputs["ADD"][1], outputs["FFT"], outputs["BUTTER"][1]),
    }
    if args.signal:
        sig = np.fromfile(args.signal, dtype="<f8")
        x = np.arange(len(sig), dtype=float)  # only its length matters
        result["same_input"] = summary_of(None, fft_block(p["FFT"], (x, sig)), butter(p["BUTTER"], (x, sig))[1])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
