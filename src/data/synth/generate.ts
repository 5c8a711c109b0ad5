/**
 * `alzbench synth`: writes a synthetic Alzheimer MRI slice data set in the Kaggle 4-class layout,
 * with known subjects, from the Colin27 template. Same seed, same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { prepareOutput } from './prepare-output.js';
import { invalid } from '../../util/errors.js';
import { type Atrophy, type Stage, STAGES } from './atrophy.js';
import { createRng } from './rng.js';
import { renderSubject } from './slicer.js';
import { drawSubject, SLICE_HEIGHT, SLICE_WIDTH, type Subject } from './subject.js';
import { loadTemplate, type Template } from './template.js';

/** Options of {@link generateDataset}; every default is recorded in `synth.json`. */
export interface SynthOptions {
  /** Output folder; created if missing, and must be empty unless `force`. */
  readonly out: string;
  /** Number of subjects (default 60: about 2000 slices, a few seconds on 2 cores). */
  readonly subjects?: number;
  /** Seed of every random draw (default 1). */
  readonly seed?: number;
  /** Axial slices per subject (default 32, like the OASIS-derived Kaggle set). */
  readonly slicesPerSubject?: number;
  /** Lowest and highest slice level, MNI mm (default [-32, 50]). */
  readonly zRange?: readonly [number, number];
  /** Share of each stage's subjects put in test/ (default 0.2). */
  readonly testFraction?: number;
  /** Relative number of subjects per stage, NonDemented first (default [4, 3, 2, 1]: imbalanced like Kaggle, less extreme). */
  readonly stageWeights?: readonly [number, number, number, number];
  /** JPEG quality (default 90). */
  readonly quality?: number;
  /** Template folder (default /usr/share/mricron/templates). */
  readonly templateDir?: string;
  /** Replace the generator's own outputs (train/, test/, subjects.csv, synth.json) in a non-empty `out`. */
  readonly force?: boolean;
  /** Called after each subject is written. */
  readonly onProgress?: (done: number, total: number) => void;
  /** A template already loaded (tests and benches reuse one). */
  readonly template?: Template;
}

/** One subject as recorded in `synth.json`: its stage, split and atrophy. */
export interface SubjectRecord extends Atrophy {
  readonly id: string;
  readonly stage: Stage;
  readonly split: 'train' | 'test';
}

/** What {@link generateDataset} wrote. */
export interface SynthSummary {
  readonly out: string;
  readonly seed: number;
  readonly files: number;
  readonly slicesPerSubject: number;
  /** Subjects per stage and split. */
  readonly counts: Record<'train' | 'test', Record<Stage, number>>;
  readonly subjects: readonly SubjectRecord[];
}

/** Outputs that `force` may remove: the generator's own, nothing else. */
const OWN_OUTPUTS = ['train', 'test', 'subjects.csv', 'synth.json'];
/** Version of the generated data; bump when the same seed starts giving different images. */
export const SYNTH_VERSION = 1;

/**
 * Generates the data set: `train/` and `test/` with one folder per stage (NonDemented,
 * VeryMildDemented, MildDemented, ModerateDemented) of 176x208 8-bit grey JPEG slices named
 * `sub-0001_slice-00.jpg`, plus `subjects.csv` (file, subject, stage, split, slice, z_mm) and
 * `synth.json` (options and each subject's atrophy). Subjects are split, stratified by stage, so
 * none has slices on both sides.
 *
 * @param options output folder and `subjects` (default 60), `seed` (default 1), `slicesPerSubject` (default 32),
 *   `zRange` (MNI mm, default [-32, 50]), `testFraction` (default 0.2), `stageWeights` (default [4, 3, 2, 1]), and
 *   the rest of {@link SynthOptions}
 * @returns the folder, seed, file count, slices per subject, subjects per stage and split, and each subject's record
 * @throws AlzbenchError (exit 2) `Expected <what> for <option> ...` for a bad option, or when the output folder is not
 *   empty (without `force`)
 * @throws AlzbenchError naming `apt-get install mricron-data` when the template files are missing
 * @example
 * await generateDataset({ out: 'demo-data', subjects: 60, seed: 1 });
 */
