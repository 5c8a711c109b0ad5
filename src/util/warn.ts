/**
 * Warnings about input that was read with losses (skipped lines, ignored files): they go to
 * stderr as `alzbench: warning: ...` so nothing is lost silently. Tests capture them with
 * {@link captureWarnings}.
 */
let sink: (message: string) => void = (message) => process.stderr.write(`alzbench: warning: ${message}\n`);

/** Reports one warning. */
export function warn(message: string): void {
  sink(message);
}

/** Runs `fn` with warnings collected instead of printed; returns its result and the warnings. */
export function captureWarnings<T>(fn: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const previous = sink;
  sink = (message) => warnings.push(message);
  try {
    return { result: fn(), warnings };
  } finally {
    sink = previous;
  }
}
