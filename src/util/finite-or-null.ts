/**
 * A value read back from stored JSON (run.json, test.json, metrics.jsonl) as a finite number, or
 * null for anything else: missing, a string, NaN or Infinity (which JSON stores as null anyway).
 *
 * @param v any value
 * @returns `v` when it is a finite number, else null
 */
export function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
