#!/usr/bin/env bash
# Refactoring check (issue 14: "files written by quantize are byte-identical before and after"): quantizes the
# three shared models with one classic method (minmax) and one reconstruction method (adaround, 3 steps, 16
# calibration images) at W4A8 with two builds of the tool, and prints for each file whether the two are
# identical (cmp). BASE and HEAD are checkouts with a built target/inlierq.jar, e.g. `git worktree add /tmp/base REV`.
# Usage: BASE=/tmp/base HEAD=. [OUT=/tmp/bytes] bench/bytecheck.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/shared.sh
S=$(cd "$S" && pwd); D="$S/data/coco-subset"
OUT="${OUT:-/tmp/bytes}"; mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
for m in fastestdet picodet yolox; do
  for spec in "minmax|--method minmax" "adaround|--method adaround --iters 3 --num-calib 16"; do
    name=${spec%%|*}; args=${spec#*|}
    for side in BASE HEAD; do
      dir=$(cd "${!side}" && pwd)
      (cd "$dir" && ./inlierq quantize --model "$S/models/${FILE[$m]}" --spec "$m" --calib "$D/train2017" $args \
        --w-bits 4 --a-bits 8 --out "$OUT/${m}_${name}_$side.onnx" > /dev/null 2>&1)
    done
    if cmp -s "$OUT/${m}_${name}_BASE.onnx" "$OUT/${m}_${name}_HEAD.onnx"; then r=identical; else r=DIFFERENT; fi
    echo "$m $name $r $(sha256sum "$OUT/${m}_${name}_HEAD.onnx" | cut -c1-16)"
  done
done
