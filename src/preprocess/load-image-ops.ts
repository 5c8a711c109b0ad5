import { AlzbenchError } from '../util/errors.js';
import { isOpenCvModule, type ImageOps } from './image-ops.js';
import { nativeImageOps } from './native-image-ops.js';
import { loadOpenCv } from './opencv.js';
import { openCvJsImageOps } from './opencvjs-image-ops.js';

/** Which OpenCV runs the preprocessing modules. */
export type ImageBackend = 'native' | 'opencv.js';

/**
 * The preprocessing backend: native OpenCV when the addon has it (default), else opencv.js.
 * `ALZBENCH_IMAGE_BACKEND=opencv.js` or the argument forces one.
 *
 * @example
 * const out = applyChain(parseChain('grayscale|clahe(clip=2,tile=7)'), slice, await loadImageOps());
 */
export async function loadImageOps(backend?: ImageBackend): Promise<ImageOps> {
  const choice = backend ?? (process.env.ALZBENCH_IMAGE_BACKEND as ImageBackend | undefined);
  if (choice === 'opencv.js' || (!choice && !nativeImageOps)) return openCvJsImageOps(await loadOpenCv());
  if (choice !== undefined && choice !== 'native') {
    throw new AlzbenchError(`Expected "native" or "opencv.js" for the image backend but received ${JSON.stringify(choice)} of type string`);
  }
  if (!nativeImageOps) {
    throw new AlzbenchError('the native addon was built without OpenCV', {
      hint: 'install libopencv-imgproc-dev and rebuild (node scripts/build-native.mjs), or use the opencv.js backend',
    });
  }
  return nativeImageOps;
}

/**
 * The backend to use without waiting: native OpenCV when built in. Accepts an opencv.js module
 * for callers that loaded one themselves.
 */
export function resolveImageOps(ops?: ImageOps | unknown): ImageOps {
  if (ops && !isOpenCvModule(ops)) return ops as ImageOps;
  if (isOpenCvModule(ops)) return openCvJsImageOps(ops);
  if (nativeImageOps) return nativeImageOps;
  throw new AlzbenchError('no preprocessing backend loaded', { hint: 'pass the result of await loadImageOps()' });
}
