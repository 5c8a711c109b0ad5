import { isPostgresUrl, openStore, defaultDbRef } from '../../store/open-store.js';
import { startWorker } from '../../queue/worker.js';
import { AlzbenchError, invalid } from '../../util/errors.js';
import { type Command, parseFlags } from '../command.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';
import { describeRule, flagValue } from '../../util/schema.js';
import { SECONDS, THREADS, WORKERS as CONCURRENCY } from '../flag-rules.js';

const flags = {
  db: { type: 'string', value: 'URL', help: `the PostgreSQL run store (or $ALZBENCH_DB)` },
  device: { type: 'string', value: 'D', help: `cpu (default), cuda or cuda:N: the device its runs train on` },
  concurrency: { type: 'string', value: 'N', help: `runs at once (default 1; ${describeRule(CONCURRENCY)}), each with cores/N libtorch threads` },
  threads: { type: 'string', value: 'N', help: `libtorch threads per run (default cores/concurrency; ${describeRule(THREADS)})` },
  'runs-dir': { type: 'string', value: 'DIR', help: `run folders (default runs); a shared folder lets runs resume on another worker` },
  name: { type: 'string', value: 'NAME', help: `name shown in listings and recorded on its runs (default the host name)` },
  lease: { type: 'string', value: 'SECONDS', help: `a run without a heartbeat for this long is taken over (default 60)` },
  poll: { type: 'string', value: 'SECONDS', help: `heartbeat and queue poll interval (default 1)` },
  'exit-when-idle': { type: 'boolean', default: false, help: `stop once no run in the store is queued or running (default: wait for work)` },
  json: { type: 'boolean', default: false, help: `print one JSON summary on stdout when it stops` },
} satisfies FlagTable;

const usage = usageText({
  synopsis: `usage: alzbench worker --db postgres://... [--device cpu|cuda|cuda:N] [--concurrency N] [--runs-dir DIR] [--name NAME] [--json]`,
  about: `Takes runs from the job queue of a PostgreSQL run store (sweeps sent with
"alzbench sweep file.yaml --db postgres://..."), trains them, writes metrics and run folders into
the store, and heartbeats. Start any number, on any machines. A run whose worker is lost
(killed, machine gone) is taken over by another worker after the lease (--lease, 60 s): it resumes
from its last checkpoint when --runs-dir is a folder all workers share, and restarts otherwise.
SIGTERM or Ctrl-C drains the worker (finish the runs in hand, take no new one, stop); a second
Ctrl-C stops at once (the runs go back to the queue). See also: alzbench worker drain, worker list.`,
  flags,
});

function postgresUrl(db: string | undefined, command: string): string {
  const ref = defaultDbRef(db);
  if (!isPostgresUrl(ref)) {
    throw invalid('a postgres:// URL (workers share a PostgreSQL store)', '--db', ref, `alzbench ${command} --db postgres://user:pass@host/db`);
  }
  return ref;
}

