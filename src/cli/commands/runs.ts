import { exportRun, importRun } from '../../store/archive.js';
import { deleteRunWithArtifacts } from '../../store/sync.js';
import { RUN_STATUSES, type RunStatus, type StoredRun } from '../../store/types.js';
import { renderCardHtml } from '../../report/card-html.js';
import { AlzbenchError, invalid } from '../../util/errors.js';
import { type Command, parseFlags } from '../command.js';
import { openSyncedStore, STORE_FLAGS } from './store-options.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';

const listFlags = {
  sweep: { type: 'string', value: 'S', help: 'only the runs of a sweep' },
  status: { type: 'string', value: 'S', help: `only runs with this status (${RUN_STATUSES.join(', ')})` },
  tag: { type: 'string', value: 'T', help: 'only runs with this tag' },
  json: { type: 'boolean', default: false, help: 'print one JSON document (the runs) on stdout' },
  ...STORE_FLAGS,
} satisfies FlagTable;

const listUsage = usageText({
  synopsis: `usage: alzbench runs [--sweep S] [--status S] [--tag T] [--json]
       alzbench runs tag <run> <tag>...
       alzbench runs name <run> <name>
       alzbench runs delete <run>...
       alzbench runs export <run>
       alzbench runs import <archive>
(the last five: alzbench runs <tag|name|...> -h for their flags)`,
  about: 'Lists the stored runs, newest first (run folders under --runs-dir are read in first).',
  flags: listFlags,
});

/** A `runs` sub-command's flags: its own and the store's. */
const withStore = <T extends FlagTable>(own: T) => ({ ...own, ...STORE_FLAGS });
const tagFlags = withStore({ remove: { type: 'boolean', default: false, help: 'remove the tags instead of adding them' } } satisfies FlagTable);
const nameFlags = withStore({});
const deleteFlags = withStore({
  'keep-files': { type: 'boolean', default: false, help: 'delete only the stored rows, keep the run folders' },
} satisfies FlagTable);
const exportFlags = withStore({
  out: { type: 'string', value: 'FILE', help: 'archive path (default <id>.alzrun.tar.gz)' },
  'no-checkpoints': { type: 'boolean', default: false, help: 'leave the checkpoints out' },
  json: { type: 'boolean', default: false, help: 'print {"path", "id", "files"} on stdout' },
} satisfies FlagTable);
const importFlags = withStore({
  replace: { type: 'boolean', default: false, help: 'overwrite a run with the same id' },
  json: { type: 'boolean', default: false, help: 'print {"id", "dir", "status"} on stdout' },
} satisfies FlagTable);

const f3 = (v: number | null) => (v === null ? '  -  ' : v.toFixed(3));

