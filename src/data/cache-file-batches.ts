import { closeSync, openSync, read, readSync } from 'node:fs';
import { tensor } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { makeRaster, type Raster } from '../preprocess/raster.js';
import { BatchLoadError, IssuedBatches, type BatchSource } from './batch-prefetch.js';
import type { CacheRow } from './slice-cache.js';

const HINT = 'the slice-cache file changed or was cut short during the run: delete it (it is rebuilt) and train again, or train with --cache-dir none';

/**
 * Batches read from the slice-cache file instead of held in memory (a split larger than the
 * memory budget): each batch reads its rows' pixels with positioned reads (`load` on libuv's
 * thread pool, so the read overlaps the step; `loadSync` in line), resizes a slice whose size is
 * not the training size with the same `resize` as the in-memory path, and converts to float32
 * pixel / 255 on `device`. Gives byte-identical batches to {@link "data/batch-prefetch"!DeviceBatches | DeviceBatches} on the same slices.
 */
export class CacheFileBatches implements BatchSource {
  readonly kind = 'cache-file' as const;
  private readonly fd: number;
  private closed = false;
  /** Positioned reads on the thread pool not yet called back: the descriptor is closed only when none is left. */
  private readsInFlight = 0;
  private readonly issued = new IssuedBatches();

  /**
   * @param file the slice-cache file (held open until {@link dispose}: a file written over it later is not read)
   * @param rowList each row's place in the file, in split order
   * @param size [height, width] of a training slice
   * @param device where the batches are made, as a torch device string (`cpu`, `cuda`, `cuda:1`)
   * @param resize how a slice of another size is brought to `size` (data-tensors' resizeGray)
   * @throws Error from Node's `fs.openSync` (code `ENOENT`, `EACCES`, ...) when the file cannot be opened
   */
  constructor(
    readonly file: string,
    private readonly rowList: readonly CacheRow[],
    private readonly size: readonly [number, number],
    private readonly device: string,
    private readonly resize: (raster: Raster, height: number, width: number) => Uint8Array,
  ) {
    this.fd = openSync(file, 'r');
  }

  get rows(): number {
    return this.rowList.length;
  }

  private rowOf(index: number): CacheRow {
    const row = this.rowList[index];
    if (!row) throw new BatchLoadError(`Row ${index} is outside the ${this.rowList.length} slices streamed from ${this.file}`);
    return row;
  }

  private check(row: CacheRow, got: number): void {
    const want = row.width * row.height;
    if (got !== want)
      throw new BatchLoadError(`Slice-cache file ${this.file} ended at byte ${row.offset + got} while reading a slice of ${want} bytes at ${row.offset}`, {
        hint: HINT,
      });
  }

  private assemble(rows: readonly CacheRow[], pixels: readonly Uint8Array[]): Tensor {
    const [h, w] = this.size;
    const out = new Uint8Array(rows.length * h * w);
    rows.forEach((row, k) => out.set(this.resize(makeRaster(row.width, row.height, 1, pixels[k]!), h, w), k * h * w));
    const batch = tidy(() =>
      tensor(out, { shape: [rows.length, 1, h, w], device: this.device })
        .to('float32')
        .div_(255),
    );
    // Recorded so that dispose() frees a batch a failed step left behind (the BatchSource contract).
    return this.issued.add(batch, `of the slice-cache file ${this.file}`);
  }

  /** Refuses reads once the file is closed: its descriptor number may belong to another file by then. */
  private checkOpen(): void {
    if (this.closed) throw new BatchLoadError(`The batch source of the slice-cache file ${this.file} was disposed; no more batches can be read from it`);
  }

  /**
   * Reads rows `indices` with one positioned `fs.read` each on libuv's thread pool (all in flight
   * at once), resizes any slice that is not `size`, and converts the batch to float32 on `device`.
   *
   * @param indices row numbers into the row list (0-based), in batch order
   * @returns a new float32 [indices.length, 1, height, width] tensor (pixel / 255) on `device`, disposed by the caller
   * @throws BatchLoadError `Row <i> is outside the <n> slices streamed from <file>` for an index out of range;
   *   as a rejection, `Cannot read the slice-cache file <file>: <message>` when a read fails, or `Slice-cache file
   *   <file> ended at byte <b> while reading a slice of <bytes> bytes at <offset>` when the file was cut short
   */
  async load(indices: readonly number[]): Promise<Tensor> {
    this.checkOpen();
    const rows = indices.map((i) => this.rowOf(i));
    // Positioned reads of the one descriptor opened at the start, on libuv's thread pool.
    const pixels = await Promise.all(
      rows.map(
        (row) =>
          new Promise<Uint8Array>((resolve, reject) => {
            const buffer = new Uint8Array(row.width * row.height);
            this.readsInFlight++;
            read(this.fd, buffer, 0, buffer.length, row.offset, (error, bytesRead) => {
              this.readDone();
              if (error) reject(new BatchLoadError(`Cannot read the slice-cache file ${this.file}: ${error.message}`, { hint: HINT, cause: error }));
              else {
                try {
                  this.check(row, bytesRead);
                  resolve(buffer);
                } catch (short) {
                  reject(short);
                }
              }
            });
          }),
      ),
    );
    return this.assemble(rows, pixels);
  }

  /**
   * {@link load} with `fs.readSync` on the JS thread; the same bytes, so the same tensor.
   *
   * @param indices row numbers into the row list (0-based), in batch order
   * @returns a new float32 [indices.length, 1, height, width] tensor (pixel / 255) on `device`, disposed by the caller
   * @throws BatchLoadError `Row <i> is outside the <n> slices streamed from <file>`, or `Slice-cache file <file>
   *   ended at byte <b> while reading a slice of <bytes> bytes at <offset>` when the file was cut short
   * @throws BatchLoadError `The batch source of the slice-cache file <file> was disposed; ...` after {@link dispose}
   * @throws Error from Node's `fs.readSync` when a read fails
   */
  loadSync(indices: readonly number[]): Tensor {
    this.checkOpen();
    const rows = indices.map((i) => this.rowOf(i));
    const pixels = rows.map((row) => {
      const buffer = new Uint8Array(row.width * row.height);
      this.check(row, readSync(this.fd, buffer, 0, buffer.length, row.offset));
      return buffer;
    });
    return this.assemble(rows, pixels);
  }

  /** Closes the descriptor once disposed and the last read in flight has called back. */
  private readDone(): void {
    this.readsInFlight--;
    if (this.closed && this.readsInFlight === 0) closeSync(this.fd);
  }

  /**
   * Frees the batches handed out and not disposed, and closes the file: at once, or, while reads of
   * a prefetched batch are in flight, when the last of them calls back (closing earlier could hand
   * their descriptor number to another file they would then read). A batch those reads finish is
   * refused (`... was disposed while a batch was being made`) and freed.
   */
  dispose(): void {
    this.issued.dispose();
    if (this.closed) return;
    this.closed = true;
    if (this.readsInFlight === 0) closeSync(this.fd);
  }
}
