#!/usr/bin/env bash
# Does a label-free score pick the better of several quantized files? For each seed, quantize MODEL and score
# the file four ways: its AP on the 206 val2017 images (what the tables report); its AP on the 337 labelled
# train2017 images (the calibration pool, true labels); and, label free, its AP against the float model's own
# detections scoring 0.3 or more (bench/tools/pseudo_labels.py) on the pool and on the run's 64 calibration
# images. One JSON line per seed to ${OUT:-bench/results}/agreement.jsonl.
# Usage: [SEEDS="0 1 2"] [METHOD=gptq] [BITS=4,8] [EXTRA="..."] bench/agreement.sh [model]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/shared.sh
OUT="${OUT:-bench/results}"; m="${1:-yolox}"; model="$S/models/${FILE[$m]}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
pool_ann="$D/annotations/instances_train2017_subset.json"
ev() { ./inlierq eval --model "$1" --spec "$m" --images "$2" --annotations "$3" --json "$4" "${@:5}" > /dev/null 2>&1; }
ev "$model" "$D/train2017" "$pool_ann" "$work/float.json" --detections "$work/float_dets.json"
python3 bench/tools/pseudo_labels.py "$pool_ann" "$work/float_dets.json" 0.3 "$work/pseudo_pool.json" > /dev/null
set -- ${BITS:-4,8}; set -- ${1/,/ }
for seed in ${SEEDS:-0 1 2}; do
  q="$work/q.onnx"
  args=(--method "${METHOD:-gptq}" --w-bits "$1" --a-bits "$2" ${EXTRA:-} --seed "$seed")
  ./inlierq quantize --model "$model" --spec "$m" --calib "$D/train2017" "${args[@]}" --out "$q" --json "$q.json" \
    > /dev/null
  python3 bench/tools/pseudo_labels.py "$work/pseudo_pool.json" "$work/float_dets.json" 0.3 "$work/pseudo_cal.json" \
    "$q.json" > /dev/null
  ev "$q" "$D/val2017" "$D/annotations/instances_val2017_subset.json" "$work/val.json"
  ev "$q" "$D/train2017" "$pool_ann" "$work/pool.json"
  ev "$q" "$D/train2017" "$work/pseudo_pool.json" "$work/pseudo.json"
  ev "$q" "$D/train2017" "$work/pseudo_cal.json" "$work/pseudo_cal_eval.json"
  cmd="./inlierq quantize --model \$S/models/${FILE[$m]} --spec $m --calib \$D/train2017 ${args[*]}"
  python3 - "$work" "$m" "$1" "$2" "$seed" "$(git rev-parse --short HEAD)" "$(cpu)" "$cmd" "${METHOD:-gptq}" \
    "${EXTRA:-}" >> "$OUT/agreement.jsonl" <<'PY'
import json, sys
w, m, wb, ab, seed, commit, cpu, cmd, method, extra = sys.argv[1:]
ap = lambda f: json.load(open(f"{w}/{f}.json"))["AP"]
q = json.load(open(f"{w}/q.onnx.json"))
print(json.dumps({"model": m, "w_bits": int(wb), "a_bits": int(ab), "method": method, "options": extra.strip(),
                  "seed": int(seed), "val_AP": ap("val"), "pool_AP": ap("pool"), "pseudo_pool_AP": ap("pseudo"),
                  "pseudo_calib_AP": ap("pseudo_cal_eval"), "quantize_seconds": q["seconds"], "commit": commit,
                  "cpu": cpu, "command": cmd}))
PY
  rm -f "$q" "$q.json"
done
