/**
 * Seconds per epoch by device. A run's speed says more about the device it trained on (a 2-core
 * CPU, a GPU, another machine's CPU) than about its settings, so a comparison labels each run's
 * device and sums speed up per device: a CPU run and a GPU run are never ranked on speed alike.
 */
import type { StoredRun } from '../store/types.js';

/** Mean seconds per epoch of the runs on one device. */
export interface DeviceSpeed {
  /** {@link deviceLabel} of the runs. */
  readonly device: string;
  readonly runs: number;
  /** Mean over the runs of their mean seconds per epoch (null when no run has timed epochs). */
  readonly secondsPerEpoch: number | null;
  /** Fastest and slowest run's seconds per epoch. */
  readonly min: number | null;
  readonly max: number | null;
}

/**
 * The device a run trained on, as a label that separates unlike hardware: `cpu (<CPU model>,
 * <threads> threads)` or `cuda (<host>)` / `cuda:1 (<host>)`; `unknown` before it started.
 *
 * @example
 * deviceLabel(run); // 'cpu (Intel(R) Xeon(R) CPU @ 2.00GHz, 2 threads)'
 */
export function deviceLabel(run: Pick<StoredRun, 'device' | 'machine'>): string {
  const device = run.device ?? (typeof run.machine?.device === 'string' ? run.machine.device : null);
  if (!device) return 'unknown';
  const machine = (run.machine ?? {}) as { cpu?: string; threads?: number; hostname?: string; gpu?: string };
  if (device === 'cpu') return `cpu (${machine.cpu ?? '?'}${machine.threads ? `, ${machine.threads} threads` : ''})`;
  return `${device} (${machine.gpu ?? machine.hostname ?? '?'})`;
}

/** Seconds per epoch per device over comparison rows, slowest device first. */
export function speedByDevice(rows: readonly { device: string; secondsPerEpoch: number | null }[]): DeviceSpeed[] {
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const list = groups.get(r.device) ?? groups.set(r.device, []).get(r.device)!;
    if (r.secondsPerEpoch !== null) list.push(r.secondsPerEpoch);
  }
  return [...groups.entries()]
    .map(([device, s]) => ({
      device,
      runs: rows.filter((r) => r.device === device).length,
      secondsPerEpoch: s.length ? s.reduce((a, b) => a + b, 0) / s.length : null,
      min: s.length ? Math.min(...s) : null,
      max: s.length ? Math.max(...s) : null,
    }))
    .sort((a, b) => (b.secondsPerEpoch ?? -1) - (a.secondsPerEpoch ?? -1));
}

/** The note a comparison adds when its runs trained on more than one device. */
export function deviceSpeedNote(speeds: readonly DeviceSpeed[]): string | null {
  if (speeds.length < 2) return null;
  const parts = speeds.map((s) => `${s.device}: ${s.secondsPerEpoch === null ? '-' : s.secondsPerEpoch.toFixed(2)} s/epoch over ${s.runs} run(s)`);
  return `Seconds/epoch differ by device; compare speed only between runs on the same device (${parts.join('; ')}).`;
}
