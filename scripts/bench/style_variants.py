#!/usr/bin/env python3
"""Which random weights make the best textures? Writes VGG-19 weight files
(torchvision's names) for each variant and seed, synthesises textures with
gan texture --weights, then scores each texture in judge networks it was
not made with (each variant's networks of two other seeds): the style loss there, the
normalised distance of Gram matrices to the style picture's. Lower means
the texture's statistics match the picture's in feature spaces it never
saw. Prints a table; asserts nothing.

Variants (std of each filter's weights: He's sqrt(2 / (9 C)) for all):
  gaussian      N(0, std^2)                      (gan's built-in --seed weights)
  uniform       U(-a, a) with the same std
  zero-mean     Gaussian, each filter's mean removed (no response to flat colour)
The scale per layer makes no difference to gan's objective: ReLU networks
without bias are positively homogeneous and every loss term is normalised
by its target's size, so any per-layer scaling (He et al. 2016's, Gatys et
al.'s mean-activation normalisation) cancels out.

usage: scripts/bench/style_variants.py [--gan build/gan] [--size 128] [--steps 100]"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "parity"))
sys.path.insert(0, os.path.join(HERE, "..", "torch"))
import st_write  # noqa: E402
import style_reference as ref  # noqa: E402

PICTURES = "/usr/lib/python3/dist-packages/skimage/data"
TEXTURES = ["gravel.png", "brick.png", "grass.png"]
VARIANTS = ["gaussian", "uniform", "zero-mean"]


def weights(variant, seed):
    g = torch.Generator().manual_seed(seed)
    net = ref.features()
    with torch.no_grad():
        for m in net:
            if not isinstance(m, torch.nn.Conv2d):
                continue
            std = (2.0 / (9 * m.in_channels)) ** 0.5
            if variant == "uniform":
                m.weight.uniform_(-std * 3 ** 0.5, std * 3 ** 0.5, generator=g)
            else:
                m.weight.normal_(0, std, generator=g)
            if variant == "zero-mean":
                m.weight -= m.weight.mean(dim=(1, 2, 3), keepdim=True)
                m.weight *= std / m.weight.std(dim=(1, 2, 3), keepdim=True)
            m.bias.zero_()
    return net


def picture(path, size):
    import imageio
    from skimage.transform import resize
    a = np.asarray(imageio.imread(path), dtype=np.float64) / 255.0
    if a.ndim == 2:
        a = np.stack([a] * 3, -1)
    h, w = a.shape[:2]
    s = size / max(h, w)
    a = resize(a[..., :3], (round(h * s), round(w * s)), anti_aliasing=True)
    return torch.from_numpy(a.transpose(2, 0, 1).copy()).float()


def style_distance(net, x, target):
    with torch.no_grad():
        xm, _ = ref.maps(net, x)
        tm, _ = ref.maps(net, target)
        return float(sum(((ref.gram(xm[i]) - ref.gram(tm[i])) ** 2).sum() / (ref.gram(tm[i]) ** 2).sum()
                         for i in ref.STYLE) / len(ref.STYLE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gan", default=os.path.join(HERE, "..", "..", "build", "gan"))
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--steps", type=int, default=100)
    a = ap.parse_args()
    torch.set_num_threads(2)
    judges = {(v, s): weights(v, s) for v in VARIANTS for s in (101, 102)}
    scores = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        for v in VARIANTS:
            path = f"{tmp}/{v}.safetensors"
            st_write.save(path, {f"features.{k}": t.numpy() for k, t in weights(v, 1).state_dict().items()})
            for tex in TEXTURES:
                out = f"{tmp}/{v}-{tex}"
                subprocess.run([a.gan, "texture", "--style", f"{PICTURES}/{tex}", "--size", str(a.size),
                                "--steps", str(a.steps), "--weights", path, "--out", out, "--quiet"], check=True)
                x, target = picture(out, a.size), picture(f"{PICTURES}/{tex}", a.size)
                # judged by every variant's networks of seeds 101 and 102, never by the one it was made with
                d = [style_distance(j, x, target) for (jv, js), j in judges.items()]
                scores[v].append(np.mean(d))
                print(f"  {v:10s} {tex:12s} judged style distance {np.mean(d):.4f}", file=sys.stderr)
    print(f"| variant | judged style distance, mean over {', '.join(TEXTURES)} (lower: closer) |")
    print("|---|---|")
    for v in VARIANTS:
        print(f"| {v} | {np.mean(scores[v]):.4f} ({', '.join(f'{s:.4f}' for s in scores[v])}) |")


if __name__ == "__main__":
    main()
