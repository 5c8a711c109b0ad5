import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, noGrad, randn, tensor, tidy } from '../torch/index.js';
import { assertClose, assertGradientsFlow, expectNoLeaks, readFixture, type JsonTensor } from '../testing/tensor-helpers.js';
import { Dropout, F, type Module } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { makeToyBatch } from '../testing/toy-problem.js';
import { StochasticDepth } from './efficientnet.js';
import { countParameters, getModel, getModelSpec, listModels, registerModel, resolveModelOptions } from './registry.js';
import { loadPretrained } from './pretrained.js';

interface StoredOutputs {
  models: Record<string, { size: number; parameters: number; output: JsonTensor }>;
}
const stored = readFixture<StoredOutputs>('src/models/fixtures/zoo_outputs.json');

/** Parameter counts torchvision states in its weights' metadata (3 channels, 1000 classes), and timm's for Inception-ResNet-v2. */
const PUBLISHED = {
  vgg11: 132_863_336,
  vgg11_bn: 132_868_840,
  vgg13: 133_047_848,
  vgg13_bn: 133_053_736,
  vgg16: 138_357_544,
  vgg16_bn: 138_365_992,
  vgg19: 143_667_240,
  vgg19_bn: 143_678_248,
  efficientnet_b0: 5_288_548,
  efficientnet_b1: 7_794_184,
  efficientnet_b2: 9_109_994,
  efficientnet_b3: 12_233_232,
  efficientnet_b4: 19_341_616,
  efficientnet_b5: 30_389_784,
  efficientnet_b6: 43_040_704,
  efficientnet_b7: 66_347_960,
  mnasnet0_5: 2_218_512,
  mnasnet0_75: 3_170_208,
  mnasnet1_0: 4_383_312,
  mnasnet1_3: 6_282_256,
  inception_resnet_v2: 55_843_464,
} as const;

/** Train mode for batch norm (batch statistics), with every random layer off, as the reference script. */
function deterministicTrain(model: Module): void {
  model.train();
  for (const [, m] of model.namedModules()) if (m instanceof Dropout || m instanceof StochasticDepth) m.training = false;
}

/** The slice (2-D) models; the volume models are checked in zoo3d.test.ts. */
const sliceModels = (): string[] => listModels().filter((name) => getModelSpec(name).input !== 'volume');

test("the registry lists the study's 22 slice models and rejects a duplicate name", () => {
  assert.deepEqual(sliceModels(), [...Object.keys(PUBLISHED), 'simple_cnn'].sort());
  assert.deepEqual(listModels('mnasnet'), ['mnasnet0_5', 'mnasnet0_75', 'mnasnet1_0', 'mnasnet1_3']);
  assert.throws(() => registerModel({ ...getModelSpec('vgg19') }), /An entry is already registered under the name 'vgg19'/);
  assert.throws(() => getModel('vgg20'), /Expected one of the registered models \(conv5_fc3, .*efficientnet_b0, .*\) for model name but received "vgg20"/);
});

test('options are validated with the error naming the option', () => {
  assert.throws(() => resolveModelOptions('vgg19', { inChannels: 2 }), /Expected 1 \(grayscale\) or 3 \(RGB\) for input channels but received 2/);
  assert.throws(() => resolveModelOptions('vgg19', { numClasses: 0 }), /positive integer for number of classes but received 0/);
  assert.throws(() => resolveModelOptions('vgg19', { dropout: 1 }), /number in \[0, 1\) for dropout but received 1/);
  assert.throws(() => resolveModelOptions('vgg19', { stochasticDepth: 0.1 }), /only EfficientNet/);
  assert.throws(() => resolveModelOptions('mnasnet1_0', { widths: [8] }), /only simple_cnn/);
  const o = resolveModelOptions('efficientnet_b1');
  assert.deepEqual([o.inChannels, o.numClasses, o.dropout, o.stochasticDepth], [1, 2, 0.2, 0.2]);
  assert.equal(resolveModelOptions('vgg19').dropout, 0.5);
  assert.equal(resolveModelOptions('efficientnet_b7').dropout, 0.5);
  assert.equal(resolveModelOptions('inception_resnet_v2').dropout, 0);
});

test("parameter counts from the tables equal torchvision's and timm's published counts", () => {
  for (const [name, count] of Object.entries(PUBLISHED)) assert.equal(countParameters(name, { inChannels: 3, numClasses: 1000 }), count, name);
  // Grayscale and 2 classes: the first conv loses 2/3 of its weights, the classifier shrinks.
  assert.equal(countParameters('vgg19', { inChannels: 1, numClasses: 2 }), 143_667_240 - 2 * 64 * 9 - 4097 * 998);
  assert.equal(countParameters('inception_resnet_v2', { inChannels: 1, numClasses: 4 }), 55_843_464 - 2 * 32 * 9 - 1537 * 996);
});

