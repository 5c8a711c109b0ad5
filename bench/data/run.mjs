#!/usr/bin/env node
// bench/data: reading and canonicalizing a 256x256x256 int16 .nii.gz (stored LIA) with
// alzbench's readVolume against nibabel's as_closest_canonical(nib.load(f)).get_fdata(), side by
// side in one run on the same file, best of --rounds each, with a check that both give the same voxels.
// usage: npx tsc -p tsconfig.json && node bench/data/run.mjs [--rounds 3]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readVolume } from '../../dist/data/volume/read-volume.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);
const python = '/usr/bin/python3';
const script = new URL('nibabel_bench.py', import.meta.url).pathname;
const dir = join(os.tmpdir(), 'alzbench-bench-data');
mkdirSync(dir, { recursive: true });
const path = join(dir, 't1_256_int16_LIA.nii.gz');
if (!existsSync(path)) {
  const made = spawnSync(python, [script, 'make', path], { encoding: 'utf8' });
  if (made.status !== 0) {
    console.error(`bench/data: making the volume needs python3-nibabel (apt-get install python3-nibabel): ${made.stderr.trim().split('\n').pop()}`);
    process.exit(1);
  }
}
const py = spawnSync(python, [script, 'time', path, String(rounds)], { encoding: 'utf8' });
if (py.status !== 0) {
  console.error(`bench/data: nibabel side failed: ${py.stderr.trim().split('\n').pop()}`);
  process.exit(1);
}
const nib = JSON.parse(py.stdout);
let best = Infinity;
let volume;
for (let r = 0; r < rounds; r++) {
  const t = performance.now();
  volume = await readVolume(path);
  best = Math.min(best, (performance.now() - t) / 1000);
}
let sum = 0;
for (const v of volume.data) sum += v;
const samples = [0, 12345, 8388608, 16777215].map((i) => volume.data[i]);
const same = JSON.stringify(volume.shape) === JSON.stringify(nib.shape) && sum === nib.sum && JSON.stringify(samples) === JSON.stringify(nib.samples);
console.log(
  JSON.stringify(
    {
      machine: `${os.cpus()[0].model}, ${os.availableParallelism()} cores, node ${process.version}`,
      file: `256x256x256 int16 .nii.gz stored ${volume.sourceAxcodes}`,
      rounds,
      nibabel: { seconds: +nib.seconds.toFixed(3), version: nib.nibabel, numpy: nib.numpy, output: 'float64' },
      alzbench: { seconds: +best.toFixed(3), output: 'float32' },
      ratio: +(best / nib.seconds).toFixed(2),
      sameVoxels: same,
    },
    null,
    1,
  ),
);
if (!same) process.exitCode = 1;
