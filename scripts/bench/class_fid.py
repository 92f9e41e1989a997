#!/usr/bin/env python3
"""FID within each class for any generated digits, conditional or not: the
images the tool's classifier labels k (or, with --labels, those a
conditional G was asked to draw as k) against every bundled real digit of
class k. gan eval gives intra-class FID for conditional generators only; this
puts an unconditional one on the same scale, so the two can be compared.

The classifier's labels come from a PyTorch twin of gan's classifier
(Debian's python3-torch), checked against gan eval: its class counts must be
gan eval's. Every FID is gan eval's own (--npy against an IDX file of the
class's real digits). Prints a Markdown table.

usage: scripts/bench/class_fid.py --classifier C.bin --npy GEN.npy [--labels L.npy] [--gan build/gan]"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "torch"))
import dcgan_torch  # noqa: E402
import st_write  # noqa: E402
from fid_floor import read_idx, write_idx  # noqa: E402


def classify(path, images):
    """The classifier's labels, from its PyTorch twin (dcgan_torch.classifier,
    the module the parity tests check gan's classifier against)."""
    tensors, meta = st_write.load(path)
    assert meta.get("kind") == "classifier", f"{path}: not a classifier"
    arch = json.loads(meta["arch"])
    net = dcgan_torch.classifier(arch["image_size"], arch["channels"], arch["width"], arch["hidden"],
                                 arch["classes"])
    net.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
    net.eval()
    with torch.no_grad():
        return np.concatenate([net(torch.from_numpy(images[i:i + 1000])).argmax(1).numpy()
                               for i in range(0, len(images), 1000)])


def gan_eval(gan, classifier, npy, extra):
    out = subprocess.run([gan, "eval", "--classifier", classifier, "--npy", npy, "--json", "--quiet"] + extra,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--classifier", required=True)
    ap.add_argument("--npy", required=True, help="generated images, as gan sample --npy writes them")
    ap.add_argument("--labels", help="int64 [n] classes a conditional G drew (gan sample --labels-out)")
    ap.add_argument("--gan", default=os.path.join(HERE, "..", "..", "build", "gan"))
    a = ap.parse_args()
    gen = np.load(a.npy).astype(np.float32)
    if gen.ndim == 3:
        gen = gen[:, None]
    if gen.shape[1:] != (1, 32, 32):
        sys.exit(f"class_fid: {a.npy}: expected [n, 1, 32, 32] digits, got {list(gen.shape)}")
    predicted = classify(a.classifier, gen)
    report = gan_eval(a.gan, a.classifier, a.npy, [])
    if list(np.bincount(predicted, minlength=10)) != report["class_counts_generated"]:
        sys.exit("class_fid: the PyTorch twin's labels differ from gan eval's class counts")
    labels = predicted
    if a.labels:
        labels = np.load(a.labels)
        if labels.shape != (len(gen),):
            sys.exit(f"class_fid: {a.labels}: expected {len(gen)} labels, got {list(labels.shape)}")
    images = read_idx("images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
    real_labels = read_idx("labels-idx1-ubyte.gz", 8)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(10):
            mine, real = np.nonzero(labels == k)[0], np.nonzero(real_labels == k)[0]
            if len(mine) < 2:
                rows.append((k, len(mine), len(real), float("nan")))
                continue
            np.save(os.path.join(tmp, "gen.npy"), gen[mine])
            write_idx(tmp, "real", images[real], real_labels[real])
            r = gan_eval(a.gan, a.classifier, os.path.join(tmp, "gen.npy"),
                         ["--data", os.path.join(tmp, "real-images.gz"), "--real", str(len(real)),
                          "--set", "data.labels=" + os.path.join(tmp, "real-labels.gz")])
            rows.append((k, len(mine), len(real), r["fid"]))
    print(f"overall FID {report['fid']:.2f} ({report['n_generated']} generated, {report['n_real']} real)")
    print()
    print(f"| class | generated ({'as drawn' if a.labels else 'by the classifier'}) | real | FID within the class |")
    print("|---|---|---|---|")
    for k, n, m, f in rows:
        print(f"| {k} | {n} | {m} | {f:.2f} |")
    print(f"| mean | | | {np.nanmean([f for *_, f in rows]):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
