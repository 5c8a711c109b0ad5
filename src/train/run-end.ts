/**
 * How a training run ends, shared by the slice trainer (trainer.ts) and volume runs
 * (volume-run.ts): stopped by a signal after its last checkpoint, or finished (done, diverged or
 * collapsed) after its test phase. Each marks run.json through the {@link RunRecorder}, logs the
 * one line a user needs, and returns the {@link TrainResult}.
 */
import type { TrainerState } from '../models/checkpoint.js';
import type { RunStatus } from '../run-folder/run-folder.js';
import type { EpochRecord } from './events.js';
import type { RunRecorder } from './run-recorder.js';
import type { TestReport } from './test-phase.js';
import type { TrainResult } from './trainer.js';

/**
 * Marks the run `interrupted` after epoch `state.epoch` (its last checkpoint) and logs the command
 * that continues it.
 *
 * @param run the run's recorder
 * @param signal the signal that stopped it (`SIGINT`, `SIGTERM`)
 * @param state the trainer state of the last checkpoint
 * @param history every finished epoch's record
 * @param log where the INTERRUPTED line goes
 * @returns the result with status `interrupted` and no test report
 */
export function interruptedRun(
  run: RunRecorder,
  signal: string,
  state: TrainerState,
  history: readonly EpochRecord[],
  log: (text: string) => void,
): TrainResult {
  const reason = run.interrupt(signal, state.epoch);
  log(`INTERRUPTED: ${reason}; continue with: ${run.resumeCommand}`);
  return { id: run.id, dir: run.paths.dir, status: 'interrupted', reason, epochsDone: state.epoch, bestEpoch: state.best?.epoch ?? null, history, test: null };
}

/**
 * Ends a run that trained to its end: `diverged` when the loss went non-finite, else `collapsed`
 * when the selected model predicts one class (`finalCollapsed`), else `done`; writes run.json's end
 * and logs the COLLAPSED line when it collapsed.
 *
 * @param run the run's recorder
 * @param end why it may have stopped (`diverged`: the reason, or undefined), whether the selected model
 *   collapsed, every collapsed epoch, the test report (null when no test phase ran), the samples
 *   the collapse share counts (`slices`, `sessions`) and the share that counts as collapsed (0-1)
 * @param state the trainer state after the last epoch
 * @param history every finished epoch's record
 * @param log where the COLLAPSED line goes
 * @returns the run's result
 */
export function endedRun(
  run: RunRecorder,
  end: {
    readonly diverged: string | undefined;
    readonly finalCollapsed: boolean;
    readonly collapsedEpochs: readonly number[];
    readonly test: TestReport | null;
    readonly samples: string;
    readonly collapseThreshold: number;
  },
  state: TrainerState,
  history: readonly EpochRecord[],
  log: (text: string) => void,
): TrainResult {
  const { diverged, finalCollapsed, test } = end;
  const status: RunStatus = diverged ? 'diverged' : finalCollapsed ? 'collapsed' : 'done';
  const reason =
    diverged ??
    (finalCollapsed
      ? `the selected model (epoch ${state.best?.epoch}) predicts one class for at least ${end.collapseThreshold * 100} % of ${test ? 'test' : 'validation'} ${end.samples}`
      : undefined);
  run.finish({
    status,
    collapsedEpochs: end.collapsedEpochs,
    finalCollapsed,
    ...(reason ? { reason } : {}),
    ...(test ? { test: test.best.headline } : {}),
  });
  if (finalCollapsed) log(`COLLAPSED: ${reason}`);
  return {
    id: run.id,
    dir: run.paths.dir,
    status,
    ...(reason ? { reason } : {}),
    epochsDone: history.at(-1)?.epoch ?? 0,
    bestEpoch: state.best?.epoch ?? null,
    history,
    test,
  };
}
