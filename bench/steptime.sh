#!/usr/bin/env bash
# Step time of block reconstruction, whole feature maps vs spatial windows (issue 12, "cheaper steps"): for each
# model, times steps of its high-resolution units (or --units ...) in alternation within one JVM and appends one
# JSON line per unit (ms/step of both, ratio, breakdown by phase, commit, CPU) to ${OUT:-bench/results/steptime.jsonl}.
# Usage: [OUT=bench/measured/steptime.jsonl] bench/steptime.sh [model ...] [-- tool options, e.g. --window 32
# --steps 10 --units first]; tool options: src/test/java/dev/inlierq/recon/StepTimeTool.java.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/shared.sh
OUT="${OUT:-bench/results/steptime.jsonl}"
mkdir -p "$(dirname "$OUT")"
models=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do models+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#models[@]} -eq 0 ] && models=(yolox picodet fastestdet)
cp=target/test-classpath.txt
mvn -B -q -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test \
  2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' >&2
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" OMP_DYNAMIC="${OMP_DYNAMIC:-FALSE}" MKL_DYNAMIC="${MKL_DYNAMIC:-FALSE}"
for m in "${models[@]}"; do
  java ${INLIERQ_JAVA_OPTS:--Xmx8g} -Dai.djl.offline=true -cp "target/classes:target/test-classes:$(cat "$cp")" \
    dev.inlierq.recon.StepTimeTool --model "$m" --shared "$S" --out "$OUT" --commit "$(git rev-parse --short HEAD)" \
    --cpu "$(cpu)" \
    "$@"
done
