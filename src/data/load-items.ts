import pMap from 'p-map';
import type { Raster } from '../preprocess/raster.js';
import { AlzbenchError } from '../util/errors.js';
import { hashBytes, hashRaster } from './content-hash.js';
import type { DataItem, Dataset, Problem } from './dataset.js';
import { BadImageError, decodeImage } from './decode-image.js';
import { LFS_HINT } from './lfs-pointer.js';
import { INPUT_LIMITS, readInputFile } from '../util/read-input.js';

/** An item with its content hash and decoded gray pixels. */
export interface LoadedItem {
  readonly item: DataItem;
  readonly hash: string;
  readonly image: Raster;
}

/** What to do with bad input: leave it out and report it, or stop before doing anything. */
export type BadInputPolicy = 'skip' | 'stop';

/** Options of {@link loadItems}. */
export interface LoadOptions {
  /** Default `skip`. */
  readonly onBad?: BadInputPolicy;
  /** Called every few hundred items (for progress on stderr). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Items read and decoded at once (default {@link DEFAULT_CONCURRENCY}); 1 = one after another. */
  readonly concurrency?: number;
}

/** Items in flight in {@link loadItems}: enough to keep libuv's 4 pool threads busy while JS hashes. */
export const DEFAULT_CONCURRENCY = 8;

/**
 * Reads an item's bytes and content hash without decoding (cache checks need only the hash).
 *
 * @param item a data set item (a file, bytes, or an already decoded raster such as a volume slice)
 * @returns the bytes (or raster) and its SHA-256 in hex
 * @throws Error from node:fs or the input-size check when the file cannot be read
 */
export async function readItemBytes(item: DataItem): Promise<{ bytes?: Uint8Array; raster?: Raster; hash: string }> {
  if (item.source.kind === 'raster') return { raster: item.source.raster, hash: hashRaster(item.source.raster) };
  const bytes = item.source.kind === 'bytes' ? item.source.bytes : await readInputFile(item.source.path, 'image', INPUT_LIMITS.image);
  return { bytes, hash: hashBytes(bytes) };
}

/**
 * Reads, hashes and decodes every item of a data set to 8-bit gray. Unreadable, truncated and
 * non-image files, empty class folders, unlabelled rows and mixed image sizes are collected as
 * problems (with the listing's own problems); with `onBad: 'stop'` any problem stops the load with
 * one error that counts them by kind and names the first paths.
 *
 * @param dataset the listed data set
 * @param options `onBad` (`skip` default, or `stop`) and `onProgress` (called every 500 items)
 * @returns the decoded items with hashes, every problem found, and decoder notes (e.g. 16-bit scaling)
 * @throws AlzbenchError (exit 2) `Bad input in the data set (<counts>): ...` with `onBad: 'stop'` and any problem
 */
export async function loadItems(dataset: Dataset, options: LoadOptions = {}): Promise<{ loaded: LoadedItem[]; problems: Problem[]; notes: string[] }> {
  const problems: Problem[] = [...dataset.problems];
  const items = dataset.items;
  // Up to `concurrency` items are read and decoded at once (reads and cv::imdecode run on libuv's
  // thread pool); results, problems and notes are kept in listing order, as in a sequential pass.
  let done = 0;
  const results = await pMap(
    items,
    async (item): Promise<{ loaded?: LoadedItem; problem?: Problem; notes: string[] }> => {
      const notes: string[] = [];
      try {
        const { bytes, raster, hash } = await readItemBytes(item).catch((error: NodeJS.ErrnoException) => {
          throw new BadImageError('unreadable', item.id, error.code ?? error.message);
        });
        const image = raster ?? (await decodeImage(bytes!, { name: item.id, onNote: (note) => notes.push(note) }));
        return { loaded: { item, hash, image }, notes };
      } catch (error) {
        if (!(error instanceof BadImageError)) throw error;
        return { problem: { kind: error.kind, path: item.id, detail: error.detail }, notes };
      } finally {
        if (++done % 500 === 0) options.onProgress?.(done, items.length);
      }
    },
    { concurrency: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY) },
  );
  const loaded: LoadedItem[] = [];
  const notes: string[] = [];
  for (const r of results) {
    if (r.loaded) loaded.push(r.loaded);
    if (r.problem) problems.push(r.problem);
    notes.push(...r.notes);
  }
  // Volumes of different shapes give slices of different sizes by nature (training resizes them).
  if (!dataset.volumes) problems.push(...mixedSizeProblems(loaded));
  if ((options.onBad ?? 'skip') === 'stop' && problems.length > 0) throw badInputError(problems);
  return { loaded, problems, notes };
}

/**
 * One problem per image size other than the most common one, with counts and example paths.
 *
 * @param loaded the decoded items
 * @returns `mixed-sizes` problems, largest minority first; none when every image has one size
 */
export function mixedSizeProblems(loaded: readonly LoadedItem[]): Problem[] {
  const bySize = new Map<string, string[]>();
  for (const { item, image } of loaded) {
    const key = `${image.width}x${image.height}`;
    const list = bySize.get(key);
    if (list) list.push(item.id);
    else bySize.set(key, [item.id]);
  }
  if (bySize.size <= 1) return [];
  const sorted = [...bySize].sort((a, b) => b[1].length - a[1].length);
  const [majority, majorityIds] = sorted[0]!;
  return sorted.slice(1).map(([size, ids]) => ({
    kind: 'mixed-sizes' as const,
    path: ids[0]!,
    detail: `${ids.length} image(s) are ${size} while ${majorityIds.length} are ${majority}; e.g. ${ids.slice(0, 3).join(', ')}`,
  }));
}

/**
 * Counts problems by kind, e.g. `{ truncated: 2, 'not-image': 1 }`.
 *
 * @param problems the problems found
 * @returns the count per kind present
 */
export function countProblems(problems: readonly Problem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of problems) counts[p.kind] = (counts[p.kind] ?? 0) + 1;
  return counts;
}

/**
 * The error for `--on-bad stop`: counts by kind and the first few paths, with a hint.
 *
 * @param problems the problems found (at least one)
 * @returns an AlzbenchError (exit 2) `Bad input in the data set (<counts>): ...` listing the first 5 paths, with
 *   `git lfs pull` in the hint when there are LFS pointers
 */
export function badInputError(problems: readonly Problem[]): AlzbenchError {
  const counts = Object.entries(countProblems(problems))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const first = problems
    .slice(0, 5)
    .map((p) => `  ${p.kind}: ${p.path} (${p.detail})`)
    .join('\n');
  const lfs = problems.some((p) => p.kind === 'lfs-pointer');
  return new AlzbenchError(`Bad input in the data set (${counts}):\n${first}${problems.length > 5 ? `\n  ... and ${problems.length - 5} more` : ''}`, {
    hint: `${lfs ? `${LFS_HINT}; ` : ''}fix or remove these files, or pass --on-bad skip to leave them out`,
    // A bad data set is exit 2, like an unknown layout or an empty task.
    exitCode: 2,
  });
}
