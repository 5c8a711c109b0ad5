/**
 * The run store over Kysely: one implementation, one set of queries, for a SQLite file and a
 * PostgreSQL server. Only the connection and the transaction start differ (see transaction.ts).
 */
import type { Kysely, Selectable } from 'kysely';
import { AlzbenchError } from '../util/errors.js';
import type { RunsTable, StoreDatabase, WorkersTable } from './schema.js';
import { inTransaction } from './transaction.js';
import {
  type NewRun,
  type PutOptions,
  type RunFilter,
  type RunPatch,
  type RunSnapshot,
  type RunStatus,
  type RunStore,
  type StoredArtifact,
  type StoredEpoch,
  type StoredPrediction,
  type StoredRun,
  type StoredSweep,
  type StoredWorker,
  FINISHED_STATUSES,
} from './types.js';
import { finiteOrNull } from '../util/finite-or-null.js';
import { parseTestReport, type TestReportRead } from '../run-folder/test-report.js';
import { storedColumn } from './stored-columns.js';

const json = (value: unknown) => JSON.stringify(value ?? null);
const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
/**
 * The stored copy of a run's test.json, checked by the same schema as the file. A damaged copy
 * (the database edited by hand) does not break listing: the run reads without a test report and
 * its reason carries the named error.
 */
function storedTest(row: { id: string; test: string | null; reason: string | null }): { test: TestReportRead | null; reason: string | null } {
  if (row.test === null) return { test: null, reason: row.reason };
  try {
    return { test: parseTestReport(row.test, `the stored test report of run ${row.id}`), reason: row.reason };
  } catch (error) {
    if (!(error instanceof AlzbenchError)) throw error;
    const problem = `${error.message} (the store's copy was edited or damaged; it is stored again from the run folder when the folder's test.json changes)`;
    return { test: null, reason: row.reason === null ? problem : `${row.reason}; ${problem}` };
  }
}

/** PostgreSQL returns float8 as number but a `count(*)` or int8 as string; normalize. */
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

// Rows per multi-row INSERT: under SQLite's 32766 and PostgreSQL's 65535 bound parameters.
const CHUNK = 400;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Run columns a snapshot (a run folder) provides. */
function snapshotColumns(
  s: RunSnapshot,
  now: string,
): Omit<RunsTable, 'id' | 'name' | 'sweep_id' | 'point' | 'point_index' | 'owner' | 'attempts' | 'heartbeat_at' | 'worker' | 'job_id'> {
  const metrics = s.test?.best.metrics;
  const metric = (key: 'accuracy' | 'balancedAccuracy' | 'sensitivity' | 'specificity' | 'auc' | 'loss') => finiteOrNull(metrics?.[key]);
  return {
    status: s.status,
    reason: s.reason,
    config: json(s.config),
    flags: json(s.flags),
    model: s.model,
    task: s.task,
    classes: json(s.classes),
    dataset_fingerprint: s.datasetFingerprint,
    dataset: jsonOrNull(s.dataset),
    split: jsonOrNull(s.split),
    split_manifest: s.splitManifest,
    leakage: jsonOrNull(s.leakage),
    code_version: s.codeVersion,
    machine: jsonOrNull(s.machine),
    device: s.device,
    created_at: s.createdAt,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    updated_at: now,
    epochs_done: s.epochsDone,
    best_epoch: s.bestEpoch,
    test: jsonOrNull(s.test),
    test_accuracy: metric('accuracy'),
    test_balanced_accuracy: metric('balancedAccuracy'),
    test_sensitivity: metric('sensitivity'),
    test_specificity: metric('specificity'),
    test_auc: metric('auc'),
    test_loss: metric('loss'),
    dir: s.dir,
    pid: s.pid,
    folder_stamp: s.folderStamp,
  };
}

function epochRow(runId: string, e: StoredEpoch) {
  return {
    run_id: runId,
    epoch: e.epoch,
    lr: e.lr,
    train_loss: e.trainLoss,
    train_accuracy: e.trainAccuracy,
    val_loss: e.valLoss,
    val_accuracy: e.valAccuracy,
    val_balanced_accuracy: e.valBalancedAccuracy,
    val_sensitivity: e.valSensitivity,
    val_specificity: e.valSpecificity,
    val_auc: e.valAuc,
    collapsed: e.collapsed ? 1 : 0,
    best: e.best ? 1 : 0,
    seconds: e.seconds,
    record: json(e.record),
  };
}

