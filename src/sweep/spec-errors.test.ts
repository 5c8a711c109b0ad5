import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSweep } from './spec.js';

const fails = (doc: unknown, message: string, hint?: string) =>
  assert.throws(() => parseSweep(doc, { file: 'x.yaml' }), { message: `${message} in x.yaml`, ...(hint ? { hint } : {}) });
const base = { data: 'd' };

test("a sweep file's top level is checked by its schema: each error names what, where and what came", () => {
  fails([], 'Expected a mapping (name, base, grid or list, scales) but received [] of type array');
  fails({}, 'Expected a name of letters, digits, _ . - for name but received undefined');
  fails({ name: '-x', base, grid: { seed: [0] } }, 'Expected a name of letters, digits, _ . - for name but received "-x" of type string');
  fails({ name: 'x', bogus: 1, base: 3 }, 'Unknown key "bogus"', 'a sweep file has name, description, scale, base, grid, list and scales');
  fails({ name: 'x', base: [], grid: { seed: [0] } }, 'Expected a mapping of settings for base but received [] of type array');
  fails({ name: 'x', base, grid: 3 }, 'Expected a mapping of axes for grid but received 3 of type number');
  fails({ name: 'x', base, grid: { foo: null } }, 'Expected a list of values or a mapping label -> settings for grid.foo but received null');
  fails({ name: 'x', base, grid: { foo: { a: 3 } } }, 'Expected a mapping of settings for grid.foo.a but received 3 of type number');
  fails({ name: 'x', base, list: [] }, 'Expected a non-empty list of points for list but received [] of type array');
  fails({ name: 'x', base, list: [{ label: 'a' }, 5] }, 'Expected a mapping (label and settings) for list item 2 but received 5 of type number');
  fails({ name: 'x', base, list: [{}] }, 'Expected a label for list item 1 but received undefined');
  fails({ name: 'x', base, list: [{ label: '' }] }, 'Expected a label for list item 1 but received "" of type string');
  fails({ name: 'x', base, grid: { seed: [0] }, scales: null }, 'Expected a mapping of scale names for scales but received null');
  fails({ name: 'x', base, grid: { seed: [0] }, scale: 'small', scales: { small: 3 } }, 'Expected a mapping for scales.small but received 3 of type number');
  // Settings inside the structure go through the trainer's rules, in file order.
  const epochs = { message: 'Expected positive integer for epochs in x.yaml but received 0 of type number' };
  assert.throws(() => parseSweep({ name: 'x', base: { epochs: 0 }, grid: 4 }, { file: 'x.yaml' }), epochs);
  assert.throws(() => parseSweep({ name: 'x', base, list: [{ label: 'a', epochs: 0 }] }, { file: 'x.yaml' }), epochs);
  fails(
    { name: 'x', base, grid: { foo: [1] } },
    'grid axis "foo" is a list of values but not a training setting',
    'name a setting (e.g. batchSize) or give label: {settings} pairs',
  );
  fails({ name: 'x', base, grid: { seed: [1, 1] } }, 'grid axis seed repeats a value');
  fails({ name: 'x', base }, 'A sweep needs a grid or a list');
});
