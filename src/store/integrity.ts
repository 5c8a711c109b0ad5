/**
 * The run store's self-check when it is opened: a damaged store is a named error before anything
 * reads or writes it, instead of "internal error" on the first query (CLI) or a 500 on every API
 * call (`serve`). SQLite runs `PRAGMA quick_check` (every b-tree page and record is readable and
 * well formed; O(file size), a few ms for a typical store); PostgreSQL, whose storage the server
 * itself guards, gets the cheap equivalent: the migration record is at the schema version and one
 * row of every table can be read.
 */
import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { AlzbenchError } from '../util/errors.js';
import { SCHEMA_VERSION } from './migrations.js';
import type { StoreDatabase } from './schema.js';

/** Every table of the schema (the check reads one row of each). */
const TABLES = ['alzbench_migrations', 'sweeps', 'runs', 'epochs', 'predictions', 'artifacts', 'tags', 'workers'] as const satisfies ReadonlyArray<
  keyof StoreDatabase
>;

/** SQLite result codes that mean the file itself is damaged or not a database. */
const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

/** A run store that failed its self-check; `problems` are what the check reported (at most 10). */
export class StoreDamagedError extends AlzbenchError {
  constructor(
    readonly location: string,
    readonly problems: readonly string[],
    hint: string,
    cause?: unknown,
  ) {
    super(`The run store ${location} is damaged: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`, {
      hint,
      cause,
    });
    this.name = 'StoreDamagedError';
  }
}

/** What to do about a damaged SQLite file. */
export function sqliteDamageHint(path: string): string {
  return `move it aside (mv ${path} ${path}.damaged) and run the command again: a new store is made and the run folders under --runs-dir are read into it; "sqlite3 ${path}.damaged .recover" may save sweep records kept only in the store`;
}

/** Whether a SQLite error says the file is damaged (SQLITE_CORRUPT*, SQLITE_NOTADB). */
export function isSqliteDamage(error: unknown): boolean {
  return DAMAGE_CODES.has((error as { code?: string } | null)?.code ?? '');
}

/**
 * `PRAGMA quick_check` on an open SQLite file.
 *
 * @throws StoreDamagedError naming the first problems SQLite found (e.g. "Tree 4 page 4 cell 0: invalid page number 4294967295")
 */
export function checkSqliteStore(sqlite: Database.Database, path: string): void {
  let rows: Array<{ quick_check: string }>;
  try {
    rows = sqlite.pragma('quick_check(10)') as Array<{ quick_check: string }>;
  } catch (error) {
    if (!isSqliteDamage(error)) throw error;
    throw new StoreDamagedError(path, [(error as Error).message], sqliteDamageHint(path), error);
  }
  const problems = rows.map((r) => r.quick_check).filter((p) => p !== 'ok');
  if (problems.length > 0) throw new StoreDamagedError(path, problems, sqliteDamageHint(path));
}

/**
 * After migrations: the schema is at {@link SCHEMA_VERSION} and every table answers a one-row read.
 *
 * @throws StoreDamagedError naming the table or the version found
 */
export async function checkStoreTables(db: Kysely<StoreDatabase>, location: string, hint: string): Promise<void> {
  const problems: string[] = [];
  for (const table of TABLES) {
    try {
      await sql`select 1 from ${sql.table(table)} limit 1`.execute(db);
    } catch (error) {
      problems.push(`table ${table}: ${(error as Error).message}`);
    }
  }
  if (problems.length === 0) {
    const row = await db
      .selectFrom('alzbench_migrations')
      .select((eb) => eb.fn.max('version').as('version'))
      .executeTakeFirst();
    const version = Number(row?.version ?? 0);
    if (version !== SCHEMA_VERSION) problems.push(`schema version ${version} where ${SCHEMA_VERSION} was expected after migrating`);
  }
  if (problems.length > 0) throw new StoreDamagedError(location, problems, hint);
}