const RUN_COLUMNS = [
  'id',
  'name',
  'status',
  'reason',
  'sweep_id',
  'point',
  'point_index',
  'config',
  'flags',
  'model',
  'task',
  'classes',
  'dataset_fingerprint',
  'dataset',
  'split',
  'leakage',
  'code_version',
  'machine',
  'device',
  'created_at',
  'started_at',
  'finished_at',
  'updated_at',
  'epochs_done',
  'best_epoch',
  'test',
  'test_accuracy',
  'test_balanced_accuracy',
  'test_sensitivity',
  'test_specificity',
  'test_auc',
  'test_loss',
  'dir',
  'owner',
  'pid',
  'attempts',
  'heartbeat_at',
  'worker',
  'job_id',
] as const;
type RunRow = Pick<Selectable<RunsTable>, (typeof RUN_COLUMNS)[number]>;

function toRun(row: RunRow, tags: readonly string[]): StoredRun {
  const { test, reason } = storedTest(row);
  const owner = `run ${row.id}`;
  return {
    id: row.id,
    name: row.name,
    status: row.status as RunStatus,
    reason,
    sweepId: row.sweep_id,
    point: storedColumn('point', row.point, owner) ?? {},
    pointIndex: num(row.point_index),
    config: storedColumn('config', row.config, owner) ?? {},
    flags: storedColumn('flags', row.flags, owner) ?? {},
    model: row.model,
    task: row.task,
    classes: storedColumn('classes', row.classes, owner) ?? [],
    datasetFingerprint: row.dataset_fingerprint,
    dataset: storedColumn('dataset', row.dataset, owner),
    split: storedColumn('split', row.split, owner),
    leakage: storedColumn('leakage', row.leakage, owner),
    codeVersion: row.code_version,
    machine: storedColumn('machine', row.machine, owner),
    device: row.device,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    epochsDone: num(row.epochs_done) ?? 0,
    bestEpoch: num(row.best_epoch),
    test,
    testAccuracy: num(row.test_accuracy),
    testBalancedAccuracy: num(row.test_balanced_accuracy),
    testSensitivity: num(row.test_sensitivity),
    testSpecificity: num(row.test_specificity),
    testAuc: num(row.test_auc),
    testLoss: num(row.test_loss),
    dir: row.dir,
    owner: row.owner,
    pid: num(row.pid),
    attempts: num(row.attempts) ?? 0,
    heartbeatAt: row.heartbeat_at,
    worker: row.worker,
    jobId: row.job_id,
    tags,
  };
}

const RUN_JSON_COLUMNS = ['point', 'config', 'flags', 'classes', 'dataset', 'split', 'leakage', 'machine'] as const;

/** {@link toRun} for a row with damaged JSON columns: each damaged one read as empty, its named error added to `reason`. */
function toRunWithDamagedColumns(row: RunRow, tags: readonly string[]): StoredRun {
  const problems: string[] = [];
  const cleaned: Record<string, unknown> = { ...row };
  for (const column of RUN_JSON_COLUMNS) {
    try {
      storedColumn(column, row[column], `run ${row.id}`);
    } catch (error) {
      if (!(error instanceof AlzbenchError)) throw error;
      problems.push(error.hint ? `${error.message} (${error.hint})` : error.message);
      // The non-null columns read back as their empty value ({} or []), the others as null.
      cleaned[column] = column === 'classes' ? '[]' : column === 'point' || column === 'config' || column === 'flags' ? '{}' : null;
    }
  }
  const run = toRun(cleaned as RunRow, tags);
  return { ...run, reason: [run.reason, ...problems].filter((r) => r).join('; ') };
}

