#!/usr/bin/python3
"""PyTorch's side of bench/engine/op-count.mjs: aten ops per phase of the second training step,
counted with a TorchDispatchMode (PyTorch 1.13). Prints {model: {forward, zero_grad, step, step_foreach}}.
usage: /usr/bin/python3 bench/engine/op_count.py small_cnn,efficientnet_b0"""
import json, os, sys
import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode
sys.path.insert(0, os.path.dirname(__file__))
from nets import make_model  # noqa: E402


class Count(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.n = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.n += 1
        return func(*args, **(kwargs or {}))


def counted(fn):
    with Count() as c:
        out = fn()
    return c.n, out


result = {}
for name in sys.argv[1].split(","):
    row = {}
    for foreach in (False, True):
        torch.manual_seed(0)
        model = make_model(name).to(memory_format=torch.channels_last)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=foreach)
        x, y = torch.randn(2, 1, 64, 64), torch.randint(0, 2, (2,))
        for step in range(2):
            zero, _ = counted(opt.zero_grad)
            forward, loss = counted(lambda: F.cross_entropy(model(x), y))
            loss.backward()
            update, _ = counted(opt.step)
            if step == 1:
                if foreach:
                    row["step_foreach"] = update
                else:
                    row.update(forward=forward, zero_grad=zero, step=update)
    result[name] = row
print(json.dumps(result))
