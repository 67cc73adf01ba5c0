"""The method table of issue 12 for docs/results.md: W4A8, W8A4 and W4A4 on the three models with gptq, adaround,
brecq, qdrop and inlierq at today's low-bit defaults, pooled over seeds, from every bench/measured/*.jsonl.

A row counts when its method and options (without `--seed`, and with the 4-bit budget spelled out where the row
ran it by default: spelled_options) are what `--method M` alone runs today at those bits and its commit is at or
after the commit from which that spelling ran that code (DEFAULTS): `--method gptq` at 4-bit weights is the
asymmetric form from fd1bd6c on; the learned methods' 4-bit budget was spelled out as `BUDGET` before 3d3501a made
it their default, InlierQ's drop at 4-bit activations as `DROP` before SINCE_INLIERQ_DROP, its blocks of 8
with wider weights as `BLOCK` before SINCE_INLIERQ_BLOCK, its box term at W4A8 as `BOX` before
SINCE_INLIERQ_BOX, and GPTQ's densest calibration images at 4-bit weights as `DENSE` before SINCE_GPTQ_DENSE.
Options compare flag by flag, in any order. Rows of older builds ran other code (weight grids,
GPTQ's form, the 50-step budget) and stay in their own sections only. Cells not measured say so."""
import statistics

import table

BUDGET = "--start gptq --iters 200 --window 32 --lr-round 0.3"
SINCE_GPTQ = "fd1bd6c"   # stop 35: --method gptq rounds as GPTAQ at 4-bit weights
SINCE_DEFAULT = "3d3501a"  # stop 36: --method adaround/brecq/qdrop/inlierq take BUDGET at 4 bits by themselves
METHODS = ["gptq", "adaround", "brecq", "qdrop", "inlierq"]
DEFAULTS = {"gptq": ("", SINCE_GPTQ)}
DEFAULTS.update({m: (BUDGET, SINCE_GPTQ) for m in METHODS[1:]})
SINCE_INLIERQ_DROP = "d5acd68"  # stop 41: --method inlierq drops at 4-bit activations by itself
DROP = "--drop-prob 0.5"  # InlierQ's drop at 4-bit activations, spelled out by the rows before that commit
SINCE_INLIERQ_BLOCK = "8a3ebcb"  # stop 43: --method inlierq takes blocks of 8 at W8A4 by itself
BLOCK = "--block-size 8"  # InlierQ's block with weights above 4 bits and activations of 4 or fewer
SINCE_INLIERQ_BOX = "f52694f"  # stop 46: --method inlierq takes the box term at W4A8 by itself
BOX = "--box-weight 1"  # InlierQ's box term with 4-bit weights and wider activations
SINCE_GPTQ_DENSE = "41bbdc3"  # stop 49: --method gptq takes the densest images at 4-bit weights by itself
DENSE = "--calib-select dense"  # GPTQ's calibration images at 4-bit weights, spelled out by the rows before it
BITS = [(4, 8), (8, 4), (4, 4)]
MODELS = ["yolox", "picodet", "fastestdet"]
LOW_BITS = 4  # at these bits or fewer (weights or activations) the learned methods take BUDGET by themselves


def drops_by_default(r):
    """Whether `--method inlierq` alone drops at the row's bits (Method.dropProb(aBits) since SINCE_INLIERQ_DROP)."""
    return r.get("method") == "inlierq" and r["a_bits"] <= LOW_BITS


def blocks_by_default(r):
    """Whether `--method inlierq` alone takes BLOCK at the row's bits (Method.blockSize since SINCE_INLIERQ_BLOCK)."""
    return r.get("method") == "inlierq" and r["w_bits"] > LOW_BITS and r["a_bits"] <= LOW_BITS


def boxes_by_default(r):
    """Whether `--method inlierq` alone takes BOX at the row's bits (Method.boxWeight since SINCE_INLIERQ_BOX)."""
    return r.get("method") == "inlierq" and r["w_bits"] <= LOW_BITS < r["a_bits"]


def dense_by_default(r):
    """Whether `--method gptq` alone takes DENSE at the row's bits (Method.calibrationSelection since
    SINCE_GPTQ_DENSE)."""
    return r.get("method") == "gptq" and r["w_bits"] <= LOW_BITS


