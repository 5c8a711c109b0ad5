"""The benchmark networks in PyTorch: the same as bench/engine/models.mjs builds in alzbench."""
import torch.nn as nn
from torchvision.ops import SqueezeExcitation


def simple_cnn(widths=(16, 32, 64, 128)):
    layers, c = [], 1
    for w in widths:
        layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(2)]
        c = w
    return nn.Sequential(nn.Sequential(*layers), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(c, 2))


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
        m = simple_cnn()
        if num_classes != 2:
            m[-1] = nn.Linear(m[-1].in_features, num_classes)
        return m
    if name == "mbconv_stack":
        return mbconv_stack()
    return zoo(name, num_classes)
