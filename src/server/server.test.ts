// The dashboard API against a real SQLite store holding runs made by real tiny trainings: what
// each endpoint answers is checked against the run folders the trainer wrote.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { SAMPLE_DIR, hasSample } from '../testing/data-helpers.js';
import { decodeImage } from '../data/decode-image.js';
import { compareRunPredictions } from '../eval/compare-predictions.js';
import { applyChain } from '../preprocess/chain.js';
import { parseChain } from '../preprocess/chain-spec.js';
import { loadImageOps } from '../preprocess/load-image-ops.js';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { memoryStats } from '../torch/memory.js';
import { toModelInput } from '../eval/model-input.js';
import { preprocessSlices } from '../data/data-tensors.js';
import { loadTrainedModel } from '../models/load-trained.js';
import { resumeRun } from '../train/trainer.js';
import type { CompareResponse, ModelChoice, PredictResponse, PreprocessResponse, RunDetail, RunsResponse, TestSlicesResponse } from './api-types.js';
import { MAX_WAITING_PREDICTIONS, startServer, type RunningServer } from './server.js';
import { SerialQueue } from './serial-queue.js';
import { ModelCache, predictSlice } from './inference.js';
import { makeDashboardFixture, type DashboardFixture } from '../testing/server-fixture.js';

let fixture: DashboardFixture;
let server: RunningServer;

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const runDir = (id: string) => join(fixture.runsDir, id);
const sampleSlice = () => join(SAMPLE_DIR, 'NonDemented', readdirSync(join(SAMPLE_DIR, 'NonDemented')).sort()[0]!);

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T; text: string }> {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: body as T, text };
}