def canonical(options):
    """The options as a sorted tuple of flags, each with the values that follow it: the same settings given in
    another order compare equal."""
    groups = []
    for t in (options or "").split():
        if t.startswith("--") or not groups:
            groups.append([t])
        else:
            groups[-1].append(t)
    return tuple(sorted(" ".join(g) for g in groups))


def spelled_options(r, is_ancestor):
    """The row's options with the 4-bit budget spelled out where the row ran it without saying so: a learned
    method at LOW_BITS or fewer, measured at or after SINCE_DEFAULT; each BUDGET flag the row gave keeps its value,
    in BUDGET's order, followed by the row's other options. Other rows' options are returned as they are."""
    opts = r.get("options") or ""
    commit = r.get("commit", "")
    if dense_by_default(r) and commit and is_ancestor(SINCE_GPTQ_DENSE, commit) \
            and "--calib-select" not in opts.split():
        return (opts + " " + DENSE).strip()
    if r.get("method") not in METHODS[1:] or min(r["w_bits"], r["a_bits"]) > LOW_BITS or not commit \
            or not is_ancestor(SINCE_DEFAULT, commit):
        return opts
    if drops_by_default(r) and is_ancestor(SINCE_INLIERQ_DROP, commit) and "--drop-prob" not in opts.split():
        opts = (opts + " " + DROP).strip()
    if blocks_by_default(r) and is_ancestor(SINCE_INLIERQ_BLOCK, commit) and "--block-size" not in opts.split():
        opts = (opts + " " + BLOCK).strip()
    if boxes_by_default(r) and is_ancestor(SINCE_INLIERQ_BOX, commit) and "--box-weight" not in opts.split():
        opts = (opts + " " + BOX).strip()
    budget = BUDGET.split()
    flags = dict(zip(budget[::2], budget[1::2]))
    tokens, rest, i = opts.split(), [], 0
    while i < len(tokens):
        if tokens[i] in flags and i + 1 < len(tokens):
            flags[tokens[i]] = tokens[i + 1]
            i += 2
        else:
            rest.append(tokens[i])
            i += 1
    return " ".join([t for f, v in flags.items() for t in (f, v)] + rest)


def ran(r, options, since, is_ancestor):
    """Whether row r ran `options` (flag by flag, its seed aside, the defaults it ran unsaid spelled out) at
    commit `since` or after it."""
    commit = r.get("commit", "")
    return bool(commit) and canonical(table.without_seed(spelled_options(r, is_ancestor))) == canonical(options) \
        and is_ancestor(since, commit)


def add(cells, r):
    """Files row r under its (model, w, a, method) cell by seed; a later row of the same seed replaces it."""
    cells.setdefault((r["model"], r["w_bits"], r["a_bits"], r["method"]), {})[table.seed_of(r)] = r


def default_rows(rows, is_ancestor):
    """(model, w, a, method) -> {seed: row}, the latest row per seed among the quantization rows at today's
    defaults; is_ancestor(a, b) says whether commit a is b or one of its ancestors."""
    cells = {}
    for r in rows:
        if r.get("method") not in DEFAULTS:
            continue
        options, since = DEFAULTS[r["method"]]
        if drops_by_default(r):
            options += " " + DROP
        if blocks_by_default(r):
            options += " " + BLOCK
        if boxes_by_default(r):
            options += " " + BOX
        if dense_by_default(r):
            options += " " + DENSE
        if ran(r, options, since, is_ancestor):
            add(cells, r)
    return cells


def describe(seeds):
    rs = [seeds[s] for s in sorted(seeds)]
    ap = [100 * r["ort_AP"] for r in rs]
    walls = [table.wall(r) for r in rs]
    text = "%s (seeds %s; %.0f-%.0f s; %.1f GB" % (table.stat(ap), ",".join(map(str, sorted(seeds))), min(walls),
                                                  max(walls), max(r.get("peak_rss_mb", 0) for r in rs) / 1024)
    sims = ["%.2f" % (100 * r["sim_AP"]) for r in rs if r.get("sim_AP") is not None]
    return text + ("; sim %s)" % ", ".join(sims) if sims else ")")


