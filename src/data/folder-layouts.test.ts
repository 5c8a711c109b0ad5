import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalClass } from './classes.js';
import { openDataset } from './open-dataset.js';
import { subjectsFromNames } from './subject-names.js';
import { syntheticPixels, tempDir, writeImage } from '../testing/data-helpers.js';
import { sourcePath } from '../testing/tensor-helpers.js';

test('class names match by synonym, case, spaces, underscores and hyphens', () => {
  const cases: Array<[string, string]> = [
    ['No Impairment', 'NonDemented'],
    ['non-demented', 'NonDemented'],
    ['Non_Demented', 'NonDemented'],
    ['Very mild Dementia', 'VeryMildDemented'],
    ['VERY_MILD_IMPAIRMENT', 'VeryMildDemented'],
    ['Mild Impairment', 'MildDemented'],
    ['Moderate Dementia', 'ModerateDemented'],
    ['AD', 'Alzheimer'],
    ['CN', 'NonAlzheimer'],
    ['nc', 'NonAlzheimer'],
    ['MCI', 'MCI'],
    ['EMCI', 'EMCI'],
    ['glioma', 'glioma'],
  ];
  assert.deepEqual(
    cases.map(([name]) => canonicalClass(name)),
    cases.map(([, want]) => want),
  );
});

test('junk is ignored and single-child wrappers at any depth are descended', async () => {
  const root = await tempDir();
  const data = join(root, 'archive', 'Combined Dataset');
  for (const [i, cls] of ['No Impairment', 'Mild Impairment'].entries()) {
    for (const split of ['train', 'test']) await writeImage(join(data, split, cls, `${i}.jpg`), syntheticPixels(i + (split === 'test' ? 5 : 0)));
  }
  await mkdir(join(data, 'train', '__MACOSX', 'No Impairment'), { recursive: true });
  await writeFile(join(data, 'train', '__MACOSX', 'No Impairment', '._0.jpg'), Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]));
  for (const junk of ['.DS_Store', 'Thumbs.db', 'desktop.ini', '._1.jpg']) await writeFile(join(data, 'train', 'No Impairment', junk), 'x');
  await writeFile(join(root, 'archive', '.DS_Store'), 'x');
  const dataset = await openDataset(root);
  assert.deepEqual([dataset.layout, dataset.items.length, dataset.problems], ['kaggle-4class', 4, []]);
  assert.deepEqual([...new Set(dataset.items.map((i) => i.sourceClass))].sort(), ['MildDemented', 'NonDemented']);
  assert.deepEqual(dataset.notes, [
    'data found below wrapper folder(s): archive/Combined Dataset/',
    'ignored 5 archive/desktop metadata entries (__MACOSX/, ._*, .DS_Store, Thumbs.db, desktop.ini, dot-files)',
  ]);
});

test('synonyms apply only when every class name is known: a generic set keeps its folder names', async () => {
  const root = await tempDir();
  await writeImage(join(root, 'glioma', '1.png'), syntheticPixels(1));
  await writeImage(join(root, 'healthy', '2.png'), syntheticPixels(2));
  const dataset = await openDataset(root);
  assert.deepEqual([dataset.layout, dataset.items.map((i) => i.sourceClass)], ['class-folders', ['glioma', 'healthy']]);
});

