// test.json read back through its schema: a run folder's report round-trips, reports of earlier
// versions (no headline, subject, calibration, cam) still read, and damaged ones are named errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFixtureRun } from '../testing/fixture-run.js';
import { checkTestReport, readTestReport, TEST_REPORT_HINT } from './test-report.js';
import { AlzbenchError } from '../util/errors.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'alzbench-test-report-'));

test('a run folder test.json (real metrics, CIs, subject figures, calibration) reads back unchanged', () => {
  const paths = writeFixtureRun({ runsDir: tmp(), id: 'round-trip', config: { epochs: 2 } });
  const written = JSON.parse(readFileSync(paths.test, 'utf8'));
  const read = readTestReport(paths.test);
  assert.deepEqual(read, written);
  assert.equal(read.best.epoch, 2);
  assert.equal(read.best.ci?.unit, 'subject');
  assert.equal(typeof read.calibration?.test.ece, 'number');
  assert.deepEqual(read.cam, ['cam/00-Alzheimer-as-Alzheimer-slice-000.png']);
});

test('test.json of earlier versions reads: no headline, subject, calibration or cam; NaN figures stored as null', () => {
  const first = {
    selectedBy: 'balancedAccuracy',
    samples: 4,
    best: {
      epoch: 3,
      metrics: {
        accuracy: 0.75,
        balancedAccuracy: 0.5,
        auc: null,
        loss: null,
        confusion: [
          [2, 0],
          [1, 1],
        ],
      },
      collapsed: false,
      ci: null,
    },
    last: null,
  };
  const read = checkTestReport(first, 'runs/old/test.json');
  assert.equal(read.best.metrics.auc, null);
  assert.equal(read.best.subject, undefined);
  assert.equal(read.calibration, undefined);
  assert.equal(read.cam, undefined);
  // Fields a later version adds pass through unchecked.
  assert.equal((checkTestReport({ ...first, future: { x: 1 } }, 'x') as Record<string, unknown>).future !== undefined, true);
});

test('a damaged test.json is a named error: field path, where, expected, received, hint', () => {
  const base = { best: { epoch: 1, metrics: { accuracy: 0.5 } } };
  const message = (value: unknown) => {
    try {
      checkTestReport(value, 'runs/x/test.json');
    } catch (error) {
      assert.ok(error instanceof AlzbenchError);
      assert.equal(error.exitCode, 2);
      assert.equal(error.hint, TEST_REPORT_HINT);
      return error.message;
    }
    assert.fail('no error');
  };
  assert.equal(
    message({ best: { epoch: 1, metrics: { accuracy: 'high' } } }),
    'Expected number or null for best.metrics.accuracy in runs/x/test.json but received "high" of type string',
  );
  assert.equal(message({ samples: 4 }), 'Expected mapping (the best epoch) for best in runs/x/test.json but received undefined');
  assert.equal(message({ best: { metrics: {} } }), 'Expected positive integer for best.epoch in runs/x/test.json but received undefined');
  assert.equal(message({ ...base, cam: ['cam/a.png', 7] }), 'Expected string for cam.1 in runs/x/test.json but received 7 of type number');
  assert.equal(
    message({ ...base, best: { ...base.best, ci: { unit: 'person' } } }),
    'Expected subject or slice for best.ci.unit in runs/x/test.json but received "person" of type string',
  );
  assert.equal(message([1]), 'Expected a test report (a JSON object) in runs/x/test.json but received [1 of type number] of type array');
  assert.equal(message(null), 'Expected a test report (a JSON object) in runs/x/test.json but received null');
  const path = join(tmp(), 'test.json');
  writeFileSync(path, '{"best": {"epoch": 1, "metr');
  assert.throws(
    () => readTestReport(path),
    (error: AlzbenchError) => error.message.startsWith(`Cannot parse ${path}: `) && error.hint === TEST_REPORT_HINT,
  );
});
