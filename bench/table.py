#!/usr/bin/env python3
"""Prints a README table (markdown) from the JSON lines bench/calibrators.sh writes.
Usage: bench/table.py [--seeds] FILE.jsonl [FILE.jsonl ...]
Later rows of the same model/bits/method/options win. With --seeds, rows that differ only in `--seed N`
(no --seed = seed 0) are pooled: AP, AP50, AR100 and wall time as mean +- sample standard deviation, n seeds;
peak MB is the largest of the seeds'.
A row's optional "commit" field (the build that measured it) is part of its key and printed as "build"."""
import json, re, statistics, sys

FLOAT = {"yolox": 28.71, "picodet": 25.26, "fastestdet": 16.97}  # README float table (ORT, 206 images)
NAMES = {"yolox": "YOLOX-Nano", "picodet": "PicoDet-XS", "fastestdet": "FastestDet"}
SEED = re.compile(r"\s*--seed\s+(\d+)")

args = sys.argv[1:]
pool = args and args[0] == "--seeds"
if pool:
    args = args[1:]

rows = {}
for path in args:
    for line in open(path):
        r = json.loads(line)
        rows[(r["model"], r["w_bits"], r["a_bits"], r["method"], r.get("options", ""), r.get("commit", ""))] = r


def order(k):
    return (list(NAMES).index(k[0]), -k[1], -k[2])


if not pool:
    print("| model | W/A | method | options | ORT AP / AP50 | drop | AR100 | sim AP | wall s | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for key in sorted(rows, key=order):
        r = rows[key]
        ap = 100 * r["ort_AP"]
        sim = "" if r.get("sim_AP") is None else "%.2f" % (100 * r["sim_AP"])
        print("| %s | W%dA%d | %s | %s | %.2f / %.2f | %.2f | %.2f | %s | %.0f | %s |" % (
            NAMES[r["model"]], r["w_bits"], r["a_bits"], r["method"], r.get("options") or "", ap,
            100 * r["ort_AP50"], FLOAT[r["model"]] - ap, 100 * r.get("ort_AR100", float("nan")), sim,
            r.get("wall_seconds", r["quantize_seconds"]), r.get("peak_rss_mb", "")))
    sys.exit(0)

groups = {}
for (m, w, a, method, options, commit), r in rows.items():
    seed = SEED.search(options or "")
    key = (m, w, a, method, SEED.sub("", options or "").strip(), commit)
    groups.setdefault(key, {})[int(seed.group(1)) if seed else 0] = r


def stat(values, fmt="%.2f"):
    mean = statistics.fmean(values)
    return (fmt + " ± " + fmt) % (mean, statistics.stdev(values)) if len(values) > 1 else fmt % mean


print("| model | W/A | method | options | seeds | ORT AP | AP50 | AR100 | drop | wall s | peak MB | build |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(groups, key=order):
    g = groups[key]
    rs = [g[s] for s in sorted(g)]
    ap = [100 * r["ort_AP"] for r in rs]
    print("| %s | W%dA%d | %s | %s | %s | %s | %s | %s | %.2f | %s | %.0f | %s |" % (
        NAMES[key[0]], key[1], key[2], key[3], key[4], ",".join(map(str, sorted(g))), stat(ap),
        stat([100 * r["ort_AP50"] for r in rs]), stat([100 * r["ort_AR100"] for r in rs]),
        FLOAT[key[0]] - statistics.fmean(ap),
        stat([r.get("wall_seconds", r["quantize_seconds"]) for r in rs], "%.0f"),
        max(r.get("peak_rss_mb", float("nan")) for r in rs), key[5]))
