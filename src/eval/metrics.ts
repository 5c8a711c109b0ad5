/**
 * Classification metrics from labels and class probabilities, with scikit-learn's definitions
 * (zero_division = 0) so numbers compare with published ones.
 */
import { argmax } from '../util/argmax.js';
import { rocAuc } from './roc-auc.js';

/** One class's one-vs-rest numbers. */
export interface ClassMetrics {
  /** Recall of the class: TP / (TP + FN). */
  readonly recall: number;
  /** TP / (TP + FP); 0 when the class is never predicted. */
  readonly precision: number;
  /** TN / (TN + FP). */
  readonly specificity: number;
  readonly f1: number;
  /** One-vs-rest ROC AUC of the class's probability; NaN when the class is absent or alone. */
  readonly auc: number;
  /** True samples of the class. */
  readonly support: number;
  /** Share of all predictions that are this class. */
  readonly predictedShare: number;
}

/** Everything reported for one evaluation. */
export interface Metrics {
  readonly n: number;
  readonly classes: readonly string[];
  /** Index of the positive class (binary: the Alzheimer class); sensitivity is its recall. */
  readonly positiveClass: number;
  /** Mean cross-entropy when the caller computed it; NaN otherwise. */
  readonly loss: number;
  readonly accuracy: number;
  /** Mean recall over the classes present (sklearn balanced_accuracy_score). */
  readonly balancedAccuracy: number;
  /** Two classes: recall of the positive class. More: macro recall. */
  readonly sensitivity: number;
  /** Two classes: recall of the negative class. More: macro specificity. */
  readonly specificity: number;
  /** Two classes: of the positive class. More: macro. */
  readonly precision: number;
  /** Two classes: of the positive class. More: macro. */
  readonly f1: number;
  /** Two classes: AUC of the positive probability. More: macro one-vs-rest (sklearn multi_class='ovr'). */
  readonly auc: number;
  readonly macro: { readonly recall: number; readonly precision: number; readonly f1: number; readonly specificity: number; readonly auc: number };
  readonly perClass: Record<string, ClassMetrics>;
  /** confusion[true][predicted] counts. */
  readonly confusion: number[][];
}

/**
 * Counts confusion[true][predicted] over `classes` classes.
 *
 * Source: scikit-learn `sklearn.metrics.confusion_matrix` (same orientation).
 *
 * @param labels true class index of each sample, in `[0, classes)`
 * @param predicted predicted class index of each sample, same length, in `[0, classes)`
 * @param classes the number of classes C
 * @returns a C x C matrix of counts, rows true classes, columns predictions
 * @throws TypeError when a label is outside `[0, classes)` (no range check is made; callers pass validated labels).
 */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]!]![predicted[i]!]!++;
  return m;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length);

/**
 * The positive class of a task: `Alzheimer` when present (the study's binary task), else class 0.
 *
 * @param classes class names in index order
 * @returns the index of `Alzheimer`, or 0
 */
export function positiveClassOf(classes: readonly string[]): number {
  const i = classes.indexOf('Alzheimer');
  return i >= 0 ? i : 0;
}

/**
 * Computes every metric from true labels and per-sample class probabilities (row-major n x C).
 * Predictions are the argmax.
 *
 * Source: scikit-learn `accuracy_score`, `balanced_accuracy_score`, `precision_recall_fscore_support`, `roc_auc_score`
 * (multi_class='ovr', average='macro').
 *
 * @example
 * const m = computeMetrics([0, 1, 1], new Float32Array([0.9, 0.1, 0.2, 0.8, 0.6, 0.4]), ['Alzheimer', 'NonAlzheimer']);
 * m.sensitivity; // 1: the one Alzheimer sample is called Alzheimer
 *
 * @param labels true class index of each of the n samples, in `[0, C)`
 * @param probabilities n x C class probabilities, row-major (scores work too: only order matters for AUC and argmax)
 * @param classes the C class names, in index order
 * @param options `positiveClass` (default {@link positiveClassOf}), `loss` (mean cross-entropy to report; default NaN)
 * @returns accuracy, balanced accuracy, sensitivity, specificity, precision, F1, AUC (binary: of the positive class;
 * otherwise macro), per-class one-vs-rest numbers, and the confusion matrix; ratios with a zero denominator are 0
 * (sklearn's zero_division=0), AUCs undefined for a class are NaN
 * @throws RangeError `Expected <n·C> probabilities (<n> samples x <C> classes) but received <len>` when the lengths disagree.
 * @throws TypeError when a label is outside `[0, C)` (see {@link confusionMatrix}).
 */
