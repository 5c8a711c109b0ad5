/**
 * Sweep files: a base config and a grid (cross product) and/or a list of points over any training
 * settings, with scale variants (`scales: {small: ...}`) that override any top-level key. Every
 * point's settings are checked with the trainer's own validator, so a typo fails before any run
 * starts, naming the file and the key.
 *
 * ```yaml
 * name: vgg19-grid
 * scale: full                 # the variant used without --scale
 * base: {data: data/binary, task: binary, model: vgg19, epochs: 50}
 * grid:
 *   invert:                   # a named axis: label -> settings
 *     T: {pipeline: "grayscale|open(k=5)|clahe(clip=2,tile=7)|invert"}
 *     F: {pipeline: "grayscale|open(k=5)|clahe(clip=2,tile=7)"}
 *   batchSize: [16, 25]       # a settings key: its values
 * list:                       # explicit points (crossed with the grid when both are given)
 *   - {label: b7-aug, model: efficientnet_b7, augment: [zoom, rotate]}
 * scales:
 *   small: {base: {model: simple_cnn, imageSize: 64x56, epochs: 3}}
 * ```
 */
import * as v from 'valibot';
import { FIELDS, resolveConfig, validateSettings, type TrainConfigInput } from '../train/config.js';
import { checkVolumeSettings } from '../train/volume-settings.js';
import { AlzbenchError, describeValue } from '../util/errors.js';
import { expandRuns } from '../train/expand-runs.js';
import { readYamlFile } from '../util/read-input.js';
import { camel } from '../util/schema.js';

/** One point of a sweep: its labels per axis and the settings it trains with. */
export interface SweepPoint {
  /** Axis name -> value label, in axis order (a list item's label under `point`). */
  readonly point: Record<string, string>;
  readonly settings: TrainConfigInput;
}

/** A parsed sweep file at one scale. */
export interface SweepSpec {
  readonly name: string;
  readonly description: string | null;
  readonly scale: string;
  readonly file: string | null;
  /** Names of the axes (`point` for a list, then the grid axes), the columns a comparison shows. */
  readonly axes: string[];
  readonly base: TrainConfigInput;
  readonly points: SweepPoint[];
}

const KNOWN_KEYS = new Set(FIELDS.map((f) => f.key as string));
/** The keys a sweep file's top level may have. */
const TOP_KEYS = ['name', 'description', 'scale', 'scales', 'base', 'grid', 'list'] as const;
const UNKNOWN_KEY = 'unknown key';
const NAME_WORDS = 'a name of letters, digits, _ . -';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function label(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (value === true) return 'T';
  if (value === false) return 'F';
  return String(value);
}

/** A YAML mapping (not a list, not null); `expected` says what it holds, for the message. */
const mapping = (expected: string) => v.custom<Record<string, unknown>>(isRecord, expected);

/**
 * The file before its scale variant is applied: a mapping whose `scales` (if any) is a mapping in
 * which the variant `scale` (if there) is a mapping. Each schema's message is what it expects, in
 * words; {@link sweepError} adds where it is and what came.
 */
function sweepFileSchema(scale: string) {
  return v.pipe(
    mapping('a mapping (name, base, grid or list, scales)'),
    v.looseObject({
      scales: v.optional(v.pipe(mapping('a mapping of scale names'), v.looseObject({ [scale]: v.optional(mapping('a mapping')) })), {}),
    }),
  );
}

/**
 * The top level after the scale variant is merged in: only {@link TOP_KEYS}; every settings
 * mapping (base, a grid axis' labelled settings, a list item's settings) goes through the
 * trainer's own settings rules, in file order, so the first wrong thing is the one named.
 */
