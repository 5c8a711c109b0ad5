#!/usr/bin/python3
"""PyTorch's side of bench/engine/op-trace.mjs: every ATen op of one training step (forward, loss,
backward, Adam), recorded by alzbench's own tracer (native/src/op_trace.h, built as
bench/engine/op_trace_lib.cc and loaded with ctypes into this process, on the same libtorch).
Writes one JSON event per line to OUT (default stdout).
usage: /usr/bin/python3 bench/engine/op_trace.py <model> <batch> <height> <width> <threads> [warmup] [OUT]"""
import ctypes, os, subprocess, sys
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(__file__))
from nets import make_model  # noqa: E402

name, batch, h, w, threads = sys.argv[1], *map(int, sys.argv[2:6])
warmup = int(sys.argv[6]) if len(sys.argv) > 6 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
model = make_model(name).to(memory_format=torch.channels_last)
x = torch.randn(batch, 1, h, w).contiguous(memory_format=torch.channels_last)
y = torch.randint(0, 2, (batch,))
opt = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=True)


def step():
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()


HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.environ.get("ALZ_TRACE_LIB", os.path.join(HERE, "..", "results", "op_trace_lib.so"))
SOURCES = [os.path.join(HERE, "op_trace_lib.cc"), os.path.join(HERE, "..", "..", "native", "src", "op_trace.h")]
if not os.path.exists(LIB) or os.path.getmtime(LIB) < max(os.path.getmtime(p) for p in SOURCES):
    # The addon's tracer (native/src/op_trace.h) against the same libtorch; ~30 s, again when the tracer changes.
    os.makedirs(os.path.dirname(LIB), exist_ok=True)
    subprocess.run(["g++", "-std=c++17", "-O2", "-shared", "-fPIC", "-D_GLIBCXX_USE_CXX11_ABI=1", "-I/usr/include/torch/csrc/api/include",
                    os.path.join(HERE, "op_trace_lib.cc"), "-o", LIB, "-ltorch_cpu", "-lc10"], check=True)
tracer = ctypes.CDLL(LIB)

for _ in range(warmup):
    step()
out = sys.argv[7] if len(sys.argv) > 7 else "/dev/stdout"
tracer.alz_trace_start()
step()
tracer.alz_trace_stop(out.encode())
