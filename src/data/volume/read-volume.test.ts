import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { readVolume, readVolumeBytes } from './read-volume.js';
import type { VolumeError } from './volume-error.js';
import { tempDir } from '../../testing/data-helpers.js';
import { niftiBytes } from '../../testing/test-volumes.js';

// Tiny volumes and nibabel 5.0's reading of them (as_closest_canonical(load(f)).get_fdata()),
// made by scripts/fixtures/make_volume_fixtures.py.
const FIXTURES = fileURLToPath(new URL('../../../src/data/volume/fixtures/', import.meta.url));
interface Expected {
  class: string;
  source_shape: number[];
  axcodes: string;
  source_affine: number[];
  shape: number[];
  affine: number[];
  data: Array<number | null>;
  volume_index?: number;
  dropped?: number;
  non_finite?: number;
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { files: Record<string, Expected>; truncated_error: string };
const FORMAT: Record<string, string> = {
  Nifti1Image: 'nifti1',
  Nifti1Pair: 'nifti1',
  Nifti2Image: 'nifti2',
  Nifti2Pair: 'nifti2',
  Spm2AnalyzeImage: 'analyze',
};

function assertClose(actual: readonly number[], wanted: readonly number[], tolerance: number, what: string) {
  assert.equal(actual.length, wanted.length, `${what}: length`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - wanted[i]!) <= tolerance, `${what}[${i}]: ${v} vs nibabel ${wanted[i]}`));
}

for (const [name, want] of Object.entries(expected.files)) {
  test(`${name} reads as nibabel reads it (${want.class}, ${want.axcodes})`, async () => {
    const v = await readVolume(join(FIXTURES, name), want.volume_index === undefined ? {} : { volumeIndex: want.volume_index });
    assert.deepEqual(v.shape, want.shape);
    assert.deepEqual(v.sourceShape, want.source_shape);
    assert.equal(v.sourceAxcodes, want.axcodes);
    assert.equal(v.format, FORMAT[want.class]);
    assert.equal(v.droppedVolumes, want.dropped ?? 0);
    assert.equal(v.nonFiniteCount, want.non_finite ?? 0);
    assertClose(v.affine, want.affine, 1e-5, 'affine');
    // nibabel scales in float64; we store float32: exactly the float32 nearest to nibabel's value.
    const wanted = want.data.map((x) => (x === null ? 0 : Math.fround(x)));
    assert.deepEqual(Array.from(v.data), wanted);
    const spacing = [0, 1, 2].map((c) => Math.hypot(want.affine[c]!, want.affine[4 + c]!, want.affine[8 + c]!));
    assertClose(v.spacing, spacing, 1e-5, 'spacing');
  });
}

test('readVolumeBytes (an upload in memory) gives what nibabel reads from the same .nii and .nii.gz files; pairs and oversized headers are named', async () => {
  for (const name of Object.keys(expected.files).filter((n) => /\.nii(\.gz)?$/.test(n))) {
    const want = expected.files[name]!;
    const v = await readVolumeBytes(
      await readFile(join(FIXTURES, name)),
      'the upload',
      want.volume_index === undefined ? {} : { volumeIndex: want.volume_index },
    );
    assert.deepEqual(v.shape, want.shape, name);
    assert.equal(v.sourceAxcodes, want.axcodes, name);
    assert.deepEqual(
      Array.from(v.data),
      want.data.map((x) => (x === null ? 0 : Math.fround(x))),
      name,
    );
  }
  await assert.rejects(
    readVolumeBytes(await readFile(join(FIXTURES, 'pair.hdr')), 'the upload'),
    (e: VolumeError) =>
      e.code === 'not-a-volume' && /^not-a-volume: the upload: .*separate \.img file/.test(e.message) && /one \.nii or \.nii\.gz/.test(e.hint ?? ''),
  );
  await assert.rejects(
    readVolumeBytes(await readFile(join(FIXTURES, 'int16_le.nii')), 'the upload', { limits: { maxSide: 4, maxVoxels: 1000 } }),
    (e: VolumeError) => e.code === 'too-large' && /the limit is 4 per axis and 1000 voxels/.test(e.message),
  );
  await assert.rejects(
    readVolumeBytes(Buffer.from('not a volume at all'), 'the upload'),
    /VolumeError: not-a-volume: the upload: not a NIfTI or Analyze volume: it is a text file/,
  );
});

test('canonical: false keeps the stored voxel order and affine', async () => {
  const want = expected.files['qform_only.nii']!;
  const v = await readVolume(join(FIXTURES, 'qform_only.nii'), { canonical: false });
  assert.deepEqual(v.shape, [5, 4, 3]);
  assertClose(v.affine, want.source_affine, 1e-5, 'affine');
  assert.deepEqual(Array.from(v.data.subarray(0, 6)), [-50, -49, -48, -47, -46, -40]);
  assert.equal(v.affineSource, 'qform');
});