export function computeMetrics(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  classes: readonly string[],
  options: { positiveClass?: number; loss?: number } = {},
): Metrics {
  const n = labels.length;
  const c = classes.length;
  if (probabilities.length !== n * c)
    throw new RangeError(`Expected ${n * c} probabilities (${n} samples x ${c} classes) but received ${probabilities.length}`);
  const positiveClass = options.positiveClass ?? positiveClassOf(classes);
  const predicted = Array.from({ length: n }, (_, i) => argmax(probabilities, i * c, c));
  const confusion = confusionMatrix(labels, predicted, c);
  const perClass: Record<string, ClassMetrics> = {};
  const present: number[] = [];
  let correct = 0;
  for (let k = 0; k < c; k++) {
    const tp = confusion[k]![k]!;
    correct += tp;
    const support = confusion[k]!.reduce((s, v) => s + v, 0);
    const predictedK = confusion.reduce((s, row) => s + row[k]!, 0);
    const fp = predictedK - tp;
    const fn = support - tp;
    const tn = n - tp - fp - fn;
    const recall = ratio(tp, support);
    const precision = ratio(tp, predictedK);
    const scores = Array.from({ length: n }, (_, i) => probabilities[i * c + k]!);
    const isK = Array.from({ length: n }, (_, i) => labels[i] === k);
    perClass[classes[k]!] = {
      recall,
      precision,
      specificity: ratio(tn, tn + fp),
      f1: ratio(2 * precision * recall, precision + recall),
      auc: rocAuc(scores, isK),
      support,
      predictedShare: ratio(predictedK, n),
    };
    if (support > 0) present.push(k);
  }
  const all = classes.map((name) => perClass[name]!);
  // sklearn's macro averages run over every class label (labels=None takes those present in
  // y_true or y_pred); balanced accuracy over the classes present in y_true.
  const seen = classes.map((_, k) => k).filter((k) => all[k]!.support > 0 || all[k]!.predictedShare > 0);
  const macro = {
    recall: mean(seen.map((k) => all[k]!.recall)),
    precision: mean(seen.map((k) => all[k]!.precision)),
    f1: mean(seen.map((k) => all[k]!.f1)),
    specificity: mean(seen.map((k) => all[k]!.specificity)),
    auc: mean(present.map((k) => all[k]!.auc)),
  };
  const binary = c === 2;
  const pos = perClass[classes[positiveClass]!]!;
  return {
    n,
    classes,
    positiveClass,
    loss: options.loss ?? NaN,
    accuracy: ratio(correct, n),
    balancedAccuracy: mean(present.map((k) => all[k]!.recall)),
    sensitivity: binary ? pos.recall : macro.recall,
    specificity: binary ? pos.specificity : macro.specificity,
    precision: binary ? pos.precision : macro.precision,
    f1: binary ? pos.f1 : macro.f1,
    auc: binary ? pos.auc : macro.auc,
    macro,
    perClass,
    confusion,
  };
}

/**
 * The headline numbers of a {@link Metrics} (what metrics.jsonl and summaries print).
 *
 * @param m metrics from {@link computeMetrics}
 * @returns loss, accuracy, balanced accuracy, sensitivity, specificity, precision, F1 and AUC, each a fraction in [0, 1]
 * (loss in nats; NaN where undefined)
 */
export function headline(m: Metrics): Record<'loss' | 'accuracy' | 'balancedAccuracy' | 'sensitivity' | 'specificity' | 'precision' | 'f1' | 'auc', number> {
  return {
    loss: m.loss,
    accuracy: m.accuracy,
    balancedAccuracy: m.balancedAccuracy,
    sensitivity: m.sensitivity,
    specificity: m.specificity,
    precision: m.precision,
    f1: m.f1,
    auc: m.auc,
  };
}
