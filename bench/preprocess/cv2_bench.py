#!/usr/bin/python3
"""cv2 side of bench/preprocess: the study's chains (a) and (b) on the same slices, one thread.

usage: /usr/bin/python3 bench/preprocess/cv2_bench.py <folder of class folders> <rounds>
Prints one JSON object: slices/s for each chain on decoded slices, and with cv2.imread included.
"""
import glob
import json
import os
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
root, rounds = sys.argv[1], int(sys.argv[2])
files = sorted(glob.glob(os.path.join(root, '*', '*.jpg')))
slices = [cv2.imread(f, cv2.IMREAD_GRAYSCALE) for f in files]
kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(7, 7))


def chain_a(img):  # grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert
    return 255 - clahe.apply(cv2.morphologyEx(img, cv2.MORPH_OPEN, kernel, iterations=1))


def chain_b(img):  # resize(256,256)|merge(multiply,smooth=gaussian,k=11)
    r = cv2.resize(img, (256, 256), interpolation=cv2.INTER_LINEAR)
    return cv2.multiply(r, cv2.GaussianBlur(r, (11, 11), 0), scale=1.0 / 255)


def rate(fn, inputs):
    best = 0.0
    for _ in range(rounds):
        t = time.perf_counter()
        for x in inputs:
            fn(x)
        best = max(best, len(inputs) / (time.perf_counter() - t))
    return best


out = {'cv2': cv2.__version__, 'slices': len(files)}
for name, fn in (('a', chain_a), ('b', chain_b)):
    out[f'chain_{name}'] = rate(fn, slices)
    out[f'chain_{name}_with_decode'] = rate(lambda f: fn(cv2.imread(f, cv2.IMREAD_GRAYSCALE)), files)
print(json.dumps(out))
