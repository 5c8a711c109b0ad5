#!/usr/bin/python3
"""The same training step as step.mjs in PyTorch (Debian's python3-torch, same libtorch).
usage: /usr/bin/python3 bench/engine/step.py <small_cnn|mbconv_stack|a registered 2-D model> <steps> <threads> [channels_last] [cpu|cuda]"""
import json, resource, sys, time
import torch
import torch.nn.functional as F
sys.path.insert(0, __import__("os").path.dirname(__file__))
from nets import make_model  # noqa: E402

name, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
layout = sys.argv[4] if len(sys.argv) > 4 else "contiguous"
device = sys.argv[5] if len(sys.argv) > 5 else "cpu"
torch.set_num_threads(threads)
torch.manual_seed(0)


model = make_model(name)
model = model.to(device)
x = torch.randn(16, 1, 208, 176).to(device)
if layout == "channels_last":
    model = model.to(memory_format=torch.channels_last)
    x = x.contiguous(memory_format=torch.channels_last)
y = torch.randint(0, 2, (16,)).to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
times, cpu_times = [], []
for i in range(3 + steps):
    t0 = time.perf_counter()
    c0 = time.process_time()
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    if device != "cpu":
        torch.cuda.synchronize()
    if i >= 3:
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
print(json.dumps({"impl": "pytorch", "model": name, "layout": layout, "ms": times, "cpu_ms": cpu_times,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
