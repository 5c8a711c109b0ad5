/**
 * A chain run off the JS thread: the chain's steps are run once on stand-in images that carry
 * only their size, recording the addon operations they call (the steps' own checks run as
 * usual); the recorded program then runs on libuv's thread pool in the addon
 * (`imageProgramAsync`, an AsyncWorker), so several slices are preprocessed at once. The
 * operations are the same native OpenCV calls as {@link applyChain} makes, so the pixels are too.
 */
import { native } from '../torch/native.js';
import { applyChain, stepError } from './chain.js';
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

/**
 * The chain as one addon program for `image`, or null when a step needs pixels to decide. With
 * each instruction's step (`owner`, 0-based) and each step's input image (only its size is real),
 * so a failure on the pool is reported naming the step as in line.
 *
 * @throws AlzbenchError as applyChain: a step's own check (e.g. gray input required)
 */
function record(chain: Chain, image: Raster): { program: Instruction[]; output: number; owner: number[]; inputs: Raster[] } | null {
  const refs = new Map<Raster, number>([[image, 0]]);
  const program: Instruction[] = [];
  const owner: number[] = [];
  const inputs: Raster[] = [];
  const refOf = (r: Raster) => {
    const ref = refs.get(r);
    if (ref === undefined) throw new PixelsNeeded('a step made an image without the operations');
    return ref;
  };
  const ops = nativeOpsOver((op, input, args, width, height, channels, second) => {
    program.push([op, args, refOf(input), second ? refOf(second) : -1]);
    owner.push(inputs.length - 1);
    const out = standIn(width, height, channels);
    refs.set(out, program.length);
    return out;
  });
  let current = image;
  for (const [index, step] of chain.steps.entries()) {
    inputs.push(current);
    try {
      current = step.definition.apply(current, step.params, ops);
    } catch (error) {
      if (error instanceof PixelsNeeded || (error as Error).cause instanceof PixelsNeeded) return null;
      throw stepError(step, index, current, error); // a step's own check: the same error as in line
    }
  }
  return { program, output: refOf(current), owner, inputs };
}

/**
 * Runs a chain on one image on libuv's thread pool through the addon's native OpenCV, resolving
 * to the same pixels as `applyChain(chain, image)` with the native backend. In line (and
 * synchronously) when the addon has no `imageProgramAsync` or no OpenCV (decided once, when this
 * module loads), or a step needs pixels to decide what to do. Failures are never retried in line:
 * an operation OpenCV refuses rejects with the error the in-line chain throws.
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
  const { program, output, owner, inputs } = recorded;
  if (output === 0) return image; // every step passed the image through (e.g. grayscale on gray)
  // The program's last image is the output unless a step returned an earlier one: run up to it.
  let out: Awaited<ReturnType<ProgramBinding['imageProgramAsync']>>;
  try {
    out = await imageProgramAsync(image.data, image.width, image.height, image.channels, program.slice(0, output));
  } catch (error) {
    // OpenCV refused an instruction: the addon says which, so the error names its step and the
    // step's input size exactly as in line. Anything else is a bug and goes up as it is.
    const at = (error as { instruction?: unknown } | null)?.instruction;
    const index = typeof at === 'number' ? owner[at] : undefined;
    if (index === undefined) throw error;
    throw stepError(chain.steps[index]!, index, inputs[index]!, error);
  }
  return makeRaster(out.width, out.height, out.channels, out.data);
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
