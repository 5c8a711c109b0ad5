import { readSweepFile } from '../../sweep/spec.js';
import { runSweep } from '../../sweep/run-sweep.js';
import { settingsFromFlags } from '../../train/config.js';
import { AlzbenchError, invalid } from '../../util/errors.js';
import { type Command, parseFlags } from '../command.js';
import { describeRule, flagValue } from '../../util/schema.js';
import { ATTEMPTS, WORKERS } from '../flag-rules.js';
import { openSyncedStore, STORE_FLAGS } from './store-options.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';
import { defaultDbRef, isPostgresUrl } from '../../store/open-store.js';
import { openRunQueue } from '../../queue/run-queue.js';
import { enqueueSweep, followSweep } from '../../queue/enqueue.js';
import type { SweepSpec } from '../../sweep/spec.js';

const flags = {
  workers: { type: 'string', value: 'N', help: `training processes at once (default 1; ${describeRule(WORKERS)})` },
  scale: { type: 'string', value: 'NAME', help: 'the file\'s variant: full (default, or the file\'s "scale:") or e.g. small' },
  set: { type: 'string', multiple: true, value: 'key=value', help: 'override a base setting for every run, e.g. --set data=/data/kaggle (repeatable)' },
  attempts: { type: 'string', value: 'N', help: `tries per run when its worker dies (default 2; ${describeRule(ATTEMPTS)})` },
  'create-only': { type: 'boolean', default: false, help: 'only create the runs in the store' },
  follow: { type: 'boolean', default: false, help: 'with a postgres:// store: wait until workers ended every run, printing progress' },
  json: { type: 'boolean', default: false, help: 'print one JSON document with the summary on stdout' },
  ...STORE_FLAGS,
} satisfies FlagTable;

const usage = usageText({
  synopsis: 'usage: alzbench sweep <sweep.yaml> [--workers N] [--scale NAME] [--set key=value]... [--db REF] [--follow] [--json]',
  about: `Creates the sweep's runs in the run store (one per grid or list point) and trains them with N
local worker processes, each with its share of the CPU threads. Started again, it skips finished
runs and continues the others (a run whose worker was killed resumes from its last checkpoint;
after --attempts tries it is marked failed). Ctrl-C stops the workers; their runs stay queued.
See experiments/ for the study's tables as sweep files.

With --db postgres://... and no --workers, the runs go to the store's job queue and the command
returns: "alzbench worker --db postgres://..." on any machines trains them (README "GPU and many
machines"). With --workers N it trains them here, as with a SQLite file.`,
  flags,
});

