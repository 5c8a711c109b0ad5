/**
 * A stand-in for the trainer in sweep tests: the same `train` / `resumeRun` calls, writing fixture
 * run folders (src/store/fixture-run.ts) one epoch every ALZBENCH_FIXTURE_EPOCH_MS milliseconds
 * (default 0), so tests can kill workers mid-run without training a network. With
 * ALZBENCH_FIXTURE_COMPLETIONS=<file>, each finished training appends `<run id> <pid>` to it.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finishFixtureRun, startFixtureRun, writeFixtureEpoch, type FixtureOptions } from './fixture-run.js';
import { runPaths, writeJsonAtomic, type RunRecord } from '../run-folder/run-folder.js';
import type { TrainConfigInput } from '../train/config.js';
import type { TrainOptions, TrainResult } from '../train/trainer.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const epochMs = () => Number(process.env.ALZBENCH_FIXTURE_EPOCH_MS ?? 0);

async function runFrom(options: FixtureOptions, firstEpoch: number): Promise<TrainResult> {
  const paths = runPaths(resolve(options.runsDir, options.id));
  const epochs = Number(options.config.epochs ?? 3);
  if (options.config.model === 'fail') throw new Error('fixture trainer: model "fail" always fails');
  for (let e = firstEpoch; e <= epochs; e++) {
    await pause(epochMs());
    writeFixtureEpoch(paths, options, e);
  }
  const record = finishFixtureRun(paths, options);
  // Tests of the queue count completions across processes: one line per finished training.
  if (process.env.ALZBENCH_FIXTURE_COMPLETIONS) appendFileSync(process.env.ALZBENCH_FIXTURE_COMPLETIONS, `${options.id} ${process.pid}\n`);
  return { id: options.id, dir: paths.dir, status: record.status, epochsDone: epochs, bestEpoch: epochs, history: [], test: null };
}

/** Like the trainer's `train`: a new fixture run under `options.runId`. */
export async function train(settings: TrainConfigInput, options: TrainOptions = {}): Promise<TrainResult> {
  const fixture: FixtureOptions = {
    runsDir: String(settings.runsDir ?? 'runs'),
    id: options.runId!,
    name: (settings.name as string | undefined) ?? null,
    config: settings as Record<string, unknown>,
  };
  const paths = startFixtureRun(fixture);
  try {
    return await runFrom(fixture, 1);
  } catch (error) {
    const record = JSON.parse(readFileSync(paths.record, 'utf8')) as RunRecord;
    writeJsonAtomic(paths.record, { ...record, status: 'failed', reason: (error as Error).message, pid: undefined });
    throw error;
  }
}

/** Like the trainer's `resumeRun`: continues after the last epoch in metrics.jsonl. */
export async function resumeRun(ref: string, options: TrainOptions & { runsDir?: string } = {}): Promise<TrainResult> {
  const dir = resolve(options.runsDir ?? 'runs', ref);
  const paths = runPaths(dir);
  const record = JSON.parse(readFileSync(paths.record, 'utf8')) as RunRecord;
  const config = JSON.parse(readFileSync(paths.config, 'utf8')) as Record<string, unknown>;
  const done = existsSync(paths.metrics)
    ? readFileSync(paths.metrics, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '').length
    : 0;
  writeJsonAtomic(paths.record, {
    ...record,
    status: 'running',
    pid: process.pid,
    resumed: [...(record.resumed ?? []), { at: new Date().toISOString(), fromEpoch: done, pid: process.pid }],
  });
  return runFrom({ runsDir: join(dir, '..'), id: ref, config }, done + 1);
}
