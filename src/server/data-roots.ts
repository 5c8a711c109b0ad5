/**
 * Which data set files the dashboard may open for a run's test slice (the preprocessing page).
 * The path comes from stored records (run.json `dataset.root`, the predictions' file names), and
 * a run folder is just files: a crafted run.json naming `/etc` must not make the server open
 * files there. A slice file is opened only when all of these hold:
 * - it is a regular file strictly inside the run's data set root after resolving `..` and
 *   symbolic links ({@link containedFile});
 * - when `serve --data-root` was given, that root lies inside one of those folders (realpath);
 * - it is at most {@link MAX_SLICE_FILE_BYTES};
 * - its SHA-256 equals the content hash the run's split manifest recorded for that file when it
 *   was trained. A crafted record can therefore only "reach" files whose content its author
 *   already knows: it learns nothing, and a data set changed since training is not shown as if
 *   it were the one the run saw.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { hashBytes } from '../data/content-hash.js';
import { parseManifest } from '../data/manifest.js';
import { containedFile } from './safe-path.js';
import { isInside } from '../util/is-inside.js';

/** Largest data set file opened for a test slice (a slice is tens of kB). */
export const MAX_SLICE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The content hash a split manifest (split.json text, the store's copy) recorded for `file`, or
 * null. A damaged manifest is the named error of its schema (the API answers it with 400).
 */
export function manifestHash(manifest: string | null, file: string): string | null {
  if (!manifest) return null;
  return parseManifest(manifest, 'the stored split manifest').entries.find((e) => e.file === file)?.hash ?? null;
}

/** The data roots the server was told to trust (`serve --data-root`), realpath-resolved. */
export class DataRoots {
  private readonly roots: readonly string[] | null;

  /** @param roots folders test slices may come from; undefined or empty: any run's own root, still hash-checked */
  constructor(roots: readonly string[] | undefined) {
    this.roots = roots && roots.length > 0 ? roots.map((r) => realpathOrSelf(r)) : null;
  }

  /** Whether an allow-list was given. */
  get restricted(): boolean {
    return this.roots !== null;
  }

  /** Whether `dir` (a data set root) is one of the allowed roots or inside one (always true without a list). */
  allows(dir: string): boolean {
    if (!this.roots) return true;
    const real = realpathOrSelf(dir);
    return this.roots.some((root) => real === root || isInside(root, real));
  }

  /**
   * The bytes of a run's test-slice file, or null when any rule above fails (callers answer 404
   * either way, so a probe cannot tell "outside" from "missing" from "changed").
   *
   * @param root the run's recorded data set root
   * @param file the prediction's file, relative to the root
   * @param manifest the run's split manifest (split.json text)
   */
  readSliceFile(root: string, file: string, manifest: string | null): Uint8Array | null {
    if (!this.allows(root)) return null;
    const path = containedFile(root, file);
    if (!path || !this.allows(path)) return null;
    const expected = manifestHash(manifest, file);
    if (!expected || statSync(path).size > MAX_SLICE_FILE_BYTES) return null;
    const bytes = readFileSync(path);
    return hashBytes(bytes) === expected ? bytes : null;
  }
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
