/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} with an optional
 * "__metadata__" string map, then the raw little-endian tensor bytes. Keys are PyTorch's, so a
 * torchvision/timm state dict saved with `safetensors.torch.save_file` loads here and back.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { native } from '../torch/native.js';
import { Tensor } from '../torch/tensor.js';
import { DTYPE_CODE, DTYPE_SIZE, type DType } from '../torch/dtype.js';
import { noGrad } from '../torch/autograd.js';

const TO_SAFE: Record<DType, string> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const FROM_SAFE = new Map(Object.entries(TO_SAFE).map(([k, v]) => [v, k as DType]));

/** A safetensors file could not be read; names the file and what is wrong with it. */
export class SafetensorsError extends Error {
  /**
   * Builds the message `<path> is not a valid safetensors file: <problem>`.
   *
   * @param path the file that was read
   * @param problem what is wrong, with the values found
   */
  constructor(path: string, problem: string) {
    super(`${path} is not a valid safetensors file: ${problem}`);
    this.name = 'SafetensorsError';
  }
}

/** Metadata key of the SHA-256 (hex) of the data section: every tensor's bytes, in file order. */
export const TENSORS_SHA256 = 'tensors_sha256';

/**
 * Writes tensors to `path` atomically (temp file + rename), with optional string metadata.
 * With `checksum`, the metadata also holds {@link TENSORS_SHA256}, which {@link loadSafetensors}
 * verifies: a flipped byte in any tensor is then an error, not silently different weights.
 * Keys are sorted; data is 8-byte aligned as the reference writer does.
 *
 * Source: safetensors format (https://github.com/huggingface/safetensors), `safetensors.torch.save_file`.
 *
 * @example
 * saveSafetensors('model.safetensors', model.stateDict(), { model: 'vgg19' });
 *
 * @param path the file to write (replaced if it exists)
 * @param tensors tensors by key; any device (copied to the CPU), row-major bytes
 * @param metadata string map stored as `__metadata__` (default none)
 * @param options `checksum` (default false): also store {@link TENSORS_SHA256} of the tensor bytes, verified on load
 * @throws Error from node:fs (ENOENT, EACCES, ENOSPC) when the file cannot be written.
 */
export function saveSafetensors(path: string, tensors: Map<string, Tensor>, metadata: Record<string, string> = {}, options: { checksum?: boolean } = {}): void {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  noGrad(() => {
    for (const name of names) {
      const t = tensors.get(name)!;
      const bytes = new Uint8Array(native.toBytes(t.handle));
      header[name] = { dtype: TO_SAFE[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
      chunks.push(bytes);
      offset += bytes.byteLength;
    }
  });
  if (options.checksum) {
    const hash = createHash('sha256');
    for (const chunk of chunks) hash.update(chunk);
    metadata = { ...metadata, [TENSORS_SHA256]: hash.digest('hex') };
  }
  // The metadata goes first in the header, as the reference implementation writes it.
  const ordered = Object.keys(metadata).length ? { __metadata__: metadata, ...header } : header;
  let json = JSON.stringify(ordered);
  // Pad with spaces so the data starts 8-byte aligned (as the reference implementation does).
  json += ' '.repeat((8 - ((Buffer.byteLength(json) + 8) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, Buffer.concat([head, Buffer.from(json), ...chunks]));
  renameSync(tmp, path);
}

/** Tensors and metadata read from a safetensors file. */
export interface SafetensorsContent {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Reads every tensor of a safetensors file (CPU), validating the header against the file.
 *
 * Source: safetensors format (https://github.com/huggingface/safetensors), `safetensors.torch.load_file`.
 *
 * @param path the file to read
 * @returns `tensors` by key (new CPU tensors, caller disposes) and `metadata` (empty when none)
 * @throws SafetensorsError `<path> is not a valid safetensors file: <problem>` when the file is shorter than 8 bytes, the header
 * length exceeds the file, the header is not JSON, a dtype is not one alzbench reads (e.g. F8_E4M3), or a tensor's
 * offsets do not match its shape and dtype.
 * @throws Error from node:fs (ENOENT, EACCES) when the file cannot be read.
 */
export function loadSafetensors(path: string): SafetensorsContent {
  const file = readFileSync(path);
  if (file.byteLength < 8) throw new SafetensorsError(path, `it holds ${file.byteLength} bytes, fewer than the 8-byte header length`);
  const headerLength = Number(file.readBigUInt64LE(0));
  if (headerLength > file.byteLength - 8) throw new SafetensorsError(path, `header length ${headerLength} exceeds the file size ${file.byteLength}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8'));
  } catch (error) {
    throw new SafetensorsError(path, `its header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError(path, 'its header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = file.byteLength - dataStart;
  const rawMetadata = header.__metadata__ ?? {};
  if (
    typeof rawMetadata !== 'object' ||
    rawMetadata === null ||
    Array.isArray(rawMetadata) ||
    !Object.values(rawMetadata).every((x) => typeof x === 'string')
  ) {
    throw new SafetensorsError(path, '__metadata__ is not a map of strings');
  }
  const metadata = rawMetadata as Record<string, string>;
  // Check every entry before making any tensor, so a bad file leaks nothing.
  const entries: { name: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype: safeDtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = typeof safeDtype === 'string' ? FROM_SAFE.get(safeDtype) : undefined;
    if (!dtype) throw new SafetensorsError(path, `tensor "${name}" has dtype ${String(safeDtype)}, which alzbench does not read`);
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new SafetensorsError(path, `tensor "${name}" has shape ${JSON.stringify(shape)}, not a list of at most 8 non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o)))
      throw new SafetensorsError(path, `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, not two integers`);
    const [begin, end] = offsets as [number, number];
    const expected = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_SIZE[dtype];
    if (!(begin >= 0 && end <= dataLength && end - begin === expected)) {
      throw new SafetensorsError(
        path,
        `tensor "${name}" (${safeDtype} [${(shape as number[]).join(', ')}]) needs ${expected} bytes but its offsets [${begin}, ${end}] give ${end - begin} within ${dataLength} data bytes`,
      );
    }
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  const recorded = metadata[TENSORS_SHA256];
  if (recorded !== undefined) {
    const actual = createHash('sha256').update(file.subarray(dataStart)).digest('hex');
    if (actual !== recorded)
      throw new SafetensorsError(
        path,
        `its tensor bytes do not match their recorded SHA-256 (${recorded.slice(0, 12)}... recorded, ${actual.slice(0, 12)}... found): the file is damaged`,
      );
  }
  const tensors = new Map<string, Tensor>();
  for (const { name, dtype, shape, begin, end } of entries) {
    const bytes = file.subarray(dataStart + begin, dataStart + end);
    tensors.set(name, new Tensor(native.fromBytes(bytes, shape, DTYPE_CODE[dtype])));
  }
  return { tensors, metadata };
}
