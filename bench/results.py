#!/usr/bin/env python3
"""Writes docs/results.md from every bench/measured/*.jsonl (python3 standard library only).

Usage: python3 bench/results.py           regenerate docs/results.md
       python3 bench/results.py --check   exit 1 when docs/results.md is not what the measurements give

One section per file. Quantization rows (bench/calibrators.sh) are grouped per model and bit widths, rows that
differ only in their seed pooled as bench/table.py --seeds pools them (mean ± sample sd, n); latency rows
(bench/latency.sh) are listed per model; rows of any other kind are listed field by field, so that no row is
left out. Every row shows the commit and CPU it was measured on and the command that reproduces it: the row's
"command" field, or for rows written before that field existed, a command rebuilt from model, method, bits
and options. Rows of AdaRound, BRECQ, QDrop and InlierQ measured before commit RERUN_BEFORE are marked."""
import glob, json, os, re, statistics, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table  # noqa: E402  (bench/table.py: loading, seed pooling, statistics)
import method_table  # noqa: E402  (bench/method_table.py: issue 12's table of methods at the low-bit defaults)
import targets  # noqa: E402  (bench/targets.py: issue 12's accuracy targets, where each stands)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEASURED = os.path.join(ROOT, "bench", "measured")
PAGE = os.path.join(ROOT, "docs", "results.md")
RERUN_BEFORE = "1e2b974"  # the backward-pass fix (DJL Number overloads)
RERUN_METHODS = {"adaround", "brecq", "qdrop", "inlierq"}
MARK = "†"
EVAL = ("./inlierq eval --model Q.onnx --spec MODEL --images $D/val2017 "
        "--annotations $D/annotations/instances_val2017_subset.json --engine ort")

# What each file holds and how it was made; files not listed here still get a section.
ABOUT = {
    "classic_all.jsonl":
        "Classic calibrators with quantizers on every activation between quantized layers (`--placement all`), "
        "weights of the default `--weight-type auto` (`int7` on a CPU without VNNI). \"sim AP\" is the same file "
        "evaluated on the DJL engine (`--engine djl`: exact QDQ arithmetic). Made with "
        "`bench/calibrators.sh yolox fastestdet picodet`.",
    "gptq.jsonl":
        "`--method gptq` (second-order rounding, see [methods.md](methods.md#gptq)). Made with "
        "`METHODS=gptq BITS=\"4,8 4,4\" SIM=0 TABLE=gptq [EXTRA=\"...\"] bench/calibrators.sh yolox picodet "
        "fastestdet`. Builds before 9f30a27 had `--placement all --no-equalize` as GPTQ's default; the options "
        "column spells out what each row ran. Options starting with `-D` are system properties given in "
        "`INLIERQ_JAVA_OPTS` (cfc5d5d: `-Dinlierq.gptq.inputs=quantized` was then the default, with a slower "
        "Cholesky).",
    "reconstruction.jsonl":
        "Reconstruction (AdaRound, BRECQ, QDrop), InlierQ and the classic calibrators they are compared with, "
        "quantizers on layer inputs. Made with `TABLE=reconstruction SIM=0 BITS=4,4 METHODS=\"brecq qdrop "
        "inlierq\" [EXTRA=\"--seed 1\" LABEL=s1] bench/calibrators.sh MODEL`. Builds: 70dc3b7, reconstruction "
        "with DJL's fused Adam update; 68e9846, our own Adam and equalisation on by default for the "
        "reconstruction methods (rows of 68e9846 and da73846 were measured with a second benchmark sharing the "
        "cores, about twice the wall time alone); da73846, InlierQ with the zero-saliency split; 3b35794, the "
        "reconstruction and InlierQ code of da73846; 6ae0930, W4A8 with equalisation (a second benchmark "
        "sharing the cores); dddc0b1, after the backward-pass and LSQ step fixes. A reconstruction row ran with "
        "activation equalisation unless its options say `--no-equalize`, as today's default.",
    "w8a8.jsonl":
        "W8A8 with quantizers on layer inputs: classic calibrators on YOLOX-Nano and AdaRound (50 steps per "
        "layer, equalisation on) on all three models. The AdaRound rows were made with `OUT=/tmp/w8 TABLE=w8 "
        "SIM=0 BITS=8,8 METHODS=adaround bench/calibrators.sh yolox picodet fastestdet`.",
    "latency.jsonl":
        "ONNX Runtime latency per batch (batch 1 unless the heading says otherwise), W8A8 files against the "
        "float model, measured in alternation by "
        "`bench/latency.sh` (rounds of runs; a row's latency is the median over rounds of the per-round "
        "medians, its speed-up the median of the per-round ratios to the float model of the same round). The "
        "VM's speed drifts between minutes, so compare rows of one run (one commit) only.",
}
ABOUT["kernels.jsonl"] = (
    "Where ONNX Runtime spends FastestDet's time, per kernel class (op after ONNX Runtime's optimisation, "
    "depthwise or not, kernel, stride), from its profiler (`bench/tools/ort_kernels.py`, median of 3 rounds of "
    "300 runs, batch 1, 2 threads), with the wall latency of 9 alternating rounds of `./inlierq bench`. The "
    "`proxy` file is the fused file with each channel shuffle replaced by one Split (`bench/tools/shuffle_proxy.py`):"
    " its values are wrong, its speed bounds what folding the shuffles into the convolutions could reach.")
ABOUT["start_gptq.jsonl"] = (
    "Learned rounding started from GPTQ's (`--start gptq`, see [methods.md](methods.md)), W4A8, whole feature "
    "maps. Made with `METHODS=\"adaround brecq\" BITS=4,8 SIM=0 TABLE=start_gptq EXTRA=\"--start gptq "
    "[--iters N]\" bench/calibrators.sh yolox`. These rows ran before GPTQ's bias correction (commit 19c0334).")
ABOUT["budget.jsonl"] = (
    "AP against the reconstruction budget: `--start gptq` with spatial windows (`--window 32`), at several "
    "`--iters`. Made with `METHODS=adaround BITS=4,8 SIM=0 TABLE=budget EXTRA=\"--start gptq --iters N "
    "--window 32\" bench/calibrators.sh MODEL`. Wall times were measured while other work shared the 2 cores.")
ABOUT["w4a4.jsonl"] = (
    "W4A4 with the default 4-bit recipe (AdaRound from GPTQ's start, 200 steps, 32-pixel windows). Made with "
    "`METHODS=adaround BITS=4,4 SIM=0 TABLE=w4a4 EXTRA=\"--start gptq --iters 200 --window 32\" "
    "bench/calibrators.sh fastestdet yolox`.")
ABOUT["steptime.jsonl"] = (
    "Time of one reconstruction step per unit, whole feature maps against spatial windows, timed in "
    "alternation in one JVM by `OUT=bench/measured/steptime.jsonl bench/steptime.sh MODEL -- --window N "
    "--units first` (BRECQ blocks).")
ABOUT["start_gptq.jsonl"] += (
    " Later rows (from 0f12d54) add, on the default 4-bit recipe's settings (`--iters 200 --window 32`), learned "
    "activation zero points (`--lr-zero-point`), learned weight step sizes (`--lr-weight-scale`) and the cosine "
    "decay of their rates (`--activation-decay cosine`); the commit of each row says which code ran.")
ABOUT["w4a4.jsonl"] += (
    " Later rows try QDrop at the same budget, learned zero points with cosine decay, and no equalisation; "
    "their options say which. Rows at fe6f50d (stop 36): AdaRound, BRECQ, QDrop and InlierQ at that budget "
    "(`--start gptq --iters 200 --window 32 --lr-round 0.3`), seeds 0-2, `METHODS=M BITS=4,4 SIM=0 TABLE=w4a4 "
    "EXTRA=\"--start gptq --iters 200 --window 32 --lr-round 0.3 --seed S\" bench/calibrators.sh yolox`; rows from "
    "3d3501a on run `EXTRA=\"--seed S\"` alone, which is the same budget by default.")
ABOUT["mixed.jsonl"] = (
    "Automatic mixed precision (`--mixed-precision F`: at most the fraction F of the weight parameters kept at 8 "
    "bit, chosen by the label-free sensitivity of `inlierq analyze`) on the default 4-bit recipe. Made with "
    "`METHODS=adaround BITS=4,8 SIM=0 TABLE=mixed EXTRA=\"--start gptq --iters 200 --window 32 "
    "--mixed-precision 0.15\" bench/calibrators.sh MODEL`. Rows before b7b4d1a score each weight with nearest "
    "rounding; from b7b4d1a on, with the codes GPTQ gives it (the 4-bit recipe starts from GPTQ).")
ABOUT["mixed.jsonl"] += (
    " Rows at 8004db7 and later (stop 24) run with GPTQ's scales searched for its error (`--gptq-scales "
    "searched`, the 4-bit default from then on), which the sensitivity scoring with GPTQ's codes uses too.")
ABOUT["mixed.jsonl"] += (
    " Rows with `--start gptaq` (stop 25) start the learned rounding from GPTQ with asymmetric calibration "
    "(docs/methods.md); the weights are scored with the whole-network GPTQ's codes.")
ABOUT["rate.jsonl"] = (
    "The Adam rate of AdaRound's rounding variables (`--lr-round`) in the 4-bit recipe (GPTQ's start, 200 steps "
    "per layer, 32-pixel windows), W4A8, stop 23. At the old default 0.01 a variable moves at most about 2 over "
    "200 steps, less than the 2.4 the rectified sigmoid needs to reach 0 or 1 from 1/2. Made with "
    "`METHODS=adaround BITS=4,8 SIM=0 TABLE=rate LABEL=L EXTRA=\"--start gptq --iters 200 --window 32 --lr-round R "
    "[--seed S]\" bench/calibrators.sh MODEL`; seed 0 unless the options name one.")
