#!/usr/bin/python3
"""The same training step as step.mjs in PyTorch (Debian's python3-torch, same libtorch).
usage: /usr/bin/python3 bench/engine/step.py <small_cnn|mbconv_stack> <steps> <threads> [channels_last]"""
import json, resource, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.ops import SqueezeExcitation

name, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
layout = sys.argv[4] if len(sys.argv) > 4 else "contiguous"
torch.set_num_threads(threads)
torch.manual_seed(0)


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


def zoo(name):
    import torchvision
    m = getattr(torchvision.models, name)(num_classes=2)
    first = m.features[0][0] if name.startswith("efficientnet") else m.layers[0]
    stem = nn.Conv2d(1, first.out_channels, first.kernel_size, first.stride, first.padding, bias=False)
    if name.startswith("efficientnet"):
        m.features[0][0] = stem
    else:
        m.layers[0] = stem
    return m


model = simple_cnn() if name == "small_cnn" else mbconv_stack() if name == "mbconv_stack" else zoo(name)
x = torch.randn(16, 1, 208, 176)
if layout == "channels_last":
    model = model.to(memory_format=torch.channels_last)
    x = x.contiguous(memory_format=torch.channels_last)
y = torch.randint(0, 2, (16,))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
times = []
for i in range(3 + steps):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    if i >= 3:
        times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"impl": "pytorch", "model": name, "layout": layout, "ms": times,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
