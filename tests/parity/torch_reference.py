#!/usr/bin/env python3
"""Writes PyTorch's outputs and gradients for every gan layer, on fixed random
weights and inputs, to one safetensors file that tests/test_torch_parity.c
reads. 4-D activations are stored channel-major ([C, N, H, W], gan's layout);
weights keep PyTorch's own layouts, which gan uses too.

usage: torch_reference.py OUT.safetensors
Exit 77 (ctest's "skipped") when PyTorch is missing, unless GAN_REQUIRE_TORCH=1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "torch"))

try:
    import numpy as np
    import torch
    import torch.nn as nn
except ImportError as e:
    print(f"torch_reference.py: {e}: install Debian's python3-torch (scripts/setup.sh does)", file=sys.stderr)
    sys.exit(1 if os.environ.get("GAN_REQUIRE_TORCH") == "1" else 77)

import cond_dcgan
import dcgan_torch
import st_write

torch.manual_seed(20261123)
torch.set_num_threads(1)
out = {}


def array(t, activation):
    """A private numpy copy (numpy() alone would share memory with t, which
    later in-place updates such as optimizer steps would change)."""
    t = t.detach()
    if activation and t.dim() == 4:
        t = t.permute(1, 0, 2, 3)  # NCHW -> gan's CNHW
    return t.contiguous().numpy().copy()


def put(prefix, activation=False, **tensors):
    for k, v in tensors.items():
        out[f"{prefix}.{k}"] = array(v, activation) if isinstance(v, torch.Tensor) else v


def run(module, x, prefix, params):
    """Forward, then backward of sum(out * g) for a random g; stores everything."""
    x = x.clone().requires_grad_(True)
    y = module(x)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    put(prefix, activation=True, x=x, out=y, g=g, dx=x.grad)
    for name, p in params.items():
        put(prefix, **{name: p, "d" + name: p.grad})


def conv_case(prefix, transpose, n, c, h, oc, k, s, p, bias):
    mod = (nn.ConvTranspose2d if transpose else nn.Conv2d)(c, oc, k, s, p, bias=bias)
    with torch.no_grad():
        mod.weight.normal_(0, 0.2)
        if bias:
            mod.bias.normal_(0, 0.2)
    params = {"w": mod.weight}
    if bias:
        params["b"] = mod.bias
    run(mod, torch.randn(n, c, h, h), prefix, params)
    out[f"{prefix}.dims"] = np.array([n, c, h, h, oc, k, s, p], dtype=np.int64)


conv_case("conv_s2p1", False, 4, 3, 10, 5, 4, 2, 1, True)
conv_case("conv_s1p0", False, 4, 6, 4, 1, 4, 1, 0, False)
conv_case("conv_k3s1p1", False, 3, 4, 7, 6, 3, 1, 1, True)
conv_case("convt_s2p1", True, 4, 6, 4, 3, 4, 2, 1, True)
conv_case("convt_s1p0", True, 4, 10, 1, 6, 4, 1, 0, False)


def bn_case(prefix, train):
    bn = nn.BatchNorm2d(5, eps=1e-5, momentum=0.1)
    with torch.no_grad():
        bn.weight.normal_(1, 0.3)
        bn.bias.normal_(0, 0.3)
        bn.running_mean.normal_(0, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
    put(prefix, running_mean0=bn.running_mean.clone(), running_var0=bn.running_var.clone())
    bn.train(train)
    run(bn, torch.randn(4, 5, 6, 6) * 2 + 0.5, prefix, {"gamma": bn.weight, "beta": bn.bias})
    put(prefix, running_mean=bn.running_mean, running_var=bn.running_var)


bn_case("bn_train", True)
bn_case("bn_eval", False)

run(nn.LeakyReLU(0.2), torch.randn(3, 4, 5, 5), "leakyrelu", {})
run(nn.ReLU(), torch.randn(3, 4, 5, 5), "relu", {})
run(nn.Tanh(), torch.randn(3, 4, 5, 5) * 2, "tanh", {})
run(nn.Sigmoid(), torch.randn(3, 4, 5, 5) * 3, "sigmoid", {})

lin = nn.Linear(9, 4)
run(lin, torch.randn(6, 9), "linear", {"w": lin.weight, "b": lin.bias})

# BCE-with-logits, including saturated logits where a naive formula overflows.
logits = torch.cat([torch.randn(60) * 4, torch.tensor([50.0, -50.0, 90.0, -90.0])])
for name, target in (("bce_t1", 1.0), ("bce_t0", 0.0), ("bce_t09", 0.9)):
    x = logits.clone().requires_grad_(True)
    loss = nn.BCEWithLogitsLoss()(x, torch.full_like(x, target))
    loss.backward()
    put(name, x=x, loss=loss.reshape(1), dx=x.grad, target=torch.tensor([target]))

# The adversarial losses' terms (nn/gan_loss.h): hinge and least squares, as
# SNGAN/BigGAN and LSGAN write them in PyTorch. Logits stay away from hinge's
# kinks at +-1.
adv = torch.randn(64) * 2
adv[(adv.abs() - 1).abs() < 0.05] += 0.2
terms = {
    "hinge_d_real": lambda x: torch.relu(1 - x).mean(),
    "hinge_d_fake": lambda x: torch.relu(1 + x).mean(),
    "hinge_g": lambda x: -x.mean(),
    "lsgan_d_real": lambda x: 0.5 * ((x - 0.9) ** 2).mean(),  # with label smoothing 0.1
    "lsgan_d_fake": lambda x: 0.5 * (x ** 2).mean(),
    "lsgan_g": lambda x: 0.5 * ((x - 1) ** 2).mean(),
}
for name, f in terms.items():
    x = adv.clone().requires_grad_(True)
    loss = f(x)
    loss.backward()
    put(name, x=x, loss=loss.reshape(1), dx=x.grad)

# Softmax cross-entropy over 10 classes, with saturated logits in one row.
ce_logits = torch.randn(8, 10) * 3
ce_logits[0, 3], ce_logits[1, 7] = 80.0, -80.0
ce_labels = torch.tensor([3, 7, 0, 9, 1, 1, 5, 2])
x = ce_logits.clone().requires_grad_(True)
loss = nn.CrossEntropyLoss()(x, ce_labels)
loss.backward()
put("softmax_ce", x=x, loss=loss.reshape(1), dx=x.grad)
out["softmax_ce.labels"] = ce_labels.numpy().astype(np.int64)

# Adam: several steps with the DCGAN settings and with the defaults.
for name, lr, betas in (("adam_dcgan", 2e-4, (0.5, 0.999)), ("adam_default", 1e-3, (0.9, 0.999))):
    w = torch.randn(100).requires_grad_(True)
    put(name, p0=w, hyper=torch.tensor([lr, betas[0], betas[1], 1e-8]))
    opt = torch.optim.Adam([w], lr=lr, betas=betas, eps=1e-8)
    grads = torch.randn(5, 100) * torch.logspace(-4, 1, 100)
    for t in range(5):
        opt.zero_grad()
        w.grad = grads[t].clone()
        opt.step()
        put(name, **{f"p{t + 1}": w.clone()})
    put(name, grads=grads)

# DiffAugment with given draws: the functions of the authors' DiffAugment_pytorch.py
# (color, translation, cutout), their torch.rand/randint replaced by the arrays
# gan draws, so that gan's forward and backward can be compared exactly.
def diff_augment(x, br, sa, co, tx, ty, cx, cy):
    x = x + (br.view(-1, 1, 1, 1) - 0.5)
    m = x.mean(dim=1, keepdim=True)
    x = (x - m) * (sa.view(-1, 1, 1, 1) * 2) + m
    m = x.mean(dim=[1, 2, 3], keepdim=True)
    x = (x - m) * (co.view(-1, 1, 1, 1) + 0.5) + m
    n, _, h, w = x.shape
    gb, gx, gy = torch.meshgrid(torch.arange(n), torch.arange(h), torch.arange(w), indexing="ij")
    gx = torch.clamp(gx + tx.view(-1, 1, 1) + 1, 0, h + 1)
    gy = torch.clamp(gy + ty.view(-1, 1, 1) + 1, 0, w + 1)
    x = torch.nn.functional.pad(x, [1, 1, 1, 1, 0, 0, 0, 0]).permute(0, 2, 3, 1)[gb, gx, gy].permute(0, 3, 1, 2)
    size = int(h * 0.5 + 0.5)
    gb, gx, gy = torch.meshgrid(torch.arange(n), torch.arange(size), torch.arange(size), indexing="ij")
    gx = torch.clamp(gx + cx.view(-1, 1, 1) - size // 2, 0, h - 1)
    gy = torch.clamp(gy + cy.view(-1, 1, 1) - size // 2, 0, w - 1)
    mask = torch.ones(n, h, w)
    mask[gb, gx, gy] = 0
    return x * mask.unsqueeze(1)


for name, ch in (("aug_rgb", 3), ("aug_grey", 1)):
    n, s = 5, 16
    br, sa, co = torch.rand(n), torch.rand(n), torch.rand(n)
    tx, ty = torch.randint(-2, 3, (n,)), torch.randint(-2, 3, (n,))
    cx, cy = torch.randint(0, s + 1, (n,)), torch.randint(0, s + 1, (n,))
    x = (torch.rand(n, ch, s, s) * 2 - 1).requires_grad_(True)
    y = diff_augment(x, br, sa, co, tx, ty, cx, cy)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    put(name, activation=True, x=x, out=y, g=g, dx=x.grad)
    put(name, draws=torch.stack([br, sa, co, tx.float(), ty.float(), cx.float(), cy.float()], 1))

# A spectrally normalised D trained for 3 steps (hinge loss, Adam): the power
# iteration's u and v update in every training forward, the gradient flows
# through W / sigma. gan must reach the same weights, u and v.
SD = dcgan_torch.discriminator(16, 1, 4, "spectral")
dcgan_torch.dcgan_init(SD, 0.2)
for k, v in SD.state_dict().items():
    out[f"sn.init.{k}"] = v.detach().numpy().copy()
sn_opt = torch.optim.Adam(SD.parameters(), lr=2e-3, betas=(0.5, 0.999))
sn_real, sn_fake = torch.randn(3, 5, 1, 16, 16), torch.randn(3, 5, 1, 16, 16)
put("sn", activation=True, real=sn_real.reshape(15, 1, 16, 16), fake=sn_fake.reshape(15, 1, 16, 16))
for t in range(3):
    sn_opt.zero_grad()
    lr_ = SD(sn_real[t]).view(-1)
    torch.relu(1 - lr_).mean().backward()
    lf = SD(sn_fake[t]).view(-1)
    torch.relu(1 + lf).mean().backward()
    sn_opt.step()
    put("sn", **{f"logits_real{t}": lr_, f"logits_fake{t}": lf})
for k, v in SD.state_dict().items():
    out[f"sn.final.{k}"] = v.detach().numpy().copy()

# A whole DCGAN step, as the trainer's G phase computes it: z -> G -> D -> BCE(., 1),
# backward into every parameter of both nets; batchnorm in training mode.
S, C, NZ, NGF, NDF, N = 32, 1, 10, 8, 8, 6
G = dcgan_torch.generator(S, C, NZ, NGF)
D = dcgan_torch.discriminator(S, C, NDF)
dcgan_torch.dcgan_init(G, 0.2)
dcgan_torch.dcgan_init(D, 0.2)
for net, tag in ((G, "G"), (D, "D")):
    for k, v in net.state_dict().items():
        out[f"{tag}.{k}"] = v.detach().numpy().copy()
z = torch.randn(N, NZ, 1, 1)
fake = G(z)
logits = D(fake).reshape(-1)
loss = nn.BCEWithLogitsLoss()(logits, torch.ones(N))
loss.backward()
put("dcgan", activation=True, z=z, fake=fake)
put("dcgan", logits=logits, loss=loss.reshape(1),
    arch=torch.tensor([S, C, NZ, NGF, NDF, N]))
for net, tag in ((G, "G"), (D, "D")):
    for k, p in net.named_parameters():
        out[f"{tag}.grad.{k}"] = p.grad.numpy().copy()
    for k, v in net.state_dict().items():
        if "running" in k:
            out[f"{tag}.after.{k}"] = v.numpy().copy()

# Conditional nets (cond_dcgan.py): G phase as above with class labels, G
# taking the class by concatenation (with a batchnorm D) or by conditional
# batchnorm (with a spectrally normalised projection D); every gradient, and
# every buffer after the step (running statistics, the power iteration's u, v).
# "ac" adds D's class loss (train.class_loss, weight 0.7): cross-entropy of
# the embedding read as a classifier of D's pooled features.
for tag, g_cond, d_norm, class_w in (("cc", "concat", "batchnorm", 0.0), ("cb", "batchnorm", "spectral", 0.0),
                                     ("ac", "concat", "spectral", 0.7)):
    S, C, NZ, NGF, NDF, N, K = 16, 1, 6, 4, 4, 7, 3
    G = cond_dcgan.ConditionalGenerator(S, C, NZ, NGF, K, g_cond)
    D = cond_dcgan.ProjectionDiscriminator(S, C, NDF, K, d_norm)
    cond_dcgan.cond_init(G, D, 0.2)
    with torch.no_grad():  # embeddings large enough that their gradients matter in the comparison
        (D.embed.weight_orig if d_norm == "spectral" else D.embed.weight).mul_(5)
    for net, who in ((G, "G"), (D, "D")):
        for k, v in net.state_dict().items():
            out[f"{tag}{who}.{k}"] = v.detach().numpy().copy()
    z = torch.randn(N, NZ, 1, 1)
    y = torch.randint(0, K, (N,))
    fake = G(z, y)
    logits = D(fake, y)
    loss = nn.BCEWithLogitsLoss()(logits, torch.ones(N))
    if class_w > 0:
        loss = loss + class_w * nn.CrossEntropyLoss()(D.class_logits(), y)
    loss.backward()
    out[f"{tag}.class_w"] = np.array([class_w], dtype=np.float32)
    put(tag, activation=True, z=z, fake=fake)
    put(tag, logits=logits, loss=loss.reshape(1), arch=torch.tensor([S, C, NZ, NGF, NDF, N, K]))
    out[f"{tag}.labels"] = y.numpy().astype(np.int64)
    for net, who in ((G, "G"), (D, "D")):
        for k, p in net.named_parameters():
            out[f"{tag}{who}.grad.{k}"] = p.grad.numpy().copy()
        for k, v in net.state_dict().items():
            if "running" in k or k.endswith("_u") or k.endswith("_v"):
                out[f"{tag}{who}.after.{k}"] = v.numpy().copy()

# A whole classifier training step: images -> logits -> cross-entropy,
# backward into every parameter; batchnorm in training mode.
S, C, W, H, K, N = 32, 1, 4, 12, 10, 6
net = dcgan_torch.classifier(S, C, W, H, K)
dcgan_torch.dcgan_init(net, 0.2)
for k, v in net.state_dict().items():
    out[f"C.{k}"] = v.detach().numpy().copy()
features = {}
net[-2].register_forward_hook(lambda m, i, o: features.update(f=o.detach().clone()))  # returns None: keeps o
x = torch.randn(N, C, S, S)
labels = torch.randint(0, K, (N,))
logits = net(x)
loss = nn.CrossEntropyLoss()(logits, labels)
loss.backward()
put("classifier", activation=True, x=x)
put("classifier", logits=logits, features=features["f"], loss=loss.reshape(1),
    arch=torch.tensor([S, C, W, H, K, N]))
out["classifier.labels"] = labels.numpy().astype(np.int64)
for k, p in net.named_parameters():
    out[f"C.grad.{k}"] = p.grad.numpy().copy()
for k, v in net.state_dict().items():
    if "running" in k:
        out[f"C.after.{k}"] = v.numpy().copy()

# Progressive growing's pieces (after everything above, so earlier draws keep their values):
# nearest 2x upsampling, the fade between two pictures, the minibatch standard deviation.
class Upsample2(nn.Module):
    def forward(self, x):
        return nn.functional.interpolate(x, scale_factor=2, mode="nearest")


class MinibatchStd(nn.Module):
    """ProGAN's: groups of `group` images taken as reshape(group, -1, ...) takes them."""
    def __init__(self, group):
        super().__init__()
        self.group = group

    def forward(self, x):
        n, c, h, w = x.shape
        y = x.reshape(self.group, -1, c, h, w)
        y = ((y - y.mean(0)).square().mean(0) + 1e-8).sqrt()
        y = y.mean(dim=(1, 2, 3)).reshape(-1, 1, 1, 1).repeat(self.group, 1, h, w)
        return torch.cat([x, y], 1)


