import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { AlzbenchError } from '../util/errors.js';
import { canonicalClass, isKnownClass, DEMENTIA_CLASSES, BINARY_CLASSES } from './classes.js';
import type { DataItem, Dataset, LayoutKind, Problem, SplitName } from './dataset.js';
import { isJunkName } from './junk-files.js';
import { lfsPointerDetail, parseLfsPointer, type LfsPointer } from './lfs-pointer.js';

/** File name endings read as images. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.dib', '.tif', '.tiff', '.webp']);

const SPLIT_FOLDERS: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/**
 * The split a folder name stands for (`Train`, `validation`, ...), or undefined.
 *
 * @param name a folder name (any case)
 * @returns `train` (train, training), `val` (val, valid, validation) or `test` (test, testing), or undefined
 */
export function splitOfFolder(name: string): SplitName | undefined {
  return SPLIT_FOLDERS[name.toLowerCase()];
}

interface Listing {
  readonly folders: string[];
  readonly files: string[];
  /** Junk names met (`__MACOSX`, `._x.jpg`, `.DS_Store`, ...). */
  readonly junk: string[];
}

async function list(dir: string): Promise<Listing> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const out: Listing = { folders: [], files: [], junk: [] };
  for (const e of entries) {
    if (isJunkName(e.name)) out.junk.push(e.name);
    else if (e.isDirectory()) out.folders.push(e.name);
    else if (e.isFile()) out.files.push(e.name);
  }
  return out;
}

/** Every file under `dir` that is not junk, recursively, as absolute paths in a stable order; counts junk met. */
async function filesUnder(dir: string, junk: { count: number }): Promise<string[]> {
  const { folders, files, junk: j } = await list(dir);
  junk.count += j.length;
  const out = files.map((f) => join(dir, f));
  for (const folder of folders) out.push(...(await filesUnder(join(dir, folder), junk)));
  return out.sort((a, b) => a.localeCompare(b));
}

/** The LFS pointer a small file is (a `.nii.gz` or `.dcm` left as a pointer by a clone), if it is one. */
async function smallLfsPointer(path: string): Promise<LfsPointer | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info || info.size > 1024) return undefined;
  return parseLfsPointer(await readFile(path));
}

/** What a folder holds, seen from above: a split set, a class set, or neither. */
type Shape = { kind: 'splits'; splits: string[] } | { kind: 'classes'; known: boolean } | { kind: 'other' };

/** A folder of class folders whose names are all known classes (any naming), at least two. */
function knownClassSet(folders: readonly string[]): boolean {
  return folders.length >= 2 && folders.every(isKnownClass);
}

async function shapeOf(dir: string): Promise<Shape> {
  const { folders } = await list(dir);
  if (folders.length > 0 && folders.every((f) => splitOfFolder(f) !== undefined)) return { kind: 'splits', splits: folders };
  if (knownClassSet(folders)) return { kind: 'classes', known: true };
  return { kind: 'other' };
}

/** Follows single-child wrapper folders (`Combined Dataset/`, `Data/`, `archive/`) down to the data. */
async function unwrap(dir: string): Promise<string> {
  let current = dir;
  for (let depth = 0; depth < 16; depth++) {
    if ((await shapeOf(current)).kind !== 'other') return current;
    const { folders, files } = await list(current);
    const images = files.filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()));
    if (folders.length !== 1 || images.length > 0) return current;
    const child = folders[0]!;
    // A lone class or split folder is data, and so is a lone folder of files only.
    if (isKnownClass(child) || splitOfFolder(child) !== undefined || (await list(join(current, child))).folders.length === 0) return current;
    current = join(current, child);
  }
  return current;
}

function layoutOf(folderNames: readonly string[]): { layout: LayoutKind; defaultTask: string } {
  const canonical = folderNames.map(canonicalClass);
  if (canonical.every((c) => (DEMENTIA_CLASSES as readonly string[]).includes(c))) {
    // The 128x128 "preprocessed" variant spells its folders Non_Demented, Very_Mild_Demented, ...
    const underscored = folderNames.some((n) => n.includes('_'));
    return { layout: underscored ? 'preprocessed-128' : 'kaggle-4class', defaultTask: '4class' };
  }
  if (canonical.every((c) => (BINARY_CLASSES as readonly string[]).includes(c))) return { layout: 'kaggle-binary', defaultTask: 'binary' };
  return { layout: 'class-folders', defaultTask: 'folders' };
}

