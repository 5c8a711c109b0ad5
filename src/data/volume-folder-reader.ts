/**
 * Volumes in class folders: `<dir>/<class>/**\/<volume>` or `<dir>/<split>/<class>/**\/<volume>`
 * (e.g. `AD/002_S_0295.nii.gz`, `CN/sub-01/anat/sub-01_T1w.nii.gz`). The class is the folder's
 * name; the subject comes from the file or folder names (BIDS, OASIS or ADNI IDs), else each
 * volume is taken as its own subject and the report says so.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { canonicalClass } from './classes.js';
import type { DataItem, Dataset, Problem, SplitName, VolumeSummary } from './dataset.js';
import { volumeDefaultTask } from './nifti-reader.js';
import { subjectFromName } from './volume-subject.js';
import { collectVolumeSlices, VOLUME_FILE_NAME, type VolumeSliceOptions } from './volume-slices.js';

const PAIR_IMAGE = /\.img(\.gz)?$/i;
const SPLITS: Record<string, SplitName> = { train: 'train', training: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test', testing: 'test' };
const skipped = (name: string) => name.startsWith('.') || name === '__MACOSX';

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && !skipped(e.name))
    .map((e) => e.name)
    .sort();
}

async function filesUnder(dir: string, depth = 0, out: string[] = []): Promise<string[]> {
  if (depth > 5) return out;
  for (const entry of (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) => a.name.localeCompare(b.name))) {
    if (skipped(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await filesUnder(path, depth + 1, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Class folders (with their split) holding volume files, or undefined when none holds any (or images are there too).
 *
 * @param root the data set folder: class folders, or split folders (`train/`, `test/`, ...) of class folders
 * @returns each class folder's path, name, split (when under a split folder) and files, or undefined
 * @throws Error from node:fs when a folder cannot be read
 */
export async function findVolumeClassFolders(root: string): Promise<Array<{ dir: string; folder: string; split?: SplitName; files: string[] }> | undefined> {
  const top = await subfolders(root);
  const splitTop = top.length > 0 && top.every((t) => SPLITS[t.toLowerCase()] !== undefined);
  const classDirs: Array<{ dir: string; folder: string; split?: SplitName }> = [];
  if (splitTop) {
    for (const s of top) for (const c of await subfolders(join(root, s))) classDirs.push({ dir: join(root, s, c), folder: c, split: SPLITS[s.toLowerCase()]! });
  } else for (const c of top) classDirs.push({ dir: join(root, c), folder: c });
  const withFiles = await Promise.all(classDirs.map(async (c) => ({ ...c, files: await filesUnder(c.dir) })));
  const all = withFiles.flatMap((c) => c.files);
  const volumes = all.filter((f) => VOLUME_FILE_NAME.test(f)).length;
  const images = all.filter((f) => /\.(jpe?g|png|bmp|tiff?|webp)$/i.test(f)).length;
  return volumes > 0 && images === 0 ? withFiles : undefined;
}

/**
 * Reads volumes in class folders (see the file comment) into axial slices. Files that are neither
 * volumes nor the `.img` half of a pair are `not-image` problems.
 *
 * @param root the data set folder
 * @param classDirs the class folders, from {@link findVolumeClassFolders}
 * @param options `sliceRange` (default the central 0.3:0.7) and `spacing` in mm to resample to (default the file's)
 * @returns the slices as items (one subject per volume, or as the file names say), problems, and a summary per volume
 */
export async function readVolumeFolderDataset(
  root: string,
  classDirs: NonNullable<Awaited<ReturnType<typeof findVolumeClassFolders>>>,
  options: VolumeSliceOptions = {},
): Promise<Dataset> {
  const items: DataItem[] = [];
  const problems: Problem[] = [];
  const volumes: VolumeSummary[] = [];
  const patterns = new Set<string>();
  let ownSubject = 0;
  for (const { dir, folder, split, files } of classDirs) {
    let found = 0;
    for (const path of files) {
      const id = relative(root, path);
      if (PAIR_IMAGE.test(path)) continue;
      if (!VOLUME_FILE_NAME.test(path)) {
        problems.push({ kind: 'not-image', path: id, detail: 'not a volume file name (.nii, .nii.gz, .hdr[.gz] + .img[.gz])' });
        continue;
      }
      found++;
      const named = subjectFromName(relative(dir, path));
      const subject = named?.subject ?? relative(dir, path).replace(/\.(nii|hdr)(\.gz)?$/i, '');
      const fields = {
        sourceClass: canonicalClass(folder),
        subject,
        ...(named?.session ? { session: named.session } : {}),
        ...(split ? { sourceSplit: split } : {}),
      };
      if (!(await collectVolumeSlices(root, path, options, fields, { items, problems, volumes }))) continue;
      if (named) patterns.add(named.pattern);
      else ownSubject++;
    }
    if (found === 0) problems.push({ kind: 'empty-class', path: relative(root, dir) || '.', detail: 'class folder holds no volumes' });
  }
  const sources = [
    ...(patterns.size ? [`IDs in file and folder names (${[...patterns].join(', ')})`] : []),
    ...(ownSubject ? [`${ownSubject} volume(s) with no ID in their names, each taken as its own subject`] : []),
  ];
  return { root, layout: 'volume-folders', defaultTask: volumeDefaultTask(items), items, problems, subjectSourceDetail: sources.join('; '), volumes };
}
