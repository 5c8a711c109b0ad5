#!/usr/bin/env node
// bench/preprocess: slices per second of the study's chains (a) and (b) on 176x208 slices in one
// process, against cv2 in Python on the same files, plus the disk cache (first vs second run).
// usage: npm run build && node bench/preprocess/run.mjs [--copies 10] [--rounds 5]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadImageOps } from '../../dist/preprocess/load-image-ops.js';
import { parseChain } from '../../dist/preprocess/chain-spec.js';
import { applyChain } from '../../dist/preprocess/chain.js';
import { decodeImage } from '../../dist/data/decode-image.js';
import { openDataset } from '../../dist/data/open-dataset.js';
import { cacheInputs, preprocessWithCache } from '../../dist/data/slice-cache.js';

const { values } = parseArgs({ options: { copies: { type: 'string', default: '10' }, rounds: { type: 'string', default: '5' } } });
const copies = Number(values.copies);
const rounds = Number(values.rounds);
const sample = new URL('../../../shared/data/kaggle4-sample/', import.meta.url).pathname;
if (!existsSync(sample)) {
  console.error(`bench/preprocess: needs the real slices in ${sample}`);
  process.exit(1);
}
// The 38 real slices, copied `copies` times under new names so there are a few hundred files.
const root = mkdtempSync(join(os.tmpdir(), 'alzbench-bench-'));
for (const cls of readdirSync(sample)) {
  mkdirSync(join(root, cls));
  for (const file of readdirSync(join(sample, cls))) for (let c = 0; c < copies; c++) copyFileSync(join(sample, cls, file), join(root, cls, `${c}-${file}`));
}
const chains = {
  a: 'grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert',
  b: 'resize(256,256)|merge(multiply,smooth=gaussian,k=11)',
};
const cv = await loadImageOps(process.env.ALZBENCH_IMAGE_BACKEND);
const dataset = await openDataset(root);
const slices = await Promise.all(dataset.items.map((i) => decodeImage(i.source.path)));
const rate = async (fn, inputs) => {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (const x of inputs) await fn(x);
    best = Math.max(best, inputs.length / ((performance.now() - t) / 1000));
  }
  return best;
};
const py = spawnSync('/usr/bin/python3', [new URL('cv2_bench.py', import.meta.url).pathname, root, String(rounds)], { encoding: 'utf8' });
const cv2 = py.status === 0 ? JSON.parse(py.stdout) : undefined;
if (!cv2) console.error(`bench/preprocess: cv2 side failed: ${py.stderr.trim().split('\n').pop()}`);
const results = {
  machine: `${os.cpus()[0].model}, ${os.availableParallelism()} cores, node ${process.version}`,
  slices: slices.length,
  cv2: cv2?.cv2,
  chains: {},
};
for (const [name, spec] of Object.entries(chains)) {
  const chain = parseChain(spec);
  const chainOnly = await rate((s) => applyChain(chain, s, cv), slices);
  const withDecode = await rate(async (item) => applyChain(chain, await decodeImage(item.source.path), cv), dataset.items);
  const cacheDir = join(root, `.cache-${name}`);
  let t = performance.now();
  const hashMemo = join(cacheDir, 'hashes.json');
  const first = await preprocessWithCache(await cacheInputs(await openDataset(root), { hashMemo }), chain, { cacheDir, ops: cv });
  const firstSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const second = await preprocessWithCache(await cacheInputs(await openDataset(root), { hashMemo }), chain, { cacheDir, ops: cv });
  const secondSeconds = (performance.now() - t) / 1000;
  if (first.hit || !second.hit) throw new Error('cache did not behave: first run hit or second missed');
  results.chains[name] = {
    spec: chain.spec,
    alzbenchChainOnly: Math.round(chainOnly),
    cv2ChainOnly: cv2 && Math.round(cv2[`chain_${name}`]),
    ratioChainOnly: cv2 && +(cv2[`chain_${name}`] / chainOnly).toFixed(2),
    alzbenchWithDecode: Math.round(withDecode),
    cv2WithDecode: cv2 && Math.round(cv2[`chain_${name}_with_decode`]),
    ratioWithDecode: cv2 && +(cv2[`chain_${name}_with_decode`] / withDecode).toFixed(2),
    firstRunCached: Math.round(slices.length / firstSeconds),
    secondRunCached: Math.round(slices.length / secondSeconds),
    cacheSpeedup: +(firstSeconds / secondSeconds).toFixed(1),
  };
}
rmSync(root, { recursive: true, force: true });
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../results/preprocess.json', import.meta.url), JSON.stringify(results, null, 1));
console.log(JSON.stringify(results, null, 1));
