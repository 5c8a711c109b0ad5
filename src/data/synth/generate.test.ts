import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { synthCommand } from '../../cli/commands/synth.js';
import { AlzbenchError } from '../../util/errors.js';
import { STAGES } from './atrophy.js';
import { assignSplits, assignStages, generateDataset } from './generate.js';
import { loadTemplate, type Template } from './template.js';

let template: Template;
let root: string;
before(() => {
  template = loadTemplate();
  root = mkdtempSync(join(tmpdir(), 'alzbench-synth-test-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Path -> sha256 of every file under dir. */
function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const small = { subjects: 8, slicesPerSubject: 3, stageWeights: [1, 1, 1, 1] as [number, number, number, number], testFraction: 0.25 };

test('same seed gives byte-identical files; another seed gives different ones', async () => {
  await generateDataset({ out: join(root, 'a'), seed: 3, template, ...small });
  await generateDataset({ out: join(root, 'b'), seed: 3, template, ...small });
  await generateDataset({ out: join(root, 'c'), seed: 4, template, ...small });
  const a = hashes(join(root, 'a'));
  assert.equal(a.size, 8 * 3 + 2);
  assert.deepEqual(hashes(join(root, 'b')), a);
  const c = hashes(join(root, 'c'));
  const jpegs = [...a.keys()].filter((k) => k.endsWith('.jpg'));
  const sameInC = jpegs.filter((k) => c.get(k) === a.get(k)).length;
  assert.equal(sameInC, 0, 'no slice of seed 4 equals a slice of seed 3');
});

test('writes the Kaggle 4-class layout with subjects.csv, split by subject', async () => {
  const out = join(root, 'a');
  for (const split of ['train', 'test']) assert.deepEqual(readdirSync(join(out, split)).sort(), [...STAGES].sort());
  const lines = readFileSync(join(out, 'subjects.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'file,subject,stage,split,slice,z_mm');
  const rows = lines.slice(1).map((line) => line.split(','));
  assert.equal(rows.length, 24);
  const splitsOf = new Map<string, Set<string>>();
  for (const [file, subject, stage, split, slice] of rows) {
    assert.equal(file, `${split}/${stage}/${subject}_slice-${slice!.padStart(2, '0')}.jpg`);
    statSync(join(out, file!)); // exists
    splitsOf.set(subject!, (splitsOf.get(subject!) ?? new Set()).add(split!));
  }
  assert.equal(splitsOf.size, 8);
  for (const [subject, splits] of splitsOf) assert.equal(splits.size, 1, `${subject} is in ${[...splits]}`);
  // Equal weights, 8 subjects: 2 per stage, one of each in test.
  for (const stage of STAGES) {
    assert.equal(readdirSync(join(out, 'test', stage)).length, 3, stage);
    assert.equal(readdirSync(join(out, 'train', stage)).length, 3, stage);
  }
  const first = rows[0]![0]!;
  const meta = await sharp(join(out, first)).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['jpeg', 176, 208, 1]);
  const manifest = JSON.parse(readFileSync(join(out, 'synth.json'), 'utf8'));
  assert.equal(manifest.subjects.length, 8);
  assert.equal(manifest.options.seed, 3);
});

test('refuses a folder with other files, and --force replaces only its own outputs', async () => {
  const out = join(root, 'mixed');
  await generateDataset({ out, seed: 1, template, ...small, subjects: 4 });
  await assert.rejects(generateDataset({ out, seed: 1, template, ...small }), (e: unknown) => e instanceof AlzbenchError && /--force/.test(e.hint ?? ''));
  await generateDataset({ out, seed: 2, template, ...small, force: true });
  assert.equal(readdirSync(join(out, 'train', 'NonDemented')).length + readdirSync(join(out, 'test', 'NonDemented')).length, 6);
  writeFileSync(join(out, 'notes.txt'), 'mine');
  await assert.rejects(generateDataset({ out, seed: 1, template, ...small, force: true }), AlzbenchError);
  assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine');
});

test('stage counts follow the weights exactly and splits are stratified', () => {
  const stages = assignStages(1, 60, [4, 3, 2, 1]);
  assert.deepEqual(
    [0, 1, 2, 3].map((s) => stages.filter((x) => x === s).length),
    [24, 18, 12, 6],
  );
  const splits = assignSplits(1, stages, 0.2);
  assert.deepEqual(
    [0, 1, 2, 3].map((s) => stages.filter((x, i) => x === s && splits[i] === 'test').length),
    [5, 4, 2, 1],
  );
  assert.notDeepEqual(stages.slice(0, 10), [...stages.slice(0, 10)].sort()); // shuffled: IDs do not reveal stage
  for (const n of [1, 4, 7, 13]) {
    const few = assignStages(2, n, [4, 3, 2, 1]);
    assert.equal(few.length, n, `${n} subjects`);
    assert.ok(few.every((s) => s >= 0 && s <= 3));
  }
});

test('alzbench synth writes the data set and prints one JSON document with --json', async () => {
  const out = join(root, 'cli');
  const printed: string[] = [];
  const log = console.log;
  const write = process.stderr.write;
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    assert.equal(await synthCommand.run(['--out', out, '--subjects', '4', '--slices', '2', '--seed', '9', '--json']), 0);
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
  assert.equal(printed.length, 1);
  const summary = JSON.parse(printed[0]!);
  assert.equal(summary.files, 8);
  assert.equal(summary.seed, 9);
  await assert.rejects(synthCommand.run(['--out', join(root, 'x'), '--subjects', '0']), /positive integer for --subjects/);
  await assert.rejects(synthCommand.run(['--subjects', '3']), /--out/);
});
