import type { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { mulberry32 } from '../data/seeded-shuffle.js';

/** A generated batch: images [n, 1, size, size] in [0, 1] and int64 labels [n]. */
export interface ToyBatch {
  images: Tensor;
  labels: Tensor;
}

/**
 * A toy "brain slice" problem for smoke tests and the engine demo: a bright ellipse (brain) with
 * a dark inner ellipse (ventricles) that is larger for class 1 ("atrophy"), with random position,
 * size, contrast and noise. Separable, so a small CNN must reach 100 % train accuracy.
 */
export function makeToyBatch(n: number, size: number, seed: number): ToyBatch {
  // mulberry32 so a toy set is the same for a seed on every machine.
  const rand = mulberry32(seed);
  const pixels = new Float32Array(n * size * size);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels.push(label);
    const cx = size / 2 + (rand() - 0.5) * size * 0.1;
    const cy = size / 2 + (rand() - 0.5) * size * 0.1;
    const rx = size * (0.36 + rand() * 0.06);
    const ry = size * (0.42 + rand() * 0.05);
    const ventricle = (label === 1 ? 0.3 : 0.14) + rand() * 0.05;
    const brightness = 0.6 + rand() * 0.3;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dx = (x - cx) / rx;
        const dy = (y - cy) / ry;
        const r = dx * dx + dy * dy;
        let v = r < 1 ? brightness : 0;
        if (r < ventricle * ventricle) v = 0.15;
        pixels[(i * size + y) * size + x] = Math.min(1, Math.max(0, v + (rand() - 0.5) * 0.1));
      }
    }
  }
  return { images: tensor(pixels, { shape: [n, 1, size, size] }), labels: tensor(labels, { dtype: 'int64' }) };
}
