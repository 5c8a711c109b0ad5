/**
 * Realistic run folders without training, for the store, sweep and report tests (and the sweep
 * runner's test trainer): the same files the trainer writes (run.json, config.json, split.json,
 * metrics.jsonl, test.json, predictions.csv, checkpoints, plots, cam), with metrics computed by
 * the real evaluation code from seeded synthetic predictions whose quality follows the settings.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { subjectLevelReport } from '../eval/subject-aggregate.js';
import { calibration, ECE_METHOD } from '../eval/calibration.js';
import { reliabilityDiagramSvg } from '../eval/reliability-diagram.js';
import { bootstrapMetrics } from '../eval/bootstrap.js';
import { computeMetrics, headline } from '../eval/metrics.js';
import { isCollapsed } from '../eval/collapse.js';
import { formatPredictionsCsv } from '../run-folder/predictions-csv.js';
import { seededRandom } from '../data/seeded-shuffle.js';
import { appendMetricsLine, runPaths, writeJsonAtomic, type RunPaths, type RunRecord } from '../run-folder/run-folder.js';

export const FIXTURE_CLASSES = ['Alzheimer', 'NonAlzheimer'] as const;

/** Settings of a fixture run (a subset of the trainer's, plus the fixture's knobs). */
export interface FixtureOptions {
  readonly runsDir: string;
  readonly id: string;
  readonly name?: string | null;
  /** The run's settings; `epochs`, `seed`, `optimizer`, `batchSize`, `pipeline`, `dropout` shape its results. */
  readonly config: Record<string, unknown>;
  /** Share of test samples predicted right (default: from the settings, see {@link fixtureSkill}). */
  readonly skill?: number;
  /** Test samples (default 80): the same files for every fixture run, so McNemar can pair them. */
  readonly samples?: number;
  /** Stop after this many epochs as if killed there (run.json stays `running`). */
  readonly haltAfterEpoch?: number;
}

/**
 * The fixture's "quality" from settings, shaped like the study's findings so comparisons have
 * something to find: SGD beats Adam (Adam with batch 25 collapses), smaller batches, dropout and
 * invert help a little.
 */
export function fixtureSkill(config: Record<string, unknown>): number {
  if (config.optimizer === 'adam' && config.batchSize === 25) return 0; // collapsed: predicts one class
  let skill = 0.62;
  if (config.optimizer !== 'adam') skill += 0.18;
  if (config.batchSize === 16) skill += 0.05;
  if (typeof config.dropout === 'number' && config.dropout > 0) skill += 0.04;
  if (typeof config.pipeline === 'string' && config.pipeline.includes('invert')) skill += 0.06;
  return Math.min(0.98, skill);
}

/** Labels and class probabilities of the fixture's test set for a skill (skill 0: always class 0). */
export function fixturePredictions(
  samples: number,
  skill: number,
  seed: number,
): { labels: number[]; probabilities: Float64Array; files: string[]; subjects: string[] } {
  const labels = Array.from({ length: samples }, (_, i) => (i % 5 < 2 ? 0 : 1));
  const files = labels.map((l, i) => `test/${FIXTURE_CLASSES[l]}/slice-${String(i).padStart(3, '0')}.png`);
  // Four slices per subject, one class per subject (a person has one diagnosis).
  const subjects = labels.map(
    (l, i) => `sub-${String(l * 1000 + Math.floor((l === 0 ? Math.floor(i / 5) * 2 + (i % 5) : Math.floor(i / 5) * 3 + (i % 5) - 2) / 4)).padStart(3, '0')}`,
  );
  const random = seededRandom(seed, 'fixture-predictions');
  const probabilities = new Float64Array(samples * 2);
  labels.forEach((label, i) => {
    const u = random();
    const right = skill === 0 ? label === 0 : u < skill;
    const confidence = 0.55 + 0.44 * random();
    const p0 = skill === 0 ? 0.6 + 0.1 * random() : right === (label === 0) ? confidence : 1 - confidence;
    probabilities[i * 2] = p0;
    probabilities[i * 2 + 1] = 1 - p0;
  });
  return { labels, probabilities, files, subjects };
}

