import { AlzbenchError } from '../util/errors.js';

/** Why a file could not be used as an image (`too-large`: its header declares more pixels than the limits). */
export type BadImageKind = 'unreadable' | 'truncated' | 'not-image' | 'lfs-pointer' | 'too-large';

const TITLES: Record<BadImageKind, string> = {
  'not-image': 'Not an image',
  truncated: 'Truncated image',
  unreadable: 'Unreadable file',
  'lfs-pointer': 'Git LFS pointer instead of the image',
  'too-large': 'Image too large',
};

/** A file that is not a usable image; `kind` sorts it for the bad-input report. */
export class BadImageError extends AlzbenchError {
  /**
   * The message is `<title>: <path> (<detail>)`, e.g. `Truncated image: train/a.jpg (premature end of JPEG file)`.
   *
   * @param kind why the file is unusable
   * @param path the file (as listed in the data set)
   * @param detail what was found, in words
   */
  constructor(
    readonly kind: BadImageKind,
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${TITLES[kind]}: ${path} (${detail})`);
    this.name = 'BadImageError';
  }
}
