/** What a run's `leakage` record (run.json, written by the trainer from the leakage audit) holds that the leak flag reads. */
interface LeakageRecord {
  readonly exactAcrossSplits?: Record<string, number>;
  readonly twins?: { readonly unit?: string; readonly bySplit?: ReadonlyArray<{ split: string; subjects: number; withTwinInTrain: number }> };
}

/** Why a run is flagged `leak`: the audit's counts, for the flag's note. */
export interface LeakFinding {
  /** Test subjects (or pseudo-subjects, or slices) that have a twin in train, and how many were checked. */
  readonly testTwins: { readonly withTwinInTrain: number; readonly subjects: number; readonly unit: string } | null;
  /** Exact duplicates (same content hash) across splits. */
  readonly exactAcrossSplits: number;
}

/**
 * Whether a run's test figures are inflated by leakage, from its leakage audit: at least one test
 * subject (or pseudo-subject) has a twin in train (the per-subject twin check: the same person on
 * both sides), or slices identical to each other sit in different splits. Null when neither (or
 * when the run has no audit record). The same rule for `compare` and the dashboard.
 *
 * @example
 * leakFinding({ exactAcrossSplits: {}, twins: { unit: 'subject', bySplit: [{ split: 'test', subjects: 40, withTwinInTrain: 2 }] } });
 * // { testTwins: { withTwinInTrain: 2, subjects: 40, unit: 'subject' }, exactAcrossSplits: 0 }
 */
export function leakFinding(leakage: unknown): LeakFinding | null {
  if (!leakage || typeof leakage !== 'object') return null;
  const record = leakage as LeakageRecord;
  const exactAcrossSplits = Object.values(record.exactAcrossSplits ?? {}).reduce((s, n) => s + n, 0);
  const test = record.twins?.bySplit?.find((s) => s.split === 'test');
  const testTwins = test ? { withTwinInTrain: test.withTwinInTrain, subjects: test.subjects, unit: record.twins?.unit ?? 'subject' } : null;
  if (exactAcrossSplits === 0 && (testTwins?.withTwinInTrain ?? 0) === 0) return null;
  return { testTwins, exactAcrossSplits };
}

/** One sentence for the note under a table: what the audit found, per run. */
export function describeLeak(id: string, finding: LeakFinding): string {
  const parts: string[] = [];
  const t = finding.testTwins;
  if (t && t.withTwinInTrain > 0) parts.push(`${t.withTwinInTrain} of ${t.subjects} test ${t.unit === 'slice' ? 'slices' : `${t.unit}s`} have a twin in train`);
  if (finding.exactAcrossSplits > 0) parts.push(`${finding.exactAcrossSplits} exact duplicate pair(s) across splits`);
  return `${id}: ${parts.join(', ')}`;
}