/** `alzbench sweep`: run a sweep file. */
export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run a grid or list of trainings from a sweep file with N workers (restartable)',
  usage,
  flags,
  async run(argv) {
    const { values, positionals } = parseFlags('sweep', argv, flags, true);
    if (positionals.length !== 1)
      throw new AlzbenchError(`Expected one sweep file but received ${positionals.length}`, {
        hint: 'alzbench sweep experiments/vgg19-grid.yaml --scale small',
        exitCode: 2,
      });
    const overrides: Record<string, string> = {};
    for (const pair of values.set ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw invalid('key=value', '--set', pair);
      overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const spec = readSweepFile(positionals[0]!, { ...(values.scale ? { scale: values.scale } : {}), overrides: settingsFromFlags(overrides) });
    const workers = flagValue(WORKERS, '--workers', values.workers, 1);
    if (isPostgresUrl(defaultDbRef(values.db)) && values.workers === undefined && !values['create-only']) return enqueueCommand(spec, values);
    if (values.follow) throw new AlzbenchError('--follow follows a queued sweep: it needs --db postgres://... and no --workers', { exitCode: 2 });
    const store = await openSyncedStore(values);
    try {
      const summary = await runSweep(store, spec, {
        workers,
        runsDir: values['runs-dir'] ?? 'runs',
        maxAttempts: flagValue(ATTEMPTS, '--attempts', values.attempts, 2),
        createOnly: values['create-only'],
        log: (line) => process.stderr.write(`${line}\n`),
        // Testing aid: a stand-in trainer module for the training processes.
        ...(process.env.ALZBENCH_SWEEP_TRAINER ? { trainer: process.env.ALZBENCH_SWEEP_TRAINER } : {}),
      });
      // Runs still running here belong to a process on another host (live ones on this host were
      // waited for): name them; they are not failures of this sweep.
      const elsewhere = (await store.listRuns({ sweepId: summary.sweep.id })).filter((r) => r.status === 'running');
      if (elsewhere.length > 0)
        process.stderr.write(
          `sweep: ${elsewhere.length} run(s) still training in another process: ${elsewhere.map((r) => `${r.id} (${r.owner ?? 'unknown owner'})`).join(', ')}\n`,
        );
      const unfinished = (summary.statuses.queued ?? 0) + (summary.statuses.interrupted ?? 0) + (summary.statuses.failed ?? 0);
      if (values.json) {
        process.stdout.write(
          `${JSON.stringify({
            sweep: summary.sweep.id,
            scale: summary.sweep.scale,
            runs: summary.runs,
            skipped: summary.skipped,
            statuses: summary.statuses,
            attempts: summary.attempts,
            seconds: summary.seconds,
            workers: summary.workers,
            threadsPerWorker: summary.threadsPerWorker,
            store: store.location,
          })}\n`,
        );
      } else {
        console.log(
          `sweep ${summary.sweep.id}: ${summary.runs} runs (${Object.entries(summary.statuses)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ')}), ${summary.skipped} skipped as finished, ${summary.seconds.toFixed(1)} s`,
        );
        console.log(`  compare: alzbench compare ${summary.sweep.id}${values.db ? ` --db ${values.db}` : ''}`);
      }
      return unfinished > 0 && !values['create-only'] ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};

/** A sweep on a PostgreSQL store: runs into the queue for `alzbench worker`s; `--follow` waits for them. */
async function enqueueCommand(
  spec: SweepSpec,
  values: { db?: string | undefined; 'runs-dir'?: string | undefined; attempts?: string | undefined; follow?: boolean; json?: boolean },
): Promise<number> {
  const started = performance.now();
  const store = await openSyncedStore(values);
  try {
    const queue = await openRunQueue(defaultDbRef(values.db));
    let summary;
    try {
      summary = await enqueueSweep(store, queue, spec, {
        runsDir: values['runs-dir'] ?? 'runs',
        maxAttempts: flagValue(ATTEMPTS, '--attempts', values.attempts, 2),
      });
    } finally {
      await queue.close();
    }
    const log = (line: string) => process.stderr.write(`${line}\n`);
    log(
      `sweep ${summary.sweep.id}: ${summary.runs} runs, ${summary.skipped} already ended, ${summary.enqueued} queued for workers (${summary.jobsCreated} new jobs) in ${store.location}`,
    );
    let statuses: Record<string, number> | null = null;
    if (values.follow) {
      log('following: start workers with "alzbench worker --db <the same URL>"; Ctrl-C stops following (the sweep goes on)');
      const stop = new AbortController();
      const onInt = () => stop.abort();
      process.on('SIGINT', onInt);
      try {
        statuses = await followSweep(store, summary.sweep.id, { log, signal: stop.signal });
      } finally {
        process.off('SIGINT', onInt);
      }
    }
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ sweep: summary.sweep.id, scale: summary.sweep.scale, runs: summary.runs, skipped: summary.skipped, enqueued: summary.enqueued, jobsCreated: summary.jobsCreated, statuses, seconds: (performance.now() - started) / 1000, store: store.location })}\n`,
      );
    } else if (statuses) {
      console.log(
        `sweep ${summary.sweep.id}: ${summary.runs} runs (${Object.entries(statuses)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ')})`,
      );
    } else {
      console.log(
        `sweep ${summary.sweep.id}: ${summary.enqueued} run(s) queued; train them with: alzbench worker --db <URL> [--device cuda] [--runs-dir <shared folder>]`,
      );
    }
    if (statuses && (statuses.queued ?? 0) + (statuses.running ?? 0) > 0) return 1;
    return 0;
  } finally {
    await store.close();
  }
}
