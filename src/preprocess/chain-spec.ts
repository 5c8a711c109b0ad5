import { parse as parseYaml } from 'yaml';
import { AlzbenchError, invalid } from '../util/errors.js';
import { MODULES } from './modules/index.js';
import { formatStep, type ParamSpec, type ParamValue, type Step, type StepDefinition } from './step.js';

/** A parsed preprocessing chain: the steps in order and their canonical spec (the cache key part). */
export interface Chain {
  readonly steps: readonly Step[];
  /** Every parameter spelled out, e.g. `grayscale|open(k=5,shape=rect,iter=1)`; `none` when empty. */
  readonly spec: string;
}

/** A step as written, before its parameters are checked. */
interface RawStep {
  readonly name: unknown;
  readonly positional: readonly unknown[];
  readonly named: ReadonlyArray<readonly [string, unknown]>;
}

/**
 * Parses a pipeline spec: the short form `grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)`
 * (positional values fill parameters in order: `resize(256,208)`, `merge(multiply,smooth=gaussian,k=11)`)
 * or a YAML list whose items are a step string, `{open: {k: 5}}`, `{resize: [256, 256]}` or
 * `{merge: multiply}`. Missing parameters take their defaults. An empty spec or `none` is the
 * empty chain.
 *
 * Errors are {@link AlzbenchError}s that name the step and the parameter, e.g.
 * `Expected odd integer (gaussian kernels are odd) for parameter k of step 2 (smooth) but received 4 of type number`.
 *
 * @example
 * const chain = parseChain('grayscale|open(k=5)|clahe(clip=2,tile=7)|invert');
 * chain.spec; // 'grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert'
 */
/** Longest pipeline spec accepted (characters); the study's longest chain is under 100. */
export const MAX_SPEC_LENGTH = 4096;
/** Most steps in one chain; each step is a full pass over every slice. */
export const MAX_STEPS = 32;

export function parseChain(spec: string): Chain {
  const text = spec.trim();
  if (text.length > MAX_SPEC_LENGTH) {
    throw new AlzbenchError(`Expected a pipeline spec of at most ${MAX_SPEC_LENGTH} characters for pipeline but received ${text.length} characters`, {
      exitCode: 2,
      hint: 'a chain is a few steps, e.g. grayscale|open(k=5)|clahe(clip=2,tile=7)',
    });
  }
  const raw = text === '' || text === 'none' ? [] : looksLikeYaml(text) ? rawStepsFromYaml(text) : rawStepsFromString(text);
  if (raw.length > MAX_STEPS) {
    throw new AlzbenchError(`Expected at most ${MAX_STEPS} steps for pipeline but received ${raw.length} steps`, {
      exitCode: 2,
      hint: 'each step is a full pass over every slice; a chain is a few steps',
    });
  }
  const steps = raw.map((r, i) => resolveStep(r, i + 1));
  return { steps, spec: steps.length === 0 ? 'none' : steps.map(formatStep).join('|') };
}

function looksLikeYaml(text: string): boolean {
  return text.startsWith('-') || text.startsWith('[') || text.includes('\n');
}

/** Reads a value of the short form: numbers become numbers, anything else stays a word. */
function scalar(text: string): ParamValue {
  const t = text.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
}

function rawStepsFromString(text: string): RawStep[] {
  return text.split('|').map((part, i) => {
    const s = part.trim();
    const match = /^([A-Za-z_][\w-]*)\s*(?:\((.*)\))?$/s.exec(s);
    if (!match) throw invalid('step written as name or name(args)', `step ${i + 1}`, s, 'example: open(k=5,shape=rect,iter=1)');
    const positional: ParamValue[] = [];
    const named: Array<[string, ParamValue]> = [];
    const args = match[2]?.trim() ?? '';
    if (args !== '') {
      for (const arg of args.split(',')) {
        const eq = arg.indexOf('=');
        if (eq < 0) {
          if (named.length > 0) throw invalid('name=value after a named argument', `step ${i + 1} (${match[1]})`, arg.trim());
          positional.push(scalar(arg));
        } else named.push([arg.slice(0, eq).trim(), scalar(arg.slice(eq + 1))]);
      }
    }
    return { name: match[1], positional, named };
  });
}

