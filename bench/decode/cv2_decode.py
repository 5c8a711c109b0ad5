# cv2 side of bench/decode/run.mjs: slices/s of cv2.imdecode(IMREAD_GRAYSCALE) on the same files.
import os, sys, time
import cv2
import numpy as np

root, copies, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = [np.fromfile(os.path.join(root, c, f), np.uint8) for c in sorted(os.listdir(root)) for f in sorted(os.listdir(os.path.join(root, c)))]
best = float('inf')
for _ in range(rounds):
    t0 = time.perf_counter()
    for _ in range(copies):
        for b in data:
            cv2.imdecode(b, cv2.IMREAD_GRAYSCALE)
    best = min(best, time.perf_counter() - t0)
print(len(data) * copies / best)
