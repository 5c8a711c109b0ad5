/**
 * The one way input is checked at a boundary (CLI flags, config and sweep files, stored JSON read
 * back): a valibot schema plus the words our error shape needs. A {@link Rule} is a schema, what
 * it expects in words ("positive integer"), and how a flag's text becomes a value, so flags, YAML
 * and JSON go through the same check and fail with the same message:
 * `Expected positive integer for --epochs but received "2.5" of type string`.
 *
 * valibot was chosen over zod 4 by measurement (import 5-10 ms vs 47 ms on this machine; its
 * issues carry `expected`/`received` separately): numbers in BENCHMARKS.md, "Robustness".
 */
import { availableParallelism } from 'node:os';
import * as v from 'valibot';
import { invalid } from './errors.js';

/** How a flag's text is turned into a value before the schema sees it. */
export type TextKind = 'number' | 'string' | 'bool' | 'list' | 'intList' | 'numberList' | 'size';

/** A schema with its description for messages and help, and how flag text converts to its input. */
export interface Rule<T = unknown> {
  readonly schema: v.GenericSchema<unknown, T>;
  /** What is expected, in words: `positive integer`, `one of sgd, adam`. */
  readonly expected: string;
  /** What is expected when the value passed an upper limit: `positive integer <= 10000`. */
  readonly expectedAtMost: string;
  /** How flag text converts; `bool` rules become boolean flags. */
  readonly text: TextKind;
  /** The hint given when an upper limit is passed (why the limit exists). */
  readonly limitHint?: string;
}

/** What a rule accepts, limits included, for `--help`: `positive integer <= 10000`. */
export function describeRule(rule: Rule): string {
  return rule.expectedAtMost;
}

/** Output type of a rule. */
export type RuleOutput<R> = R extends Rule<infer T> ? T : never;

/**
 * The one number syntax of every flag: optional sign, decimal digits, optional fraction and
 * exponent (`8`, `-1`, `0.5`, `.5`, `1e-3`). Hex (`0x2`), binary, `Infinity`, empty and
 * whitespace-only texts are not numbers. Returns NaN for anything else.
 *
 * @example
 * parseNumberText('1e3'); // 1000
 * parseNumberText('0x2'); // NaN
 */
export function parseNumberText(text: string): number {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(text) ? Number(text) : NaN;
}

/** Splits a flag's comma list ("zoom,rotate" or "16, 32"); an empty string or `none` is the empty list. */
export function splitList(text: string): string[] {
  return text.trim() === '' || text.trim() === 'none' ? [] : text.split(',').map((s) => s.trim());
}

/** Converts a flag's text into the rule's input type (values from files pass through unchanged). */
export function fromText(rule: Rule, text: string): unknown {
  switch (rule.text) {
    case 'number':
      return parseNumberText(text);
    case 'bool':
      return ({ true: true, false: false } as Record<string, boolean>)[text.toLowerCase()] ?? text;
    case 'list':
      return splitList(text);
    case 'intList':
      return splitList(text).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    case 'numberList':
      return splitList(text).map((s) => (s === '' ? NaN : parseNumberText(s)));
    case 'size': {
      if (text.trim() === 'auto') return 'auto';
      const m = /^\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(text);
      return m ? [Number(m[1]), Number(m[2])] : text;
    }
    case 'string':
      return text;
  }
}

/**
 * Checks a value against a rule; throws the standard {@link invalid} error naming `name` (a
 * flag, a key in a file, a field of a stored record). A value over an upper limit says the limit
 * and why.
 *
 * @throws AlzbenchError (exit code 2) `Expected <rule.expected> for <name> but received <raw>`.
 */
export function check<T>(rule: Rule<T>, name: string, value: unknown, raw: unknown = value): T {
  const result = v.safeParse(rule.schema, value);
  if (result.success) return result.output;
  const overLimit = result.issues.some((i) => i.type === 'max_value' || i.type === 'max_length');
  if (overLimit) throw invalid(rule.expectedAtMost, name, raw, rule.limitHint);
  throw invalid(rule.expected, name, raw);
}

/** Checks a flag's text (undefined: the fallback) with a rule. */
export function flagValue<T>(rule: Rule<T>, flag: string, text: string | undefined): T | undefined;
export function flagValue<T>(rule: Rule<T>, flag: string, text: string | undefined, fallback: T): T;
export function flagValue<T>(rule: Rule<T>, flag: string, text: string | undefined, fallback?: T): T | undefined {
  if (text === undefined) return fallback;
  return check(rule, flag, fromText(rule, text), text);
}

function rule<T>(
  schema: v.GenericSchema<unknown, T>,
  expected: string,
  text: TextKind,
  options: { atMost?: string | undefined; limitHint?: string | undefined } = {},
): Rule<T> {
  return { schema, expected, expectedAtMost: options.atMost ?? expected, text, ...(options.limitHint ? { limitHint: options.limitHint } : {}) };
}

/** Words for an integer lower bound, as the messages have always said them. */
function intWords(min: number): string {
  return min === 1 ? 'positive integer' : min === 0 ? 'non-negative integer' : `integer >= ${min}`;
}

/**
 * An integer in [min, max]. `max` guards against values that would exhaust the machine
 * (`--epochs 1e12`, `--threads 100000`); `limitHint` says why the limit is there.
 */
