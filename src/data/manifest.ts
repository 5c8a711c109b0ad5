import { readFile, writeFile } from 'node:fs/promises';
import * as v from 'valibot';
import { AlzbenchError } from '../util/errors.js';
import { parseStoredJson } from '../util/stored-json.js';
import type { SplitName } from './dataset.js';

/** One line of a split manifest. */
export interface ManifestEntry {
  /** Path relative to the data set root, or item id (`file.parquet#3`, `vol.nii.gz#z=40`). */
  readonly file: string;
  /** SHA-256 of the file bytes (or of the slice pixels). */
  readonly hash: string;
  /** Target class under the manifest's task. */
  readonly class: string;
  /** Subject ID, `pseudo:<n>` for a pseudo-subject, or null when ungrouped. */
  readonly subject: string | null;
  readonly split: SplitName;
}

/** A saved split: enough to repeat a run's data exactly and to detect changed files. */
export interface SplitManifest {
  readonly format: 'alzbench-split-manifest';
  readonly version: 1;
  readonly layout: string;
  readonly task: string;
  readonly classes: readonly string[];
  readonly seed: number;
  readonly grouping: string;
  readonly fingerprint: string;
  readonly entries: readonly ManifestEntry[];
}

/**
 * Writes a manifest as JSON (one entry per line, so diffs stay readable).
 *
 * @param path the file to write (replaced if present)
 * @param manifest the split manifest
 * @throws Error from node:fs when the file cannot be written
 */
export async function writeManifest(path: string, manifest: SplitManifest): Promise<void> {
  const { entries, ...head } = manifest;
  const body = entries.map((e) => `  ${JSON.stringify(e)}`).join(',\n');
  await writeFile(path, `${JSON.stringify(head, null, 1).slice(0, -2)},\n "entries": [\n${body}\n ]\n}\n`);
}

/**
 * Reads and checks a manifest written by {@link writeManifest}.
 *
 * @param path the manifest file
 * @returns the manifest
 * @throws AlzbenchError `Cannot read split manifest <path>: ...` (missing or not JSON), or `<path> is not an alzbench
 *   split manifest (version 1)`
 */
export async function readManifest(path: string): Promise<SplitManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AlzbenchError(`Cannot read split manifest ${path}: ${(error as Error).message}`);
  }
  return parseManifest(text, path);
}

const text = v.string('string');

/** split.json as {@link writeManifest} writes it (format unchanged since version 1). */
const SPLIT_MANIFEST = v.looseObject(
  {
    format: v.literal('alzbench-split-manifest', '"alzbench-split-manifest"'),
    version: v.literal(1, '1'),
    layout: text,
    task: text,
    classes: v.array(text, 'list of class names'),
    seed: v.number('number'),
    grouping: text,
    fingerprint: text,
    entries: v.array(
      v.looseObject(
        {
          file: text,
          hash: v.pipe(v.string('content hash (non-empty string)'), v.minLength(1, 'content hash (non-empty string)')),
          class: text,
          subject: v.nullable(v.string('string or null')),
          split: v.picklist(['train', 'val', 'test'] as const satisfies readonly SplitName[], 'train, val or test'),
        },
        'manifest entry {file, hash, class, subject, split}',
      ),
      'list of manifest entries',
    ),
  },
  'an alzbench split manifest (a JSON object)',
);

/** Checks that SplitManifest (what the writer writes) is what the schema reads, at compile time. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<
  { -readonly [K in keyof SplitManifest]: unknown },
  { -readonly [K in keyof v.InferOutput<typeof SPLIT_MANIFEST> as string extends K ? never : K]: unknown }
> = true;
void sameShape;

/**
 * Parses and checks split.json text: the file, or the store's copy.
 *
 * @param content the JSON text
 * @param where names it in messages (a path)
 * @returns the manifest
 * @throws AlzbenchError (exit 2) `Cannot parse <where>: ...` or `Expected train, val or test for entries.3.split in <where> but received ...`
 */
export function parseManifest(content: string, where: string): SplitManifest {
  return parseStoredJson(SPLIT_MANIFEST, content, where, {
    what: 'an alzbench split manifest (a JSON object)',
    hint: 'split.json is written by alzbench train when a run starts; the file was edited or damaged: restore it, or start a new run',
  });
}

/**
 * Compares a manifest with the data set as it is now: files missing, files whose content hash
 * changed, and files that are new. A run repeats exactly only when all three are empty.
 *
 * @param manifest the manifest a run recorded
 * @param current every file of the data set now, with its SHA-256
 * @returns the files missing now, changed (other hash) and added, each in manifest or listing order
 */
export function compareManifest(
  manifest: SplitManifest,
  current: ReadonlyArray<{ file: string; hash: string }>,
): {
  missing: string[];
  changed: string[];
  added: string[];
} {
  const now = new Map(current.map((c) => [c.file, c.hash]));
  const before = new Set(manifest.entries.map((e) => e.file));
  return {
    missing: manifest.entries.filter((e) => !now.has(e.file)).map((e) => e.file),
    changed: manifest.entries.filter((e) => now.has(e.file) && now.get(e.file) !== e.hash).map((e) => e.file),
    added: current.filter((c) => !before.has(c.file)).map((c) => c.file),
  };
}
