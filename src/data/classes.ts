import { invalid } from '../util/errors.js';

/** The four classes of the Kaggle/OASIS sets, in severity order (their 4-class indices). */
export const DEMENTIA_CLASSES = ['NonDemented', 'VeryMildDemented', 'MildDemented', 'ModerateDemented'] as const;

/** The study's binary classes: index 0 = Alzheimer (the positive class), 1 = NonAlzheimer. */
export const BINARY_CLASSES = ['Alzheimer', 'NonAlzheimer'] as const;

/** Mild cognitive impairment (ADNI's MCI, EMCI, LMCI): neither Alzheimer nor normal, so left out of `binary`. */
export const MCI_CLASSES = ['MCI', 'EMCI', 'LMCI'] as const;

/**
 * Class-name synonyms of the public Alzheimer MRI sets, keyed by the name in lower case with
 * everything but letters removed (so case, spaces, underscores and hyphens do not matter):
 * Kaggle (tourist55: NonDemented, ...), Kaggle "Best Alzheimer MRI" (No Impairment, Very Mild
 * Impairment, ...), OASIS slices (Non Demented, Very mild Dementia, ...) and ADNI (AD, CN, NC, MCI).
 */
export const CLASS_SYNONYMS: Readonly<Record<string, string>> = {
  nondemented: 'NonDemented',
  noimpairment: 'NonDemented',
  nodementia: 'NonDemented',
  verymilddemented: 'VeryMildDemented',
  verymildimpairment: 'VeryMildDemented',
  verymilddementia: 'VeryMildDemented',
  milddemented: 'MildDemented',
  mildimpairment: 'MildDemented',
  milddementia: 'MildDemented',
  moderatedemented: 'ModerateDemented',
  moderateimpairment: 'ModerateDemented',
  moderatedementia: 'ModerateDemented',
  alzheimer: 'Alzheimer',
  alzheimers: 'Alzheimer',
  alzheimersdisease: 'Alzheimer',
  alzheimerdisease: 'Alzheimer',
  ad: 'Alzheimer',
  demented: 'Alzheimer',
  dementia: 'Alzheimer',
  nonalzheimer: 'NonAlzheimer',
  nonalzheimers: 'NonAlzheimer',
  notalzheimer: 'NonAlzheimer',
  normal: 'NonAlzheimer',
  cn: 'NonAlzheimer',
  nc: 'NonAlzheimer',
  hc: 'NonAlzheimer',
  control: 'NonAlzheimer',
  controls: 'NonAlzheimer',
  healthy: 'NonAlzheimer',
  cognitivelynormal: 'NonAlzheimer',
  mci: 'MCI',
  mildcognitiveimpairment: 'MCI',
  emci: 'EMCI',
  lmci: 'LMCI',
};

/**
 * The canonical name of a known class folder or label, whatever its spelling:
 * `Non_Demented`, `Non Demented`, `No Impairment` and `NonDemented` all give `NonDemented`,
 * `CN`/`NC` give `NonAlzheimer`, `AD` gives `Alzheimer`; unknown names are kept as they are.
 *
 * @param name a class folder name or label (case, spaces and punctuation are ignored when matching)
 * @returns the canonical class name, or `name` unchanged
 */
export function canonicalClass(name: string): string {
  return CLASS_SYNONYMS[name.toLowerCase().replace(/[^a-z]/g, '')] ?? name;
}

/**
 * True when `name` is one of the known class names in any spelling (see {@link CLASS_SYNONYMS}).
 *
 * @param name a class folder name or label
 * @returns whether it has a canonical name
 */
export function isKnownClass(name: string): boolean {
  return CLASS_SYNONYMS[name.toLowerCase().replace(/[^a-z]/g, '')] !== undefined;
}

/** A classification task: the target classes and how source classes map onto them. */
export interface Task {
  /** `4class`, `binary`, `folders` (the folder names as they are) or `map:...`. */
  readonly name: string;
  /** Target class names; a label is an index into this list. */
  readonly classes: readonly string[];
  /** Target class of a source class, or undefined when the task leaves it out. */
  target(sourceClass: string): string | undefined;
}

/** 4-class task over the canonical dementia classes. */
export const FOUR_CLASS: Task = {
  name: '4class',
  classes: DEMENTIA_CLASSES,
  target: (c) => ((DEMENTIA_CLASSES as readonly string[]).includes(c) ? c : undefined),
};

/** Binary task: Alzheimer = VeryMild + Mild + Moderate (or an `Alzheimer` folder), NonAlzheimer = NonDemented. */
export const BINARY: Task = {
  name: 'binary',
  classes: BINARY_CLASSES,
  target: (c) =>
    c === 'NonDemented' || c === 'NonAlzheimer'
      ? 'NonAlzheimer'
      : c === 'VeryMildDemented' || c === 'MildDemented' || c === 'ModerateDemented' || c === 'Alzheimer'
        ? 'Alzheimer'
        : undefined,
};

/**
 * Identity task over whatever classes a generic folder set has (sorted by name).
 *
 * @param sourceClasses the data set's class names (duplicates allowed)
 * @returns the task `folders`, classes in code-point order
 */
export function folderTask(sourceClasses: readonly string[]): Task {
  const classes = [...new Set(sourceClasses)].sort();
  return { name: 'folders', classes, target: (c) => (classes.includes(c) ? c : undefined) };
}

/**
 * Resolves a task name: `4class`, `binary`, or a user class map
 * `map:NonDemented=normal,VeryMildDemented=early,MildDemented=early` (source classes not named are
 * left out; target order is first appearance).
 *
 * @param name `4class`, `binary`, `folders` or `map:...`; undefined takes `defaultTask`
 * @param sourceClasses the data set's class names (for `folders`)
 * @param defaultTask the layout's suggested task; default `folders`
 * @returns the task: its name, target classes and the source-to-target mapping
 * @throws AlzbenchError (exit 2) `Expected 4class, binary, folders or map:source=target,... for task ...`, or
 *   `Expected source=target pairs for task class map ...` for a malformed map
 *
 * @example
 * resolveTask('binary', ['NonDemented', 'MildDemented']).classes; // ['Alzheimer', 'NonAlzheimer']
 */
export function resolveTask(name: string | undefined, sourceClasses: readonly string[], defaultTask?: string): Task {
  const chosen = name ?? defaultTask ?? 'folders';
  if (chosen === '4class') return FOUR_CLASS;
  if (chosen === 'binary') return BINARY;
  if (chosen === 'folders') return folderTask(sourceClasses);
  if (chosen.startsWith('map:')) {
    const map = new Map<string, string>();
    for (const pair of chosen.slice(4).split(',')) {
      const [from, to] = pair.split('=').map((s) => s.trim());
      if (!from || !to) throw invalid('source=target pairs', 'task class map', pair, 'example: map:NonDemented=normal,MildDemented=dementia');
      map.set(canonicalClass(from), to);
    }
    const classes = [...new Set(map.values())];
    return { name: chosen, classes, target: (c) => map.get(c) };
  }
  throw invalid('4class, binary, folders or map:source=target,...', 'task', chosen);
}