run(Upsample2(), torch.randn(3, 4, 5, 6), "upsample2", {})
put("upsample2", dims=torch.tensor([3, 4, 5, 6]))
run(MinibatchStd(4), torch.randn(8, 3, 4, 5), "mbstd", {})
put("mbstd", dims=torch.tensor([8, 3, 4, 5, 4]))
# the std channel's gradient alone (the copied channels' would dwarf it)
x = torch.randn(8, 3, 4, 5, requires_grad=True)
y = MinibatchStd(4)(x)
g = torch.zeros_like(y)
g[:, 3:] = torch.randn(8, 1, 4, 5)
(y * g).sum().backward()
put("mbstd_channel", activation=True, x=x, out=y, g=g, dx=x.grad)
put("mbstd_channel", dims=torch.tensor([8, 3, 4, 5, 4]))
old, new = torch.randn(3, 4, 5, 6, requires_grad=True), torch.randn(3, 4, 5, 6, requires_grad=True)
faded = torch.lerp(old, new, 0.3)
g = torch.randn_like(faded)
(faded * g).sum().backward()
put("fade", activation=True, old=old, new=new, out=faded, g=g, dold=old.grad, dnew=new.grad)

st_write.save(sys.argv[1], out, {"torch": torch.__version__})
print(f"torch_reference.py: wrote {len(out)} tensors to {sys.argv[1]} (torch {torch.__version__})")
