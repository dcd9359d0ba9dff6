#!/usr/bin/env bash
# A long fuzz run: `scripts/fuzz.sh [SECONDS] [SEED]` (default 600 s, a seed from the clock). Damaged files of failing
# cases and their logs go to fuzz-failures/SEED/. The suite runs the same harness for 45 s with seed 0
# (FuzzSuiteTests); this explores other seeds for longer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"
seed="${2:-$(date +%s | tail -c 6)}"
echo "fuzz: seed $seed for $seconds s; failing cases go to fuzz-failures/$seed/" >&2
exec "$root/transfergen" bench fuzz --seconds "$seconds" --cases 100000000 --seed "$seed" --failures "fuzz-failures/$seed"
