/**
 * OASIS-1 (cross-sectional) and OASIS-2 (longitudinal) as distributed by oasis-brains.org:
 * session folders `OAS1_0001_MR1/` (RAW/, PROCESSED/MPRAGE/..., FSL_SEG/) or
 * `OAS2_0001_MR1/RAW/mpr-1.nifti.hdr`, Analyze/NIfTI `.hdr`+`.img` pairs, and the demographic
 * table (`oasis_cross-sectional.csv` with ID and CDR; `oasis_longitudinal.csv` with MRI ID, Group
 * and CDR, often re-saved by European Excel with `;` separators, decimal commas and CR line ends).
 * Subject and session come from the names: OAS1_0001_MR1 is subject OAS1_0001, session MR1.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AlzbenchError } from '../util/errors.js';
import { cdrClass } from './cdr-class.js';
import { parseDecimal, parseTable } from '../util/csv.js';
import type { DataItem, Dataset, Problem, VolumeSummary } from './dataset.js';
import { volumeDefaultTask } from './nifti-reader.js';
import { collectVolumeSlices, VOLUME_FILE_NAME, type VolumeSliceOptions } from './volume-slices.js';

/** An OASIS session name: subject (OAS1_0001) and session (MR1). */
export const OASIS_SESSION = /(OAS[12]_\d{4})_(MR\d+)/;

/**
 * Which image of a session is used, best first: OASIS-1's atlas-registered, bias-corrected,
 * brain-masked image (what the Kaggle slices come from), the same unmasked, the subject-space
 * average, then the first raw scan (OASIS-2 ships only raw scans). Segmentations are never used.
 */
export const OASIS_IMAGE_PREFERENCE: ReadonlyArray<readonly [string, RegExp]> = [
  ['t88_masked_gfc', /_t88_masked_gfc\./i],
  ['t88_gfc', /_t88_gfc\./i],
  ['sbj_111', /_sbj_111\./i],
  ['mpr-1', /mpr-1[._]/i],
  ['other', /./],
];
const SEGMENTATION = /FSL_SEG|_fseg\b|_fseg\.|_seg\./i;

/** One session's chosen image file. */
export interface OasisScan {
  readonly subject: string;
  readonly session: string;
  /** OAS1_0001_MR1: the key of the demographic table. */
  readonly key: string;
  readonly path: string;
  /** Which of {@link OASIS_IMAGE_PREFERENCE} it is. */
  readonly kind: string;
}

async function walk(dir: string, depth: number, out: string[]): Promise<void> {
  if (depth > 6) return;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.name.startsWith('.') || entry.name === '__MACOSX') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, depth + 1, out);
    else if (VOLUME_FILE_NAME.test(entry.name)) out.push(path);
  }
}

/**
 * Finds OASIS sessions under `root` (folders or file names with `OAS1_0001_MR1`-style names) and
 * picks one image per session by {@link OASIS_IMAGE_PREFERENCE}. Empty when there are none.
 *
 * @param root the data set folder (segmentations are skipped)
 * @returns one scan per session: subject, session, key (`OAS1_0001_MR1`), path and image kind
 * @throws Error from node:fs when a folder cannot be read
 */
export async function findOasisSessions(root: string): Promise<OasisScan[]> {
  const files: string[] = [];
  await walk(root, 0, files);
  const bySession = new Map<string, OasisScan[]>();
  for (const path of files.sort()) {
    const rel = relative(root, path);
    const match = OASIS_SESSION.exec(rel);
    if (!match || SEGMENTATION.test(rel)) continue;
    const kind = OASIS_IMAGE_PREFERENCE.find(([, pattern]) => pattern.test(rel))![0];
    const scan = { subject: match[1]!, session: match[2]!, key: match[0], path, kind };
    bySession.set(scan.key, [...(bySession.get(scan.key) ?? []), scan]);
  }
  const order = OASIS_IMAGE_PREFERENCE.map(([k]) => k);
  return [...bySession.values()].map((scans) => scans.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))[0]!);
}

