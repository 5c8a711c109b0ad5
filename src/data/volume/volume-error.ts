import { AlzbenchError } from '../../util/errors.js';

/**
 * What went wrong reading a volume, as a stable code callers can switch on (the data-set readers
 * map `truncated` to a `truncated` problem and everything else to `unreadable`).
 */
export type VolumeErrorCode =
  | 'truncated'
  | 'not-a-volume'
  | 'unsupported-datatype'
  | 'too-large'
  | 'bad-header'
  | 'missing-image-file'
  | 'volume-index'
  | 'corrupt-gzip'
  | 'unreadable-file';

/** A named error of the volume reader: names the file, what was expected and what was found. */
export class VolumeError extends AlzbenchError {
  readonly code: VolumeErrorCode;
  readonly path: string;

  /**
   * @param code the stable code callers switch on
   * @param path the file that was being read
   * @param message what was expected and what was found; the error's message is `<code>: <path>: <message>`
   * @param hint what to do about it (e.g. a conversion command); default none
   */
  constructor(code: VolumeErrorCode, path: string, message: string, hint?: string) {
    super(`${code}: ${path}: ${message}`, hint === undefined ? {} : { hint });
    this.name = 'VolumeError';
    this.code = code;
    this.path = path;
  }
}
