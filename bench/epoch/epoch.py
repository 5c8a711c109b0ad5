#!/usr/bin/python3
"""One epoch in a plain PyTorch script, data loading included: a Dataset that reads the same JPEG
files as epoch.mjs (its list.json: the training split) with cv2 in 8-bit gray, a
DataLoader(batch_size=16, shuffle=True, num_workers=2), the same network (bench/engine/nets.py)
in channels-last, Adam, the loss read with .item() every batch as such scripts do.
usage: /usr/bin/python3 bench/epoch/epoch.py <list.json> <model> <threads>"""
import json, os, sys, time
import cv2
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "engine"))
from nets import make_model  # noqa: E402

listing, name, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
t0 = time.perf_counter()  # after the imports, as in epoch.mjs (run.mjs also times whole processes)
spec = json.load(open(listing))


class Slices(torch.utils.data.Dataset):
    def __len__(self):
        return len(spec["files"])

    def __getitem__(self, i):
        image = cv2.imread(os.path.join(spec["root"], spec["files"][i]), cv2.IMREAD_GRAYSCALE)
        return torch.from_numpy(image).unsqueeze(0).float().div_(255), spec["labels"][i]


loader = torch.utils.data.DataLoader(Slices(), batch_size=16, shuffle=True, num_workers=2)
model = make_model(name).to(memory_format=torch.channels_last)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
model.train()
t1 = time.perf_counter()
losses = []
for x, y in loader:
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
t2 = time.perf_counter()
n = len(spec["files"])
print(json.dumps({"impl": "pytorch", "model": name, "loadSeconds": t1 - t0, "trainSeconds": t2 - t1, "images": n,
                  "imagesPerSecond": n / (t2 - t0), "meanLoss": sum(losses) / len(losses)}))
