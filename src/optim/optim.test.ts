import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../torch/index.js';
import { expectNoLeaks, fromJson, readFixture, type JsonTensor } from '../testing/tensor-helpers.js';
import { Adam, AdamW, CosineAnnealingLR, LinearLR, type Optimizer, ReduceLROnPlateau, SGD, StepLR } from './index.js';

// Trajectories made by scripts/fixtures/make_engine_fixtures.py with torch.optim (PyTorch 1.13, float64).
interface Trajectory {
  start: Record<'W' | 'c' | 'A' | 'y', JsonTensor>;
  steps: { W: number[]; c: number[]; loss: number }[];
}
const fixture = readFixture<{ optimizers: Record<string, Trajectory>; schedules: Record<string, number[]>; plateauMetrics: number[] }>(
  'src/optim/fixtures/optim.json',
);

type Make = (params: Tensor[]) => Optimizer<{ lr: number }>;
// Each optimizer twice: the default multi-tensor (_foreach_*) step and the per-parameter one.
const settings: Record<string, (p: Tensor[], foreach: boolean) => Optimizer<{ lr: number }>> = {
  sgd: (p, foreach) => new SGD(p, { lr: 0.05, foreach }),
  sgd_momentum_wd: (p, foreach) => new SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, foreach }),
  sgd_nesterov: (p, foreach) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, foreach }),
  adam: (p, foreach) => new Adam(p, { lr: 0.01, foreach }),
  adam_wd_amsgrad: (p, foreach) => new Adam(p, { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.05, amsgrad: true, foreach }),
  adamw: (p, foreach) => new AdamW(p, { lr: 0.01, weightDecay: 0.1, foreach }),
};
const makers: Record<string, Make> = {};
for (const [name, make] of Object.entries(settings)) {
  makers[name] = (p) => make(p, true);
  makers[`${name} (per parameter)`] = (p) => make(p, false);
}

/** Runs the fixture's problem: loss = mean((A W^T + c - y)^2) + 0.1 sum(W^4). */
function run(make: Make, start: Trajectory['start'], steps: number, resumeAt?: number): { W: number[]; c: number[]; loss: number }[] {
  const W = fromJson(start.W).requiresGrad_(true);
  const c = fromJson(start.c).requiresGrad_(true);
  const A = fromJson(start.A);
  const y = fromJson(start.y);
  let opt = make([W, c]);
  const out = [];
  for (let s = 0; s < steps; s++) {
    if (s === resumeAt) {
      // A checkpoint/restore in the middle must not change the trajectory.
      const saved = opt.stateDict();
      const fresh = make([W, c]);
      fresh.loadStateDict(saved);
      opt.disposeState();
      opt = fresh;
    }
    opt.zeroGrad();
    const loss = A.matmul(W.t()).add(c).sub(y).pow(2).mean().add(W.pow(4).sum().mul(0.1));
    loss.backward();
    opt.step();
    out.push({ W: W.toNumbers(), c: c.toNumbers(), loss: loss.item() });
  }
  opt.disposeState();
  W.setGrad(null);
  c.setGrad(null);
  return out;
}

for (const [name, make] of Object.entries(makers)) {
  test(`${name} follows torch.optim's trajectory`, () => {
    expectNoLeaks(() => {
      const ref = fixture.optimizers[name.replace(' (per parameter)', '')]!;
      const ours = run(make, ref.start, ref.steps.length);
      ref.steps.forEach((step, i) => {
        for (const key of ['W', 'c'] as const) {
          step[key].forEach((v, j) => assert.ok(Math.abs(v - ours[i]![key][j]!) < 1e-12, `${name} step ${i} ${key}[${j}]: ${ours[i]![key][j]} vs torch ${v}`));
        }
        assert.ok(Math.abs(step.loss - ours[i]!.loss) < 1e-12);
      });
    });
  });

  test(`${name} resumes from its state dict exactly`, () => {
    expectNoLeaks(() => {
      const ref = fixture.optimizers[name.replace(' (per parameter)', '')]!;
      assert.deepEqual(run(make, ref.start, 6, 3), run(make, ref.start, 6));
    });
  });
}

test('the multi-tensor step equals the per-parameter step bit for bit, also when a parameter joins late', () => {
  expectNoLeaks(() => {
    const ref = fixture.optimizers.adam!;
    for (const [name, make] of Object.entries(settings)) {
      const trajectories = [true, false].map((foreach) => {
        const W = fromJson(ref.start.W).requiresGrad_(true);
        const c = fromJson(ref.start.c).requiresGrad_(true);
        const A = fromJson(ref.start.A);
        const y = fromJson(ref.start.y);
        const opt = make([W, c], foreach);
        const out: number[][] = [];
        for (let s = 0; s < 4; s++) {
          opt.zeroGrad();
          // c has no gradient in the first step: its state starts one step later than W's.
          const loss = s === 0 ? A.matmul(W.t()).sub(y).pow(2).mean() : A.matmul(W.t()).add(c).sub(y).pow(2).mean();
          loss.backward();
          opt.step();
          loss.dispose();
          out.push([...W.toNumbers(), ...c.toNumbers()]);
        }
        opt.disposeState();
        for (const t of [W, c, A, y]) t.dispose();
        return out;
      });
      assert.deepEqual(trajectories[0], trajectories[1], name);
    }
  });
});

function lrs(make: (o: SGD) => { step(m?: number): void }, epochs: number, metrics?: number[]): number[] {
  const p = fromJson({ shape: [1], dtype: 'float32', data: [0] }).requiresGrad_(true);
  const opt = new SGD([p], { lr: 0.1 });
  const s = make(opt);
  const out = [opt.paramGroups[0]!.lr];
  for (let e = 0; e < epochs; e++) {
    s.step(metrics?.[e]);
    out.push(opt.paramGroups[0]!.lr);
  }
  p.dispose();
  return out;
}

test("LR schedules give torch.optim.lr_scheduler's values", () => {
  const check = (name: string, ours: number[]) => {
    const ref = fixture.schedules[name]!;
    assert.equal(ours.length, ref.length);
    ref.forEach((v, i) => assert.ok(Math.abs(v - ours[i]!) < 1e-15, `${name} epoch ${i}: ${ours[i]} vs torch ${v}`));
  };
  check(
    'step',
    lrs((o) => new StepLR(o, 3, 0.5), 12),
  );
  check(
    'cosine',
    lrs((o) => new CosineAnnealingLR(o, 5, 0.001), 14),
  );
  check(
    'linear_warmup',
    lrs((o) => new LinearLR(o, 0.25, 1, 4), 12),
  );
  check(
    'plateau',
    lrs(
      (o) => {
        const s = new ReduceLROnPlateau(o, { patience: 2, factor: 0.5, cooldown: 1 });
        return { step: (m?: number) => s.step(m!) };
      },
      12,
      fixture.plateauMetrics,
    ),
  );
});

test('bad optimizer settings are rejected with the standard message', () => {
  assert.throws(() => new SGD([], { lr: -1 }), { message: 'Expected a non-negative number for lr but received -1 of type number' });
  assert.throws(() => new Adam([], { betas: [1.2, 0.9] }), { message: 'Expected a number in [0, 1) for beta1 but received 1.2 of type number' });
  assert.throws(() => new SGD([], { lr: 0.1, nesterov: true }), /Expected momentum > 0 and dampening 0 for nesterov/);
});
