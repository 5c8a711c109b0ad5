/**
 * Training settings: one table of fields (name, rule, default, help) from which flags, YAML
 * files and API objects are all validated with the same valibot rules and error shape, naming the
 * setting (and the file), what was expected and what came. The TrainConfig type is derived from it.
 */
import { AlzbenchError, describeValue, invalid } from '../util/errors.js';
import { readYamlFile } from '../util/read-input.js';
import {
  bool,
  camel,
  check,
  describeRule,
  flagName,
  fromText,
  int,
  intList,
  MAX_THREADS,
  nullable,
  number,
  oneOf,
  size,
  string,
  unitPair,
  wordList,
  type Rule,
  type RuleOutput,
} from '../util/schema.js';

/** Metrics a run can select its best epoch by. `loss` is minimized, the others maximized. */
export const SELECT_METRICS = ['balancedAccuracy', 'accuracy', 'sensitivity', 'specificity', 'f1', 'auc', 'loss'] as const;
export const AUGMENTATIONS = ['zoom', 'rotate', 'shift', 'flip'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];

const epochsLimit = { max: 10_000, limitHint: 'the limit guards against typos such as 1e12; ask for more in an issue if you need it' };
const sizeHint = 'sides above 4096 pixels exhaust memory at any batch size; resize the slices (pipeline resize) first';

/** One setting: its rule (schema + words), default and help line. */
function setting<R extends Rule<any>>(rule: R, defaultValue: RuleOutput<R> | undefined, help: string) {
  return { rule, default: defaultValue, help };
}

/**
 * The settings table: every setting of a training run, its rule, default and help. Flags are
 * the kebab-case keys (`batchSize` is `--batch-size`); the {@link TrainConfig} type is derived
 * from it, so the two cannot drift.
 */
