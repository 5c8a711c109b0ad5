/**
 * A throw-away PostgreSQL server for tests: `initdb` in a temporary folder, started on 127.0.0.1
 * on a free port, stopped and deleted afterwards (also when the test process exits early).
 * Uses Debian's binaries (/usr/lib/postgresql/<version>/bin, or ALZBENCH_PG_BIN). PostgreSQL
 * refuses to run as root, so as root the server runs as the `postgres` user (`runuser`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A running test server. */
export interface TestPostgres {
  /** Connection URL of the `postgres` database (user `alzbench`, no password: trust auth on 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

/** The folder of Debian's PostgreSQL binaries (newest version), or null when none is installed. */
export function findPostgresBin(): string | null {
  const given = process.env.ALZBENCH_PG_BIN;
  if (given) return existsSync(join(given, 'initdb')) ? given : null;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return existsSync(join(dir, 'initdb')) ? dir : null;
  } catch {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts a server, or returns null (with the reason) when PostgreSQL is not installed.
 *
 * @example
 * const server = await startTestPostgres();
 * const store = await openStore(await server.createDatabase('t1'));
 * server.stop();
 */
export async function startTestPostgres(): Promise<TestPostgres | { skip: string }> {
  const bin = findPostgresBin();
  if (!bin) return { skip: 'PostgreSQL is not installed (Debian package postgresql; scripts/install-system-deps.sh installs it)' };
  const asRoot = process.getuid?.() === 0;
  // As root the server must run as another user; Debian's package creates `postgres`.
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const run = (cmd: string, args: string[]) => {
    const [c, a] = wrap(join(bin, cmd), args);
    const result = spawnSync(c, a, { encoding: 'utf8', timeout: 60_000 });
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
  };
  const base = mkdtempSync(join(tmpdir(), 'alzbench-pg-'));
  const dataDir = join(base, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    execFileSync('chown', [`${uid}:${gid}`, base]);
    chmodSync(base, 0o700);
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (existsSync(join(dataDir, 'postmaster.pid'))) run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    rmSync(base, { recursive: true, force: true });
  };
  process.once('exit', stop);
  const init = run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'alzbench', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (!init.ok) {
    stop();
    throw new Error(`initdb failed:\n${init.output}`);
  }
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    // Durability settings off: a test server's data is thrown away.
    const options = `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
    const started = run('pg_ctl', ['-D', dataDir, '-l', join(base, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    if (started.ok) {
      const url = `postgres://alzbench@127.0.0.1:${port}/postgres`;
      return {
        url,
        port,
        async createDatabase(name: string) {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
          } finally {
            await client.end();
          }
          return `postgres://alzbench@127.0.0.1:${port}/${encodeURIComponent(name)}`;
        },
        stop,
      };
    }
    // Another process may have taken the port between the probe and the start: try another.
    lastError = `${started.output}\n${existsSync(join(base, 'server.log')) ? readFileSync(join(base, 'server.log'), 'utf8') : ''}`;
  }
  stop();
  throw new Error(`PostgreSQL did not start:\n${lastError}`);
}
