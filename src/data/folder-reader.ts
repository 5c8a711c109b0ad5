import { readdir } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { canonicalClass, DEMENTIA_CLASSES, BINARY_CLASSES } from './classes.js';
import type { DataItem, Dataset, LayoutKind, Problem, SplitName } from './dataset.js';

/** File name endings read as images. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp']);

const SPLIT_FOLDERS: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/** Every non-hidden file under `dir`, recursively, as absolute paths in a stable order. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue; // .DS_Store and friends are not data
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
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
 * folders train/val/test (or training, validation, testing). Recognises the Kaggle 4-class set
 * (NonDemented, VeryMildDemented, MildDemented, ModerateDemented), the Kaggle binary set
 * (Alzheimer / Non Alzheimer) and the 128x128 preprocessed variant (Non_Demented, ...); anything
 * else with class folders is a generic `class-folders` set. Resolves undefined when `root` has no
 * class folders at all. Files that are not images by name and empty class folders are reported as
 * problems, not read.
 */
export async function readFolderDataset(root: string): Promise<Dataset | undefined> {
  const top = await subfolders(root);
  if (top.length === 0) return undefined;
  const splitFolders = top.filter((name) => SPLIT_FOLDERS[name.toLowerCase()] !== undefined);
  const classDirs: Array<{ dir: string; folder: string; split?: SplitName }> = [];
  if (splitFolders.length > 0 && splitFolders.length === top.length) {
    for (const splitFolder of splitFolders) {
      for (const folder of await subfolders(join(root, splitFolder))) {
        classDirs.push({ dir: join(root, splitFolder, folder), folder, split: SPLIT_FOLDERS[splitFolder.toLowerCase()]! });
      }
    }
  } else {
    for (const folder of top) classDirs.push({ dir: join(root, folder), folder });
  }
  if (classDirs.length === 0) return undefined;
  const items: DataItem[] = [];
  const problems: Problem[] = [];
  for (const { dir, folder, split } of classDirs) {
    const files = await filesUnder(dir);
    let images = 0;
    for (const path of files) {
      const id = relative(root, path);
      if (!IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) {
        problems.push({ kind: 'not-image', path: id, detail: `not an image file name (${extname(path) || 'no extension'})` });
        continue;
      }
      images++;
      items.push({ id, sourceClass: canonicalClass(folder), ...(split ? { sourceSplit: split } : {}), source: { kind: 'file', path } });
    }
    if (images === 0) problems.push({ kind: 'empty-class', path: relative(root, dir) || '.', detail: 'class folder holds no images' });
  }
  const folderNames = [...new Set(classDirs.map((c) => c.folder))];
  return { root, ...layoutOf(folderNames), items, problems };
}
