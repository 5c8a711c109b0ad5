/**
 * Calibration: does a predicted probability of 0.8 come true 80 % of the time? Expected
 * calibration error and reliability bins as in Guo et al. 2017, "On Calibration of Modern Neural
 * Networks" (ICML): confidence = the top-class probability, M = 15 equal-width bins over [0, 1],
 * ECE = sum_m |B_m| / n * |acc(B_m) - conf(B_m)|; and their temperature scaling, one scalar T > 0
 * dividing the logits, fitted by minimizing the negative log-likelihood on validation data.
 */
import { argmax } from '../util/argmax.js';

/** Bins of the reliability diagram and ECE (Guo et al. 2017 use 15). */
export const ECE_BINS = 15;

/** One reliability bin: confidences in (low, high] (the first bin also holds 0). */
export interface ReliabilityBin {
  readonly low: number;
  readonly high: number;
  readonly count: number;
  /** Mean top-class probability of the bin's samples (NaN when empty). */
  readonly confidence: number;
  /** Share of the bin's samples whose top class is the true class (NaN when empty). */
  readonly accuracy: number;
}

/** Calibration of one set of predictions. */
export interface Calibration {
  /** Expected calibration error over `bins` equal-width confidence bins. */
  readonly ece: number;
  /** Largest |accuracy - confidence| over non-empty bins (maximum calibration error). */
  readonly mce: number;
  readonly bins: number;
  readonly reliability: ReliabilityBin[];
  readonly n: number;
}

/**
 * Expected calibration error and reliability bins of row-major n x C probabilities. Bin m holds
 * confidences in ((m-1)/M, m/M] (the convention of Guo et al.'s code and most reimplementations,
 * e.g. torchmetrics); confidence 0 falls in the first bin.
 *
 * Source: Guo et al. 2017, section 2 (ECE, MCE, reliability diagrams).
 *
 * @param labels true class index per sample, n values in [0, C)
 * @param probabilities row-major n x C class probabilities (rows sum to 1)
 * @param classes C; default `probabilities.length / labels.length`
 * @param bins M, equal-width confidence bins over [0, 1]; default {@link ECE_BINS} = 15
 * @returns ECE and MCE (fractions in [0, 1]; NaN for n = 0), the M reliability bins and n
 * @throws RangeError `Expected <n·C> probabilities (<n> samples x <C> classes) but received <len>`
 *
 * @example
 * calibration([0, 1], [0.9, 0.1, 0.8, 0.2]).ece; // 0.35: one bin at confidence 0.85, accuracy 0.5
 */
export function calibration(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  classes = probabilities.length / Math.max(1, labels.length),
  bins = ECE_BINS,
): Calibration {
  const n = labels.length;
  if (probabilities.length !== n * classes)
    throw new RangeError(`Expected ${n * classes} probabilities (${n} samples x ${classes} classes) but received ${probabilities.length}`);
  const count = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  const hitSum = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const top = argmax(probabilities, i * classes, classes);
    const conf = probabilities[i * classes + top]!;
    const m = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    count[m]!++;
    confSum[m]! += conf;
    if (top === labels[i]) hitSum[m]!++;
  }
  let ece = 0;
  let mce = 0;
  const reliability: ReliabilityBin[] = [];
  for (let m = 0; m < bins; m++) {
    const c = count[m]!;
    const confidence = c ? confSum[m]! / c : NaN;
    const accuracy = c ? hitSum[m]! / c : NaN;
    if (c) {
      const gap = Math.abs(accuracy - confidence);
      ece += (c / n) * gap;
      mce = Math.max(mce, gap);
    }
    reliability.push({ low: m / bins, high: (m + 1) / bins, count: c, confidence, accuracy });
  }
  return { ece: n ? ece : NaN, mce: n ? mce : NaN, bins, reliability, n };
}

/**
 * Temperature scaling (Guo et al. 2017, section 4.2): softmax(log p / T) per row, with log p standing in for the
 * logits (probabilities below 1e-45 are clamped to it before the log).
 *
 * @param probabilities row-major n x C class probabilities
 * @param classes C, the row length
 * @param temperature T > 0; T > 1 softens, T < 1 sharpens, T = 1 returns the input (up to rounding)
 * @returns new row-major n x C probabilities (rows sum to 1)
 */
export function applyTemperature(probabilities: ArrayLike<number>, classes: number, temperature: number): Float64Array {
  const out = new Float64Array(probabilities.length);
  for (let i = 0; i < probabilities.length; i += classes) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, Math.log(Math.max(probabilities[i + k]!, 1e-45)) / temperature);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += out[i + k] = Math.exp(Math.log(Math.max(probabilities[i + k]!, 1e-45)) / temperature - max);
    for (let k = 0; k < classes; k++) out[i + k]! /= sum;
  }
  return out;
}

/**
 * Mean negative log-likelihood of the true classes, -mean(log p[i, y_i]) in nats (as PyTorch's NLLLoss of log
 * probabilities; probabilities below 1e-45 are clamped to it).
 *
 * @param labels true class index per sample, n values in [0, C)
 * @param probabilities row-major n x C class probabilities
 * @param classes C, the row length
 * @returns the mean NLL in nats; NaN for n = 0
 */
export function negativeLogLikelihood(labels: ArrayLike<number>, probabilities: ArrayLike<number>, classes: number): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s -= Math.log(Math.max(probabilities[i * classes + labels[i]!]!, 1e-45));
  return s / labels.length;
}

/**
 * Fits the temperature of Guo et al. 2017 on held-out (validation) predictions: the T in
 * [0.05, 20] minimizing the NLL of softmax(log p / T), by golden-section search on log T (the NLL
 * is convex in 1/T, so unimodal on this interval), to a relative precision of 1e-6. Log
 * probabilities stand in for logits: they differ per row by a constant, which softmax ignores.
 *
 * @param labels true class index per validation sample, n values in [0, C)
 * @param probabilities row-major n x C validation probabilities of the model
 * @param classes C, the row length
 * @returns the fitted T and the mean validation NLL (nats) before and after scaling
 * @throws RangeError `Temperature scaling needs at least one validation sample` when n = 0
 *
 * @example
 * fitTemperature(valLabels, valProbabilities, 2).temperature; // > 1 for an over-confident model
 */
export function fitTemperature(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  classes: number,
): { temperature: number; nllBefore: number; nllAfter: number } {
  if (labels.length === 0) throw new RangeError('Temperature scaling needs at least one validation sample');
  const nll = (logT: number) => negativeLogLikelihood(labels, applyTemperature(probabilities, classes, Math.exp(logT)), classes);
  let a = Math.log(0.05);
  let b = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nll(c);
  let fd = nll(d);
  while (b - a > 1e-6) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = nll(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = nll(d);
    }
  }
  const temperature = Math.exp((a + b) / 2);
  return { temperature, nllBefore: negativeLogLikelihood(labels, probabilities, classes), nllAfter: nll(Math.log(temperature)) };
}

/** What test.json's `calibration` holds. */
export interface CalibrationReport {
  readonly method: string;
  /** Calibration of the model's own test probabilities. */
  readonly test: Calibration;
  /** When temperature scaling was asked for: T fitted on validation, and the test after it. */
  readonly temperature?: {
    readonly value: number;
    readonly fittedOn: 'validation';
    readonly valNllBefore: number;
    readonly valNllAfter: number;
    readonly test: Calibration;
  };
}

/** The method statement printed with every ECE. */
export const ECE_METHOD = `ECE over ${ECE_BINS} equal-width bins of the top-class probability (Guo et al. 2017)`;
