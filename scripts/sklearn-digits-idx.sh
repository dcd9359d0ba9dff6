#!/usr/bin/env bash
# Writes the 8x8 handwritten digits that Debian's python3-sklearn ships (1,797 images, 10 classes; the UCI "Optical
# Recognition of Handwritten Digits" set, CC BY 4.0) as an IDX folder that every transfergen command reads:
#   OUT/train-images-idx3-ubyte.gz, OUT/train-labels-idx1-ubyte.gz  (all but TEST_PER_CLASS images of each digit)
#   OUT/test-images-idx3-ubyte.gz,  OUT/test-labels-idx1-ubyte.gz   (TEST_PER_CLASS images of each digit)
# Pixels 0..16 are scaled to 0..255. The split is drawn with a fixed seed, so every run writes the same files.
#
# Usage: scripts/sklearn-digits-idx.sh OUT [TEST_PER_CLASS]   (default 50)
# Needs python3 (standard library only) for the conversion; it is data preparation, never a TransferGen dependency.
# The CSV is taken from an installed python3-sklearn, else from its .deb (apt-get download, unpacked, not installed).
set -euo pipefail

out=${1:?usage: $0 OUT [TEST_PER_CLASS]}
test_per_class=${2:-50}
csv=/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz

if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "$out is not empty; give a new or empty folder." >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -f "$csv" ]; then
  echo "python3-sklearn is not installed; fetching its .deb for the digits CSV (nothing is installed)." >&2
  (cd "$work" && apt-get download python3-sklearn >&2)
  dpkg-deb -x "$work"/python3-sklearn_*.deb "$work/deb"
  csv="$work/deb$csv"
fi

mkdir -p "$out"
python3 - "$csv" "$out" "$test_per_class" <<'EOF'
import gzip, os, random, struct, sys

csv, out, test_per_class = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [line.split(",") for line in gzip.open(csv, "rt").read().split()]
by_class = {}
for row in rows:
    pixels, label = [int(v) for v in row[:64]], int(row[64])
    by_class.setdefault(label, []).append(bytes(round(p * 255 / 16) for p in pixels))

rng = random.Random(0)
train, test = [], []
for label in sorted(by_class):
    images = by_class[label]
    rng.shuffle(images)
    test += [(img, label) for img in images[:test_per_class]]
    train += [(img, label) for img in images[test_per_class:]]
rng.shuffle(train)
rng.shuffle(test)

def write(split, items):
    # Written beside the final name, then renamed: a reader never sees half a file.
    for kind, header, body in (
        ("images", struct.pack(">IIII", 0x803, len(items), 8, 8), b"".join(img for img, _ in items)),
        ("labels", struct.pack(">II", 0x801, len(items)), bytes(label for _, label in items)),
    ):
        path = os.path.join(out, f"{split}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz")
        with gzip.GzipFile(path + ".partial", "wb", mtime=0) as f:
            f.write(header + body)
        os.replace(path + ".partial", path)

write("train", train)
write("test", test)
print(f"{out}: {len(train)} train and {len(test)} test images (8x8 gray, 10 classes)")
EOF
