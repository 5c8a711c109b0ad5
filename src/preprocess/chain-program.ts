/**
 * A chain run off the JS thread: the chain's steps are run once on stand-in images that carry
 * only their size, recording the addon operations they call (the steps' own checks run as
 * usual); the recorded program then runs on libuv's thread pool in the addon
 * (`imageProgramAsync`, an AsyncWorker), so several slices are preprocessed at once. The
 * operations are the same native OpenCV calls as {@link applyChain} makes, so the pixels are too.
 */
import { native } from '../torch/native.js';
import { applyChain } from './chain.js';
import type { Chain } from './chain-spec.js';
import type { ImageOps } from './image-ops.js';
import { nativeImageOps, nativeOpsOver } from './native-image-ops.js';
import { makeRaster, type Raster } from './raster.js';

type Instruction = [op: string, args: number[], input: number, second: number];

interface ProgramBinding {
  imageProgramAsync(
    data: Uint8Array,
    width: number,
    height: number,
    channels: number,
    program: Instruction[],
  ): Promise<{ width: number; height: number; channels: 1 | 3; data: Uint8Array }>;
}
const imageProgramAsync = (native as unknown as Partial<ProgramBinding>).imageProgramAsync ?? null;

/** Thrown by a stand-in image when a step reads pixels: such a chain runs in line instead. */
class PixelsNeeded extends Error {}

function standIn(width: number, height: number, channels: 1 | 3): Raster {
  return {
    width,
    height,
    channels,
    get data(): Uint8Array {
      throw new PixelsNeeded('a step reads pixels while the chain is being recorded');
    },
  };
}

/** The chain as one addon program for `image`, or null when a step needs pixels to decide. */
function record(chain: Chain, image: Raster): { program: Instruction[]; output: number } | null {
  const refs = new Map<Raster, number>([[image, 0]]);
  const program: Instruction[] = [];
  const refOf = (r: Raster) => {
    const ref = refs.get(r);
    if (ref === undefined) throw new PixelsNeeded('a step made an image without the operations');
    return ref;
  };
  const ops = nativeOpsOver((op, input, args, width, height, channels, second) => {
    program.push([op, args, refOf(input), second ? refOf(second) : -1]);
    const out = standIn(width, height, channels);
    refs.set(out, program.length);
    return out;
  });
  let current = image;
  try {
    for (const step of chain.steps) current = step.definition.apply(current, step.params, ops);
  } catch (error) {
    if (error instanceof PixelsNeeded || (error as Error).cause instanceof PixelsNeeded) return null;
    throw error; // a step's own check (e.g. gray input required): the same error as in line
  }
  return { program, output: refOf(current) };
}

/**
 * Runs a chain on one image on libuv's thread pool through the addon's native OpenCV, resolving
 * to the same pixels as `applyChain(chain, image)` with the native backend. In line (and
 * synchronously) when the addon has no `imageProgramAsync` or no OpenCV, or a step needs pixels
 * to decide what to do.
 *
 * @throws AlzbenchError as applyChain: naming the step and image size when OpenCV fails, or a step's own check
 * @example
 * const out = await applyChainAsync(parseChain('grayscale|clahe(clip=2,tile=7)'), slice);
 */
export async function applyChainAsync(chain: Chain, image: Raster): Promise<Raster> {
  if (chain.steps.length === 0) return image;
  if (!imageProgramAsync || !nativeImageOps) return applyChain(chain, image);
  const recorded = record(chain, image);
  if (!recorded) return applyChain(chain, image, nativeImageOps);
  const { program, output } = recorded;
  if (output === 0) return image; // every step passed the image through (e.g. grayscale on gray)
  // The program's last image is the output unless a step returned an earlier one: run up to it.
  try {
    const out = await imageProgramAsync(image.data, image.width, image.height, image.channels, program.slice(0, output));
    return makeRaster(out.width, out.height, out.channels, out.data);
  } catch {
    // OpenCV refused an operation: the same chain in line throws the error that names the step
    // and the image it failed on, exactly as without the thread pool.
    return applyChain(chain, image, nativeImageOps);
  }
}

/**
 * One slice through the chain with a given backend: {@link applyChainAsync} (libuv's thread pool,
 * several slices at once) for the addon's native OpenCV, {@link applyChain} in line for opencv.js.
 *
 * @returns the preprocessed slice (the same pixels either way for a given backend)
 */
export async function applyChainWith(chain: Chain, image: Raster, ops: ImageOps): Promise<Raster> {
  return ops.backend === 'native' ? applyChainAsync(chain, image) : applyChain(chain, image, ops);
}
