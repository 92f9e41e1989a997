#!/usr/bin/env python3
"""Times gan style against the same optimisation in PyTorch: VGG-19 to
conv5_1 with average pooling, the same losses and weights of the terms,
L-BFGS with history 20 and a strong-Wolfe line search, the same number of
steps, at each size; both on the same threads, one after the other.
Prints a table: seconds per network evaluation (forward + backward of the
picture), evaluations, wall time, and peak resident memory of each process
(PyTorch's includes its libraries, about 300 MB before any work: the
'above start' column subtracts what each process holds with its libraries
loaded and nothing done: gan --version, and PyTorch just imported). Figures, not a test: nothing is asserted.

usage: scripts/bench/style_bench.py [--gan build/gan] [--sizes 256,512] [--steps 10] [--threads 2]"""
import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PICTURES = "/usr/lib/python3/dist-packages/skimage/data"  # Debian's python3-skimage


def run_gan(gan, size, steps, threads, tmp):
    cmd = [gan, "style", "--content", f"{PICTURES}/chelsea.png", "--style", f"{PICTURES}/gravel.png",
           "--size", str(size), "--steps", str(steps), "--threads", str(threads), "--out", f"{tmp}/g.png"]
    start = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "maxrss %M"] + cmd, capture_output=True, text=True)
    wall = time.time() - start
    if p.returncode != 0:
        sys.exit(f"style_bench: gan style failed: {p.stderr.strip()[-300:]}")
    last = [l for l in p.stderr.splitlines() if l.startswith("step ")][-1]
    evals = int(re.search(r"(\d+) passes", last).group(1))
    seconds = float(re.search(r"passes  ([\d.]+) s", last).group(1))
    rss = int(re.search(r"maxrss (\d+)", p.stderr).group(1)) / 1024
    return dict(evals=evals, opt_s=seconds, wall=wall, rss=rss)


def conv_gflop(h, w):
    """Multiply-adds x 2 of one evaluation's convolutions: the forward of
    every layer to conv5_1 and the backward to its input (the weights are
    fixed: no weight gradient), for an h x w picture."""
    flop, c, cfg = 0, 3, [64, 64, "P", 128, 128, "P", 256, 256, 256, 256, "P", 512, 512, 512, 512, "P", 512]
    for v in cfg:
        if v == "P":
            h, w = h // 2, w // 2
            continue
        flop += 2 * 2 * 9 * c * v * h * w
        c = v
    return flop / 1e9


def gan_start_rss(gan):
    """What gan holds before any work: the binary and its libraries."""
    p = subprocess.run(["/usr/bin/time", "-f", "maxrss %M", gan, "--version"], capture_output=True, text=True)
    return int(re.search(r"maxrss (\d+)", p.stderr).group(1)) / 1024


def run_torch(size, steps, threads):
    p = subprocess.run([sys.executable, __file__, "--torch-child", str(size), str(steps), str(threads)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"style_bench: the PyTorch run failed: {p.stderr.strip()[-300:]}")
    vals = dict(kv.split("=") for kv in p.stdout.split())
    return {k: float(v) for k, v in vals.items()}


def torch_child(size, steps, threads):
    """The PyTorch side, in a process of its own (for its peak memory)."""
    import torch
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the libraries, before any work
    sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "parity"))
    import style_reference as ref
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = ref.features()
    for p in net.parameters():
        p.requires_grad_(False)
    h, w = size * 300 // 451, size  # chelsea's aspect (451 x 300), as gan scales it
    content, style = torch.rand(3, h, w), torch.rand(3, size, size)
    x = content.clone().requires_grad_()
    with torch.no_grad():
        (cm, _), (sm, _) = ref.maps(net, content), ref.maps(net, style)
        targets = {i: ref.gram(sm[i]) for i in ref.STYLE}
    evals = [0]

    def closure():
        opt.zero_grad()
        xm, _ = ref.maps(net, x)
        s = sum(((ref.gram(xm[i]) - targets[i]) ** 2).sum() / (targets[i] ** 2).sum() for i in ref.STYLE) / 5
        t = cm[ref.CONTENT]
        c = ((xm[ref.CONTENT] - t) ** 2).mean() / (t ** 2).mean()
        tv = ((x[:, :, 1:] - x[:, :, :-1]) ** 2).mean() + ((x[:, 1:, :] - x[:, :-1, :]) ** 2).mean()
        loss = c + 1000 * s + 10 * tv
        loss.backward()
        evals[0] += 1
        return loss

    # one step() of `steps` iterations, as a PyTorch user runs it (one step() per iteration
    # would evaluate the loss once more each time, at the point the line search just evaluated)
    opt = torch.optim.LBFGS([x], lr=1, max_iter=steps, max_eval=25 * steps, history_size=20,
                            tolerance_grad=0, tolerance_change=0, line_search_fn="strong_wolfe")
    start = time.time()
    opt.step(closure)
    took = time.time() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"evals={evals[0]} opt_s={took:.3f} rss={rss:.0f} start_rss={before:.0f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gan", default=os.path.join(HERE, "..", "..", "build", "gan"))
    ap.add_argument("--sizes", default="256,512")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}; {a.threads} threads; {a.steps} L-BFGS steps; chelsea in the style of gravel\n")
    print("| size | | s per evaluation | GFLOP/s | evaluations | optimisation s | peak RSS MB | above start MB |")
    print("|---|---|---|---|---|---|---|---|")
    base = gan_start_rss(a.gan)
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in a.sizes.split(",")]:
            g = run_gan(a.gan, size, a.steps, a.threads, tmp)
            t = run_torch(size, a.steps, a.threads)
            g_per, t_per = g["opt_s"] / g["evals"], t["opt_s"] / t["evals"]
            flop = conv_gflop(size * 300 // 451, size)
            print(f"| {size} | gan | {g_per:.3f} | {flop / g_per:.0f} | {g['evals']} | {g['opt_s']:.1f} | {g['rss']:.0f} | "
                  f"{g['rss'] - base:.0f} |")
            print(f"| {size} | PyTorch {__import__('torch').__version__} | {t_per:.3f} | {flop / t_per:.0f} | {t['evals']:.0f} | "
                  f"{t['opt_s']:.1f} | {t['rss']:.0f} | {t['rss'] - t['start_rss']:.0f} |")
            print(f"| {size} | ratio | {t_per / g_per:.2f}x faster | | | {t['opt_s'] / g['opt_s']:.2f}x faster | "
                  f"{g['rss'] / t['rss']:.2f}x | {(g['rss'] - base) / max(1.0, t['rss'] - t['start_rss']):.2f}x |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--torch-child":
        torch_child(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
