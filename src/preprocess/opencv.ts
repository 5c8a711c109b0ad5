import { createRequire } from 'node:module';

/**
 * The part of opencv.js (`@techstark/opencv-js` 4.12) that alzbench uses. Typed by hand because the
 * package's own declarations are large and slow to check; every call here is covered by a parity
 * test against Python's cv2.
 */
export interface OpenCv {
  Mat: new (rows?: number, cols?: number, type?: number) => CvMat;
  Size: new (width: number, height: number) => unknown;
  Point: new (x: number, y: number) => unknown;
  CLAHE: new (clipLimit: number, tileGridSize: unknown) => { apply(src: CvMat, dst: CvMat): void; delete(): void };
  CV_8UC1: number;
  CV_8UC3: number;
  MORPH_RECT: number;
  MORPH_ELLIPSE: number;
  MORPH_CROSS: number;
  MORPH_OPEN: number;
  INTER_LINEAR: number;
  BORDER_DEFAULT: number;
  NORM_MINMAX: number;
  COLOR_RGB2GRAY: number;
  getStructuringElement(shape: number, size: unknown): CvMat;
  morphologyEx(src: CvMat, dst: CvMat, op: number, kernel: CvMat, anchor: unknown, iterations: number): void;
  GaussianBlur(src: CvMat, dst: CvMat, size: unknown, sigmaX: number, sigmaY: number, border: number): void;
  medianBlur(src: CvMat, dst: CvMat, k: number): void;
  blur(src: CvMat, dst: CvMat, size: unknown, anchor: unknown, border: number): void;
  resize(src: CvMat, dst: CvMat, size: unknown, fx: number, fy: number, interpolation: number): void;
  normalize(src: CvMat, dst: CvMat, alpha: number, beta: number, normType: number): void;
  cvtColor(src: CvMat, dst: CvMat, code: number): void;
}

/** A Mat in the wasm heap: it must be `delete()`d, the garbage collector never frees it. */
export interface CvMat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Uint8Array;
  channels(): number;
  delete(): void;
}

let loading: Promise<{ cv: OpenCv }> | undefined;

/**
 * Loads opencv.js once (about 0.3 s) and resolves to its module object.
 *
 * The Emscripten module object is a thenable: resolving a promise with it (or awaiting it, or
 * returning it from an async function) spins forever. So the loader resolves a wrapper `{ cv }`
 * and, once the runtime is up, removes the module's `then` so the object can be handed out.
 *
 * @example
 * const cv = await loadOpenCv();
 */
export async function loadOpenCv(): Promise<OpenCv> {
  loading ??= new Promise((resolve) => {
    const require = createRequire(import.meta.url);
    const module = require('@techstark/opencv-js') as OpenCv & { onRuntimeInitialized?: () => void };
    const ready = () => {
      delete (module as { then?: unknown }).then;
      resolve({ cv: module });
    };
    if (typeof module.Mat === 'function') ready();
    else module.onRuntimeInitialized = ready;
  });
  return (await loading).cv;
}
