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
 * Whether the selected model collapsed onto one class: on the test split when the test phase ran,
 * else on the validation split of the selected epoch (its record's `collapsed`). One rule for
 * slice and volume runs, so a run without test data is flagged as one with it would be.
 *
 * @param test the test report, or null when no test phase ran (no test split, or no best checkpoint)
 * @param history every finished epoch's record
 * @param bestEpoch the selected epoch, or null before any
 * @returns true when the selected model predicts one class for at least the collapse threshold's share
 */
export function selectedCollapsed(test: TestReport | null, history: readonly EpochRecord[], bestEpoch: number | null): boolean {
  return test ? test.best.collapsed : (history.find((r) => r.epoch === bestEpoch)?.collapsed ?? false);
}

/**
 * Ends a run that trained to its end: `diverged` when the loss went non-finite, else `collapsed`
 * when the selected model predicts one class ({@link selectedCollapsed}), else `done`; writes
 * run.json's end and logs the COLLAPSED line when it collapsed. A run without a test split says so
 * in its `reason` (after the collapse, when both).
 *
 * @param run the run's recorder
 * @param end why it may have stopped (`diverged`: the reason, or undefined), every collapsed
 *   epoch, the test report (null when no test phase ran), the note that the split has no test
 *   samples (null when it has; split-sizes.ts), the samples the collapse share counts (`slices`,
 *   `sessions`) and the share that counts as collapsed (0-1)
 * @param state the trainer state after the last epoch
 * @param history every finished epoch's record
 * @param log where the COLLAPSED line goes
 * @returns the run's result
 */
export function endedRun(
  run: RunRecorder,
  end: {
    readonly diverged: string | undefined;
    readonly collapsedEpochs: readonly number[];
    readonly test: TestReport | null;
    readonly noTest: string | null;
    readonly samples: string;
    readonly collapseThreshold: number;
  },
  state: TrainerState,
  history: readonly EpochRecord[],
  log: (text: string) => void,
): TrainResult {
  const { diverged, test } = end;
  const finalCollapsed = selectedCollapsed(test, history, state.best?.epoch ?? null);
  const status: RunStatus = diverged ? 'diverged' : finalCollapsed ? 'collapsed' : 'done';
  const collapse = finalCollapsed
    ? `the selected model (epoch ${state.best?.epoch}) predicts one class for at least ${end.collapseThreshold * 100} % of ${test ? 'test' : 'validation'} ${end.samples}`
    : undefined;
  const reason = [diverged ?? collapse, end.noTest].filter((r) => r).join('; ') || undefined;
  run.finish({
    status,
    collapsedEpochs: end.collapsedEpochs,
    finalCollapsed,
    ...(reason ? { reason } : {}),
    ...(test ? { test: test.best.headline } : {}),
  });
  if (collapse) log(`COLLAPSED: ${collapse}`);
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
