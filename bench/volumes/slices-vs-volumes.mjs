// bench/volumes: experiments/slices-vs-volumes.yaml end to end, timed: generate the BIDS set,
// run the sweep (slice arm and volume arm, 3 seeds each), print the three-row table for
// BENCHMARKS.md ("Whole volumes (issue 14)") and write bench/results/slices-vs-volumes.json.
// usage: node bench/volumes/slices-vs-volumes.mjs [--dir /tmp/svv] [--workers 2] [--scale full]
// A second call reuses the data and every finished run (the sweep skips them).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../../dist/store/open-store.js';
import { slicesVsVolumesMarkdown, slicesVsVolumesTable } from '../../dist/report/slices-vs-volumes.js';

const { values } = parseArgs({
  options: { dir: { type: 'string', default: '/tmp/svv' }, workers: { type: 'string', default: '2' }, scale: { type: 'string', default: 'full' } },
});
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'alzbench.js');
const dir = values.dir;
const data = join(dir, 'svv-data');
mkdirSync(dir, { recursive: true });
const alzbench = (args) => execFileSync(process.execPath, [bin, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const t0 = performance.now();
if (!existsSync(join(data, 'participants.tsv')))
  alzbench(['synth', '--volumes', '--out', data, '--subjects', '140', '--slices', '24', '--downsample', '4', '--test-fraction', '0.3']);
const synthSeconds = (performance.now() - t0) / 1000;
const t1 = performance.now();
const summary = JSON.parse(
  alzbench([
    'sweep',
    join(root, 'experiments', 'slices-vs-volumes.yaml'),
    '--scale',
    values.scale,
    '--set',
    `data=${data}`,
    '--workers',
    values.workers,
    '--json',
  ]),
);
const sweepSeconds = (performance.now() - t1) / 1000;
const store = await openStore(join(dir, 'alzbench.db'));
const table = slicesVsVolumesTable(await store.listRuns({ sweepId: summary.sweep }));
await store.close();
const cpu = `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores)`;
console.log(`${cpu}; data ${synthSeconds.toFixed(0)} s, sweep ${sweepSeconds.toFixed(0)} s (${values.workers} workers)\n`);
console.log(slicesVsVolumesMarkdown(table));
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'slices-vs-volumes.json'),
  `${JSON.stringify({ cpu, synthSeconds, sweepSeconds, sweep: summary.sweep, table }, null, 2)}\n`,
);
