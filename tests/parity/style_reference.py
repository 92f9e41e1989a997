#!/usr/bin/env python3
"""PyTorch's style-transfer objective on fixed random weights and pictures,
for tests/parity/test_style_parity.c: writes OUT_DIR/vgg.safetensors (the
weights, torchvision's names) and OUT_DIR/style_ref.safetensors (content,
style and x pictures [3, H, W], then the loss terms, the gradient of the
loss with respect to x, each style layer's Gram matrix of x, x's relu4_2
map). The network is built from torch.nn as torchvision's vgg19().features
is, with AvgPool2d for MaxPool2d (gan's choice, after Gatys et al.), and
run in float64 so the reference's own rounding is negligible.

usage: style_reference.py OUT_DIR
Exit 77 (ctest's "skipped") when PyTorch is missing, unless GAN_REQUIRE_TORCH=1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "torch"))
try:
    import numpy as np
    import torch
    import torch.nn as nn
except ImportError as e:
    print(f"style_reference.py: {e}: install Debian's python3-torch (scripts/setup.sh does)", file=sys.stderr)
    sys.exit(1 if os.environ.get("GAN_REQUIRE_TORCH") == "1" else 77)
import st_write

# VGG-19's configuration up to conv5_1: channels, or "P" for a pooling
CFG = [64, 64, "P", 128, 128, "P", 256, 256, 256, 256, "P", 512, 512, 512, 512, "P", 512]
STYLE = [0, 5, 10, 19, 28]  # relu1_1 .. relu5_1: the conv's index in features (the ReLU follows)
CONTENT = 21                # relu4_2
WEIGHTS = dict(content=1.0, style=1000.0, tv=10.0)
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def features():
    layers, c = [], 3
    for v in CFG:
        if v == "P":
            layers.append(nn.AvgPool2d(2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
            c = v
    return nn.Sequential(*layers)


def maps(net, x, masks=None):
    """{index: output of the ReLU after conv `index`} for the layers the loss
    reads, and the ReLUs' masks (input > 0). With masks given, each ReLU
    applies the mask given instead of its own."""
    out, seen, h = {}, [], (x - torch.tensor(MEAN, dtype=x.dtype).view(3, 1, 1)) / torch.tensor(STD, dtype=x.dtype).view(3, 1, 1)
    h = h.unsqueeze(0)
    for i, layer in enumerate(net):
        if isinstance(layer, nn.ReLU):
            mask = (h > 0) if masks is None else masks[len(seen)]
            seen.append(mask)
            h = h * mask.to(h.dtype)
        else:
            h = layer(h)
        if i - 1 in STYLE + [CONTENT] and isinstance(layer, nn.ReLU):
            out[i - 1] = h[0]
    return out, seen


def gram(f):
    c = f.shape[0]
    f = f.reshape(c, -1)
    return f @ f.t() / f.numel()


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(20261207)
    net = features()
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.Conv2d):  # gan's random scale, and biases that are not zero (to test them)
                m.weight.normal_(0, (2.0 / (9 * m.in_channels)) ** 0.5)
                m.bias.normal_(0, 0.05)
    st_write.save(os.path.join(out_dir, "vgg.safetensors"),
                  {f"features.{k}": v.numpy() for k, v in net.state_dict().items()})
    content, style = torch.rand(3, 40, 48), torch.rand(3, 36, 44)
    x = 0.5 * content + 0.5 * torch.rand(3, 40, 48)
    # A ReLU whose input lies within float32's rounding of 0 decides
    # differently in float32 and float64, and moves a few pixels' gradient
    # by up to 0.5 % (PyTorch against itself). So the reference takes each
    # ReLU's on/off pattern from a float32 pass (what gan computes) and all
    # arithmetic from float64: it is the exact gradient of the function gan
    # evaluates, and differences that remain are gan's rounding.
    masks = {name: maps(net, pic)[1] for name, pic in (("content", content), ("style", style), ("x", x))}
    net = net.double()
    content, style, x = content.double(), style.double(), x.double().requires_grad_()
    (cm, _), (sm, _), (xm, _) = (maps(net, pic, masks[name]) for name, pic in (("content", content), ("style", style), ("x", x)))
    style_loss = sum(((gram(xm[i]) - gram(sm[i])) ** 2).sum() / (gram(sm[i]) ** 2).sum() for i in STYLE) / len(STYLE)
    t = cm[CONTENT]
    content_loss = ((xm[CONTENT] - t) ** 2).mean() / (t ** 2).mean()
    tv = ((x[:, :, 1:] - x[:, :, :-1]) ** 2).mean() + ((x[:, 1:, :] - x[:, :-1, :]) ** 2).mean()
    loss = WEIGHTS["content"] * content_loss + WEIGHTS["style"] * style_loss + WEIGHTS["tv"] * tv
    loss.backward()
    f32 = lambda a: a.detach().float().numpy()
    ref = dict(content=f32(content), style=f32(style), x=f32(x), grad=f32(x.grad),
               terms=np.array([loss.item(), content_loss.item(), style_loss.item(), tv.item()], dtype=np.float32),
               relu4_2=f32(xm[CONTENT]))
    for k, i in enumerate(STYLE):
        ref[f"gram{k}"] = f32(gram(xm[i]))
    st_write.save(os.path.join(out_dir, "style_ref.safetensors"), ref)
    print(f"style_reference: loss {loss.item():.6g} (content {content_loss.item():.4g}, style {style_loss.item():.4g}, tv {tv.item():.4g})")


if __name__ == "__main__":
    main(sys.argv[1])