export async function generateDataset(options: SynthOptions): Promise<SynthSummary> {
  const subjectCount = options.subjects ?? 60;
  const seed = options.seed ?? 1;
  const slicesPerSubject = options.slicesPerSubject ?? 32;
  const zRange = options.zRange ?? [-32, 50];
  const testFraction = options.testFraction ?? 0.2;
  const stageWeights = options.stageWeights ?? [4, 3, 2, 1];
  const quality = options.quality ?? 90;
  if (!Number.isInteger(subjectCount) || subjectCount < 1) throw invalid('positive integer', 'subjects', subjectCount);
  if (!Number.isSafeInteger(seed)) throw invalid('integer', 'seed', seed);
  if (!Number.isInteger(slicesPerSubject) || slicesPerSubject < 1 || slicesPerSubject > 200)
    throw invalid('integer from 1 to 200', 'slicesPerSubject', slicesPerSubject);
  if (!(testFraction >= 0 && testFraction < 1)) throw invalid('number in [0, 1)', 'testFraction', testFraction);
  if (stageWeights.length !== 4 || !stageWeights.every((w) => w >= 0) || !stageWeights.some((w) => w > 0))
    throw invalid('4 non-negative weights, not all 0', 'stageWeights', stageWeights);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw invalid('integer from 1 to 100', 'quality', quality);
  prepareOutput(options.out, options.force ?? false, (name) => OWN_OUTPUTS.includes(name), 'data set');

  const template = options.template ?? loadTemplate(options.templateDir);
  const stages = assignStages(seed, subjectCount, stageWeights);
  const splits = assignSplits(seed, stages, testFraction);
  for (const split of ['train', 'test'] as const) for (const stage of STAGES) mkdirSync(join(options.out, split, stage), { recursive: true });

  const rows: string[] = ['file,subject,stage,split,slice,z_mm'];
  const records: SubjectRecord[] = [];
  const counts = { train: zeroCounts(), test: zeroCounts() };
  let files = 0;
  // Render subject i (JS thread) while subject i-1's JPEGs encode and write on sharp's threads.
  let pending: Promise<void> = Promise.resolve();
  // If rendering fails while a write is in flight, that write's own failure must not go unhandled.
  const settle = (): Promise<void> => pending.catch(() => undefined);
  try {
    for (let i = 0; i < subjectCount; i++) {
      const subject = drawSubject(seed, i, stages[i] as number, template, { count: slicesPerSubject, zRange });
      const split = splits[i] as 'train' | 'test';
      const { images } = renderSubject(template, subject);
      const names = images.map((_, k) => `${split}/${subject.stage}/${subject.id}_slice-${String(k).padStart(2, '0')}.jpg`);
      await pending;
      options.onProgress?.(i, subjectCount);
      pending = writeSlices(options.out, names, images, quality);
      const zCentre = (zRange[0] + zRange[1]) / 2;
      names.forEach((name, k) => rows.push(`${name},${subject.id},${subject.stage},${split},${k},${round(zCentre + (subject.sliceZ[k] as number), 2)}`));
      records.push(record(subject, split));
      counts[split][subject.stage]++;
      files += names.length;
    }
  } catch (error) {
    await settle();
    throw error;
  }
  await pending;
  options.onProgress?.(subjectCount, subjectCount);

  writeFileSync(join(options.out, 'subjects.csv'), `${rows.join('\n')}\n`);
  const manifest = {
    generator: 'alzbench synth',
    version: SYNTH_VERSION,
    options: { subjects: subjectCount, seed, slicesPerSubject, zRange, testFraction, stageWeights, quality },
    image: { width: SLICE_WIDTH, height: SLICE_HEIGHT, format: 'jpeg', channels: 1 },
    template: { source: 'Colin27 ch2bet + AAL (Debian mricron-data)', levels: template.levels, volumesMm3: template.volumes },
    counts,
    subjects: records,
  };
  writeFileSync(join(options.out, 'synth.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { out: options.out, seed, files, slicesPerSubject, counts, subjects: records };
}

/**
 * Exact stage counts by largest remainder of `weights * subjects`, then shuffled, so subject IDs
 * say nothing about stage.
 *
 * @param seed the data set seed (the shuffle's stream is keyed by it)
 * @param subjects the number of subjects
 * @param weights relative subjects per stage, NonDemented first
 * @returns one stage index per subject, in subject order
 */
export function assignStages(seed: number, subjects: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / total) * subjects);
  const counts = exact.map(Math.floor);
  const order = exact.map((e, s) => ({ s, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.s - b.s);
  const missing = subjects - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) {
    const s = (order[k] as { s: number }).s;
    counts[s] = (counts[s] as number) + 1;
  }
  const stages = counts.flatMap((c, s) => new Array<number>(c).fill(s));
  return createRng(seed, 'stages').shuffle(stages);
}

/**
 * Subject-level split, stratified by stage: `round(n * testFraction)` of each stage's subjects go
 * to test, at least one when the stage has two or more (so every class is tested) and never all.
 *
 * @param seed the data set seed
 * @param stages stage index per subject
 * @param testFraction share of each stage's subjects for test, in [0, 1)
 * @returns `train` or `test` per subject, in subject order
 */
export function assignSplits(seed: number, stages: readonly number[], testFraction: number): Array<'train' | 'test'> {
  const splits = stages.map(() => 'train' as 'train' | 'test');
  const rng = createRng(seed, 'split');
  for (let s = 0; s < STAGES.length; s++) {
    const members = rng.shuffle(stages.flatMap((stage, i) => (stage === s ? [i] : [])));
    if (members.length === 0 || testFraction === 0) continue;
    const n = Math.min(members.length - 1, Math.max(members.length >= 2 ? 1 : 0, Math.round(members.length * testFraction)));
    for (const i of members.slice(0, n)) splits[i] = 'test';
  }
  return splits;
}

async function writeSlices(out: string, names: string[], images: Uint8Array[], quality: number): Promise<void> {
  await Promise.all(
    images.map(async (image, k) => {
      const jpeg = await sharp(image, { raw: { width: SLICE_WIDTH, height: SLICE_HEIGHT, channels: 1 } })
        .toColourspace('b-w')
        .jpeg({ quality, chromaSubsampling: '4:4:4' })
        .toBuffer();
      writeFileSync(join(out, names[k] as string), jpeg);
    }),
  );
}

function zeroCounts(): Record<Stage, number> {
  return { NonDemented: 0, VeryMildDemented: 0, MildDemented: 0, ModerateDemented: 0 };
}

function record(subject: Subject, split: 'train' | 'test'): SubjectRecord {
  const a = subject.atrophy;
  return {
    id: subject.id,
    stage: subject.stage,
    split,
    severity: round(a.severity, 3),
    ventricleMm: round(a.ventricleMm, 3),
    cortexMm: round(a.cortexMm, 3),
    hippocampusMm: round(a.hippocampusMm, 3),
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
