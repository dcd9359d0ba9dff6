#!/usr/bin/env python3
"""Writes the Fashion-MNIST sample embedded in TransferGen (standard library only; a developer tool, never run by
TransferGen itself).

For each split it keeps the first N images of every class in file order (no randomness, so the sample is the same
on every run) and writes them, still in file order, as gzip IDX files. The gzip header carries no time stamp, so
re-running it on the same input gives byte-identical files.

Usage: scripts/make-fashion-mnist-sample.py [--source DIR] [--out DIR] [--train-per-class N] [--test-per-class N]
"""
import argparse
import gzip
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "src", "TransferGen", "Data", "Embedded", "fashion-mnist-sample")


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    found, = struct.unpack(">i", data[:4])
    if found != magic:
        raise SystemExit(f"{path}: magic 0x{found:08x}, expected 0x{magic:08x}")
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def write_idx(path, magic, shape, body):
    header = struct.pack(">i" + "i" * len(shape), magic, *shape)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
        f.write(header + body)


def sample(source, out, prefix, per_class):
    (n, h, w), pixels = read_idx(os.path.join(source, f"{prefix}-images-idx3-ubyte.gz"), 0x803)
    (m,), labels = read_idx(os.path.join(source, f"{prefix}-labels-idx1-ubyte.gz"), 0x801)
    assert n == m, f"{prefix}: {n} images but {m} labels"
    taken = {}
    keep = []
    for i, label in enumerate(labels):
        if taken.get(label, 0) < per_class:
            taken[label] = taken.get(label, 0) + 1
            keep.append(i)
    size = h * w
    write_idx(os.path.join(out, f"{prefix}-images-idx3-ubyte.gz"), 0x803, (len(keep), h, w),
              b"".join(pixels[i * size:(i + 1) * size] for i in keep))
    write_idx(os.path.join(out, f"{prefix}-labels-idx1-ubyte.gz"), 0x801, (len(keep),),
              bytes(labels[i] for i in keep))
    print(f"{prefix}: {len(keep)} images, per class {dict(sorted(taken.items()))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--train-per-class", type=int, default=200)
    parser.add_argument("--test-per-class", type=int, default=50)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sample(args.source, args.out, "train", args.train_per_class)
    sample(args.source, args.out, "t10k", args.test_per_class)


if __name__ == "__main__":
    main()