ABOUT["network.jsonl"] = (
    "Network-wise reconstruction (one unit over every quantized layer, `--unit block --block-size 1000`, whole "
    "images) from GPTQ's start, W4A8, stop 23. Made with `METHODS=\"adaround brecq\" BITS=4,8 SIM=0 "
    "TABLE=network EXTRA=\"--unit block --block-size 1000 --start gptq --iters 200 [--lr-round 0.05 "
    "--lambda-round 0.1]\" bench/calibrators.sh yolox`. In every row the unit's hardened rounding lost to GPTQ's "
    "on the calibration loss, so the unit kept GPTQ's start and the file is GPTQ's.")
ABOUT["train.jsonl"] = (
    "Training runs of the demo detector (`inlierq train`, docs/training.md), evaluated on the 300 synthetic val "
    "images (`inlierq synth --out /tmp/synth --train 0 --val 300`, then `inlierq eval`); AP in 0..1.")
ABOUT["demo.jsonl"] = (
    "`inlierq demo --json` from a fresh clone without `../shared` (AP in 0..1, `seconds` per quantize run).")
ABOUT["fused.jsonl"] = (
    "W8A8 files ONNX Runtime can fuse completely (`--placement all`), with GPTQ's rounding, with and without "
    "equalisation: the accuracy of a fast recipe. Made with `METHODS=gptq BITS=8,8 SIM=0 TABLE=fused "
    "EXTRA=\"--placement all [--no-equalize]\" bench/calibrators.sh picodet fastestdet`. Their speed needs a "
    "CPU with VNNI, which this VM lacks (Latency below).")
ABOUT["simcheck.jsonl"] = (
    "ONNX Runtime against the engine's exact QDQ simulation on written files (`bench/simcheck.sh "
    "MODEL=FILE.onnx`): the AP of both on the 206 val2017 images and their difference.")
ABOUT["seeds.jsonl"] = (
    "The default 4-bit recipe (AdaRound from GPTQ's start, 200 steps per layer, 32-pixel windows) at W4A8 with "
    "seeds 0, 1 and 2, all on one VM in one session (stop 20, AMD EPYC with AVX-512 VNNI, nothing else on the "
    "cores): the seed spread that any difference between recipes must exceed. Made with `for s in 0 1 2; do "
    "METHODS=adaround BITS=4,8 SIM=0 TABLE=seeds LABEL=s$s EXTRA=\"--start gptq --iters 200 --window 32 --seed "
    "$s\" bench/calibrators.sh MODEL; done`.")
ABOUT["sensitivity.jsonl"] = (
    "How well the label-free per-layer sensitivity of `inlierq analyze` ranks layers as their AP change does: "
    "Spearman's rho over the largest layers, each quantized alone (weights, then input activation) at W4A8, AP "
    "on the first labelled val2017 images. Made with `LAYERS=24 IMAGES=50 bench/sensitivity.sh yolox`.")
ABOUT["methods.jsonl"] = (
    "BRECQ, QDrop and InlierQ (block units) on the 4-bit recipe's settings (GPTQ's start, 200 steps per unit, "
    "32-pixel windows, rounding rate 0.3), W4A8, stop 24, before GPTQ's scale search. Made with "
    "`METHODS=\"brecq qdrop inlierq\" BITS=4,8 SIM=0 TABLE=methods LABEL=r03 EXTRA=\"--start gptq --iters 200 "
    "--window 32 --lr-round 0.3\" bench/calibrators.sh yolox`.")
ABOUT["scales.jsonl"] = (
    "GPTQ's per-channel weight scales searched for the output error GPTQ leaves (`--gptq-scales searched`, the "
    "default at 4-bit weights from 8004db7) against the calibrated MSE scales, stop 24: `--method gptq` and the "
    "default 4-bit recipe (AdaRound from GPTQ's start, 200 steps, 32-pixel windows, rounding rate 0.3), W4A8. "
    "Rows from e57cb6c switch the search with `-Dinlierq.gptq.search=true` (its first form); rows from 8004db7 "
    "search by default. Made with `METHODS=gptq BITS=4,8 SIM=0 TABLE=scales [EXTRA=\"--seed S\"] "
    "bench/calibrators.sh MODEL` and `METHODS=adaround BITS=4,8 SIM=0 TABLE=scales EXTRA=\"--start gptq --iters "
    "200 --window 32 --lr-round 0.3 --seed S\" bench/calibrators.sh MODEL`.")
ABOUT["gptq_options.jsonl"] = (
    "`--method gptq` W4A8 with searched scales (stop 24), seed 0, one setting changed per row: the damping and "
    "the positions sampled per image (system properties `inlierq.gptq.damp`, `inlierq.gptq.positions`; these rows "
    "ran commit 8004db7 with the switches of f65199d applied, the same code), no equalisation, and every "
    "activation quantized without equalisation. Made with `INLIERQ_JAVA_OPTS=\"-Xmx8g -Dinlierq.gptq.damp=D\" "
    "METHODS=gptq BITS=4,8 SIM=0 TABLE=gptq_options bench/calibrators.sh MODEL` and `METHODS=gptq BITS=4,8 SIM=0 "
    "TABLE=gptq_options EXTRA=\"[--placement all] --no-equalize\" bench/calibrators.sh MODEL`.")
ABOUT["alpha.jsonl"] = (
    "`--search-alpha` (each activation's equalisation strength chosen by the estimated output error of its readers "
    "at the run's bits, stop 24), W4A8, seed 0, with GPTQ's searched scales. Made with `METHODS=gptq BITS=4,8 "
    "SIM=0 TABLE=alpha EXTRA=\"--search-alpha\" bench/calibrators.sh MODEL` and, for the default 4-bit recipe, "
    "`METHODS=adaround BITS=4,8 SIM=0 TABLE=alpha EXTRA=\"--start gptq --iters 200 --window 32 --lr-round 0.3 "
    "--search-alpha\" bench/calibrators.sh MODEL`.")
ABOUT["alpha.jsonl"] += (
    " Rows at 4fec991 (stop 25) add seeds 1 and 2 of `--method gptq --search-alpha` (`EXTRA=\"--search-alpha "
    "--seed S\"`).")
ABOUT["start_gptq.jsonl"] += (
    " Rows at 4fec991 (stop 25) learn the weight step sizes on the default 4-bit recipe of stop 24 (rounding rate "
    "0.3, searched GPTQ scales): `EXTRA=\"--start gptq --iters 200 --window 32 --lr-round 0.3 --lr-weight-scale "
    "0.001\"`.")
ABOUT["bias.jsonl"] = (
    "Sequential empirical bias correction after each reconstruction unit (`--bias-correction`, stop 25), W4A8, "
    "seed 0: on GPTQ's start with no learning steps (`--start gptq --iters 0`, which writes GPTQ's rounding; the "
    "rows without the flag are that baseline) and on the default 4-bit recipe. Made with `METHODS=adaround "
    "BITS=4,8 SIM=0 TABLE=bias EXTRA=\"--start gptq --iters 0 [--bias-correction]\" bench/calibrators.sh MODEL` "
    "and `EXTRA=\"--start gptq --iters 200 --window 32 --lr-round 0.3 --bias-correction\"`.")
ABOUT["asym.jsonl"] = (
    "Two-pass asymmetric GPTQ (`-Dinlierq.gptq.inputs=asymmetric` at 4b3865b, stop 25; removed after these "
    "rows): Hessians and cross terms from the network quantized by a first plain GPTQ, every layer rounded again "
    "at once towards the float outputs. Made with `INLIERQ_JAVA_OPTS=\"-Xmx12g -Dinlierq.gptq.inputs=asymmetric\" "
    "METHODS=gptq BITS=4,8 SIM=0 TABLE=asym bench/calibrators.sh MODEL`. The sequential form is `gptaq.jsonl`.")
ABOUT["gptaq.jsonl"] = (
    "GPTQ with asymmetric calibration run unit by unit inside reconstruction (`--start gptaq`, GPTAQ, stop 25), "
    "W4A8: alone (`--iters 0`: the file is that rounding) and as the default 4-bit recipe's start. Made with "
    "`METHODS=adaround BITS=4,8 SIM=0 TABLE=gptaq EXTRA=\"--start gptaq --iters 0 [--seed S]\" "
    "bench/calibrators.sh MODEL` and `EXTRA=\"--start gptaq --iters 200 --window 32 --lr-round 0.3 [--seed "
    "S]\"`.")
ABOUT["gptaq.jsonl"] += (
    " Stop 26: rows with `-Dinlierq.gptq.damp=0.001` (653eb37) lower GPTQ's damping; rows with "
    "`-Dinlierq.gptaq.slopes=true` (480b932) weight GPTAQ's per-unit Hessians by the activation slopes, the "
    "experiment switch that `--hessian slopes` (GPTAQ's default from 343dd14 on) replaced with the same bytes "
    "(FastestDet seed 0: 14.46 AP both ways); `--method gptaq` rows run GPTAQ as its own method (the same file as "
    "`--method adaround --start gptaq --iters 0`). The row at 7e8b5de also weighted the whole-network GPTQ pass "
    "before GPTAQ, and the rows at 852c4b7 weighted each depthwise channel by its own slope: both variants were "
    "dropped. Rows with `--lr-round 0.1` and `--start gptaq --hessian slopes` try the default recipe's learned "
    "rounding from GPTAQ's start at a third of its rate. Rows at d3af8e6 also weighted hard-swish layers "
    "(reverted: PicoDet-XS 21.84 over three seeds against 22.20). Rows at a043c79 with "
    "`-Dinlierq.gptq.positions=2048` sample four times the positions per image for GPTAQ's (and the first "
    "pass's) Hessians.")
