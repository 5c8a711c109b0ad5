import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChain } from './chain-spec.js';

test('the study chain (a) parses to its canonical spec', () => {
  const chain = parseChain('grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert');
  assert.deepEqual(
    chain.steps.map((s) => s.definition.name),
    ['grayscale', 'open', 'clahe', 'invert'],
  );
  assert.equal(chain.spec, 'grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert');
});

test('positional values fill parameters in order and defaults fill the rest', () => {
  const chain = parseChain(' resize(256, 208) | merge(multiply,smooth=gaussian,k=11) ');
  assert.deepEqual(chain.steps[0]!.params, { width: 256, height: 208 });
  assert.equal(chain.spec, 'resize(width=256,height=208)|merge(mode=multiply,smooth=gaussian,k=11,w1=4,w2=-4,offset=128)');
  assert.equal(parseChain('open').spec, 'open(k=5,shape=rect,iter=1)');
  assert.equal(parseChain('open(iterations=2)').spec, 'open(k=5,shape=rect,iter=2)');
});

test('a YAML list gives the same chain as the string form', () => {
  const yaml = ['- grayscale', '- open: {k: 5, shape: rect, iter: 1}', '- clahe: {clip: 2, tile: 7}', '- invert'].join('\n');
  assert.equal(parseChain(yaml).spec, parseChain('grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert').spec);
  const yamlB = '- resize: [256, 256]\n- merge: {mode: overlap, w1: 3, w2: -3}\n';
  assert.equal(parseChain(yamlB).spec, 'resize(width=256,height=256)|merge(mode=overlap,smooth=gaussian,k=11,w1=3,w2=-3,offset=128)');
  assert.equal(
    parseChain('- merge: multiply\n- "smooth(median,k=5)"').spec,
    'merge(mode=multiply,smooth=gaussian,k=11,w1=4,w2=-4,offset=128)|smooth(method=median,k=5)',
  );
});

test('the empty chain is "none"', () => {
  assert.equal(parseChain('').spec, 'none');
  assert.equal(parseChain('none').steps.length, 0);
});

test('errors name the step and the parameter', () => {
  const cases: Array<[string, string]> = [
    [
      'grayscale|opn(k=5)',
      'Expected module name (one of grayscale, invert, open, clahe, smooth, merge, resize, normalize) for step 2 but received "opn" of type string',
    ],
    ['grayscale|open(k=4.5)', 'Expected integer in 1..255 for parameter k of step 2 (open) but received 4.5 of type number'],
    ['open(shape=circle)', 'Expected one of rect, ellipse, cross for parameter shape of step 1 (open) but received "circle" of type string'],
    ['clahe(clip=two)', 'Expected number in 0..1000 for parameter clip of step 1 (clahe) but received "two" of type string'],
    ['smooth(gaussian,k=4)', 'Expected odd integer (gaussian kernels are odd) for parameter k of step 1 (smooth) but received 4 of type number'],
    ['merge(multiply,smooth=median,k=10)', 'Expected odd integer (median kernels are odd) for parameter k of step 1 (merge) but received 10 of type number'],
    ['clahe(size=3)', 'Expected parameter name of clahe (clip, tile) for step 1 but received "size" of type string'],
    ['invert(1)', 'Expected at most 0 values (none) for step 1 (invert) but received [1 of type number] of type array'],
    ['resize(0,10)', 'Expected integer in 1..16384 for parameter width of step 1 (resize) but received 0 of type number'],
    ['normalize(min=100,max=50)', 'Expected number greater than min (100) for parameter max of step 1 (normalize) but received 50 of type number'],
    ['grayscale|clahe(clip=2', 'Expected step written as name or name(args) for step 2 but received "clahe(clip=2" of type string'],
    ['- open: {k: -1}', 'Expected integer in 1..255 for parameter k of step 1 (open) but received -1 of type number'],
    ['- 3', 'Expected step name or {name: parameters} for step 1 but received 3 of type number'],
  ];
  for (const [spec, message] of cases) assert.throws(() => parseChain(spec), { name: 'AlzbenchError', message }, spec);
});

test('a pipeline is bounded: at most 32 steps and 4096 characters', () => {
  assert.throws(() => parseChain(Array(33).fill('invert').join('|')), {
    message: 'Expected at most 32 steps for pipeline but received 33 steps',
    hint: 'each step is a full pass over every slice; a chain is a few steps',
  });
  assert.throws(() => parseChain(`- invert\n`.repeat(33)), { message: 'Expected at most 32 steps for pipeline but received 33 steps' });
  assert.equal(parseChain(Array(32).fill('invert').join('|')).steps.length, 32);
  assert.throws(() => parseChain('invert|'.repeat(700)), {
    message: 'Expected a pipeline spec of at most 4096 characters for pipeline but received 4900 characters',
  });
});
