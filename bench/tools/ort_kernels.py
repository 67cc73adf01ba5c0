#!/usr/bin/env python3
"""Where ONNX Runtime spends its time, per kernel class: op type after ONNX Runtime's optimisation, depthwise or
not, kernel size and stride (convolutions and pools), from ONNX Runtime's own profiler.

Usage: python3 bench/tools/ort_kernels.py [--runs 300] [--threads 2] [--rounds 3] MODEL.onnx [MODEL.onnx ...]
Needs the onnx and onnxruntime Python packages (pip install onnx onnxruntime). The models are profiled in
alternation, --rounds times each (the VM's speed drifts), batch 1, a random input from seed 0; for each model and
kernel class the median over rounds of the mean time per run is printed, in ms, with the total of all kernels.
One JSON line per model goes to stdout after the tables: {"model", "total_ms", "classes": {class: ms}}.
"""
import argparse, collections, json, os, statistics, tempfile

import numpy as np
import onnx
import onnxruntime as ort


def kernel_classes(optimized_path):
    info = {}
    for n in onnx.load(optimized_path).graph.node:
        a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
        k = "x".join(str(v) for v in a.get("kernel_shape", []))
        s = "s" + "x".join(str(v) for v in a.get("strides", [])) if a.get("strides") else ""
        dw = "dw" if a.get("group", 1) > 1 else ""
        info[n.name] = " ".join(p for p in (n.op_type, dw, k, s) if p)
    return info


def profile(path, runs, threads, tmp):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.enable_profiling = True
    so.profile_file_prefix = os.path.join(tmp, "p")
    so.optimized_model_filepath = os.path.join(tmp, "opt.onnx")
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    inp = s.get_inputs()[0]
    shape = [d if isinstance(d, int) else 1 for d in inp.shape]
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    for _ in range(runs):
        s.run(None, {inp.name: x})
    events = json.load(open(s.end_profiling()))
    info = kernel_classes(so.optimized_model_filepath)
    times = collections.Counter()
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            node = e["name"][: -len("_kernel_time")]
            times[info.get(node, e["args"].get("op_name", "?"))] += e["dur"] / runs / 1000.0
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    ort.set_default_logger_severity(3)
    per = {m: [] for m in a.models}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(a.rounds):
            for m in a.models:
                per[m].append(profile(m, a.runs, a.threads, tmp))
    rows = []
    for m in a.models:
        classes = sorted({c for t in per[m] for c in t})
        med = {c: statistics.median(t.get(c, 0.0) for t in per[m]) for c in classes}
        total = statistics.median(sum(t.values()) for t in per[m])
        print("%s: %.3f ms in kernels per run (median of %d rounds)" % (m, total, a.rounds))
        for c, v in sorted(med.items(), key=lambda kv: -kv[1])[:16]:
            print("  %-34s %7.3f ms" % (c, v))
        rows.append({"model": m, "total_ms": round(total, 4), "classes": {c: round(v, 4) for c, v in med.items()}})
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