ABOUT["budget.jsonl"] += (
    " Rows at 7d0398a (stop 26) measure the default 4-bit recipe of stop 24 (`--start gptq --window 32 "
    "--lr-round 0.3`, searched scales) at 400 and 800 steps per unit, seed 0; its 200-step seed-0 row is in "
    "`scales.jsonl` (26.02 AP).")
ABOUT["gptq.jsonl"] += (
    " Rows at 7e8b5de with `--hessian slopes` weighted the whole-network GPTQ's Hessians by the activation slopes "
    "(refused from 852c4b7 on: it lowered AP on all three models).")
ABOUT["w4a4.jsonl"] += (
    " Rows at 653eb37 with `--start gptaq --iters 0` are GPTAQ alone at W4A4.")
ABOUT["mixed.jsonl"] += (
    " The row at 653eb37 starts from GPTAQ's rounding (seed 0).")
ABOUT["w8a8.jsonl"] += (
    " The row at 14d35b4 (`METHODS=gptq BITS=8,8`) ran with FastestDet's channel shuffles rewritten as strided "
    "Slices, a change reverted in 432739c (docs/experiments.md, stop 26).")
ABOUT["fused.jsonl"] += (
    " The row at 14d35b4 ran with FastestDet's channel shuffles rewritten as strided Slices (reverted).")
ABOUT["latency.jsonl"] += (
    " The FastestDet rows at 14d35b4 time the fused file with its channel shuffles rewritten as strided Slices "
    "(0.79x float), the reason that rewrite was reverted.")
ABOUT["latency.jsonl"] += (
    " The rows at 7eb6933 (stop 41) were measured on a 2-core AMD EPYC of CPU family 25 model 17 (Zen 4) with "
    "AVX-512 VNNI, nothing else on the cores: FastestDet at batch 1 with 9 and with 31 rounds, at 2 threads and at "
    "1, and at batch 8; PicoDet-XS with the QDrop fused recipe at batch 1.")
ABOUT["grid.jsonl"] = (
    "Affine 4-bit weight grids (stop 27, a2a0fd5: `--weight-grid auto`, the default, gives every layer of 4 bits "
    "or fewer a zero point per output channel; `--weight-grid symmetric` is the grid of every earlier row). "
    "Made on a 2-core AMD EPYC without VNNI with `METHODS=M BITS=4,8 SIM=0 TABLE=grid EXTRA=\"[...] --seed S\" "
    "bench/calibrators.sh MODEL`: `gptaq` alone and the default 4-bit recipe (`adaround` with "
    "`--start gptq --iters 200 --window 32 --lr-round 0.3`). The rows at 5c8075d are the symmetric grid of the "
    "build before (same code path as `--weight-grid symmetric`), measured on the same machine the same day.")
ABOUT["mixed.jsonl"] += (
    " Rows at a2a0fd5 (stop 27) run the mixed-precision recipe with affine 4-bit weight grids, the new default.")
ABOUT["grid.jsonl"] += (
    " Rows at e04d57d and 00b9e6c (stop 28, same machine type): the default recipe's YOLOX-Nano seeds 1-2, "
    "`--method gptq` with affine grids, and the default recipe with `--search-alpha` (each activation's "
    "equalisation strength searched on the run's weight grid, 00b9e6c) or `--lr-weight-scale 0.001`. Rows whose "
    "`note` field says so ran while a second benchmark queue shared the cores: their AP stands (a run's bytes do "
    "not depend on timing), their seconds are inflated.")
ABOUT["budget.jsonl"] += (
    " The row at e04d57d (stop 28) is the default 4-bit recipe with affine grids at 600 steps per unit (FastestDet, "
    "seed 0; a second benchmark shared the cores).")
ABOUT["mixed.jsonl"] += (
    " Rows at b0f4ae8 (stop 28) add `--search-alpha` (each activation's equalisation strength searched on the "
    "run's weight grid, part of the default 4-bit recipe from b0f4ae8); from that commit `seconds` counts the "
    "mixed-precision scoring too.")
ABOUT["mixed.jsonl"] += (
    " Rows at 2aad462 (stop 29): the same recipe, PicoDet-XS seed 2 and YOLOX-Nano seeds 0-2 (a training run "
    "shared the cores, so their seconds are inflated), and YOLOX-Nano with `--weight-grid symmetric` with and "
    "without the search.")
ABOUT["grid.jsonl"] += (
    " Rows at 2aad462 (stop 29) repeat the default recipe's seed 0 with the simulation scored too (`SIM=1`): "
    "each file is byte-identical to its stop-28 row, and the simulation's AP is within 0.22 of ONNX Runtime's.")
ABOUT["exportside.jsonl"] = (
    "Trained demo detectors written at several input sides (`inlierq train --export-size S`) and scored on the "
    "benchmark's val split (split_seed 0, the test) and on two tuning splits drawn with other seeds "
    "(`inlierq synth --out sv --seed N --train 0 --val 300`), docs/training.md, \"A larger input than the "
    "training side\"; AP in 0..1.")
ABOUT["train.jsonl"] += (
    " Rows at 2aa60f2 (stop 29) vary `--objects` (labelled objects per training scene); the last two are the "
    "committed detector's command, beside a benchmark and alone, with byte-identical files.")
ABOUT["recipe.jsonl"] = (
    "Variations of the default 4-bit recipe (stop 30, b5a8ac6), W4A8, YOLOX-Nano, seed 0: the reconstruction loss "
    "of its layer units weighted by the diagonal Fisher of the top-K heatmap loss (`--loss fisher`), and InlierQ on "
    "layer units from GPTQ's start (`--method inlierq --unit layer`). Made with `METHODS=M BITS=4,8 SIM=0 "
    "TABLE=recipe EXTRA=\"--start gptq --iters 200 --window 32 --lr-round 0.3 --search-alpha [...] --seed 0\" "
    "bench/calibrators.sh yolox`.")
ABOUT["seqgptq.jsonl"] = (
    "GPTQ on the quantized network's inputs (`--method gptq` at 4-bit weights from 4a1df4a, `--gptq-inputs "
    "quantized`: each layer rounded again, in order, for the inputs of the network quantized up to it, towards its "
    "own weights), W4A8. Made with `METHODS=gptq BITS=4,8 SIM=0 TABLE=seqgptq EXTRA=\"[--search-alpha] [--hessian "
    "slopes] --seed S\" bench/calibrators.sh MODEL`. The stop-30 rows at 454d137 ran the same rounding as `--method "
    "gptaq --hessian plain` with the experiment switch `-Dinlierq.gptaq.target=quantized` (the sequential form; "
    "FastestDet and YOLOX-Nano seed 0 give the same AP as the rows at 4a1df4a), and without it (GPTAQ, plain "
    "Hessian) for comparison. Rows at fd1bd6c (stop 35) are `--method gptq` with its new 4-bit default, "
    "`--gptq-inputs asymmetric` (each layer on the quantized network's inputs towards the float outputs, GPTAQ's "
    "target with slope-weighted Hessians; the same AP as the `--method gptaq` rows of gptaq.jsonl).")
ABOUT["w4a4.jsonl"] += (
    " Rows of stops 30-31 (454d137) run FastestDet with the default 4-bit recipe as of stop 28 "
    "(`--search-alpha`, affine grids), without equalisation (`--no-equalize`), and QDrop with the same settings.")
ABOUT["mixed.jsonl"] += (
    " Rows at fd1bd6c (stop 35): `--method gptq` (its 4-bit default, GPTAQ's target) with `--mixed-precision "
    "0.15`, YOLOX-Nano seeds 0-2, no learning step; and the default recipe's mixed precision scored on 64 "
    "images (`--mixed-images 64`), seed 0.")
ABOUT["start_gptq.jsonl"] += (
    " The row at fd1bd6c (stop 35) starts the default 4-bit recipe from GPTAQ's slope-weighted rounding "
    "(`--start gptaq`) instead of the one-pass GPTQ.")
ABOUT["w4a4.jsonl"] += (
    " Rows at fd1bd6c (stop 35): `--method gptq` with its new 4-bit default (`--gptq-inputs asymmetric`), the three "
    "models, seeds 0-2.")
ABOUT["w8a4.jsonl"] = (
    "8-bit weights with 4-bit activations (issue 12: which activations cost most at 4 bits). Made with "
    "`METHODS=gptq BITS=8,4 SIM=0 TABLE=w8a4 EXTRA=\"[--gptq-inputs asymmetric] --seed S\" bench/calibrators.sh "
    "MODEL` at fd1bd6c (stop 35): GPTQ's default at 8-bit weights (the one-pass form on the float network's inputs, "
    "MSE activation ranges), and on seed 0 its asymmetric form, which rounds for the 4-bit activations' error.")
ABOUT["simcheck.jsonl"] += (
    " Rows at fd1bd6c (stop 35): the seed-0 W4A8 files of `--method gptq`'s asymmetric 4-bit default.")
ABOUT["w4a8.jsonl"] = (
    "Issue 12's method table at W4A8 (stop 37): each learned method as `--method M --w-bits 4 --a-bits 8` alone "
    "runs it since 3d3501a (from GPTQ's rounding, 200 steps per unit on 32-pixel windows, `--lr-round 0.3`; no "
    "`--search-alpha`, which only the no-flag default adds). Made with `METHODS=M BITS=4,8 SIM=0 TABLE=w4a8 "
    "EXTRA=\"--seed S\" bench/calibrators.sh MODEL` (`SIM=1` for one row per model, the simulation's AP) at 9bdc82c.")
ABOUT["w8a4.jsonl"] += (
    " Rows at 9bdc82c (stop 37): the learned methods at W8A4 as `--method M` alone runs them (the 4-bit budget, "
    "as at W4A8), `METHODS=M BITS=8,4 SIM=0 TABLE=w8a4 EXTRA=\"--seed S\" bench/calibrators.sh MODEL`.")
