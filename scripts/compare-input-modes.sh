#!/usr/bin/env bash
# Measures the two input choices a fine-tune makes for Fashion-MNIST, to pick their defaults:
# how gray images reach the RGB backbone (--gray replicate|adapt) and the image size (--image-size 32|64|96).
# Usage: scripts/compare-input-modes.sh OUT_DIR [LABELS_PER_CLASS]
# Each variant is one `finetune --backbone resnet18-imagenet` run with the default recipe and seed 0; the table
# lists test accuracy (all 10,000 test images) and wall-clock seconds. Needs python3 for the table only.
# TRANSFERGEN may name another launcher (e.g. "dotnet path/TransferGen.Cli.dll"); default ./transfergen.
set -euo pipefail
out="$1"; k="${2:-100}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a tg <<< "${TRANSFERGEN:-$root/transfergen}"
mkdir -p "$out"
variants=("replicate 64" "adapt 64" "replicate 32" "replicate 96")
for v in "${variants[@]}"; do
  read -r gray size <<< "$v"
  run="$out/$gray-$size"
  [[ -f "$run/metrics.json" ]] && continue
  rm -rf "$run"
  start=$(date +%s)
  "${tg[@]}" finetune --data fashion-mnist --backbone resnet18-imagenet --labels-per-class "$k" \
    --gray "$gray" --image-size "$size" --out "$run" >"$out/$gray-$size.log" 2>&1
  echo $(( $(date +%s) - start )) > "$run/seconds.txt"
done
python3 - "$out" "$k" "${variants[@]}" <<'PY'
import json, sys
out, k, variants = sys.argv[1], sys.argv[2], sys.argv[3:]
print(f"fashion-mnist, resnet18-imagenet, {k} labels/class, default recipe, seed 0")
print("| --gray | --image-size | test accuracy | seconds |")
print("|---|---:|---:|---:|")
for v in variants:
    gray, size = v.split()
    m = json.load(open(f"{out}/{gray}-{size}/metrics.json"))
    secs = open(f"{out}/{gray}-{size}/seconds.txt").read().strip()
    print(f"| {gray} | {size} | {100 * m['test_accuracy']:.2f} % | {secs} |")
PY
