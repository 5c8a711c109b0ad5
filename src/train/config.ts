/**
 * Training settings: one table of fields (name, flag, type, default, help) from which flags, YAML
 * files and API objects are all validated with the same error shape, naming the setting (and the
 * file), what was expected and what came.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { AlzbenchError, describeValue, invalid } from '../util/errors.js';

/** Metrics a run can select its best epoch by. `loss` is minimized, the others maximized. */
export const SELECT_METRICS = ['balancedAccuracy', 'accuracy', 'sensitivity', 'specificity', 'f1', 'auc', 'loss'] as const;
export type SelectMetric = (typeof SELECT_METRICS)[number];
export const AUGMENTATIONS = ['zoom', 'rotate', 'shift', 'flip'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];

/** Every setting of a training run, with every default filled in (what config.json holds). */
export interface TrainConfig {
  /** Human name of the run (default: none; the run id identifies it). */
  name: string | null;
  /** Data set folder. */
  data: string;
  /** `binary`, `4class`, `folders`, `map:...`, or `auto` (what the layout suggests). */
  task: string;
  model: string;
  /** simple_cnn only: conv block widths (null: the model's default). */
  widths: number[] | null;
  /** Safetensors file with pretrained weights (null: random initialization). */
  weights: string | null;
  /** Preprocessing chain spec (`none` for none). */
  pipeline: string;
  /** Input [height, width]; `auto` resolves to the most common slice size after the chain. */
  imageSize: [number, number] | 'auto';
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam' | 'adamw';
  /** null resolves to 0.01 for SGD, 0.001 for Adam/AdamW. */
  lr: number | null;
  momentum: number;
  nesterov: boolean;
  betas: [number, number];
  /** null resolves to 0, or 0.01 for AdamW (PyTorch's defaults). */
  weightDecay: number | null;
  schedule: 'none' | 'step' | 'cosine' | 'linear' | 'plateau';
  stepSize: number;
  gamma: number;
  warmupEpochs: number;
  plateauPatience: number;
  minLr: number;
  /** null: the model's default dropout. */
  dropout: number | null;
  augment: Augmentation[];
  zoom: number;
  rotate: number;
  shift: number;
  flipProbability: number;
  balance: 'none' | 'weights' | 'sampling';
  labelSmoothing: number;
  /** Early stopping: epochs without improvement of `selectMetric` before stopping; 0 = off. */
  patience: number;
  selectMetric: SelectMetric;
  grouping: 'auto' | 'subject' | 'pseudo' | 'none';
  splitSeed: number;
  seed: number;
  device: string;
  /** null: libtorch's current thread count. */
  threads: number | null;
  bootstrap: number;
  camSamples: number;
  collapseThreshold: number;
  /** Training images per epoch used to recompute BatchNorm statistics before validation; 0 = off. */
  bnRecalibration: number;
  /** Keep conv weights in channels-last (NHWC) layout: oneDNN's faster path on CPU. */
  channelsLast: boolean;
  /** Mixed precision of the forward pass: none, bf16 (CPU or GPU) or fp16 (GPU, with loss scaling). */
  amp: 'none' | 'bf16' | 'fp16';
  onBad: 'skip' | 'stop';
  runsDir: string;
  /** Slice cache folder; null: `<runsDir>/.slice-cache`; `none`: no cache. */
  cacheDir: string | null;
  /** Batches between loss read-backs from the device (progress lines, divergence checks). */
  logEvery: number;
}

type Kind =
  | { type: 'int'; min: number; max?: number; nullable?: boolean }
  | { type: 'number'; min?: number; max?: number; below?: number; above?: number; nullable?: boolean }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'string'; nullable?: boolean; required?: boolean; pattern?: RegExp; expected?: string }
  | { type: 'bool' }
  | { type: 'enumList'; values: readonly string[] }
  | { type: 'intList'; nullable?: boolean }
  | { type: 'size' }
  | { type: 'betas' };

interface Field {
  readonly key: keyof TrainConfig;
  readonly kind: Kind;
  readonly default: unknown;
  readonly help: string;
}