const SETTINGS = {
  name: setting(nullable(string({ maxLength: 200 })), null, 'run name (free text)'),
  data: setting(string({ required: true }), undefined, 'data set folder (required)'),
  task: setting(string(), 'auto', "binary, 4class, folders, map:Source=Target,... or auto (the layout's)"),
  model: setting(string(), 'simple_cnn', 'registered model (alzbench models)'),
  widths: setting(
    nullable(intList({ maxItems: 16, maxValue: 4096, limitHint: 'wider or deeper simple_cnn stacks do not fit in memory' })),
    null,
    'simple_cnn conv widths, e.g. 16,32,64',
  ),
  weights: setting(nullable(string()), null, 'pretrained weights (safetensors)'),
  pipeline: setting(string({ maxLength: 4096 }), 'none', 'preprocessing chain, e.g. grayscale|open(k=5)|clahe(clip=2,tile=7)'),
  imageSize: setting(size({ max: 4096, limitHint: sizeHint }), 'auto', "input HxW, e.g. 208x176, or auto (the slices' own size)"),
  epochs: setting(int({ min: 1, ...epochsLimit }), 20, 'training epochs'),
  batchSize: setting(int({ min: 1, max: 4096, limitHint: 'a batch above 4096 slices does not fit in memory' }), 16, 'batch size'),
  optimizer: setting(oneOf(['sgd', 'adam', 'adamw'] as const), 'sgd', 'sgd, adam or adamw'),
  lr: setting(nullable(number({ above: 0 })), null, 'learning rate (default 0.01 for sgd, 0.001 for adam/adamw)'),
  momentum: setting(number({ min: 0, below: 1 }), 0.9, 'SGD momentum'),
  nesterov: setting(bool(), false, 'SGD Nesterov momentum'),
  betas: setting(unitPair(), [0.9, 0.999], 'Adam betas, e.g. 0.9,0.999'),
  weightDecay: setting(nullable(number({ min: 0 })), null, 'weight decay: L2 for sgd/adam, decoupled for adamw (default 0; adamw 0.01)'),
  schedule: setting(
    oneOf(['none', 'step', 'cosine', 'linear', 'plateau', 'warmup_cosine'] as const),
    'none',
    'LR schedule: none, step, cosine, linear (warm-up), plateau, warmup_cosine (linear warm-up, then cosine)',
  ),
  stepSize: setting(int({ min: 1, ...epochsLimit }), 10, 'step schedule: epochs between cuts'),
  gamma: setting(number({ above: 0, below: 1 }), 0.1, 'step and plateau schedules: factor of each cut'),
  warmupEpochs: setting(int({ min: 1, ...epochsLimit }), 5, 'linear and warmup_cosine schedules: warm-up epochs from lr/3'),
  plateauPatience: setting(int({ min: 0, ...epochsLimit }), 3, 'plateau schedule: epochs without val loss improvement before a cut'),
  minLr: setting(number({ min: 0 }), 0, 'cosine and plateau schedules: lowest lr'),
  dropout: setting(nullable(number({ min: 0, below: 1 })), null, "dropout before the classifier (default the model's)"),
  augment: setting(wordList(AUGMENTATIONS), [], 'augmentations on the device: zoom,rotate,shift,flip (default none)'),
  zoom: setting(number({ min: 0, below: 1 }), 0.1, 'zoom range: scale in [1-z, 1+z]'),
  rotate: setting(number({ min: 0, max: 180 }), 10, 'rotation range in degrees: [-r, r]'),
  shift: setting(number({ min: 0, max: 1 }), 0.1, 'shift range as a share of the side: [-s, s]'),
  flipProbability: setting(number({ min: 0, max: 1 }), 0.5, 'probability of a left-right flip'),
  balance: setting(
    oneOf(['none', 'weights', 'sampling'] as const),
    'none',
    'class balance: none, weights (inverse-frequency loss weights), sampling (balanced batches)',
  ),
  labelSmoothing: setting(number({ min: 0, below: 1 }), 0, 'label smoothing of the loss'),
  patience: setting(int({ min: 0, ...epochsLimit }), 0, 'early stopping: epochs without improvement (0 = off)'),
  selectMetric: setting(oneOf(SELECT_METRICS), 'balancedAccuracy', 'validation metric choosing the best epoch'),
  grouping: setting(
    oneOf(['auto', 'subject', 'pseudo', 'none'] as const),
    'auto',
    'split grouping: auto (subjects, else pseudo-subjects), subject, pseudo, none',
  ),
  subjectPattern: setting(
    nullable(string({ maxLength: 1000 })),
    null,
    'subject ID from slice file names: a regex with a (?<subject>...) or first group (default: subjects.csv, OASIS or <id>_<slice> names)',
  ),
  splitSeed: setting(int({ min: 0 }), 42, 'seed of the train/val/test split (keep it to compare runs on one test set)'),
  seed: setting(int({ min: 0 }), 0, 'seed of initialization, shuffling, augmentation and dropout'),
  device: setting(string({ pattern: /^(cpu|cuda(:\d+)?)$/, expected: 'cpu, cuda or cuda:N' }), 'cpu', 'cpu or cuda (cuda:N)'),
  threads: setting(
    nullable(int({ min: 1, max: MAX_THREADS, limitHint: 'more threads than 4 per core only add contention' })),
    null,
    "libtorch threads (default: the machine's)",
  ),
  bootstrap: setting(
    int({ min: 0, max: 100_000, limitHint: 'beyond 100000 resamples the CI no longer changes' }),
    1000,
    'bootstrap resamples for the test CIs (0 = none)',
  ),
  camSamples: setting(int({ min: 0, max: 1000 }), 4, 'test slices to write Grad-CAM images for'),
  collapseThreshold: setting(number({ above: 0.5, max: 1 }), 0.95, 'share of predictions in one class that flags a collapsed model'),
  bnRecalibration: setting(
    int({ min: 0, max: 1_000_000 }),
    256,
    'training images per epoch to recompute batch-norm statistics from before validation (0 = off)',
  ),
  amp: setting(
    oneOf(['none', 'bf16', 'fp16'] as const),
    'none',
    'mixed precision: none, bf16 (autocast; CPU or GPU) or fp16 (autocast + loss scaling; GPU only)',
  ),
  channelsLast: setting(
    bool(),
    true,
    'channels-last (NHWC) weights: faster convolutions on CPU, same results up to rounding (channelsLast: false in a --config file turns it off)',
  ),
  onBad: setting(oneOf(['skip', 'stop'] as const), 'skip', 'bad input files: skip and report, or stop'),
  runsDir: setting(string({ required: true }), 'runs', 'folder that holds run folders'),
  slices: setting(
    nullable(string({ pattern: /^\s*[\d.]+\s*:\s*[\d.]+\s*$/, expected: 'FROM:TO, e.g. 40:120 or 0.3:0.7' })),
    null,
    'volumes: axial slice range (indices 40:120 or fractions 0.3:0.7; default the middle 40 %)',
  ),
  spacing: setting(nullable(number({ above: 0, max: 100 })), null, 'volumes: resample to this voxel size in mm (trilinear, RAS+) before slicing'),
  diagnosisColumn: setting(nullable(string({ maxLength: 200 })), null, 'BIDS: participants.tsv / sessions.tsv column with the diagnosis'),
  aggregate: setting(
    oneOf(['mean', 'median', 'vote'] as const),
    'mean',
    'subject-level results: pool slice predictions by mean probability, median or majority vote',
  ),
  calibrate: setting(oneOf(['none', 'temperature'] as const), 'none', 'calibration fitted on validation: none or temperature (scaling, Guo et al. 2017)'),
  folds: setting(int({ min: 0, max: 100 }), 0, "cross-validation: K subject-grouped stratified folds, one run each (0 = the data set's own split)"),
  fold: setting(nullable(int({ min: 0, max: 99 })), null, 'cross-validation: only this test fold (0..K-1) instead of all'),
  repeats: setting(int({ min: 1, max: 1000 }), 1, 'runs per configuration (and fold) with seeds seed, seed+1, ...'),
  runGroup: setting(nullable(string({ maxLength: 200 })), null, 'id linking the runs of one cross-validation / repeat set (default: made up)'),
  ema: setting(number({ min: 0, below: 1 }), 0, 'decay of an exponential moving average of the weights, used to validate and test (0 = off; e.g. 0.99)'),
  tta: setting(oneOf(['none', 'flip'] as const), 'none', 'test-time augmentation: none, or flip (mean of the slice and its mirror)'),
  recipe: setting(
    oneOf(['none', 'strong'] as const),
    'none',
    'settings bundle under the given ones: strong = augmentation, adamw, cosine with warm-up, label smoothing, EMA, TTA (README)',
  ),
  cacheDir: setting(nullable(string({ maxLength: 4096 })), null, 'preprocessed-slice cache folder (default <runs-dir>/.slice-cache; none = no cache)'),
  logEvery: setting(int({ min: 1, max: 1_000_000 }), 10, 'batches between reading the training loss back from the device (progress, divergence check)'),
  input: setting(
    oneOf(['slice', 'volume'] as const),
    'slice',
    'what one sample is: slice (2-D slices of a data set) or volume (one whole 3-D scan per session of a BIDS folder, split by person; README "Whole volumes")',
  ),
  volumeShape: setting(
    nullable(string({ pattern: /^\s*\d{1,4}\s*x\s*\d{1,4}\s*x\s*\d{1,4}\s*$/, expected: 'XxYxZ voxels, e.g. 96x112x96' })),
    null,
    "volumes: voxels XxYxZ (RAS+) each volume is cropped or padded to after cropping to the brain (default the model's input size)",
  ),
  volumeAugment: setting(bool(), false, 'volumes: random 3-D rotation, scaling, left-right flip and intensity jitter on the device'),
};

