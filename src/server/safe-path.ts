/**
 * Resolving file paths that come from requests (or from stored records a request points at) so
 * that they never leave the folder they belong to: no `..`, no absolute paths, no symbolic link
 * out of the folder.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isInside } from '../util/is-inside.js';

/**
 * The real path of `relativePath` inside `root`, or null when it is not a plain file strictly
 * inside `root` (after resolving `..` and symbolic links) or does not exist. Callers answer null
 * with 404, so a probe cannot tell "outside" from "missing".
 *
 * @example
 * containedFile('/runs/a', 'plots/loss.svg');   // '/runs/a/plots/loss.svg'
 * containedFile('/runs/a', '../b/run.json');     // null
 */
export function containedFile(root: string, relativePath: string): string | null {
  if (relativePath.includes('\0') || isAbsolute(relativePath)) return null;
  const base = resolve(root);
  const target = resolve(base, relativePath);
  if (!isInside(base, target) || !existsSync(target)) return null;
  let realBase: string;
  let realTarget: string;
  try {
    realBase = realpathSync(base);
    realTarget = realpathSync(target);
  } catch {
    return null;
  }
  if (!isInside(realBase, realTarget) || !statSync(realTarget).isFile()) return null;
  return realTarget;
}