/** `alzbench runs`: list. */
export const runsCommand: Command = {
  name: 'runs',
  summary: 'list stored runs (runs tag|name|delete|export|import manage them)',
  usage: listUsage,
  flags: listFlags,
  async run(argv) {
    const { values } = parseFlags('runs', argv, listFlags);
    if (values.status !== undefined && !RUN_STATUSES.includes(values.status as RunStatus)) throw invalid(RUN_STATUSES.join(', '), '--status', values.status);
    const store = await openSyncedStore(values);
    try {
      let sweepId: string | undefined;
      if (values.sweep !== undefined) {
        const sweep = await store.getSweep(values.sweep);
        if (!sweep) throw new AlzbenchError(`No sweep ${JSON.stringify(values.sweep)} in ${store.location}`, { exitCode: 2 });
        sweepId = sweep.id;
      }
      const runs = await store.listRuns({
        ...(sweepId ? { sweepId } : {}),
        ...(values.status ? { status: [values.status as RunStatus] } : {}),
        ...(values.tag ? { tag: values.tag } : {}),
      });
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ store: store.location, runs })}\n`);
        return;
      }
      if (runs.length === 0) {
        console.log(`no runs in ${store.location}`);
        return;
      }
      console.log(`${'id'.padEnd(36)}  ${'status'.padEnd(9)}  ${'model'.padEnd(16)}  epochs  test acc  bal.acc  sens   created              name / tags`);
      for (const r of runs) {
        console.log(
          `${r.id.padEnd(36)}  ${r.status.padEnd(9)}  ${(r.model ?? '-').padEnd(16)}  ${String(r.epochsDone).padStart(6)}  ${f3(r.testAccuracy).padStart(8)}  ${f3(r.testBalancedAccuracy).padStart(7)}  ${f3(r.testSensitivity)}  ${r.createdAt.slice(0, 19)}  ${[r.name, ...r.tags.map((t) => `#${t}`)].filter(Boolean).join(' ')}`,
        );
      }
      console.log(`${runs.length} run(s) in ${store.location}`);
    } finally {
      await store.close();
    }
  },
};

function positional(command: string, argv: string[], flags: FlagTable, min: number, what: string) {
  const parsed = parseFlags(command, argv, flags, true);
  if (parsed.positionals.length < min)
    throw new AlzbenchError(`Expected ${what} but received ${parsed.positionals.length} argument(s)`, { hint: `alzbench ${command} --help`, exitCode: 2 });
  return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

/** `alzbench runs tag`. */
export const runsTagCommand: Command = {
  name: 'runs tag',
  summary: 'add (or --remove) tags of a run',
  usage: usageText({ synopsis: 'usage: alzbench runs tag <run> <tag>... [--remove]', flags: tagFlags }),
  flags: tagFlags,
  async run(argv) {
    const { values, positionals } = positional('runs tag', argv, tagFlags, 2, 'a run and at least one tag');
    const store = await openSyncedStore(values);
    try {
      const run = await store.resolveRun(positionals[0]!);
      const tags = positionals.slice(1);
      if (values.remove) await store.removeTags(run.id, tags);
      else await store.addTags(run.id, tags);
      console.log(`run ${run.id}: tags ${(await store.getRun(run.id))!.tags.join(', ') || '(none)'}`);
    } finally {
      await store.close();
    }
  },
};

/** `alzbench runs name`. */
export const runsNameCommand: Command = {
  name: 'runs name',
  summary: 'name a run',
  usage: usageText({ synopsis: 'usage: alzbench runs name <run> <name>', flags: nameFlags }),
  flags: nameFlags,
  async run(argv) {
    const { values, positionals } = positional('runs name', argv, nameFlags, 2, 'a run and a name');
    const store = await openSyncedStore(values);
    try {
      const run = await store.resolveRun(positionals[0]!);
      await store.updateRun(run.id, { name: positionals.slice(1).join(' ') });
      console.log(`run ${run.id}: named ${JSON.stringify(positionals.slice(1).join(' '))}`);
    } finally {
      await store.close();
    }
  },
};

/** `alzbench runs delete`. */
export const runsDeleteCommand: Command = {
  name: 'runs delete',
  summary: 'delete runs and their folders (checkpoints, plots, ...)',
  usage: usageText({ synopsis: 'usage: alzbench runs delete <run>... [--keep-files]', flags: deleteFlags }),
  flags: deleteFlags,
  async run(argv) {
    const { values, positionals } = positional('runs delete', argv, deleteFlags, 1, 'at least one run');
    // Without --keep-files the folder goes too; sync must not read it back in first, or after.
    const store = await openSyncedStore(values, { sync: false });
    try {
      const runs: StoredRun[] = [];
      for (const ref of positionals) runs.push(await store.resolveRun(ref));
      for (const run of runs) {
        if (run.status === 'running') throw new AlzbenchError(`Run ${run.id} is running; stop it first`, { exitCode: 2 });
        const { removedFolder } = await deleteRunWithArtifacts(store, run, { keepFiles: values['keep-files'] === true });
        console.log(`deleted run ${run.id}${removedFolder ? ` and ${removedFolder}` : ''}`);
      }
    } finally {
      await store.close();
    }
  },
};

/** `alzbench runs export`. */
export const runsExportCommand: Command = {
  name: 'runs export',
  summary: 'write a run card archive (card.json + card.html + the run folder, one .tar.gz)',
  usage: usageText({ synopsis: 'usage: alzbench runs export <run> [--out FILE] [--no-checkpoints] [--json]', flags: exportFlags }),
  flags: exportFlags,
  async run(argv) {
    const { values, positionals } = positional('runs export', argv, exportFlags, 1, 'a run');
    const store = await openSyncedStore(values);
    try {
      const { path, card } = await exportRun(store, positionals[0]!, {
        ...(values.out ? { out: values.out as string } : {}),
        withoutCheckpoints: values['no-checkpoints'] === true,
        renderHtml: renderCardHtml,
      });
      if (values.json) process.stdout.write(`${JSON.stringify({ path, id: card.run.id, files: card.files.length })}\n`);
      else console.log(`wrote ${path} (run ${card.run.id}, ${card.files.length} files; open ${card.run.id}/card.html after tar xzf)`);
    } finally {
      await store.close();
    }
  },
};

/** `alzbench runs import`. */
export const runsImportCommand: Command = {
  name: 'runs import',
  summary: 'restore a run card archive into the store and --runs-dir',
  usage: usageText({ synopsis: 'usage: alzbench runs import <archive> [--replace] [--json]', flags: importFlags }),
  flags: importFlags,
  async run(argv) {
    const { values, positionals } = positional('runs import', argv, importFlags, 1, 'an archive');
    const store = await openSyncedStore(values, { sync: false });
    try {
      const run = await importRun(store, positionals[0]!, { runsDir: (values['runs-dir'] as string | undefined) ?? 'runs', replace: values.replace === true });
      if (values.json) process.stdout.write(`${JSON.stringify({ id: run.id, dir: run.dir, status: run.status })}\n`);
      else console.log(`imported run ${run.id} (${run.status}) into ${store.location}${run.dir ? `, folder ${run.dir}` : ''}`);
    } finally {
      await store.close();
    }
  },
};
