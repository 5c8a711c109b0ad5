/**
 * A small mutation fuzzer for readers and parsers: each target is a name, valid seed inputs and a
 * reader; the harness feeds the reader seeded mutations of the seeds (bit flips, interesting
 * bytes, big integers, truncation, insertion, duplication) and reports every input that made it
 * crash (an error that is not a named alzbench error: a TypeError, RangeError, a bare Error with
 * a stack trace) or take longer than the time budget (a hang). The same seed gives the same
 * inputs, so a finding can be replayed.
 *
 * Add a reader: push `{ name, seeds, read }` onto the list given to {@link fuzz} (see targets.ts).
 */
import { seededRandom } from '../data/seeded-shuffle.js';
import { AlzbenchError } from '../util/errors.js';

/** One reader under test. */
export interface FuzzTarget {
  /** Shown in findings, e.g. `image (PNG via sharp)`. */
  readonly name: string;
  /** Valid inputs the mutations start from. */
  readonly seeds: readonly Uint8Array[];
  /** Reads one input; returns anything, or throws a named error for bad input. */
  read(input: Uint8Array): unknown;
  /** Error classes besides AlzbenchError that count as named errors for this reader. */
  readonly namedErrors?: readonly (new (
    ...args: never[]
  ) => Error)[];
  /** This reader's own time budget (ms), e.g. for one that stops a runaway decoder itself. */
  readonly slowMs?: number;
}

/** An input a reader did not handle with a named error in time. */
export interface FuzzFinding {
  readonly target: string;
  readonly iteration: number;
  readonly kind: 'crash' | 'slow';
  readonly detail: string;
  /** The input, for a replay (base64). */
  readonly input: string;
}

/** Options of {@link fuzz}. */
export interface FuzzOptions {
  /** Mutated inputs per target (default 100). */
  readonly iterations?: number;
  /** Seed of the mutations (default 1). */
  readonly seed?: number;
  /** An input taking longer than this (ms) is a finding (default 2000). */
  readonly slowMs?: number;
}

const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];

/** One seeded mutation of `input` (1-4 stacked edits). */
export function mutate(input: Uint8Array, random: () => number): Uint8Array {
  let out = Uint8Array.from(input);
  const edits = 1 + Math.floor(random() * 4);
  const at = () => Math.floor(random() * Math.max(1, out.length));
  for (let e = 0; e < edits; e++) {
    const op = Math.floor(random() * 7);
    if (out.length === 0 && op !== 5) continue;
    switch (op) {
      case 0: {
        const i = at();
        out[i] = out[i]! ^ (1 << Math.floor(random() * 8));
        break;
      }
      case 1:
        out[at()] = INTERESTING[Math.floor(random() * INTERESTING.length)]!;
        break;
      case 2: {
        // A 32-bit field set to a huge or negative value (lengths, dimensions, offsets).
        const i = at();
        const value = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 0][Math.floor(random() * 5)]!;
        for (let k = 0; k < 4 && i + k < out.length; k++) out[i + k] = (value >>> (8 * k)) & 0xff;
        break;
      }
      case 3:
        out = out.slice(0, at());
        break;
      case 4: {
        const i = at();
        const n = Math.floor(random() * out.length);
        out = Uint8Array.from([...out.slice(0, i), ...out.slice(i + n)]);
        break;
      }
      case 5: {
        const i = at();
        const junk = Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 256));
        out = Uint8Array.from([...out.slice(0, i), ...junk, ...out.slice(i)]);
        break;
      }
      default: {
        const i = at();
        const n = Math.min(64, Math.floor(random() * (out.length - i)));
        out = Uint8Array.from([...out.slice(0, i + n), ...out.slice(i, i + n), ...out.slice(i + n)]);
      }
    }
  }
  return out;
}

function isNamed(error: unknown, target: FuzzTarget): boolean {
  if (error instanceof AlzbenchError) return true;
  return (target.namedErrors ?? []).some((cls) => error instanceof cls);
}

/**
 * Runs every target on `iterations` seeded mutations of its seeds (the seeds themselves first,
 * which must read without error). Resolves to the findings; none means every input was read or
 * refused with a named error in time.
 */
export async function fuzz(targets: readonly FuzzTarget[], options: FuzzOptions = {}): Promise<FuzzFinding[]> {
  const iterations = options.iterations ?? 100;
  const slowMs = options.slowMs ?? 2000;
  const findings: FuzzFinding[] = [];
  for (const target of targets) {
    const random = seededRandom(options.seed ?? 1, target.name);
    for (let i = -target.seeds.length; i < iterations; i++) {
      const input = i < 0 ? target.seeds[target.seeds.length + i]! : mutate(target.seeds[Math.floor(random() * target.seeds.length)]!, random);
      const started = performance.now();
      let crash: string | undefined;
      try {
        await target.read(input);
      } catch (error) {
        if (i < 0 || !isNamed(error, target)) crash = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500);
      }
      const ms = performance.now() - started;
      const base = { target: target.name, iteration: i, input: Buffer.from(input).toString('base64') };
      if (crash) findings.push({ ...base, kind: 'crash', detail: i < 0 ? `the valid seed failed: ${crash}` : crash });
      else if (ms > (target.slowMs ?? slowMs)) findings.push({ ...base, kind: 'slow', detail: `took ${ms.toFixed(0)} ms` });
    }
  }
  return findings;
}
