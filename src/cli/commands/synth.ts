import { generateDataset } from '../../data/synth/generate.js';
import { generateVolumes } from '../../data/synth/generate-volumes.js';
import { invalid } from '../../util/errors.js';
import { type Command, parseFlags } from '../command.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';
import { flagValue, int, number } from '../../util/schema.js';

const flags = {
  out: { type: 'string', value: '<dir>', help: `output folder (created; must be empty unless --force)` },
  subjects: { type: 'string', value: 'N', help: `number of subjects (default 60)` },
  seed: { type: 'string', value: 'S', help: `random seed (default 1)` },
  slices: { type: 'string', value: 'N', help: `axial slices per subject (default 32, like OASIS)` },
  'test-fraction': { type: 'string', value: 'F', help: `share of each stage's subjects in test/ (default 0.2)` },
  volumes: {
    type: 'boolean',
    default: false,
    help: `write whole 3-D volumes instead (BIDS: sub-0001/anat/sub-0001_T1w.nii.gz,
participants.tsv with group = stage and split; the same people as the
slice data set of the same seed); --slices is then the volume's depth
(default 48)`,
  },
  downsample: { type: 'string', value: 'F', help: `volumes: in-plane block averaging 1, 2 (default: 88x104 voxels of 2 mm), 4, 8, 16` },
  force: { type: 'boolean', default: false, help: `replace a data set generated in --out before` },
  json: { type: 'boolean', default: false, help: `print a JSON summary on stdout (progress goes to stderr)` },
} satisfies FlagTable;

const usage = usageText({
  synopsis: `usage: alzbench synth --out <dir> [--subjects N] [--seed S] [--slices N] [--test-fraction F] [--volumes [--downsample F]] [--force] [--json]`,
  about: `Generates a synthetic Alzheimer MRI data set from the Colin27 brain template (Debian package
mricron-data): N subjects, each with its own random anatomy, contrast, bias field and noise, and
a stage (NonDemented, VeryMildDemented, MildDemented, ModerateDemented) that enlarges the
ventricles, thins the cortex and shrinks the hippocampi by stage-dependent, per-subject random
amounts. Writes 176x208 grey JPEG axial slices in the Kaggle 4-class layout (train/ and test/,
one folder per stage, split by subject), subjects.csv (file, subject, stage, split, slice, z_mm)
and synth.json (options and each subject's atrophy). The same seed gives the same bytes.`,
  flags,
});

const SUBJECTS = int({ min: 1, max: 100_000 });
const SLICES = int({ min: 1, max: 1000 });
const ANY_SEED = int({ min: Number.MIN_SAFE_INTEGER, expected: 'integer' });
const TEST_FRACTION = number({ min: 0, below: 1, expected: 'number in [0, 1)' });

/** `alzbench synth`: writes the synthetic demo data set (see {@link generateDataset}). */
export const synthCommand: Command = {
  name: 'synth',
  summary: 'generate a synthetic Alzheimer MRI slice data set (Kaggle 4-class layout, known subjects)',
  usage,
  flags,
  async run(argv) {
    const { values } = parseFlags('synth', argv, flags);
    if (values.out === undefined || values.out === '') throw invalid('a folder path', '--out', values.out, 'e.g. alzbench synth --out demo-data');
    const testFractionRaw = values['test-fraction'];
    const testFraction = flagValue(TEST_FRACTION, '--test-fraction', testFractionRaw);
    const subjects = flagValue(SUBJECTS, '--subjects', values.subjects);
    const seed = flagValue(ANY_SEED, '--seed', values.seed);
    const slices = flagValue(SLICES, '--slices', values.slices);

    const started = performance.now();
    const progress = process.stderr.isTTY
      ? (done: number, total: number) => process.stderr.write(`\rsynth: ${done}/${total} subjects`)
      : (done: number, total: number) => {
          if (done === total || done % 10 === 0) process.stderr.write(`synth: ${done}/${total} subjects\n`);
        };
    if (values.downsample !== undefined && !values.volumes) throw invalid('no --downsample without --volumes', '--downsample', values.downsample);
    const downsample = flagValue(int({ min: 1, max: 16, expected: 'integer 1..16' }), '--downsample', values.downsample, 1);
    if (values.volumes) {
      const summary = await generateVolumes({
        out: values.out,
        force: values.force,
        onProgress: progress,
        ...(subjects === undefined ? {} : { subjects }),
        ...(seed === undefined ? {} : { seed }),
        ...(slices === undefined ? {} : { depth: slices }),
        ...(testFraction === undefined ? {} : { testFraction }),
        ...(downsample === undefined ? {} : { downsample }),
      });
      const seconds = (performance.now() - started) / 1000;
      if (process.stderr.isTTY) process.stderr.write('\n');
      if (values.json) console.log(JSON.stringify({ ...summary, seconds: Math.round(seconds * 100) / 100 }, null, 2));
      else
        console.log(
          `wrote ${summary.subjects.length} volumes of ${summary.shape.join('x')} voxels (${summary.spacingMm.join(' x ')} mm) to ${summary.out} in ${seconds.toFixed(1)} s (seed ${summary.seed})`,
        );
      return 0;
    }
    const summary = await generateDataset({
      out: values.out,
      force: values.force,
      onProgress: progress,
      ...(subjects === undefined ? {} : { subjects }),
      ...(seed === undefined ? {} : { seed }),
      ...(slices === undefined ? {} : { slicesPerSubject: slices }),
      ...(testFraction === undefined ? {} : { testFraction }),
    });
    const seconds = (performance.now() - started) / 1000;
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (values.json) {
      console.log(JSON.stringify({ ...summary, seconds: Math.round(seconds * 100) / 100 }, null, 2));
    } else {
      const line = (split: 'train' | 'test') =>
        Object.entries(summary.counts[split])
          .map(([stage, n]) => `${stage} ${n}`)
          .join(', ');
      console.log(`wrote ${summary.files} slices of ${summary.subjects.length} subjects to ${summary.out} in ${seconds.toFixed(1)} s (seed ${summary.seed})`);
      console.log(`  train subjects: ${line('train')}`);
      console.log(`  test subjects:  ${line('test')}`);
      console.log(`  subjects.csv maps every file to its subject and stage; synth.json holds each subject's atrophy`);
    }
    return 0;
  },
};