type Settings = typeof SETTINGS;

/** Every setting of a training run, with every default filled in (what config.json holds); derived from the settings table. */
export type TrainConfig = { -readonly [K in keyof Settings]: RuleOutput<Settings[K]['rule']> };

/** One row of the settings table. */
export interface Field {
  readonly key: keyof TrainConfig;
  readonly rule: Rule;
  readonly default: unknown;
  readonly help: string;
}

/** The settings table as rows, in help order. */
export const FIELDS: readonly Field[] = Object.entries(SETTINGS).map(([key, s]) => ({
  key: key as keyof TrainConfig,
  rule: s.rule as Rule,
  default: s.default,
  help: s.help,
}));

const BY_KEY = new Map(FIELDS.map((f) => [f.key as string, f]));

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length]![b.length]!;
}

/** Where a value came from, for error messages. */
type Source = { kind: 'api' } | { kind: 'flag' } | { kind: 'file'; file: string };

function label(key: string, written: string, source: Source): string {
  if (source.kind === 'flag') return `--${flagName(key)}`;
  if (source.kind === 'file') return `${written} in ${source.file}`;
  return key;
}

/**
 * Checks one value against its field. Flags arrive as strings and are converted first (one number
 * syntax for every flag: {@link parseNumberText}); YAML and API values must already have the
 * right type (a quoted "10" in YAML is an error, not a number).
 */