function sweepTopSchema(source: Parameters<typeof validateSettings>[1]) {
  const settings = (expected: string) =>
    v.pipe(
      mapping(expected),
      v.transform((s) => validateSettings(s, source)),
    );
  const axis = v.lazy((input) =>
    Array.isArray(input) ? v.array(v.unknown()) : v.record(v.string(), settings('a mapping of settings'), 'a list of values or a mapping label -> settings'),
  );
  const listItem = v.pipe(
    mapping('a mapping (label and settings)'),
    // The object's message is the one for a missing label (the mapping was checked just before).
    v.looseObject({ label: v.pipe(v.string('a label'), v.nonEmpty('a label')) }, 'a label'),
    v.transform(({ label: l, ...rest }) => ({ label: l, settings: validateSettings(rest, source) })),
  );
  return v.pipe(
    v.record(v.string(), v.unknown()),
    v.check((top) => Object.keys(top).every((k) => (TOP_KEYS as readonly string[]).includes(k)), UNKNOWN_KEY),
    // The object's message is the one for a missing name (the mapping was checked just before).
    v.object(
      {
        name: v.pipe(v.string(NAME_WORDS), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, NAME_WORDS)),
        description: v.optional(v.unknown()),
        scale: v.optional(v.unknown()),
        scales: v.optional(v.unknown()),
        base: v.nullish(settings('a mapping of settings'), {}),
        grid: v.optional(v.pipe(mapping('a mapping of axes'), v.record(v.string(), axis))),
        list: v.optional(v.pipe(v.array(listItem, 'a non-empty list of points'), v.minLength(1, 'a non-empty list of points'))),
      },
      NAME_WORDS,
    ),
  );
}

/** Where an issue is, in the words the messages use: `scales.small`, `grid.invert.T`, `list item 2`. */
function issueWhere(issue: v.BaseIssue<unknown>): string {
  const keys = (issue.path ?? []).map((p) => p.key as string | number);
  const item = keys[0] === 'list' ? keys[1] : undefined;
  if (typeof item === 'number') return `list item ${item + 1}`;
  return keys.join('.');
}

/**
 * The first issue of a sweep schema as the CLI's error: `Expected <what> for <where> but received
 * <value> in <file>`, or `Unknown key "k" in <file>` with the keys a sweep file has.
 */
function sweepError(issue: v.BaseIssue<unknown>, fail: (message: string, hint?: string) => AlzbenchError): AlzbenchError {
  if (issue.message === UNKNOWN_KEY) {
    const key = Object.keys(issue.input as Record<string, unknown>).find((k) => !(TOP_KEYS as readonly string[]).includes(k));
    return fail(`Unknown key ${JSON.stringify(key)}`, 'a sweep file has name, description, scale, base, grid, list and scales');
  }
  const where = issueWhere(issue);
  return fail(`Expected ${issue.message}${where ? ` for ${where}` : ''} but received ${describeValue(issue.input)}`);
}

/** Parses `input` with `schema`; its first issue becomes the named error. */
function parseWith<S extends v.GenericSchema>(schema: S, input: unknown, fail: (message: string, hint?: string) => AlzbenchError): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  throw sweepError(result.issues[0], fail);
}

/**
 * Parses a sweep document (already read from YAML) at `scale` (default: its `scale:` key, else
 * `full`). `overrides` (from `--set key=value`) replace base settings for every point.
 *
 * @example
 * parseSweep({ name: 'b', base: { data: 'd' }, grid: { batchSize: [16, 25] } }).points.length; // 2
 */
