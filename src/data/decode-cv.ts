import { native } from '../torch/native.js';

/** What the addon's `decodeImageCv` returns: cv2's 8-bit result, and the 16-bit values when the file has them. */
export interface CvDecoded {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;
  /** Gray values as stored (IMREAD_GRAYSCALE | IMREAD_ANYDEPTH), only for 16-bit files in gray mode. */
  readonly data16?: Uint16Array;
  /** 16 for 16-bit files, 32 for float TIFF; absent for 8-bit files. */
  readonly sourceDepth?: number;
}

interface CvBinding {
  decodeImageCv(bytes: Uint8Array, mode: 'gray' | 'color'): CvDecoded | null;
  decodeImageCvAsync(bytes: Uint8Array, mode: 'gray' | 'color'): Promise<CvDecoded | null>;
}

/**
 * `cv::imdecode` from Debian's OpenCV imgcodecs in the addon: the decoder inside cv2.imread, so
 * `mode 'gray'` gives exactly `cv2.imread(path, cv2.IMREAD_GRAYSCALE)` (EXIF orientation applied,
 * CMYK/YCCK JPEG converted as cv2 does, 16-bit scaled by cv2's /256) and `'color'` gives
 * `IMREAD_COLOR` as RGB. Null when the addon was built without imgcodecs (sharp decodes then).
 * The function itself returns null for bytes OpenCV cannot read (it gives no reason: callers check
 * the header first, see probeImage).
 */
export const decodeImageCv: CvBinding['decodeImageCv'] | null = (native as unknown as Partial<CvBinding>).decodeImageCv ?? null;

/**
 * {@link decodeImageCv} on libuv's thread pool (an AsyncWorker in the addon): the same result as a
 * Promise, so several slices decode at once while the JS thread hashes and checks the next files.
 * Null when the addon predates it or has no imgcodecs.
 */
export const decodeImageCvAsync: CvBinding['decodeImageCvAsync'] | null = (native as unknown as Partial<CvBinding>).decodeImageCvAsync ?? null;
