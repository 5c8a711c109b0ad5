import { createHash } from 'node:crypto';

/** What the fingerprint covers for one item. */
export interface FingerprintEntry {
  /** Path relative to the data set root (or item id). */
  readonly id: string;
  readonly hash: string;
  readonly label: string;
}

/**
 * The data set fingerprint: SHA-256 over the sorted (relative path, content hash, label) lines, so
 * it changes when any file is added, removed, renamed, edited or relabelled, and not when files
 * are merely listed in another order or the folder moves.
 *
 * @param entries each file's path relative to the data set, SHA-256 of its content, and class
 * @returns 64 lowercase hex digits
 *
 * @example
 * datasetFingerprint([{ id: 'NonDemented/a.jpg', hash: 'ab12...', label: 'NonDemented' }]);
 */
export function datasetFingerprint(entries: readonly FingerprintEntry[]): string {
  const lines = entries.map((e) => `${e.id}\t${e.hash}\t${e.label}\n`).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}
