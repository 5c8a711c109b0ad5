import { type Command, parseFlags } from '../command.js';
import { openSyncedStore, STORE_FLAGS } from './store-options.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';
import { startServer } from '../../server/server.js';
import { checkBindSafety } from '../../server/auth.js';
import { flagValue } from '../../util/schema.js';
import { PORT } from '../flag-rules.js';

const flags = {
  port: { type: 'string', value: 'N', help: 'port (default 8765; 0 picks a free one)' },
  host: { type: 'string', value: 'ADDR', help: 'address to bind (default 127.0.0.1)' },
  token: {
    type: 'string',
    value: 'SECRET',
    help: 'bearer token for the API (required unless the host is loopback; 8+ characters;\ndefault $ALZBENCH_TOKEN, which keeps it out of the process list)',
  },
  'data-root': {
    type: 'string',
    multiple: true,
    value: 'DIR',
    help: "folder the preprocessing page may read runs' test slices from (repeatable;\ndefault: each run's own data set root); a slice is shown only if its content\nhash is the one the run recorded",
  },
  ...STORE_FLAGS,
} satisfies FlagTable;

const usage = usageText({
  synopsis: 'usage: alzbench serve [--db REF] [--runs-dir DIR] [--port N] [--host ADDR] [--token SECRET] [--data-root DIR...]',
  about: `Serves the dashboard: a web app and its JSON API over the run store, in one process. Pages: runs
table, run page (config, data and split with leakage audit, curves, confusion matrix, ROC, test
metrics with CIs, Grad-CAM gallery), compare (study table, McNemar, overlaid curves, parallel
coordinates), preprocessing (every step of a chain on a slice) and predict (upload a slice).
A running run's page updates as epochs finish.

It listens on 127.0.0.1 unless told otherwise. Any other host needs --token, and then every API
call must send "Authorization: Bearer <token>" (the web app asks for it once, or takes it from
the URL it prints: http://host:port/#token=...). Uploads stay in memory (5 MiB, images only).`,
  flags,
});

/** `alzbench serve`: the web dashboard. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'web dashboard over the run store: runs, run pages, compare, preprocessing, predict',
  usage,
  flags,
  async run(argv) {
    const { values } = parseFlags('serve', argv, flags);
    const port = flagValue(PORT, '--port', values.port, 8765);
    const host = values.host ?? '127.0.0.1';
    // From the environment, the token does not show in `ps` to other users of the machine.
    const token = values.token ?? (process.env.ALZBENCH_TOKEN || undefined);
    // Before opening anything: an unsafe bind is refused at once.
    checkBindSafety(host, token);
    const store = await openSyncedStore(values);
    const server = await startServer({
      store,
      runsDir: values['runs-dir'] ?? 'runs',
      host,
      port,
      ...(token ? { token } : {}),
      ...(values['data-root'] ? { dataRoots: values['data-root'] } : {}),
    });
    process.stderr.write(
      `alzbench serve: dashboard on ${server.url}/ (store: ${store.kind} ${store.location})${token ? '\nopen it with the token in the fragment (never sent to the server): ' + server.url + '/#token=<your token>' : ''}\nCtrl-C stops it\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await store.close();
    return 0;
  },
};
