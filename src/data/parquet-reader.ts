import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { AlzbenchError } from '../util/errors.js';
import { canonicalClass } from './classes.js';
import { splitOfFolder } from './folder-reader.js';
import { isJunkName } from './junk-files.js';
import { lfsPointerDetail, parseLfsPointer } from './lfs-pointer.js';
import type { DataItem, Dataset, Problem, SplitName } from './dataset.js';
import { INPUT_LIMITS, readInputFile } from '../util/read-input.js';
import { checkParquetPages, type PageCheckMetadata } from './parquet-pages.js';
import { decodeParquetRows } from './parquet-decode.js';

/** Label names of the Hugging Face `Falah/Alzheimer_MRI` set: 0 Mild, 1 Moderate, 2 Non, 3 VeryMild. */
export const FALAH_LABELS = ['MildDemented', 'ModerateDemented', 'NonDemented', 'VeryMildDemented'] as const;

/**
 * Parquet files under root, up to three folders deep, sorted: the Hub layout
 * (`data/train-00000-of-00001.parquet`), the Hub's auto-converted layout
 * (`<config>/<split>/0000.parquet`) and loose exports (`x.parquet`). Junk (`__MACOSX/`, dot-files)
 * is skipped.
 *
 * @param root the folder to search
 * @param depth how many folder levels below `root` to search; default 3
 * @returns the paths of `.parquet` files (any case), sorted
 * @throws Error from node:fs when a folder cannot be read
 */
export async function findParquetFiles(root: string, depth = 3): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (isJunkName(entry.name)) continue;
    const path = join(root, entry.name);
    if (entry.isFile() && entry.name.toLowerCase().endsWith('.parquet')) found.push(path);
    else if (entry.isDirectory() && depth > 0) found.push(...(await findParquetFiles(path, depth - 1)));
  }
  return found.sort();
}

/**
 * The split of a parquet file: from its name (`train-00000-of-00001.parquet`, `test.parquet`) or,
 * for the Hub's auto-converted layout (`default/test/0000.parquet`), from its folder.
 *
 * @param rel the file's path relative to the data set root
 * @returns `train`, `val` or `test`, or undefined when neither the name nor a folder says
 */
export function splitOfFile(rel: string): SplitName | undefined {
  const parts = rel.toLowerCase().split(/[\\/]/);
  const base = parts.pop()!;
  if (/^(train|training)([-_.]|$)/.test(base)) return 'train';
  if (/^(test|testing)([-_.]|$)/.test(base)) return 'test';
  if (/^(val|valid|validation)([-_.]|$)/.test(base)) return 'val';
  for (const folder of parts.reverse()) {
    const split = splitOfFolder(folder);
    if (split) return split;
  }
  return undefined;
}

/** Class names from the `huggingface` key-value metadata (a ClassLabel feature), when present. */
function labelNamesFromMetadata(kv: Array<{ key: string; value?: string }> | undefined): string[] | undefined {
  const entry = kv?.find((e) => e.key === 'huggingface');
  if (!entry?.value) return undefined;
  try {
    const features = JSON.parse(entry.value)?.info?.features;
    const names = features?.label?.names;
    return Array.isArray(names) && names.every((n: unknown) => typeof n === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

function imageBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value && typeof value === 'object' && (value as { bytes?: unknown }).bytes instanceof Uint8Array) {
    return (value as { bytes: Uint8Array }).bytes;
  }
  return undefined;
}

/**
 * Reads Hugging Face-style parquet files with an `image` column (a struct with `bytes`, or plain
 * binary) and an integer `label` column. Label names come from the file's Hugging Face metadata
 * when it has them, else from `labelNames` (default {@link FALAH_LABELS}). The split is taken from
 * the file name (`train-00000-of-00001.parquet`, `test-...`).
 *
 * @param root the data set folder
 * @param labelNames class names by label index when the files carry none; default {@link FALAH_LABELS}
 * @returns one item per row (image bytes, class, split), with problems for unreadable files, Git LFS pointers, rows
 *   without image bytes and labels out of range
 * @throws AlzbenchError `No parquet files under <root>`, or `Found <n> parquet configs in <root>, each a whole data
 *   set: ...` (with the path of one to pick as the hint)
 */
export async function readParquetDataset(root: string, labelNames?: readonly string[]): Promise<Dataset> {
  const files = await findParquetFiles(root);
  // The Hub's auto-converted layout has one folder per config (`default/`, `augmented/`, ...): each is
  // a whole data set, so more than one is a choice for the user, not one pool.
  const configs = [
    ...new Set(
      files
        .map((f) => relative(root, f).split(/[\\/]/))
        .filter((p) => p.length >= 3 && splitOfFolder(p[p.length - 2]!) !== undefined)
        .map((p) => p.slice(0, -2).join('/')),
    ),
  ];
  if (configs.length >= 2) {
    throw new AlzbenchError(`Found ${configs.length} parquet configs in ${root}, each a whole data set: ${configs.join(', ')}`, {
      hint: `pick one and give its path, e.g. alzbench data inspect ${JSON.stringify(join(root, configs.includes('default') ? 'default' : configs[0]!))}`,
      exitCode: 2,
    });
  }
  const items: DataItem[] = [];
  const problems: Problem[] = [];
  for (const path of files) {
    const rel = relative(root, path);
    let rows: Array<Record<string, unknown>>;
    let names: readonly string[];
    try {
      const bytes = await readInputFile(path, 'parquet file', INPUT_LIMITS.parquet);
      const pointer = parseLfsPointer(bytes);
      if (pointer) {
        problems.push({ kind: 'lfs-pointer', path: rel, detail: lfsPointerDetail(pointer) });
        continue;
      }
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const metadata = parquetMetadata(buffer);
      // Page headers are checked first: hyparquet trusts their value counts (a damaged one aborted the process).
      checkParquetPages(rel, bytes, metadata as unknown as PageCheckMetadata, 1 << 30);
      names = labelNames ?? labelNamesFromMetadata(metadata.key_value_metadata) ?? FALAH_LABELS;
      rows = await decodeParquetRows(rel, bytes);
    } catch (error) {
      problems.push({ kind: 'unreadable', path: rel, detail: `not a readable parquet file (${(error as Error).message})` });
      continue;
    }
    const split = splitOfFile(rel);
    rows.forEach((row, i) => {
      const id = `${rel}#${i}`;
      const bytes = imageBytes(row.image);
      const label = typeof row.label === 'bigint' ? Number(row.label) : row.label;
      if (!bytes) {
        problems.push({ kind: 'not-image', path: id, detail: 'row has no image bytes (expected column image.bytes or image)' });
        return;
      }
      if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= names.length) {
        problems.push({ kind: 'unlabelled', path: id, detail: `label ${String(label)} is not in 0..${names.length - 1}` });
        return;
      }
      items.push({ id, sourceClass: canonicalClass(names[label]!), ...(split ? { sourceSplit: split } : {}), source: { kind: 'bytes', bytes } });
    });
  }
  if (files.length === 0) throw new AlzbenchError(`No parquet files under ${root}`);
  return { root, layout: 'parquet', defaultTask: '4class', items, problems };
}
