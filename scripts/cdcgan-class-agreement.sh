#!/usr/bin/env bash
# How often a fine-tuned classifier agrees with the class a conditional GAN was asked for.
# Usage: scripts/cdcgan-class-agreement.sh GAN_RUN CLASSIFIER_RUN [PER_CLASS]
# Samples PER_CLASS images of every class with `gan sample --class k`, classifies them with `predict`, and prints
# the agreement overall and per class (chance is 1/K). Needs python3 for the tally only.
set -euo pipefail
gan="$1"; classifier="$2"; per_class="${3:-50}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
classes=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["classes"]))' "$gan/model/model.json")
for ((k = 0; k < classes; k++)); do
  "$root/transfergen" gan sample --model "$gan" -n "$per_class" --class "$k" --seed "$k" --out "$work/$k" >/dev/null
done
find "$work" -name '*.png' -print0 | sort -z | xargs -0 "$root/transfergen" predict --model "$classifier" --json > "$work/predictions.json"
python3 - "$work" "$gan/model/model.json" <<'PY'
import json, sys
work, info = sys.argv[1], json.load(open(sys.argv[2]))
names = info["classes"]
hits, totals = [0] * len(names), [0] * len(names)
for p in json.load(open(f"{work}/predictions.json"))["predictions"]:
    k = int(p["file"][len(work) + 1:].split("/")[0])
    totals[k] += 1
    hits[k] += p["top"][0]["class"] == names[k]
print(f"agreement {sum(hits)}/{sum(totals)} = {sum(hits) / sum(totals):.1%} (chance {1 / len(names):.1%})")
for name, h, t in zip(names, hits, totals):
    print(f"  {name}: {h}/{t}")
PY