function checkValue(field: Field, written: string, raw: unknown, source: Source): unknown {
  // Sizes are written as text ("208x176") in files too; other kinds keep their YAML/JSON type.
  const value = typeof raw === 'string' && (source.kind === 'flag' || field.rule.text === 'size') ? fromText(field.rule, raw) : raw;
  return check(field.rule, label(field.key, written, source), value, raw);
}

function unknownKey(written: string, source: Source): AlzbenchError {
  const where = source.kind === 'file' ? ` in ${source.file}` : '';
  const known = FIELDS.map((f) => f.key);
  const guess = known
    .map((k) => ({ k, d: Math.min(levenshtein(camel(written), k), levenshtein(written.toLowerCase(), k.toLowerCase())) }))
    .sort((a, b) => a.d - b.d)[0]!;
  const hint = guess.d <= 2 ? `did you mean ${guess.k}?` : undefined;
  return new AlzbenchError(`Unknown key ${JSON.stringify(written)}${where}; known keys: ${known.join(', ')}`, { exitCode: 2, ...(hint ? { hint } : {}) });
}

/** A partial config: any subset of the settings, as given by a user. */
export type TrainConfigInput = Partial<Record<keyof TrainConfig, unknown>>;

/**
 * Validates a partial set of settings from one source. Keys may be camelCase or kebab-case.
 * Errors: unknown key (listing the known ones), wrong type or value out of range (naming the
 * setting, the file, what was expected and what came).
 */
export function validateSettings(values: Record<string, unknown>, source: Source = { kind: 'api' }): TrainConfigInput {
  const out: TrainConfigInput = {};
  for (const [written, raw] of Object.entries(values)) {
    const field = BY_KEY.get(camel(written));
    if (!field) throw unknownKey(written, source);
    if (raw === undefined) continue;
    out[field.key] = checkValue(field, written, raw, source);
  }
  return out;
}

/**
 * Reads a YAML (or JSON) config file: a mapping of settings. Errors name the file (and line for
 * syntax errors, the key for bad values).
 *
 * @example
 * readConfigFile('run.yaml'); // { epochs: 50, optimizer: 'sgd', ... }
 */
export function readConfigFile(path: string): TrainConfigInput {
  const doc = readYamlFile(path, 'config file');
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AlzbenchError(`Expected a mapping of settings in ${path} but received ${describeValue(doc)}`, {
      exitCode: 2,
      hint: 'e.g. "epochs: 20" on one line, "optimizer: sgd" on the next',
    });
  }
  return validateSettings(doc as Record<string, unknown>, { kind: 'file', file: path });
}

/** Settings from flags (strings as parsed by the CLI), validated and converted. */
export function settingsFromFlags(flags: Record<string, string | boolean | undefined>): TrainConfigInput {
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flags)) if (value !== undefined) values[name] = typeof value === 'boolean' ? String(value) : value;
  return validateSettings(values, { kind: 'flag' });
}

/**
 * Merges sources (later ones win) over the defaults into a full config. `data` is required.
 *
 * @example
 * resolveConfig(readConfigFile('run.yaml'), settingsFromFlags({ epochs: '5' }));
 */
export function resolveConfig(...sources: TrainConfigInput[]): TrainConfig {
  const merged: Record<string, unknown> = {};
  for (const field of FIELDS) merged[field.key] = structuredClone(field.default);
  for (const source of sources) for (const [k, v] of Object.entries(source)) if (v !== undefined) merged[k] = v;
  if (merged.data === undefined) throw invalid('a data set folder', 'data', undefined, 'pass --data <dir> or put "data: <dir>" in the config file');
  return merged as unknown as TrainConfig;
}

/** The flags of `alzbench train` for node's parseArgs: boolean settings as boolean flags, the others as strings. */
export function trainFlagOptions(): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(FIELDS.map((f) => [flagName(f.key), { type: f.rule.text === 'bool' ? ('boolean' as const) : ('string' as const) }]));
}

/** Help lines for the settings, one per flag. */
export function settingsHelp(): string {
  // The accepted values come from each setting's rule, so help and validation cannot disagree.
  const rows = FIELDS.map((f) => {
    const fallback =
      f.default === undefined || f.default === null ? '' : `default ${Array.isArray(f.default) ? f.default.join(',') || 'none' : String(f.default)}; `;
    return [`--${flagName(f.key)}`, `${f.help} (${fallback}${describeRule(f.rule)})`];
  });
  const width = Math.max(...rows.map(([a]) => a!.length));
  return rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`).join('\n');
}
