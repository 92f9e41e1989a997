#!/usr/bin/env python3
"""Side-by-side benchmark of gan's training step against PyTorch, in one run
on one machine. For each OpenBLAS environment (as it is, and with
OPENBLAS_CORETYPE unset) and each configuration it prints images/s,
seconds/step, achieved GFLOP/s, peak resident memory, the ratio gan/PyTorch
(PyTorch at its best of 1 and 2 threads) and gan's GFLOP/s as a share of a
large SGEMM measured here.

usage: scripts/bench/bench.py [--gan build/gan] [--quick] [--steps N] [--only SIZE] [--markdown]
--quick is the CI smoke run: one configuration, 2 steps, one environment;
--only 128 times the configurations of that image size alone."""
import argparse
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = [  # (label, image size, channels, batch, ngf = ndf)
    ("32x32x1 batch 64", 32, 1, 64, 64),
    ("32x32x1 batch 128", 32, 1, 128, 64),
    ("64x64x3 batch 64", 64, 3, 64, 64),
    ("128x128x3 batch 32", 128, 3, 32, 64),
    ("128x128x3 batch 32 width 16 (faces-128)", 128, 3, 32, 16),
]
NZ = 100


def conv_layers(size, channels, width):
    """(C, OC, K, in_size, out_size, transpose, first) for G and D, per gan's DCGAN."""
    NGF = NDF = width
    L = int(math.log2(size // 4))
    g = [(NZ, NGF * 2 ** (L - 1), 4, 1, 4, True, True)]
    for i in range(1, L):
        g.append((NGF * 2 ** (L - i), NGF * 2 ** (L - i - 1), 4, 4 << (i - 1), 4 << i, True, False))
    g.append((NGF, channels, 4, size // 2, size, True, False))
    d = [(channels, NDF, 4, size, size // 2, False, True)]
    for i in range(1, L):
        d.append((NDF * 2 ** (i - 1), NDF * 2 ** i, 4, size >> i, size >> (i + 1), False, False))
    d.append((NDF * 2 ** (L - 1), 1, 4, 4, 1, False, False))
    return g, d


def flops_per_image(size, channels, width):
    """FLOPs of one training step per real image: (needed, all gradients).
    A conv's forward, weight gradient and input gradient each cost
    2 * C * OC * K^2 * (pixels of the larger side's grid)."""
    g, d = conv_layers(size, channels, width)
    cost = lambda l: 2 * l[0] * l[1] * l[2] ** 2 * (l[3] ** 2 if l[5] else l[4] ** 2)
    G, Dc = sum(map(cost, g)), sum(map(cost, d))
    D_first = cost(d[0])
    G_first = cost(g[0])
    # needed (what gan computes): G forward; D forward on real and on fake and D's weight gradients
    # for both; D forward again and D's input gradients (the G phase); G's weight gradients and its
    # input gradients except the first layer's (the latent vector needs none)
    needed = G + 2 * Dc + 2 * Dc + Dc + Dc + G + (G - G_first)
    # every gradient (what a framework computes without care): D weight and input grads in all
    # three passes except the image input of the D phase, and G's first-layer input grad too
    everything = G + 2 * Dc + 2 * Dc + 2 * (Dc - D_first) + Dc + 2 * Dc + 2 * G
    return needed, everything


def run(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def sgemm_gflops(env, n=4096, reps=5):
    code = ("import numpy as np, time\n"
            f"a=np.random.rand({n},{n}).astype(np.float32); b=a.copy(); a@b\n"
            f"t=time.perf_counter()\nfor _ in range({reps}): a@b\n"
            f"print(2*{n}**3*{reps}/(time.perf_counter()-t)/1e9)")
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return float(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gan", default=os.path.join(HERE, "..", "..", "build", "gan"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--markdown", action="store_true", help="print the results table as Markdown")
    ap.add_argument("--only", type=int, default=0, help="only the configurations of this image size")
    a = ap.parse_args()
    configs = CONFIGS[:1] if a.quick else [c for c in CONFIGS if a.only in (0, c[1])]
    steps, warmup = (2, 1) if a.quick else (a.steps, a.warmup)
    base = dict(os.environ)
    envs = [("OPENBLAS_CORETYPE=" + base["OPENBLAS_CORETYPE"] if "OPENBLAS_CORETYPE" in base else "as is", base)]
    if "OPENBLAS_CORETYPE" in base and not a.quick:
        unset = dict(base)
        del unset["OPENBLAS_CORETYPE"]
        envs.append(("OPENBLAS_CORETYPE unset", unset))
    rows, samples = [], []
    for env_label, env in envs:
        peak = sgemm_gflops(env, 1024 if a.quick else 4096, 1 if a.quick else 5)
        print(f"== {env_label}: SGEMM 4096^3 on this machine: {peak:.0f} GFLOP/s", flush=True)
        for label, size, ch, batch, width in configs:
            need, allg = flops_per_image(size, ch, width)
            sets = [f"data.image_size={size}", f"data.channels={ch}", f"train.batch_size={batch}",
                    f"model.ngf={width}", f"model.ndf={width}"]
            gan = run([a.gan, "bench", "--json", "--warmup", str(warmup), "--steps", str(steps)] +
                      [x for s in sets for x in ("--set", s)], env)
            torch_runs = [run([sys.executable, os.path.join(HERE, "bench_torch.py"), "--size", str(size),
                               "--channels", str(ch), "--batch", str(batch), "--threads", str(t),
                               "--ngf", str(width), "--ndf", str(width),
                               "--warmup", str(warmup), "--steps", str(steps)], env) for t in (1, 2)]
            pt = max(torch_runs, key=lambda r: r["images_per_second"])
            ratio = gan["images_per_second"] / pt["images_per_second"]
            gflops = gan["images_per_second"] * need / 1e9
            bound = gan["gemm_bound_images_per_second"]
            row = dict(env=env_label, config=label, gan_ips=gan["images_per_second"], gan_sps=gan["seconds_per_step"],
                       bound=bound, of_bound=gan["images_per_second"] / bound if bound else 0.0,
                       gan_gflops=gflops, gan_rss=gan["peak_rss_kb"] / 1024, pt_ips=pt["images_per_second"],
                       pt_sps=pt["seconds_per_step"], pt_gflops=pt["images_per_second"] * need / 1e9,
                       pt_rss=pt["peak_rss_kb"] / 1024, pt_threads=pt["threads"], ratio=ratio,
                       share=gflops / peak, need=need / 1e9, allg=allg / 1e9, peak=peak)
            rows.append(row)
            print(f"{label}: FLOPs/image {need / 1e9:.3f} G needed ({allg / 1e9:.3f} G with every gradient)\n"
                  f"  gan     {row['gan_ips']:7.1f} img/s  {row['gan_sps']:.4f} s/step  {gflops:6.1f} GFLOP/s"
                  f"  ({row['share']:.0%} of SGEMM)  peak RSS {row['gan_rss']:6.1f} MiB\n"
                  f"  GEMM-only bound {bound:7.1f} img/s ({gan['gemms_per_step']} SGEMMs a step, back to back): "
                  f"gan reaches {row['of_bound']:.0%} of it\n"
                  f"  PyTorch {row['pt_ips']:7.1f} img/s  {row['pt_sps']:.4f} s/step  {row['pt_gflops']:6.1f} GFLOP/s"
                  f"  ({pt['threads']} thread{'s' if pt['threads'] > 1 else ''})      peak RSS {row['pt_rss']:6.1f} MiB\n"
                  f"  ratio gan/PyTorch {ratio:.2f}x   memory {row['gan_rss'] / row['pt_rss']:.2f}x", flush=True)
        # sampling: gan sample's path against PyTorch's eval-mode G, 10,000 images of the first configuration
        if not a.quick and not a.only:
            label, size, ch, _, _ = configs[0]
            n = 10000
            gs = run([a.gan, "bench", "--json", "--sample", str(n), "--set", f"data.image_size={size}",
                      "--set", f"data.channels={ch}"], env)
            ps = max((run([sys.executable, os.path.join(HERE, "bench_torch.py"), "--size", str(size),
                           "--channels", str(ch), "--sample", str(n), "--chunk", str(gs["chunk"]),
                           "--threads", str(t)], env) for t in (1, 2)), key=lambda r: r["sample_images_per_second"])
            samples.append(dict(env=env_label, config=f"{size}x{size}x{ch}", gan=gs["sample_images_per_second"],
                                pt=ps["sample_images_per_second"], pt_threads=ps["threads"], chunk=gs["chunk"]))
            print(f"sampling {n} images {size}x{size}x{ch}: gan {gs['sample_images_per_second']:.0f} img/s "
                  f"(chunks of {gs['chunk']}), PyTorch eval-mode G {ps['sample_images_per_second']:.0f} img/s "
                  f"({ps['threads']} thread{'s' if ps['threads'] > 1 else ''}): "
                  f"{gs['sample_images_per_second'] / ps['sample_images_per_second']:.2f}x", flush=True)
    if a.markdown:
        print("\n| OpenBLAS | configuration | gan img/s | PyTorch img/s (threads) | ratio | share of the GEMM bound | "
              "gan GFLOP/s (share of SGEMM) | gan / PyTorch peak RSS (MiB) |\n|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['env']} | {r['config']} | {r['gan_ips']:.0f} | {r['pt_ips']:.0f} ({r['pt_threads']}) | "
                  f"**{r['ratio']:.2f}x** | {r['of_bound']:.0%} of {r['bound']:.0f} | "
                  f"{r['gan_gflops']:.0f} ({r['share']:.0%} of {r['peak']:.0f}) | "
                  f"{r['gan_rss']:.0f} / {r['pt_rss']:.0f} |")
        if samples:
            print("\n| OpenBLAS | sampling 10,000 images | gan img/s | PyTorch eval-mode G img/s (threads) | ratio |"
                  "\n|---|---|---|---|---|")
            for r in samples:
                print(f"| {r['env']} | {r['config']} | {r['gan']:.0f} | {r['pt']:.0f} ({r['pt_threads']}) | "
                      f"**{r['gan'] / r['pt']:.2f}x** |")


main()
