#!/usr/bin/env bash
# Quantization table: each model x BITS x METHODS: quantize with 64 train2017 images (seed 0), then evaluate
# the QDQ file on the 206 val2017 images with ONNX Runtime (integer kernels) and, unless SIM=0, with the DJL
# engine (exact QDQ simulation). Writes one JSON line per row to ${OUT:-bench/results}/${TABLE:-calibrators}.jsonl.
# Each row records the commit (git HEAD) and the CPU it was measured on, the seed (from quantize's --json) and
# "command": the quantize line that made the file, with the shared folder written as $S and the COCO subset
# as $D (bench/shared.sh), prefixed with INLIERQ_JAVA_OPTS when that is set. -Dinlierq.* properties in
# INLIERQ_JAVA_OPTS are also appended to "options", so rows that differ only in them are told apart.
# docs/results.md is generated from these rows: python3 bench/results.py.
# Usage: [METHODS="minmax mse adaround brecq qdrop"] [BITS="8,8 4,8 4,4"] [SIM=0] [TABLE=reconstruction]
# [EXTRA="--equalize --placement inputs" LABEL=eq] [CALIB=folder] bench/calibrators.sh [model ...]
# CALIB: the calibration folder instead of $D/train2017 (recorded as given, also in "options").
# A model of one's own (e.g. the LiDAR detector of docs/lidar.md): MODEL_FILE=M.onnx SPEC=M.yaml VAL_DIR=DIR
# VAL_ANN=JSON [EVAL_EXTRA="--bev-distance"] bench/calibrators.sh NAME, NAME naming it in the rows; the rows then
# also hold the centre-distance mAP (bev_mAP) and the true-positive errors (bev_mATE, bev_mASE with its form
# bev_ASE_form, bev_mAOE) when EVAL_EXTRA asks for them.
# EVAL_EXTRA="--bootstrap 1000 --baseline FLOAT.onnx" adds the image-bootstrap interval of the file's AP
# (ort_boot_AP) and of its difference from the float model on the same resampled images (ort_boot_AP_diff).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/shared.sh
OUT="${OUT:-bench/results}"
mkdir -p "$OUT/models"
models=("${@:-yolox picodet fastestdet}")
for m in ${models[@]}; do
  for bits in ${BITS:-8,8 4,8}; do
    set -- ${bits/,/ }
    for method in ${METHODS:-minmax percentile entropy mse}; do
      q="$OUT/models/${m}_w$1a$2_$method${LABEL:+_$LABEL}.onnx"
      rm -f "$q".*.json
      model="${MODEL_FILE:-$S/models/${FILE[$m]:-}}" spec="${SPEC:-$m}"
      t0=$(date +%s.%N)
      ./inlierq quantize --model "$model" --spec "$spec" --calib "${CALIB:-$D/train2017}" \
        --method "$method" --w-bits "$1" --a-bits "$2" --out "$q" --json "$q.json" ${EXTRA:-} > /dev/null
      wall=$(echo "$(date +%s.%N) - $t0" | bc)
      # what the row ran, as a line to paste (shared paths kept as $S and $D)
      cmd="./inlierq quantize --model ${MODEL_FILE:-\$S/models/${FILE[$m]:-}} --spec $spec --calib ${CALIB:-\$D/train2017}"
      cmd+=" --method $method"
      cmd+=" --w-bits $1 --a-bits $2 --out $q --json $q.json${EXTRA:+ $EXTRA}"
      props=$(grep -o -- '-Dinlierq\.[^ ]*' <<< "${INLIERQ_JAVA_OPTS:-}" | paste -sd ' ' - || true)
      [ -n "${INLIERQ_JAVA_OPTS:-}" ] && cmd="INLIERQ_JAVA_OPTS=\"$INLIERQ_JAVA_OPTS\" $cmd"
      engines="ort djl"; [ "${SIM:-1}" = 0 ] && engines=ort
      for engine in $engines; do
        ./inlierq eval --model "$q" --spec "$spec" --images "${VAL_DIR:-$D/val2017}" \
          --annotations "${VAL_ANN:-$D/annotations/instances_val2017_subset.json}" --engine "$engine" \
          --json "$q.$engine.json" ${EVAL_EXTRA:-} > /dev/null
      done
      python3 - "$q" "$m" "$1" "$2" "$method" "${EXTRA:-}${props:+ $props}${CALIB:+ --calib $CALIB}" "$wall" "$(git rev-parse --short HEAD)" \
        "$(cpu)" \
        "$cmd" >> "$OUT/${TABLE:-calibrators}.jsonl" <<'PY'
import json, os, sys
q, m, w, a, method, options, wall, commit, cpu, command = sys.argv[1:]
o = json.load(open(q + ".ort.json")); s = json.load(open(q + ".json"))
d = json.load(open(q + ".djl.json")) if os.path.exists(q + ".djl.json") else {}
print(json.dumps({"model": m, "w_bits": int(w), "a_bits": int(a), "method": method, "options": options.strip(),
                  "seed": s["seed"], "ort_AP": o["AP"], "ort_AP50": o["AP50"], "ort_AR100": o["AR100"],
                  "sim_AP": d.get("AP"), "sim_AP50": d.get("AP50"),
                  **({"ort_bev_mAP": o["bev_mAP"], "sim_bev_mAP": d.get("bev_mAP")} if "bev_mAP" in o else {}),
                  **{"ort_bev_" + k: o["bev_" + k] for k in ("mATE", "mASE", "ASE_form", "mAOE") if "bev_" + k in o},
                  **({"ort_boot_AP": o["bootstrap"]["AP"]} if "bootstrap" in o else {}),
                  **({"ort_boot_AP_diff": o["difference"]["AP"]} if "difference" in o else {}),
                  "quantize_seconds": s["seconds"], "wall_seconds": float(wall),
                  "peak_rss_mb": s["peak_rss_bytes"] >> 20, "commit": commit, "cpu": cpu, "command": command}))
PY
      tail -1 "$OUT/${TABLE:-calibrators}.jsonl"
    done
  done
done
