/**
 * Subject-level training end to end on generated volumes: `alzbench synth --volumes` writes one
 * NIfTI volume per synthetic person (BIDS), the BIDS reader splits by person, the volume reader
 * and transforms prepare them, a small 3-D CNN trains, and the held-out people's accuracy is well
 * above chance.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { manualSeed, noGrad, stack, tensor, tidy, type Tensor } from '../torch/index.js';
import { memoryStats } from '../torch/memory.js';
import { AdaptiveAvgPool3d, BatchNorm3d, Conv3d, F, Flatten, Linear, MaxPool3d, ReLU, Sequential } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { recalibrateBatchNorm } from './recalibrate-bn.js';
import { generateVolumes } from '../data/synth/generate-volumes.js';
import { loadTemplate } from '../data/synth/template.js';
import { readBidsVolumes, type VolumeSession } from '../data/bids-volumes.js';
import { readVolume } from '../data/volume/read-volume.js';
import { tempDir } from '../data/test-helpers.js';
import { Compose, CropForeground, NormalizeIntensity, RandVolumeAugment, ResizeWithPadOrCrop, volumeToSample } from '../data/volume-transforms/index.js';

let root = '';
before(async () => {
  root = await tempDir('alzbench-volume-training-');
  // 32 people, NonDemented vs ModerateDemented, 30 % of each stage's people held out.
  await generateVolumes({ out: root, subjects: 32, seed: 5, depth: 16, downsample: 4, stageWeights: [1, 0, 0, 1], testFraction: 0.3, template: loadTemplate() });
});
after(() => rmSync(root, { recursive: true, force: true }));

test('a small 3-D CNN learns generated NIfTI volumes (NonDemented vs ModerateDemented) well above chance on held-out people', async () => {
  const before = memoryStats().tensors;
  const data = readBidsVolumes(root);
  assert.deepEqual(data.classes, ['ModerateDemented', 'NonDemented']);
  const train = data.sessions.filter((s) => s.split === 'train');
  const test = data.sessions.filter((s) => s.split === 'test');
  assert.deepEqual([train.length, test.length], [22, 10]);
  assert.equal(new Set([...train, ...test].map((s) => s.subject)).size, 32, 'one volume per person, each person on one side');
  const pipeline = new Compose([new CropForeground(), new NormalizeIntensity(), new ResizeWithPadOrCrop([40, 48, 16])]);
  const load = async (sessions: VolumeSession[]): Promise<{ x: Tensor; y: Tensor }> => {
    const images: Tensor[] = [];
    for (const s of sessions) {
      const input = volumeToSample(await readVolume(s.path));
      images.push(pipeline.apply(input).image);
      input.image.dispose();
    }
    const x = stack(images, 0);
    for (const image of images) image.dispose();
    return { x, y: tensor(sessions.map((s) => s.label), { dtype: 'int64' }) };
  };
  const trainSet = await load(train);
  const testSet = await load(test);

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
      const l = F.crossEntropy(model.forward(augment.apply(trainSet.x)), trainSet.y);
      l.backward();
      opt.step();
      loss = l.item();
    });
  }
  // Running statistics lag fast-moving weights (DESIGN.md): recompute them on the training people.
  recalibrateBatchNorm(model, [() => trainSet.x]);
  model.eval();
  const accuracy = (set: { x: Tensor; y: Tensor }) => noGrad(() => tidy(() => model.forward(set.x).argmax(1).eq(set.y).float().mean().item()));
  const trainAccuracy = accuracy(trainSet);
  const testAccuracy = accuracy(testSet);
  console.log(`# final training loss ${loss.toFixed(3)}, training accuracy ${trainAccuracy}, held-out accuracy on 10 people ${testAccuracy}`);
  assert.ok(testAccuracy >= 0.8, `held-out accuracy ${testAccuracy} (chance 0.5)`);
  opt.disposeState();
  model.dispose();
  for (const t of [trainSet.x, trainSet.y, testSet.x, testSet.y]) t.dispose();
  assert.equal(memoryStats().tensors, before, 'live tensor count changed: a tensor leaked');
});
