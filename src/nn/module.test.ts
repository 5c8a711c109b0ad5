import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, manualSeed, noGrad, randn, tensor, zeros } from '../torch/index.js';
import { assertClose, expectNoLeaks, fromJson, readFixture, sourcePath, type JsonTensor } from '../testing/tensor-helpers.js';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  StateDictError,
  loadSafetensors,
  saveSafetensors,
} from './index.js';

/** The same network as TinyCNN in scripts/fixtures/tiny_cnn.py. */
class TinyCNN extends Module {
  features = this.registerModule(
    'features',
    new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(4, 8, 3, { padding: 1, bias: false }),
      new BatchNorm2d(8),
      new ReLU(),
    ),
  );
  pool = this.registerModule('pool', new AdaptiveAvgPool2d(1));
  classifier = this.registerModule('classifier', new Linear(8, 3));
  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.pool.forward(this.features.forward(x)).flatten(1));
  }
}

test('state dict keys and order equal PyTorch, buffers included', () => {
  expectNoLeaks(() => {
    const net = new TinyCNN();
    assert.deepEqual(
      [...net.stateDict().keys()],
      [
        'features.0.weight',
        'features.0.bias',
        'features.1.weight',
        'features.1.bias',
        'features.1.running_mean',
        'features.1.running_var',
        'features.1.num_batches_tracked',
        'features.4.weight',
        'features.5.weight',
        'features.5.bias',
        'features.5.running_mean',
        'features.5.running_var',
        'features.5.num_batches_tracked',
        'classifier.weight',
        'classifier.bias',
      ],
    );
    assert.equal(net.namedParameters().length, 9);
    assert.equal(net.submodule('features.4'), net.features.at(4));
    assert.throws(() => net.submodule('features.9'), /TinyCNN has no submodule "features.9" \(no "9" among: 0, 1, 2, 3, 4, 5, 6\)/);
    net.dispose();
  });
});

test('a state dict written by PyTorch loads and reproduces its eval-mode output', () => {
  expectNoLeaks(() => {
    const { tensors, metadata } = loadSafetensors(sourcePath('src/nn/fixtures/tiny_cnn.safetensors'));
    assert.match(metadata.written_by!, /^torch 1\.13/);
    assert.equal(tensors.get('features.1.num_batches_tracked')!.dtype, 'int64');
    const net = new TinyCNN();
    net.loadStateDict(tensors);
    net.eval();
    const ref = readFixture<{ input: JsonTensor; output: JsonTensor }>('src/nn/fixtures/tiny_cnn.json');
    const out = noGrad(() => net.forward(fromJson(ref.input)));
    assertClose(out, ref.output, 1e-5);
    assert.equal(net.features.at(1).getBuffer('num_batches_tracked')!.item(), 7);
    net.dispose();
    for (const t of tensors.values()) t.dispose();
  });
});

test('loadStateDict reports missing, unexpected and mis-shaped keys together, copying nothing', () => {
  expectNoLeaks(() => {
    const net = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
    const before = net.at(0).getParameter('weight')!.toNumbers();
    const state = new Map<string, Tensor>([
      ['0.weight', zeros([2, 3])],
      ['0.bias', zeros([5])],
      ['2.weight', zeros([1, 2])],
      ['head.weight', zeros([1])],
    ]);
    assert.throws(
      () => net.loadStateDict(state),
      (e: unknown) => {
        assert.ok(e instanceof StateDictError);
        assert.equal(
          e.message,
          'Error(s) in loading state_dict for Sequential:\n' +
            '\tMissing key(s) in state_dict: "2.bias".\n' +
            '\tUnexpected key(s) in state_dict: "head.weight".\n' +
            '\tsize mismatch for 0.bias: copying a param with shape [5] from checkpoint, the shape in current model is [2].',
        );
        return true;
      },
    );
    assert.deepEqual(net.at(0).getParameter('weight')!.toNumbers(), before);
    state.delete('0.bias');
    state.set('0.bias', zeros([2]));
    const { missing, unexpected } = net.loadStateDict(state, { strict: false });
    assert.deepEqual(missing, ['2.bias']);
    assert.deepEqual(unexpected, ['head.weight']);
    assert.deepEqual(net.at(0).getParameter('weight')!.toNumbers(), [0, 0, 0, 0, 0, 0]);
    net.dispose();
  });
});

