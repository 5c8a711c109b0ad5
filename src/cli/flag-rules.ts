/**
 * Rules of the numeric flags several commands share, so `--workers 0x2` means the same (an
 * error) everywhere. Each command reads its flags with {@link flagValue} and these rules (or its
 * own, built from the same helpers in util/schema.ts).
 */
import { int, MAX_THREADS, number } from '../util/schema.js';

/** Training processes at once (`demo`, `sweep`): at most 4 per core. */
export const WORKERS = int({ min: 1, max: MAX_THREADS, limitHint: 'more training processes than 4 per core only add contention' });
/** Runs at once in one worker. */
/** libtorch threads per run: at most 4 per core. */
export const THREADS = int({ min: 1, max: MAX_THREADS, limitHint: 'more threads than 4 per core only add contention' });
/** Tries per run (`sweep --attempts`). */
export const ATTEMPTS = int({ min: 1, max: 100 });
/** Bootstrap resamples (`eval --bootstrap`), as the `bootstrap` setting. */
export const BOOTSTRAP = int({ min: 0, max: 100_000, limitHint: 'beyond 100000 resamples the CI no longer changes' });
/** A seed (non-negative). */
export const SEED = int({ min: 0 });
/** A positive number of seconds. */
export const SECONDS = number({ above: 0, max: 86_400, expected: 'positive number' });
/** A TCP port; 0 picks a free one. */
export const PORT = int({ min: 0, max: 65535, expected: 'integer port 0..65535' });
