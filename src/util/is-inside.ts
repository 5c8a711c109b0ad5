import { isAbsolute, relative, sep } from 'node:path';

/**
 * Whether `target` lies strictly below `base`: not `base` itself, not beside or above it. Both
 * must be absolute and resolved (and real paths, where symbolic links must not lead out).
 *
 * @param base the folder
 * @param target the path to test
 * @returns true when `target` is inside `base`
 */
export function isInside(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