test('subjects from slice file names: OASIS names, <id>_<slice> names, --subject-pattern', async () => {
  const item = (id: string) => ({ id, sourceClass: 'NonDemented', source: { kind: 'file' as const, path: id } });
  const base = { root: '/x', layout: 'kaggle-4class' as const, defaultTask: '4class', problems: [] };
  const oasis = subjectsFromNames({
    ...base,
    items: ['Non Demented/OAS1_0308_MR1_mpr-1_101.jpg', 'Non Demented/OAS1_0308_MR1_mpr-2_102.jpg', 'Non Demented/OAS1_0380_MR2_mpr-4_158.jpg'].map(item),
  });
  assert.deepEqual(
    [oasis.source.kind, oasis.source.subjects, oasis.dataset.items.map((i) => [i.subject, i.session])],
    [
      'oasis-names',
      2,
      [
        ['OAS1_0308', 'MR1'],
        ['OAS1_0308', 'MR1'],
        ['OAS1_0380', 'MR2'],
      ],
    ],
  );
  const ids = subjectsFromNames({ ...base, items: ['a/sub01_045.png', 'a/sub01_046.png', 'b/sub02_045.png'].map(item) });
  assert.deepEqual([ids.source.kind, ids.dataset.items.map((i) => i.subject)], ['id-slice-names', ['sub01', 'sub01', 'sub02']]);
  // Kaggle names ("26 (19).jpg") and names whose "IDs" never repeat give no subjects.
  assert.equal(subjectsFromNames({ ...base, items: ['a/26 (19).jpg', 'a/27.jpg'].map(item) }).source.kind, 'none');
  assert.equal(subjectsFromNames({ ...base, items: ['a/scan_1.png', 'a/other_2.png'].map(item) }).source.kind, 'none');
  const pattern = subjectsFromNames({ ...base, items: ['P12-left.png', 'P12-right.png', 'P7-left.png'].map(item) }, '^(?<subject>P\\d+)-');
  assert.deepEqual(
    [pattern.source, pattern.dataset.items.map((i) => i.subject)],
    [{ kind: 'subject-pattern', pattern: '^(?<subject>P\\d+)-', items: 3, subjects: 2 }, ['P12', 'P12', 'P7']],
  );
  assert.throws(() => subjectsFromNames({ ...base, items: ['P12-left.png', 'x.png'].map(item) }, '^(P\\d+)'), {
    message: '--subject-pattern "^(P\\\\d+)" matches no subject in 1 of 2 file names, e.g. "x.png"',
  });
});

test('Hub auto-converted parquet with two configs asks which one', async () => {
  const source = sourcePath('../shared/cases/05-hf-parquet-layouts/hf-convert-layout/default/train/0000.parquet');
  if (!existsSync(source)) return;
  const root = await tempDir();
  for (const config of ['default', 'augmented']) {
    await mkdir(join(root, config, 'train'), { recursive: true });
    await copyFile(source, join(root, config, 'train', '0000.parquet'));
  }
  await assert.rejects(openDataset(root), (error: Error & { hint: string; exitCode: number }) => {
    assert.equal(error.message, `Found 2 parquet configs in ${root}, each a whole data set: augmented, default`);
    assert.equal(error.hint, `pick one and give its path, e.g. alzbench data inspect ${JSON.stringify(join(root, 'default'))}`);
    assert.equal(error.exitCode, 2);
    return true;
  });
  const one = await openDataset(join(root, 'default'));
  assert.deepEqual([one.layout, one.items.length, new Set(one.items.map((i) => i.sourceSplit))], ['parquet', 16, new Set(['train'])]);
});

test('split folders beside other folders: the splits are read, the rest named in a note', async () => {
  const root = await tempDir();
  for (const [i, cls] of ['CN', 'AD'].entries()) {
    await writeImage(join(root, 'train', cls, `${i}.png`), syntheticPixels(i));
    await writeImage(join(root, 'test', cls, `${i}.png`), syntheticPixels(i + 3));
  }
  await writeImage(join(root, 'figures', 'plot.png'), syntheticPixels(9));
  const dataset = await openDataset(root);
  assert.deepEqual([dataset.layout, dataset.defaultTask, dataset.items.length], ['kaggle-binary', 'binary', 4]);
  assert.deepEqual(dataset.notes, ['ignored folder(s) beside the split folders: figures']);
});

test('a Git LFS pointer with any extension in a class folder is reported as one', async () => {
  const root = await tempDir();
  await writeImage(join(root, 'AD', 'a.png'), syntheticPixels(1));
  await writeImage(join(root, 'CN', 'b.png'), syntheticPixels(2));
  await writeFile(
    join(root, 'CN', 'sub-01_T1w.nii.gz'),
    'version https://git-lfs.github.com/spec/v1\noid sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nsize 4096\n',
  );
  await writeFile(join(root, 'CN', 'notes.txt'), 'not data');
  const dataset = await openDataset(root);
  assert.deepEqual(
    dataset.problems.map((p) => [p.kind, p.path]),
    [
      ['not-image', join('CN', 'notes.txt')],
      ['lfs-pointer', join('CN', 'sub-01_T1w.nii.gz')],
    ],
  );
  assert.match(dataset.problems[1]!.detail, /real file 4,096 bytes.*git lfs pull/);
});
