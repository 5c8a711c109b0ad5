#!/usr/bin/env node
// Launcher of the `alzbench` command. It re-runs itself once under the allocator settings of
// src/util/allocator-env.ts (they must be set before the process starts), then loads the CLI.
import { spawn } from 'node:child_process';
import { allocatorEnv } from '../dist/util/allocator-env.js';

const env = process.platform === 'linux' ? allocatorEnv() : null;
if (env) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  // Pass termination on, so that stopping the launcher stops the run (which checkpoints).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv.slice(2));
}
