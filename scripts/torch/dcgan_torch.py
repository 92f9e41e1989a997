"""The PyTorch twins of gan's networks: the same nn.Sequential, layer for
layer, so that state_dict names and shapes match gan's checkpoints."""
import math

import torch.nn as nn


def generator(image_size, channels, nz, ngf):
    L = int(math.log2(image_size // 4))
    layers = [nn.ConvTranspose2d(nz, ngf * 2 ** (L - 1), 4, 1, 0, bias=False),
              nn.BatchNorm2d(ngf * 2 ** (L - 1)), nn.ReLU(True)]
    for i in range(1, L):
        cin, cout = ngf * 2 ** (L - i), ngf * 2 ** (L - i - 1)
        layers += [nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True)]
    layers += [nn.ConvTranspose2d(ngf, channels, 4, 2, 1, bias=False), nn.Tanh()]
    return nn.Sequential(*layers)


def discriminator(image_size, channels, ndf, d_norm="batchnorm"):
    """d_norm (gan's model.d_norm): "batchnorm" (DCGAN), "spectral" (every conv
    wrapped in torch.nn.utils.spectral_norm, no batchnorm: its state_dict holds
    N.weight_orig, N.weight_u, N.weight_v, as gan's d.bin does) or "none"."""
    L = int(math.log2(image_size // 4))
    sn = nn.utils.spectral_norm if d_norm == "spectral" else (lambda m: m)
    layers = [sn(nn.Conv2d(channels, ndf, 4, 2, 1, bias=False)), nn.LeakyReLU(0.2, True)]
    for i in range(1, L):
        cin, cout = ndf * 2 ** (i - 1), ndf * 2 ** i
        layers += [sn(nn.Conv2d(cin, cout, 4, 2, 1, bias=False))]
        layers += [nn.BatchNorm2d(cout)] if d_norm == "batchnorm" else []
        layers += [nn.LeakyReLU(0.2, True)]
    layers += [sn(nn.Conv2d(ndf * 2 ** (L - 1), 1, 4, 1, 0, bias=False))]
    return nn.Sequential(*layers)


def dcgan_init(module, std=0.02):
    """Radford et al.'s init: conv N(0, std), BN gamma N(1, std), beta 0."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight_orig if hasattr(m, "weight_orig") else m.weight, 0.0, std)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, std)
            nn.init.zeros_(m.bias)


def classifier(image_size, channels, width, hidden, classes):
    """gan's classifier (include/gan/classifier.h): D's trunk with batchnorm on
    every convolution, Flatten, Linear, LeakyReLU (the features), Linear."""
    L = int(math.log2(image_size // 4))
    layers = []
    for i in range(L):
        cin, cout = channels if i == 0 else width * 2 ** (i - 1), width * 2 ** i
        layers += [nn.Conv2d(cin, cout, 4, 2, 1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2, True)]
    layers += [nn.Flatten(), nn.Linear(width * 2 ** (L - 1) * 16, hidden), nn.LeakyReLU(0.2),
               nn.Linear(hidden, classes)]
    return nn.Sequential(*layers)
