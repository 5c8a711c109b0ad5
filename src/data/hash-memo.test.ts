import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashMemo } from './hash-memo.js';

test('the hash memo returns a remembered hash only while size and mtime are unchanged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-memo-'));
  const file = join(dir, 'a.jpg');
  const memoFile = join(dir, 'cache', 'hashes.json');
  writeFileSync(file, 'first');
  const memo = await HashMemo.open(memoFile);
  assert.equal(await memo.lookup(file), undefined);
  await memo.remember(file, 'hash-1');
  await memo.save();
  const reopened = await HashMemo.open(memoFile);
  assert.equal(await reopened.lookup(file), 'hash-1');
  writeFileSync(file, 'changed content');
  assert.equal(await reopened.lookup(file), undefined, 'a changed file is hashed again');
  assert.equal(await reopened.lookup(join(dir, 'missing.jpg')), undefined);
  writeFileSync(memoFile, '{not json');
  assert.equal(await (await HashMemo.open(memoFile)).lookup(file), undefined, 'a corrupt memo is ignored');
});
