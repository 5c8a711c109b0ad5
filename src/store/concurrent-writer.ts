/**
 * A store writer process for the concurrency test (store.test.ts): claims queued runs of a sweep
 * until none is left, and between claims writes epochs and tags to one shared run. Prints one
 * JSON line with what it claimed. Arguments: <db> <sweepId> <sharedRunId> <worker number> <count>
 * <start time in ms>: both writers open the store, then start at the same moment.
 */
import { openStore } from './open-store.js';
import { epochFromRecord } from './read-run-folder.js';

const [db, sweepId, shared, workerText, countText, startText] = process.argv.slice(2);
const worker = Number(workerText);
const count = Number(countText);
const store = await openStore(db!);
const claimed: string[] = [];
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startText) - Date.now())));
try {
  for (let i = 0; i < count; i++) {
    const run = await store.claimNextRun(sweepId!, `test/${worker}`);
    if (run) claimed.push(run.id);
    // Worker 0 writes odd epochs, worker 1 even ones: all must be there in the end.
    const epoch = 2 * i + 1 + worker;
    await store.putEpochs(shared!, [epochFromRecord({ epoch, lr: 0.01, trainLoss: 1 / epoch, val: { accuracy: worker } })]);
    await store.addTags(shared!, [`w${worker}-${i}`]);
  }
  for (;;) {
    const run = await store.claimNextRun(sweepId!, `test/${worker}`);
    if (!run) break;
    claimed.push(run.id);
  }
} finally {
  await store.close();
}
process.stdout.write(`${JSON.stringify({ worker, claimed })}\n`);
