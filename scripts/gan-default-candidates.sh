#!/usr/bin/env bash
# The measurement behind the default DCGAN (issue 12, item 5): each candidate recipe on the standard GAN budget
# (6,000 Fashion-MNIST images, 5 epochs) for seeds 0 1 2, scored with `gan evaluate -n 1000` (ResNet18 features).
# Every recipe names its batch size: batch 64 was the default until this measurement chose 32.
# Usage: [RECIPES="ns batch32"] scripts/gan-default-candidates.sh OUT [SEEDS...]; prints one TSV line per run and keeps
# the runs in OUT (a run already there is scored again, not retrained).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: $0 OUT [SEEDS...]}"; shift
seeds=("${@:-0 1 2}"); seeds=(${seeds[@]})
declare -A recipes=(
  [ns]="--batch-size 64"
  [hinge-sn]="--batch-size 64 --loss hinge --spectral-norm"
  [ns-diffaug]="--batch-size 64 --augment diff"
  [hinge-sn-diffaug]="--batch-size 64 --loss hinge --spectral-norm --augment diff"
  [batch32]="--batch-size 32"
)
mkdir -p "$out"
printf 'recipe\tseed\tfid\tkid\tseconds\n'
for name in ${RECIPES:-ns hinge-sn ns-diffaug hinge-sn-diffaug batch32}; do
  for seed in "${seeds[@]}"; do
    run="$out/$name-seed$seed"
    if [[ ! -f "$run/model.pt" ]]; then
      start=$(date +%s)
      # shellcheck disable=SC2086
      "$root/transfergen" gan train --data fashion-mnist --arch dcgan --max-images 6000 --epochs 5 --seed "$seed" \
        ${recipes[$name]} --out "$run" >/dev/null 2>"$run.log" || { echo "$name seed $seed failed, see $run.log" >&2; continue; }
      echo $(( $(date +%s) - start )) > "$run.seconds"
    fi
    scores=$("$root/transfergen" gan evaluate --model "$run" --data fashion-mnist -n 1000 --json 2>/dev/null)
    fid=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(round(d["fid"],1), round(d["kid"],4))' <<<"$scores")
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$seed" ${fid} "$(cat "$run.seconds")"
  done
done
