// Longer fuzz run of every reader (src/fuzz/targets.ts): `node bench/fuzz/run.mjs [iterations] [seed]`
// (ALZBENCH_FUZZ_ONLY=<part of a target name> for one reader)
// after `npx tsc -p tsconfig.json`. Prints findings (target, iteration, kind, detail) and writes
// each finding's input to bench/fuzz/findings/<target>-<iteration>.bin for a replay.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fuzz } from '../../dist-test/testing/fuzz-harness.js';
import { readerTargets } from '../../dist-test/testing/fuzz-targets.js';

const iterations = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? 1);
const started = performance.now();
// ALZBENCH_FUZZ_ONLY=text keeps the targets whose name contains it.
const only = process.env.ALZBENCH_FUZZ_ONLY;
const targets = (await readerTargets()).filter((t) => !only || t.name.includes(only));
const findings = await fuzz(targets, { iterations, seed, slowMs: 2000 });
const out = fileURLToPath(new URL('./findings/', import.meta.url));
for (const f of findings) {
  console.log(`${f.target} #${f.iteration} ${f.kind}: ${f.detail}`);
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}${f.target.replace(/[^A-Za-z0-9]+/g, '-')}-${f.iteration}.bin`, Buffer.from(f.input, 'base64'));
}
console.log(
  `${targets.length} targets x ${iterations} inputs (seed ${seed}): ${findings.length} finding(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
process.exitCode = findings.length > 0 ? 1 : 0;