ABOUT["w4a4.jsonl"] += (
    " Rows at 9bdc82c (stop 37): YOLOX-Nano `--method inlierq` at 50 and 800 steps per unit (`EXTRA=\"--iters N "
    "--seed 0\"`), with its 200-step rows of stop 36 the W4A4 curve of \"AP against budget\".")
ABOUT["mixed.jsonl"] += (
    " Rows at 9bdc82c (stop 37): `--method qdrop --mixed-precision 0.15` (QDrop at the 4-bit budget, scored with "
    "GPTQ's codes), `METHODS=qdrop BITS=4,8 SIM=0 TABLE=mixed EXTRA=\"--mixed-precision 0.15 --seed S\" "
    "bench/calibrators.sh yolox`.")
ABOUT["w4a8.jsonl"] += (
    " Rows at 67cc8f9 (stop 38): seeds 1 and 2 of the same commands (the quantization code of 9bdc82c; PicoDet-XS "
    "InlierQ seed 1 only, seed 2 not run for time), and PicoDet-XS QDrop seeds 0-2.")
ABOUT["mixed.jsonl"] += (
    " Rows at 6ad55e6 (stop 38): the default 4-bit recipe with `--mixed-budget bytes` (the fraction counts the "
    "stored weight bytes, each weight at its bits: 15% of the bytes is about 8% of the parameters), "
    "`EXTRA=\"--start gptq --iters 200 --window 32 --lr-round 0.3 --search-alpha --mixed-precision 0.15 "
    "--mixed-budget bytes --seed S\"`.")
ABOUT["budget.jsonl"] += (
    " Rows at 6ad55e6 (stop 38): the default 4-bit recipe with early stopping on 8 held-out calibration images "
    "(`--holdout 8`) at 200 and 800 steps per unit, YOLOX-Nano seed 0.")
ABOUT["recipe.jsonl"] += (
    " The row at c3fa800 (stop 38) runs the default 4-bit recipe with the experiment switch "
    "`-Dinlierq.calib.flip=true` (GPTQ and the reconstruction steps see each calibration image and its mirror "
    "image), YOLOX-Nano seed 0.")
ABOUT["w4a8.jsonl"] += (
    " The row at e977b9f (stop 39) adds PicoDet-XS InlierQ seed 2.")
ABOUT["w8a4.jsonl"] += (
    " Rows at e977b9f (stop 39): seeds 1 and 2 of the learned methods on YOLOX-Nano and seeds 0-2 of AdaRound, "
    "BRECQ and InlierQ on FastestDet, the same commands.")
ABOUT["w4a4.jsonl"] += (
    " Rows at e977b9f (stop 39): seeds 1 and 2 of FastestDet AdaRound, BRECQ and InlierQ, "
    "`METHODS=M BITS=4,4 SIM=0 TABLE=w4a4 EXTRA=\"--seed S\" bench/calibrators.sh fastestdet`.")
ABOUT["w4a8.jsonl"] += (
    " Rows at f3518f7 (stop 49; Zen 4): `--method gptq` on the three models, seeds 0-2, with its new 4-bit default "
    "`--calib-select dense` (the same command, `EXTRA=\"--seed S\"`).")
ABOUT["w4a8.jsonl"] += (
    " Rows at 2e3087b (stop 50; Zen 4): the default 4-bit recipe on PicoDet-XS, seeds 0-4 (`METHODS=adaround "
    "EXTRA=\"--start gptq --iters 200 --window 32 --lr-round 0.3 --search-alpha --seed S\"`), the first on this VM; "
    "one benchmark at a time; a short test build and `duplicates` shared the cores during some of them (their "
    "seconds, not their AP).")
ABOUT["w4a4.jsonl"] += (
    " Rows at f3518f7 (stop 49; Zen 4): `--method gptq` on the three models, seeds 0-2, with its new 4-bit default "
    "`--calib-select dense`; the drawn images from the same clone are in `calibsel.jsonl`.")
ABOUT["tuning.jsonl"] = (
    "Where learned rounding starts and step sizes tuned end to end (stop 39), W4A8, seed 0. Rows with "
    "`-Dinlierq.start.soft=D` start the rounding D steps from GPTQ's code instead of at its compensated weight; rows "
    "with `-Dinlierq.tune.iters=N` tune every step size of the whole network after reconstruction with the codes "
    "pinned (`recon/NetworkTuning`, `-Dinlierq.tune.loss=fisher` with Fisher weights); rows with `--unit block "
    "--block-size 1000 --window 0 --lr-round 0` make the whole network one unit from GPTQ's start and learn only "
    "step sizes (the same tuning without a reconstruction before it; without the pinning switch its steps see "
    "GPTQ's compensated weights, not its codes). Rows marked f767897 ran e977b9f with that commit's switches "
    "applied (the same code). Made with `INLIERQ_JAVA_OPTS=\"-Xmx8g -D...\" METHODS=adaround BITS=4,8 SIM=0 "
    "TABLE=tuning EXTRA=\"...\" bench/calibrators.sh MODEL`, the options of each row.")
ABOUT["w8a4.jsonl"] += (
    " Rows at 8af9244 (stop 40): PicoDet-XS AdaRound, BRECQ, QDrop and InlierQ and FastestDet QDrop, seeds 0-2, "
    "the same commands; the simulation's AP of FastestDet QDrop seeds 0 and 2 and PicoDet-XS QDrop seed 0 was "
    "evaluated afterwards on the same files (`./inlierq eval ... --engine djl`).")
ABOUT["inlierdrop.jsonl"] = (
    "InlierQ with QDrop's dropping (stop 40): `--method inlierq --drop-prob 0.5` keeps each activation in float "
    "with probability 0.5 while a unit learns, as `qdrop` does, with InlierQ's loss, ranges and 4-bit budget (what "
    "`--method inlierq` alone runs at these bits) unchanged. Made with `METHODS=inlierq BITS=W,A SIM=1 "
    "TABLE=inlierdrop EXTRA=\"--drop-prob 0.5 --seed S\" bench/calibrators.sh MODEL` at 8af9244; compare with the "
    "inlierq and qdrop cells of \"Methods at the low-bit defaults\".")
ABOUT["a4knobs.jsonl"] = (
    "Levers at 4-bit activations (stop 42): `--method inlierq` with its defaults (dropping at 4-bit activations) "
    "and one setting changed, larger reconstruction blocks (`--block-size B`, 4 by default) or a higher drop "
    "probability. Made with `METHODS=inlierq BITS=W,A SIM=0 TABLE=a4knobs EXTRA=\"--block-size B --seed S\" "
    "bench/calibrators.sh MODEL` (or `--drop-prob 0.75`) from a clean clone of 2980c92. Stop 43 (clean clone of "
    "d59f714, same code): the other seeds of `--block-size 8` at W8A4, which 8a3ebcb made `--method inlierq`'s "
    "default at weights above 4 bits with activations of 4 bits or fewer, and at W4A4 seeds 1-2 and the rounding "
    "fixed (`--lr-round 0`): at d59f714 its steps computed with GPTQ's soft compensated weights, a bug fixed in "
    "e01881c; the `--lr-round 0` rows at 203df7f step with the codes written. Also at 203df7f: other rounding "
    "rates (`--lr-round R`, the 4-bit default 0.3) at W4A4, and `--method qdrop --block-size 8` at W8A4 (seed 0), "
    "whether the longer blocks help QDrop as well.")
ABOUT["a4knobs.jsonl"] += (
    " Stop 44 (clean clones of 3c31807 and 0f56fd2, the code of stop 43): `--method brecq|qdrop --block-size 8` at "
    "W8A4, YOLOX-Nano and PicoDet-XS BRECQ seeds 0-2, the other models' seed 0, InlierQ's block length there "
    "(`METHODS=M BITS=8,4 SIM=0 TABLE=a4knobs EXTRA=\"--block-size 8 --seed S\"`); and on YOLOX-Nano seed 0, "
    "`--method inlierq` with mirrored calibration images (`INLIERQ_JAVA_OPTS=\"-Xmx10g -Dinlierq.calib.flip=true\"`), `--bias-correction`, "
    "`--lr-scale R` or its rounding started 0.05 steps from GPTQ's codes (`-Dinlierq.start.soft=0.05`).")
ABOUT["eqsearch.jsonl"] = (
    "Equalisation strength 0 added to the searched strengths (stop 44): `--method gptq --search-alpha` at W4A8, "
    "seed 0, with the searched strengths as they are (0.25, 0.5, 0.75 besides none) and with "
    "`-Dinlierq.equalize.strengths=0,0.25,0.5,0.75` (0 gives every weight column of the readers the same range). "
    "Made with `INLIERQ_JAVA_OPTS=\"-Xmx10g [-Dinlierq.equalize.strengths=0,0.25,0.5,0.75]\" METHODS=gptq "
    "BITS=4,8 SIM=0 TABLE=eqsearch EXTRA=\"--search-alpha --seed 0\" bench/calibrators.sh MODEL` from a clean "
    "clone of 0f56fd2.")
ABOUT["w8a4.jsonl"] += (
    " The row at 203df7f (stop 43, FastestDet, seed 0, `--method inlierq` with no `--block-size`) checks that the "
    "default at W8A4 is blocks of 8: the same AP as stop 42's `--block-size 8` row in `a4knobs.jsonl`.")
ABOUT["mixed.jsonl"] += (
    " The row at 203df7f (stop 43): `--method qdrop` with `--mixed-precision 0.15 --mixed-budget bytes` on "
    "YOLOX-Nano, seed 0 (`METHODS=qdrop BITS=4,8 SIM=0 TABLE=mixed EXTRA=\"--mixed-precision 0.15 --mixed-budget "
    "bytes --seed 0\" bench/calibrators.sh yolox`), QDrop having the best seed 0 under the parameter budget.")