export function parseSweep(doc: unknown, options: { file?: string; scale?: string; overrides?: TrainConfigInput } = {}): SweepSpec {
  const where = options.file ?? 'the sweep';
  const fail = (message: string, hint?: string) => new AlzbenchError(`${message} in ${where}`, { exitCode: 2, ...(hint ? { hint } : {}) });
  const scale = options.scale ?? (isRecord(doc) && typeof doc.scale === 'string' ? doc.scale : 'full');
  const scales: Record<string, unknown> = parseWith(sweepFileSchema(scale), doc, fail).scales;
  let top = { ...(doc as Record<string, unknown>) };
  if (scale !== 'full' || scales.full !== undefined) {
    const variant = scales[scale] as Record<string, unknown> | undefined;
    if (variant === undefined && scale !== 'full') throw fail(`No scale ${JSON.stringify(scale)}; scales: full, ${Object.keys(scales).join(', ')}`);
    if (variant !== undefined) {
      // A scale's base is merged into the base; its other keys (grid, list, ...) replace the file's.
      top = { ...top, ...variant, base: { ...(isRecord(top.base) ? top.base : {}), ...(isRecord(variant.base) ? variant.base : {}) } };
    }
  }
  const source = { kind: 'file' as const, file: where };
  const parsed = parseWith(sweepTopSchema(source), top, fail);
  const base = { ...parsed.base, ...(options.overrides ?? {}) };

  // Grid axes: `key: [values]` over a setting, or `axis: {label: {settings}}` for a named axis.
  type Value = { label: string; settings: TrainConfigInput };
  const axes: { name: string; values: Value[] }[] = [];
  for (const [axis, spec] of Object.entries(parsed.grid ?? {})) {
    let values: Value[];
    if (Array.isArray(spec)) {
      if (!KNOWN_KEYS.has(camel(axis)))
        throw fail(
          `grid axis ${JSON.stringify(axis)} is a list of values but not a training setting`,
          'name a setting (e.g. batchSize) or give label: {settings} pairs',
        );
      values = spec.map((value) => ({ label: label(value), settings: validateSettings({ [axis]: value }, source) }));
    } else {
      values = Object.entries(spec).map(([l, s]) => ({ label: l, settings: s }));
    }
    if (values.length === 0) throw fail(`grid axis ${axis} has no values`);
    if (new Set(values.map((x) => x.label)).size !== values.length) throw fail(`grid axis ${axis} repeats a value`);
    axes.push({ name: camel(axis), values });
  }
  if (parsed.list !== undefined) {
    const values = parsed.list;
    if (new Set(values.map((x) => x.label)).size !== values.length) throw fail('list repeats a label');
    // The list's points are the primary rows; grid axes vary within each.
    axes.unshift({ name: 'point', values });
  }
  if (axes.length === 0) throw fail('A sweep needs a grid or a list');
  let points: SweepPoint[] = [{ point: {}, settings: base }];
  for (const axis of axes) {
    points = points.flatMap((p) => axis.values.map((x) => ({ point: { ...p.point, [axis.name]: x.label }, settings: { ...p.settings, ...x.settings } })));
  }
  for (const p of points) {
    if (p.settings.data === undefined) throw fail(`Point ${pointKey(p.point)} has no data setting`, 'put "data: <dir>" in base, or pass --set data=<dir>');
    // input: volume takes no slice settings (and slices no volume ones): fail here, before any run.
    try {
      checkVolumeSettings(p.settings, resolveConfig(p.settings));
    } catch (error) {
      if (error instanceof AlzbenchError) throw fail(`Point ${pointKey(p.point) || 'base'}: ${error.message}`, error.hint);
      throw error;
    }
  }
  const name = scale === 'full' ? parsed.name : `${parsed.name}-${scale}`;
  // folds / repeats: one run per (fold, seed) of each configuration, linked by a runGroup named
  // after the sweep and the point, so compare pools them and pairs configurations fold by fold.
  const expanded = points.flatMap((p) => {
    const runs = expandRuns({ ...p.settings, runGroup: p.settings.runGroup ?? `${name}:${pointKey(p.point) || 'base'}` });
    if (runs.length === 1) return [p];
    return runs.map((r) => ({ point: { ...p.point, ...(r.fold === null ? {} : { fold: String(r.fold) }), seed: String(r.seed) }, settings: r.settings }));
  });
  const extraAxes =
    expanded.length === points.length ? [] : [...new Set(expanded.flatMap((p) => Object.keys(p.point)))].filter((k) => k === 'fold' || k === 'seed');
  points = expanded;
  return {
    name,
    description: typeof parsed.description === 'string' ? parsed.description : null,
    scale,
    file: options.file ?? null,
    axes: [...axes.map((a) => a.name), ...extraAxes],
    base,
    points,
  };
}

/** Reads and parses a sweep file. */
export function readSweepFile(path: string, options: { scale?: string; overrides?: TrainConfigInput } = {}): SweepSpec {
  const doc = readYamlFile(path, 'sweep file');
  return parseSweep(doc, { ...options, file: path });
}

/** `invert=T,batchSize=16`: a point's labels in axis order. */
export function pointKey(point: Record<string, string>): string {
  return Object.entries(point)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** JSON with sorted keys: equal settings give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}
