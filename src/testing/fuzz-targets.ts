/**
 * The readers and parsers of this branch as fuzz targets (see harness.ts), each with small valid
 * seeds made here: images (PNG and JPEG via sharp, BMP), volumes (NIfTI data set and template
 * reader), parquet, config and sweep YAML, pipeline specs, run files (run.json, metrics.jsonl)
 * and checkpoints (safetensors). Readers that take a path get the input written to a temp file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { decodeImage } from '../data/decode-image.js';
import { readNiftiDataset } from '../data/nifti-reader.js';
import { readParquetDataset } from '../data/parquet-reader.js';
import { readNifti } from '../data/synth/nifti.js';
import { SafetensorsError, saveSafetensors } from '../nn/safetensors.js';
import { parseChain } from '../preprocess/chain-spec.js';
import { readSweepFile } from '../sweep/spec.js';
import { tensor } from '../torch/creation.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, disposeCheckpoint, loadCheckpoint } from '../models/checkpoint.js';
import { readConfigFile } from '../train/config.js';
import { parseMetricsText, readRunRecord } from '../run-folder/run-files.js';
import { captureWarnings } from '../util/warn.js';
import { bmp24 } from './bomb-images.js';
import type { FuzzTarget } from './fuzz-harness.js';

const text = (s: string) => new TextEncoder().encode(s);
const decodeText = (b: Uint8Array) => new TextDecoder().decode(b);

/** A gray 24-bit BMP, bottom-up, rows padded to 4 bytes. */
function bmp(width: number, height: number): Uint8Array {
  const row = Math.ceil((width * 3) / 4) * 4;
  const out = bmp24(width, height, row * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width * 3; x++) out[54 + y * row + x] = (x * 7 + y * 13) & 0xff;
  return out;
}

/** A NIfTI-1 single file (.nii): 348-byte header, 4 extension bytes, uint8 voxels. */
function nifti1(nx: number, ny: number, nz: number): Uint8Array {
  const out = Buffer.alloc(352 + nx * ny * nz);
  out.writeInt32LE(348, 0);
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((d, i) => out.writeInt16LE(d, 40 + 2 * i));
  out.writeInt16LE(2, 70); // datatype uint8
  out.writeInt16LE(8, 72); // bits per voxel
  [1, 1, 1, 1].forEach((p, i) => out.writeFloatLE(p, 76 + 4 * i));
  out.writeFloatLE(352, 108); // vox_offset
  out.writeFloatLE(1, 112); // scl_slope
  out.write('n+1\0', 344, 'latin1');
  for (let i = 0; i < nx * ny * nz; i++) out[352 + i] = (i * 37) & 0xff;
  return out;
}

/** Temp folder for readers that take a path. */
function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'alzbench-fuzz-'));
}

/**
 * Every reader of this branch as a fuzz target, seeds included.
 *
 * @example
 * const findings = await fuzz(await readerTargets(), { iterations: 50 });
 */
