/**
 * Subject-level training end to end on generated volumes: one rendered volume per synthetic
 * person (so a subject-grouped split holds by construction), the volume transforms, a small 3-D
 * CNN, and the held-out people's accuracy well above chance.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, noGrad, stack, tensor, tidy } from '../torch/index.js';
import { expectNoLeaks } from '../torch/testing.js';
import { AdaptiveAvgPool3d, BatchNorm3d, Conv3d, F, Flatten, Linear, MaxPool3d, ReLU, Sequential } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { recalibrateBatchNorm } from './recalibrate-bn.js';
import { drawSubject } from '../data/synth/subject.js';
import { loadTemplate, type Template } from '../data/synth/template.js';
import { renderVolume, type SynthVolume } from '../data/synth/volume.js';
import { createRng } from '../data/synth/rng.js';
import { Compose, CropForeground, NormalizeIntensity, RandVolumeAugment, ResizeWithPadOrCrop, volumeToSample } from '../data/volume-transforms/index.js';
import type { Volume } from '../data/volume/read-volume.js';

let template: Template;
before(() => {
  template = loadTemplate();
});

const SLICES = 16;
const Z_RANGE: [number, number] = [-32, 50];

test('a small 3-D CNN learns generated volumes (NonDemented vs ModerateDemented) well above chance on held-out people', () => {
  expectNoLeaks(() => {
    // 32 people, one volume each; stage 0 vs stage 3. People, not slices, are split: 22 train, 10 test.
    const people = Array.from({ length: 32 }, (_, i) => ({ index: i, stage: i % 2 === 0 ? 0 : 3 }));
    createRng(5, 'split').shuffle(people);
    const volumes: SynthVolume[] = people.map((p) => renderVolume(template, drawSubject(5, p.index, p.stage, template, { count: SLICES, zRange: Z_RANGE }), { downsample: 4, zStepMm: (Z_RANGE[1] - Z_RANGE[0]) / (SLICES - 1) }));
    assert.deepEqual(volumes[0]!.shape, [44, 52, SLICES]);
    const pipeline = new Compose([new CropForeground(), new NormalizeIntensity(), new ResizeWithPadOrCrop([40, 48, 16])]);
    const x = stack(
      volumes.map((v) => {
        const sample = pipeline.apply(volumeToSample(v as unknown as Volume));
        return sample.image;
      }),
      0,
    );
    const y = tensor(people.map((p) => (p.stage === 0 ? 0 : 1)), { dtype: 'int64' });
    const trainX = x.narrow(0, 0, 22);
    const trainY = y.narrow(0, 0, 22);
    const testX = x.narrow(0, 22, 10);
    const testY = y.narrow(0, 22, 10);

    manualSeed(0);
    const layers = [];
    let c = 1;
    for (const w of [4, 8, 16]) {
      layers.push(new Conv3d(c, w, 3, { padding: 1, bias: false }), new BatchNorm3d(w), new ReLU(), new MaxPool3d(2));
      c = w;
    }
    const model = new Sequential(...layers, new AdaptiveAvgPool3d(1), new Flatten(), new Linear(c, 2));
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const augment = new RandVolumeAugment({ rotateRange: [0.05, 0.05, 0.05], scaleRange: 0.05, flipProb: [0.5, 0, 0], intensityScale: 0.05, intensityShift: 0.05 }).setRandomState(1);
    let loss = 0;
    for (let step = 0; step < 60; step++) {
      tidy(() => {
        opt.zeroGrad();
        const l = F.crossEntropy(model.forward(augment.apply(trainX)), trainY);
        l.backward();
        opt.step();
        loss = l.item();
      });
    }
    // Running statistics lag fast-moving weights (DESIGN.md): recompute them on the training people.
    recalibrateBatchNorm(model, [() => trainX]);
    model.eval();
    const trainAccuracy = noGrad(() => model.forward(trainX).argmax(1).eq(trainY).float().mean().item());
    console.log(`# final training loss ${loss.toFixed(3)}, training accuracy ${trainAccuracy}`);
    const accuracy = noGrad(() => model.forward(testX).argmax(1).eq(testY).float().mean().item());
    console.log(`# held-out accuracy of the 3-D CNN on 10 generated people: ${accuracy}`);
    assert.ok(accuracy >= 0.8, `held-out accuracy ${accuracy} (chance 0.5)`);
    opt.disposeState();
    model.dispose();
  });
});
