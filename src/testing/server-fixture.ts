// Shared set-up of the dashboard tests: a real run store filled by real (tiny) trainings on a toy
// data set, so the API and the browser see what a user's store holds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/open-store.js';
import { syncRunsDir } from '../store/sync.js';
import type { RunStore } from '../store/types.js';
import { train } from '../train/trainer.js';
import { writeToyDataset } from './train-helpers.js';

/** What {@link makeDashboardFixture} made. */
export interface DashboardFixture {
  readonly dir: string;
  readonly data: string;
  readonly runsDir: string;
  readonly store: RunStore;
  /** Two finished runs on the same split (so McNemar can pair them) and one left running. */
  readonly ids: { readonly sgd: string; readonly adam: string; readonly live: string };
}

const base = { task: 'binary', widths: [4, 8], batchSize: 8, bootstrap: 50, camSamples: 6, seed: 3 } as const;

/**
 * Trains three tiny simple_cnn runs (120 toy slices of 32 x 32, 12 in the test split; ~1 s each) into a fresh run folder and
 * store: `sgd` and `adam` (3 epochs, finished), and `live`, stopped after epoch 1 as if still
 * training (status running, pid = this process), for the live-update tests to resume.
 */
export async function makeDashboardFixture(): Promise<DashboardFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-serve-'));
  const data = await writeToyDataset({ subjectsPerClass: 20, slices: 3, size: 32 });
  const runsDir = join(dir, 'runs');
  const ids = { sgd: '20250101-000001-simple_cnn-sgd001', adam: '20250101-000002-simple_cnn-adam02', live: '20250101-000003-simple_cnn-live03' };
  await train({ ...base, data, runsDir, epochs: 3, optimizer: 'sgd', lr: 0.1, name: 'sgd-baseline' }, { runId: ids.sgd });
  await train({ ...base, data, runsDir, epochs: 3, optimizer: 'adam', lr: 0.01 }, { runId: ids.adam });
  await train({ ...base, data, runsDir, epochs: 3, optimizer: 'sgd', lr: 0.03 }, { runId: ids.live, haltAfterEpoch: 1 });
  const store = await openStore(join(dir, 'store.sqlite'));
  const result = await syncRunsDir(store, runsDir);
  if (result.errors.length) throw new Error(`fixture runs unreadable: ${JSON.stringify(result.errors)}`);
  return { dir, data, runsDir, store, ids };
}
