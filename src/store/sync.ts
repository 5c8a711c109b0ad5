/**
 * Keeps the store in step with run folders: `alzbench train` writes a folder, and listing,
 * showing or comparing runs first reads the folders that changed since they were stored. Also
 * deleting a run together with its folder.
 */
import { existsSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AlzbenchError } from '../util/errors.js';
import { isInside } from '../util/is-inside.js';
import { folderStamp, readRunFolder } from './read-run-folder.js';
import type { RunStore, StoredRun } from './types.js';
import { readRunRecord } from '../run-folder/run-files.js';

/** What a sync did. */
export interface SyncResult {
  /** Runs read and stored (new or changed). */
  readonly stored: string[];
  /** Folders that could not be read, with the reason. */
  readonly errors: { dir: string; message: string }[];
}

/**
 * Stores one run folder if it changed since it was last stored (or was never stored). Sweep runs
 * keep the status their sweep gave them unless the folder shows a final result.
 *
 * @returns whether the run was (re)stored
 */
export async function syncRunFolder(store: RunStore, dir: string, options: { force?: boolean } = {}): Promise<boolean> {
  const absolute = resolve(dir);
  const id = readRunRecord(join(absolute, 'run.json')).id;
  const stored = await store.getRun(id);
  // A stored `running` run is re-read even when its files did not change: its process may have died.
  if (!options.force && stored && stored.status !== 'running' && (await store.getFolderStamp(id)) === folderStamp(absolute)) return false;
  const snapshot = readRunFolder(absolute);
  await store.putRun(snapshot, { keepStatusUnlessFinished: stored?.sweepId !== null && stored?.sweepId !== undefined });
  return true;
}

/**
 * Stores every run folder under `runsDir` that changed. A missing folder is no error (no runs
 * yet); unreadable folders are reported, not thrown, so one broken run does not hide the others.
 */
export async function syncRunsDir(store: RunStore, runsDir: string): Promise<SyncResult> {
  const root = resolve(runsDir);
  const result: SyncResult = { stored: [], errors: [] };
  if (!existsSync(root)) return result;
  const realRoot = realpathSync(root);
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!existsSync(join(dir, 'run.json'))) continue;
    // A folder that is (or resolves through) a symbolic link out of the runs folder is not indexed:
    // the dashboard would otherwise read and serve files from wherever it points.
    const real = realpathSync(dir);
    if (!isInside(realRoot, real)) {
      result.errors.push({ dir, message: `not indexed: a symbolic link to ${real}, outside the runs folder ${realRoot}` });
      continue;
    }
    try {
      if (await syncRunFolder(store, dir)) result.stored.push(name);
    } catch (error) {
      result.errors.push({ dir, message: (error as Error).message });
    }
  }
  return result;
}

/**
 * Deletes a run from the store and, unless `keepFiles`, its run folder. The folder is removed only
 * when its run.json names this run, so a wrong path in the store can never delete other files.
 */
export async function deleteRunWithArtifacts(
  store: RunStore,
  run: StoredRun,
  options: { keepFiles?: boolean } = {},
): Promise<{ removedFolder: string | null }> {
  let removedFolder: string | null = null;
  if (!options.keepFiles && run.dir && existsSync(run.dir)) {
    const recordPath = join(run.dir, 'run.json');
    // Through run.json's schema: a damaged record names its problem and deletes nothing.
    const ownId = existsSync(recordPath) ? readRunRecord(recordPath).id : undefined;
    if (ownId !== run.id) {
      throw new AlzbenchError(`Refusing to delete ${run.dir}: its run.json names ${ownId === undefined ? 'no run' : `run ${ownId}`}, not ${run.id}`, {
        hint: 'pass --keep-files to delete only the stored rows',
      });
    }
    rmSync(run.dir, { recursive: true, force: true });
    removedFolder = run.dir;
  }
  await store.deleteRun(run.id);
  return { removedFolder };
}
