// Worker side of parquet-decode.ts: decodes the rows it is given and posts them back.
import { parentPort, workerData } from 'node:worker_threads';
import { parquetReadObjects } from 'hyparquet';

const bytes = workerData as Uint8Array;
try {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  // utf8: false keeps binary columns as bytes instead of decoding them as text.
  const rows = await parquetReadObjects({ file, utf8: false });
  parentPort!.postMessage({ rows });
} catch (error) {
  parentPort!.postMessage({ error: (error as Error).message });
}
