#!/usr/bin/env python3
"""bench/data, nibabel side: makes the test volume when asked, and times
nib.as_closest_canonical(nib.load(path)).get_fdata() (best of `rounds`).

usage: nibabel_bench.py make <path>          writes a 256^3 int16 .nii.gz stored LIA (FreeSurfer's conformed order)
       nibabel_bench.py time <path> <rounds> prints JSON: best seconds, shape, checksums
"""
import json
import sys
import time
import numpy as np
import nibabel as nib


def make(path):
    rng = np.random.default_rng(0)
    n = 256
    # A head-like phantom: nested ellipsoids of tissue intensities plus scanner noise, so gzip
    # sees real-MRI-like entropy (a constant volume would compress to nothing).
    x, y, z = np.meshgrid(*(np.linspace(-1, 1, n, dtype=np.float32),) * 3, indexing='ij')
    r = np.sqrt((x / 0.8) ** 2 + (y / 0.9) ** 2 + (z / 0.85) ** 2)
    data = np.where(r < 1, 300, 0) + np.where(r < 0.9, 400, 0) + np.where(r < 0.6, -200, 0) + 40 * np.sin(10 * x) * np.cos(8 * y)
    data = (data + rng.normal(0, 20, data.shape)).clip(0, 32767).astype(np.int16)
    affine = np.array([[-1.0, 0, 0, 128], [0, 0, 1, -128], [0, -1, 0, 128], [0, 0, 0, 1]])
    nib.Nifti1Image(data, affine).to_filename(path)


def timed(path, rounds):
    best = float('inf')
    for _ in range(rounds):
        t = time.perf_counter()
        data = nib.as_closest_canonical(nib.load(path)).get_fdata()
        best = min(best, time.perf_counter() - t)
    img = nib.load(path)
    flat = data.ravel(order='F')
    print(json.dumps({
        'seconds': best,
        'shape': list(data.shape),
        'axcodes': ''.join(nib.aff2axcodes(img.affine)),
        'sum': float(flat.sum()),
        'samples': [float(flat[i]) for i in (0, 12345, 8388608, 16777215)],
        'nibabel': nib.__version__,
        'numpy': np.__version__,
    }))


if sys.argv[1] == 'make':
    make(sys.argv[2])
else:
    timed(sys.argv[2], int(sys.argv[3]))