before(async () => {
  fixture = await makeDashboardFixture();
  server = await startServer({ store: fixture.store, runsDir: fixture.runsDir, host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
  await fixture?.store.close();
});

test('GET /api/runs lists the stored runs with their status and headline test metrics', async () => {
  const { status, body } = await api<RunsResponse>('/api/runs');
  assert.equal(status, 200);
  assert.deepEqual(body.runs.map((r) => r.id).sort(), Object.values(fixture.ids).sort());
  const sgd = body.runs.find((r) => r.id === fixture.ids.sgd)!;
  const testJson = readJson(join(runDir(fixture.ids.sgd), 'test.json'));
  assert.equal(sgd.name, 'sgd-baseline');
  assert.equal(sgd.status, readJson(join(runDir(fixture.ids.sgd), 'run.json')).status);
  assert.equal(sgd.test.balancedAccuracy, testJson.best.metrics.balancedAccuracy);
  assert.equal(sgd.test.sensitivity, testJson.best.metrics.sensitivity);
  assert.equal(sgd.epochsDone, 3);
  assert.equal(sgd.model, 'simple_cnn');
  assert.equal(sgd.hasCheckpoint, true);
  const live = body.runs.find((r) => r.id === fixture.ids.live)!;
  assert.equal(live.status, 'running');
  assert.equal(live.epochsDone, 1);
  assert.equal(live.test.accuracy, null);
});

test('GET /api/runs/<id> holds config, split, leakage, curves, confusion, ROC, CIs and the Grad-CAM list, without file names or subject IDs', async () => {
  const id = fixture.ids.sgd;
  const { status, body: run, text } = await api<RunDetail>(`/api/runs/${id}`);
  assert.equal(status, 200);
  const dir = runDir(id);
  const record = readJson(join(dir, 'run.json'));
  const testJson = readJson(join(dir, 'test.json'));
  assert.deepEqual(run.config, readJson(join(dir, 'config.json')));
  assert.deepEqual(run.split!.counts, record.split.counts);
  assert.equal(run.split!.grouping, 'subject');
  // The twin check's per-subject list (subject IDs, train file names) stays in run.json, not in the API.
  const { twins, ...leakage } = record.leakage as { twins: { subjects: unknown[] } };
  const { subjects, ...twinSummary } = twins;
  assert.ok(subjects.length > 0);
  assert.deepEqual(run.leakage, { ...leakage, twins: twinSummary });
  assert.equal(run.dataset!.fingerprint, record.dataset.fingerprint);
  const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(run.epochRecords, lines);
  assert.deepEqual(run.confusion, testJson.best.metrics.confusion);
  assert.deepEqual(run.testReport!.best!.ci, testJson.best.ci);
  assert.equal(run.testReport!.last!.epoch, 3);
  // ROC of the positive class from the stored predictions: from (0,0) to (1,1).
  assert.equal(run.roc.length, 1);
  assert.deepEqual(run.roc[0]!.points[0], [0, 0]);
  assert.deepEqual(run.roc[0]!.points.at(-1), [1, 1]);
  // Grad-CAM: one entry per image the trainer wrote, classes read from its file names.
  assert.equal(run.cam.length, testJson.cam.length);
  run.cam.forEach((c, i) => {
    assert.match(testJson.cam[i], new RegExp(`^cam/\\d+-${c.trueClass}-as-${c.predictedClass}-`));
    assert.equal(c.correct, c.trueClass === c.predictedClass);
  });
  assert.ok(run.files.includes('plots/loss.svg') && run.files.includes('config.json'));
  // The toy set's subject IDs are "<class>-<n>" and its files "<class>/<class>-<n>-<k>.png": none may leak.
  assert.doesNotMatch(text, /(Mild|Non)Demented-\d/);
  assert.doesNotMatch(text, /\.png/);
});

test('run files: the Grad-CAM images and plots are served as written; files naming slices are not', async () => {
  const id = fixture.ids.sgd;
  const testJson = readJson(join(runDir(id), 'test.json'));
  const cam = await fetch(`${server.url}/api/runs/${id}/cam/1`);
  assert.equal(cam.status, 200);
  assert.equal(cam.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await cam.arrayBuffer()), readFileSync(join(runDir(id), testJson.cam[1])));
  const plot = await api<string>(`/api/runs/${id}/files/plots/loss.svg`);
  assert.equal(plot.status, 200);
  assert.equal(plot.text, readFileSync(join(runDir(id), 'plots', 'loss.svg'), 'utf8'));
  for (const path of ['predictions.csv', 'split.json', 'test.json', 'run.json', 'checkpoints/best.ckpt']) {
    assert.equal((await api(`/api/runs/${id}/files/${path}`)).status, 404, path);
  }
  assert.equal((await api(`/api/runs/${id}/cam/${testJson.cam.length}`)).status, 404);
  assert.equal((await api('/api/runs/no-such-run')).status, 404);
});

test('GET /api/compare: differing settings only, McNemar equal to the predictions files, baseline pin', async () => {
  const { sgd, adam } = fixture.ids;
  const { status, body, text } = await api<CompareResponse>(`/api/compare?runs=${sgd},${adam}&baseline=${sgd}`);
  assert.equal(status, 200);
  assert.equal(body.baseline, sgd);
  assert.deepEqual(body.columns, ['optimizer', 'lr']);
  const [base, other] = body.rows;
  assert.equal(base!.id, sgd);
  assert.equal(base!.mcnemar, null);
  assert.equal(base!.verdict, 'baseline');
  const expected = compareRunPredictions(join(runDir(adam), 'predictions.csv'), join(runDir(sgd), 'predictions.csv'));
  assert.equal(other!.mcnemar!.pValue, expected.pValue);
  assert.equal(other!.mcnemar!.samples, readJson(join(runDir(sgd), 'test.json')).samples);
  assert.deepEqual(Object.keys(body.curves).sort(), [adam, sgd].sort());
  assert.equal(body.curves[adam]!.epochs.length, 3);
  assert.doesNotMatch(text, /(Mild|Non)Demented-\d/);
  const pinned = await api<CompareResponse>(`/api/compare?runs=${sgd},${adam}&baseline=${adam}`);
  assert.equal(pinned.body.baseline, adam);
  assert.equal(pinned.body.rows.find((r) => r.id === adam)!.mcnemar, null);
  assert.equal((await api(`/api/compare?runs=${sgd},nope`)).status, 404);
  assert.equal((await api('/api/compare')).status, 400);
});

test("POST /api/predict: a real Kaggle slice gives the model's probabilities and a Grad-CAM overlay", {
  skip: !hasSample && 'no ../shared/data/kaggle4-sample',
}, async () => {
  const id = fixture.ids.sgd;
  const models = await api<{ models: ModelChoice[] }>('/api/models');
  assert.ok(models.body.models.some((m) => m.id === id));
  const bytes = readFileSync(sampleSlice());
  const { status, body } = await api<PredictResponse>(`/api/predict?run=${id}`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: bytes });
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(Object.keys(body.probabilities), ['Alzheimer', 'NonAlzheimer']);
  // The same numbers as the model's own forward pass on the same preprocessed input.
  const tensorsBefore = memoryStats().tensors;
  const trained = loadTrainedModel(runDir(id));
  const { pixels, size } = await preprocessSlices([await decodeImage(bytes)], trained.chain, trained.imageSize);
  const expected = tidy(
    () =>
      trained.model
        .forward(toModelInput(tensor(pixels, { shape: [1, 1, size[0], size[1]] })))
        .softmax(1)
        .toArray() as Float32Array,
  );
  trained.model.dispose();
  assert.equal(memoryStats().tensors, tensorsBefore);
  assert.ok(Math.abs(body.probabilities.Alzheimer! - expected[0]!) < 1e-5);
  assert.ok(Math.abs(body.probabilities.NonAlzheimer! - expected[1]!) < 1e-5);
  assert.equal(body.predicted, expected[0]! >= expected[1]! ? 'Alzheimer' : 'NonAlzheimer');
  const overlay = await sharp(Buffer.from(body.overlay.replace(/^data:image\/png;base64,/, ''), 'base64')).metadata();
  assert.deepEqual([overlay.width, overlay.height, overlay.channels], [size[1], size[0], 3]);
  assert.equal(body.width, size[1]);
});

