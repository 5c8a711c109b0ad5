#!/usr/bin/env node
// `npm install` / `npm ci` hook: builds native/ against libtorch with node-gyp. Stops with one
// message saying what to install when libtorch is missing, instead of pages of compiler errors.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const nativeDir = fileURLToPath(new URL('../native/', import.meta.url));
const root = process.env.LIBTORCH;

const headers = root ? join(root, 'include/ATen/ATen.h') : '/usr/include/ATen/ATen.h';
const library = root ? join(root, 'lib/libtorch.so') : '/usr/lib/x86_64-linux-gnu/libtorch.so';
if (!existsSync(headers) || !existsSync(library)) {
  const where = root ? `LIBTORCH=${root} (looked for ${headers} and ${library})` : `${headers} and ${library}`;
  console.error(
    `\nalzbench: libtorch not found: ${where}.\n` +
      (root
        ? "Point LIBTORCH at an unpacked libtorch (the folder holding include/ and lib/), or unset it to use Debian's.\n"
        : 'Install it with: sudo apt-get install libtorch-dev   (Debian 12+), or set LIBTORCH=/path/to/libtorch.\n'),
  );
  process.exit(1);
}

// npm passes its bundled node-gyp in npm_config_node_gyp; outside npm, find the one beside npm.
let gyp = process.env.npm_config_node_gyp;
if (!gyp || !existsSync(gyp)) {
  const npmDir = join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  gyp = existsSync(npmDir) ? npmDir : undefined;
}
const args = ['rebuild', '--jobs=max'];
// Build against the headers of the running node (they ship with it) so nothing is downloaded.
const nodePrefix = join(dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir || (existsSync(join(nodePrefix, 'include/node/node_api.h')) ? nodePrefix : undefined);
if (nodedir) args.push(`--nodedir=${nodedir}`);
const result = gyp
  ? spawnSync(process.execPath, [gyp, ...args], { cwd: nativeDir, stdio: 'inherit' })
  : spawnSync('node-gyp', args, { cwd: nativeDir, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('\nalzbench: building the native addon failed (see the compiler output above).');
  process.exit(result.status ?? 1);
}
