import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeManifest, type ManifestEntry, type SplitManifest } from '../data/manifest.js';
import { checkSplitUnchanged } from './check-split.js';

const dir = mkdtempSync(join(tmpdir(), 'alzbench-split-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const entry = (file: string, split: ManifestEntry['split'], hash = `h-${file}`): ManifestEntry => ({ file, hash, class: 'NonDemented', subject: null, split });
const manifest = (entries: ManifestEntry[]): SplitManifest => ({
  format: 'alzbench-split-manifest',
  version: 1,
  layout: 'class-folders',
  task: 'binary',
  classes: ['NonDemented', 'Alzheimer'],
  seed: 0,
  grouping: 'subject',
  fingerprint: 'f',
  entries,
});
const saved = manifest([entry('a.jpg', 'train'), entry('b.jpg', 'train'), entry('c.jpg', 'val'), entry('d.jpg', 'test')]);

test('resume: the same split passes, and a run without a saved split has nothing to compare', async () => {
  const path = join(dir, 'same.json');
  await writeManifest(path, saved);
  await checkSplitUnchanged(path, saved, 'r1');
  await checkSplitUnchanged(join(dir, 'absent.json'), saved, 'r1');
});

test('resume: a moved, changed, missing or added file is a named error with counts and names', async () => {
  const path = join(dir, 'saved.json');
  await writeManifest(path, saved);
  const now = manifest([entry('a.jpg', 'val'), entry('b.jpg', 'train', 'other'), entry('d.jpg', 'test'), entry('e.jpg', 'train')]);
  await assert.rejects(checkSplitUnchanged(path, now, 'r2'), (error: Error & { hint?: string; exitCode?: number }) => {
    assert.equal(
      error.message,
      'The data split of run r2 changed since it started: 1 missing (c.jpg); 1 changed (b.jpg); 1 added (e.jpg); 1 in another split (a.jpg)',
    );
    assert.equal(error.hint, 'resume needs the same files, task, grouping and split seed; start a new run instead');
    assert.equal(error.exitCode, 2);
    return true;
  });
});

test('resume: a damaged split.json is a named error (field path, expected, received, hint), not a crash', async () => {
  const path = join(dir, 'damaged.json');
  writeFileSync(path, JSON.stringify({ ...saved, entries: [saved.entries[0], { ...saved.entries[1], split: 'holdout' }] }));
  const hint = 'split.json is written by alzbench train when a run starts; the file was edited or damaged: restore it, or start a new run';
  await assert.rejects(checkSplitUnchanged(path, saved, 'r3'), (error: Error & { hint?: string; exitCode?: number }) => {
    assert.equal(error.message, `Expected train, val or test for entries.1.split in ${path} but received "holdout" of type string`);
    assert.equal(error.hint, hint);
    assert.equal(error.exitCode, 2);
    return true;
  });
  writeFileSync(path, JSON.stringify({ ...saved, entries: undefined }));
  await assert.rejects(checkSplitUnchanged(path, saved, 'r3'), { message: `Expected list of manifest entries for entries in ${path} but received undefined` });
  writeFileSync(path, '{"format": "alzbench-split-manifest", "entr');
  await assert.rejects(
    checkSplitUnchanged(path, saved, 'r3'),
    (error: Error & { hint?: string }) => error.message.startsWith(`Cannot parse ${path}: `) && error.hint === hint,
  );
});