/** One epoch line like the trainer's EpochRecord, values approaching the final skill. */
function epochLine(epoch: number, epochs: number, skill: number, random: () => number, bestSoFar: boolean) {
  const progress = epoch / epochs;
  const acc = 0.5 + (Math.max(skill, 0.5) - 0.5) * progress + 0.01 * random();
  const loss = 0.7 - 0.5 * progress * (skill > 0 ? 1 : 0) + 0.01 * random();
  return {
    epoch,
    lr: 0.01,
    trainLoss: loss - 0.05,
    trainAccuracy: Math.min(1, acc + 0.03),
    val: {
      loss,
      accuracy: acc,
      balancedAccuracy: skill === 0 ? 0.5 : acc,
      sensitivity: skill === 0 ? 1 : acc,
      specificity: skill === 0 ? 0 : acc,
      precision: acc,
      f1: acc,
      auc: skill === 0 ? 0.5 : Math.min(1, acc + 0.05),
      confusion: [
        [10, 2],
        [3, 9],
      ],
      predictedShare: skill === 0 ? [1, 0] : [0.5, 0.5],
    },
    collapsed: skill === 0,
    best: bestSoFar,
    seconds: 1 + random(),
    trainSeconds: 0.8,
    imagesPerSecond: 100,
    valSeconds: 0.2,
  };
}

/** Creates the folder and writes run.json (queued then running), config.json and split.json. */
export function startFixtureRun(options: FixtureOptions): RunPaths {
  const paths = runPaths(resolve(options.runsDir, options.id));
  for (const d of [paths.checkpoints, paths.plots, paths.cam]) mkdirSync(d, { recursive: true });
  const config = { name: options.name ?? null, task: 'binary', model: 'simple_cnn', epochs: 3, seed: 0, ...options.config };
  const fingerprint = 'f1x7ure0000000000000000000000000000000000000000000000000000000000';
  const record: RunRecord = {
    format: 'alzbench-run',
    version: 1,
    id: options.id,
    name: options.name ?? null,
    status: 'running',
    pid: process.pid,
    flags: options.config,
    created: new Date().toISOString(),
    started: new Date().toISOString(),
    code: { version: 'fixture', package: '0.0.0' },
    machine: { hostname: hostname(), cpu: 'fixture cpu', cores: 2, threads: 1 },
    device: typeof options.config.device === 'string' ? options.config.device : 'cpu',
    task: 'binary',
    classes: [...FIXTURE_CLASSES],
    dataset: { root: '/data/fixture', layout: 'class-folders', fingerprint, slices: 400 },
    split: {
      grouping: 'subject',
      seed: 42,
      counts: { train: { Alzheimer: 128, NonAlzheimer: 192 }, val: { Alzheimer: 16, NonAlzheimer: 24 }, test: { Alzheimer: 32, NonAlzheimer: 48 } },
      groups: 100,
    },
    leakage: { exactAcrossSplits: {}, nearAcrossSplits: {}, closeToTrain: null },
    epochsDone: 0,
  };
  writeJsonAtomic(paths.record, record);
  writeJsonAtomic(paths.config, config);
  writeFileSync(
    paths.split,
    `${JSON.stringify({ format: 'alzbench-split-manifest', version: 1, layout: 'class-folders', task: 'binary', classes: FIXTURE_CLASSES, seed: 42, grouping: 'subject', fingerprint, entries: [] })}\n`,
  );
  writeFileSync(paths.metrics, '');
  return paths;
}