test('a file shorter than its header says is a named truncated error', async () => {
  // nibabel: "OSError: Expected 120 bytes, got 100 bytes from truncated.nii - could the file be damaged?"
  assert.match(expected.truncated_error, /Expected 120 bytes, got 100 bytes/);
  await assert.rejects(readVolume(join(FIXTURES, 'truncated.nii')), (e: VolumeError) => {
    assert.equal(e.code, 'truncated');
    assert.match(
      e.message,
      /^truncated: .*truncated\.nii: expected 120 bytes of voxels \(5x4x3 int16\) after byte 352, got 100 - could the file be damaged\?$/,
    );
    return true;
  });
  // The same cut inside a gzip stream.
  const dir = await tempDir();
  const cut = (await readFile(join(FIXTURES, 'truncated.nii'))).subarray(0, 400);
  await writeFile(join(dir, 'cut.nii.gz'), gzipSync(cut));
  await assert.rejects(readVolume(join(dir, 'cut.nii.gz')), /^VolumeError: truncated: .*got 48 -/);
  // A gzip stream cut short itself.
  const whole = gzipSync(await readFile(join(FIXTURES, 'int16_le.nii')));
  await writeFile(join(dir, 'cutgz.nii.gz'), whole.subarray(0, whole.length - 30));
  await assert.rejects(readVolume(join(dir, 'cutgz.nii.gz')), (e: VolumeError) => e.code === 'truncated');
});

test('a file that is not a volume says what it is', async () => {
  const dir = await tempDir();
  const cases: Array<[string, Buffer, RegExp]> = [
    ['photo.nii', Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.alloc(400)]), /it is a JPEG image/],
    ['slice.nii', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.alloc(400)]), /it is a PNG image/],
    [
      'lfs.nii.gz',
      Buffer.from('version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345678\n'),
      /it is a Git LFS pointer file \(text standing for a 12345678-byte file/,
    ],
    ['png.nii.gz', gzipSync(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.alloc(400)])), /it is gzip-compressed a PNG image/],
    ['dicom.nii', Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.alloc(300)]), /it is a DICOM file/],
    [
      'random.nii',
      Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7919 + 13) % 251)),
      /unrecognised binary data \(header size field -?\d+; NIfTI-1\/Analyze say 348, NIfTI-2 540\)/,
    ],
    ['empty.nii', Buffer.alloc(0), /an empty file/],
    [
      'brain.mgz',
      gzipSync(Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 1, 0]), Buffer.alloc(400)])),
      /it is gzip-compressed a FreeSurfer MGH\/MGZ volume \(not supported\)/,
    ],
    ['brain.nrrd', Buffer.from(`NRRD0004\ntype: short\n${' '.repeat(400)}`), /it is an NRRD volume/],
  ];
  for (const [name, bytes, message] of cases) {
    await writeFile(join(dir, name), bytes);
    await assert.rejects(readVolume(join(dir, name)), (e: VolumeError) => {
      assert.equal(e.code, 'not-a-volume', name);
      assert.match(e.message, message);
      return true;
    });
  }
  await assert.rejects(readVolume(join(dir, 'lfs.nii.gz')), (e: VolumeError) => e.hint === 'run `git lfs pull` in the repository the data came from');
});