/** `alzbench worker`: serve a PostgreSQL store's queue. */
export const workerCommand: Command = {
  name: 'worker',
  summary: "train runs from a PostgreSQL store's queue (any number of machines; drain with SIGTERM)",
  usage,
  flags,
  async run(argv) {
    const { values } = parseFlags('worker', argv, flags);
    const url = postgresUrl(values.db, 'worker');
    const device = values.device ?? 'cpu';
    if (!/^(cpu|cuda(:\d+)?)$/.test(device)) throw invalid('cpu, cuda or cuda:N', '--device', device);
    const trainer = process.env.ALZBENCH_SWEEP_TRAINER;
    if (device !== 'cpu' && !trainer) {
      // Fail here, not in every run: this libtorch must see a GPU.
      const { cudaDeviceCount } = await import('../../torch/memory.js');
      if (cudaDeviceCount() === 0)
        throw invalid(
          'a device this libtorch has (cpu; no CUDA device found)',
          '--device',
          device,
          'build the addon against a CUDA libtorch (README "GPU and many machines")',
        );
    }
    const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
    const worker = await startWorker({
      url,
      device,
      concurrency: flagValue(CONCURRENCY, '--concurrency', values.concurrency, 1),
      ...(values.threads ? { threads: flagValue(THREADS, '--threads', values.threads, 1) } : {}),
      runsDir: values['runs-dir'] ?? 'runs',
      ...(values.name ? { name: values.name } : {}),
      leaseMs: flagValue(SECONDS, '--lease', values.lease, 60) * 1000,
      pollMs: flagValue(SECONDS, '--poll', values.poll, 1) * 1000,
      exitWhenIdle: values['exit-when-idle'],
      // Testing aid: a stand-in trainer module for the training processes.
      ...(trainer ? { trainer } : {}),
      log,
    });
    let interrupts = 0;
    const onInt = () => (++interrupts === 1 ? worker.drain('SIGINT; Ctrl-C again to stop now') : worker.stopNow('second SIGINT'));
    const onTerm = () => worker.drain('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    try {
      const summary = await worker.done;
      if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      return 0;
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  },
};

const drainFlags = {
  db: { type: 'string', value: 'URL', help: 'the PostgreSQL run store (or $ALZBENCH_DB)' },
  all: { type: 'boolean', default: false, help: 'every running worker of the store' },
  json: { type: 'boolean', default: false, help: 'print {"drained": [...]} on stdout' },
} satisfies FlagTable;

const drainUsage = usageText({
  synopsis: 'usage: alzbench worker drain <worker name or id>... | --all  --db postgres://...',
  about: `Asks workers, through the store, to drain: each finishes the runs it holds, takes no new one,
and stops (within one of its heartbeats). Names and ids as in "alzbench worker list".`,
  flags: drainFlags,
});

const listFlags = {
  db: { type: 'string', value: 'URL', help: 'the PostgreSQL run store (or $ALZBENCH_DB)' },
  json: { type: 'boolean', default: false, help: 'print the workers as one JSON document on stdout' },
} satisfies FlagTable;

/** `alzbench worker drain`: ask workers to stop after their current runs. */
export const workerDrainCommand: Command = {
  name: 'worker drain',
  summary: 'ask workers (by name or id, or --all) to finish their runs and stop',
  usage: drainUsage,
  flags: drainFlags,
  async run(argv) {
    const { values, positionals } = parseFlags('worker drain', argv, drainFlags, true);
    if (values.all === positionals.length > 0)
      throw new AlzbenchError(`Expected worker names or --all (one of them) but received ${values.all ? '--all and names' : 'neither'}`, {
        hint: 'alzbench worker list shows the workers',
        exitCode: 2,
      });
    const store = await openStore(postgresUrl(values.db, 'worker drain'));
    try {
      const asked = await store.drainWorkers(values.all ? 'all' : positionals);
      if (!values.all && asked.length === 0)
        throw new AlzbenchError(`No running worker named ${positionals.map((p) => JSON.stringify(p)).join(', ')}`, {
          hint: 'alzbench worker list shows the workers',
          exitCode: 2,
        });
      if (values.json) process.stdout.write(`${JSON.stringify({ drained: asked })}\n`);
      else console.log(asked.length ? `asked to drain: ${asked.join(', ')}` : 'no running workers');
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** `alzbench worker list`: the store's workers. */
export const workerListCommand: Command = {
  name: 'worker list',
  summary: 'workers of a PostgreSQL store: device, state, heartbeat, runs done',
  usage: usageText({
    synopsis: 'usage: alzbench worker list --db postgres://... [--json]',
    about: 'A worker whose heartbeat is older than a minute is shown as lost.',
    flags: listFlags,
  }),
  flags: listFlags,
  async run(argv) {
    const { values } = parseFlags('worker list', argv, listFlags);
    const store = await openStore(postgresUrl(values.db, 'worker list'));
    try {
      const workers = (await store.listWorkers()).map((w) => ({
        ...w,
        state: w.state !== 'stopped' && Date.now() - Date.parse(w.heartbeatAt) > 60_000 ? 'lost' : w.state,
      }));
      if (values.json) {
        process.stdout.write(`${JSON.stringify(workers)}\n`);
        return 0;
      }
      if (workers.length === 0) console.log('no workers');
      for (const w of workers)
        console.log(
          `${w.name.padEnd(16)} ${w.id.padEnd(24)} ${w.device.padEnd(7)} x${w.concurrency} ${w.state.padEnd(9)}${w.drain && w.state !== 'stopped' ? ' (drain asked)' : ''} ${w.runsDone} run(s)  heartbeat ${w.heartbeatAt}`,
        );
      return 0;
    } finally {
      await store.close();
    }
  },
};
