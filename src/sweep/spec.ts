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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function label(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (value === true) return 'T';
  if (value === false) return 'F';
  return String(value);
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
  if (!isRecord(doc)) throw fail(`Expected a mapping (name, base, grid or list, scales) but received ${describeValue(doc)}`);
  const scale = options.scale ?? (typeof doc.scale === 'string' ? doc.scale : 'full');
  const scales = doc.scales === undefined ? {} : doc.scales;
  if (!isRecord(scales)) throw fail(`Expected a mapping of scale names for scales but received ${describeValue(scales)}`);
  let top: Record<string, unknown> = { ...doc };
  if (scale !== 'full' || scales.full !== undefined) {
    const variant = scales[scale];
    if (variant === undefined && scale !== 'full') throw fail(`No scale ${JSON.stringify(scale)}; scales: full, ${Object.keys(scales).join(', ')}`);
    if (variant !== undefined) {
      if (!isRecord(variant)) throw fail(`Expected a mapping for scales.${scale} but received ${describeValue(variant)}`);
      // A scale's base is merged into the base; its other keys (grid, list, ...) replace the file's.
      top = { ...top, ...variant, base: { ...(isRecord(doc.base) ? doc.base : {}), ...(isRecord(variant.base) ? variant.base : {}) } };
    }
  }
  for (const key of Object.keys(top)) {
    if (!['name', 'description', 'scale', 'scales', 'base', 'grid', 'list'].includes(key)) {
      throw fail(`Unknown key ${JSON.stringify(key)}`, 'a sweep file has name, description, scale, base, grid, list and scales');
    }
  }
  if (typeof top.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(top.name)) {
    throw fail(`Expected a name of letters, digits, _ . - for name but received ${describeValue(top.name)}`);
  }
  const source = { kind: 'file' as const, file: where };
  const baseRaw = top.base ?? {};
  if (!isRecord(baseRaw)) throw fail(`Expected a mapping of settings for base but received ${describeValue(baseRaw)}`);
  const base = { ...validateSettings(baseRaw, source), ...(options.overrides ?? {}) };

  // Grid axes: `key: [values]` over a setting, or `axis: {label: {settings}}` for a named axis.
  type Value = { label: string; settings: TrainConfigInput };
  const axes: { name: string; values: Value[] }[] = [];
  if (top.grid !== undefined) {
    if (!isRecord(top.grid)) throw fail(`Expected a mapping of axes for grid but received ${describeValue(top.grid)}`);
    for (const [axis, spec] of Object.entries(top.grid)) {
      let values: Value[];
      if (Array.isArray(spec)) {
        if (!KNOWN_KEYS.has(camel(axis)))
          throw fail(
            `grid axis ${JSON.stringify(axis)} is a list of values but not a training setting`,
            'name a setting (e.g. batchSize) or give label: {settings} pairs',
          );
        values = spec.map((v) => ({ label: label(v), settings: validateSettings({ [axis]: v }, source) }));
      } else if (isRecord(spec)) {
        values = Object.entries(spec).map(([l, s]) => {
          if (!isRecord(s)) throw fail(`Expected a mapping of settings for grid.${axis}.${l} but received ${describeValue(s)}`);
          return { label: l, settings: validateSettings(s, source) };
        });
      } else {
        throw fail(`Expected a list of values or a mapping label -> settings for grid.${axis} but received ${describeValue(spec)}`);
      }
      if (values.length === 0) throw fail(`grid axis ${axis} has no values`);
      if (new Set(values.map((v) => v.label)).size !== values.length) throw fail(`grid axis ${axis} repeats a value`);
      axes.push({ name: camel(axis), values });
    }
  }
  if (top.list !== undefined) {
    if (!Array.isArray(top.list) || top.list.length === 0) throw fail(`Expected a non-empty list of points for list but received ${describeValue(top.list)}`);
    const values = top.list.map((entry, i) => {
      if (!isRecord(entry)) throw fail(`Expected a mapping (label and settings) for list item ${i + 1} but received ${describeValue(entry)}`);
      const { label: l, ...settings } = entry;
      if (typeof l !== 'string' || l === '') throw fail(`Expected a label for list item ${i + 1} but received ${describeValue(l)}`);
      return { label: l, settings: validateSettings(settings, source) };
    });
    if (new Set(values.map((v) => v.label)).size !== values.length) throw fail('list repeats a label');
    // The list's points are the primary rows; grid axes vary within each.
    axes.unshift({ name: 'point', values });
  }
  if (axes.length === 0) throw fail('A sweep needs a grid or a list');
  let points: SweepPoint[] = [{ point: {}, settings: base }];
  for (const axis of axes) {
    points = points.flatMap((p) => axis.values.map((v) => ({ point: { ...p.point, [axis.name]: v.label }, settings: { ...p.settings, ...v.settings } })));
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
  const name = scale === 'full' ? top.name : `${top.name}-${scale}`;
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
    description: typeof top.description === 'string' ? top.description : null,
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
