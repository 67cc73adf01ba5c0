#!/usr/bin/env bash
# Which part of a quantized detector's output costs its AP: runs bench/tools/OutputOracle.java (float and quantized
# model in ONNX Runtime on the 206 val2017 images, hybrids of their outputs scored) and appends one JSON row per
# variant to $OUT (default bench/results/oracle.jsonl).
# Usage: QUANTIZED_BY="the quantize command that wrote Q" [ORACLE_GROUPS="CHANNELS POSITIONS"] \
#        bench/oracle.sh MODEL Q.onnx
# ORACLE_GROUPS default: YOLOX-Nano at 416 (box 0-3, objectness 4, classes 5-84; strides 8, 16, 32 as output rows).
# ORACLE_GROUPS=boxes: any built-in model, the box values restored and everything else restored, each scored
# against the labels and (label free, "pseudo ...") against the float model's detections of score 0.3 or more.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/shared.sh
OUT="${OUT:-bench/results/oracle.jsonl}"
mkdir -p "$(dirname "$OUT")"
m="$1"; q="$2"
groups="${ORACLE_GROUPS:-box:0-3,obj:4-4,cls:5-84 s8:0-2703,s16:2704-3379,s32:3380-3548}"
[ "$groups" = boxes ] && groups=""
[ -f target/inlierq.jar ] || mvn -q -DskipTests package
cmd="java -cp target/inlierq.jar bench/tools/OutputOracle.java \$S/models/${FILE[$m]} $q $m \$D/val2017"
cmd+=" \$D/annotations/instances_val2017_subset.json${groups:+ $groups}"
eval "S=$S D=$D; $cmd" | grep -v '^\[' | python3 -c '
import json, re, sys
m, q, by, commit, cpu, command = sys.argv[1:]
for line in sys.stdin:
    k = re.match(r"(.+?)\s+AP (\S+) AP50 (\S+) APs (\S+) APm (\S+) APl (\S+) AR100 (\S+)$", line.strip())
    if not k:
        print(line.strip(), file=sys.stderr)
        continue
    v = [float(x) for x in k.groups()[1:]]
    print(json.dumps({"model": m, "quantized": q, "quantized_by": by, "variant": k.group(1), "ort_AP": v[0],
                      "AP50": v[1], "APs": v[2], "APm": v[3], "APl": v[4], "AR100": v[5], "commit": commit,
                      "cpu": cpu, "command": command}))
' "$m" "$q" "${QUANTIZED_BY:-}" "$(git rev-parse --short HEAD)" "$(cpu)" "$cmd" >> "$OUT"
tail -1 "$OUT"
