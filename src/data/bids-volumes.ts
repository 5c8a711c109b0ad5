/**
 * A data set of whole volumes in BIDS layout (`sub-<id>/[ses-<id>/]anat/sub-<id>[_ses-<id>]_T1w.nii[.gz]`,
 * `participants.tsv`): one sample per session, labelled by a participants.tsv column, and split by
 * person so that no one's scans fall on both sides. This is the unit of subject-level (3-D)
 * training: Yagis et al. 2021 measured slice-level splits inflating accuracy by ~30 points.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlzbenchError } from '../util/errors.js';
import { createRng } from './synth/rng.js';

/** One scan session. */
export interface VolumeSession {
  readonly subject: string;
  /** `ses-...`, or '' for a data set without sessions. */
  readonly session: string;
  /** Path of the T1-weighted volume. */
  readonly path: string;
  /** Class index into {@link BidsVolumeDataset.classes}. */
  readonly label: number;
  readonly split: 'train' | 'val' | 'test';
}

export interface BidsVolumeDataset {
  readonly root: string;
  /** Class names, sorted, or in the order given. */
  readonly classes: string[];
  readonly sessions: VolumeSession[];
  /** Where the split came from: the `split` column of participants.tsv, or drawn by person here. */
  readonly splitSource: 'participants.tsv' | 'drawn';
}

/** Options of {@link readBidsVolumes}. */
export interface ReadBidsOptions {
  /** participants.tsv column holding the class (default `group`, else `diagnosis`). */
  labelColumn?: string;
  /** Class names in order (default: the column's values, sorted). */
  classes?: string[];
  /** When participants.tsv has no `split` column: people drawn into test and val, stratified by class (defaults 0.2, 0.2), seeded. */
  testFraction?: number;
  valFraction?: number;
  seed?: number;
}

function error(root: string, what: string, hint: string): AlzbenchError {
  return new AlzbenchError(`BIDS volume data set ${root}: ${what}`, { exitCode: 2, hint });
}

/**
 * Reads a BIDS folder's participants and T1w scans. Every participant listed must have a label;
 * every scan's subject must be listed; a person without a T1w scan is an error naming them.
 *
 * @param root the BIDS folder (participants.tsv, `sub-<label>/[ses-<label>/]anat/<name>_T1w.nii[.gz]`)
 * @param options `labelColumn` (default `group`, else `diagnosis`), `classes` in order (default sorted), and when
 *   participants.tsv has no `split` column: `testFraction`, `valFraction` (default 0.2 each) and `seed`
 * @returns the classes, one session per T1w scan (subject, session, path, label index, split) and where the split
 *   came from
 * @throws AlzbenchError naming the file, the row or the subject
 * @example
 * const data = readBidsVolumes('demo-volumes'); // as written by alzbench synth --volumes
 * data.sessions.filter((s) => s.split === 'test').length;
 */
export function readBidsVolumes(root: string, options: ReadBidsOptions = {}): BidsVolumeDataset {
  const tsvPath = join(root, 'participants.tsv');
  if (!existsSync(tsvPath))
    throw error(root, 'no participants.tsv', 'a BIDS data set lists its people and their group in participants.tsv (participant_id, group)');
  const lines = readFileSync(tsvPath, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0]!.split('\t').map((h) => h.trim());
  const idColumn = header.indexOf('participant_id');
  const labelName = options.labelColumn ?? (header.includes('group') ? 'group' : 'diagnosis');
  const labelColumn = header.indexOf(labelName);
  const splitColumn = header.indexOf('split');
  if (idColumn < 0 || labelColumn < 0)
    throw error(root, `participants.tsv has columns ${header.join(', ')}; expected participant_id and ${labelName}`, 'name the class column with labelColumn');
  const people = new Map<string, { label: string; split?: string }>();
  lines.slice(1).forEach((line, i) => {
    const cells = line.split('\t').map((c) => c.trim());
    const id = cells[idColumn] ?? '';
    const label = cells[labelColumn] ?? '';
    if (!/^sub-[A-Za-z0-9]+$/.test(id) || label === '' || label === 'n/a')
      throw error(root, `participants.tsv row ${i + 2}: participant_id "${id}", ${labelName} "${label}"`, 'every row needs a sub-<label> id and a class');
    const split = splitColumn >= 0 ? cells[splitColumn] : undefined;
    if (split !== undefined && !['train', 'val', 'test'].includes(split))
      throw error(root, `participants.tsv row ${i + 2}: split "${split}"`, 'split is train, val or test');
    people.set(id, { label, ...(split === undefined ? {} : { split }) });
  });
  const classes = options.classes ?? [...new Set([...people.values()].map((p) => p.label))].sort();
  for (const [id, p] of people)
    if (!classes.includes(p.label)) throw error(root, `${id} has ${labelName} "${p.label}", not one of ${classes.join(', ')}`, 'list every class in classes');

  const scans: { subject: string; session: string; path: string }[] = [];
  for (const subject of readdirSync(root)
    .filter((n) => /^sub-[A-Za-z0-9]+$/.test(n))
    .sort()) {
    const sessions = readdirSync(join(root, subject))
      .filter((n) => n.startsWith('ses-'))
      .sort();
    for (const session of sessions.length ? sessions : ['']) {
      const anat = join(root, subject, session, 'anat');
      if (!existsSync(anat)) continue;
      for (const file of readdirSync(anat)
        .filter((f) => /_T1w\.nii(\.gz)?$/.test(f))
        .sort())
        scans.push({ subject, session, path: join(anat, file) });
    }
    if (!people.has(subject)) throw error(root, `${subject} has scans but no row in participants.tsv`, 'add the person (and their group) to participants.tsv');
  }
  for (const id of people.keys())
    if (!scans.some((s) => s.subject === id))
      throw error(root, `${id} is listed in participants.tsv but has no anat/*_T1w.nii[.gz]`, 'remove the row or add the scan');

  const splits = new Map<string, 'train' | 'val' | 'test'>();
  let splitSource: BidsVolumeDataset['splitSource'] = 'participants.tsv';
  if (splitColumn >= 0) {
    for (const [id, p] of people) splits.set(id, p.split as 'train' | 'val' | 'test');
  } else {
    splitSource = 'drawn';
    // Stratified by class, by person: each class's people are shuffled, then cut.
    const rng = createRng(options.seed ?? 0, 'bids-split');
    for (const cls of classes) {
      const members = rng.shuffle(
        [...people]
          .filter(([, p]) => p.label === cls)
          .map(([id]) => id)
          .sort(),
      );
      const nTest = Math.round(members.length * (options.testFraction ?? 0.2));
      const nVal = Math.round(members.length * (options.valFraction ?? 0.2));
      members.forEach((id, k) => splits.set(id, k < nTest ? 'test' : k < nTest + nVal ? 'val' : 'train'));
    }
  }
  const sessions = scans.map((s) => ({ ...s, label: classes.indexOf(people.get(s.subject)!.label), split: splits.get(s.subject)! }));
  return { root, classes, sessions, splitSource };
}
