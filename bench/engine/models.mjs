// The networks the engine benchmark trains, built from alzbench layers; step.py builds the same
// ones in PyTorch. `small_cnn` is the SimpleCNN baseline; `mbconv_stack` is EfficientNet-B0's stem
// and first three stages (depthwise convs, squeeze-excitation, SiLU); any registered 2-D model
// (efficientnet_b0, mnasnet1_0, vgg19, inception_resnet_v2, ...) is the zoo's full network.
// nets-check.mjs checks that nets.py builds each the same.
import { Module, Sequential, Conv2d, BatchNorm2d, SiLU, SqueezeExcitation, AdaptiveAvgPool2d, Flatten, Linear } from '../../dist/nn/index.js';
import { tidy } from '../../dist/torch/index.js';
import { SimpleCNN } from '../../dist/models/simple-cnn.js';
import { getModel, getModelSpec, listModels } from '../../dist/models/registry.js';

class MBConv extends Module {
  constructor(cin, cout, expand, kernel, stride) {
    super();
    const mid = cin * expand;
    const layers = [];
    if (expand !== 1) layers.push(new Conv2d(cin, mid, 1, { bias: false }), new BatchNorm2d(mid), new SiLU());
    layers.push(
      new Conv2d(mid, mid, kernel, { stride, padding: (kernel - 1) / 2, groups: mid, bias: false }),
      new BatchNorm2d(mid),
      new SiLU(),
      new SqueezeExcitation(mid, Math.max(1, Math.floor(cin / 4)), new SiLU()),
      new Conv2d(mid, cout, 1, { bias: false }),
      new BatchNorm2d(cout),
    );
    this.block = this.registerModule('block', new Sequential(...layers));
    this.residual = stride === 1 && cin === cout;
  }
  forward(x) {
    return tidy(() => (this.residual ? this.block.forward(x).add(x) : this.block.forward(x)));
  }
}

export function makeModel(name) {
  if (name === 'small_cnn') return new SimpleCNN({ inChannels: 1, numClasses: 2, widths: [16, 32, 64, 128], dropout: 0.2 });
  if (name === 'mbconv_stack') {
    return new Sequential(
      new Conv2d(1, 32, 3, { stride: 2, padding: 1, bias: false }),
      new BatchNorm2d(32),
      new SiLU(),
      new MBConv(32, 16, 1, 3, 1),
      new MBConv(16, 24, 6, 3, 2),
      new MBConv(24, 24, 6, 3, 1),
      new MBConv(24, 40, 6, 5, 2),
      new MBConv(40, 40, 6, 5, 1),
      new AdaptiveAvgPool2d(1),
      new Flatten(),
      new Linear(40, 2),
    );
  }
  // Zoo models, 1-channel input, 2 classes (the torchvision model with a 1-channel stem in step.py).
  // Any other registered name (vgg19, efficientnet_b1..b7, inception_resnet_v2, ...) for the
  // alzbench-only benchmarks (amp.mjs); getModel names the registered ones when it is unknown.
  return getModel(name, { inChannels: 1, numClasses: 2 });
}

/**
 * The names in a comma-separated `--models` list, with `zoo` standing for every registered 2-D
 * model (slice input; the 3-D ones are bench/engine/run3d.mjs's), read from the registry so a
 * newly registered model is timed without editing the benchmarks; duplicates dropped.
 * @param {string} list e.g. `small_cnn,zoo` or `efficientnet_b0,vgg19`
 * @returns {string[]}
 */
export function expandModels(list) {
  const zoo = listModels().filter((name) => getModelSpec(name).input !== 'volume');
  return [...new Set(list.split(',').flatMap((name) => (name === 'zoo' ? zoo : [name])))];
}
