/**
 * Decodes a parquet file's rows in a worker thread with a time limit. hyparquet is pure JS and,
 * on some damaged files, loops without end (found by src/fuzz); a worker can be stopped, the main
 * thread could not. Page headers are checked before (parquet-pages.ts) against the other failure,
 * value counts that abort V8.
 */
import { Worker } from 'node:worker_threads';
import { AlzbenchError } from '../util/errors.js';

const WORKER = new URL('./parquet-decode-worker.js', import.meta.url);

/**
 * The rows of a parquet file as objects (binary columns as bytes), decoded off the main thread.
 *
 * @param file the file's name, for error messages
 * @param bytes the whole parquet file (page headers already checked, see `checkParquetPages`)
 * @param timeoutMs wall-clock limit (default: 10 s plus 1 s per 10 MB)
 * @returns one object per row, keyed by column (hyparquet's `parquetReadObjects` in a worker thread)
 * @throws AlzbenchError (exit 2) `<file>: decoding took longer than <s> s and was stopped ...`
 * @throws Error with the decoder's message when decoding fails
 */
export function decodeParquetRows(file: string, bytes: Uint8Array, timeoutMs = 10_000 + bytes.length / 10_000): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: bytes });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(
        new AlzbenchError(`${file}: decoding took longer than ${(timeoutMs / 1000).toFixed(0)} s and was stopped (a damaged parquet file?)`, { exitCode: 2 }),
      );
    }, timeoutMs);
    worker.once('message', (message: { rows?: Array<Record<string, unknown>>; error?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (message.rows) resolve(message.rows);
      else reject(new Error(message.error ?? 'unknown error'));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
