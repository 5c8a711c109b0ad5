/**
 * The Clinical Dementia Rating (CDR) as a dementia class, the mapping of the OASIS-derived Kaggle
 * set: CDR 0 NonDemented, 0.5 VeryMildDemented, 1 MildDemented, 2 ModerateDemented. CDR 3
 * (severe) has no class of the 4-class task, so it stays `SevereDemented` and the task reports it
 * as excluded rather than folding it into another class.
 *
 * @param cdr the global CDR (0, 0.5, 1, 2 or 3)
 * @returns the class name, or undefined for any other value (missing CDR)
 */
export function cdrClass(cdr: number): string | undefined {
  switch (cdr) {
    case 0:
      return 'NonDemented';
    case 0.5:
      return 'VeryMildDemented';
    case 1:
      return 'MildDemented';
    case 2:
      return 'ModerateDemented';
    case 3:
      return 'SevereDemented';
    default:
      return undefined;
  }
}