/** The demographic table: session key (OAS1_0001_MR1) to CDR, from the first CSV with an ID/MRI ID and a CDR column. */
async function readDemographics(root: string): Promise<{ file: string; cdr: Map<string, string>; delimiter: string } | undefined> {
  const names = (await readdir(root)).filter((n) => /\.(csv|tsv|txt)$/i.test(n)).sort();
  for (const name of names) {
    const { header, rows, delimiter } = parseTable(await readFile(join(root, name), 'utf8'));
    const lower = header.map((h) => h.toLowerCase());
    const id = ['mri id', 'id'].map((c) => lower.indexOf(c)).find((i) => i >= 0);
    const cdr = lower.indexOf('cdr');
    if (id === undefined || cdr < 0) continue;
    return { file: name, delimiter, cdr: new Map(rows.map((r) => [(r[id] ?? '').trim(), (r[cdr] ?? '').trim()])) };
  }
  return undefined;
}

/**
 * Whether `root` holds an OASIS demographic table (a CSV with an ID or MRI ID column and a CDR column).
 *
 * @param root the data set folder
 * @returns true when such a CSV is there
 */
export async function hasOasisDemographics(root: string): Promise<boolean> {
  return (await readDemographics(root)) !== undefined;
}

/**
 * Reads OASIS-1/OASIS-2 sessions into axial slices (one image per session, see
 * {@link findOasisSessions}), labelled by CDR from the demographic table (see `cdrClass`).
 * A session without a CDR (OASIS-1 gives none for its young controls) is an `unlabelled` problem.
 *
 * @param root the data set folder holding the demographic CSV
 * @param scans the sessions, from {@link findOasisSessions}
 * @param options `sliceRange` (default the central 0.3:0.7) and `spacing` in mm to resample to (default the file's)
 * @returns the slices as items (subject = OASIS subject), problems (unlabelled sessions, unreadable volumes) and a
 *   summary per volume
 * @throws AlzbenchError (exit 2) when no demographic CSV with an ID (or MRI ID) and a CDR column is in `root`
 */
export async function readOasisDataset(root: string, scans: readonly OasisScan[], options: VolumeSliceOptions = {}): Promise<Dataset> {
  const demographics = await readDemographics(root);
  if (!demographics) {
    const xlsx = (await readdir(root)).find((n) => /\.xlsx?$/i.test(n));
    throw new AlzbenchError(
      `OASIS sessions found in ${root} (${scans.length}, e.g. ${scans[0]!.key}) but no demographic CSV with an ID (or MRI ID) column and a CDR column`,
      {
        hint: `${xlsx ? `save ${xlsx} as CSV, or ` : ''}put oasis_cross-sectional.csv (OASIS-1) or oasis_longitudinal.csv (OASIS-2) in that folder`,
        exitCode: 2,
      },
    );
  }
  const items: DataItem[] = [];
  const problems: Problem[] = [];
  const volumes: VolumeSummary[] = [];
  for (const scan of scans) {
    const value = demographics.cdr.get(scan.key);
    const label = cdrClass(parseDecimal(value));
    if (!label) {
      const why =
        value === undefined
          ? `${scan.key} is not in ${demographics.file}`
          : value === ''
            ? `no CDR for ${scan.key} in ${demographics.file} (OASIS-1 gives none for its controls under 60)`
            : `CDR "${value}" is not one of 0, 0.5, 1, 2, 3`;
      problems.push({ kind: 'unlabelled', path: relative(root, scan.path), detail: why });
      continue;
    }
    await collectVolumeSlices(root, scan.path, options, { sourceClass: label, subject: scan.subject, session: scan.session }, { items, problems, volumes });
  }
  const kinds = [...new Set(scans.map((s) => s.kind))].join(', ');
  return {
    root,
    layout: 'oasis',
    defaultTask: volumeDefaultTask(items),
    items,
    problems,
    subjectSourceDetail: `OASIS names (OAS1_0001_MR1: subject OAS1_0001, session MR1); CDR from ${demographics.file}${demographics.delimiter === ';' ? ' (";"-separated)' : ''}; one image per session (${kinds})`,
    volumes,
  };
}
