/**
 * Named recipes: bundles of settings applied under the ones a user gives (a given flag or config
 * key always wins). Every resolved value is written to config.json, so a run says exactly what it
 * trained with; run.json's `flags` keeps what the user typed (including `recipe`).
 */
import type { TrainConfigInput } from './config.js';

/**
 * `strong`: the modern small-data image recipe (as in timm / "ResNet strikes back",
 * Wightman et al. 2021, scaled down):
 * - augmentation: random zoom, rotation, shift and left-right flip on the device;
 * - AdamW (decoupled weight decay 0.05), lr 0.001;
 * - linear warm-up (2 epochs from lr/3) then cosine annealing to 0 (`warmup_cosine`);
 * - label smoothing 0.1 (Szegedy et al. 2016);
 * - an exponential moving average of the weights (decay 0.99; validation and test use it);
 * - test-time augmentation: mean of each slice and its mirror.
 */
export const RECIPES: Record<'none' | 'strong', TrainConfigInput> = {
  none: {},
  strong: {
    augment: ['zoom', 'rotate', 'shift', 'flip'],
    optimizer: 'adamw',
    lr: 0.001,
    weightDecay: 0.05,
    schedule: 'warmup_cosine',
    warmupEpochs: 2,
    labelSmoothing: 0.1,
    ema: 0.99,
    tta: 'flip',
  },
};

/** The recipe's settings under the given ones (given keys win). */
export function applyRecipe(settings: TrainConfigInput): TrainConfigInput {
  const name = (settings.recipe ?? 'none') as keyof typeof RECIPES;
  return { ...RECIPES[name], ...settings };
}

/** What run.json records of a recipe: its name, each value it set (as resolved) and the keys the user overrode. */
export function recipeRecord(
  given: TrainConfigInput,
  resolved: Record<string, unknown>,
): { name: string; settings: Record<string, unknown>; overridden: string[] } | undefined {
  const name = (given.recipe ?? 'none') as keyof typeof RECIPES;
  if (name === 'none') return undefined;
  const keys = Object.keys(RECIPES[name]);
  const overridden = keys.filter((k) => given[k as keyof TrainConfigInput] !== undefined);
  return { name, settings: Object.fromEntries(keys.filter((k) => !overridden.includes(k)).map((k) => [k, resolved[k]])), overridden };
}
