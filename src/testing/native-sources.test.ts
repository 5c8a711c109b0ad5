import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { sourcePath } from './tensor-helpers.js';

// scripts/device-check.sh builds the addon with g++ directly on the GPU machine (no node-gyp
// there), so it repeats binding.gyp's source list and flags: a file added to one and not the
// other would build here and fail, or run without its ops, there.
test("device-check.sh's direct build compiles every native source binding.gyp does, with OpenMP", () => {
  const gyp = JSON.parse(readFileSync(sourcePath('native/binding.gyp'), 'utf8')) as {
    targets: { sources: string[]; cflags_cc: string[]; ldflags: string[] }[];
  };
  const target = gyp.targets[0]!;
  // The optional OpenCV sources come from native-config.mjs in both builds.
  const gypSources = target.sources.filter((s) => s.startsWith('src/')).map((s) => s.slice(4));
  const script = readFileSync(sourcePath('scripts/device-check.sh'), 'utf8');
  const line = /^\s*sources="([^$"]*)\$\(cd native && node native-config\.mjs sources/m.exec(script)?.[1];
  assert.ok(line, 'device-check.sh has no `sources="... $(cd native && node native-config.mjs sources ...)"` line');
  assert.deepEqual(line.trim().split(/\s+/).sort(), [...gypSources].sort());
  // Every .cc in native/src is built by one of the two lists or by native-config.mjs's optional ones.
  const optional = ['image_ops.cc', 'image_decode.cc'];
  const all = readdirSync(sourcePath('native/src')).filter((f) => f.endsWith('.cc'));
  assert.deepEqual(all.sort(), [...gypSources, ...optional].sort());
  // ATen's parallel_for is inline OpenMP: without -fopenmp the fused kernels run on one thread.
  assert.ok(target.cflags_cc.includes('-fopenmp') && target.ldflags.includes('-fopenmp'), 'binding.gyp compiles and links with -fopenmp');
  assert.match(script, /"\$cxx" -std=\$std -O2 -fopenmp /);
  assert.match(script, /"\$cxx" -shared -fopenmp /);
  assert.ok((statSync(sourcePath('scripts/device-check.sh')).mode & 0o111) !== 0, 'device-check.sh is executable (README runs it as scripts/device-check.sh)');
});
