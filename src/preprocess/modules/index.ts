import type { StepDefinition } from '../step.js';
import { clahe } from './clahe.js';
import { grayscale } from './grayscale.js';
import { invert } from './invert.js';
import { merge } from './merge.js';
import { normalize } from './normalize.js';
import { open } from './open.js';
import { resize } from './resize.js';
import { smooth } from './smooth.js';

/** Every preprocessing module of the study, by the name used in pipeline specs. */
export const MODULES: ReadonlyMap<string, StepDefinition> = new Map([grayscale, invert, open, clahe, smooth, merge, resize, normalize].map((m) => [m.name, m]));
