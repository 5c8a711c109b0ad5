#!/usr/bin/python3
"""PyTorch side of bench/models/run.mjs: the same network (torchvision's, or the reference script's
transcriptions), first conv made 1-channel, 2 classes.
usage: model.py forward|train MODEL REPS THREADS H W BATCH  -> {"parameters": n, "ms": [...]} on stdout"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "fixtures"))
import make_zoo_reference as ref  # noqa: E402

mode, name = sys.argv[1], sys.argv[2]
reps, threads, h, w, batch = (int(v) for v in sys.argv[3:8])
torch.set_num_threads(threads)
torch.manual_seed(0)
model = ref.build(name, num_classes=2)
# The first conv, taking 1 channel (alzbench's grayscale models).
path = {"vgg": "features.0", "efficientnet": "features.0.0", "mnasnet": "layers.0", "inception_resnet_v2": "conv2d_1a.conv", "simple_cnn": "features.0"}
parent_path, _, leaf = next(v for k, v in path.items() if name.startswith(k)).rpartition(".")
parent = model.get_submodule(parent_path)
old = getattr(parent, leaf)
setattr(parent, leaf, nn.Conv2d(1, old.out_channels, old.kernel_size, old.stride, old.padding, groups=old.groups, bias=old.bias is not None))
x = torch.randn(batch, 1, h, w)
y = torch.randint(0, 2, (batch,))
opt = torch.optim.Adam(model.parameters(), lr=1e-4) if mode == "train" else None
model.train(mode == "train")
ms = []
for i in range(2 + reps):
    t = time.perf_counter()
    if opt:
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
    else:
        with torch.no_grad():
            model(x).tolist()
    if i >= 2:
        ms.append((time.perf_counter() - t) * 1000)
print(json.dumps({"parameters": sum(p.numel() for p in model.parameters()), "ms": ms}))
