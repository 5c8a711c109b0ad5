#!/usr/bin/python3
"""PyTorch's side of bench/engine/nets-check.mjs: builds nets.make_model(NAME) and compares it with
the alzbench model that nets-check.mjs saved in DIR (weights.safetensors: its state dict;
io.safetensors: an input, alzbench's eval-mode logits and its parameter count).
usage: /usr/bin/python3 bench/engine/nets_check.py NAME DIR
Prints one line; exits 1 naming the first difference (count, keys, shapes, logits)."""
import collections
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nets import make_model  # noqa: E402

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}
TOLERANCE = 1e-4


def load_safetensors(path):
    """Tensors and metadata of a safetensors file, read by the format's spec (8-byte little-endian
    header length, JSON header {name: {dtype, shape, data_offsets}}, raw little-endian data):
    Debian has no python3-safetensors."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = memoryview(raw)[8 + n:]
    tensors = {}
    for key, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[key] = torch.from_numpy(array.copy())
    return tensors, meta


def fail(message):
    print(f"{name}: {message}")
    sys.exit(1)


name, folder = sys.argv[1], sys.argv[2]
torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
weights, _ = load_safetensors(os.path.join(folder, "weights.safetensors"))
io, meta = load_safetensors(os.path.join(folder, "io.safetensors"))
model = make_model(name)
count = sum(p.numel() for p in model.parameters())
if count != int(meta["parameters"]):
    fail(f"PyTorch has {count} parameters, alzbench {meta['parameters']}")
state = model.state_dict()
missing, unexpected = sorted(set(state) - set(weights)), sorted(set(weights) - set(state))
if missing or unexpected:
    fail(f"state-dict keys differ: only in PyTorch {missing[:5]} ({len(missing)}), only in alzbench {unexpected[:5]} ({len(unexpected)})")
shapes = [f"{k} {list(state[k].shape)} vs {list(weights[k].shape)}" for k in state if state[k].shape != weights[k].shape]
if shapes:
    fail(f"{len(shapes)} shapes differ: {shapes[:5]}")
# PyTorch's state dicts carry each module's version (torchvision's MNASNet refuses one without it).
weights = collections.OrderedDict(weights)
weights._metadata = state._metadata
model.load_state_dict(weights, strict=True)
model.eval()
with torch.no_grad():
    logits = model(io["input"])
diff = (logits - io["logits"]).abs().max().item()
scale = io["logits"].abs().max().item()
line = f"{name}: {count} parameters, {len(state)} state-dict entries, input {list(io['input'].shape)}, max abs logit diff {diff:.2e} (logits up to {scale:.2f})"
if not diff <= TOLERANCE:
    fail(f"logits differ: {line}")
print(f"{line}: same")
