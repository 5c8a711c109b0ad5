/**
 * The training process a sweep worker starts for one run: `node train-child.js <job JSON>`.
 * Trains with the trainer's TypeScript API under the run id the store gave the run, or resumes
 * the run's folder when an earlier attempt left one (a killed worker's run continues from its
 * last checkpoint). Progress lines go to stderr; the exit code says how it ended (0: the run
 * ended, done, collapsed or diverged; 1: it failed).
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TrainConfigInput } from '../train/config.js';
import type { TrainOptions, TrainResult } from '../train/trainer.js';
import type { RunRecord } from '../run-folder/run-folder.js';
import { readRunRecord } from '../run-folder/run-files.js';

/** What the worker passes. */
export interface TrainJob {
  readonly runId: string;
  readonly runsDir: string;
  readonly settings: TrainConfigInput;
  /** Module with `train` and `resumeRun` (default the real trainer; tests pass a fixture trainer). */
  readonly trainer?: string;
}

interface Trainer {
  train(settings: TrainConfigInput, options: TrainOptions): Promise<TrainResult>;
  resumeRun(ref: string, options: TrainOptions & { runsDir?: string }): Promise<TrainResult>;
}

const job = JSON.parse(process.argv[2] ?? '{}') as TrainJob;
// Our worker died (the IPC channel closed): stop rather than train on unwatched. The channel
// must not keep this process alive by itself.
process.on('disconnect', () => {
  process.stderr.write(`run ${job.runId}: its worker is gone; stopping\n`);
  process.exit(1);
});
process.channel?.unref();
const trainer = (await import(job.trainer ? pathToFileURL(resolve(job.trainer)).href : '../train/trainer.js')) as Trainer;
const { stderrReporter } = await import('../train/progress.js');
const onEvent = stderrReporter(process.stderr, { bar: false });
const dir = resolve(job.runsDir, job.runId);
try {
  let result: TrainResult;
  // run.json through its schema: a damaged one fails this attempt with the named error.
  let record: RunRecord | null = existsSync(join(dir, 'run.json')) ? readRunRecord(join(dir, 'run.json')) : null;
  if (record && ['done', 'diverged', 'collapsed'].includes(record.status)) {
    // Finished by an earlier attempt whose worker was lost before it told the store: never again.
    process.stderr.write(`run ${job.runId}: already ${record.status} in its folder\n`);
    process.exit(0);
  }
  if (record && typeof job.settings.device === 'string' && record.device !== undefined && record.device !== job.settings.device) {
    // Taken over by a worker on another device (a CPU run on a GPU worker, or back): a checkpoint
    // holds device-bound state (RNG, optimizer buffers), and a run's epochs should share a
    // device, so the run starts again here rather than resuming.
    process.stderr.write(`run ${job.runId}: started on ${record.device}, this worker trains on ${job.settings.device}: starting again\n`);
    rmSync(dir, { recursive: true, force: true });
    record = null;
  }
  if (record) {
    result = await trainer.resumeRun(job.runId, { runsDir: job.runsDir, onEvent });
  } else {
    // A folder without run.json is a start killed before its first write: begin again.
    rmSync(dir, { recursive: true, force: true });
    result = await trainer.train({ ...job.settings, runsDir: job.runsDir }, { runId: job.runId, onEvent, given: job.settings as Record<string, unknown> });
  }
  process.stderr.write(`run ${result.id}: ${result.status}${result.reason ? ` (${result.reason})` : ''}\n`);
  process.exitCode = 0;
} catch (error) {
  process.stderr.write(`run ${job.runId} failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
