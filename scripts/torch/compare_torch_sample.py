#!/usr/bin/env python3
"""Loads a gan generator checkpoint into the equivalent PyTorch module (an
nn.Sequential, or for a conditional one cond_dcgan.ConditionalGenerator;
strict load_state_dict: every name and shape must match), runs the latent
vectors of a .npy (and the classes of a labels .npy) through it in inference
mode, and compares with the images that `gan sample --npy` wrote for them.

usage: compare_torch_sample.py G.bin Z.npy IMAGES.npy [--labels LABELS.npy] [--tol 1e-4]
Exit 0 when the largest absolute difference is below the tolerance; 77 when
PyTorch is missing (unless GAN_REQUIRE_TORCH=1)."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"compare_torch_sample.py: {e}: install python3-torch", file=sys.stderr)
    sys.exit(1 if os.environ.get("GAN_REQUIRE_TORCH") == "1" else 77)

import cond_dcgan
import dcgan_torch
import st_write


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("z")
    ap.add_argument("images")
    ap.add_argument("--labels")
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    tensors, meta = st_write.load(a.ckpt)
    assert meta.get("kind") == "generator", f"{a.ckpt}: not a generator"
    arch = json.loads(meta["arch"])
    classes = arch.get("classes", 0)
    assert (classes > 0) == (a.labels is not None), "a conditional generator takes --labels, another does not"
    if classes:
        G = cond_dcgan.ConditionalGenerator(arch["image_size"], arch["channels"], arch["nz"], arch["ngf"], classes,
                                            arch.get("g_condition", "concat"))
    else:
        G = dcgan_torch.generator(arch["image_size"], arch["channels"], arch["nz"], arch["ngf"])
    G.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
    G.eval()
    z = np.load(a.z)
    ours = np.load(a.images)
    with torch.no_grad():
        zt = torch.from_numpy(z).reshape(z.shape[0], arch["nz"], 1, 1)
        theirs = (G(zt, torch.from_numpy(np.load(a.labels))) if classes else G(zt)).numpy()
    assert theirs.shape == ours.shape, f"shape {ours.shape} vs PyTorch {theirs.shape}"
    diff = float(np.abs(theirs - ours).max())
    print(f"compare_torch_sample: {z.shape[0]} samples {ours.shape[1:]}: largest |gan - PyTorch| = {diff:.2e} (tolerance {a.tol:g})")
    sys.exit(0 if diff < a.tol else 1)


main()