ABOUT["tuning.jsonl"] += (
    " Rows at 2980c92 (stop 42): `--method inlierq` at W8A4 and W4A4 (YOLOX-Nano, seed 0) with the end-to-end "
    "tuning after its units, `INLIERQ_JAVA_OPTS=\"-Xmx8g -Dinlierq.tune.iters=N\" METHODS=inlierq BITS=W,A SIM=0 "
    "TABLE=tuning EXTRA=\"--seed 0\" bench/calibrators.sh yolox`.")
ABOUT["alpha.jsonl"] += (
    " Rows at 2980c92 (stop 42): `--method inlierq` at W8A4 on YOLOX-Nano with a fixed equalisation strength, "
    "`METHODS=inlierq BITS=8,4 SIM=0 TABLE=alpha EXTRA=\"--alpha A --seed 0\" bench/calibrators.sh yolox` (the "
    "default 0.5: the W8A4 InlierQ cell of \"Methods at the low-bit defaults\").")
ABOUT["budget.jsonl"] += (
    " The row at 2980c92 (stop 42): `--method inlierq` at W8A4 on YOLOX-Nano with twice its budget, `EXTRA=\"--iters "
    "400 --seed 0\"`.")
ABOUT["sensitivity.jsonl"] += (
    " Rows at 5d04081 (stop 45) carry the measure: `heatmap` (the default, as every earlier row) or `detections` "
    "(`EXTRA=\"--measure detections\" LAYERS=24 IMAGES=50 bench/sensitivity.sh yolox`: each variant scored by 1 - "
    "the AP of its detections against the float model's).")
ABOUT["mixed.jsonl"] += (
    " Rows at 5d04081 (stop 45): `--method gptq` with `--mixed-precision 0.15 --mixed-budget bytes` on YOLOX-Nano, "
    "seed 0, the weights scored by the heatmap (the default) or by the detections (`--mixed-measure detections`).")
ABOUT["sensitivity.jsonl"] += (
    " The row at b7d6c1c (stop 47): `--measure boxes` (`EXTRA=\"--measure boxes\" bench/sensitivity.sh yolox`: "
    "the heatmap's shift plus the box values' at the float model's top-K locations).")
ABOUT["mixed.jsonl"] += (
    " Rows of stop 47 (b7d6c1c, 9ecab31, f503cac; Zen 4): 15% of the weight bytes (`--mixed-precision 0.15 "
    "--mixed-budget bytes`) with the weights scored by the boxes measure (`--mixed-measure boxes`, the default for "
    "heads with box values from b3cd2f1) or the heatmap, `--method gptq` on YOLOX-Nano and PicoDet-XS, the box "
    "shift's weight on YOLOX-Nano seed 2 (`INLIERQ_JAVA_OPTS=\"-Dinlierq.measure.box=L\"`, an experiment switch "
    "of 9ecab31), marginal scoring (`--mixed-scoring marginal`, one or two rounds), `--topk-scope joint`, and the "
    "default 4-bit recipe (`METHODS=adaround EXTRA=\"--start gptq --iters 200 --window 32 --lr-round 0.3 "
    "--search-alpha ...\"`) with the boxes measure on YOLOX-Nano and marginal scoring on PicoDet-XS; FastestDet "
    "`--method gptq` with either measure, seeds 0-2.")
ABOUT["mixed.jsonl"] += (
    " Rows of stop 48 (e2f313b, fa81207; Zen 4): YOLOX-Nano under the byte budget with other bases: `--method gptq "
    "--mixed-measure boxes` on the densest 64 images (`CALIB=/tmp/top64y`, the folder `--calib-select dense` "
    "reproduces) and scored on all 64 images (`--mixed-images 64`), and `--method inlierq` (boxes measure, its box "
    "term); PicoDet-XS `--method gptq` and the default 4-bit recipe (`METHODS=adaround`, its options in the row) "
    "with `--mixed-scoring marginal --mixed-measure heatmap --calib-select dense`.")
ABOUT["mixed.jsonl"] += (
    " Rows of stop 49: YOLOX-Nano `--method gptq`, seed 0, with the experiment switch `-Dinlierq.mixed.rows=true` "
    "(ba81280, removed in f3518f7): the byte budget spent on output rows instead of whole weights, each row's gain "
    "its share of its weight's by GPTQ's row error, with `-Dinlierq.mixed.fisher=true` by that error times the "
    "row's mean squared task gradient, with `-Dinlierq.mixed.global=true` by that product alone; and PicoDet-XS "
    "`--method gptq --mixed-scoring marginal --mixed-measure heatmap --mixed-images 64` (drawn images), seeds 0-2.")
ABOUT["taskbox.jsonl"] = (
    "Stop 45, YOLOX-Nano: BRECQ and InlierQ with a box-regression term in the label-free task loss whose gradients "
    "give the Fisher weights and the saliency (`INLIERQ_JAVA_OPTS=\"-Xmx10g -Dinlierq.task.box=0,4,LAMBDA\" "
    "METHODS=M BITS=W,A SIM=0 TABLE=taskbox EXTRA=\"--seed S\" bench/calibrators.sh yolox`) and the same methods "
    "without it from the same clone; `--method gptq` W4A8 seeds 0-2 and with `--search-alpha`; and `--method gptq` "
    "with the 12 convolutions only the box and objectness outputs read kept in float (`--exclude-node`); "
    "`--method gptq --hessian inlier` with and without the term; FastestDet's InlierQ with its box channels "
    "(`-Dinlierq.task.box=1,4,1`). Clean clones of d057d9b and 5d04081 (the same quantization code).")
ABOUT["vmcheck.jsonl"] = (
    "Stop 45: `--method gptq` W4A8 on YOLOX-Nano at fd1bd6c (the code of the AVX2 VM's rows of stop 35) run on the "
    "Zen 4 VM, seeds 1-2, to tell a code change from a machine change (`METHODS=gptq BITS=4,8 SIM=0 "
    "TABLE=vmcheck EXTRA=\"--num-calib 64 --seed S\" bench/calibrators.sh yolox`; the default spelled out keeps "
    "the rows out of the method table).")
ABOUT["oracle.jsonl"] = (
    "Stop 45: which part of a quantized YOLOX-Nano's output costs its AP (`bench/tools/OutputOracle.java`). The "
    "float and the quantized file run in ONNX Runtime on the 206 val2017 images; each variant scores a hybrid of "
    "their outputs: `restore X` puts part X (the box values, objectness, the classes, the rows of one stride, or "
    "one of those within one stride) back to the float values, `alone X` quantizes only X; `shift obj>T` shifts "
    "the quantized scores in logit space per stride and class by the mean float-minus-quantized logit over the "
    "positions whose float objectness is at least T (a bias correction of the last layers fitted on these images, "
    "so a bound). Files: `--method inlierq --seed 0` at W4A8 and W4A4 (`quantized_by`). Made with "
    "`QUANTIZED_BY=\"...\" bench/oracle.sh yolox Q.onnx`.")
ABOUT["oracle.jsonl"] += (
    " Stop 46: `ORACLE_GROUPS=boxes bench/oracle.sh MODEL Q.onnx` for any model whose spec names its box values "
    "(`Head.boxValues`): `restore boxes` puts the four box values of every location back to float, `restore "
    "scores` everything else (the box values alone quantized).")
ABOUT["boxw.jsonl"] = (
    "Stop 46: the box term of stop 45 as the option `--box-weight LAMBDA`, its box values from each head's spec "
    "(YOLOX and FastestDet: channels of the one output; PicoDet-XS: its `boxes` output, divided by the box's "
    "size). InlierQ W4A8 with and without it from the same clone (`METHODS=inlierq BITS=4,8 SIM=0 TABLE=boxw "
    "EXTRA=\"--box-weight 1 --seed S\" bench/calibrators.sh MODEL`; without: `EXTRA=\"--num-calib 64 --seed S\"`, "
    "the default spelled out so the rows stay out of the method table). From f52694f `--method inlierq` takes "
    "`--box-weight 1` at W4A8 by itself, and the rows with it spelled out fill the method table's InlierQ W4A8 "
    "cells.")
ABOUT["e2e.jsonl"] = (
    "Stop 46, YOLOX-Nano W4A8 seed 1: whole-network objectives with the box term of stop 45 (experiment switch "
    "`-Dinlierq.task.box=0,4,1`): `--method gptq` followed by end-to-end step-size tuning on the Fisher weights "
    "(`-Dinlierq.tune.iters=100 -Dinlierq.tune.loss=fisher`), and `--method brecq` with the whole network as one "
    "block (`--block-size 1000 --window 0`). Clean clone of aa5e530.")
ABOUT["calibsel.jsonl"] = (
    "Stop 46, YOLOX-Nano W4A8 `--method gptq`: the 64 calibration images chosen as the 64 of the 337 train2017 "
    "files on which the float model finds the most detections of score 0.3 or more (label free; YOLOX-Nano 8 to 33 "
    "each, 11.9 on average against 4.7 over all 337; FastestDet 30 to 78, 40.5 against 20.8), instead of 64 drawn "
    "by the seed (`CALIB=top64 METHODS=M BITS=4,8 SIM=0 TABLE=calibsel EXTRA=\"--seed S\" bench/calibrators.sh "
    "MODEL`; the folder made from `./inlierq eval --detections` of the float model on train2017), for `--method "
    "gptq` on YOLOX-Nano and FastestDet (with FastestDet's drawn sets from the same clone, `EXTRA=\"--num-calib 64 "
    "--seed S\"`) and `--method inlierq --box-weight 1` on FastestDet.")
ABOUT["calibsel.jsonl"] += (
    " Rows of stop 48 (fa81207; Zen 4): the option `--calib-select dense` that makes that choice (of a pool of up "
    "to 8 times the count drawn by the seed: here the whole folder), `METHODS=M BITS=4,8 SIM=0 TABLE=calibsel "
    "EXTRA=\"--calib-select dense --seed S\" bench/calibrators.sh MODEL`: `--method gptq` on the three models "
    "(PicoDet-XS's drawn sets from the same clone with `EXTRA=\"--num-calib 64 --seed S\"`) and the default 4-bit "
    "recipe (`METHODS=adaround`, its options in the row) on YOLOX-Nano.")
