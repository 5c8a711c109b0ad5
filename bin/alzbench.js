#!/usr/bin/env node
// Launcher of the `alzbench` command. It re-runs itself once under the allocator settings of
// src/util/allocator-env.ts (they must be set before the process starts), then loads the CLI.
import { spawn } from 'node:child_process';
import { allocatorEnv } from '../dist/util/allocator-env.js';

const env = process.platform === 'linux' ? allocatorEnv() : null;
if (env) {
  // The IPC channel is how the child notices the launcher's death, even by SIGKILL (see below).
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...env, ALZBENCH_LAUNCHER_PID: String(process.pid) },
  });
  // Pass termination on, so that stopping the launcher stops the run (which checkpoints).
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  child.channel?.unref();
  child.on('exit', (code, signal) => {
    // Re-raise the child's signal on ourselves with the default action (our handlers removed,
    // or the re-raise would only call them again and the launcher would never end).
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  if (process.env.ALZBENCH_LAUNCHER_PID && process.channel) {
    // Our launcher is gone (killed, even with SIGKILL): stop like on SIGTERM (the run is marked
    // interrupted at the next batch) instead of training on as an orphan.
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    process.channel.unref();
  }
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv.slice(2));
}
