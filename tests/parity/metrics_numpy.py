#!/usr/bin/env python3
"""gan's feature-space measures against NumPy on the same fixed features.

Writes clustered features (seeded), runs test_metrics on them and computes
each measure from its formula here: KID (Binkowski et al. 2018: the unbiased
MMD^2 with the cubic polynomial kernel), precision/recall/density/coverage
(the reference code of Naeem et al. 2020, in NumPy), nearest neighbours, FID
and the Inception Score over 10 splits. Relative agreement 1e-9 (the same
doubles, summed in another order).

usage: metrics_numpy.py TEST_METRICS_BINARY"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np


def kid_full(x, y):
    d = x.shape[1]
    k = lambda a, b: (a @ b.T / d + 1.0) ** 3
    m = len(x)
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    return ((kxx.sum() - np.trace(kxx)) + (kyy.sum() - np.trace(kyy))) / (m * (m - 1)) - 2 * kxy.sum() / m**2


def pairwise(a, b):
    return np.sqrt(np.maximum((a**2).sum(1)[:, None] + (b**2).sum(1)[None, :] - 2 * a @ b.T, 0))


def prdc(real, fake, k):
    radii = lambda x: np.sort(pairwise(x, x), axis=1)[:, k]  # the k-th other (index 0 is the row itself)
    rr, fr = radii(real), radii(fake)
    drf = pairwise(real, fake)
    precision = (drf < rr[:, None]).any(axis=0).mean()
    recall = (drf < fr[None, :]).any(axis=1).mean()
    density = (1.0 / k) * (drf < rr[:, None]).sum(axis=0).mean()
    coverage = (drf.min(axis=1) < rr).mean()
    return [precision, recall, density, coverage]


def fid(a, b):
    m1, m2 = a.mean(0), b.mean(0)
    c1, c2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    ev = np.linalg.eigvals(c1 @ c2)
    return ((m1 - m2) ** 2).sum() + np.trace(c1 + c2) - 2 * np.sqrt(np.maximum(ev.real, 0)).sum()


def inception_splits(p, splits=10):
    n = len(p)
    scores = []
    for s in range(splits):
        q = p[n * s // splits : n * (s + 1) // splits]
        py = q.mean(0)
        scores.append(np.exp((q * (np.log(q) - np.log(py))).sum(1).mean()))
    return [np.mean(scores), np.std(scores)]


def close(a, b, rtol=1e-9):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-12)


def main():
    rng = np.random.default_rng(20261207)
    centres = rng.normal(0, 3, (6, 16))
    real = (centres[rng.integers(0, 6, 300)] + rng.normal(0, 1, (300, 16))).astype(np.float32)
    fake = (centres[rng.integers(0, 4, 260)] * 1.1 + rng.normal(0, 1.2, (260, 16))).astype(np.float32)
    logits = rng.normal(0, 2, (500, 10))
    probs = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype(np.float32)
    with tempfile.TemporaryDirectory() as t:
        for name, arr in (("real", real), ("fake", fake), ("probs", probs)):
            np.save(os.path.join(t, name + ".npy"), arr)
        out = subprocess.run([sys.argv[1]] + [os.path.join(t, f + ".npy") for f in ("real", "fake", "probs")],
                             capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stdout, out.stderr)
        return 1
    got, _ = json.JSONDecoder().raw_decode(out.stdout)  # then test_metrics's own verdict
    r, f = real.astype(np.float64), fake.astype(np.float64)
    n = got["n_kid"]
    bad = []
    want = {"kid_full": kid_full(r[:n], f[:n]), "fid": fid(r, f)}
    for key, value in want.items():
        if not close(got[key], value, 1e-6 if key == "fid" else 1e-9):
            bad.append(f"{key}: gan {got[key]!r}, NumPy {value!r}")
    for k in (3, 5):
        for name, a, b in zip(("precision", "recall", "density", "coverage"), got[f"prdc_{k}"], prdc(r, f, k)):
            if not close(a, b):
                bad.append(f"{name} (k = {k}): gan {a!r}, NumPy {b!r}")
    d = pairwise(f, r)
    if got["nearest_index"] != d.argmin(1).tolist():
        bad.append("nearest neighbours: the indices differ")
    if not np.allclose(got["nearest_distance"], d.min(1), rtol=1e-9):
        bad.append("nearest neighbours: the distances differ")
    for a, b, what in zip(got["is_splits"], inception_splits(probs.astype(np.float64)), ("IS mean", "IS std")):
        if not close(a, b, 1e-7):
            bad.append(f"{what} over 10 splits: gan {a!r}, NumPy {b!r}")
    for line in bad:
        print("metrics_numpy:", line)
    if not bad:
        print(f"metrics_numpy: KID {got['kid_full']:.6g}, precision/recall/density/coverage at k = 3 and 5, "
              f"nearest neighbours, FID {got['fid']:.6g} and the IS splits agree with NumPy")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