function rawStepsFromYaml(text: string): RawStep[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 1000, logLevel: 'error' });
  } catch (error) {
    throw new AlzbenchError(`Pipeline YAML does not parse: ${(error as Error).message}`, { exitCode: 2 });
  }
  if (!Array.isArray(doc)) throw invalid('YAML list of steps', 'pipeline', doc);
  return doc.map((item: unknown, i): RawStep => {
    if (typeof item === 'string') {
      const parsed = rawStepsFromString(item);
      if (parsed.length !== 1) throw invalid('one step per list item', `step ${i + 1}`, item);
      return parsed[0]!;
    }
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 1) {
      const [name, args] = Object.entries(item)[0]!;
      if (args === null || args === undefined) return { name, positional: [], named: [] };
      if (Array.isArray(args)) return { name, positional: args, named: [] };
      if (typeof args === 'object') return { name, positional: [], named: Object.entries(args) };
      return { name, positional: [args], named: [] };
    }
    throw invalid('step name or {name: parameters}', `step ${i + 1}`, item);
  });
}

function findParam(definition: StepDefinition, name: string): ParamSpec | undefined {
  return definition.params.find((p) => p.name === name || p.aliases?.includes(name));
}

function resolveStep(raw: RawStep, index: number): Step {
  const definition = typeof raw.name === 'string' ? MODULES.get(raw.name) : undefined;
  if (!definition) {
    throw invalid(`module name (one of ${[...MODULES.keys()].join(', ')})`, `step ${index}`, raw.name);
  }
  const where = (param: string) => `parameter ${param} of step ${index} (${definition.name})`;
  const fail = (param: string, expected: string, received: unknown): never => {
    throw invalid(expected, where(param), received);
  };
  if (raw.positional.length > definition.params.length) {
    const names = definition.params.map((p) => p.name).join(', ') || 'none';
    throw invalid(`at most ${definition.params.length} values (${names})`, `step ${index} (${definition.name})`, raw.positional);
  }
  const given = new Map<string, unknown>();
  raw.positional.forEach((value, i) => given.set(definition.params[i]!.name, value));
  for (const [name, value] of raw.named) {
    const param = findParam(definition, name);
    if (!param) {
      const names = definition.params.map((p) => p.name).join(', ') || 'none';
      throw invalid(`parameter name of ${definition.name} (${names})`, `step ${index}`, name);
    }
    if (given.has(param.name)) fail(param.name, 'one value', [given.get(param.name), value]);
    given.set(param.name, value);
  }
  const params: Record<string, ParamValue> = {};
  for (const param of definition.params) {
    params[param.name] = given.has(param.name) ? checkValue(param, given.get(param.name), fail) : param.default;
  }
  definition.validate?.(params, fail);
  return { definition, params };
}

function checkValue(param: ParamSpec, value: unknown, fail: (p: string, e: string, r: unknown) => never): ParamValue {
  if (param.kind === 'choice') {
    if (typeof value !== 'string' || !param.choices!.includes(value)) fail(param.name, `one of ${param.choices!.join(', ')}`, value);
    return value as string;
  }
  const range = `${param.min ?? '-inf'}..${param.max ?? 'inf'}`;
  const expected = param.kind === 'int' ? `integer in ${range}` : `number in ${range}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(param.name, expected, value);
  const n = value as number;
  if ((param.kind === 'int' && !Number.isInteger(n)) || (param.min !== undefined && n < param.min) || (param.max !== undefined && n > param.max)) {
    fail(param.name, expected, n);
  }
  return n;
}
