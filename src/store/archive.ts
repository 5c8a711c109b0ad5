/**
 * Run cards: one portable archive per run (`<id>.alzrun.tar.gz`, a plain gzip'd tar) holding
 * `<id>/card.json` (every stored row: record, resolved config, data set fingerprint and split
 * manifest, per-epoch metrics, test metrics with CIs, per-sample predictions, tags, the files'
 * SHA-256), `<id>/card.html` (the run's report, readable in any browser without alzbench) and
 * `<id>/files/` (the run folder). `tar xzf` opens it anywhere; `alzbench runs import` restores
 * the run into another store.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import * as tar from 'tar';
import { AlzbenchError } from '../util/errors.js';
import { listFiles, artifactKind, folderStamp } from './read-run-folder.js';
import { checkRunCard } from './run-card.js';
import type { RunSnapshot, RunStore, StoredEpoch, StoredPrediction, StoredRun } from './types.js';

/** card.json. */
export interface RunCard {
  readonly format: 'alzbench-run-card';
  readonly version: 1;
  readonly exported: string;
  readonly run: StoredRun;
  readonly splitManifest: string | null;
  readonly epochs: StoredEpoch[];
  readonly predictions: StoredPrediction[];
  /** Files under files/, with size and SHA-256. */
  readonly files: { path: string; bytes: number; sha256: string }[];
}

