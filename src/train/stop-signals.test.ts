import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StopSignals } from './stop-signals.js';

test('the first signal asks to stop; a SIGTERM passed on after a SIGINT does not end the process', async () => {
  const listeners = () => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
  const before = listeners();
  const signals = new StopSignals();
  try {
    assert.equal(signals.received, undefined);
    process.kill(process.pid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(signals.received, 'SIGINT');
    // A sweep passes its own stop on as SIGTERM: the run is already stopping; this process lives on.
    process.kill(process.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(signals.received, 'SIGINT');
  } finally {
    signals.dispose();
  }
  assert.equal(listeners(), before, 'handlers removed');
});
