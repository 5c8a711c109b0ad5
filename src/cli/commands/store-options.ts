/** Flags shared by the commands that use the run store (`--db`, `--runs-dir`), and opening it. */
import { openStore, defaultDbRef } from '../../store/open-store.js';
import { syncRunsDir } from '../../store/sync.js';
import type { RunStore } from '../../store/types.js';
import type { FlagTable } from '../../util/flag-table.js';

/** The store flags (`--db`, `--runs-dir`) of the commands that read the run store. */
export const STORE_FLAGS = {
  db: {
    type: 'string',
    value: 'REF',
    help: 'run store: a SQLite file (default ./alzbench.db, or $ALZBENCH_DB) or postgres://user:pass@host/db',
  },
  'runs-dir': { type: 'string', value: 'DIR', help: 'folder of run folders, read into the store first (default runs)' },
} as const satisfies FlagTable;

/**
 * Opens the store and reads run folders that changed under `--runs-dir` (runs trained with
 * `alzbench train` appear without any extra step). Unreadable folders are reported on stderr.
 */
export async function openSyncedStore(
  values: { db?: string | undefined; 'runs-dir'?: string | undefined },
  options: { sync?: boolean } = {},
): Promise<RunStore> {
  const store = await openStore(defaultDbRef(values.db));
  if (options.sync !== false) {
    try {
      const result = await syncRunsDir(store, values['runs-dir'] ?? 'runs');
      for (const e of result.errors) process.stderr.write(`warning: skipped run folder ${e.dir}: ${e.message}\n`);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}