/**
 * Reads a class-folder data set: `root/<class>/<image>` or `root/<split>/<class>/<image>` with split
 * folders train/val/test (or training, validation, testing; any case), found below any depth of
 * single-child wrapper folders (`archive/Combined Dataset/train/...`). Archive and desktop junk
 * (`__MACOSX/`, `._*`, `.DS_Store`, `Thumbs.db`, `desktop.ini`) is skipped and counted in a note.
 * Class names are matched by synonym, case, spaces, underscores and hyphens (see
 * `CLASS_SYNONYMS`) when every class folder has a known name; otherwise the folder names are kept
 * (a generic `class-folders` set). Recognises the Kaggle 4-class set (and the "Best Alzheimer MRI"
 * and OASIS namings of the same four classes), the Kaggle binary set (Alzheimer / Non Alzheimer,
 * AD / CN) and the 128x128 preprocessed variant (Non_Demented, ...).
 *
 * Resolves undefined when there are no class folders at all. Throws an {@link AlzbenchError}
 * (exit 2) when two or more sibling folders each hold a full class set (Kaggle's
 * `OriginalDataset/` and `AugmentedAlzheimerDataset/`): they are sources, not classes, and the
 * user must pick one. Files that are not images by name and class folders without images are
 * reported as problems, not read.
 *
 * @param given the data set folder
 * @returns the listed items with layout, problems and notes, or undefined when there are no class folders
 * @throws AlzbenchError (exit 2) when sibling folders each hold a full class set
 * @throws Error from node:fs when a folder cannot be read
 */
export async function readFolderDataset(given: string): Promise<Dataset | undefined> {
  const root = await unwrap(given);
  const notes: string[] = [];
  if (root !== given) notes.push(`data found below wrapper folder(s): ${relative(given, root)}/`);
  const top = await list(root);
  if (top.folders.length === 0) return undefined;
  let shape = await shapeOf(root);
  if (shape.kind === 'other') {
    // Siblings that each hold a whole class set (directly or below their own wrappers) are sources.
    const sets: string[] = [];
    for (const folder of top.folders) {
      const inner = await unwrap(join(root, folder));
      if ((await shapeOf(inner)).kind !== 'other') sets.push(folder);
    }
    const splitSets = sets.filter((f) => splitOfFolder(f) !== undefined);
    if (splitSets.length > 0 && splitSets.length === sets.length) {
      // train/ and test/ beside other folders (docs/, notebooks/): the splits are the data.
      shape = { kind: 'splits', splits: splitSets };
      notes.push(`ignored folder(s) beside the split folders: ${top.folders.filter((f) => !splitSets.includes(f)).join(', ')}`);
    } else if (sets.length >= 2) {
      throw new AlzbenchError(
        `Found ${sets.length} sibling folders in ${root} that each hold a full class set: ${sets.join(', ')}. They are separate sources (e.g. original and augmented images), not classes`,
        {
          hint:
            `pick one and give its path, e.g. alzbench data inspect ${JSON.stringify(join(root, sets.find((s) => /orig/i.test(s)) ?? sets[0]!))}` +
            ' (augmented images are derived from the originals: mixing them across splits leaks)',
          exitCode: 2,
        },
      );
    }
  }
  const classDirs: Array<{ dir: string; folder: string; split?: SplitName }> = [];
  let junkCount = top.junk.length;
  if (shape.kind === 'splits') {
    for (const splitFolder of shape.splits) {
      const inner = await list(join(root, splitFolder));
      junkCount += inner.junk.length;
      for (const folder of inner.folders) classDirs.push({ dir: join(root, splitFolder, folder), folder, split: splitOfFolder(splitFolder)! });
    }
  } else {
    for (const folder of top.folders) classDirs.push({ dir: join(root, folder), folder });
  }
  if (classDirs.length === 0) return undefined;
  const folderNames = [...new Set(classDirs.map((c) => c.folder))];
  // Synonyms apply only when the whole naming is recognised: `healthy` beside `glioma` stays `healthy`.
  const known = folderNames.every(isKnownClass);
  const classOf = (folder: string) => (known ? canonicalClass(folder) : folder);
  const items: DataItem[] = [];
  const problems: Problem[] = [];
  const junk = { count: 0 };
  for (const { dir, folder, split } of classDirs) {
    const files = await filesUnder(dir, junk);
    let images = 0;
    for (const path of files) {
      const id = relative(root, path);
      if (!IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) {
        const pointer = await smallLfsPointer(path);
        problems.push(
          pointer
            ? { kind: 'lfs-pointer', path: id, detail: lfsPointerDetail(pointer) }
            : { kind: 'not-image', path: id, detail: `not an image file name (${extname(path) || 'no extension'})` },
        );
        continue;
      }
      images++;
      items.push({ id, sourceClass: classOf(folder), ...(split ? { sourceSplit: split } : {}), source: { kind: 'file', path } });
    }
    if (images === 0) problems.push({ kind: 'empty-class', path: relative(root, dir) || '.', detail: 'class folder holds no images' });
  }
  junkCount += junk.count;
  if (junkCount > 0)
    notes.push(
      `ignored ${junkCount} archive/desktop metadata entr${junkCount === 1 ? 'y' : 'ies'} (__MACOSX/, ._*, .DS_Store, Thumbs.db, desktop.ini, dot-files)`,
    );
  const classNames: Record<string, string> = {};
  for (const f of folderNames) classNames[f] = classOf(f);
  return { root, ...(known ? layoutOf(folderNames) : { layout: 'class-folders' as const, defaultTask: 'folders' }), items, problems, notes, classNames };
}