ABOUT["calibsel.jsonl"] += (
    " Rows of stop 49 (f3518f7, where `--method gptq` at 4-bit weights takes `dense` by default): W4A4 with "
    "`--calib-select random` on the three models, seeds 0-2, against the default's rows in `w4a4.jsonl`; at eab7dd3 "
    "the default 4-bit recipe (`METHODS=adaround`, its options in the row) with `--calib-select random` on "
    "YOLOX-Nano (its dense rows are stop 48's) and with either choice on FastestDet, seeds 0-2.")
ABOUT["reuse.jsonl"] = (
    "Stop 50: `--method gptq --mixed-precision 0.15 --mixed-budget bytes --seed 0` on YOLOX-Nano W4A8 before "
    "(27952c4) and after (2e3087b) the run started from the model mixed precision's scoring session prepared "
    "(images chosen, equalised) instead of preparing it again; alternated before, after, before, after. The four "
    "files are byte-identical (26.87 AP); `quantize_seconds` is the whole job, scoring included.")
ABOUT["calibsel.jsonl"] += (
    " Rows of stop 50 (2e3087b, Zen 4): `--method inlierq --calib-select dense` at W4A8 on YOLOX-Nano, seeds 0-2, "
    "against its drawn rows with the box term in `boxw.jsonl`.")
ABOUT["calibsize.jsonl"] = (
    "Stop 50 (2e3087b, Zen 4): the default 4-bit recipe on YOLOX-Nano W4A8 with 128 calibration images (seeds 0-2) "
    "and 256 (seed 0), drawn from the 337-image pool; the 64-image rows are in `calibsel.jsonl` (stop 49).")
ABOUT["noact.jsonl"] = (
    "Stop 51 (74980c9, Zen 4): YOLOX-Nano's 4-bit weights with every activation left in float (experiment switch "
    "`-Dinlierq.noact=true`, which drops the plan's activation points; removed after): `--method gptq` seed 0 and "
    "the default 4-bit recipe (`METHODS=adaround`, its options in the row) seeds 0-2, against their W4A8 rows in "
    "`calibsel.jsonl`; PicoDet-XS the default recipe, seeds 0-1 (W4A8 rows in `w4a8.jsonl`). The files hold 4-bit weights and float activations; `a_bits` says 8 only because the "
    "command asked it.")
ABOUT["mixed.jsonl"] += (
    " Rows of stop 51 (1479b29, Zen 4): the byte budget with 128 calibration images instead of 64: YOLOX-Nano "
    "`--method gptq` with the boxes measure and drawn images, seeds 0-2; PicoDet-XS the default recipe with "
    "marginal scoring and the heatmap measure, seed 0.")
ABOUT["train.jsonl"] += (
    " The row of stop 51 (`\"data\": \"lidar\"`) is the LiDAR path's first detector: `train --data lidar` on the "
    "bird's-eye-view maps of `synth-lidar` (docs/lidar.md), scored on its 300 val scenes (`synth-lidar --out L`, "
    "defaults) with `eval --bev-distance`: COCO AP and the nuScenes centre-distance mAP (`bev_mAP`, per class and "
    "per distance).")
ABOUT["lidar.jsonl"] = (
    "Stop 51 (11bcc64, Zen 4): quantizing the LiDAR path's BEV detector (`/tmp/lidar/bev.onnx` and `bev.yaml`, "
    "made by the `--data lidar` row of `train.jsonl`) with 64 calibration maps of the benchmark's train split "
    "(`/tmp/lidar/data`, made by `./inlierq synth-lidar --out /tmp/lidar/data`), scored on its 300 val maps: "
    "`MODEL_FILE=/tmp/lidar/bev.onnx SPEC=/tmp/lidar/bev.yaml VAL_DIR=/tmp/lidar/data/val "
    "VAL_ANN=/tmp/lidar/data/instances_val.json CALIB=/tmp/lidar/data/train EVAL_EXTRA=\"--bev-distance\" "
    "METHODS=M BITS=W,A SIM=0 TABLE=lidar EXTRA=\"--seed S\" bench/calibrators.sh bevdet`. \"BEV mAP\" is the "
    "nuScenes centre-distance mAP in %; float: 79.93 (COCO AP 26.57). \"drop\" is left empty (the float AP above "
    "is the COCO models'). Stop 52 (3e3cf97, the same model retrained by the same command, byte-identical output "
    "of `gptq` seed 0) adds W8A8 rows that trace where the default loses: the classic calibrators on layer inputs "
    "with and without equalisation, GPTQ's equalisation strengths, BRECQ, QDrop, InlierQ without inlier-only "
    "ranges and InlierQ from GPTQ's start (with `--iters 0`, without bias correction, at `--lr-scale 0.001`; "
    "docs/experiments.md, stop 52).")
ABOUT["w8default.jsonl"] = (
    "Stop 52 (3e3cf97, Zen 4; a helper's builds and tests shared the cores during most rows): is InlierQ a better "
    "W8A8 default than GPTQ? `METHODS=M BITS=8,8 SIM=0 TABLE=w8default EXTRA=\"[--start gptq] --seed S\" "
    "bench/calibrators.sh MODEL` for `gptq`, `inlierq` (its paper settings: 50 steps per block from nearest "
    "rounding) and `inlierq --start gptq`, seeds 0-2, and BRECQ on YOLOX-Nano seed 0. Not on the COCO models: "
    "GPTQ stays the default (docs/experiments.md, stop 52). Also GPTQ with `--alpha 1`, and `inlierq --start gptq --lr-scale 0.001`, seeds 0-2.")
ABOUT["w8default.jsonl"] += (
    " Stop 53 (d29fba3, Zen 4; two helpers' builds and tests shared the cores during the COCO rows): InlierQ from "
    "GPTQ's start with early stopping on 8 held-out images (`EXTRA=\"--start gptq --holdout 8 --seed S\"`), "
    "seeds 0-2, on the three COCO models and the first BEV detector (its rows hold `bev_mAP`; the `lidar.jsonl` "
    "command with `TABLE=w8default`), and the same with `--holdout 4` (`hold4`), seeds 0-2 on the five models (the heading detector's rows "
    "in `yaw.jsonl`; docs/experiments.md, stop 53). The `hold4` recipe is the W8A8 default since 5817c49.")
ABOUT["train.jsonl"] += (
    " The row of stop 53 (`\"yaw\": true`) is the same LiDAR detector trained with a heading head (`--yaw`), with "
    "the nuScenes true-positive errors (`bev_mATE`, `bev_mASE`, `bev_mAOE`, per class in `bev_TP_errors`).")
ABOUT["demo.jsonl"] += (
    " The row of stop 53 (2262c6c, Zen 4) runs the new W8A8 default (InlierQ from GPTQ's start with 4 held-out "
    "images), `--out` and `--cache` in /tmp, on the camera images and on the LiDAR maps (`--data lidar`).")
ABOUT["yaw.jsonl"] = (
    "Stop 53 (13485a1, Zen 4, one job at a time on free cores): the BEV detector with a heading head (model name "
    "`bevyaw`: `/tmp/lidar/yaw/bev.onnx` and `bev.yaml`, made by the `\"yaw\": true` row of `train.jsonl`) quantized "
    "as in `lidar.jsonl`: `MODEL_FILE=/tmp/lidar/yaw/bev.onnx SPEC=/tmp/lidar/yaw/bev.yaml VAL_DIR=/tmp/lidar/data/val "
    "VAL_ANN=/tmp/lidar/data/instances_val.json CALIB=/tmp/lidar/data/train EVAL_EXTRA=\"--bev-distance\" "
    "METHODS=M BITS=W,A SIM=0 TABLE=yaw EXTRA=\"OPTIONS --seed S\" bench/calibrators.sh bevyaw`; float BEV mAP "
    "76.58, mAOE 1.007 rad. Rows also hold the mean true-positive errors (`ort_bev_mATE`, `ort_bev_mASE`, "
    "`ort_bev_mAOE`). The two `bevdet` rows are the first detector (`gptq` and `inlierq`, seed 0) scored again "
    "for its translation and scale errors (it has no heading output).")
ABOUT["agreement.jsonl"] = (
    "Stop 54 (3118c29, Zen 4): can a label-free score pick the better of several quantized files? "
    "`SEEDS=\"0 1 2 3 4 5 6 7\" OUT=... bench/agreement.sh yolox` quantizes YOLOX-Nano W4A8 with `--method gptq` "
    "and each seed, and scores each file four ways: `val_AP` on the 206 val2017 images (what the tables report), "
    "`pool_AP` on the 337 labelled train2017 images (the calibration pool, true labels), and, label free, "
    "`pseudo_pool_AP` and `pseudo_calib_AP`: its AP against the float model's own detections scoring 0.3 or more "
    "on the pool and on the run's 64 calibration images (bench/tools/pseudo_labels.py). The script of 3118c29 wrote `val_AP` as `ort_AP`; "
    "the rows were renamed so that the method tables do not pool them. docs/experiments.md, "
    "stop 54.")
