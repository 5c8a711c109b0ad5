import { readFileSync } from 'node:fs';
import { processAlive } from '../run-folder/run-folder.js';

/**
 * Whether a process is running: it exists and (on Linux) is not a zombie. A killed process stays
 * a zombie until its parent reaps it (or, orphaned, until init does, which in containers can take
 * a while or never happen); signal 0 still reaches it, so the probe alone would call it alive.
 */
export function processRunning(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesized command name (which may itself hold spaces or parentheses).
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (not Linux): trust the probe
  }
}
