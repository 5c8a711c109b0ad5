/**
 * One error shape for everything that crosses a boundary (CLI flags, config files, data files,
 * API requests): it names the thing, what was expected and what came, and optionally what to do.
 */
export class AlzbenchError extends Error {
  /** A short hint for the user: what to do about it. */
  readonly hint: string | undefined;
  /** Process exit code the CLI uses for this error (2 = usage error, 1 = everything else). */
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AlzbenchError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Describes a received value for an error message: `1.5 of type number`, `"abc" of type string`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  // A huge value (a 10,000-character flag) is shown by its start and length, not in full.
  if (typeof value === 'string')
    return value.length > 200
      ? `${JSON.stringify(value.slice(0, 60))}... (${value.length} characters) of type string`
      : `${JSON.stringify(value)} of type string`;
  if (Array.isArray(value) && value.length > 20)
    return `[${value
      .slice(0, 5)
      .map((v) => describeValue(v))
      .join(', ')}, ... (${value.length} items)] of type array`;
  if (Array.isArray(value)) return `[${value.map((v) => describeValue(v)).join(', ')}] of type array`;
  if (typeof value === 'object') return `${value.constructor?.name ?? 'object'} of type object`;
  return `${String(value)} of type ${typeof value}`;
}

/**
 * The standard validation error: "Expected positive integer for width but received 1.5 of type number".
 *
 * @example
 * throw invalid('positive integer', 'epochs', -1);
 */
export function invalid(expected: string, name: string, received: unknown, hint?: string): AlzbenchError {
  return new AlzbenchError(`Expected ${expected} for ${name} but received ${describeValue(received)}`, {
    exitCode: 2,
    ...(hint === undefined ? {} : { hint }),
  });
}