ABOUT["box3d.jsonl"] = (
    "Stop 54 (af6e2ec, Zen 4, one job at a time): the BEV detector with 3D boxes (model name `bev3d`: "
    "`/tmp/lidar/b3d/bev.onnx` and `bev.yaml`, made by the `\"box3d\": true` row of `train.jsonl`) quantized as in "
    "`yaw.jsonl`: `MODEL_FILE=/tmp/lidar/b3d/bev.onnx SPEC=/tmp/lidar/b3d/bev.yaml VAL_DIR=/tmp/lidar/data/val "
    "VAL_ANN=/tmp/lidar/data/instances_val.json CALIB=/tmp/lidar/data/train EVAL_EXTRA=\"--bev-distance\" "
    "METHODS=inlierq BITS=W,A SIM=0 TABLE=box3d EXTRA=\"[--start gptq --holdout 4] --seed S\" bench/calibrators.sh "
    "bev3d`; float BEV mAP 77.63, mASE 0.213 in its 3D form (`ort_bev_ASE_form`), mAOE 1.008 rad.")
ABOUT["boot.jsonl"] = (
    "Stop 54 (af6e2ec, Zen 4, one job at a time): seed 0 of the default 4-bit recipe (W4A8) on the three models and "
    "of the best byte-budget mixed precision of YOLOX-Nano (`--method gptq --mixed-precision 0.15 --mixed-budget "
    "bytes --mixed-measure boxes --calib-select random`, stop 47), evaluated with the image bootstrap: "
    "`EVAL_EXTRA=\"--bootstrap 1000 --baseline $S/models/FLOAT.onnx\" METHODS=M BITS=4,8 SIM=0 TABLE=boot "
    "LABEL=... EXTRA=\"... --seed 0\" bench/calibrators.sh MODEL`. `ort_boot_AP` is the 95% percentile interval "
    "and sd of the file's AP over 1000 resamples of the 206 images; `ort_boot_AP_diff` the file's AP minus the float "
    "model's (`value`) with the interval and sd of that difference on the same resamples (docs/tools.md, "
    "\"Confidence intervals\"). Each file's AP equals its earlier row's (the same code path and seed).")
# Files whose rows repeat an earlier row's file for another measurement (the bootstrap intervals): shown in their own
# section, left out of the targets, budget and method tables so that a repeated seed does not count twice.
NOT_POOLED = {"boot.jsonl"}
ABOUT["demo.jsonl"] += (
    " The rows of stop 54 (ad600ba, Zen 4) run the same two demos with the paired image-bootstrap interval of each "
    "quantized file's change from the float model (`AP_diff`, and `bev_mAP_diff` on the maps: 1000 resamples of "
    "the val images, seed 0); every AP is the stop-53 row's.")
LATENCY_FILES = {
    "float": "float model",
    "all": "W8A8, `--placement all`",
    "inputs": "W8A8, `--placement inputs --equalize`",
    "relu_float": "float, every SiLU replaced by Relu (`bench/tools/SiluToRelu.java`)",
    "relu_all": "that Relu model W8A8, `--placement all`",
}


def model_files():
    """Model name -> model file under $S/models, as bench/shared.sh declares them."""
    text = open(os.path.join(ROOT, "bench", "shared.sh")).read()
    line = next(l for l in text.splitlines() if l.startswith("declare -A FILE="))
    return dict(re.findall(r"\[(\w+)\]=(\S+?)[ )]", line))


FILES = model_files()


def git(*args):
    try:
        r = subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True)
    except OSError:
        return 1, ""
    return r.returncode, r.stdout.strip()


_before = {}
_ancestry = {}


def is_ancestor(ancestor, commit):
    """Whether `ancestor` is `commit` or one of its ancestors (False when git cannot tell)."""
    if (ancestor, commit) not in _ancestry:
        _ancestry[ancestor, commit] = git("merge-base", "--is-ancestor", ancestor, commit)[0] == 0
    return _ancestry[ancestor, commit]


def before_cutoff(commit):
    """Whether `commit` is a proper ancestor of RERUN_BEFORE. When git cannot tell (a commit this checkout does
    not know, or no git at all), the row counts as measured before: marking it is the safe side."""
    if commit not in _before:
        code, full = git("rev-parse", "--verify", "--quiet", commit + "^{commit}")
        known, cutoff = git("rev-parse", "--verify", "--quiet", RERUN_BEFORE + "^{commit}")
        if code != 0 or known != 0:
            _before[commit] = True
        else:
            _before[commit] = full != cutoff and is_ancestor(full, cutoff)
    return _before[commit]


def marked(r):
    return r["method"] in RERUN_METHODS and before_cutoff(r.get("commit", ""))


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def code(text):
    return "`" + cell(text) + "`" if text else ""


def rebuilt_command(r):
    """The quantize line of a row written before rows carried "command": today's CLI with the row's options;
    -D options are system properties and go into INLIERQ_JAVA_OPTS."""
    tokens = table.base_options(r).split()
    props = [t for t in tokens if t.startswith("-D")]
    options = [t for t in tokens if not t.startswith("-D")]
    m, w, a, method = r["model"], r["w_bits"], r["a_bits"], r["method"]
    cmd = ("./inlierq quantize --model $S/models/%s --spec %s --calib $D/train2017 --method %s --w-bits %d "
           "--a-bits %d --out %s_w%da%d_%s.onnx" % (FILES.get(m, m + ".onnx"), m, method, w, a, m, w, a, method))
    if options:
        cmd += " " + " ".join(options)
    if table.seed_of(r) != 0:
        cmd += " --seed %d" % table.seed_of(r)
    if props:
        cmd = 'INLIERQ_JAVA_OPTS="-Xmx8g %s" %s' % (" ".join(props), cmd)
    return cmd


def command(rows):
    """One command for a group of rows that differ only in their seed: `--seed S` stands for each seed."""
    r = rows[0]
    cmd = r.get("command") or rebuilt_command(r)
    if len(rows) > 1:
        cmd = table.SEED.sub("", cmd) + " --seed S"
    return cmd


def mean_sd(values, fmt="%.2f"):
    return table.stat(values, fmt) if values else ""


def quantization_section(name, rows_in_file, out):
    rows, superseded = table.load([os.path.join(MEASURED, name)])
    groups = table.pool(rows)
    with_sim = any(r.get("sim_AP") is not None for r in rows.values())
    with_bev = any(r.get("ort_bev_mAP") is not None for r in rows.values())
    n_marked = sum(1 for r in rows.values() if marked(r))
    out.append("%d rows, %d after pooling seeds%s." % (
        len(rows_in_file), len(groups),
        "; %d replaced by a later row with the same model, bits, method, options, build and seed (listed at the "
        "end of this section)" % len(superseded) if superseded else ""))
    if n_marked:
        out.append("")
        out.append("%s %d of these rows %s AdaRound, BRECQ, QDrop or InlierQ measured before commit %s: measured "
                   "before the backward-pass fix (commit 1e2b974); to be re-run." % (
                       MARK, n_marked, "is" if n_marked == 1 else "are", RERUN_BEFORE))
    by_bits = {}
    for key in sorted(groups, key=table.order):
        by_bits.setdefault(key[:3], []).append(key)
    for (m, w, a), keys in by_bits.items():
        out.append("")
        out.append("### %s W%dA%d" % (table.NAMES.get(m, m), w, a))
        out.append("")
        head = ["method", "options", "seeds", "n", "ORT AP", "AP50", "AR100"] + (["sim AP"] if with_sim else []) + \
            (["BEV mAP"] if with_bev else []) + ["drop", "wall s", "peak MB", "commit", "CPU", "command"]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for key in keys:
            g = groups[key]
            rs = [g[s] for s in sorted(g)]
            ap = [100 * r["ort_AP"] for r in rs]
            sims = [100 * r["sim_AP"] for r in rs if r.get("sim_AP") is not None]
            cpus = sorted({r.get("cpu") or "not recorded" for r in rs})
            drop = "%.2f" % (table.FLOAT[m] - statistics.fmean(ap)) if m in table.FLOAT else ""
            cells = [key[3] + (" " + MARK if any(marked(r) for r in rs) else ""), code(key[4]),
                     ",".join(map(str, sorted(g))), str(len(rs)), mean_sd(ap),
                     mean_sd([100 * r["ort_AP50"] for r in rs]),
                     mean_sd([100 * r["ort_AR100"] for r in rs if r.get("ort_AR100") is not None])]
            if with_sim:
                cells.append(mean_sd(sims))
            if with_bev:
                cells.append(mean_sd([100 * r["ort_bev_mAP"] for r in rs if r.get("ort_bev_mAP") is not None]))
            cells += [drop, mean_sd([table.wall(r) for r in rs], "%.0f"),
                      "%d" % max(r.get("peak_rss_mb", 0) for r in rs), key[5] or "not recorded",
                      ", ".join(cpus), code(command(rs))]
            out.append("| " + " | ".join(cell(c) if not c.startswith("`") else c for c in cells) + " |")
    if superseded:
        out.append("")
        out.append("Rows replaced by a later row with the same key:")
        out.append("")
        for r in superseded:
            out.append("- `%s`" % cell(json.dumps(r, ensure_ascii=False)))


def latency_section(rows, out):
    by_model = {}
    for r in rows:
        by_model.setdefault((r["model"], r.get("batch", 1)), []).append(r)
    order = list(table.NAMES)
    for m, batch in sorted(by_model, key=lambda k: (order.index(k[0]) if k[0] in order else len(order), k[1])):
        rs = by_model[(m, batch)]
        out.append("")
        out.append("### %s, ONNX Runtime, batch %d" % (table.NAMES.get(m, m), batch))
        out.append("")
        out.append("| file | what it is | method | latency ms | speed-up vs float | rounds | ms per round | threads | "
                   "runs per round | commit | CPU | command |")
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rs:
            cmd = r.get("command") or "ROUNDS=%d bench/latency.sh %s" % (r["rounds"], m)
            out.append("| %s | %s | %s | %.1f | %.2fx | %d | %s | %s | %s | %s | %s | %s |" % (
                r["file"], LATENCY_FILES.get(r["file"], ""), r.get("method", ""), r["latency_ms"],
                r["speedup_vs_float"], r["rounds"], ", ".join("%.1f" % x for x in r.get("round_ms", [])),
                r.get("threads", "2 (default, not recorded)"), r.get("iterations", "50 (default, not recorded)"),
                r.get("commit", "not recorded"), cell(r.get("cpu") or "not recorded"), code(cmd)))
        out.append("")
        out.append("Op types ONNX Runtime runs after its optimisations (`bench --fused`):")
        out.append("")
        for r in rs:
            out.append("- %s, %s: %s" % (r["file"], r.get("commit", "not recorded"), cell(r.get("fused", ""))))


