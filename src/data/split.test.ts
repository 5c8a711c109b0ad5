import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignSplits, type SplitEntry } from './split.js';

function entries(perLabel: Record<string, number>, groupSize = 1): SplitEntry[] {
  const out: SplitEntry[] = [];
  for (const [label, n] of Object.entries(perLabel)) for (let i = 0; i < n; i++) out.push({ label, group: `${label}-${Math.floor(i / groupSize)}` });
  return out;
}

function tally(list: readonly SplitEntry[], splits: readonly string[]): Record<string, Record<string, number>> {
  const t: Record<string, Record<string, number>> = {};
  list.forEach((e, i) => {
    t[e.label] ??= {};
    t[e.label]![splits[i]!] = (t[e.label]![splits[i]!] ?? 0) + 1;
  });
  return t;
}

test('stratified 80/10/10 by default: every class keeps its proportions', () => {
  const list = entries({ NonDemented: 320, VeryMildDemented: 224, MildDemented: 90, ModerateDemented: 10 });
  const t = tally(list, assignSplits(list, { seed: 1 }));
  assert.deepEqual(t, {
    NonDemented: { train: 256, val: 32, test: 32 },
    VeryMildDemented: { train: 179, val: 23, test: 22 },
    MildDemented: { train: 72, val: 9, test: 9 },
    ModerateDemented: { train: 8, val: 1, test: 1 },
  });
});

test('the seed decides the assignment; the same seed repeats it exactly', () => {
  const list = entries({ a: 50, b: 50 });
  const one = assignSplits(list, { seed: 7 });
  assert.deepEqual(assignSplits(list, { seed: 7 }), one);
  assert.notDeepEqual(assignSplits(list, { seed: 8 }), one);
});

test('the data set test folder is kept and validation is carved from train, stratified', () => {
  const list: SplitEntry[] = [
    ...entries({ a: 90, b: 45 }).map((e) => ({ ...e, sourceSplit: 'train' as const })),
    ...entries({ a: 20, b: 10 }).map((e) => ({ ...e, group: `t-${e.group}`, sourceSplit: 'test' as const })),
  ];
  const splits = assignSplits(list, { seed: 3 });
  assert.ok(list.every((e, i) => (e.sourceSplit === 'test') === (splits[i] === 'test')));
  const t = tally(list, splits);
  assert.deepEqual(t, { a: { train: 80, val: 10, test: 20 }, b: { train: 40, val: 5, test: 10 } });
});

test('grouped splits never put one subject on two sides', () => {
  const list = entries({ a: 320, b: 160 }, 32); // 10 + 5 subjects of 32 slices
  const splits = assignSplits(list, { seed: 5 });
  const sideOf = new Map<string, string>();
  list.forEach((e, i) => {
    assert.equal(sideOf.get(e.group) ?? splits[i], splits[i], `subject ${e.group} split`);
    sideOf.set(e.group, splits[i]!);
  });
  assert.deepEqual(tally(list, splits), { a: { train: 256, val: 32, test: 32 }, b: { train: 128, val: 32 } });
});

test('bad fractions and seeds are refused with the standard message', () => {
  assert.throws(() => assignSplits([], { fractions: { train: 0.8, val: 0.3, test: 0.1 } }), {
    message:
      'Expected fractions summing to 1 for train/val/test fractions but received [0.8 of type number, 0.3 of type number, 0.1 of type number] of type array',
  });
  assert.throws(() => assignSplits([], { seed: 1.5 }), { message: 'Expected integer for seed but received 1.5 of type number' });
});
