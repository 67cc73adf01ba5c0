#!/usr/bin/env bash
# How well the label-free sensitivity ranks layers as their AP does (issue 13: "Spearman over at least 20 layers of
# YOLOX-Nano"): runs `inlierq analyze` with --annotations on a labelled val2017 subset and appends one JSON line
# (Spearman rho per variant, layers, images, float AP, seconds, commit, CPU, command) to
# ${OUT:-bench/results/sensitivity.jsonl}; the full per-layer rows stay in ${RES:-bench/results}/MODEL_wWaA_sensitivity.json.
# Usage: [LAYERS=24] [IMAGES=50] [BITS="4,8"] [VARIANTS=weights,activations] bench/sensitivity.sh MODEL
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/shared.sh
OUT="${OUT:-bench/results/sensitivity.jsonl}"; RES="${RES:-bench/results}"
mkdir -p "$(dirname "$OUT")" "$RES"
m="$1"; set -- ${BITS:-4,8}; set -- ${1/,/ }
j="$RES/${m}_w$1a$2_sensitivity.json"
cmd="./inlierq analyze --model \$S/models/${FILE[$m]} --spec $m --calib \$D/train2017 --w-bits $1 --a-bits $2"
cmd+=" --layers ${LAYERS:-24} --variants ${VARIANTS:-weights,activations} --annotations \$D/annotations/instances_val2017_subset.json"
cmd+=" --images \$D/val2017 --num-images ${IMAGES:-50}${EXTRA:+ $EXTRA} --json $j"
eval "S=$S D=$D; $cmd" > /dev/null
python3 - "$j" "$m" "$1" "$2" "$(git rev-parse --short HEAD)" \
  "$(cpu)" \
  "$cmd" >> "$OUT" <<'PY'
import json, sys
j, m, w, a, commit, cpu, command = sys.argv[1:]
s = json.load(open(j)); lab = s["labelled"]
print(json.dumps({"model": m, "w_bits": int(w), "a_bits": int(a), "measure": s.get("measure", "heatmap"),
                  "layers": len(s["layers"]),
                  "labelled_images": lab["images"], "float_ap": lab["float_ap"],
                  "spearman": {k: v["rho"] for k, v in lab["spearman_loss_vs_ap"].items()},
                  "seconds": s["seconds"], "commit": commit, "cpu": cpu, "command": command}))
PY
tail -1 "$OUT"
