#!/usr/bin/env python3
"""The FID that no generator can beat at a given sample count: real against
real. Splits the bundled MNIST digits (all of them, and each class) into two
random halves, writes one half as gan eval's --npy input and the other as an
IDX file for --data, and prints the FID between them with the tool's
classifier, as a Markdown table. At 5,000 against 5,000 images this is the
floor of gan eval's overall FID; at about 500 per class, the floor of its
intra-class FID (gan eval -n 5000 draws 500 of each class).

usage: scripts/bench/fid_floor.py --classifier C.bin [--gan build/gan] [--seed N]"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "data", "mnist10k")


def read_idx(name, header):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read()[header:], np.uint8)


def write_half(tmp, name, images, labels, idx):
    """One half: the images as the tool's [-1, 1] padded 32x32 .npy, or as IDX."""
    npy = np.full((len(idx), 1, 32, 32), -1.0, np.float32)  # data.fit "pad": black around 28x28
    npy[:, 0, 2:30, 2:30] = images[idx].astype(np.float32) * (2.0 / 255.0) - 1.0
    np.save(os.path.join(tmp, name + ".npy"), npy)
    write_idx(tmp, name, images[idx], labels[idx])


def write_idx(tmp, name, images, labels):
    """tmp/name-images.gz and tmp/name-labels.gz: 28x28 digits and their labels, as IDX."""
    with gzip.open(os.path.join(tmp, name + "-images.gz"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, len(images), 28, 28) + images.tobytes())
    with gzip.open(os.path.join(tmp, name + "-labels.gz"), "wb") as f:
        f.write(struct.pack(">II", 0x801, len(labels)) + labels.tobytes())


def fid(gan, classifier, tmp, a, b):
    out = subprocess.run([gan, "eval", "--classifier", classifier, "--npy", os.path.join(tmp, a + ".npy"),
                          "--data", os.path.join(tmp, b + "-images.gz"),
                          "--set", "data.labels=" + os.path.join(tmp, b + "-labels.gz"), "--json", "--quiet"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["fid"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--classifier", required=True)
    ap.add_argument("--gan", default=os.path.join(HERE, "..", "..", "build", "gan"))
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    images = read_idx("images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
    labels = read_idx("labels-idx1-ubyte.gz", 8)
    rng = np.random.default_rng(a.seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        everything = rng.permutation(len(labels))
        groups = [("all", everything), ("all", everything[:1000])]  # the second: the per-class sample count
        groups += [(str(k), np.nonzero(labels == k)[0]) for k in range(10)]
        for name, members in groups:
            idx = rng.permutation(members)
            half = len(idx) // 2
            write_half(tmp, "a", images, labels, idx[:half])
            write_half(tmp, "b", images, labels, idx[half:])
            rows.append((name, half, len(idx) - half, fid(a.gan, a.classifier, tmp, "a", "b")))
    print("| images | half A | half B | FID, real against real |")
    print("|---|---|---|---|")
    for name, na, nb, f in rows:
        print(f"| {'all digits' if name == 'all' else 'class ' + name} | {na} | {nb} | {f:.2f} |")
    per_class = [f for name, _, _, f in rows if name != "all"]
    print(f"| mean over classes | | | {sum(per_class) / len(per_class):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
