// Decoding benchmark: the 38 real sample slices (176x208 gray JPEG), decode only, best of 5 rounds,
// one process: alzbench's decodeImage (header probe + OpenCV cv::imdecode in the addon) against
// cv2.imdecode(..., IMREAD_GRAYSCALE) in Python on the same bytes. Run: node bench/decode/run.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { decodeImage } from '../../dist/data/decode-image.js';

const root = new URL('../../../shared/data/kaggle4-sample/', import.meta.url).pathname;
const files = readdirSync(root).flatMap((c) => readdirSync(join(root, c)).map((f) => join(root, c, f)));
const bytes = files.map((f) => readFileSync(f));
const copies = 20;
const rounds = 5;
let best = Infinity;
for (let r = 0; r < rounds; r++) {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < copies; k++) for (const b of bytes) await decodeImage(b);
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
}
const ours = (bytes.length * copies) / best;
const py = spawnSync('/usr/bin/python3', [new URL('cv2_decode.py', import.meta.url).pathname, root, String(copies), String(rounds)], { encoding: 'utf8' });
const cv2 = py.status === 0 ? Number(py.stdout.trim()) : undefined;
console.log(
  JSON.stringify({
    machine: `${os.cpus()[0].model}, ${os.availableParallelism()} cores, node ${process.version}`,
    slices: bytes.length * copies,
    alzbenchSlicesPerS: Math.round(ours),
    cv2SlicesPerS: cv2 && Math.round(cv2),
    ratio: cv2 && +(cv2 / ours).toFixed(2),
  }),
);