function patchColumns(patch: RunPatch): Partial<RunsTable> {
  const out: Partial<RunsTable> = {};
  if (patch.status !== undefined) out.status = patch.status;
  if (patch.reason !== undefined) out.reason = patch.reason;
  if (patch.name !== undefined) out.name = patch.name;
  if (patch.owner !== undefined) out.owner = patch.owner;
  if (patch.pid !== undefined) out.pid = patch.pid;
  if (patch.heartbeatAt !== undefined) out.heartbeat_at = patch.heartbeatAt;
  if (patch.startedAt !== undefined) out.started_at = patch.startedAt;
  if (patch.finishedAt !== undefined) out.finished_at = patch.finishedAt;
  if (patch.dir !== undefined) out.dir = patch.dir;
  if (patch.worker !== undefined) out.worker = patch.worker;
  if (patch.jobId !== undefined) out.job_id = patch.jobId;
  if (patch.device !== undefined) out.device = patch.device;
  return out;
}

function toWorker(row: Selectable<WorkersTable>): StoredWorker {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    pid: Number(row.pid),
    device: row.device,
    concurrency: Number(row.concurrency),
    state: row.state as StoredWorker['state'],
    drain: Number(row.drain) === 1,
    runsDone: Number(row.runs_done),
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
  };
}

