/**
 * Helpers for tests that make tensors: reference fixtures, closeness checks with the largest
 * difference in the message (as llm.c's test prints), leak checks, finite-difference gradients.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { memoryStats } from '../torch/memory.js';
import { noGrad } from '../torch/autograd.js';
import type { DType } from '../torch/dtype.js';
import type { Module } from '../nn/module.js';

/** A tensor as the fixture scripts write it (`t2j` in scripts/fixtures/*.py). */
export interface JsonTensor {
  shape: number[];
  dtype: string;
  data: (number | boolean)[];
}

/** Absolute path of a file in the source tree (fixtures stay in src/, tests run from dist/). */
export function sourcePath(relativeToRepo: string): string {
  return fileURLToPath(new URL(`../../${relativeToRepo}`, import.meta.url));
}

/** Parses a JSON fixture from the source tree. */
export function readFixture<T>(relativeToRepo: string): T {
  return JSON.parse(readFileSync(sourcePath(relativeToRepo), 'utf8')) as T;
}

/** Makes a tensor of a fixture entry, keeping its dtype. */
export function fromJson(t: JsonTensor): Tensor {
  const dtype = t.dtype as DType;
  return tensor(t.data.map(Number), { shape: t.shape, dtype });
}

/** Largest absolute difference between a tensor and expected values. */
export function maxAbsDiff(actual: Tensor, expected: ArrayLike<number>): number {
  const a = actual.toNumbers();
  assert.equal(a.length, expected.length, `size ${a.length} != expected ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - Number(expected[i]));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** Asserts shape and values within `atol` (+ rtol*|expected|), naming the largest difference. */
export function assertClose(actual: Tensor, expected: JsonTensor | { shape: number[]; data: ArrayLike<number> }, atol = 1e-6, rtol = 0, label = ''): void {
  assert.deepEqual(actual.shape, expected.shape, `${label} shape`);
  const a = actual.toNumbers();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const e = Number(expected.data[i]);
    const excess = Math.abs(a[i]! - e) - rtol * Math.abs(e);
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  assert.ok(worst <= atol, `${label} differs by ${worst} at element ${at} (got ${a[at]}, expected ${expected.data[at]}), tolerance ${atol}`);
}

/** Runs `fn` in a scope and asserts the live tensor count is where it started afterwards. */
export function expectNoLeaks<T>(fn: () => T): void {
  const before = memoryStats().tensors;
  tidy(() => {
    fn();
  });
  assert.equal(memoryStats().tensors, before, 'live tensor count changed: a tensor leaked');
}

/**
 * Compares autograd's gradients of `fn` with central finite differences, in float64.
 * `fn` maps the inputs to a tensor; its elements are weighted by fixed random weights and
 * summed so every output element's gradient is checked. Returns the largest relative error.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], eps = 1e-6): number {
  return tidy(() => {
    for (const x of inputs) assert.equal(x.dtype, 'float64', 'gradcheck needs float64 inputs');
    const leaves = inputs.map((x) => x.detach().clone().requiresGrad_(true));
    const out0 = fn(...leaves);
    const weights = tensor(
      Array.from({ length: out0.numel }, (_, i) => Math.sin(i * 1.7 + 0.3) + 1.1),
      { dtype: 'float64', shape: out0.shape },
    );
    out0.mul(weights).sum().backward();
    let worst = 0;
    leaves.forEach((leaf, k) => {
      const analytic = leaf.grad!.toNumbers();
      const base = inputs[k]!.toNumbers();
      for (let i = 0; i < base.length; i++) {
        const f = (delta: number) =>
          noGrad(() =>
            tidy(() => {
              const data = Float64Array.from(base);
              data[i] = data[i]! + delta;
              const args = inputs.map((x, j) => (j === k ? tensor(data, { shape: x.shape }) : x));
              return fn(...args)
                .mul(weights)
                .sum()
                .item();
            }),
          );
        const numeric = (f(eps) - f(-eps)) / (2 * eps);
        const err = Math.abs(numeric - analytic[i]!) / Math.max(1, Math.abs(numeric));
        worst = Math.max(worst, err);
      }
    });
    return worst;
  });
}

/**
 * Checks that a backward pass reached the model: every parameter has a finite gradient and more
 * than half of them a nonzero one (a detached branch or a dead path shows here).
 */
export function assertGradientsFlow(model: Module, label: string): void {
  let nonzero = 0;
  for (const [key, p] of model.namedParameters()) {
    const g = p.grad;
    assert.ok(g, `${label}: ${key} has no gradient`);
    assert.ok(g.isfinite().all().item(), `${label}: ${key} has a non-finite gradient`);
    if (g.abs().max().item() > 0) nonzero++;
  }
  assert.ok(nonzero > model.parameters().length / 2, `${label}: only ${nonzero} parameters got a nonzero gradient`);
}
