"""The PyTorch twins of gan's conditional networks (model.conditional). No
longer nn.Sequentials, they keep the Sequential's child names ("0", "1", ...)
and add the class embedding as "embed", so their state_dicts have the names
and shapes of gan's g.bin and d.bin:
  - ConditionalGenerator, g_condition "concat": the embedding (classes x nz)
    of the class is concatenated with z; "batchnorm": every BatchNorm2d of G
    becomes ConditionalBatchNorm2d, a gamma and a beta per class.
  - ProjectionDiscriminator (Miyato & Koyama 2018): D's layers, and the logit
    gains <embed(y), h summed over its 4x4 positions> for the last hidden
    layer's h; with d_norm "spectral" the embedding is spectrally normalised
    too (PyTorch's spectral_norm on nn.Embedding: u [classes], v [C])."""
import torch
import torch.nn as nn
import torch.nn.functional as F

import dcgan_torch


class ConditionalBatchNorm2d(nn.Module):
    """BatchNorm2d without affine, then gamma[y], beta[y] per sample."""

    def __init__(self, channels, classes, momentum=0.1, eps=1e-5):
        super().__init__()
        self.momentum, self.eps = momentum, eps
        self.weight = nn.Parameter(torch.ones(classes, channels))
        self.bias = nn.Parameter(torch.zeros(classes, channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x, y):
        if self.training:
            self.num_batches_tracked += 1
        h = F.batch_norm(x, self.running_mean, self.running_var, None, None, self.training, self.momentum,
                         self.eps)
        return h * self.weight[y][:, :, None, None] + self.bias[y][:, :, None, None]


class ConditionalGenerator(nn.Module):
    def __init__(self, image_size, channels, nz, ngf, classes, g_condition="concat"):
        super().__init__()
        self.concat = g_condition == "concat"
        self.nz = nz
        seq = dcgan_torch.generator(image_size, channels, nz, ngf)
        if self.concat:  # the first layer takes z and the class embedding
            first = seq[0]
            seq[0] = nn.ConvTranspose2d(2 * nz, first.out_channels, 4, 1, 0, bias=False)
        for i, m in enumerate(seq):
            if isinstance(m, nn.BatchNorm2d) and not self.concat:
                m = ConditionalBatchNorm2d(m.num_features, classes)
            self.add_module(str(i), m)
        self.count = len(seq)
        if self.concat:
            self.embed = nn.Embedding(classes, nz)

    def forward(self, z, y):
        x = z.view(z.shape[0], self.nz, 1, 1)
        if self.concat:
            x = torch.cat([x, self.embed(y).view(z.shape[0], self.nz, 1, 1)], 1)
        for i in range(self.count):
            m = getattr(self, str(i))
            x = m(x, y) if isinstance(m, ConditionalBatchNorm2d) else m(x)
        return x


class ProjectionDiscriminator(nn.Module):
    def __init__(self, image_size, channels, ndf, classes, d_norm="batchnorm"):
        super().__init__()
        seq = dcgan_torch.discriminator(image_size, channels, ndf, d_norm)
        for i, m in enumerate(seq):
            self.add_module(str(i), m)
        self.count = len(seq)
        width = seq[-1].in_channels
        embed = nn.Embedding(classes, width)
        self.embed = nn.utils.spectral_norm(embed) if d_norm == "spectral" else embed

    def forward(self, x, y):
        for i in range(self.count - 1):
            x = getattr(self, str(i))(x)
        logit = getattr(self, str(self.count - 1))(x).view(-1)
        self.pooled = x.sum([2, 3])
        return logit + (self.embed(y) * self.pooled).sum(1)

    def class_logits(self):
        """gan's class loss (train.class_loss): the embedding as a classifier of
        the last forward's pooled features, [N, classes]; after a forward, so a
        spectrally normalised embedding's weight is this step's."""
        return self.pooled @ self.embed.weight.t()


def cond_init(g, d, std=0.02):
    """gan's init: DCGAN's for the layers (every class's gamma N(1, std)), G's
    embedding N(0, 1) as nn.Embedding's, D's N(0, std)."""
    for net in (g, d):
        dcgan_torch.dcgan_init(net, std)
        for m in net.modules():
            if isinstance(m, ConditionalBatchNorm2d):
                nn.init.normal_(m.weight, 1.0, std)
                nn.init.zeros_(m.bias)
    if hasattr(g, "embed"):
        nn.init.normal_(g.embed.weight, 0.0, 1.0)
    nn.init.normal_(d.embed.weight_orig if hasattr(d.embed, "weight_orig") else d.embed.weight, 0.0, std)