export async function readerTargets(): Promise<FuzzTarget[]> {
  const pixels = Buffer.from(Array.from({ length: 16 * 16 }, (_, i) => (i * 11) & 0xff));
  const raw = { raw: { width: 16, height: 16, channels: 1 as const } };
  const png = new Uint8Array(await sharp(pixels, raw).png().toBuffer());
  const jpeg = new Uint8Array(await sharp(pixels, raw).jpeg().toBuffer());
  const dir = scratch();

  const parquetSeed = new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'image', data: [png, jpeg], type: 'BYTE_ARRAY' },
        { name: 'label', data: [0, 2], type: 'INT32' },
      ],
    }),
  );
  const checkpointPath = join(dir, 'seed.ckpt');
  const t = tensor([1, 2, 3, 4], { shape: [2, 2] });
  saveSafetensors(
    checkpointPath,
    new Map([['model.w', t]]),
    {
      format: CHECKPOINT_FORMAT,
      version: String(CHECKPOINT_VERSION),
      epoch: '1',
      config: '{}',
      optimizer: 'null',
      scheduler: 'null',
      trainer: JSON.stringify({ epoch: 1, best: null, badEpochs: 0, history: [] }),
    },
    { checksum: true },
  );
  t.dispose();
  const { readFileSync } = await import('node:fs');
  const checkpointSeed = new Uint8Array(readFileSync(checkpointPath));

  let n = 0;
  /** Writes the input to a fresh file and returns its path. */
  const file = (name: string, input: Uint8Array) => {
    const folder = join(dir, String(n++));
    mkdirSync(folder, { recursive: true });
    const path = join(folder, name);
    writeFileSync(path, input);
    return { folder, path };
  };
  const runJson = {
    format: 'alzbench-run',
    version: 1,
    id: 'r1',
    name: null,
    status: 'done',
    flags: {},
    created: '2025-01-01T00:00:00Z',
    code: { version: 'x', package: '0.1.0' },
    machine: { hostname: 'h', cpu: 'c', cores: 2 },
    epochsDone: 2,
    bestEpoch: 1,
  };

  return [
    { name: 'image (PNG, sharp)', seeds: [png], read: (b) => decodeImage(b, { name: 'fuzz.png' }) },
    { name: 'image (JPEG, native decoder)', seeds: [jpeg], read: (b) => decodeImage(b, { name: 'fuzz.jpg' }) },
    { name: 'image (BMP)', seeds: [bmp(8, 6)], read: (b) => decodeImage(b, { name: 'fuzz.bmp' }) },
    {
      name: 'volume (NIfTI data set reader)',
      seeds: [nifti1(6, 5, 4)],
      read: async (b) => {
        const { folder } = file('v.nii', b);
        writeFileSync(join(folder, 'subjects.csv'), 'subject,label,path\ns1,AD,v.nii\n');
        return readNiftiDataset(folder, join(folder, 'subjects.csv'), { from: 0, to: 1 });
      },
    },
    { name: 'volume (NIfTI template reader)', seeds: [nifti1(6, 5, 4)], read: (b) => readNifti(file('t.nii', b).path) },
    {
      name: 'parquet (Hugging Face layout)',
      seeds: [parquetSeed],
      // A runaway hyparquet decode is stopped after 10 s (data/parquet-decode.ts): contained, not a hang.
      slowMs: 15_000,
      read: async (b) => {
        const { folder } = file('x', new Uint8Array(0));
        mkdirSync(join(folder, 'data'), { recursive: true });
        writeFileSync(join(folder, 'data', 'train-00000-of-00001.parquet'), b);
        return readParquetDataset(folder);
      },
    },
    {
      name: 'config YAML',
      seeds: [text('data: d\nepochs: 5\nwidths: [4, 8]\nimage-size: 64x56\naugment: [zoom]\nlr: 0.01\nthreads: 2\n')],
      read: (b) => readConfigFile(file('c.yaml', b).path),
    },
    {
      name: 'sweep YAML',
      seeds: [
        text(
          'name: s\nbase: {data: d, epochs: 2}\ngrid:\n  batchSize: [16, 25]\n  invert: {T: {pipeline: invert}, F: {pipeline: none}}\nscales:\n  small: {base: {epochs: 1}}\n',
        ),
      ],
      read: (b) => readSweepFile(file('s.yaml', b).path),
    },
    {
      name: 'pipeline spec (short form)',
      seeds: [text('grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert'), text('resize(256,208)|merge(multiply,smooth=gaussian,k=11)')],
      read: (b) => parseChain(decodeText(b)),
    },
    {
      name: 'pipeline spec (YAML list)',
      seeds: [text('- grayscale\n- open: {k: 5, shape: rect}\n- clahe: {clip: 2, tile: 7}\n- resize: [64, 56]\n')],
      read: (b) => parseChain(decodeText(b)),
    },
    { name: 'run.json', seeds: [text(JSON.stringify(runJson, null, 2))], read: (b) => readRunRecord(file('run.json', b).path) },
    {
      name: 'metrics.jsonl',
      seeds: [text('{"epoch":1,"trainLoss":0.5,"val":{"loss":0.6}}\n{"epoch":2,"trainLoss":0.4,"val":{"loss":0.5}}\n')],
      read: (b) => captureWarnings(() => parseMetricsText(decodeText(b), 'metrics.jsonl')),
    },
    {
      name: 'checkpoint (safetensors)',
      seeds: [checkpointSeed],
      namedErrors: [SafetensorsError],
      read: (b) => disposeCheckpoint(loadCheckpoint(file('last.ckpt', b).path)),
    },
  ];
}