test('safetensors round-trips every dtype with metadata', () => {
  expectNoLeaks(() => {
    const dir = mkdtempSync(join(tmpdir(), 'alzbench-st-'));
    const path = join(dir, 'all.safetensors');
    const tensors = new Map<string, Tensor>([
      [
        'f32',
        tensor([
          [1.5, -2],
          [3, 4],
        ]),
      ],
      ['f64', tensor([Math.PI], { dtype: 'float64' })],
      ['i64', tensor([1, -7, 2 ** 40], { dtype: 'int64' })],
      ['u8', tensor([0, 200], { dtype: 'uint8' })],
      ['b', tensor([true, false])],
      ['half', tensor([0.5, 2]).to('float16')],
      ['scalar', tensor([3], { shape: [] })],
    ]);
    saveSafetensors(path, tensors, { model: 'demo' });
    const { tensors: back, metadata } = loadSafetensors(path);
    assert.deepEqual(metadata, { model: 'demo' });
    for (const [k, t] of tensors) {
      assert.equal(back.get(k)!.dtype, t.dtype, k);
      assert.deepEqual(back.get(k)!.shape, t.shape, k);
      assert.deepEqual(back.get(k)!.toNumbers(), t.toNumbers(), k);
    }
  });
});

test('a corrupt safetensors file is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-st-'));
  const path = join(dir, 'bad.safetensors');
  writeFileSync(path, Buffer.from([1, 2, 3]));
  assert.throws(() => loadSafetensors(path), { message: `${path} is not a valid safetensors file: it holds 3 bytes, fewer than the 8-byte header length` });
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(path, Buffer.concat([len, header, Buffer.alloc(8)]));
  assert.throws(() => loadSafetensors(path), /tensor "w" \(F32 \[4\]\) needs 16 bytes but its offsets \[0, 16\] give 16 within 8 data bytes/);
});

// The other direction: PyTorch reads what alzbench writes. Needs Debian's python3-torch (CI installs it).
const python = '/usr/bin/python3';
const hasTorch =
  existsSync(python) &&
  (() => {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

test('PyTorch loads a state dict alzbench wrote and computes the same output', { skip: hasTorch ? false : 'python3-torch is not installed' }, () => {
  expectNoLeaks(() => {
    manualSeed(11);
    const net = new TinyCNN();
    net.eval();
    const dir = mkdtempSync(join(tmpdir(), 'alzbench-st-'));
    saveSafetensors(join(dir, 'net.safetensors'), net.stateDict());
    const x = randn([1, 1, 6, 6]);
    const ours = noGrad(() => net.forward(x)).toNumbers();
    const script = `
import json, struct, sys, torch
sys.path.insert(0, ${JSON.stringify(sourcePath('scripts/fixtures'))})
from tiny_cnn import TinyCNN
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
types = {'F32': torch.float32, 'I64': torch.int64}
sd = {k: torch.frombuffer(bytearray(raw[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]]), dtype=types[v['dtype']]).reshape(v['shape'])
      for k, v in header.items() if k != '__metadata__'}
net = TinyCNN()
net.load_state_dict(sd)
net.eval()
x = torch.tensor(json.loads(sys.argv[2]), dtype=torch.float32).reshape(1, 1, 6, 6)
print(json.dumps(net(x).flatten().tolist()))
`;
    const out = JSON.parse(execFileSync(python, ['-c', script, join(dir, 'net.safetensors'), JSON.stringify(x.toNumbers())], { encoding: 'utf8' })) as number[];
    out.forEach((v, i) => assert.ok(Math.abs(v - ours[i]!) < 1e-5, `output ${i}: torch ${v} vs alzbench ${ours[i]}`));
    net.dispose();
  });
});

test('Module.to converts floating parameters and buffers in place, keeping integer counters', () => {
  expectNoLeaks(() => {
    const net = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2));
    const weight = net.at(0).getParameter('weight')!;
    net.to('float64');
    assert.equal(weight.dtype, 'float64');
    assert.equal(weight.requiresGrad, true);
    assert.equal(net.at(1).getBuffer('running_var')!.dtype, 'float64');
    assert.equal(net.at(1).getBuffer('num_batches_tracked')!.dtype, 'int64');
    net.dispose();
  });
});

test('toMemoryFormat re-strides even one-channel weights, so convolutions run channels-last with the same values', () => {
  expectNoLeaks(() => {
    manualSeed(12);
    const net = new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new ReLU(), new Conv2d(4, 4, 1));
    const x = randn([2, 1, 6, 5]);
    const before = net.forward(x).toNumbers();
    const first = net.at(0).getParameter('weight')!;
    net.toMemoryFormat('channelsLast');
    assert.equal(net.at(0).getParameter('weight'), first, 'the same parameter object');
    const out = net.forward(x.toMemoryFormat('channelsLast'));
    assert.equal(out.isContiguous('channelsLast'), true);
    assert.equal(out.isContiguous(), false, 'really NHWC, not an ambiguous layout');
    out.toNumbers().forEach((v, i) => assert.ok(Math.abs(v - before[i]!) < 1e-5));
    net.dispose();
  });
});