test('preprocessing: every step of a chain on an upload and on a run test slice, as the chain code makes it', { skip: !hasSample && 'no sample' }, async () => {
  const spec = 'grayscale|clahe(clip=2,tile=7)|invert';
  const bytes = readFileSync(sampleSlice());
  const { status, body } = await api<PreprocessResponse>(`/api/preprocess?chain=${encodeURIComponent(spec)}`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: bytes,
  });
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(
    body.steps.map((s) => s.label),
    ['input', 'grayscale', 'clahe(clip=2,tile=7)', 'invert'],
  );
  const png = Buffer.from(body.steps[3]!.png.split(',')[1]!, 'base64');
  assert.equal((await sharp(png).metadata()).channels, 1, 'a gray step is a 1-channel PNG');
  const last = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const expected = applyChain(parseChain(spec), await decodeImage(bytes, { keepColor: true }), await loadImageOps());
  assert.deepEqual(new Uint8Array(last.data), expected.data);

  const slices = await api<TestSlicesResponse>(`/api/runs/${fixture.ids.sgd}/test-slices`);
  assert.equal(slices.body.slices.length, readJson(join(runDir(fixture.ids.sgd), 'test.json')).samples);
  assert.doesNotMatch(slices.text, /\.png|Demented-/);
  const fromRun = await api<PreprocessResponse>(`/api/preprocess?run=${fixture.ids.sgd}&slice=2&chain=${encodeURIComponent('grayscale|open(k=3)')}`);
  assert.equal(fromRun.status, 200);
  assert.deepEqual([fromRun.body.steps[0]!.width, fromRun.body.steps[0]!.height], [32, 32]);

  const bad = await api<{ error: { message: string } }>(`/api/preprocess?chain=${encodeURIComponent('grayscale|smooth(gaussian,k=4)')}`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: bytes,
  });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /parameter k of step 2 \(smooth\)/);
  const huge = await api<{ error: { message: string } }>(`/api/preprocess?chain=${encodeURIComponent('grayscale|resize(9000,9000)')}`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: bytes,
  });
  assert.equal(huge.status, 400);
  assert.match(huge.body.error.message, /at most 2048 for parameter width of step 2 \(resize\)/);
});

test('live: a running run is re-read on every request, so its page follows the epochs to the end', async () => {
  const id = fixture.ids.live;
  const before = await api<RunDetail>(`/api/runs/${id}`);
  assert.equal(before.body.status, 'running');
  assert.equal(before.body.epochRecords.length, 1);
  await resumeRun(runDir(id));
  const afterRun = await api<RunDetail>(`/api/runs/${id}`);
  assert.ok(['done', 'collapsed'].includes(afterRun.body.status), afterRun.body.status);
  assert.equal(afterRun.body.epochRecords.length, 3);
  assert.ok(afterRun.body.testReport?.best);
});