/** Options of {@link exportRun}. */
export interface ExportOptions {
  /** Archive path (default `<id>.alzrun.tar.gz` in the current folder). */
  readonly out?: string;
  /** Leave the checkpoints out (they dominate the size; the card still holds every result). */
  readonly withoutCheckpoints?: boolean;
  /** Renders card.html from the card (the report module's; left out when not given). */
  readonly renderHtml?: (card: RunCard) => string;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * Writes a run card archive.
 *
 * @example
 * const path = await exportRun(store, 'my-run', { withoutCheckpoints: true });
 */
export async function exportRun(store: RunStore, ref: string, options: ExportOptions = {}): Promise<{ path: string; card: RunCard }> {
  const run = await store.resolveRun(ref);
  const staging = mkdtempSync(join(tmpdir(), 'alzbench-export-'));
  try {
    const root = join(staging, run.id);
    const filesDir = join(root, 'files');
    mkdirSync(filesDir, { recursive: true });
    const files: RunCard['files'] = [];
    if (run.dir && existsSync(run.dir)) {
      for (const path of listFiles(run.dir)) {
        if (options.withoutCheckpoints && artifactKind(path) === 'checkpoint') continue;
        const target = join(filesDir, path);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(run.dir, path), target);
        files.push({ path, bytes: readFileSync(target).length, sha256: sha256(target) });
      }
    }
    const { dir: _dir, owner: _owner, pid: _pid, heartbeatAt: _hb, ...portable } = run;
    const card: RunCard = {
      format: 'alzbench-run-card',
      version: 1,
      exported: new Date().toISOString(),
      run: { ...portable, dir: null, owner: null, pid: null, heartbeatAt: null },
      splitManifest: await store.getSplitManifest(run.id),
      epochs: await store.getEpochs(run.id),
      predictions: await store.getPredictions(run.id),
      files,
    };
    writeFileSync(join(root, 'card.json'), `${JSON.stringify(card, null, 1)}\n`);
    if (options.renderHtml) writeFileSync(join(root, 'card.html'), options.renderHtml(card));
    const out = resolve(options.out ?? `${run.id}.alzrun.tar.gz`);
    mkdirSync(dirname(out), { recursive: true });
    const temp = `${out}.tmp-${process.pid}`;
    await tar.c({ gzip: true, file: temp, cwd: staging, portable: true }, [run.id]);
    renameSync(temp, out);
    return { path: out, card };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Options of {@link importRun}. */
export interface ImportOptions {
  /** Folder the run folder is restored into (default `runs`). */
  readonly runsDir?: string;
  /** Replace a run with the same id (its rows and folder). Default: refuse. */
  readonly replace?: boolean;
}

/**
 * Restores a run card archive: checks every file against its SHA-256, restores the run folder
 * under `runsDir/<id>/` and the rows (in one transaction).
 */
export async function importRun(store: RunStore, archive: string, options: ImportOptions = {}): Promise<StoredRun> {
  if (!existsSync(archive)) throw new AlzbenchError(`No archive ${archive}`, { exitCode: 2 });
  const staging = mkdtempSync(join(tmpdir(), 'alzbench-import-'));
  try {
    try {
      await tar.x({ file: archive, cwd: staging, strict: true });
    } catch (error) {
      throw new AlzbenchError(`Cannot read ${archive} as a run card archive: ${(error as Error).message}`, { exitCode: 2 });
    }
    const tops = readdirSync(staging);
    const cardPath = tops.length === 1 ? join(staging, tops[0]!, 'card.json') : '';
    if (!cardPath || !existsSync(cardPath))
      throw new AlzbenchError(`${archive} is not a run card archive (expected one folder with card.json, found ${tops.join(', ') || 'nothing'})`, {
        exitCode: 2,
      });
    let doc: { format?: unknown; version?: unknown } | null;
    try {
      doc = JSON.parse(readFileSync(cardPath, 'utf8')) as { format?: unknown; version?: unknown } | null;
    } catch (error) {
      throw new AlzbenchError(`Cannot parse ${cardPath}: ${(error as Error).message}`, {
        exitCode: 2,
        hint: 'the archive was edited or damaged: export the run again',
      });
    }
    if (doc?.format !== 'alzbench-run-card') throw new AlzbenchError(`${cardPath} is not a run card (format ${JSON.stringify(doc?.format)})`, { exitCode: 2 });
    if (typeof doc.version === 'number' && doc.version > 1)
      throw new AlzbenchError(`${archive} is a version ${doc.version} run card; this alzbench reads version 1`, { hint: 'upgrade alzbench' });
    const card = checkRunCard(doc, `${basename(archive)}: card.json`);
    const filesDir = join(staging, tops[0]!, 'files');
    for (const file of card.files) {
      const path = join(filesDir, file.path);
      if (!existsSync(path) || sha256(path) !== file.sha256)
        throw new AlzbenchError(`${archive}: ${file.path} is missing or damaged (SHA-256 differs from the card's)`);
    }
    const id = card.run.id;
    if (basename(id) !== id || id.startsWith('.')) throw new AlzbenchError(`${archive}: unsafe run id ${JSON.stringify(id)}`);
    const existing = await store.getRun(id);
    const target = resolve(options.runsDir ?? 'runs', id);
    if ((existing || existsSync(target)) && !options.replace) {
      throw new AlzbenchError(`Run ${id} already exists${existing ? ' in the store' : ''}${existsSync(target) ? ` (folder ${target})` : ''}`, {
        hint: 'pass --replace to overwrite it',
        exitCode: 2,
      });
    }
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    if (card.files.length > 0) cpSync(filesDir, target, { recursive: true });
    const run = card.run;
    const snapshot: RunSnapshot = {
      id,
      name: run.name,
      status: run.status,
      reason: run.reason,
      config: run.config,
      flags: run.flags,
      model: run.model,
      task: run.task,
      classes: run.classes,
      datasetFingerprint: run.datasetFingerprint,
      dataset: run.dataset,
      split: run.split,
      splitManifest: card.splitManifest,
      leakage: run.leakage,
      codeVersion: run.codeVersion,
      machine: run.machine,
      device: run.device,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      epochsDone: run.epochsDone,
      bestEpoch: run.bestEpoch,
      test: run.test,
      epochs: card.epochs,
      predictions: card.predictions,
      artifacts: card.files.map((f) => ({ path: f.path, kind: artifactKind(f.path), bytes: f.bytes })),
      dir: card.files.length > 0 ? target : null,
      pid: null,
      folderStamp: card.files.length > 0 ? folderStamp(target) : null,
    };
    if (existing) await store.deleteRun(id);
    await store.putRun(snapshot);
    if (run.name !== null) await store.updateRun(id, { name: run.name });
    await store.addTags(id, run.tags);
    return (await store.getRun(id))!;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
