import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpError } from './http-error.js';
import { SerialQueue } from './serial-queue.js';

test('SerialQueue: one job at a time in arrival order, a failed job does not stop the next, 503 beyond the waiting room', async () => {
  const queue = new SerialQueue(2, 'volume predictions');
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const job =
    (name: string, wait?: Promise<void>, fail = false) =>
    async () => {
      log.push(`start ${name}`);
      await wait;
      log.push(`end ${name}`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    };
  const a = queue.run(job('a', gate, true));
  const b = queue.run(job('b'));
  const c = queue.run(job('c'));
  await assert.rejects(
    queue.run(job('d')),
    (e: HttpError) =>
      e instanceof HttpError &&
      e.status === 503 &&
      e.message === 'The server is busy: one of its volume predictions is running and 2 more are waiting (at most 2)' &&
      e.hint === 'try again in a minute',
  );
  release();
  await assert.rejects(a, /a failed/);
  assert.deepEqual(await Promise.all([b, c]), ['b', 'c']);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.equal(await queue.run(job('e')), 'e', 'the queue takes jobs again once drained');
});