test('the server keeps at most two models for predictions and frees them when it closes', { skip: !hasSample && 'no sample' }, async () => {
  // Tensors of the fixture's trainings are freed by finalizers at any time, so the count may fall
  // while this runs; the server's own models must not stay after it closes.
  const own = await startServer({ store: fixture.store, runsDir: fixture.runsDir, port: 0 });
  const before = memoryStats().tensors;
  const bytes = readFileSync(sampleSlice());
  for (const id of [fixture.ids.sgd, fixture.ids.adam, fixture.ids.live, fixture.ids.sgd]) {
    const response = await fetch(`${own.url}/api/predict?run=${id}`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: bytes });
    assert.equal(response.status, 200);
  }
  const held = memoryStats().tensors;
  assert.ok(held > before, 'models are cached between requests');
  await own.close();
  assert.ok(memoryStats().tensors <= before, `${memoryStats().tensors} live tensors after close, ${before} before the server loaded any model`);
});

test('slice predictions run one at a time: beyond the waiting room /api/predict answers 503, the admitted ones succeed', {
  skip: !hasSample && 'no sample',
}, async () => {
  const predictions = new SerialQueue(MAX_WAITING_PREDICTIONS, 'predictions');
  const own = await startServer({ store: fixture.store, runsDir: fixture.runsDir, port: 0, predictions });
  const before = memoryStats().tensors;
  // A job the test holds is the running prediction, so every request below either waits or is refused.
  let release!: () => void;
  const running = predictions.run(() => new Promise<void>((resolve) => (release = resolve)));
  const bytes = readFileSync(sampleSlice());
  const fired = 8;
  let answered = 0;
  const responses = Promise.all(
    Array.from({ length: fired }, async () => {
      const response = await fetch(`${own.url}/api/predict?run=${fixture.ids.sgd}`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: bytes });
      const body = (await response.json()) as PredictResponse & { error?: { status: number; message: string; hint?: string } };
      answered++;
      return { status: response.status, body };
    }),
  );
  const refused = fired - MAX_WAITING_PREDICTIONS;
  for (let waited = 0; !(predictions.waiting === MAX_WAITING_PREDICTIONS && answered === refused); waited += 10) {
    assert.ok(waited < 20_000, `${predictions.waiting} waiting and ${answered} answered after ${waited} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  release();
  await running;
  const all = await responses;
  const busy = all.filter((r) => r.status === 503);
  assert.equal(busy.length, refused);
  for (const r of busy)
    assert.deepEqual(r.body, {
      error: {
        status: 503,
        message: `The server is busy: one of its predictions is running and ${MAX_WAITING_PREDICTIONS} more are waiting (at most ${MAX_WAITING_PREDICTIONS})`,
        hint: 'try again in a minute',
      },
    });
  const ok = all.filter((r) => r.status === 200);
  assert.equal(ok.length, MAX_WAITING_PREDICTIONS);
  // The admitted ones ran in turn on the same model: the same probabilities each time.
  for (const r of ok) assert.deepEqual(r.body.probabilities, ok[0]!.body.probabilities);
  assert.deepEqual(Object.keys(ok[0]!.body.probabilities), ['Alzheimer', 'NonAlzheimer']);
  assert.equal(predictions.waiting, 0);
  await own.close();
  assert.ok(memoryStats().tensors <= before, `${memoryStats().tensors} live tensors after close, ${before} before`);
});

test('ModelCache: a model evicted while a request still uses it stays alive until that request is done', { skip: !hasSample && 'no sample' }, async () => {
  const before = memoryStats().tensors;
  const cache = new ModelCache(1);
  const slice = await decodeImage(readFileSync(sampleSlice()), { name: 'slice' });
  let evicted!: () => void;
  const evictedNow = new Promise<void>((resolve) => (evicted = resolve));
  const first = cache.use('sgd', runDir(fixture.ids.sgd), async (trained) => {
    await evictedNow;
    // Two other runs' models pushed this one out of the one-model cache meanwhile.
    assert.equal(cache.size, 2, 'the evicted model is still alive');
    return predictSlice(trained, fixture.ids.sgd, slice);
  });
  await cache.use('adam', runDir(fixture.ids.adam), async () => undefined);
  await cache.use('live', runDir(fixture.ids.live), async () => undefined);
  evicted();
  const response = await first;
  assert.equal(response.run, fixture.ids.sgd);
  assert.ok(Math.abs(Object.values(response.probabilities).reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.equal(cache.size, 1, 'freed once its request is done');
  cache.clear();
  assert.equal(cache.size, 0);
  assert.ok(memoryStats().tensors <= before, `${memoryStats().tensors} live tensors, ${before} before`);
});
