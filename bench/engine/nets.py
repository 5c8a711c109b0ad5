"""The benchmark networks in PyTorch: the same as bench/engine/models.mjs builds in alzbench.
`node bench/engine/nets-check.mjs` proves it per model (weights copied from alzbench, same logits)."""
import os
import sys

import torch
import torch.nn as nn
from torchvision.ops import SqueezeExcitation

# Inception-ResNet-v2 (timm's, not in torchvision) and the registry's simple_cnn: the PyTorch
# transcriptions the zoo's parity test already checks (scripts/fixtures/make_zoo_reference.py,
# timm's module names, eps-1e-3 batch norms, non-inplace ReLUs as timm and alzbench). That module
# sets the thread count when imported; callers set theirs, so keep it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "fixtures"))
_threads = torch.get_num_threads()
import make_zoo_reference as zoo_reference  # noqa: E402

torch.set_num_threads(_threads)


class MBConv(nn.Module):
    def __init__(self, cin, cout, expand, k, stride):
        super().__init__()
        mid = cin * expand
        layers = []
        if expand != 1:
            layers += [nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.SiLU()]
        layers += [nn.Conv2d(mid, mid, k, stride=stride, padding=(k - 1) // 2, groups=mid, bias=False), nn.BatchNorm2d(mid), nn.SiLU(),
                   SqueezeExcitation(mid, max(1, cin // 4), activation=nn.SiLU), nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return self.block(x) + x if self.residual else self.block(x)


def mbconv_stack():
    return nn.Sequential(nn.Conv2d(1, 32, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(32), nn.SiLU(),
                         MBConv(32, 16, 1, 3, 1), MBConv(16, 24, 6, 3, 2), MBConv(24, 24, 6, 3, 1),
                         MBConv(24, 40, 6, 5, 2), MBConv(40, 40, 6, 5, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(40, 2))


def zoo(name, num_classes=2):
    """A registered 2-D zoo model with 1 input channel, as alzbench's getModel(name, {inChannels: 1})."""
    if name == "inception_resnet_v2":
        return zoo_reference.InceptionResnetV2(num_classes=num_classes, in_chans=1)
    if name == "simple_cnn":
        return zoo_reference.SimpleCNN(in_channels=1, num_classes=num_classes)
    import torchvision
    m = getattr(torchvision.models, name)(num_classes=num_classes)
    first = m.features[0][0] if name.startswith("efficientnet") else m.features[0] if name.startswith("vgg") else m.layers[0]
    stem = nn.Conv2d(1, first.out_channels, first.kernel_size, first.stride, first.padding, bias=first.bias is not None)
    if name.startswith("efficientnet"):
        m.features[0][0] = stem
    elif name.startswith("vgg"):
        m.features[0] = stem
    else:
        m.layers[0] = stem
    return m


def make_model(name, num_classes=2):
    if name == "small_cnn":
        # alzbench's SimpleCNN (widths 16-32-64-128, dropout 0.2) with its module names.
        return zoo_reference.SimpleCNN(in_channels=1, num_classes=num_classes)
    if name == "mbconv_stack":
        return mbconv_stack()
    return zoo(name, num_classes)
