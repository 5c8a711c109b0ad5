/**
 * Opens the run store named by `--db`: a SQLite file path (default `./alzbench.db`, or the
 * ALZBENCH_DB environment variable) or a `postgres://` / `postgresql://` URL. The store checks
 * itself (integrity.ts) and migrations run on open.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { AlzbenchError } from '../util/errors.js';
import { checkSqliteStore, checkStoreTables, isSqliteDamage, sqliteDamageHint, StoreDamagedError } from './integrity.js';
import { KyselyRunStore } from './kysely-store.js';
import { migrate } from './migrations.js';
import type { StoreDatabase } from './schema.js';
import type { RunStore } from './types.js';

/** The store used when no `--db` is given. */
export const DEFAULT_DB = 'alzbench.db';

/** `--db`, else ALZBENCH_DB, else `alzbench.db` in the current folder. */
export function defaultDbRef(given?: string): string {
  return given ?? process.env.ALZBENCH_DB ?? DEFAULT_DB;
}

/** Whether a `--db` value names a PostgreSQL server. */
export function isPostgresUrl(ref: string): boolean {
  return /^postgres(ql)?:\/\//i.test(ref);
}

/** A URL with its password replaced by `***`, for messages and listings. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

// PostgreSQL: int8 (count(*), sums) would come back as strings; every id and count here fits a double.
pg.types.setTypeParser(20, (v) => Number(v));

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** SQLite: how long a writer waits for another process's lock, in ms (default 30000). */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL: connections in the pool (default 4). */
  readonly poolSize?: number;
}

/**
 * Opens (and creates or migrates) a run store.
 *
 * @param ref a SQLite file path or a postgres:// URL (default {@link defaultDbRef})
 * @example
 * const store = await openStore('alzbench.db');
 * const runs = await store.listRuns();
 * await store.close();
 */
export async function openStore(ref: string = defaultDbRef(), options: OpenStoreOptions = {}): Promise<RunStore> {
  if (isPostgresUrl(ref)) {
    const pool = new pg.Pool({ connectionString: ref, max: options.poolSize ?? 4 });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrate(db, 'postgres');
    } catch (error) {
      await db.destroy().catch(() => undefined);
      throw new AlzbenchError(`Cannot open the run store at ${redactUrl(ref)}: ${(error as Error).message}`, {
        hint: 'check that the PostgreSQL server runs and the URL (user, password, database) is right',
        cause: error,
      });
    }
    try {
      await checkStoreTables(
        db,
        redactUrl(ref),
        'a table of the store is missing or unreadable: restore the database from a backup, or point --db at a new database (run folders under --runs-dir are read into it)',
      );
    } catch (error) {
      await db.destroy().catch(() => undefined);
      throw error;
    }
    return new KyselyRunStore(db, 'postgres', redactUrl(ref));
  }
  const path = resolve(ref);
  let sqlite: Database.Database | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    sqlite = new Database(path);
    // WAL: readers never block the writer and a crash mid-write leaves the last commit intact.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    sqlite.pragma('foreign_keys = ON');
    // NORMAL is durable across process kills in WAL mode (only a power cut can lose the last commit).
    sqlite.pragma('synchronous = NORMAL');
    // Before migrations write anything: a damaged file is named, not used.
    checkSqliteStore(sqlite, path);
  } catch (error) {
    sqlite?.close();
    if (error instanceof StoreDamagedError) throw error;
    if (isSqliteDamage(error)) throw new StoreDamagedError(path, [(error as Error).message], sqliteDamageHint(path), error);
    throw new AlzbenchError(`Cannot open the run store ${path}: ${(error as Error).message}`, {
      hint: 'give --db a writable file path or a postgres:// URL',
      cause: error,
    });
  }
  const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrate(db, 'sqlite');
    await checkStoreTables(db, path, sqliteDamageHint(path));
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof StoreDamagedError) throw error;
    if (isSqliteDamage(error)) throw new StoreDamagedError(path, [(error as Error).message], sqliteDamageHint(path), error);
    throw new AlzbenchError(`Cannot open the run store ${path}: ${(error as Error).message}`, { cause: error });
  }
  return new KyselyRunStore(db, 'sqlite', path);
}
