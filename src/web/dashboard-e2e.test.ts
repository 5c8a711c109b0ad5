// End to end in a real headless browser (Debian's chromium driven by playwright-core) against
// `startServer` over a store of real tiny trained runs: runs table, run page, compare, predict,
// preprocessing, a live run, and the token prompt. One browser for all steps; a screenshot of
// every page goes to test-output/dashboard/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { SAMPLE_DIR, hasSample } from '../testing/data-helpers.js';
import { startServer, type RunningServer } from '../server/server.js';
import { makeDashboardFixture, type DashboardFixture } from '../testing/server-fixture.js';
import { DEFAULT_WEB_DIR } from '../server/static-files.js';
import { resumeRun, train } from '../train/trainer.js';
import { syncRunsDir } from '../store/sync.js';
import { writeToyVolumeDataset } from '../testing/toy-volumes.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../test-output/dashboard/', import.meta.url));
const TOKEN = 'e2e-token-3b7d1a';
const missing = !existsSync(CHROMIUM)
  ? `no ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(join(DEFAULT_WEB_DIR, 'index.html'))
    ? 'web app not built (npm run build)'
    : !hasSample
      ? 'no ../shared/data/kaggle4-sample'
      : false;

let fixture: DashboardFixture;
/** A volume run (train --input volume) beside the fixture's slice runs. */
const VOLUME = '20250101-000004-simple_cnn_3d-vol004';
let volumeData = '';
let server: RunningServer;
let context: BrowserContext;
let userDataDir: string;
let page: Page;
const pageErrors: string[] = [];
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const runDir = (id: string) => join(fixture.runsDir, id);

/** Polls `check` every 100 ms until it holds (at most `ms`). Predicates in the page must be functions: the app's CSP forbids eval. */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

before(async () => {
  if (missing) return;
  mkdirSync(SHOTS, { recursive: true });
  fixture = await makeDashboardFixture();
  volumeData = await writeToyVolumeDataset();
  await train(
    {
      input: 'volume',
      data: volumeData,
      task: 'binary',
      model: 'simple_cnn_3d',
      widths: [4, 8],
      volumeShape: '16x16x16',
      epochs: 2,
      batchSize: 4,
      optimizer: 'adam',
      lr: 0.01,
      bootstrap: 50,
      camSamples: 2,
      seed: 3,
      runsDir: fixture.runsDir,
    },
    { runId: VOLUME },
  );
  await syncRunsDir(fixture.store, fixture.runsDir);
  server = await startServer({ store: fixture.store, runsDir: fixture.runsDir, port: 0 });
  userDataDir = mkdtempSync(join(tmpdir(), 'alzbench-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1400, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  console.log(`dashboard screenshots: ${SHOTS}`);
});

after(async () => {
  await context?.close();
  await server?.close();
  await fixture?.store.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  if (volumeData) rmSync(volumeData, { recursive: true, force: true });
});

test('the dashboard in a browser: runs table, run page, compare, predict, preprocessing, live run, token', { skip: missing }, async (t) => {
  const { sgd, adam, live } = fixture.ids;

  await t.test('runs table: every run, sortable and filterable', async () => {
    await page.goto(`${server.url}/#/runs`);
    const rows = page.locator('[data-testid=runs-table] tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 4);
    await page.getByRole('columnheader', { name: /^run/ }).click(); // ascending by name/id
    const order = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')));
    assert.equal(order[3], sgd, 'named "sgd-baseline" sorts after the bare ids');
    await page.getByLabel('filter status').selectOption('running');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-run'), live);
    await page.getByLabel('filter status').selectOption('');
    assert.equal(await rows.count(), 4);
    // Each row says what one sample was and what its test figures count.
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')));
    assert.deepEqual(
      await page.getByTestId('input-kind').allTextContents(),
      shown.map((id) => (id === VOLUME ? 'volume' : 'slice')),
    );
    await page.getByLabel('filter input').selectOption('volume');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-run'), VOLUME);
    assert.equal(await page.getByTestId('figure-unit').textContent(), 'subject');
    await page.getByLabel('filter input').selectOption('slice');
    assert.deepEqual(await page.getByTestId('figure-unit').allTextContents(), ['slice', 'slice', 'slice']);
    await page.getByLabel('filter input').selectOption('');
    await shot('runs');
  });

  await t.test('run page: curves, confusion matrix with the test counts, ROC, Grad-CAM, split and config', async () => {
    await page.getByRole('link', { name: 'sgd-baseline' }).click();
    await page.locator('[data-testid=confusion-matrix] svg').waitFor();
    const testJson = readJson(join(runDir(sgd), 'test.json'));
    const cells = await page.locator('[data-testid=confusion-matrix] text[font-weight=bold]').allTextContents();
    // Cells hold the counts in row order (after the title).
    assert.deepEqual(cells.slice(1).map(Number), testJson.best.metrics.confusion.flat());
    assert.equal(await page.locator('[data-testid=curve-loss] polyline').count(), 2, 'train and validation loss');
    assert.ok((await page.locator('[data-testid=curve-metrics] polyline').count()) >= 4);
    assert.equal(await page.locator('[data-testid=roc] polyline').count(), 1);
    const cams = page.locator('[data-testid=cam] img');
    // Every image decoded (they load through fetch with the token, then as blob URLs).
    await until(() => cams.evaluateAll((imgs) => imgs.length > 0 && imgs.every((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0)));
    assert.equal(await cams.count(), testJson.cam.length);
    assert.match((await page.locator('[data-testid=test-metrics]').textContent()) ?? '', /sensitivity.*\[/);
    // Subject-level figures beside the slice-level ones, and the calibration with its diagram.
    assert.match((await page.locator('[data-testid=test-metrics] thead').textContent()) ?? '', /per slice.*per subject/);
    assert.match((await page.locator('[data-testid=subject-balancedAccuracy]').textContent()) ?? '', /^\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]$/);
    assert.match((await page.locator('[data-testid=subject-note]').textContent()) ?? '', /per subject: \d+ subjects/);
    assert.match((await page.locator('[data-testid=calibration]').textContent()) ?? '', /ECE over 15 equal-width bins.*\d\.\d{3}/);
    await until(() => page.locator('[data-testid=reliability]').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0));
    assert.match((await page.locator('[data-testid=data-split]').textContent()) ?? '', /grouped by subject/);
    assert.match(
      (await page.locator('[data-testid=twins-test]').textContent()) ?? '',
      /^test: \d+ of \d+ subjects have a twin in train \(the same person at full resolution: at least 50 % of its slices \(and ≥ 2\) within [\d.]+ of one train person, each at most [\d.]+ × as far as from any other train person; a one-slice unit, a train slice within [\d.]+; an identical file, always\)$/,
    );
    assert.match((await page.locator('[data-testid=config]').textContent()) ?? '', /optimizer\s*sgd/);
    await shot('run');
  });

  await t.test('compare: select two runs, study table with McNemar, pin the other baseline, curves and parallel coordinates', async () => {
    await page.goto(`${server.url}/#/runs`);
    await page.getByLabel(`select ${sgd}`).check();
    await page.getByLabel(`select ${adam}`).check();
    await page.getByTestId('compare-selected').click();
    const rows = page.locator('[data-testid=compare-table] tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    const header = await page.locator('[data-testid=compare-table] thead').textContent();
    assert.match(header ?? '', /optimizer.*lr/);
    assert.match(header ?? '', /input.*figures per.*bal\. acc\..*bal\. acc\. per subject \(95 % CI\)/);
    assert.deepEqual(await page.getByTestId('compare-unit').allTextContents(), ['slice', 'slice']);
    const perSubject = await page.getByTestId('subject-bal-acc').allTextContents();
    assert.ok(perSubject.length === 2 && perSubject.every((v) => /^\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]$/.test(v)), `per-subject cells: ${perSubject}`);
    const pValues = await page.getByTestId('mcnemar').allTextContents();
    assert.equal(pValues.filter((p) => /^(<0\.001|[01]\.\d{3}) \(/.test(p)).length, 1, `one run tested against the baseline: ${pValues}`);
    await page.getByLabel(`pin ${adam} as baseline`).click();
    await page.locator(`tr.baseline[data-run="${adam}"]`).waitFor();
    assert.equal(await page.locator('[data-testid=compare-curve-balacc] polyline').count(), 2);
    assert.equal(await page.locator('[data-testid=parallel-coordinates] polyline').count(), 2);
    await shot('compare');
  });

  await t.test('predict: upload a real slice, see probabilities and the heat map', async () => {
    await page.goto(`${server.url}/#/predict?run=${sgd}`);
    const slice = join(SAMPLE_DIR, 'MildDemented', readdirSync(join(SAMPLE_DIR, 'MildDemented')).sort()[0]!);
    await page.getByLabel('upload slice').setInputFiles(slice);
    await page.getByTestId('heatmap').waitFor();
    const probabilities = await page.locator('[data-testid=probabilities] tr td:last-child').allTextContents();
    assert.equal(probabilities.length, 2);
    assert.ok(Math.abs(probabilities.reduce((s, p) => s + Number(p), 0) - 1) < 0.002, probabilities.join(' '));
    const size = await page
      .getByTestId('heatmap')
      .evaluate((img) => [(img as unknown as { naturalWidth: number }).naturalWidth, (img as unknown as { naturalHeight: number }).naturalHeight]);
    assert.deepEqual(
      size,
      readJson(join(runDir(sgd), 'config.json'))
        .imageSize.slice()
        .reverse(),
    );
    assert.match((await page.getByTestId('predicted').textContent()) ?? '', /^(Alzheimer|NonAlzheimer)$/);
    await shot('predict');
  });

  await t.test('volume run: input kind in table and compare, volume settings and 3-D Grad-CAM on its page, predict with a .nii upload', async () => {
    const testJson = readJson(join(runDir(VOLUME), 'test.json'));
    await page.goto(`${server.url}/#/runs/${VOLUME}`);
    await page.getByTestId('volume-settings').waitFor();
    assert.equal(await page.getByTestId('run-input').textContent(), '3-D volumes');
    const settings = (await page.getByTestId('volume-settings').textContent()) ?? '';
    assert.match(settings, /shape \(voxels x, y, z\)16x16x16/);
    assert.match(settings, /spacing \(mm\)as stored/);
    assert.match(settings, /modelsimple_cnn_3d/);
    assert.match((await page.locator('[data-testid=test-metrics] thead').textContent()) ?? '', /per subject \(one volume each\), best epoch/);
    assert.match((await page.getByTestId('subject-note').textContent()) ?? '', /^per subject: 6 subjects, each counted once/);
    assert.match((await page.getByTestId('data-split').textContent()) ?? '', /layout bids-volumes, 18 volumes,/);
    assert.match((await page.locator('h2', { hasText: '3-D Grad-CAM' }).textContent()) ?? '', /axial, coronal and sagittal planes through the peak/);
    // The run folder's 3-D Grad-CAM images: three planes side by side, so three times as wide as high (plus gaps).
    const cams = page.locator('[data-testid=cam] img');
    await until(() => cams.evaluateAll((imgs) => imgs.length > 0 && imgs.every((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0)));
    assert.equal(await cams.count(), testJson.cam.length);
    const [w, h] = await cams
      .first()
      .evaluate((img) => [(img as unknown as { naturalWidth: number }).naturalWidth, (img as unknown as { naturalHeight: number }).naturalHeight]);
    assert.deepEqual([w, h], [3 * 16 + 2 * 2, 16]);
    await shot('volume-run');

    // Compare a slice run with the volume run: each row says what it counts; both have per-subject figures.
    await page.goto(`${server.url}/#/compare?runs=${fixture.ids.sgd},${VOLUME}`);
    await page.locator('[data-testid=compare-table] tbody tr').first().waitFor();
    const byRun = async (testId: string) =>
      Object.fromEntries(
        await page
          .locator('[data-testid=compare-table] tbody tr')
          .evaluateAll((trs, id) => trs.map((tr) => [tr.getAttribute('data-run'), tr.querySelector(`[data-testid=${id}]`)?.textContent ?? '']), testId),
      );
    assert.deepEqual(await byRun('compare-input'), { [fixture.ids.sgd]: 'slice', [VOLUME]: 'volume' });
    assert.deepEqual(await byRun('compare-unit'), { [fixture.ids.sgd]: 'slice', [VOLUME]: 'subject' });
    assert.match((await byRun('subject-bal-acc'))[VOLUME], /^\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]$/);
    await shot('compare-volume');

    // Predict with the volume run: a .nii of a test person, probabilities and the three-plane heat map.
    await page.goto(`${server.url}/#/predict?run=${VOLUME}`);
    await page.getByLabel('upload volume').setInputFiles(join(volumeData, 'sub-01', 'anat', 'sub-01_T1w.nii'));
    await page.getByTestId('heatmap').waitFor();
    const probabilities = await page.locator('[data-testid=probabilities] tr td:last-child').allTextContents();
    assert.equal(probabilities.length, 2);
    assert.ok(Math.abs(probabilities.reduce((s, p) => s + Number(p), 0) - 1) < 0.002, probabilities.join(' '));
    assert.match((await page.getByTestId('predicted').textContent()) ?? '', /^(Alzheimer|NonAlzheimer)$/);
    assert.match(
      (await page.getByTestId('prediction').textContent()) ?? '',
      /16x16x16 voxels; axial, coronal, sagittal.*3-D Grad-CAM of \w+: planes through the peak at voxel \(\d+, \d+, \d+\)/,
    );
    const size = await page
      .getByTestId('heatmap')
      .evaluate((img) => [(img as unknown as { naturalWidth: number }).naturalWidth, (img as unknown as { naturalHeight: number }).naturalHeight]);
    assert.deepEqual(size, [3 * 16 + 2 * 2, 16]);
    await shot('predict-volume');
    // A slice image sent to a volume run is named for what it is.
    const slice = join(SAMPLE_DIR, 'MildDemented', readdirSync(join(SAMPLE_DIR, 'MildDemented')).sort()[0]!);
    await page.getByLabel('upload volume').setInputFiles(slice);
    await page.getByText(/not-a-volume: the upload: not a NIfTI or Analyze volume: it is a JPEG image/).waitFor();
  });

  await t.test('preprocessing: a study chain on an uploaded slice, every step shown', async () => {
    await page.goto(`${server.url}/#/preprocess`);
    await page.getByLabel('chain preset').selectOption({ label: 'study (a) with invert' });
    await page.getByLabel('upload slice').setInputFiles(join(SAMPLE_DIR, 'NonDemented', readdirSync(join(SAMPLE_DIR, 'NonDemented')).sort()[0]!));
    await page.getByRole('button', { name: 'Run chain' }).click();
    const steps = page.locator('[data-testid=steps] figure');
    await steps.first().waitFor();
    assert.equal(await steps.count(), 5, 'input + grayscale, open, clahe, invert');
    assert.match((await steps.nth(4).textContent()) ?? '', /4\. invert · 176x208/);
    await shot('preprocess');
  });

  await t.test('live: a running run page follows the training to its end', async () => {
    await page.goto(`${server.url}/#/runs/${live}`);
    await page.getByText('live: updating every 2 s').waitFor();
    assert.equal(await page.getByTestId('epochs-done').textContent(), '1');
    await shot('live-running');
    await resumeRun(runDir(live));
    await page.getByTestId('epochs-done').filter({ hasText: /^3$/ }).waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=confusion-matrix] svg').waitFor();
    assert.match((await page.getByTestId('status').first().textContent()) ?? '', /^(done|collapsed)$/);
    assert.equal(await page.getByText('live: updating every 2 s').count(), 0);
    await shot('live-finished');
  });

  await t.test('token: beyond loopback the app asks for the token, or takes it from #token=', async () => {
    const guarded = await startServer({ store: fixture.store, runsDir: fixture.runsDir, host: '0.0.0.0', port: 0, token: TOKEN });
    const base = guarded.url.replace('0.0.0.0', '127.0.0.1');
    const tab = await context.newPage();
    try {
      await tab.goto(`${base}/#/runs`);
      await tab.getByLabel('token').waitFor();
      await tab.getByLabel('token').fill(TOKEN);
      await tab.getByRole('button', { name: 'Use token' }).click();
      await tab.locator('[data-testid=runs-table] tbody tr').first().waitFor();
      const other = await context.newPage();
      await other.goto(`${base}/#token=${TOKEN}`);
      await other.locator('[data-testid=runs-table] tbody tr').first().waitFor();
      assert.doesNotMatch(other.url(), /token/, 'the token leaves the address bar');
      await other.close();
    } finally {
      await tab.close();
      await guarded.close();
    }
  });

  assert.deepEqual(pageErrors, [], 'no script errors in the pages');
  t.diagnostic(`screenshots: ${SHOTS}`);
});
