// Layer rules from ../shared/docs/DESIGN.md: a folder under src/ may import only folders on its own
// row or a lower one, and nothing may form a cycle. Tests (*.test.ts) may use any layer: they check a
// lower layer against a higher one's reference. `.ci/run` fails on any finding.
/** Rows of DESIGN.md's layer picture, lowest first; folders on one row may import each other. */
const layers = [
  ['util'],
  ['run-folder'],
  ['store'],
  ['torch'],
  ['nn', 'optim'],
  ['preprocess'],
  ['data'],
  ['models'],
  ['eval'],
  ['train'],
  ['report'],
  ['sweep', 'queue'],
  ['cli', 'server', 'web'],
];
const forbidden = layers.flatMap((row, level) => {
  const higher = layers.slice(level + 1).flat();
  if (higher.length === 0) return [];
  return row.map((folder) => ({
    name: `layer-${folder}`,
    comment: `src/${folder}/ sits below ${higher.join(', ')} (DESIGN.md layers): dependencies point down only`,
    severity: 'error',
    from: { path: `^src/${folder}/`, pathNot: '\\.test\\.ts$' },
    to: { path: `^src/(${higher.join('|')})/` },
  }));
});
forbidden.push(
  {
    name: 'no-cycles',
    comment: 'modules must not import each other in a circle (type-only imports do not exist at run time)',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
  },
  {
    name: 'product-not-from-scripts',
    comment: 'the product (src/) must not import from scripts/ or bench/',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^(scripts|bench)/' },
  },
  {
    name: 'product-not-from-tests',
    comment: 'product modules must not import test files or test-only support',
    severity: 'error',
    from: { path: '^src/', pathNot: '(\\.test\\.ts|/testing/.*)$' },
    to: { path: '(\\.test\\.ts|/testing/.*)$' },
  },
);
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^src/web/app/' },
  },
};