/** The settings table; flags are the kebab-case keys (`batchSize` is `--batch-size`). */
export const FIELDS: readonly Field[] = [
  { key: 'name', kind: { type: 'string', nullable: true }, default: null, help: 'run name (free text)' },
  { key: 'data', kind: { type: 'string', required: true }, default: undefined, help: 'data set folder (required)' },
  { key: 'task', kind: { type: 'string' }, default: 'auto', help: 'binary, 4class, folders, map:Source=Target,... or auto (the layout\'s)' },
  { key: 'model', kind: { type: 'string' }, default: 'simple_cnn', help: 'registered model (alzbench models)' },
  { key: 'widths', kind: { type: 'intList', nullable: true }, default: null, help: 'simple_cnn conv widths, e.g. 16,32,64' },
  { key: 'weights', kind: { type: 'string', nullable: true }, default: null, help: 'pretrained weights (safetensors)' },
  { key: 'pipeline', kind: { type: 'string' }, default: 'none', help: 'preprocessing chain, e.g. grayscale|open(k=5)|clahe(clip=2,tile=7)' },
  { key: 'imageSize', kind: { type: 'size' }, default: 'auto', help: 'input HxW, e.g. 208x176, or auto (the slices\' own size)' },
  { key: 'epochs', kind: { type: 'int', min: 1 }, default: 20, help: 'training epochs' },
  { key: 'batchSize', kind: { type: 'int', min: 1 }, default: 16, help: 'batch size' },
  { key: 'optimizer', kind: { type: 'enum', values: ['sgd', 'adam', 'adamw'] }, default: 'sgd', help: 'sgd, adam or adamw' },
  { key: 'lr', kind: { type: 'number', above: 0, nullable: true }, default: null, help: 'learning rate (default 0.01 for sgd, 0.001 for adam/adamw)' },
  { key: 'momentum', kind: { type: 'number', min: 0, below: 1 }, default: 0.9, help: 'SGD momentum' },
  { key: 'nesterov', kind: { type: 'bool' }, default: false, help: 'SGD Nesterov momentum' },
  { key: 'betas', kind: { type: 'betas' }, default: [0.9, 0.999], help: 'Adam betas, e.g. 0.9,0.999' },
  { key: 'weightDecay', kind: { type: 'number', min: 0, nullable: true }, default: null, help: 'weight decay: L2 for sgd/adam, decoupled for adamw (default 0; adamw 0.01)' },
  { key: 'schedule', kind: { type: 'enum', values: ['none', 'step', 'cosine', 'linear', 'plateau'] }, default: 'none', help: 'LR schedule: none, step, cosine, linear (warm-up), plateau' },
  { key: 'stepSize', kind: { type: 'int', min: 1 }, default: 10, help: 'step schedule: epochs between cuts' },
  { key: 'gamma', kind: { type: 'number', above: 0, below: 1 }, default: 0.1, help: 'step and plateau schedules: factor of each cut' },
  { key: 'warmupEpochs', kind: { type: 'int', min: 1 }, default: 5, help: 'linear schedule: warm-up epochs from lr/3' },
  { key: 'plateauPatience', kind: { type: 'int', min: 0 }, default: 3, help: 'plateau schedule: epochs without val loss improvement before a cut' },
  { key: 'minLr', kind: { type: 'number', min: 0 }, default: 0, help: 'cosine and plateau schedules: lowest lr' },
  { key: 'dropout', kind: { type: 'number', min: 0, below: 1, nullable: true }, default: null, help: 'dropout before the classifier (default the model\'s)' },
  { key: 'augment', kind: { type: 'enumList', values: AUGMENTATIONS }, default: [], help: 'augmentations on the device: zoom,rotate,shift,flip (default none)' },
  { key: 'zoom', kind: { type: 'number', min: 0, below: 1 }, default: 0.1, help: 'zoom range: scale in [1-z, 1+z]' },
  { key: 'rotate', kind: { type: 'number', min: 0, max: 180 }, default: 10, help: 'rotation range in degrees: [-r, r]' },
  { key: 'shift', kind: { type: 'number', min: 0, max: 1 }, default: 0.1, help: 'shift range as a share of the side: [-s, s]' },
  { key: 'flipProbability', kind: { type: 'number', min: 0, max: 1 }, default: 0.5, help: 'probability of a left-right flip' },
  { key: 'balance', kind: { type: 'enum', values: ['none', 'weights', 'sampling'] }, default: 'none', help: 'class balance: none, weights (inverse-frequency loss weights), sampling (balanced batches)' },
  { key: 'labelSmoothing', kind: { type: 'number', min: 0, below: 1 }, default: 0, help: 'label smoothing of the loss' },
  { key: 'patience', kind: { type: 'int', min: 0 }, default: 0, help: 'early stopping: epochs without improvement (0 = off)' },
  { key: 'selectMetric', kind: { type: 'enum', values: SELECT_METRICS }, default: 'balancedAccuracy', help: 'validation metric choosing the best epoch' },
  { key: 'grouping', kind: { type: 'enum', values: ['auto', 'subject', 'pseudo', 'none'] }, default: 'auto', help: 'split grouping: auto (subjects, else pseudo-subjects), subject, pseudo, none' },
  { key: 'splitSeed', kind: { type: 'int', min: 0 }, default: 42, help: 'seed of the train/val/test split (keep it to compare runs on one test set)' },
  { key: 'seed', kind: { type: 'int', min: 0 }, default: 0, help: 'seed of initialization, shuffling, augmentation and dropout' },
  { key: 'device', kind: { type: 'string', pattern: /^(cpu|cuda(:\d+)?)$/, expected: 'cpu, cuda or cuda:N' }, default: 'cpu', help: 'cpu or cuda (cuda:N)' },
  { key: 'threads', kind: { type: 'int', min: 1, nullable: true }, default: null, help: 'libtorch threads (default: the machine\'s)' },
  { key: 'bootstrap', kind: { type: 'int', min: 0 }, default: 1000, help: 'bootstrap resamples for the test CIs (0 = none)' },
  { key: 'camSamples', kind: { type: 'int', min: 0 }, default: 4, help: 'test slices to write Grad-CAM images for' },
  { key: 'collapseThreshold', kind: { type: 'number', above: 0.5, max: 1 }, default: 0.95, help: 'share of predictions in one class that flags a collapsed model' },
  { key: 'bnRecalibration', kind: { type: 'int', min: 0 }, default: 256, help: 'training images per epoch to recompute batch-norm statistics from before validation (0 = off)' },
  { key: 'amp', kind: { type: 'enum', values: ['none', 'bf16', 'fp16'] }, default: 'none', help: 'mixed precision: none, bf16 (autocast; CPU or GPU) or fp16 (autocast + loss scaling; GPU only)' },
  { key: 'channelsLast', kind: { type: 'bool' }, default: true, help: 'channels-last (NHWC) weights: faster convolutions on CPU, same results up to rounding (channelsLast: false in a --config file turns it off)' },
  { key: 'onBad', kind: { type: 'enum', values: ['skip', 'stop'] }, default: 'skip', help: 'bad input files: skip and report, or stop' },
  { key: 'runsDir', kind: { type: 'string' }, default: 'runs', help: 'folder that holds run folders' },
  { key: 'cacheDir', kind: { type: 'string', nullable: true }, default: null, help: 'preprocessed-slice cache folder (default <runs-dir>/.slice-cache; none = no cache)' },
  { key: 'logEvery', kind: { type: 'int', min: 1 }, default: 10, help: 'batches between reading the training loss back from the device (progress, divergence check)' },
];