/** Writes epoch `epoch` (metrics line, checkpoints, plot) and updates run.json. */
export function writeFixtureEpoch(paths: RunPaths, options: FixtureOptions, epoch: number): void {
  const epochs = Number(options.config.epochs ?? 3);
  const skill = options.skill ?? fixtureSkill(options.config);
  const random = seededRandom(Number(options.config.seed ?? 0), `fixture-epoch-${epoch}`);
  appendMetricsLine(paths, epochLine(epoch, epochs, skill, random, true));
  writeFileSync(paths.last, `fixture checkpoint epoch ${epoch}\n`);
  writeFileSync(paths.best, `fixture checkpoint epoch ${epoch}\n`);
  writeFileSync(join(paths.plots, 'loss.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  const record = readRecord(paths);
  writeJsonAtomic(paths.record, { ...record, epochsDone: epoch, bestEpoch: epoch });
}

function readRecord(paths: RunPaths): RunRecord {
  return JSON.parse(readFileSync(paths.record, 'utf8')) as RunRecord;
}

/** Writes test.json and predictions.csv and marks the run done (or collapsed). */
export function finishFixtureRun(paths: RunPaths, options: FixtureOptions): RunRecord {
  const epochs = Number(options.config.epochs ?? 3);
  const skill = options.skill ?? fixtureSkill(options.config);
  const { labels, probabilities, files, subjects } = fixturePredictions(options.samples ?? 80, skill, Number(options.config.seed ?? 0));
  const metrics = computeMetrics(labels, probabilities, FIXTURE_CLASSES, { loss: skill === 0 ? 0.693 : 0.3 + (1 - skill) });
  const lastMetrics = computeMetrics(labels, probabilities, FIXTURE_CLASSES, { loss: 0.35 + (1 - skill) });
  const collapsed = isCollapsed(metrics);
  const ci = bootstrapMetrics(labels, probabilities, FIXTURE_CLASSES, { resamples: 200, seed: 0, groups: subjects });
  writeFileSync(
    paths.predictions,
    formatPredictionsCsv(
      labels.map((label, i) => ({ file: files[i]!, subject: subjects[i]!, label, probabilities: [probabilities[i * 2]!, probabilities[i * 2 + 1]!] })),
      FIXTURE_CLASSES,
    ),
  );
  writeFileSync(join(paths.cam, '00-Alzheimer-as-Alzheimer-slice-000.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const testCalibration = calibration(labels, probabilities, 2);
  writeFileSync(join(paths.plots, 'reliability.svg'), reliabilityDiagramSvg([{ label: 'test, best epoch', calibration: testCalibration }]));
  writeJsonAtomic(paths.test, {
    selectedBy: 'balancedAccuracy',
    samples: labels.length,
    best: {
      epoch: epochs,
      metrics,
      headline: headline(metrics),
      collapsed,
      ci,
      subject: subjectLevelReport(labels, probabilities, subjects, FIXTURE_CLASSES, { resamples: 200, seed: 0 }),
    },
    last: {
      epoch: epochs,
      metrics: lastMetrics,
      headline: headline(lastMetrics),
      collapsed,
      subject: subjectLevelReport(labels, probabilities, subjects, FIXTURE_CLASSES, { resamples: 0 }),
    },
    calibration: { method: ECE_METHOD, test: testCalibration },
    cam: ['cam/00-Alzheimer-as-Alzheimer-slice-000.png'],
  });
  const record = readRecord(paths);
  const { pid: _pid, ...rest } = record;
  const done: RunRecord = {
    ...rest,
    status: collapsed ? 'collapsed' : 'done',
    finished: new Date().toISOString(),
    bestEpoch: epochs,
    collapse: { epochs: collapsed ? [epochs] : [], final: collapsed },
    test: headline(metrics),
    ...(collapsed ? { reason: 'the selected model predicts one class for at least 95 % of test slices' } : {}),
  };
  writeJsonAtomic(paths.record, done);
  return done;
}

/**
 * Writes a whole fixture run folder at once (or up to `haltAfterEpoch`, as if killed then).
 *
 * @example
 * writeFixtureRun({ runsDir: dir, id: 'run-a', config: { optimizer: 'sgd', batchSize: 16 } });
 */
export function writeFixtureRun(options: FixtureOptions): RunPaths {
  const paths = startFixtureRun(options);
  const epochs = Number(options.config.epochs ?? 3);
  for (let e = 1; e <= epochs; e++) {
    writeFixtureEpoch(paths, options, e);
    if (options.haltAfterEpoch === e) return paths;
  }
  finishFixtureRun(paths, options);
  return paths;
}
