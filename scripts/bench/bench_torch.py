#!/usr/bin/env python3
"""The PyTorch reference of gan's training step, for scripts/bench/bench.py: the
same DCGAN (scripts/torch/dcgan_torch.py), BCE-with-logits, Adam(lr 2e-4, betas
0.5/0.999), N(0, 0.02) init, and the step of PyTorch's DCGAN example (D on
real, D on detached fake, D update, G through D, G update). Prints one JSON
line: images_per_second, seconds_per_step, peak_rss_kb."""
import argparse
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "torch"))
import torch
import torch.nn as nn

import dcgan_torch

ap = argparse.ArgumentParser()
ap.add_argument("--size", type=int, default=32)
ap.add_argument("--channels", type=int, default=1)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--nz", type=int, default=100)
ap.add_argument("--ngf", type=int, default=64)
ap.add_argument("--ndf", type=int, default=64)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--warmup", type=int, default=5)
ap.add_argument("--steps", type=int, default=30)
ap.add_argument("--sample", type=int, default=0, help="time generating N images in eval mode instead")
ap.add_argument("--chunk", type=int, default=1000, help="with --sample: images per forward pass")
a = ap.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(1)
G = dcgan_torch.generator(a.size, a.channels, a.nz, a.ngf)
D = dcgan_torch.discriminator(a.size, a.channels, a.ndf)
dcgan_torch.dcgan_init(G)
dcgan_torch.dcgan_init(D)
opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
loss = nn.BCEWithLogitsLoss()
if a.sample:
    G.eval()
    z = torch.randn(a.sample, a.nz, 1, 1)
    with torch.no_grad():
        G(z[:a.chunk])  # warm-up
        t0 = time.perf_counter()
        for i in range(0, a.sample, a.chunk):
            G(z[i:i + a.chunk])
        dt = time.perf_counter() - t0
    print(json.dumps({"sample_images_per_second": a.sample / dt, "threads": a.threads, "chunk": a.chunk}))
    sys.exit(0)
B = a.batch
data = torch.rand(4, B, a.channels, a.size, a.size) * 2 - 1
ones, zeros = torch.ones(B), torch.zeros(B)


def step(i):
    real = data[i % 4]
    D.zero_grad()
    err_real = loss(D(real).view(-1), ones)
    err_real.backward()
    fake = G(torch.randn(B, a.nz, 1, 1))
    err_fake = loss(D(fake.detach()).view(-1), zeros)
    err_fake.backward()
    opt_d.step()
    G.zero_grad()
    err_g = loss(D(fake).view(-1), ones)
    err_g.backward()
    opt_g.step()


for i in range(a.warmup):
    step(i)
t0 = time.perf_counter()
for i in range(a.steps):
    step(i)
dt = time.perf_counter() - t0
print(json.dumps({"images_per_second": a.steps * B / dt, "seconds_per_step": dt / a.steps,
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "threads": a.threads}))