const BY_KEY = new Map(FIELDS.map((f) => [f.key as string, f]));

/** `batchSize` -> `batch-size`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
/** `batch-size` -> `batchSize`. */
function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length]![b.length]!;
}

function describeKind(kind: Kind): string {
  switch (kind.type) {
    case 'int':
      return kind.min === 1 ? 'positive integer' : kind.min === 0 ? 'non-negative integer' : `integer >= ${kind.min}`;
    case 'number': {
      const parts: string[] = [];
      if (kind.min !== undefined) parts.push(`>= ${kind.min}`);
      if (kind.above !== undefined) parts.push(`> ${kind.above}`);
      if (kind.max !== undefined) parts.push(`<= ${kind.max}`);
      if (kind.below !== undefined) parts.push(`< ${kind.below}`);
      return `number ${parts.join(' and ')}`.trim();
    }
    case 'enum':
      return `one of ${kind.values.join(', ')}`;
    case 'string':
      return kind.expected ?? (kind.required ? 'non-empty string' : 'string');
    case 'bool':
      return 'boolean';
    case 'enumList':
      return `list of ${kind.values.join(', ')}`;
    case 'intList':
      return 'non-empty list of positive integers';
    case 'size':
      return 'HxW size (two positive integers) or auto';
    case 'betas':
      return 'two numbers in [0, 1)';
  }
}

/** Where a value came from, for error messages. */
type Source = { kind: 'api' } | { kind: 'flag' } | { kind: 'file'; file: string };

function label(key: string, written: string, source: Source): string {
  if (source.kind === 'flag') return `--${flagName(key)}`;
  if (source.kind === 'file') return `${written} in ${source.file}`;
  return key;
}

/** Splits a flag's comma list ("zoom,rotate" or "16, 32"); an empty string is the empty list. */
function splitList(text: string): string[] {
  return text.trim() === '' || text.trim() === 'none' ? [] : text.split(',').map((s) => s.trim());
}