def comparison(cells, model, w, a, min_seeds=2):
    """InlierQ against BRECQ and QDrop on one model and bits, in the seed spread's terms (a cell of fewer than two
    seeds, where min_seeds allows it, is compared by its values alone)."""
    got = {m: [100 * r["ort_AP"] for r in cells.get((model, w, a, m), {}).values()]
           for m in ("inlierq", "brecq", "qdrop")}
    if len(got["inlierq"]) < 2:
        return None
    parts = []
    for other in ("brecq", "qdrop"):
        if len(got[other]) < min_seeds:
            continue
        if len(got[other]) < 2:
            parts.append("%+.2f AP against %s (%.2f of one seed: no spread to compare with)"
                         % (statistics.fmean(got["inlierq"]) - got[other][0], other, got[other][0]))
            continue
        diff = statistics.fmean(got["inlierq"]) - statistics.fmean(got[other])
        spread = max(statistics.stdev(got["inlierq"]), statistics.stdev(got[other]))
        verdict = "within the larger seed sd (%.2f): not a difference these seeds can show" % spread \
            if abs(diff) <= spread else "beyond the larger seed sd (%.2f)" % spread
        parts.append("%+.2f AP against %s, %s" % (diff, other, verdict))
    if not parts:
        return None
    return "- %s W%dA%d, InlierQ (n=%d): %s." % (table.NAMES[model], w, a, len(got["inlierq"]), "; ".join(parts))


def section(rows, is_ancestor, out):
    """Appends the section to `out`, from quantization rows in file order."""
    cells = default_rows(rows, is_ancestor)
    out += ["", "## Methods at the low-bit defaults", "",
            "Each method as `--method M --w-bits W --a-bits A` alone runs it today (the learned methods at 4 bits: "
            "`%s`, their default since %s and spelled out by earlier rows; `inlierq` at 4-bit activations also "
            "`%s`, its default since %s and spelled out by earlier rows, so its cells there hold only rows with "
            "dropping; `inlierq` at W4A8 also `%s`, its default since %s, so its W4A8 cells hold only rows with the "
            "box term; `gptq` at 4-bit weights in its asymmetric form, since %s, and on the densest images, `%s`, "
            "its default since %s, so its 4-bit cells hold only rows on those images). Made with "
            "`METHODS=M BITS=W,A SIM=0 EXTRA=\"--seed S\" "
            "bench/calibrators.sh MODEL`; each row's command is in its file's section below. A cell: ONNX Runtime "
            "AP mean ± sd over the seeds, the range of `quantize` wall times and the peak memory; \"sim\" the "
            "simulation's AP where measured." % (BUDGET, SINCE_DEFAULT, DROP, SINCE_INLIERQ_DROP, BOX,
                                                   SINCE_INLIERQ_BOX, SINCE_GPTQ, DENSE, SINCE_GPTQ_DENSE)]
    for w, a in BITS:
        out += ["", "### W%dA%d" % (w, a), "",
                "| method | " + " | ".join("%s (float %.2f)" % (table.NAMES[m], table.FLOAT[m]) for m in MODELS) + " |",
                "|---|" + "---|" * len(MODELS)]
        for method in METHODS:
            row = [describe(cells[(m, w, a, method)]) if (m, w, a, method) in cells else "not measured"
                   for m in MODELS]
            out.append("| %s | %s |" % (method, " | ".join(row)))
    lines = [c for m in MODELS for w, a in BITS for c in [comparison(cells, m, w, a)] if c]
    out += ["", "InlierQ against BRECQ and QDrop where each has two seeds or more:", ""]
    out += lines or ["- not measured on two seeds of each yet."]
    equal = equal_blocks(rows, cells, is_ancestor)
    lines = [c for m in MODELS for c in [comparison(equal, m, 8, 4, min_seeds=1)] if c]
    out += ["", "At W8A4 InlierQ runs blocks of 8 layers (its default there since %s), BRECQ and QDrop blocks of 4. "
            "With blocks of 8 for BRECQ and QDrop as well (`%s`, their rows in `a4knobs.jsonl`, stops 43-44):"
            % (SINCE_INLIERQ_BLOCK, BLOCK), ""]
    out += lines or ["- not measured yet."]


def equal_blocks(rows, cells, is_ancestor):
    """The W8A4 cells with BRECQ and QDrop at InlierQ's block length there: their rows with BLOCK added to the
    options `--method M` alone runs, next to InlierQ's own cells."""
    out = {k: v for k, v in cells.items() if k[3] == "inlierq" and k[1:3] == (8, 4)}
    for r in rows:
        if r.get("method") in ("brecq", "qdrop") and (r["w_bits"], r["a_bits"]) == (8, 4):
            options, since = DEFAULTS[r["method"]]
            if ran(r, options + " " + BLOCK, since, is_ancestor):
                add(out, r)
    return out