test('unsupported datatypes, oversized headers, bad volume indices and missing pair halves are named errors', async () => {
  const dir = await tempDir();
  const bytes = await readFile(join(FIXTURES, 'int16_le.nii'));
  const complex = Buffer.from(bytes);
  complex.writeInt16LE(32, 70);
  await writeFile(join(dir, 'complex.nii'), complex);
  await assert.rejects(
    readVolume(join(dir, 'complex.nii')),
    /^VolumeError: unsupported-datatype: .*complex64 \(code 32\) is not supported; supported: uint8, int16, int32, float32, float64, int8, uint16, uint32$/,
  );
  const huge = Buffer.from(bytes);
  for (const [i, n] of [2048, 2048, 2048].entries()) huge.writeInt16LE(n, 42 + 2 * i);
  await writeFile(join(dir, 'huge.nii'), huge);
  await assert.rejects(
    readVolume(join(dir, 'huge.nii')),
    /^VolumeError: too-large: .*the header declares 2048x2048x2048 voxels; the limit is 2048 per axis and 268435456 voxels$/,
  );
  await assert.rejects(
    readVolume(join(FIXTURES, 'four_d.nii.gz'), { volumeIndex: 2 }),
    /^VolumeError: volume-index: .*volumeIndex 2 is outside 0\.\.1 \(2 volume\(s\), shape 5x4x3x2\)$/,
  );
  const nanSform = Buffer.from(bytes);
  nanSform.writeFloatLE(Number.NaN, 280);
  await writeFile(join(dir, 'nan-sform.nii'), nanSform);
  await assert.rejects(readVolume(join(dir, 'nan-sform.nii')), /^VolumeError: bad-header: .*the sform affine has non-finite values \[NaN, 0, 0,/);
  await copyFile(join(FIXTURES, 'pair.hdr'), join(dir, 'lonely.hdr'));
  await assert.rejects(
    readVolume(join(dir, 'lonely.hdr')),
    (e: VolumeError) => e.code === 'missing-image-file' && /no image file .*lonely\.img beside this header/.test(e.message),
  );
  // An Analyze header (no magic) in a single .nii file: nibabel cannot work out its type either.
  const analyzeAsNii = Buffer.concat([await readFile(join(FIXTURES, 'analyze.hdr')), Buffer.alloc(4), await readFile(join(FIXTURES, 'analyze.img'))]);
  await writeFile(join(dir, 'analyze.nii'), analyzeAsNii);
  await assert.rejects(readVolume(join(dir, 'analyze.nii')), /^VolumeError: not-a-volume: .*no NIfTI magic/);
});

test('the .img of a pair can be given instead of the .hdr', async () => {
  const a = await readVolume(join(FIXTURES, 'pair_gz.img.gz'));
  const b = await readVolume(join(FIXTURES, 'pair_gz.hdr.gz'));
  assert.deepEqual(a, b);
});

test('big- and little-endian files of the same voxels read identically (TypeScript-written)', async () => {
  const dir = await tempDir();
  const data = Array.from({ length: 24 }, (_, i) => i * 1.5 - 7);
  const affine = [0, 0, -2, 10, 1, 0, 0, -3, 0, 3, 0, 4, 0, 0, 0, 1];
  for (const little of [true, false]) await writeFile(join(dir, `${little}.nii`), niftiBytes({ shape: [2, 3, 4], data, affine, littleEndian: little }));
  const le = await readVolume(join(dir, 'true.nii'));
  const be = await readVolume(join(dir, 'false.nii'));
  assert.deepEqual(be.data, le.data);
  assert.equal(le.sourceAxcodes, 'ASL');
  assert.deepEqual(le.shape, [4, 2, 3]);
});

// The shared cases (../shared/cases, beside the checkout): the NIfTI reference files.
const CASES = fileURLToPath(new URL('../../../../shared/cases/', import.meta.url));
const hasCases = existsSync(join(CASES, '08-nifti-headers-4d-pair'));

test('case 08: functional.nii scaled voxels and the dropped volumes, as nibabel', { skip: !hasCases && 'needs ../shared/cases' }, async () => {
  const path = join(CASES, '08-nifti-headers-4d-pair/data/volumes/functional.nii');
  const v = await readVolume(path);
  assert.deepEqual([v.shape, v.sourceShape, v.sourceAxcodes, v.droppedVolumes], [[17, 21, 3], [17, 21, 3, 20], 'LAS', 19]);
  // LAS -> RAS flips x: stored (i, j, k) is canonical (16 - i, j, k).
  const at = (vol: typeof v, i: number, j: number, k: number) => vol.data[16 - i + 17 * (j + 21 * k)];
  assert.equal(at(v, 8, 10, 1), Math.fround(3865.7654151320457));
  assert.equal(at(v, 0, 0, 0), Math.fround(4004.137202501297));
  assert.equal(at(v, 16, 20, 2), Math.fround(3142.8388072252274));
  assert.equal(at(await readVolume(path, { volumeIndex: 19 }), 8, 10, 1), Math.fround(3910.858782351017));
  const air = await readVolume(join(CASES, '08-nifti-headers-4d-pair/data/volumes/air.hdr.gz'));
  assert.deepEqual([air.shape, air.sourceAxcodes, air.format], [[64, 79, 67], 'AIR', 'nifti1']);
  const nifti2 = await readVolume(join(CASES, '08-nifti-headers-4d-pair/data/volumes/example_nifti2.nii.gz'));
  assert.deepEqual([nifti2.format, nifti2.shape, nifti2.droppedVolumes], ['nifti2', [32, 20, 12], 1]);
  await assert.rejects(
    readVolume(join(CASES, '08-nifti-headers-4d-pair/data/volumes/functional_cut20000.nii')),
    /expected 42840 bytes of voxels \(17x21x3x20 int16\) after byte 352, got 19648/,
  );
});

test('case 06: big- and little-endian copies of one map hold the same voxels', { skip: !hasCases && 'needs ../shared/cases' }, async () => {
  const dir = join(CASES, '06-nifti-big-endian/data/volumes');
  const big = await readVolume(join(dir, 'big.nii.gz'));
  const little = await readVolume(join(dir, 'little.nii.gz'));
  assert.deepEqual(big.data, little.data);
  assert.equal(big.storedType, 'float32 big-endian');
  const anatomical = await readVolume(join(dir, 'anatomical.nii'));
  assert.deepEqual([anatomical.storedType, Math.min(...anatomical.data), Math.max(...anatomical.data)], ['int16 big-endian', -610, 30393]);
});