/** {@link RunStore} on a Kysely database (SQLite or PostgreSQL dialect, migrated). */
export class KyselyRunStore implements RunStore {
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    readonly kind: 'sqlite' | 'postgres',
    readonly location: string,
  ) {}

  private tx<T>(fn: (trx: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, this.kind, fn as never) as Promise<T>;
  }

  async putRun(s: RunSnapshot, options: PutOptions = {}): Promise<void> {
    const now = new Date().toISOString();
    await this.tx(async (trx) => {
      const existing = await trx.selectFrom('runs').select(['status']).where('id', '=', s.id).executeTakeFirst();
      const columns = snapshotColumns(s, now);
      if (existing) {
        const keep = options.keepStatusUnlessFinished && !FINISHED_STATUSES.includes(s.status);
        const { status, reason, ...rest } = columns;
        await trx
          .updateTable('runs')
          .set(keep ? rest : { ...rest, status, reason })
          .where('id', '=', s.id)
          .execute();
      } else {
        await trx
          .insertInto('runs')
          .values({ ...columns, id: s.id, name: s.name, sweep_id: null, point: '{}', point_index: null, owner: null, attempts: 0, heartbeat_at: null })
          .execute();
      }
      await trx.deleteFrom('epochs').where('run_id', '=', s.id).execute();
      for (const part of chunks(s.epochs))
        await trx
          .insertInto('epochs')
          .values(part.map((e) => epochRow(s.id, e)))
          .execute();
      await trx.deleteFrom('predictions').where('run_id', '=', s.id).execute();
      for (const part of chunks(s.predictions)) {
        await trx
          .insertInto('predictions')
          .values(
            part.map((p) => ({
              run_id: s.id,
              idx: p.index,
              file: p.file,
              subject: p.subject,
              label: p.label,
              predicted: p.predicted,
              probabilities: json(p.probabilities),
            })),
          )
          .execute();
      }
      await trx.deleteFrom('artifacts').where('run_id', '=', s.id).execute();
      for (const part of chunks(s.artifacts)) {
        await trx
          .insertInto('artifacts')
          .values(part.map((a) => ({ run_id: s.id, path: a.path, kind: a.kind, bytes: a.bytes })))
          .execute();
      }
    });
  }

  async createRuns(runs: readonly NewRun[]): Promise<void> {
    if (runs.length === 0) return;
    const now = new Date().toISOString();
    await this.tx(async (trx) => {
      for (const part of chunks(runs, 100)) {
        await trx
          .insertInto('runs')
          .values(
            part.map((r) => ({
              id: r.id,
              name: r.name,
              status: 'queued',
              reason: null,
              sweep_id: r.sweepId,
              point: json(r.point),
              point_index: r.pointIndex,
              config: json(r.config),
              flags: json(r.config),
              model: r.model,
              task: null,
              classes: '[]',
              dataset_fingerprint: null,
              dataset: null,
              split: null,
              split_manifest: null,
              leakage: null,
              code_version: null,
              machine: null,
              device: null,
              created_at: now,
              started_at: null,
              finished_at: null,
              updated_at: now,
              epochs_done: 0,
              best_epoch: null,
              test: null,
              test_accuracy: null,
              test_balanced_accuracy: null,
              test_sensitivity: null,
              test_specificity: null,
              test_auc: null,
              test_loss: null,
              dir: r.dir,
              owner: null,
              pid: null,
              attempts: 0,
              heartbeat_at: null,
              folder_stamp: null,
            })),
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
    });
  }

  /**
   * Rows as runs with their tags. `listing`: a row whose stored JSON is damaged is still listed
   * (the damaged columns read as empty, the named errors in its `reason`), so one edited row
   * cannot hide every other run; a single run asked for by id gets the named error instead.
   */
  private async withTags(rows: RunRow[], listing = false): Promise<StoredRun[]> {
    if (rows.length === 0) return [];
    const tags = new Map<string, string[]>();
    for (const part of chunks(rows.map((r) => r.id))) {
      const found = await this.db.selectFrom('tags').select(['run_id', 'tag']).where('run_id', 'in', part).orderBy('tag').execute();
      for (const t of found) (tags.get(t.run_id) ?? tags.set(t.run_id, []).get(t.run_id)!).push(t.tag);
    }
    return rows.map((r) => {
      try {
        return toRun(r, tags.get(r.id) ?? []);
      } catch (error) {
        if (!listing || !(error instanceof AlzbenchError)) throw error;
        return toRunWithDamagedColumns(r, tags.get(r.id) ?? []);
      }
    });
  }

  async getRun(id: string): Promise<StoredRun | undefined> {
    const row = await this.db.selectFrom('runs').select(RUN_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? (await this.withTags([row]))[0] : undefined;
  }

  async resolveRun(ref: string): Promise<StoredRun> {
    const exact = await this.getRun(ref);
    if (exact) return exact;
    const rows = await this.db
      .selectFrom('runs')
      .select(RUN_COLUMNS)
      .where((eb) => eb.or([eb('name', '=', ref), eb('id', 'like', `${ref}%`)]))
      .limit(20)
      .execute();
    // LIKE treats _ and % as wildcards (and its escape differs by backend): it finds a superset,
    // filtered exactly here.
    const matches = rows.filter((r) => r.name === ref || r.id.startsWith(ref));
    if (matches.length === 1) return (await this.withTags(matches))[0]!;
    if (matches.length === 0) {
      throw new AlzbenchError(`No run ${JSON.stringify(ref)} in the store ${this.location}`, {
        hint: 'alzbench runs lists the stored runs (give an id, a unique id prefix or a name)',
        exitCode: 2,
      });
    }
    throw new AlzbenchError(
      `Run reference ${JSON.stringify(ref)} is ambiguous: it matches ${matches.map((m) => m.id + (m.name ? ` (${m.name})` : '')).join(', ')}`,
      {
        hint: 'give more of the id',
        exitCode: 2,
      },
    );
  }

  async listRuns(filter: RunFilter = {}): Promise<StoredRun[]> {
    let query = this.db.selectFrom('runs').select(RUN_COLUMNS);
    if (filter.sweepId !== undefined) query = query.where('sweep_id', '=', filter.sweepId);
    if (filter.status && filter.status.length > 0) query = query.where('status', 'in', [...filter.status]);
    if (filter.ids) {
      if (filter.ids.length === 0) return [];
      query = query.where('id', 'in', [...filter.ids]);
    }
    if (filter.tag !== undefined) query = query.where('id', 'in', this.db.selectFrom('tags').select('run_id').where('tag', '=', filter.tag));
    query = filter.sweepId !== undefined ? query.orderBy('point_index').orderBy('id') : query.orderBy('created_at', 'desc').orderBy('id', 'desc');
    return this.withTags(await query.execute(), true);
  }

  async updateRun(id: string, patch: RunPatch, expect?: { status?: readonly RunStatus[]; owner?: string | null }): Promise<boolean> {
    let query = this.db
      .updateTable('runs')
      .set({ ...patchColumns(patch), updated_at: new Date().toISOString() })
      .where('id', '=', id);
    if (expect?.status) query = query.where('status', 'in', [...expect.status]);
    if (expect?.owner !== undefined) query = expect.owner === null ? query.where('owner', 'is', null) : query.where('owner', '=', expect.owner);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async putEpochs(id: string, epochs: readonly StoredEpoch[]): Promise<void> {
    if (epochs.length === 0) return;
    await this.tx(async (trx) => {
      for (const part of chunks(epochs)) {
        await trx
          .insertInto('epochs')
          .values(part.map((e) => epochRow(id, e)))
          .onConflict((oc) =>
            oc.columns(['run_id', 'epoch']).doUpdateSet((eb) => ({
              lr: eb.ref('excluded.lr'),
              train_loss: eb.ref('excluded.train_loss'),
              train_accuracy: eb.ref('excluded.train_accuracy'),
              val_loss: eb.ref('excluded.val_loss'),
              val_accuracy: eb.ref('excluded.val_accuracy'),
              val_balanced_accuracy: eb.ref('excluded.val_balanced_accuracy'),
              val_sensitivity: eb.ref('excluded.val_sensitivity'),
              val_specificity: eb.ref('excluded.val_specificity'),
              val_auc: eb.ref('excluded.val_auc'),
              collapsed: eb.ref('excluded.collapsed'),
              best: eb.ref('excluded.best'),
              seconds: eb.ref('excluded.seconds'),
              record: eb.ref('excluded.record'),
            })),
          )
          .execute();
      }
      const top = Math.max(...epochs.map((e) => e.epoch));
      await trx
        .updateTable('runs')
        .set({ epochs_done: top, updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .where('epochs_done', '<', top)
        .execute();
    });
  }

  async getEpochs(id: string): Promise<StoredEpoch[]> {
    const rows = await this.db.selectFrom('epochs').selectAll().where('run_id', '=', id).orderBy('epoch').execute();
    return rows.map((r) => ({
      epoch: Number(r.epoch),
      lr: num(r.lr),
      trainLoss: num(r.train_loss),
      trainAccuracy: num(r.train_accuracy),
      valLoss: num(r.val_loss),
      valAccuracy: num(r.val_accuracy),
      valBalancedAccuracy: num(r.val_balanced_accuracy),
      valSensitivity: num(r.val_sensitivity),
      valSpecificity: num(r.val_specificity),
      valAuc: num(r.val_auc),
      collapsed: Number(r.collapsed) === 1,
      best: Number(r.best) === 1,
      seconds: num(r.seconds),
      record: storedColumn('epoch record', r.record, `run ${id}`),
    }));
  }

  async getPredictions(id: string): Promise<StoredPrediction[]> {
    const rows = await this.db.selectFrom('predictions').selectAll().where('run_id', '=', id).orderBy('idx').execute();
    return rows.map((r) => ({
      index: Number(r.idx),
      file: r.file,
      subject: r.subject,
      label: Number(r.label),
      predicted: Number(r.predicted),
      probabilities: storedColumn('probabilities', r.probabilities, `run ${id}`),
    }));
  }

  async getArtifacts(id: string): Promise<StoredArtifact[]> {
    const rows = await this.db.selectFrom('artifacts').select(['path', 'kind', 'bytes']).where('run_id', '=', id).orderBy('path').execute();
    return rows.map((r) => ({ path: r.path, kind: r.kind, bytes: Number(r.bytes) }));
  }

  async getSplitManifest(id: string): Promise<string | null> {
    const row = await this.db.selectFrom('runs').select('split_manifest').where('id', '=', id).executeTakeFirst();
    return row?.split_manifest ?? null;
  }

  async getFolderStamp(id: string): Promise<string | null> {
    const row = await this.db.selectFrom('runs').select('folder_stamp').where('id', '=', id).executeTakeFirst();
    return row?.folder_stamp ?? null;
  }

  async addTags(id: string, tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    await this.db
      .insertInto('tags')
      .values([...new Set(tags)].map((tag) => ({ run_id: id, tag })))
      .onConflict((oc) => oc.columns(['run_id', 'tag']).doNothing())
      .execute();
  }

  async removeTags(id: string, tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    await this.db
      .deleteFrom('tags')
      .where('run_id', '=', id)
      .where('tag', 'in', [...tags])
      .execute();
  }

  async deleteRun(id: string): Promise<boolean> {
    return this.tx(async (trx) => {
      // Children first: SQLite enforces the cascade only with foreign_keys on; be explicit.
      for (const table of ['epochs', 'predictions', 'artifacts', 'tags'] as const) await trx.deleteFrom(table).where('run_id', '=', id).execute();
      const result = await trx.deleteFrom('runs').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async putSweep(sweep: StoredSweep): Promise<StoredSweep> {
    await this.db
      .insertInto('sweeps')
      .values({ id: sweep.id, name: sweep.name, scale: sweep.scale, file: sweep.file, spec: json(sweep.spec), created_at: sweep.createdAt })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return (await this.getSweep(sweep.id))!;
  }

  async getSweep(idOrName: string): Promise<StoredSweep | undefined> {
    const row =
      (await this.db.selectFrom('sweeps').selectAll().where('id', '=', idOrName).executeTakeFirst()) ??
      (await this.db.selectFrom('sweeps').selectAll().where('name', '=', idOrName).orderBy('created_at', 'desc').executeTakeFirst());
    return row
      ? {
          id: row.id,
          name: row.name,
          scale: row.scale,
          file: row.file,
          spec: storedColumn('sweep spec', row.spec, `sweep ${row.id}`),
          createdAt: row.created_at,
        }
      : undefined;
  }

  async listSweeps(): Promise<StoredSweep[]> {
    const rows = await this.db.selectFrom('sweeps').selectAll().orderBy('created_at', 'desc').execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      scale: row.scale,
      file: row.file,
      spec: storedColumn('sweep spec', row.spec, `sweep ${row.id}`),
      createdAt: row.created_at,
    }));
  }

  async claimNextRun(sweepId: string, owner: string): Promise<StoredRun | undefined> {
    // One UPDATE ... WHERE status = 'queued': atomic in SQLite; in PostgreSQL a worker that loses
    // the race re-checks the row after the winner commits, finds it running and updates nothing,
    // so it tries the next queued run.
    for (let attempt = 0; attempt < 50; attempt++) {
      const next = await this.db
        .selectFrom('runs')
        .select('id')
        .where('sweep_id', '=', sweepId)
        .where('status', '=', 'queued')
        .orderBy('point_index')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!next) return undefined;
      const now = new Date().toISOString();
      const claimed = await this.db
        .updateTable('runs')
        .set((eb) => ({ status: 'running', owner, heartbeat_at: now, updated_at: now, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', next.id)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) > 0) return this.getRun(next.id);
    }
    throw new Error(`could not claim a run of sweep ${sweepId} after 50 tries (heavy contention)`);
  }

  async claimRun(id: string, owner: string, patch: RunPatch = {}): Promise<StoredRun | undefined> {
    const now = new Date().toISOString();
    const claimed = await this.db
      .updateTable('runs')
      .set((eb) => ({ ...patchColumns(patch), status: 'running', owner, heartbeat_at: now, updated_at: now, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) > 0 ? this.getRun(id) : undefined;
  }

  async putWorker(w: StoredWorker): Promise<void> {
    const row = {
      id: w.id,
      name: w.name,
      host: w.host,
      pid: w.pid,
      device: w.device,
      concurrency: w.concurrency,
      state: w.state,
      drain: w.drain ? 1 : 0,
      runs_done: w.runsDone,
      started_at: w.startedAt,
      heartbeat_at: w.heartbeatAt,
    };
    await this.db
      .insertInto('workers')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async updateWorker(id: string, patch: { state?: StoredWorker['state']; heartbeatAt?: string; runsDone?: number }): Promise<StoredWorker | undefined> {
    const set: Partial<WorkersTable> = {};
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.heartbeatAt !== undefined) set.heartbeat_at = patch.heartbeatAt;
    if (patch.runsDone !== undefined) set.runs_done = patch.runsDone;
    if (Object.keys(set).length > 0) await this.db.updateTable('workers').set(set).where('id', '=', id).execute();
    const row = await this.db.selectFrom('workers').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toWorker(row) : undefined;
  }

  async listWorkers(): Promise<StoredWorker[]> {
    const rows = await this.db.selectFrom('workers').selectAll().orderBy('started_at').orderBy('id').execute();
    return rows.map(toWorker);
  }

  async drainWorkers(refs: readonly string[] | 'all'): Promise<string[]> {
    let query = this.db.updateTable('workers').set({ drain: 1 }).where('state', '!=', 'stopped');
    if (refs !== 'all') {
      if (refs.length === 0) return [];
      query = query.where((eb) => eb.or([eb('id', 'in', [...refs]), eb('name', 'in', [...refs])]));
    }
    const rows = await query.returning('id').execute();
    return rows.map((r) => r.id).sort();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
