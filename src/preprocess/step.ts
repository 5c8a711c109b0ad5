import type { ImageOps } from './image-ops.js';
import type { Raster } from './raster.js';

/** A parameter value as written in a pipeline spec. */
export type ParamValue = number | string;

/** Resolved parameters of one step, every declared parameter present. */
export type StepParams = Readonly<Record<string, ParamValue>>;

/** One parameter of a preprocessing module: its type, default and allowed values. */
export interface ParamSpec {
  readonly name: string;
  readonly kind: 'int' | 'number' | 'choice';
  readonly default: ParamValue;
  /** Allowed words for `choice` parameters. */
  readonly choices?: readonly string[];
  /** Smallest allowed value for numbers (inclusive). */
  readonly min?: number;
  /** Largest allowed value for numbers (inclusive). */
  readonly max?: number;
  /** Other names accepted in specs, e.g. `iterations` for `iter`. */
  readonly aliases?: readonly string[];
}

/** Reports a bad parameter: which one, what was expected, what came. Never returns. */
export type ParamFailure = (param: string, expected: string, received: unknown) => never;

/** A preprocessing module: name, parameters and the pixel operation (OpenCV semantics). */
export interface StepDefinition {
  readonly name: string;
  /** One line for help text and the preview grid. */
  readonly summary: string;
  /** Parameters in positional order: `resize(256,208)` fills `width` then `height`. */
  readonly params: readonly ParamSpec[];
  /** Checks rules that involve several parameters or depend on another's value. */
  validate?(params: StepParams, fail: ParamFailure): void;
  /** Applies the module to an image; never mutates its input. */
  apply(image: Raster, params: StepParams, ops: ImageOps): Raster;
}

/** A module with its parameters resolved: one element of a chain. */
export interface Step {
  readonly definition: StepDefinition;
  readonly params: StepParams;
}

/** The canonical text of a step, every parameter spelled out: `open(k=5,shape=rect,iter=1)`. */
export function formatStep(step: Step): string {
  const { definition, params } = step;
  if (definition.params.length === 0) return definition.name;
  return `${definition.name}(${definition.params.map((p) => `${p.name}=${params[p.name]}`).join(',')})`;
}
