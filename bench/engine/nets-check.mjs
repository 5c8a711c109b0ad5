// Proves that the engine benchmark times the same network on both sides: for each model,
// alzbench's (models.mjs, what step.mjs trains) and PyTorch's (nets.py, what step.py trains) must
// have the same parameter count, the same state-dict keys and shapes, and, with alzbench's weights
// loaded into PyTorch's (strict), the same eval-mode logits within 1e-4 on one input.
// Batch norms get random statistics and affine parameters, and linear layers unit-scale weights,
// first (fresh statistics make eval-mode batch norm an identity and EfficientNet's output ~1e-14).
// Checked to fail on a changed block scale, a ReLU added to the last Block8, or one batch norm's
// eps of 1e-5 instead of 1e-3 in Inception-ResNet-v2.
// usage: node bench/engine/nets-check.mjs [--models zoo|small_cnn,mbconv_stack,...] [--python /usr/bin/python3]
// `zoo` (the default) is every registered 2-D model; the eight VGGs (~130 M parameters each) take
// most of the time (a few minutes on 2 cores; `--models inception_resnet_v2` alone ~30 s).
// Prints one line per model; exits 1 when any model differs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { manualSeed, noGrad, randn, tidy } from '../../dist/torch/index.js';
import { BatchNorm2d, Linear } from '../../dist/nn/index.js';
import { saveSafetensors } from '../../dist/nn/safetensors.js';
import { expandModels, makeModel } from './models.mjs';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'zoo' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});

// Input [H, W]: small, non-square (catches a swapped H/W), above each architecture's minimum
// (VGG's five pools need 32; Inception-ResNet-v2's unpadded stem 75).
const inputSize = (name) => (name === 'inception_resnet_v2' ? [80, 96] : [64, 48]);

function randomize(model) {
  noGrad(() => {
    const modules = model.namedModules().map(([, m]) => m);
    const classifier = modules.findLast((m) => m instanceof Linear);
    for (const m of modules) {
      if (m instanceof BatchNorm2d) {
        // Variances ~0.01, so eps (1e-3 vs 1e-5) changes each layer's output by ~5%, and weights
        // scaled by their standard deviation, so activations keep their size through the depth.
        const variance = m.getBuffer('running_var').uniform_(0.005, 0.015);
        tidy(() => m.getParameter('weight')?.uniform_(0.5, 1.5).mul_(variance.sqrt()));
        m.getParameter('bias')?.normal_(0, 0.2);
        m.getBuffer('running_mean')?.normal_(0, 0.2);
      } else if (m instanceof Linear) {
        // Logits ~10 (the classifier's weights 10x larger), so 1e-4 is a ~1e-5 relative bound.
        const weight = m.getParameter('weight');
        weight?.normal_(0, (m === classifier ? 10 : 1) * weight.shape[1] ** -0.5);
        m.getParameter('bias')?.normal_(0, 0.1);
      }
    }
  });
}

const dir = mkdtempSync(join(tmpdir(), 'alzbench-nets-check-'));
let failed = 0;
try {
  for (const name of expandModels(values.models)) {
    manualSeed(0);
    const model = makeModel(name);
    randomize(model);
    model.eval();
    const [h, w] = inputSize(name);
    tidy(() => {
      const x = randn([2, 1, h, w]);
      const logits = noGrad(() => model.forward(x));
      saveSafetensors(join(dir, 'weights.safetensors'), model.stateDict());
      const io = new Map(Object.entries({ input: x, logits }));
      saveSafetensors(join(dir, 'io.safetensors'), io, { parameters: String(model.numParameters()) });
    });
    model.dispose();
    const run = spawnSync(values.python, ['bench/engine/nets_check.py', name, dir], { encoding: 'utf8' });
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    if (run.status !== 0) failed++;
    console.log(run.status === 0 ? line : `${name}: FAILED ${line} ${run.stderr.trim()}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
