#!/usr/bin/env bash
# The short FID check behind the pretrained-feature discriminator's defaults (docs/projected-discriminator.md).
# Usage: scripts/projected-d-search.sh OUT [EPOCHS] [CANDIDATE...]
# Trains plain DCGAN and each candidate (RESOLUTION:STAGES, e.g. 64:layer1,layer2,layer3) with `gan train` on the
# standard small budget (6,000 Fashion-MNIST images, batch 64, seed 0, EPOCHS epochs, default 2), scores each with
# `gan evaluate -n 1000` (ImageNet ResNet18 features at 128 px, 1,000 generated vs 1,000 test images) and prints one
# line per run: the run, its training seconds (the epoch_seconds of metrics.json: no start-up, no scoring) and FID.
# The seconds per step of the same designs come from `transfergen bench gan-step`, which times them interleaved.
set -euo pipefail
out="$1"; epochs="${2:-2}"; shift $(( $# >= 2 ? 2 : $# ))
candidates=("$@")
if [[ ${#candidates[@]} -eq 0 ]]; then candidates=(32:layer1,layer2,layer3 64:layer1,layer2,layer3 64:layer2,layer3 128:layer1,layer2,layer3); fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$out"
common=(--data fashion-mnist --max-images 6000 --batch-size 64 --seed 0 --epochs "$epochs")

score() {  # RUN LABEL
  local run="$1" label="$2" seconds fid
  seconds=$(python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["history"]; print(round(sum(e.get("epoch_seconds", 0) for e in h), 1))' "$run/metrics.json")
  fid=$("$root/transfergen" gan evaluate --model "$run" --data fashion-mnist -n 1000 --json | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["fid"], 1))')
  printf '%-28s %8s s  FID %s\n' "$label" "$seconds" "$fid" | tee -a "$out/results.txt"
}

[[ -d "$out/dcgan" ]] || "$root/transfergen" gan train "${common[@]}" --arch dcgan --out "$out/dcgan" >/dev/null
score "$out/dcgan" dcgan
for c in "${candidates[@]}"; do
  resolution="${c%%:*}"; stages="${c#*:}"
  run="$out/r18-$resolution-${stages//,/-}"
  [[ -d "$run" ]] || "$root/transfergen" gan train "${common[@]}" --arch dcgan --d-backbone resnet18-imagenet \
    --d-resolution "$resolution" --d-stages "$stages" --out "$run" >/dev/null
  score "$run" "r18@$resolution $stages"
done
