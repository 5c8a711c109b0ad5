/**
 * The volume models (ClinicaDL's Conv5_FC3, MONAI's 3-D ResNet-10/18/34 and DenseNet-121) against
 * the PyTorch references of scripts/fixtures/volume_models.py: seeded initialization and output
 * (src/models/fixtures/zoo3d_outputs.json, made by scripts/fixtures/make_volume_model_fixtures.py),
 * parameter counts against the published ones, and options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, noGrad, randn, tensor, tidy } from '../torch/index.js';
import { assertClose, assertGradientsFlow, expectNoLeaks, readFixture, type JsonTensor } from '../testing/tensor-helpers.js';
import { Dropout, Dropout3d, F, type Module } from '../nn/index.js';
import { countParameters, getModel, getModelSpec, listModels, resolveModelOptions } from './registry.js';
import { loadPretrained } from './pretrained.js';

interface StoredOutputs {
  models: Record<string, { shape: [number, number, number]; parameters: number; output: JsonTensor }>;
}
const stored = readFixture<StoredOutputs>('src/models/fixtures/zoo3d_outputs.json');
/** The volume models with a PyTorch reference (simple_cnn_3d is alzbench's own, checked in volume-training.test.ts). */
const VOLUME_MODELS = ['conv5_fc3', 'densenet121_3d', 'resnet10_3d', 'resnet18_3d', 'resnet34_3d'];
/** Conv5_FC3's first linear layer is sized for the fixture's input. */
const CONV5_SHAPE = [20, 24, 18] as const;

function deterministicTrain(model: Module): void {
  model.train();
  for (const [, m] of model.namedModules()) if (m instanceof Dropout || m instanceof Dropout3d) m.training = false;
}

test('the registry lists the six volume models, each marked as taking volumes', () => {
  assert.deepEqual(
    listModels().filter((n) => getModelSpec(n).input === 'volume'),
    [...VOLUME_MODELS, 'simple_cnn_3d'],
  );
  assert.equal(countParameters('simple_cnn_3d', { widths: [4, 8] }), 1 * 4 * 27 + 8 + 4 * 8 * 27 + 16 + 9 * 2);
  assert.deepEqual(getModelSpec('conv5_fc3').defaultInputSize, [169, 208, 179]);
  assert.equal(getModelSpec('vgg19').input, undefined);
});

test("parameter counts equal the published ones (Hara et al.) and the PyTorch references'", () => {
  // Hara et al. 2018 (3D-ResNets-PyTorch, the architecture MONAI adapts), Table 2: 3 channels, 400 classes, shortcut A.
  assert.equal(Math.round(countParameters('resnet18_3d', { inChannels: 3, numClasses: 400 }) / 1e5) / 10, 33.2);
  assert.equal(Math.round(countParameters('resnet34_3d', { inChannels: 3, numClasses: 400 }) / 1e5) / 10, 63.5);
  // The PyTorch transcriptions' counts (no published figure checked here): MONAI's
  // DenseNet121(spatial_dims=3, in_channels=1, out_channels=2), and ClinicaDL's Conv5_FC3 at its
  // 169x208x179 input (128 x 6x7x6 features into the 1300-unit layer).
  assert.equal(countParameters('densenet121_3d'), 11_244_674);
  assert.equal(countParameters('conv5_fc3'), 42_293_972);
  for (const name of VOLUME_MODELS) {
    const inputShape = name === 'conv5_fc3' ? CONV5_SHAPE : undefined;
    assert.equal(countParameters(name, { ...(inputShape ? { inputShape } : {}) }), stored.models[name]!.parameters, name);
  }
});

test('options: the input shape is validated and only volume models take one', () => {
  assert.throws(
    () => resolveModelOptions('vgg19', { inputShape: [8, 8, 8] }),
    /Expected no input shape \(only volume models take one\) for input shape of vgg19/,
  );
  assert.throws(
    () => resolveModelOptions('densenet121_3d', { inputShape: [28, 64, 64] }),
    /Expected \[depth, height, width\] of integers >= 29 for input shape of densenet121_3d but received \[28 of type number, 64 of type number, 64 of type number\]/,
  );
  assert.deepEqual(resolveModelOptions('resnet18_3d').inputShape, [96, 112, 96]);
  assert.deepEqual(resolveModelOptions('vgg19').inputShape, []);
});

test("every volume model reproduces its reference's seeded output, has its parameter count, and back-propagates finite gradients", () => {
  const times: string[] = [];
  for (const name of VOLUME_MODELS) {
    const started = performance.now();
    const expected = stored.models[name]!;
    expectNoLeaks(() => {
      manualSeed(0);
      const model = getModel(name, { inChannels: 1, numClasses: 2, ...(name === 'conv5_fc3' ? { inputShape: CONV5_SHAPE } : {}) });
      assert.equal(model.numParameters(), expected.parameters, `${name} parameters`);
      deterministicTrain(model);
      manualSeed(1);
      const x = randn([2, 1, ...expected.shape]);
      const y = model.forward(x);
      assertClose(y, expected.output, 2e-4, 1e-3, name);
      F.crossEntropy(y, tensor([0, 1], { dtype: 'int64' })).backward();
      assertGradientsFlow(model, name);
      model.zeroGrad();
      model.dispose();
    });
    times.push(`${name} ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log(`# seeded forward + backward: ${times.join(', ')}`);
});

test('volume models take other shapes (odd, non-cubic) and their Grad-CAM layer exists', () => {
  expectNoLeaks(() => {
    for (const [name, shape] of [
      ['conv5_fc3', [13, 17, 11]],
      ['resnet10_3d', [33, 21, 17]],
      ['densenet121_3d', [29, 35, 31]],
    ] as const) {
      tidy(() => {
        const model = getModel(name, { numClasses: 3, ...(name === 'conv5_fc3' ? { inputShape: shape } : {}) }).eval();
        const y = noGrad(() => model.forward(randn([1, 1, ...shape])));
        assert.deepEqual(y.shape, [1, 3], name);
        assert.ok(model.submodule(getModelSpec(name).gradCamLayer), name);
        model.dispose();
      });
    }
  });
});

test('a MedicalNet-style backbone (no fc) loads into resnet10_3d with a fresh classifier; a 3-channel stem is summed for 1 channel', () => {
  expectNoLeaks(() => {
    manualSeed(4);
    const source = getModel('resnet10_3d', { inChannels: 3, numClasses: 2 });
    const backbone = new Map([...source.stateDict()].filter(([k]) => !k.startsWith('fc.')));
    const model = getModel('resnet10_3d', { inChannels: 1, numClasses: 3 });
    const report = loadPretrained(model, backbone, { firstConv: 'conv1', classifier: 'fc' });
    assert.equal(report.classifierReplaced, true);
    assert.equal(report.firstConvAdapted, 'summed');
    const summed = source.stateDict().get('conv1.weight')!.sum(1, true);
    assertClose(model.stateDict().get('conv1.weight')!, { shape: summed.shape, data: summed.toNumbers() }, 1e-6);
    source.dispose();
    model.dispose();
  });
});
