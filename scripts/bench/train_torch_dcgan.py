#!/usr/bin/env python3
"""Trains the PyTorch twin of gan's default MNIST DCGAN (scripts/torch/dcgan_torch.py;
the step of PyTorch's DCGAN example, Adam 2e-4 / 0.5, batch 64, nz 100,
ngf = ndf = 64) on an IDX file for a wall-time budget, and writes samples as
.npy files that `gan eval --npy` reads: float32 [n, 1, 32, 32] in [-1, 1].

usage: train_torch_dcgan.py --seconds 290 --at 60,120,290 --out DIR [--data IDX.gz]
At each time in --at (seconds of training, excluding sampling) it writes
DIR/torch_<seconds>s.npy with -n samples from G in eval mode, as gan does."""
import argparse
import gzip
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "torch"))
import numpy as np
import torch
import torch.nn as nn

import dcgan_torch

ap = argparse.ArgumentParser()
ap.add_argument("--data", default="data/mnist10k/images-idx3-ubyte.gz")
ap.add_argument("--seconds", type=float, required=True)
ap.add_argument("--at", default="", help="comma-separated training seconds at which to export samples")
ap.add_argument("--out", required=True)
ap.add_argument("-n", type=int, default=2000)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()

raw = open(a.data, "rb").read()
if raw[:2] == b"\x1f\x8b":
    raw = gzip.decompress(raw)
magic, count, rows, cols = struct.unpack(">IIII", raw[:16])
assert magic == 0x803, f"{a.data}: not an IDX image file"
imgs = np.frombuffer(raw, np.uint8, count * rows * cols, 16).reshape(count, 1, rows, cols)
pad = (32 - rows) // 2  # centre 28x28 on a 32x32 black background, as data.fit "pad" does
x = np.zeros((count, 1, 32, 32), np.float32)
x[:, :, pad:pad + rows, pad:pad + cols] = imgs / 127.5 - 1.0
data = torch.from_numpy(x)

torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
G = dcgan_torch.generator(32, 1, 100, 64)
D = dcgan_torch.discriminator(32, 1, 64)
dcgan_torch.dcgan_init(G)
dcgan_torch.dcgan_init(D)
opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
bce = nn.BCEWithLogitsLoss()
B = 64
ones, zeros = torch.ones(B), torch.zeros(B)
marks = sorted(float(s) for s in a.at.split(",") if s) or [a.seconds]
os.makedirs(a.out, exist_ok=True)


def export(tag):
    G.eval()
    with torch.no_grad():
        g = torch.Generator().manual_seed(12345)
        z = torch.randn(a.n, 100, 1, 1, generator=g)
        s = torch.cat([G(z[i:i + 250]) for i in range(0, a.n, 250)])
    G.train()
    path = os.path.join(a.out, f"torch_{tag}s.npy")
    np.save(path, s.numpy().astype(np.float32))
    return path


trained, step, epoch = 0.0, 0, 0
while trained < a.seconds:
    perm = torch.randperm(count)
    for b in range(count // B):
        t0 = time.perf_counter()
        real = data[perm[b * B:(b + 1) * B]]
        D.zero_grad()
        err_d = bce(D(real).view(-1), ones)
        err_d.backward()
        fake = G(torch.randn(B, 100, 1, 1))
        err_f = bce(D(fake.detach()).view(-1), zeros)
        err_f.backward()
        opt_d.step()
        G.zero_grad()
        err_g = bce(D(fake).view(-1), ones)
        err_g.backward()
        opt_g.step()
        trained += time.perf_counter() - t0
        step += 1
        while marks and trained >= marks[0]:
            m = marks.pop(0)
            p = export(f"{m:g}")
            print(f"{trained:.1f} s, step {step}, epoch {epoch + 1}: loss_D {float(err_d + err_f):.4f} "
                  f"loss_G {float(err_g):.4f} -> {p}", flush=True)
        if trained >= a.seconds:
            break
    epoch += 1
print(f"train_torch_dcgan: {step} steps ({step * B / trained:.0f} img/s) in {trained:.1f} s of training")