def steptime_section(rows, out):
    """One line per timed unit: milliseconds per step on whole maps and on windows, their ratio, the phases."""
    out += ["", "| model | unit | layers | window | full ms/step | windowed ms/step | ratio | windowed: forward / "
            "backward / loss / other ms | steps | commit | CPU | note |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        b = r["window_breakdown_ms"]
        other = sum(v for k, v in b.items() if k not in ("forward", "backward", "loss"))
        out.append("| %s | %d (%s) | %d | %d px | %.1f | %.1f | **%.2fx** | %.1f / %.1f / %.1f / %.1f | %d | %s | %s | %s |" % (
            table.NAMES.get(r["model"], r["model"]), r["unit"], r["name"], r["layers"], r["window"], r["full_ms"],
            r["window_ms"], r["ratio"], b["forward"], b["backward"], b["loss"], other, r["steps"], r["commit"],
            cell(r["cpu"]), cell(r.get("note", ""))))


def other_section(rows, out):
    keys = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    out.append("")
    out.append("Rows of a kind this script has no table for, field by field:")
    out.append("")
    out.append("| " + " | ".join(keys) + " |")
    out.append("|" + "---|" * len(keys))
    for r in rows:
        out.append("| " + " | ".join(cell(json.dumps(r[k], ensure_ascii=False)) if k in r else "" for k in keys) + " |")


def oracle_section(rows, out):
    """bench/oracle.sh rows: one table per quantized file, a line per output hybrid."""
    groups = {}
    for r in rows:
        groups.setdefault((r["quantized_by"], r["command"], r["commit"], r["cpu"]), []).append(r)
    for (by, cmd, commit, cpu), rs in groups.items():
        out += ["", "File written by %s; scored with %s at %s on %s. %s" % (
            code(by), code(cmd), commit, cpu, rs[0].get("note", "")), "",
            "| variant | ORT AP | AP50 | APs | APm | APl | AR100 |", "|---|---|---|---|---|---|---|"]
        for r in rs:
            out.append("| %s | %s |" % (cell(r["variant"]), " | ".join(
                "%.2f" % (100 * r[k]) for k in ("ort_AP", "AP50", "APs", "APm", "APl", "AR100"))))


ITERS = re.compile(r"\s*--iters\s+(\d+)")


def budget_section(rows, out):
    """AP against --iters for every reconstruction recipe measured at two budgets or more, from the quantization
    rows of all files (in file order)."""
    groups = {}
    for r in rows:
        if r["method"] not in RERUN_METHODS or marked(r):
            continue
        opts = method_table.spelled_options(r, is_ancestor)
        m = ITERS.search(opts)
        iters = int(m.group(1)) if m else 50
        rest = " ".join(ITERS.sub(" ", opts).split())
        key = (r["model"], r["w_bits"], r["a_bits"], r["method"], rest)
        groups.setdefault(key, []).append((iters, r))
    curves = [(k, v) for k, v in groups.items() if len({i for i, _ in v}) >= 2]
    if not curves:
        return
    out += ["", "## AP against budget", "",
            "Reconstruction recipes measured at two or more `--iters` (steps per unit; 50 when not given), from "
            "every file below; rows of a learned method at 4 bits from %s, which ran the 4-bit budget without "
            "spelling it, show it spelled out (`%s`, any flag the row gave kept), seeds listed separately; rows "
            "measured before the backward-pass fix are left out. \"s\" is the `quantize` wall time."
            % (method_table.SINCE_DEFAULT, method_table.BUDGET), "",
            "| model | W/A | method | options | steps: ORT AP (s) | commits |", "|---|---|---|---|---|---|"]
    for (model, w, a, method, opts), v in sorted(curves, key=lambda kv: (kv[0][0], -kv[0][1], -kv[0][2], kv[0][3],
                                                                        kv[0][4])):
        v.sort(key=lambda x: x[0])
        pts = "; ".join("%d: %.2f (%.0f)" % (i, 100 * r["ort_AP"], r.get("wall_seconds", r["quantize_seconds"]))
                        for i, r in v)
        commits = ", ".join(sorted({r.get("commit", "?") for _, r in v}))
        out.append("| %s | W%dA%d | %s | %s | %s | %s |" % (table.NAMES.get(model, model), w, a, method,
                                                         cell(opts) or "-",
                                                         pts, commits))


def bootstrap_section(rows, out):
    """The image-bootstrap intervals of rows evaluated with `--bootstrap N --baseline FLOAT` (bench/calibrators.sh)."""
    rows = [r for r in rows if "ort_boot_AP_diff" in r]
    if not rows:
        return
    out += ["", "### Image-bootstrap intervals", "",
            "AP in %; \"difference\": the file's AP minus the float model's, with the 95% percentile interval and sd "
            "of that difference over the resamples; \"AP sd\": the sd of the file's own AP over them.", "",
            "| model | bits | method | options | seed | ORT AP | difference | 95% interval | sd | AP sd | commit |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        d = r["ort_boot_AP_diff"]
        out.append("| %s | W%dA%d | %s | `%s` | %d | %.2f | %+.2f | [%+.2f, %+.2f] | %.2f | %.2f | %s |" % (
            table.NAMES.get(r["model"], r["model"]), r["w_bits"], r["a_bits"], r["method"], r["options"], r["seed"],
            100 * r["ort_AP"], 100 * d["value"], 100 * d["low"], 100 * d["high"], 100 * d["sd"],
            100 * r["ort_boot_AP"]["sd"], r["commit"]))


def page():
    out = [
        "# Results",
        "",
        "<!-- Generated by bench/results.py from bench/measured/*.jsonl. Do not edit by hand: change the "
        "measurements or the script, then run `python3 bench/results.py`. -->",
        "",
        "Generated from `bench/measured/*.jsonl` by `python3 bench/results.py`; do not edit this page by hand "
        "(regenerate it). How the tables were measured and what they say: [experiments.md](experiments.md).",
        "",
        "- Accuracy: COCO box AP in % (pycocotools-exact) on the 206 val2017 images of the shared COCO subset, "
        "ONNX Runtime 1.29 running the written QDQ file with its integer kernels (\"ORT\"). Calibration: 64 "
        "train2017 images chosen by the seed, labels unused. Float AP on the same images (ONNX Runtime): "
        + ", ".join("%s %.2f" % (table.NAMES[k], v) for k, v in table.FLOAT.items())
        + "; \"drop\" is float AP minus the mean AP.",
        "- Seeds: rows that differ only in `--seed` are pooled: mean ± sample standard deviation over the n seeds "
        "listed; \"peak MB\" is the largest resident memory of them. \"wall s\" is the whole `quantize` command.",
        "- Commands: `$S` is the shared folder (`${INLIERQ_SHARED:-../shared}`) and `$D` is `$S/data/coco-subset`, "
        "as in `bench/shared.sh`; in a pooled row `--seed S` stands for each seed listed. Each quantize command "
        "is followed by `%s` (and `--engine djl` for \"sim AP\"). Rows written before rows carried a "
        "\"command\" field get one rebuilt from their model, method, bits and options." % EVAL,
        "- CPU: rows written before `bench/calibrators.sh` recorded the CPU (commit 17d1657) say \"not "
        "recorded\"; the README of their time states they were measured on the project's 2-core AMD EPYC VM "
        "(AVX2, no VNNI).",
        "- %s marks rows of AdaRound, BRECQ, QDrop or InlierQ measured before commit %s: measured before the "
        "backward-pass fix (commit 1e2b974); to be re-run." % (MARK, RERUN_BEFORE),
    ]
    files = {path: table.read(path) for path in sorted(glob.glob(os.path.join(MEASURED, "*.jsonl")))}
    every_row = [r for path, rows in files.items() if os.path.basename(path) not in NOT_POOLED
                 for r in rows if table.is_quantization_row(r)]
    budget_section(every_row, out)
    targets.section(every_row, marked, out)
    method_table.section(every_row, is_ancestor, out)
    for path, rows in files.items():
        name = os.path.basename(path)
        quant = [r for r in rows if table.is_quantization_row(r)]
        latency = [r for r in rows if not table.is_quantization_row(r) and "latency_ms" in r and "file" in r]
        steps = [r for r in rows if "window_breakdown_ms" in r]
        oracle = [r for r in rows if "variant" in r and "quantized_by" in r]
        rest = [r for r in rows if r not in quant and r not in latency and r not in steps and r not in oracle]
        out += ["", "## %s" % name, "", ABOUT.get(name, "(No description in bench/results.py.)")]
        if quant:
            out.append("")
            quantization_section(name, quant, out)
            bootstrap_section(quant, out)
        if latency:
            out.append("")
            out.append("%d rows." % len(latency))
            latency_section(latency, out)
        if steps:
            steptime_section(steps, out)
        if oracle:
            oracle_section(oracle, out)
        if rest:
            other_section(rest, out)
    return "\n".join(out) + "\n"


def main(argv):
    text = page()
    if argv == ["--check"]:
        current = open(PAGE).read() if os.path.exists(PAGE) else ""
        if current != text:
            print("docs/results.md is out of date: run python3 bench/results.py", file=sys.stderr)
            return 1
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    os.makedirs(os.path.dirname(PAGE), exist_ok=True)
    with open(PAGE, "w") as f:
        f.write(text)
    print("wrote %s" % os.path.relpath(PAGE, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
