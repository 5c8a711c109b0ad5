#!/usr/bin/python3
"""The 3-D step of step3d.mjs in PyTorch (Debian's python3-torch, the same libtorch).
usage: /usr/bin/python3 bench/engine/step3d.py <steps> <threads> <batch> [contiguous|channels_last_3d]"""
import json, resource, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

steps, threads, batch = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
layout = sys.argv[4] if len(sys.argv) > 4 else "contiguous"
torch.set_num_threads(threads)
torch.manual_seed(0)
layers, c = [], 1
for w in (8, 16, 32, 64):
    layers += [nn.Conv3d(c, w, 3, padding=1, bias=False), nn.BatchNorm3d(w), nn.ReLU(), nn.MaxPool3d(2)]
    c = w
model = nn.Sequential(nn.Sequential(*layers), nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(c, 2))
cl = layout == "channels_last_3d"
if cl:
    model = model.to(memory_format=torch.channels_last_3d)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
times, rss = [], []
for i in range(2 + steps):
    t0 = time.perf_counter()
    x = torch.randn(batch, 1, 96, 112, 96)
    if cl:
        x = x.contiguous(memory_format=torch.channels_last_3d)
    y = torch.randint(0, 2, (batch,))
    opt.zero_grad()
    F.cross_entropy(model(x), y).backward()
    opt.step()
    if i >= 2:
        times.append((time.perf_counter() - t0) * 1000)
    with open("/proc/self/statm") as f:
        rss.append(round(int(f.read().split()[1]) * resource.getpagesize() / 2 ** 20))
print(json.dumps({"impl": "pytorch", "batch": batch, "layout": layout, "ms": times,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rss_mb": rss}))
