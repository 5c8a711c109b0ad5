// Helpers for the data tests: temporary folders and small synthetic slices written as real files.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import sharp from 'sharp';

/** The shared real sample beside the checkout (present in CI; tests that need it say so when it is not). */
export const SAMPLE_DIR = fileURLToPath(new URL('../../../shared/data/kaggle4-sample/', import.meta.url));
export const hasSample = existsSync(SAMPLE_DIR);

/** A fresh folder under the OS temp dir. */
export function tempDir(prefix = 'alzbench-data-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Pixels of a smooth synthetic "slice": a bright ellipse whose size and texture depend on `seed`. */
export function syntheticPixels(seed: number, width = 64, height = 72): Uint8Array {
  const data = new Uint8Array(width * height);
  const rx = 18 + (seed % 7) * 2;
  const ry = 22 + (seed % 5) * 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const e = ((x - width / 2) / rx) ** 2 + ((y - height / 2) / ry) ** 2;
      const texture = 40 * Math.sin((x * (1 + (seed % 3))) / 5 + seed) * Math.cos(y / (4 + (seed % 4)));
      data[y * width + x] = e < 1 ? Math.max(0, Math.min(255, 150 + texture)) : 0;
    }
  }
  return data;
}

/** Writes gray pixels as an image file (format from the extension), creating folders. */
export async function writeImage(path: string, pixels: Uint8Array, width = 64, height = 72): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Without toColourspace('b-w') sharp would write a 1-channel raw image as RGB.
  const image = sharp(Buffer.from(pixels), { raw: { width, height, channels: 1 } }).toColourspace('b-w');
  const buffer = path.endsWith('.png') ? await image.png().toBuffer() : await image.jpeg({ quality: 95 }).toBuffer();
  await writeFile(path, buffer);
}

/**
 * A parquet file in the Hugging Face image layout (Falah/Alzheimer_MRI): an `image` struct of
 * `bytes` and `path` (`<row>.png`), and an int64 `label`.
 */
export function huggingFaceParquet(images: readonly Uint8Array[], labels: readonly bigint[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'image', data: images.map((bytes, i) => ({ bytes: new Uint8Array(bytes), path: `${i}.png` })) },
      { name: 'label', data: [...labels] },
    ],
    schema: [
      { name: 'schema', num_children: 2 },
      { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
      { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'label', type: 'INT64', repetition_type: 'OPTIONAL' },
    ],
  });
  return new Uint8Array(buffer);
}