export function int(options: { min: number; max?: number; limitHint?: string; expected?: string }): Rule<number> {
  const checks: v.PipeItem<number, number, v.BaseIssue<unknown>>[] = [v.safeInteger(), v.minValue(options.min)];
  if (options.max !== undefined) checks.push(v.maxValue(options.max));
  const words = options.expected ?? intWords(options.min);
  return rule(v.pipe(v.number(), ...checks) as v.GenericSchema<unknown, number>, words, 'number', {
    atMost: options.max === undefined ? undefined : (options.expected ?? `${words} <= ${options.max}`),
    limitHint: options.limitHint,
  });
}

/** A finite number within bounds: `min`/`max` inclusive, `above`/`below` exclusive. */
export function number(options: { min?: number; max?: number; above?: number; below?: number; expected?: string } = {}): Rule<number> {
  const checks: v.PipeItem<number, number, v.BaseIssue<unknown>>[] = [v.finite()];
  const parts: string[] = [];
  if (options.min !== undefined) checks.push(v.minValue(options.min)), parts.push(`>= ${options.min}`);
  if (options.above !== undefined) checks.push(v.gtValue(options.above)), parts.push(`> ${options.above}`);
  // An upper bound of a number setting is part of its meaning (a probability <= 1), not a resource limit.
  if (options.max !== undefined) checks.push(v.check((x: number) => x <= options.max!)), parts.push(`<= ${options.max}`);
  if (options.below !== undefined) checks.push(v.ltValue(options.below)), parts.push(`< ${options.below}`);
  return rule(v.pipe(v.number(), ...checks) as v.GenericSchema<unknown, number>, options.expected ?? `number ${parts.join(' and ')}`.trim(), 'number');
}

/** One of a fixed set of words. */
export function oneOf<const T extends readonly string[]>(values: T, expected = `one of ${values.join(', ')}`): Rule<T[number]> {
  return rule(v.picklist(values) as unknown as v.GenericSchema<unknown, T[number]>, expected, 'string');
}

/** A string; `required` refuses blank text, `pattern` restricts it, `maxLength` bounds it. */
export function string(options: { required?: boolean; pattern?: RegExp; expected?: string; maxLength?: number } = {}): Rule<string> {
  const checks: v.PipeItem<string, string, v.BaseIssue<unknown>>[] = [];
  if (options.required) checks.push(v.check((s: string) => s.trim() !== ''));
  if (options.pattern) checks.push(v.regex(options.pattern));
  if (options.maxLength !== undefined) checks.push(v.maxLength(options.maxLength));
  const expected = options.expected ?? (options.required ? 'non-empty string' : 'string');
  return rule(v.pipe(v.string(), ...checks) as v.GenericSchema<unknown, string>, expected, 'string', {
    atMost: options.maxLength === undefined ? undefined : `${expected} of at most ${options.maxLength} characters`,
  });
}

/** true or false (`--flag` / `--flag=false` on the command line). */
export function bool(): Rule<boolean> {
  return rule(v.boolean(), 'boolean', 'bool');
}

/** A list of words from a fixed set, deduplicated in order. */
export function wordList<const T extends readonly string[]>(values: T): Rule<T[number][]> {
  const schema = v.pipe(
    v.array(v.picklist(values)),
    v.transform((list) => [...new Set(list)]),
  );
  return rule(schema as unknown as v.GenericSchema<unknown, T[number][]>, `list of ${values.join(', ')}`, 'list');
}

/** A non-empty list of positive integers, each <= maxValue, at most maxItems long. */
export function intList(options: { maxItems: number; maxValue: number; limitHint?: string }): Rule<number[]> {
  const schema = v.pipe(
    v.array(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(options.maxValue))),
    v.minLength(1),
    v.maxLength(options.maxItems),
  );
  return rule(schema as v.GenericSchema<unknown, number[]>, 'non-empty list of positive integers', 'intList', {
    atMost: `non-empty list of at most ${options.maxItems} positive integers <= ${options.maxValue}`,
    limitHint: options.limitHint,
  });
}

/** `HxW` (two positive integers, each <= max) or `auto`. */
export function size(options: { max: number; limitHint?: string }): Rule<[number, number] | 'auto'> {
  const side = v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(options.max));
  const schema = v.union([v.literal('auto'), v.tuple([side, side])]);
  return rule(schema as v.GenericSchema<unknown, [number, number] | 'auto'>, 'HxW size (two positive integers) or auto', 'size', {
    atMost: `HxW size (two positive integers <= ${options.max}) or auto`,
    limitHint: options.limitHint,
  });
}

/** Two numbers in [0, 1) (Adam's betas). */
export function unitPair(): Rule<[number, number]> {
  const unit = v.pipe(v.number(), v.minValue(0), v.ltValue(1));
  return rule(v.tuple([unit, unit]) as v.GenericSchema<unknown, [number, number]>, 'two numbers in [0, 1)', 'numberList');
}

/** The rule, or null. */
export function nullable<T>(inner: Rule<T>): Rule<T | null> {
  return { ...inner, schema: v.nullable(inner.schema) as v.GenericSchema<unknown, T | null> };
}

/** One of a fixed set of numbers (`--in-channels 1|3`). */
export function numberOf<const T extends readonly number[]>(values: T, expected = values.join(' or ')): Rule<T[number]> {
  return rule(v.picklist(values) as unknown as v.GenericSchema<unknown, T[number]>, expected, 'number');
}

/** libtorch threads beyond cores x 4 only add contention; `--threads 100000` stalled the machine. */
export const MAX_THREADS = availableParallelism() * 4;

/** `batch-size` -> `batchSize`. */
export function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `batchSize` -> `batch-size`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
