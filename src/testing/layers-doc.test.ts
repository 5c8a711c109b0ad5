import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sourcePath } from './tensor-helpers.js';

/** The layer rows of .dependency-cruiser.cjs, lowest first. */
function enforcedLayers(): string[][] {
  const text = readFileSync(sourcePath('.dependency-cruiser.cjs'), 'utf8');
  const literal = /const layers = (\[[\s\S]*?\]);/.exec(text)?.[1];
  assert.ok(literal, 'no `const layers = [...]` in .dependency-cruiser.cjs');
  return JSON.parse(literal.replace(/'/g, '"').replace(/,(\s*\])/g, '$1')) as string[][];
}

test("README's layout states the layer order the dependency rules enforce, and every src/ folder has a layer", () => {
  const layers = enforcedLayers();
  const readme = readFileSync(sourcePath('README.md'), 'utf8');
  const sentence = /Dependencies point down only, in the order of the table above read bottom to top: ([\s\S]*?)\. `\.dependency-cruiser\.cjs`/.exec(
    readme,
  )?.[1];
  assert.ok(sentence, "README's layout section lost its layer sentence");
  const stated = sentence.split('→').map((row) => [...row.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!));
  assert.deepEqual(stated, [...layers].reverse());
  // Each layer folder has its line in the layout table, and no folder of src/ is outside the rules
  // (src/testing is test-only support; src/web/app is the browser app, built apart).
  const table = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  for (const folder of layers.flat()) assert.match(table, new RegExp(`src/${folder}/`), `README's layout table has no line for src/${folder}/`);
  const folders = readdirSync(sourcePath('src'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'testing')
    .map((d) => d.name);
  assert.deepEqual(
    folders.filter((f) => !layers.flat().includes(f)),
    [],
  );
});