test("every registered model reproduces its reference's seeded output, has the stated parameter count, and back-propagates finite gradients", () => {
  const times: string[] = [];
  for (const name of sliceModels()) {
    const started = performance.now();
    const expected = stored.models[name]!;
    expectNoLeaks(() => {
      manualSeed(0);
      const model = getModel(name, { inChannels: 3, numClasses: 2 });
      assert.equal(model.numParameters(), expected.parameters, `${name} parameters`);
      assert.equal(countParameters(name, { inChannels: 3, numClasses: 2 }), expected.parameters, `${name} counted parameters`);
      deterministicTrain(model);
      manualSeed(1);
      const x = randn([2, 3, expected.size, expected.size]);
      const y = model.forward(x);
      // Same libtorch kernels on both sides; batch statistics keep outputs O(1).
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

test('any input size the architecture allows, grayscale input, and the Grad-CAM layer exists', () => {
  expectNoLeaks(() => {
    for (const [name, size] of [
      ['efficientnet_b0', [45, 37]],
      ['mnasnet0_5', [33, 50]],
      ['inception_resnet_v2', [75, 75]],
      ['simple_cnn', [208, 176]],
    ] as const) {
      tidy(() => {
        const model = getModel(name, { inChannels: 1, numClasses: 4 }).eval();
        const y = noGrad(() => model.forward(randn([1, 1, size[0], size[1]])));
        assert.deepEqual(y.shape, [1, 4], name);
        assert.ok(model.submodule(getModelSpec(name).gradCamLayer), name);
        model.dispose();
      });
    }
    // VGG's Grad-CAM layer is the last ReLU of features (features.35 in vgg19, as commonly used).
    assert.equal(getModelSpec('vgg19').gradCamLayer, 'features.35');
    assert.equal(getModelSpec('vgg19_bn').gradCamLayer, 'features.51');
    assert.equal(getModelSpec('efficientnet_b3').gradCamLayer, 'features.8');
  });
});

test('pretrained weights: the RGB first conv is summed for grayscale and the classifier is replaced for another class count', () => {
  expectNoLeaks(() => {
    manualSeed(3);
    const rgb = getModel('mnasnet0_5', { inChannels: 3, numClasses: 1000 }).eval();
    const reference = rgb.stateDict();
    // Same class count: a grayscale image through the summed conv equals the RGB model on the image replicated 3 times.
    const gray = getModel('mnasnet0_5', { inChannels: 1, numClasses: 1000, initWeights: false }).eval();
    const report = loadPretrained(gray, reference, { firstConv: 'layers.0', classifier: 'classifier.1' });
    assert.deepEqual(report, { loaded: gray.stateDict().size, firstConvAdapted: 'summed', classifierReplaced: false });
    const x = randn([2, 1, 40, 36]);
    const viaGray = noGrad(() => gray.forward(x));
    const viaRgb = noGrad(() => rgb.forward(x.expand([2, 3, 40, 36])));
    assertClose(viaGray, { shape: viaRgb.shape, data: viaRgb.toNumbers() }, 1e-5, 1e-4, 'gray vs replicated RGB');
    // Two classes: everything but the classifier loads; the classifier keeps its own fresh weights.
    const binary = getModel('mnasnet0_5', { inChannels: 1, numClasses: 2 });
    const before = binary.submodule('classifier.1').stateDict().get('weight')!.clone();
    const r2 = loadPretrained(binary, reference, { firstConv: 'layers.0', classifier: 'classifier.1' });
    assert.equal(r2.classifierReplaced, true);
    assert.ok(binary.stateDict().get('classifier.1.weight')!.allclose(before, 0, 0), 'classifier untouched');
    assert.ok(binary.stateDict().get('layers.3.weight')!.allclose(reference.get('layers.3.weight')!, 0, 0), 'trunk loaded');
    // Missing num_batches_tracked (pre-0.4.1 checkpoints) is fine; a foreign key is an error naming it.
    const old = new Map([...reference].filter(([k]) => !k.endsWith('num_batches_tracked')));
    loadPretrained(binary, old, { firstConv: 'layers.0', classifier: 'classifier.1' });
    old.set('fc.weight', reference.get('classifier.1.bias')!);
    assert.throws(() => loadPretrained(binary, old, { firstConv: 'layers.0', classifier: 'classifier.1' }), /do not fit MNASNet: unexpected fc\.weight/);
    for (const m of [rgb, gray, binary]) m.dispose();
  });
});

test('simple_cnn from the registry trains to 100 % on a tiny separable set', () => {
  expectNoLeaks(() => {
    manualSeed(0);
    const { images, labels } = makeToyBatch(32, 24, 1);
    const model = getModel('simple_cnn', { widths: [8, 16], dropout: 0 });
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    for (let step = 0; step < 80; step++) {
      tidy(() => {
        opt.zeroGrad();
        F.crossEntropy(model.forward(images), labels).backward();
        opt.step();
      });
    }
    model.eval();
    const accuracy = noGrad(() => model.forward(images).argmax(1).eq(labels).float().mean().item());
    assert.equal(accuracy, 1);
    opt.disposeState();
    model.dispose();
  });
});
