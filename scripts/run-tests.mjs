#!/usr/bin/env node
// Runs every compiled test file (dist-test/**/*.test.js, the test build of tsconfig.test.json) with the node test runner, so the summary line
// (# tests, # pass, # fail) ends the output. Node 20's `--test` takes no glob, hence this list.
// Arguments narrow the run: `node scripts/run-tests.mjs torch/` runs only files whose path contains one.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { allocatorEnv } from '../dist/util/allocator-env.js';

const root = new URL('../dist-test/', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.js') && (filters.length === 0 || filters.some((f) => relative(root, path).includes(f)))) files.push(path);
  }
})(root);
if (files.length === 0) {
  console.error(`no test files under ${root}${filters.length ? ` matching ${filters.join(', ')}` : ''}; run "npm run build && npm run build:test" first`);
  process.exit(1);
}
// Idle OpenMP threads sleep instead of spinning: test files share the machine with other work,
// and spinning threads on busy cores made small ops 10-40x slower (measured on 2 cores).
const env = { ...(allocatorEnv() ?? process.env), OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
