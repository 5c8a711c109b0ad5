/**
 * Schema migrations, run when a store is opened. Each has a version; the applied ones are listed
 * in `alzbench_migrations`. Opening is safe from several processes at once: the check-and-apply
 * runs under a lock (SQLite `BEGIN IMMEDIATE`, PostgreSQL an advisory transaction lock), so one
 * process migrates and the others find it done.
 */
import { sql, type Kysely } from 'kysely';
import type { StoreDatabase } from './schema.js';
import { inTransaction } from './transaction.js';

interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Kysely<StoreDatabase>): Promise<void>;
}

// Type names both backends accept with the same meaning: SQLite maps "double precision" to REAL
// affinity and "integer" to INTEGER; PostgreSQL reads them as float8 and int4.
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, epochs, predictions, artifacts, tags, sweeps',
    async up(db) {
      await db.schema
        .createTable('sweeps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('scale', 'text', (c) => c.notNull())
        .addColumn('file', 'text')
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      let runs = db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('sweep_id', 'text', (c) => c.references('sweeps.id').onDelete('set null'))
        .addColumn('point', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('point_index', 'integer')
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('flags', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('model', 'text')
        .addColumn('task', 'text')
        .addColumn('classes', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('dataset_fingerprint', 'text')
        .addColumn('dataset', 'text')
        .addColumn('split', 'text')
        .addColumn('split_manifest', 'text')
        .addColumn('leakage', 'text')
        .addColumn('code_version', 'text')
        .addColumn('machine', 'text')
        .addColumn('device', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('epochs_done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('best_epoch', 'integer')
        .addColumn('test', 'text');
      for (const metric of ['accuracy', 'balanced_accuracy', 'sensitivity', 'specificity', 'auc', 'loss']) {
        runs = runs.addColumn(`test_${metric}`, 'double precision');
      }
      await runs
        .addColumn('dir', 'text')
        .addColumn('owner', 'text')
        .addColumn('pid', 'integer')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('heartbeat_at', 'text')
        .addColumn('folder_stamp', 'text')
        .execute();
      // One run per grid point of a sweep: a restarted sweep can never add a point twice.
      await db.schema.createIndex('runs_sweep_point').unique().on('runs').columns(['sweep_id', 'point']).execute();
      await db.schema.createIndex('runs_status').on('runs').columns(['status']).execute();
      await db.schema.createIndex('runs_created').on('runs').columns(['created_at']).execute();
      let epochs = db.schema
        .createTable('epochs')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('epoch', 'integer', (c) => c.notNull());
      for (const column of [
        'lr',
        'train_loss',
        'train_accuracy',
        'val_loss',
        'val_accuracy',
        'val_balanced_accuracy',
        'val_sensitivity',
        'val_specificity',
        'val_auc',
      ]) {
        epochs = epochs.addColumn(column, 'double precision');
      }
      await epochs
        .addColumn('collapsed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('best', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('seconds', 'double precision')
        .addColumn('record', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('epochs_pk', ['run_id', 'epoch'])
        .execute();
      await db.schema
        .createTable('predictions')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('label', 'integer', (c) => c.notNull())
        .addColumn('predicted', 'integer', (c) => c.notNull())
        .addColumn('probabilities', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('predictions_pk', ['run_id', 'idx'])
        .execute();
      await db.schema
        .createTable('artifacts')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('bytes', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('artifacts_pk', ['run_id', 'path'])
        .execute();
      await db.schema
        .createTable('tags')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('tags_pk', ['run_id', 'tag'])
        .execute();
    },
  },
  {
    version: 2,
    name: 'queue workers: runs.worker, runs.job_id, workers',
    async up(db) {
      // The worker that trained a run (kept after it ends, unlike owner) and its queue job.
      await db.schema.alterTable('runs').addColumn('worker', 'text').execute();
      await db.schema.alterTable('runs').addColumn('job_id', 'text').execute();
      await db.schema
        .createTable('workers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('concurrency', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('drain', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('runs_done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

// An arbitrary constant naming the migration lock among PostgreSQL advisory locks.
const PG_LOCK_KEY = 461_727_306;

/**
 * Applies the migrations the database lacks, in order, in one locked transaction. Returns the
 * versions applied now (empty when it was current).
 */
export async function migrate(db: Kysely<StoreDatabase>, kind: 'sqlite' | 'postgres'): Promise<number[]> {
  return inTransaction(db, kind, async (trx) => {
    if (kind === 'postgres') await sql`select pg_advisory_xact_lock(${PG_LOCK_KEY})`.execute(trx);
    await trx.schema
      .createTable('alzbench_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const done = new Set((await trx.selectFrom('alzbench_migrations').select('version').execute()).map((r) => Number(r.version)));
    const newest = Math.max(0, ...done);
    if (newest > SCHEMA_VERSION) {
      throw new Error(`the store has schema version ${newest}, newer than this alzbench's ${SCHEMA_VERSION}; upgrade alzbench`);
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await migration.up(trx as Kysely<StoreDatabase>);
      await trx.insertInto('alzbench_migrations').values({ version: migration.version, name: migration.name, applied_at: new Date().toISOString() }).execute();
      applied.push(migration.version);
    }
    return applied;
  });
}
