/**
 * `alzbench synth --volumes`: the synthetic subjects as whole 3-D volumes in BIDS layout
 * (`sub-0001/anat/sub-0001_T1w.nii.gz`, `participants.tsv`), one session per person, for
 * subject-level (3-D) training. With the same seed and subject count, the people (stages,
 * anatomy, train/test split) are those of the slice data set `alzbench synth` writes, so slice and
 * volume models can be compared on the same people.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareOutput } from './prepare-output.js';
import { invalid } from '../../util/errors.js';
import { STAGES } from './atrophy.js';
import { assignSplits, assignStages, SYNTH_VERSION } from './generate.js';
import { drawSubject } from './subject.js';
import { loadTemplate, type Template } from './template.js';
import { renderVolume } from './volume.js';
import { writeNifti } from './write-nifti.js';

/** Options of {@link generateVolumes}; every default is recorded in `synth.json`. */
export interface SynthVolumeOptions {
  readonly out: string;
  /** Number of people (default 60). */
  readonly subjects?: number;
  readonly seed?: number;
  /** Axial levels stacked into each volume (its depth; default 48). */
  readonly depth?: number;
  /** Lowest and highest level, MNI mm (default [-32, 50], as the slices). */
  readonly zRange?: readonly [number, number];
  /** In-plane block averaging (default 2: 88x104 voxels of 2 mm). */
  readonly downsample?: number;
  readonly testFraction?: number;
  readonly stageWeights?: readonly [number, number, number, number];
  readonly force?: boolean;
  readonly template?: Template;
  readonly onProgress?: (done: number, total: number) => void;
}

/** What {@link generateVolumes} wrote. */
export interface SynthVolumeSummary {
  readonly out: string;
  readonly seed: number;
  readonly shape: [number, number, number];
  readonly spacingMm: [number, number, number];
  readonly subjects: { id: string; stage: string; split: 'train' | 'test'; file: string }[];
}

const OWN_OUTPUTS = ['participants.tsv', 'dataset_description.json', 'synth.json'];

/**
 * Writes one NIfTI volume per synthetic person, BIDS layout, plus participants.tsv
 * (participant_id, group = stage, split) and synth.json.
 *
 * @param options output folder and `subjects` (default 60), `seed` (default 1), `depth` (axial levels, default 48),
 *   `zRange` (MNI mm, default [-32, 50]), `downsample` (1, 2, 4, 8 or 16; default 2), `testFraction` (default 0.2),
 *   `stageWeights` (default [4, 3, 2, 1]),
 *   `force` (replace the generator's own earlier output), `template`, `onProgress`
 * @returns the folder, seed, volume shape [X, Y, Z] (voxels) and spacing (mm), and each subject's id, stage, split
 *   and file
 * @throws AlzbenchError (exit 2) `Expected <what> for <option> ...` for a bad option, or when the output folder is not
 *   empty (without `force`)
 * @throws AlzbenchError naming `apt-get install mricron-data` when the template files are missing
 * @example
 * await generateVolumes({ out: 'demo-volumes', subjects: 40, depth: 32, downsample: 4 });
 */
export async function generateVolumes(options: SynthVolumeOptions): Promise<SynthVolumeSummary> {
  const subjectCount = options.subjects ?? 60;
  const seed = options.seed ?? 1;
  const depth = options.depth ?? 48;
  const zRange = options.zRange ?? [-32, 50];
  const downsample = options.downsample ?? 2;
  const testFraction = options.testFraction ?? 0.2;
  const stageWeights = options.stageWeights ?? [4, 3, 2, 1];
  if (!Number.isInteger(subjectCount) || subjectCount < 1) throw invalid('positive integer', 'subjects', subjectCount);
  if (!Number.isSafeInteger(seed)) throw invalid('integer', 'seed', seed);
  if (!Number.isInteger(depth) || depth < 2 || depth > 200) throw invalid('integer from 2 to 200', 'volume depth (--slices)', depth);
  if (![1, 2, 4, 8, 16].includes(downsample)) throw invalid('1, 2, 4, 8 or 16', 'downsample', downsample);
  if (!(testFraction >= 0 && testFraction < 1)) throw invalid('number in [0, 1)', 'testFraction', testFraction);
  prepareOutput(options.out, options.force ?? false, (name) => OWN_OUTPUTS.includes(name) || /^sub-\d+$/.test(name), 'volumes');

  const template = options.template ?? loadTemplate();
  const stages = assignStages(seed, subjectCount, stageWeights);
  const splits = assignSplits(seed, stages, testFraction);
  const zStep = (zRange[1] - zRange[0]) / (depth - 1);
  const rows = ['participant_id\tgroup\tsplit'];
  const subjects: SynthVolumeSummary['subjects'] = [];
  let shape: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < subjectCount; i++) {
    options.onProgress?.(i, subjectCount);
    const subject = drawSubject(seed, i, stages[i]!, template, { count: depth, zRange });
    const volume = renderVolume(template, subject, { downsample, zStepMm: zStep });
    shape = volume.shape;
    const file = `${subject.id}/anat/${subject.id}_T1w.nii.gz`;
    mkdirSync(join(options.out, subject.id, 'anat'), { recursive: true });
    writeNifti(join(options.out, file), volume.data, volume.shape, volume.affine, `alzbench synth ${subject.stage}`);
    rows.push(`${subject.id}\t${subject.stage}\t${splits[i]}`);
    subjects.push({ id: subject.id, stage: subject.stage, split: splits[i]!, file });
  }
  options.onProgress?.(subjectCount, subjectCount);
  writeFileSync(join(options.out, 'participants.tsv'), `${rows.join('\n')}\n`);
  writeFileSync(
    join(options.out, 'dataset_description.json'),
    `${JSON.stringify({ Name: 'alzbench synthetic volumes', BIDSVersion: '1.8.0', DatasetType: 'derivative' }, null, 2)}\n`,
  );
  const spacingMm: [number, number, number] = [downsample, downsample, Math.round(zStep * 1000) / 1000];
  writeFileSync(
    join(options.out, 'synth.json'),
    `${JSON.stringify({ generator: 'alzbench synth --volumes', version: SYNTH_VERSION, options: { subjects: subjectCount, seed, depth, zRange, downsample, testFraction, stageWeights }, shape, spacingMm, stages: STAGES, subjects }, null, 2)}\n`,
  );
  return { out: options.out, seed, shape, spacingMm, subjects };
}