/**
 * Checks one value against its field. Flags arrive as strings and are converted first; YAML and
 * API values must already have the right type (a quoted "10" in YAML is an error, not a number).
 */
function checkValue(field: Field, written: string, raw: unknown, source: Source): unknown {
  const kind = field.kind;
  const name = label(field.key, written, source);
  const fail = () => invalid(describeKind(kind), name, raw);
  const fromFlag = source.kind === 'flag' && typeof raw === 'string';
  if (raw === null && 'nullable' in kind && kind.nullable) return null;
  switch (kind.type) {
    case 'int':
    case 'number': {
      const value = fromFlag ? (/^\s*-?(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i.test(raw as string) ? Number(raw) : NaN) : raw;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fail();
      if (kind.type === 'int' && (!Number.isSafeInteger(value) || value < kind.min || (kind.max !== undefined && value > kind.max))) throw fail();
      if (kind.type === 'number') {
        if (kind.min !== undefined && value < kind.min) throw fail();
        if (kind.max !== undefined && value > kind.max) throw fail();
        if (kind.above !== undefined && !(value > kind.above)) throw fail();
        if (kind.below !== undefined && !(value < kind.below)) throw fail();
      }
      return value;
    }
    case 'enum':
      if (typeof raw !== 'string' || !kind.values.includes(raw)) throw fail();
      return raw;
    case 'string':
      if (typeof raw !== 'string' || (kind.required && raw.trim() === '') || (kind.pattern && !kind.pattern.test(raw))) throw fail();
      return raw;
    case 'bool': {
      const value = fromFlag ? ({ true: true, false: false } as Record<string, boolean>)[(raw as string).toLowerCase()] : raw;
      if (typeof value !== 'boolean') throw fail();
      return value;
    }
    case 'enumList': {
      const list = fromFlag ? splitList(raw as string) : raw;
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && kind.values.includes(v))) throw fail();
      return [...new Set(list as string[])];
    }
    case 'intList': {
      const list = fromFlag ? splitList(raw as string).map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : raw;
      if (!Array.isArray(list) || list.length === 0 || !list.every((v) => Number.isSafeInteger(v) && (v as number) > 0)) throw fail();
      return list;
    }
    case 'size': {
      if (raw === 'auto') return 'auto';
      let pair: unknown = raw;
      if (typeof raw === 'string') {
        const m = /^\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(raw);
        pair = m ? [Number(m[1]), Number(m[2])] : undefined;
      }
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isSafeInteger(v) && (v as number) > 0)) throw fail();
      return pair;
    }
    case 'betas': {
      const list = fromFlag ? splitList(raw as string).map((s) => (s === '' ? NaN : Number(s))) : raw;
      if (!Array.isArray(list) || list.length !== 2 || !list.every((v) => typeof v === 'number' && v >= 0 && v < 1)) throw fail();
      return list;
    }
  }
}

function unknownKey(written: string, source: Source): AlzbenchError {
  const where = source.kind === 'file' ? ` in ${source.file}` : '';
  const known = FIELDS.map((f) => f.key);
  const guess = known.map((k) => ({ k, d: Math.min(levenshtein(camel(written), k), levenshtein(written.toLowerCase(), k.toLowerCase())) })).sort((a, b) => a.d - b.d)[0]!;
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AlzbenchError(`Cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { exitCode: 2 });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new AlzbenchError(`Cannot parse config file ${path}${where}: ${(error as Error).message.split('\n')[0]}`, { exitCode: 2 });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AlzbenchError(`Expected a mapping of settings in ${path} but received ${describeValue(doc)}`, { exitCode: 2, hint: 'e.g. "epochs: 20" on one line, "optimizer: sgd" on the next' });
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

/** The flags of `alzbench train` for node's parseArgs: every setting as a string flag. */
export function trainFlagOptions(): Record<string, { type: 'string' }> {
  return Object.fromEntries(FIELDS.map((f) => [flagName(f.key), { type: 'string' as const }]));
}

/** Help lines for the settings, one per flag. */
export function settingsHelp(): string {
  const rows = FIELDS.map((f) => [`--${flagName(f.key)}`, `${f.help}${f.default === undefined || f.default === null ? '' : ` (default ${Array.isArray(f.default) ? f.default.join(',') || 'none' : String(f.default)})`}`]);
  const width = Math.max(...rows.map(([a]) => a!.length));
  return rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`).join('\n');
}
