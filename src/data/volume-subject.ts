/**
 * Subject (and session) IDs in the names of volume files and folders, for layouts that carry no
 * subject table: BIDS entities (`sub-01`, `ses-M00`), OASIS names (`OAS1_0001_MR1`) and ADNI
 * participant IDs (`002_S_0295`, site_S_number).
 */
const PATTERNS: ReadonlyArray<{ name: string; subject: RegExp; session?: RegExp }> = [
  { name: 'BIDS sub-<label>', subject: /(?:^|[/_])(sub-[A-Za-z0-9]+)/, session: /(?:^|[/_])(ses-[A-Za-z0-9]+)/ },
  { name: 'OASIS OAS1_0001_MR1', subject: /(OAS[12]_\d{4})/, session: /OAS[12]_\d{4}_(MR\d+)/ },
  { name: 'ADNI 002_S_0295', subject: /(?:^|[^\d])(\d{3}_S_\d{4})(?!\d)/ },
];

/**
 * The subject (and session) a path names, with the pattern that found it; undefined when none does.
 *
 * @param path a volume's path (relative or absolute); patterns are tried in order BIDS, OASIS, ADNI
 * @returns the subject (`sub-01`, `OAS1_0001`, `002_S_0295`), the session when named (`ses-M00`, `MR1`) and the
 *   pattern's name, or undefined
 */
export function subjectFromName(path: string): { subject: string; session?: string; pattern: string } | undefined {
  for (const p of PATTERNS) {
    const subject = p.subject.exec(path)?.[1];
    if (!subject) continue;
    const session = p.session?.exec(path)?.[1];
    return { subject, ...(session ? { session } : {}), pattern: p.name };
  }
  return undefined;
}
