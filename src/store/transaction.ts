/**
 * Transactions that behave the same under concurrent processes on both backends.
 *
 * SQLite: a plain (deferred) transaction that reads and then writes can fail at once with
 * SQLITE_BUSY when another process wrote in between (the busy timeout does not apply to a lock
 * upgrade), so every transaction here starts with `BEGIN IMMEDIATE`: it takes the write lock up
 * front, waiting up to the busy timeout. Kysely's SQLite driver has one connection behind a
 * mutex, so holding it for the callback also keeps this process's other queries out.
 * PostgreSQL: Kysely's transaction on a pooled connection (read committed).
 */
import { sql, type Kysely, type Transaction } from 'kysely';

/** Runs `fn` in one transaction: all of its writes or none. */
export async function inTransaction<DB, T>(db: Kysely<DB>, kind: 'sqlite' | 'postgres', fn: (trx: Kysely<DB> | Transaction<DB>) => Promise<T>): Promise<T> {
  if (kind === 'postgres') return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
