// The malloc settings alzbench runs libtorch under. Measured on this project's 2-core machine
// (BENCHMARKS.md): under Node, glibc's default per-thread arenas made a training loop's memory
// grow ~28 MB per step without bound and an EfficientNet-style step run ~7x slower (fresh pages
// every step); jemalloc kept memory flat and was fastest; one glibc arena is the fallback.
// These variables only take effect at process start, so launchers (bin/alzbench.js, the sweep's
// training processes, scripts/run-tests.mjs, bench/) re-run node with them.
import { existsSync } from 'node:fs';

export const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';

/**
 * `env` plus the allocator settings, or null when they are already in place. ALZBENCH_ALLOCATOR
 * picks: `jemalloc` (default when Debian's libjemalloc2 is installed), `arena` (glibc, one arena)
 * or `system` (leave malloc alone).
 */
export function allocatorEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv | null {
  if (env.ALZBENCH_ALLOCATOR_SET === '1') return null;
  const choice = env.ALZBENCH_ALLOCATOR ?? (existsSync(JEMALLOC) ? 'jemalloc' : 'arena');
  const out: NodeJS.ProcessEnv = { ...env, ALZBENCH_ALLOCATOR_SET: '1' };
  if (choice === 'jemalloc' && existsSync(JEMALLOC)) {
    out.LD_PRELOAD = [JEMALLOC, env.LD_PRELOAD].filter(Boolean).join(':');
    // Keep freed pages mapped: releasing and re-faulting them every step is what costs time.
    out.MALLOC_CONF = env.MALLOC_CONF ?? 'dirty_decay_ms:-1,muzzy_decay_ms:-1';
  } else if (choice !== 'system') {
    out.MALLOC_ARENA_MAX = env.MALLOC_ARENA_MAX ?? '1';
  }
  return out;
}
