#!/usr/bin/env bash
# Simulation against ONNX Runtime on written files (issue 12: "simulation and ONNX Runtime within 0.3 AP"): each
# QDQ file is evaluated on the 206 val2017 images by ONNX Runtime (integer kernels) and by the DJL engine (exact
# QDQ arithmetic), and one JSON line per file is appended to ${OUT:-bench/results/simcheck.jsonl} with both APs,
# their difference, the commit and CPU, and the two eval commands (shared paths written as $S and $D).
# Usage: [OUT=bench/measured/simcheck.jsonl] bench/simcheck.sh MODEL=FILE.onnx [MODEL=FILE.onnx ...]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/shared.sh
OUT="${OUT:-bench/results/simcheck.jsonl}"
mkdir -p "$(dirname "$OUT")"
ann="$D/annotations/instances_val2017_subset.json"
for pair in "$@"; do
  m="${pair%%=*}"; q="${pair#*=}"
  for engine in ort djl; do
    ./inlierq eval --model "$q" --spec "$m" --images "$D/val2017" --annotations "$ann" --engine "$engine" \
      --json "$q.$engine.json" > /dev/null
  done
  python3 - "$q" "$m" "$(git rev-parse --short HEAD)" \
    "$(cpu)" \
    >> "$OUT" <<'PY'
import json, sys
q, m, commit, cpu = sys.argv[1:]
o = json.load(open(q + ".ort.json")); d = json.load(open(q + ".djl.json"))
cmd = ("./inlierq eval --model %s --spec %s --images $D/val2017 --annotations "
       "$D/annotations/instances_val2017_subset.json --engine ENGINE" % (q, m))
print(json.dumps({"model": m, "file": q, "ort_AP": o["AP"], "sim_AP": d["AP"], "ort_AP50": o["AP50"],
                  "sim_AP50": d["AP50"], "sim_minus_ort_AP": d["AP"] - o["AP"], "commit": commit, "cpu": cpu,
                  "command": cmd}))
PY
  tail -1 "$OUT"
done
