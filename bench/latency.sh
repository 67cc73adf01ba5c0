#!/usr/bin/env bash
# Latency of the W8A8 QDQ files against the float model in ONNX Runtime (batch BATCH, default 1; THREADS threads).
# For each model it writes, with 64 train2017 calibration images (seed 0):
#   all     --placement all           (every activation quantized: integer chains, QLinearConv & co)
#   inputs  --placement inputs --equalize   (the accurate placement: layer inputs only)
# and for YOLOX-Nano also the SiLU->Relu bound (bench/tools/SiluToRelu.java: the activations made free).
# The machine is a shared VM whose speed drifts, so float and quantized files are measured in alternation,
# ROUNDS rounds of ITER runs each; a row's latency is the median over rounds of the per-round medians and
# its speed-up the median of the per-round ratios. One JSON line per (model, file) to $OUT/latency.jsonl, with
# the commit, the CPU, the threads and runs per round, and "command": the line that reruns this model's rows.
# docs/results.md is generated from these rows: python3 bench/results.py.
# ALL_EXTRA: more quantize flags for the `all` file only (e.g. "--no-equalize": equalisation's Muls stay float).
# INPUTS=0: skip the `inputs` file (float against the fused file only).
# Usage: [METHOD=entropy] [ROUNDS=5] [ITER=50] [THREADS=2] [BATCH=1] [ALL_EXTRA=...] [INPUTS=1] [OUT=bench/results]
#        bench/latency.sh [model ...]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/shared.sh
OUT="${OUT:-bench/results}"
W="$OUT/latency"
mkdir -p "$W"
models=("${@:-yolox picodet fastestdet}")
quant() { # model float out extra...
  local m=$1 f=$2 q=$3; shift 3
  ./inlierq quantize --model "$f" --spec "$m" --calib "$D/train2017" --method "${METHOD:-entropy}" \
    --w-bits 8 --a-bits 8 --out "$q" "$@" > /dev/null
}
for m in ${models[@]}; do
  f="$S/models/${FILE[$m]}"
  rm -f "$W/$m"_*.onnx "$W/$m"_*.json
  quant "$m" "$f" "$W/${m}_all.onnx" --placement all ${ALL_EXTRA:-}
  pairs=("float:$f" "all:$W/${m}_all.onnx")
  if [ "${INPUTS:-1}" != 0 ]; then
    quant "$m" "$f" "$W/${m}_inputs.onnx" --placement inputs --equalize
    pairs+=("inputs:$W/${m}_inputs.onnx")
  fi
  if [ "$m" = yolox ]; then
    java -cp target/inlierq.jar bench/tools/SiluToRelu.java "$f" "$W/${m}_relu_float.onnx" > /dev/null
    quant "$m" "$W/${m}_relu_float.onnx" "$W/${m}_relu_all.onnx" --placement all
    pairs+=("relu_float:$W/${m}_relu_float.onnx" "relu_all:$W/${m}_relu_all.onnx")
  fi
  for r in $(seq 1 "${ROUNDS:-5}"); do
    for p in "${pairs[@]}"; do
      ./inlierq bench --model "${p#*:}" --engine ort --threads "${THREADS:-2}" --iterations "${ITER:-50}" \
        --batch "${BATCH:-1}" --json "$W/${m}_${p%%:*}.round$r.json" > /dev/null
    done
  done
  for p in "${pairs[@]}"; do
    ./inlierq bench --model "${p#*:}" --engine ort --iterations 1 --warmup 0 --fused 2>/dev/null \
      | grep "after ONNX Runtime optimisation" > "$W/${m}_${p%%:*}.fused.txt" || true
  done
  cmd="${ALL_EXTRA:+ALL_EXTRA=\"$ALL_EXTRA\" }${INPUTS:+INPUTS=$INPUTS }METHOD=${METHOD:-entropy} ROUNDS=${ROUNDS:-5} ITER=${ITER:-50} THREADS=${THREADS:-2}${BATCH:+ BATCH=$BATCH} bench/latency.sh $m"
  cpu="$(cpu)"
  python3 - "$W" "$m" "$(git rev-parse --short HEAD)" "${METHOD:-entropy}" "$cpu" "$cmd" "${THREADS:-2}" "${ITER:-50}" \
    "${BATCH:-1}" "${pairs[@]}" >> "$OUT/latency.jsonl" <<'PY'
import glob, json, statistics, sys
w, m, commit, method, cpu, command, threads, iterations, batch, *pairs = sys.argv[1:]
names = [p.split(":", 1)[0] for p in pairs]
def rounds(name):
    out = {}
    for f in glob.glob(f"{w}/{m}_{name}.round*.json"):
        r = int(f.rsplit(".round", 1)[1].split(".")[0])
        d = json.load(open(f)); d = d[0] if isinstance(d, list) else d
        out[r] = d["latency_ms"]
    return out
lat = {n: rounds(n) for n in names}
for n in names:
    ref = lat["relu_float" if n.startswith("relu") else "float"]
    ratios = [ref[r] / lat[n][r] for r in lat[n] if r in ref]
    fused = open(f"{w}/{m}_{n}.fused.txt").read().split(": ", 1)[-1].strip()
    print(json.dumps({"model": m, "file": n, "method": method, "latency_ms": statistics.median(lat[n].values()),
                      "speedup_vs_float": statistics.median(ratios), "rounds": len(lat[n]),
                      "round_ms": [lat[n][r] for r in sorted(lat[n])], "fused": fused, "commit": commit, "cpu": cpu,
                      "threads": int(threads), "iterations": int(iterations), "batch": int(batch),
                      "command": command}))
PY
done
