#!/usr/bin/env python3
"""Prints a markdown table from the JSON lines bench/calibrators.sh writes.
Usage: bench/table.py [--seeds] FILE.jsonl [FILE.jsonl ...]
Later rows of the same model/bits/method/options/build/seed win. With --seeds, rows that differ only in their
seed (the row's "seed" field; for older rows `--seed N` in its options, none meaning seed 0) are pooled: AP,
AP50, AR100 and wall time as mean +- sample standard deviation, n seeds; peak MB is the largest of the seeds'.
A row's optional "commit" field (the build that measured it) is part of its key and printed as "build".
Rows of other kinds (bench/latency.sh rows, which have no "w_bits") are skipped with a note on stderr.

Also a module: bench/results.py imports load(), pool() and stat() to write docs/results.md."""
import json, re, statistics, sys

FLOAT = {"yolox": 28.71, "picodet": 25.26, "fastestdet": 16.97}  # float AP, ONNX Runtime, 206 val2017 images
NAMES = {"yolox": "YOLOX-Nano", "picodet": "PicoDet-XS", "fastestdet": "FastestDet"}
SEED = re.compile(r"\s*--seed\s+(\d+)")


def is_quantization_row(r):
    """A row of bench/calibrators.sh (a quantized model and its AP), as opposed to a latency row."""
    return "w_bits" in r and "ort_AP" in r


def seed_of(r):
    """The row's seed: its "seed" field, else `--seed N` in its options, else 0 (the quantize default)."""
    if r.get("seed") is not None:
        return int(r["seed"])
    m = SEED.search(r.get("options") or "")
    return int(m.group(1)) if m else 0


def without_seed(options):
    """Options without `--seed N`."""
    return SEED.sub("", options or "").strip()


def base_options(r):
    """The row's options without `--seed N`."""
    return without_seed(r.get("options"))


def row_key(r):
    return (r["model"], r["w_bits"], r["a_bits"], r["method"], r.get("options") or "", r.get("commit", ""), seed_of(r))


def read(path):
    """Every row of a JSON-lines file, in file order (blank lines ignored)."""
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def load(paths, other=None):
    """Quantization rows of the files, keyed by row_key; a later row with the same key replaces an earlier one.
    Rows of other kinds are appended to `other` (a list) when given. Returns (rows, superseded rows)."""
    rows, superseded = {}, []
    for path in paths:
        for r in read(path):
            if not is_quantization_row(r):
                if other is not None:
                    other.append(r)
                continue
            k = row_key(r)
            if k in rows:
                superseded.append(rows.pop(k))
            rows[k] = r
    return rows, superseded


def pool(rows):
    """Groups rows that differ only in their seed: {(model, w, a, method, options without seed, commit): {seed: row}},
    in the order of each group's first row."""
    groups = {}
    for r in rows.values():
        key = (r["model"], r["w_bits"], r["a_bits"], r["method"], base_options(r), r.get("commit", ""))
        groups.setdefault(key, {})[seed_of(r)] = r
    return groups


def order(k):
    """Sort key of a row or group key: model as in NAMES, then weight and activation bits, widest first."""
    return (list(NAMES).index(k[0]) if k[0] in NAMES else len(NAMES), -k[1], -k[2])


def stat(values, fmt="%.2f"):
    """Mean +- sample standard deviation (the mean alone for one value)."""
    mean = statistics.fmean(values)
    return (fmt + " ± " + fmt) % (mean, statistics.stdev(values)) if len(values) > 1 else fmt % mean


def wall(r):
    return r.get("wall_seconds", r["quantize_seconds"])


def main(argv):
    pooled = bool(argv) and argv[0] == "--seeds"
    paths = argv[1:] if pooled else argv
    other = []
    rows, _ = load(paths, other)
    if other:
        print("note: skipped %d row(s) that are not quantization rows (latency rows: bench/results.py shows them)"
              % len(other), file=sys.stderr)
    if not pooled:
        print("| model | W/A | method | options | ORT AP / AP50 | drop | AR100 | sim AP | wall s | peak MB |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for key in sorted(rows, key=order):
            r = rows[key]
            ap = 100 * r["ort_AP"]
            sim = "" if r.get("sim_AP") is None else "%.2f" % (100 * r["sim_AP"])
            print("| %s | W%dA%d | %s | %s | %.2f / %.2f | %.2f | %.2f | %s | %.0f | %s |" % (
                NAMES[r["model"]], r["w_bits"], r["a_bits"], r["method"], r.get("options") or "", ap,
                100 * r["ort_AP50"], FLOAT[r["model"]] - ap, 100 * r.get("ort_AR100", float("nan")), sim,
                wall(r), r.get("peak_rss_mb", "")))
        return
    groups = pool(rows)
    print("| model | W/A | method | options | seeds | ORT AP | AP50 | AR100 | drop | wall s | peak MB | build |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key in sorted(groups, key=order):
        g = groups[key]
        rs = [g[s] for s in sorted(g)]
        ap = [100 * r["ort_AP"] for r in rs]
        print("| %s | W%dA%d | %s | %s | %s | %s | %s | %s | %.2f | %s | %.0f | %s |" % (
            NAMES[key[0]], key[1], key[2], key[3], key[4], ",".join(map(str, sorted(g))), stat(ap),
            stat([100 * r["ort_AP50"] for r in rs]), stat([100 * r["ort_AR100"] for r in rs]),
            FLOAT[key[0]] - statistics.fmean(ap), stat([wall(r) for r in rs], "%.0f"),
            max(r.get("peak_rss_mb", float("nan")) for r in rs), key[5]))


if __name__ == "__main__":
    main(sys.argv[1:])
