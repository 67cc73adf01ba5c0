#!/usr/bin/env python3
"""Prints a README table (markdown) from the JSON lines bench/calibrators.sh writes.
Usage: bench/table.py FILE.jsonl [FILE.jsonl ...]   (later rows of the same model/bits/method/options win)"""
import json, sys

FLOAT = {"yolox": 28.71, "picodet": 25.26, "fastestdet": 16.97}  # README float table (ORT, 206 images)
NAMES = {"yolox": "YOLOX-Nano", "picodet": "PicoDet-XS", "fastestdet": "FastestDet"}

rows = {}
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line)
        rows[(r["model"], r["w_bits"], r["a_bits"], r["method"], r.get("options", ""))] = r

print("| model | W/A | method | options | ORT AP / AP50 | drop | AR100 | sim AP | wall s | peak MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(rows, key=lambda k: (list(NAMES).index(k[0]), -k[1], -k[2])):
    r = rows[key]
    ap = 100 * r["ort_AP"]
    sim = "" if r.get("sim_AP") is None else "%.2f" % (100 * r["sim_AP"])
    print("| %s | W%dA%d | %s | %s | %.2f / %.2f | %.2f | %.2f | %s | %.0f | %s |" % (
        NAMES[r["model"]], r["w_bits"], r["a_bits"], r["method"], r.get("options") or "", ap, 100 * r["ort_AP50"],
        FLOAT[r["model"]] - ap, 100 * r.get("ort_AR100", float("nan")), sim,
        r.get("wall_seconds", r["quantize_seconds"]), r.get("peak_rss_mb", "")))
